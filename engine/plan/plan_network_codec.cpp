// The NETWORK section: model info, values (name, dtype, symbolic shape, weight reference),
// layers (op, attributes, inputs/outputs by value name, origins, the builder's LayerRecord),
// graph inputs/outputs. Decoding rebuilds the ir::Graph and checks every name it references.
#include <bit>
#include <cstring>

#include "plan/plan_internal.h"

namespace kiln::plan::detail {

static_assert(std::endian::native == std::endian::little, "plan files store raw little-endian tensor bytes");

namespace {

// --- shapes: null = unknown rank; a dim is an int (known or -1), a symbol, or [value, symbol] ---
Json encodeShape(const Shape& s) {
    if (!s.rankKnown()) return nullptr;
    Json dims = Json::array();
    for (const Dim& d : s.dims()) {
        if (d.symbol.empty()) dims.push_back(d.value);
        else if (d.value == -1) dims.push_back(d.symbol);
        else dims.push_back(Json::array({d.value, d.symbol}));
    }
    return dims;
}

Status decodeShape(const Json& j, const Fields& f, Shape& out) {
    if (j.is_null()) { out = Shape::unknownRank(); return Status::ok(); }
    if (!j.is_array()) return f.error("shape is neither null nor an array");
    std::vector<Dim> dims;
    for (const Json& d : j) {
        Dim dim;
        if (d.is_string()) {
            dim = Dim::symbolic(d.get<std::string>());
        } else if (d.is_array() && d.size() == 2 && d[1].is_string()) {
            KILN_RETURN_IF_ERROR(jsonToInt64(d[0], dim.value).isOk() ? Status::ok() : f.error("bad dimension"));
            dim.symbol = d[1].get<std::string>();
        } else if (!jsonToInt64(d, dim.value).isOk()) {
            return f.error("shape holds a dimension that is neither an integer nor a symbol");
        }
        dims.push_back(std::move(dim));
    }
    out = Shape(std::move(dims));
    return Status::ok();
}

// --- attributes: {name: {"kind", "value"}}; floats kept as their bit patterns (NaN payloads,
// -0.0 survive exactly) ---
uint32_t floatBits(float v) { return std::bit_cast<uint32_t>(v); }

Json encodeAttribute(const ir::Attribute& a, WeightsBuilder& weights) {
    Json value;
    switch (a.kind()) {
    case ir::AttributeKind::Float: value = floatBits(a.get<float>()); break;
    case ir::AttributeKind::Int: value = a.get<int64_t>(); break;
    case ir::AttributeKind::String: value = a.get<std::string>(); break;
    case ir::AttributeKind::Tensor: value = weights.add(a.get<HostTensor>()); break;
    case ir::AttributeKind::Floats: {
        const auto& v = a.get<std::vector<float>>();
        std::vector<uint8_t> bytes(v.size() * sizeof(float));
        if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
        value = Json::binary(std::move(bytes));
        break;
    }
    case ir::AttributeKind::Ints: value = a.get<std::vector<int64_t>>(); break;
    case ir::AttributeKind::Strings: value = a.get<std::vector<std::string>>(); break;
    }
    return Json{{"kind", ir::attributeKindName(a.kind())}, {"value", std::move(value)}};
}

Expected<ir::Attribute> decodeAttribute(const Json& j, const WeightsView& weights, const std::string& where) {
    Fields f(j, where);
    std::string kind;
    KILN_RETURN_IF_ERROR(f.str("kind", kind));
    KILN_ASSIGN_OR_RETURN(const Json* v, f.any("value"));
    using K = ir::AttributeKind;
    for (K k : {K::Float, K::Int, K::String, K::Tensor, K::Floats, K::Ints, K::Strings}) {
        if (kind != ir::attributeKindName(k)) continue;
        switch (k) {
        case K::Float: {
            if (!v->is_number_unsigned() || v->get<uint64_t>() > 0xffffffffu)
                return f.error("float attribute is not 32 bits");
            return ir::Attribute(std::bit_cast<float>(uint32_t(v->get<uint64_t>())));
        }
        case K::Int: {
            int64_t i = 0;
            KILN_RETURN_IF_ERROR(f.i64("value", i));
            return ir::Attribute(i);
        }
        case K::String: {
            std::string s;
            KILN_RETURN_IF_ERROR(f.str("value", s));
            return ir::Attribute(std::move(s));
        }
        case K::Tensor: {
            KILN_ASSIGN_OR_RETURN(HostTensor t, weights.tensor(*v, where));
            return ir::Attribute(std::move(t));
        }
        case K::Floats: {
            if (!v->is_binary() || v->get_binary().size() % sizeof(float) != 0)
                return f.error("floats attribute is not a byte string of float32 values");
            const auto& b = v->get_binary();
            std::vector<float> out(b.size() / sizeof(float));
            if (!out.empty()) std::memcpy(out.data(), b.data(), b.size());
            return ir::Attribute(std::move(out));
        }
        case K::Ints: {
            std::vector<int64_t> out;
            KILN_RETURN_IF_ERROR(f.ints("value", out));
            return ir::Attribute(std::move(out));
        }
        case K::Strings: {
            std::vector<std::string> out;
            KILN_RETURN_IF_ERROR(f.strings("value", out));
            return ir::Attribute(std::move(out));
        }
        }
    }
    return f.error("unknown attribute kind '" + kind + "'");
}

// --- model info ---
Json encodeInfo(const ir::ModelInfo& m) {
    Json opsets = Json::array(), metadata = Json::array();
    for (const auto& [domain, version] : m.opsets) opsets.push_back(Json::array({domain, version}));
    for (const auto& [key, value] : m.metadata) metadata.push_back(Json::array({key, value}));
    return Json{{"irVersion", m.irVersion},       {"producerName", m.producerName},
                {"producerVersion", m.producerVersion}, {"domain", m.domain},
                {"docString", m.docString},       {"graphName", m.graphName},
                {"modelVersion", m.modelVersion}, {"opsets", std::move(opsets)},
                {"metadata", std::move(metadata)}};
}

Status decodeInfo(const Json& j, ir::ModelInfo& m) {
    Fields f(j, "section NETWORK, model info");
    KILN_RETURN_IF_ERROR(f.i64("irVersion", m.irVersion));
    KILN_RETURN_IF_ERROR(f.str("producerName", m.producerName));
    KILN_RETURN_IF_ERROR(f.str("producerVersion", m.producerVersion));
    KILN_RETURN_IF_ERROR(f.str("domain", m.domain));
    KILN_RETURN_IF_ERROR(f.str("docString", m.docString));
    KILN_RETURN_IF_ERROR(f.str("graphName", m.graphName));
    KILN_RETURN_IF_ERROR(f.i64("modelVersion", m.modelVersion));
    KILN_ASSIGN_OR_RETURN(const Json* opsets, f.array("opsets"));
    for (const Json& e : *opsets) {
        if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number_integer())
            return f.error("an opset entry is not [domain, version]");
        int64_t version = 0;
        KILN_RETURN_IF_ERROR(jsonToInt64(e[1], version));
        if (version < 0 || version > 100000)
            return f.error("opset version " + std::to_string(version) + " is out of range");
        m.opsets[e[0].get<std::string>()] = int(version);
    }
    KILN_ASSIGN_OR_RETURN(const Json* metadata, f.array("metadata"));
    for (const Json& e : *metadata) {
        if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string())
            return f.error("a metadata entry is not [key, value]");
        m.metadata.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    }
    return Status::ok();
}

// --- layer records ---
Json encodeRecord(const LayerRecord& r) {
    Json candidates = Json::array();
    for (const TacticCandidate& c : r.candidates)
        candidates.push_back(Json{{"tactic", c.tactic}, {"precision", c.precision}, {"ms", c.milliseconds},
                                  {"chosen", c.chosen}, {"rejected", c.rejected}});
    return Json{{"precision", r.precision}, {"tactic", r.tactic}, {"ms", r.milliseconds},
                {"candidates", std::move(candidates)}};
}

Status decodeRecord(const Json& j, const std::string& where, LayerRecord& r) {
    Fields f(j, where + ", record");
    KILN_RETURN_IF_ERROR(f.str("precision", r.precision));
    KILN_RETURN_IF_ERROR(f.str("tactic", r.tactic));
    KILN_RETURN_IF_ERROR(f.f64("ms", r.milliseconds));
    KILN_ASSIGN_OR_RETURN(const Json* candidates, f.array("candidates"));
    for (const Json& c : *candidates) {
        Fields cf(c, where + ", tactic candidate " + std::to_string(r.candidates.size()));
        TacticCandidate t;
        KILN_RETURN_IF_ERROR(cf.str("tactic", t.tactic));
        KILN_RETURN_IF_ERROR(cf.f64("ms", t.milliseconds));
        KILN_RETURN_IF_ERROR(cf.boolean("chosen", t.chosen));
        KILN_RETURN_IF_ERROR(cf.str("rejected", t.rejected));
        // Plans written before candidates carried their precision have none.
        if (auto p = c.find("precision"); p != c.end() && p->is_string()) t.precision = p->get<std::string>();
        r.candidates.push_back(std::move(t));
    }
    return Status::ok();
}

Json valueNames(const std::vector<ir::Value*>& values) {
    Json names = Json::array();
    for (const ir::Value* v : values) names.push_back(v ? v->name() : std::string());
    return names;
}

// Resolves a layer's input or output names ("" stays null: an omitted optional tensor).
Expected<std::vector<ir::Value*>> resolve(const ir::Graph& g, const std::vector<std::string>& names,
                                          const std::string& layer, const char* verb) {
    std::vector<ir::Value*> out;
    for (const std::string& name : names) {
        ir::Value* v = name.empty() ? nullptr : g.findValue(name);
        if (!name.empty() && !v)
            return invalidModel("layer '" + layer + "' " + verb + " tensor '" + name +
                                "' that the plan does not define");
        out.push_back(v);
    }
    return out;
}

Status decodeValues(const Json& values, const WeightsView& weights, ir::Graph& g) {
    size_t index = 0;
    for (const Json& vj : values) {
        std::string name;
        int dtypeCode = 0;
        KILN_RETURN_IF_ERROR(Fields(vj, "section NETWORK, value " + std::to_string(index++)).str("name", name));
        Fields f(vj, "section NETWORK, value '" + name + "'");
        KILN_RETURN_IF_ERROR(f.i32("dtype", dtypeCode));
        DataType dtype = DataType::Undefined;
        if (dtypeCode != 0) {
            auto dt = dataTypeFromOnnx(dtypeCode);
            if (!dt) return f.error("data type " + std::to_string(dtypeCode) + " is not valid");
            dtype = *dt;
        }
        Shape shape;
        KILN_ASSIGN_OR_RETURN(const Json* shapeJson, f.any("shape"));
        KILN_RETURN_IF_ERROR(decodeShape(*shapeJson, f, shape));
        auto added = g.addValue(name);
        if (!added) return f.error("the tensor name is used twice");
        ir::Value* v = *added;
        if (auto it = vj.find("const"); it != vj.end()) {
            KILN_ASSIGN_OR_RETURN(HostTensor t, weights.tensor(*it, f.where()));
            v->setConstant(std::move(t));
        }
        v->setType(dtype);
        v->setShape(std::move(shape));
    }
    return Status::ok();
}

Status decodeLayer(const Json& lj, size_t index, const WeightsView& weights, ir::Graph& g, Plan& plan) {
    std::string name, op, domain, doc;
    int opset = 0;
    std::vector<std::string> inputNames, outputNames, origins;
    KILN_RETURN_IF_ERROR(Fields(lj, "section NETWORK, layer " + std::to_string(index)).str("name", name));
    Fields f(lj, "section NETWORK, layer '" + name + "'");
    KILN_RETURN_IF_ERROR(f.str("op", op));
    KILN_RETURN_IF_ERROR(f.str("domain", domain));
    KILN_RETURN_IF_ERROR(f.i32("opset", opset));
    KILN_RETURN_IF_ERROR(f.strings("inputs", inputNames));
    KILN_RETURN_IF_ERROR(f.strings("outputs", outputNames));
    KILN_RETURN_IF_ERROR(f.strings("origins", origins));
    KILN_RETURN_IF_ERROR(f.str("doc", doc));
    KILN_ASSIGN_OR_RETURN(const Json* attrs, f.object("attrs"));
    KILN_ASSIGN_OR_RETURN(auto inputs, resolve(g, inputNames, name, "reads"));
    KILN_ASSIGN_OR_RETURN(auto outputs, resolve(g, outputNames, name, "writes"));
    for (ir::Value* v : outputs)
        if (v && v->producer())
            return invalidModel("tensor '" + v->name() + "' is written by two layers ('" + v->producer()->name() +
                                "' and '" + name + "')");
    ir::Node* n = g.addNode(name, op, domain, inputs, outputs);
    n->setOpsetVersion(opset);
    n->setOrigins(std::move(origins));
    n->setDocString(std::move(doc));
    for (const auto& [attrName, aj] : attrs->items()) {
        const std::string where = f.where() + ", attribute '" + attrName + "'";
        KILN_ASSIGN_OR_RETURN(ir::Attribute a, decodeAttribute(aj, weights, where));
        n->setAttr(attrName, std::move(a));
    }
    // Either every layer carries the builder's record or none does (a plan of an unbuilt network).
    auto record = lj.find("record");
    const bool hasRecord = record != lj.end();
    if (index > 0 && hasRecord == plan.layers.empty())
        return f.error("some layers carry a builder record and some do not");
    if (hasRecord) {
        LayerRecord r;
        KILN_RETURN_IF_ERROR(decodeRecord(*record, f.where(), r));
        plan.layers.push_back(std::move(r));
    }
    return Status::ok();
}

Status decodeIo(const Fields& f, const char* key, ir::Graph& g, bool inputs) {
    std::vector<std::string> names;
    KILN_RETURN_IF_ERROR(f.strings(key, names));
    for (const std::string& name : names) {
        ir::Value* v = g.findValue(name);
        if (!v)
            return invalidModel(std::string("graph ") + (inputs ? "input" : "output") + " '" + name +
                                "' is not a tensor the plan defines");
        if (inputs) g.addInput(v);
        else g.addOutput(v);
    }
    return Status::ok();
}

}  // namespace

Expected<Json> encodeNetwork(const ir::Graph& g, const std::vector<LayerRecord>& layers, WeightsBuilder& weights) {
    if (!layers.empty() && layers.size() != size_t(g.numNodes()))
        return invalidArgument("the plan has " + std::to_string(layers.size()) + " layer records for " +
                               std::to_string(g.numNodes()) + " layers; they must be parallel");
    Json values = Json::array();
    for (const ir::Value* v : g.values()) {
        Json vj{{"name", v->name()}, {"dtype", dataTypeToOnnx(v->dtype())}, {"shape", encodeShape(v->shape())}};
        if (const HostTensor* c = v->constant()) {
            if (!c->isValid()) return invalidArgument("constant '" + v->name() + "' holds no data");
            vj["const"] = weights.add(*c);
        }
        values.push_back(std::move(vj));
    }
    Json nodes = Json::array();
    for (size_t i = 0; i < g.nodes().size(); ++i) {
        const ir::Node& n = *g.nodes()[i];
        Json attrs = Json::object();
        for (const auto& [name, a] : n.attributes()) {
            if (a.is<HostTensor>() && !a.get<HostTensor>().isValid())
                return invalidArgument("layer '" + n.name() + "': tensor attribute '" + name + "' holds no data");
            attrs[name] = encodeAttribute(a, weights);
        }
        Json lj{{"name", n.name()},         {"op", n.opType()},
                {"domain", n.domain()},     {"opset", n.opsetVersion()},
                {"inputs", valueNames(n.inputs())}, {"outputs", valueNames(n.outputs())},
                {"attrs", std::move(attrs)}, {"origins", n.origins()},
                {"doc", n.docString()}};
        if (!layers.empty()) lj["record"] = encodeRecord(layers[i]);
        nodes.push_back(std::move(lj));
    }
    return Json{{"info", encodeInfo(g.info())}, {"values", std::move(values)}, {"layers", std::move(nodes)},
                {"inputs", valueNames(g.inputs())}, {"outputs", valueNames(g.outputs())}};
}

Status decodeNetwork(const Json& j, const WeightsView& weights, Plan& plan) {
    auto g = std::make_unique<ir::Graph>();
    Fields f(j, "section NETWORK");
    KILN_ASSIGN_OR_RETURN(const Json* info, f.object("info"));
    KILN_RETURN_IF_ERROR(decodeInfo(*info, g->info()));
    KILN_ASSIGN_OR_RETURN(const Json* values, f.array("values"));
    KILN_RETURN_IF_ERROR(decodeValues(*values, weights, *g));
    KILN_ASSIGN_OR_RETURN(const Json* layers, f.array("layers"));
    plan.layers.clear();
    for (size_t i = 0; i < layers->size(); ++i)
        KILN_RETURN_IF_ERROR(decodeLayer((*layers)[i], i, weights, *g, plan));
    KILN_RETURN_IF_ERROR(decodeIo(f, "inputs", *g, true));
    KILN_RETURN_IF_ERROR(decodeIo(f, "outputs", *g, false));
    Status verified = g->verify();
    if (!verified.isOk()) return verified.prefix("section NETWORK: the network is inconsistent");
    plan.network = std::move(g);
    return Status::ok();
}

}  // namespace kiln::plan::detail
