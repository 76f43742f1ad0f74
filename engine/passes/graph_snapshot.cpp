#include "passes/graph_snapshot.h"

#include <unordered_map>
#include <unordered_set>

namespace kiln::passes {

GraphSnapshot GraphSnapshot::of(const ir::Graph& g) {
    GraphSnapshot s;
    for (auto& np : g.nodes()) {
        const ir::Node& n = *np;
        NodeSnapshot ns{n.name(), n.opType(), n.domain(), {}, {}, n.origins(), {}};
        for (const ir::Value* v : n.inputs()) ns.inputs.push_back(v ? v->name() : "");
        for (const ir::Value* v : n.outputs()) ns.outputs.push_back(v ? v->name() : "");
        for (auto& [k, a] : n.attributes()) ns.attributes.emplace_back(k, a.toString());
        s.nodes.push_back(std::move(ns));
    }
    for (const ir::Value* v : g.values())
        s.values[v->name()] = ValueSnapshot{v->name(), v->dtype(), v->shape().toString(), v->constant() != nullptr};
    for (const ir::Value* v : g.inputs()) s.inputs.push_back(v->name());
    for (const ir::Value* v : g.outputs()) s.outputs.push_back(v->name());
    return s;
}

const NodeSnapshot* GraphSnapshot::findNode(const std::string& name) const {
    for (const NodeSnapshot& n : nodes)
        if (n.name == name) return &n;
    return nullptr;
}

SnapshotDiff diffSnapshots(const GraphSnapshot& before, const GraphSnapshot& after) {
    SnapshotDiff d;
    std::unordered_map<std::string, const NodeSnapshot*> old;
    for (const NodeSnapshot& n : before.nodes) old[n.name] = &n;
    std::unordered_set<std::string> kept;
    for (const NodeSnapshot& n : after.nodes) {
        kept.insert(n.name);
        d.order.push_back(n.name);
        auto it = old.find(n.name);
        if (it == old.end() || !(*it->second == n)) d.upsertedNodes.push_back(n);
    }
    for (const NodeSnapshot& n : before.nodes)
        if (!kept.count(n.name)) d.removedNodes.push_back(n.name);
    for (auto& [name, v] : after.values) {
        auto it = before.values.find(name);
        if (it == before.values.end() || !(it->second == v)) d.upsertedValues.push_back(v);
    }
    for (auto& [name, v] : before.values)
        if (!after.values.count(name)) d.removedValues.push_back(name);
    d.inputs = after.inputs;
    d.outputs = after.outputs;
    return d;
}

Expected<GraphSnapshot> applyDiff(const GraphSnapshot& before, const SnapshotDiff& d) {
    std::unordered_map<std::string, NodeSnapshot> nodes;
    for (const NodeSnapshot& n : before.nodes) nodes[n.name] = n;
    for (const std::string& r : d.removedNodes) nodes.erase(r);
    for (const NodeSnapshot& n : d.upsertedNodes) nodes[n.name] = n;
    GraphSnapshot s;
    for (const std::string& name : d.order) {
        auto it = nodes.find(name);
        if (it == nodes.end()) return invalidArgument("pass log diff names unknown node '" + name + "'");
        s.nodes.push_back(it->second);
    }
    s.values = before.values;
    for (const std::string& r : d.removedValues) s.values.erase(r);
    for (const ValueSnapshot& v : d.upsertedValues) s.values[v.name] = v;
    s.inputs = d.inputs;
    s.outputs = d.outputs;
    return s;
}

}  // namespace kiln::passes
