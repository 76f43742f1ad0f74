// PassLog <-> JSON. Layout (version 1):
// { "format": "kiln-passlog", "version": 1, "snapshots": bool, "initial": Snapshot,
//   "passes": [ { "name", "description", "nodesBefore", "nodesAfter", "milliseconds",
//                 "rewrites": [ {rule, matched[], result, explanation} ],
//                 "declines": [ {nodes[], reason} ], "diff": Diff } ] }
#include <nlohmann/json.hpp>

#include "passes/pass_log.h"

namespace kiln::passes {

using nlohmann::json;

void to_json(json& j, const NodeSnapshot& n) {
    j = json{{"name", n.name}, {"op", n.opType}, {"domain", n.domain}, {"inputs", n.inputs},
             {"outputs", n.outputs}, {"origins", n.origins}, {"attributes", n.attributes}};
}
void from_json(const json& j, NodeSnapshot& n) {
    j.at("name").get_to(n.name);
    j.at("op").get_to(n.opType);
    j.at("domain").get_to(n.domain);
    j.at("inputs").get_to(n.inputs);
    j.at("outputs").get_to(n.outputs);
    j.at("origins").get_to(n.origins);
    j.at("attributes").get_to(n.attributes);
}
void to_json(json& j, const ValueSnapshot& v) {
    j = json{{"name", v.name}, {"dtype", dataTypeName(v.dtype)}, {"shape", v.shape}, {"constant", v.constant}};
}
void from_json(const json& j, ValueSnapshot& v) {
    j.at("name").get_to(v.name);
    auto t = dataTypeFromName(j.at("dtype").get<std::string>());
    v.dtype = t ? *t : DataType::Undefined;
    j.at("shape").get_to(v.shape);
    j.at("constant").get_to(v.constant);
}
void to_json(json& j, const GraphSnapshot& s) {
    json values = json::array();
    for (auto& [k, v] : s.values) values.push_back(v);
    j = json{{"nodes", s.nodes}, {"values", values}, {"inputs", s.inputs}, {"outputs", s.outputs}};
}
void from_json(const json& j, GraphSnapshot& s) {
    j.at("nodes").get_to(s.nodes);
    for (const json& v : j.at("values")) {
        ValueSnapshot vs = v.get<ValueSnapshot>();
        s.values[vs.name] = vs;
    }
    j.at("inputs").get_to(s.inputs);
    j.at("outputs").get_to(s.outputs);
}
void to_json(json& j, const SnapshotDiff& d) {
    j = json{{"removedNodes", d.removedNodes}, {"upsertedNodes", d.upsertedNodes}, {"order", d.order},
             {"removedValues", d.removedValues}, {"upsertedValues", d.upsertedValues},
             {"inputs", d.inputs}, {"outputs", d.outputs}};
}
void from_json(const json& j, SnapshotDiff& d) {
    j.at("removedNodes").get_to(d.removedNodes);
    j.at("upsertedNodes").get_to(d.upsertedNodes);
    j.at("order").get_to(d.order);
    j.at("removedValues").get_to(d.removedValues);
    j.at("upsertedValues").get_to(d.upsertedValues);
    j.at("inputs").get_to(d.inputs);
    j.at("outputs").get_to(d.outputs);
}

std::string PassLog::toJson(int indent) const {
    json passes = json::array();
    for (const PassRecord& p : m_passes) {
        json rewrites = json::array(), declines = json::array();
        for (const Rewrite& r : p.rewrites)
            rewrites.push_back({{"rule", r.rule}, {"matched", r.matched}, {"result", r.result}, {"explanation", r.explanation}});
        for (const Decline& d : p.declines) declines.push_back({{"nodes", d.nodes}, {"reason", d.reason}});
        json jp{{"name", p.name}, {"description", p.description}, {"nodesBefore", p.nodesBefore},
                {"nodesAfter", p.nodesAfter}, {"milliseconds", p.milliseconds}, {"rewrites", rewrites},
                {"declines", declines}};
        if (m_recordSnapshots) jp["diff"] = p.diff;
        passes.push_back(std::move(jp));
    }
    json root{{"format", "kiln-passlog"}, {"version", 1}, {"snapshots", m_recordSnapshots}, {"passes", passes}};
    if (m_recordSnapshots) root["initial"] = m_initial;
    return root.dump(indent);
}

Expected<PassLog> PassLog::fromJson(const std::string& text) {
    try {
        json root = json::parse(text);
        if (root.value("format", "") != "kiln-passlog") return invalidArgument("not a Kiln pass log");
        if (root.value("version", 0) != 1)
            return unsupported("pass log version " + std::to_string(root.value("version", 0)) + " is not supported");
        PassLog log(root.at("snapshots").get<bool>());
        if (log.m_recordSnapshots) log.m_initial = root.at("initial").get<GraphSnapshot>();
        for (const json& jp : root.at("passes")) {
            PassRecord p;
            jp.at("name").get_to(p.name);
            jp.at("description").get_to(p.description);
            jp.at("nodesBefore").get_to(p.nodesBefore);
            jp.at("nodesAfter").get_to(p.nodesAfter);
            jp.at("milliseconds").get_to(p.milliseconds);
            for (const json& r : jp.at("rewrites"))
                p.rewrites.push_back({r.at("rule"), r.at("matched"), r.at("result"), r.at("explanation")});
            for (const json& d : jp.at("declines")) p.declines.push_back({d.at("nodes"), d.at("reason")});
            if (log.m_recordSnapshots) p.diff = jp.at("diff").get<SnapshotDiff>();
            log.m_passes.push_back(std::move(p));
        }
        return log;
    } catch (const std::exception& e) {
        return invalidArgument(std::string("malformed pass log: ") + e.what());
    }
}

}  // namespace kiln::passes
