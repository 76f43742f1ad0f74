#include "plugin/plugin_layer.h"

#include <cstring>
#include <deque>
#include <map>
#include <mutex>

#include "ops/op_registry.h"
#include "passes/symbolic_dims.h"

namespace kiln::plugins {

namespace {

// Kiln's own attributes (kiln_plugin_*, kiln_precision, ...) are not the plugin's, except the
// fused activation it agreed to take.
bool isKilnAttr(const std::string& name) {
    return name.rfind("kiln_", 0) == 0 && name.rfind("kiln_activation", 0) != 0;
}

// The node's attributes as plugin fields. The vectors own the bytes the fields point into.
struct Fields {
    std::deque<std::string> names;
    std::deque<std::vector<uint8_t>> data;
    std::vector<plugin::PluginField> fields;
    plugin::PluginFieldCollection collection;
};

template <typename T>
void addField(Fields& f, const std::string& name, plugin::FieldType type, const T* values, size_t count) {
    f.names.push_back(name);
    std::vector<uint8_t> bytes(count * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values, bytes.size());
    f.data.push_back(std::move(bytes));
    plugin::PluginField pf;
    pf.name = f.names.back().c_str();
    pf.data = f.data.back().data();
    pf.type = type;
    pf.length = int32_t(count);
    f.fields.push_back(pf);
}

Expected<std::unique_ptr<Fields>> fieldsOf(const ir::Node& n) {
    auto f = std::make_unique<Fields>();
    for (const auto& [name, a] : n.attributes()) {
        if (isKilnAttr(name)) continue;
        const auto& s = a.storage();
        if (const float* v = std::get_if<float>(&s)) addField(*f, name, plugin::FieldType::kFLOAT32, v, 1);
        else if (const int64_t* i = std::get_if<int64_t>(&s)) addField(*f, name, plugin::FieldType::kINT64, i, 1);
        else if (const std::string* t = std::get_if<std::string>(&s))
            addField(*f, name, plugin::FieldType::kCHAR, t->data(), t->size());
        else if (const auto* fs = std::get_if<std::vector<float>>(&s))
            addField(*f, name, plugin::FieldType::kFLOAT32, fs->data(), fs->size());
        else if (const auto* is = std::get_if<std::vector<int64_t>>(&s))
            addField(*f, name, plugin::FieldType::kINT64, is->data(), is->size());
        else if (const HostTensor* ht = std::get_if<HostTensor>(&s))
            addField(*f, name, plugin::FieldType::kBYTES, static_cast<const uint8_t*>(ht->raw()), ht->byteSize());
        else
            return Status(StatusCode::Unsupported, "attribute '" + name + "' is a list of strings, which plugins cannot take",
                          n.name(), n.opType());
    }
    f->collection.nbFields = int32_t(f->fields.size());
    f->collection.fields = f->fields.data();
    return f;
}

const char* lastError(const plugin::IPlugin* p) {
    try {
        const char* e = p ? p->getLastError() : nullptr;
        return e && *e ? e : nullptr;
    } catch (...) {
        return nullptr;
    }
}

// IDimExpr over Kiln's symbolic dims.
class DimExpr final : public plugin::IDimExpr {
public:
    explicit DimExpr(Dim d) : dim(std::move(d)) {}
    bool isConstant() const override { return dim.isKnown(); }
    int64_t getConstantValue() const override { return dim.isKnown() ? dim.value : -1; }
    Dim dim;
};

class ExprBuilder final : public plugin::IExprBuilder {
public:
    explicit ExprBuilder(passes::DimAlgebra* algebra) : m_algebra(algebra) {}
    const plugin::IDimExpr* constant(int64_t value) override { return make(value >= 0 ? Dim(value) : Dim::unknown()); }
    const plugin::IDimExpr* operation(plugin::DimOp op, const plugin::IDimExpr& a, const plugin::IDimExpr& b) override {
        const Dim& x = static_cast<const DimExpr&>(a).dim;
        const Dim& y = static_cast<const DimExpr&>(b).dim;
        if (!m_algebra) {  // concrete dims only
            passes::DimAlgebra scratch;
            return make(apply(scratch, op, x, y));
        }
        return make(apply(*m_algebra, op, x, y));
    }
    const DimExpr* make(Dim d) {
        m_exprs.emplace_back(std::move(d));
        return &m_exprs.back();
    }
    // Whether e was made by this builder (a plugin could hand back anything).
    bool owns(const plugin::IDimExpr* e) const {
        for (const DimExpr& x : m_exprs)
            if (&x == e) return true;
        return false;
    }

private:
    static Dim apply(passes::DimAlgebra& alg, plugin::DimOp op, const Dim& x, const Dim& y) {
        switch (op) {
        case plugin::DimOp::kSUM: return alg.add(x, y);
        case plugin::DimOp::kPROD: return alg.mul(x, y);
        case plugin::DimOp::kMAX: return alg.function("max", x, y);
        case plugin::DimOp::kMIN: return alg.function("min", x, y);
        case plugin::DimOp::kSUB: return alg.function("sub", x, y);
        case plugin::DimOp::kFLOOR_DIV: return alg.function("floordiv", x, y);
        case plugin::DimOp::kCEIL_DIV: return alg.function("ceildiv", x, y);
        }
        return Dim::unknown();
    }

    passes::DimAlgebra* m_algebra;
    std::deque<DimExpr> m_exprs;
};

// getOutputShapes through an expression builder; dims come back as Kiln dims.
Expected<std::vector<Shape>> shapesVia(PluginInstance& p, const std::vector<Shape>& inputs, ExprBuilder& builder) {
    std::vector<plugin::DimsExprs> ins(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        const Shape& s = inputs[i];
        if (!s.rankKnown())
            return Status(StatusCode::InvalidModel, "input " + std::to_string(i) + " of the plugin layer has an unknown rank",
                          p.layer, p.info.type);
        if (s.rank() > plugin::kMaxDims)
            return Status(StatusCode::Unsupported, "input " + std::to_string(i) + " has rank " + std::to_string(s.rank()) +
                          "; plugins take at most " + std::to_string(plugin::kMaxDims), p.layer, p.info.type);
        ins[i].nbDims = s.rank();
        for (int d = 0; d < s.rank(); ++d) ins[i].d[d] = builder.make(s[d]);
    }
    int32_t nbOut = 0;
    std::vector<plugin::DimsExprs> outs;
    KILN_RETURN_IF_ERROR(guarded(p, "getOutputShapes", [&] {
        nbOut = p.plugin->getNbOutputs();
        if (nbOut < 0 || nbOut > 64) return internalError("getNbOutputs returned " + std::to_string(nbOut));
        outs.resize(size_t(nbOut));
        return callStatus(p, "getOutputShapes",
                          p.plugin->getOutputShapes(ins.data(), int32_t(ins.size()), outs.data(), nbOut, builder));
    }));
    std::vector<Shape> shapes;
    for (int32_t o = 0; o < nbOut; ++o) {
        const plugin::DimsExprs& e = outs[size_t(o)];
        if (e.nbDims < 0 || e.nbDims > plugin::kMaxDims)
            return Status(StatusCode::Internal, "getOutputShapes gave output " + std::to_string(o) + " rank " +
                          std::to_string(e.nbDims), p.layer, p.info.type);
        std::vector<Dim> dims;
        for (int d = 0; d < e.nbDims; ++d) {
            if (!e.d[d] || !builder.owns(e.d[d]))
                return Status(StatusCode::Internal, "getOutputShapes gave output " + std::to_string(o) + " dim " +
                              std::to_string(d) + " that the expression builder did not make", p.layer, p.info.type);
            dims.push_back(static_cast<const DimExpr*>(e.d[d])->dim);
        }
        shapes.emplace_back(std::move(dims));
    }
    return shapes;
}

}  // namespace

bool isPluginNode(const ir::Node& n) {
    if (ops::OpRegistry::builtin().knows(n.domain(), n.opType())) return false;
    return PluginRegistry::global().creator(n.domain(), n.opType()) != nullptr;
}

bool isBuiltPluginNode(const ir::Node& n) { return n.hasAttr(kVersionAttr); }

Status callStatus(const PluginInstance& p, const char* what, int32_t code) {
    if (code == 0) return Status::ok();
    const char* why = lastError(p.plugin.get());
    return Status(StatusCode::Internal,
                  "plugin " + p.info.describe() + ": " + what + " failed (status " + std::to_string(code) + ")" +
                      (why ? std::string(": ") + why : std::string()),
                  p.layer, p.info.type);
}

Expected<PluginInstance> instantiate(const ir::Node& n) {
    auto info = PluginRegistry::global().find(n.domain(), n.opType());
    plugin::IPluginCreator* creator = PluginRegistry::global().creator(n.domain(), n.opType());
    if (!info || !creator) {
        const std::string built = n.attrString(kVersionAttr, "");
        return Status(StatusCode::NotFound,
                      "no plugin provides op " + n.opType() + " (" + (n.domain().empty() ? "ai.onnx" : n.domain()) + ")" +
                          (built.empty() ? std::string() : ", version " + built) + ": load its library with --plugins",
                      n.name(), n.opType());
    }
    PluginInstance inst;
    inst.info = *info;
    inst.layer = n.name();
    const std::string built = n.attrString(kVersionAttr, "");
    if (!built.empty() && built != info->version)
        return Status(StatusCode::Unsupported,
                      "the layer was built with version " + built + " of plugin " + info->type + ", but version " +
                          info->version + " is loaded (" + info->describe() + ")",
                      n.name(), n.opType());
    const ir::Attribute* data = n.attr(kDataAttr);
    auto creatorError = [&]() -> std::string {
        try {
            const char* e = creator->getLastError();
            return e && *e ? std::string(": ") + e : std::string();
        } catch (...) {
            return {};
        }
    };
    Status st = guarded(inst, data ? "deserializePlugin" : "createPlugin", [&]() -> Status {
        plugin::IPlugin* made = nullptr;
        if (data) {
            if (!data->is<HostTensor>()) return invalidModel(std::string(kDataAttr) + " is not a tensor");
            const HostTensor& t = data->get<HostTensor>();
            made = creator->deserializePlugin(n.name().c_str(), t.raw(), t.byteSize());
        } else {
            KILN_ASSIGN_OR_RETURN(std::unique_ptr<Fields> f, fieldsOf(n));
            made = creator->createPlugin(n.name().c_str(), &f->collection);
        }
        inst.plugin.reset(made);
        if (!made)
            return invalidArgument("plugin " + info->describe() + " refused to " +
                                   (data ? "deserialize the layer" : "create the layer") + creatorError());
        return Status::ok();
    });
    if (!st.isOk()) return st.atNode(n.name(), n.opType());
    return inst;
}

std::optional<plugin::DataType> toPluginType(DataType t) {
    switch (t) {
    case DataType::Float32: return plugin::DataType::kFLOAT;
    case DataType::Float16: return plugin::DataType::kHALF;
    case DataType::UInt8: return plugin::DataType::kUINT8;
    case DataType::Int8: return plugin::DataType::kINT8;
    case DataType::Int32: return plugin::DataType::kINT32;
    case DataType::Int64: return plugin::DataType::kINT64;
    case DataType::Bool: return plugin::DataType::kBOOL;
    default: return std::nullopt;
    }
}

DataType fromPluginType(plugin::DataType t) {
    switch (t) {
    case plugin::DataType::kFLOAT: return DataType::Float32;
    case plugin::DataType::kHALF: return DataType::Float16;
    case plugin::DataType::kUINT8: return DataType::UInt8;
    case plugin::DataType::kINT8: return DataType::Int8;
    case plugin::DataType::kINT32: return DataType::Int32;
    case plugin::DataType::kINT64: return DataType::Int64;
    case plugin::DataType::kBOOL: return DataType::Bool;
    }
    return DataType::Undefined;
}

plugin::TensorDesc tensorDesc(DataType t, const std::vector<int64_t>& dims) {
    plugin::TensorDesc d;
    d.type = toPluginType(t).value_or(plugin::DataType::kFLOAT);
    d.dims.nbDims = int32_t(std::min<size_t>(dims.size(), plugin::kMaxDims));
    for (int32_t i = 0; i < d.dims.nbDims; ++i) d.dims.d[i] = dims[size_t(i)];
    return d;
}

Expected<std::vector<DataType>> outputTypes(PluginInstance& p, const std::vector<DataType>& inputTypes) {
    std::vector<plugin::DataType> ins;
    for (size_t i = 0; i < inputTypes.size(); ++i) {
        if (inputTypes[i] == DataType::Undefined) {
            ins.push_back(plugin::DataType::kFLOAT);
            continue;
        }
        auto t = toPluginType(inputTypes[i]);
        if (!t)
            return Status(StatusCode::Unsupported, std::string("input ") + std::to_string(i) + " is " +
                          dataTypeName(inputTypes[i]) + ", which the plugin API has no type for", p.layer, p.info.type);
        ins.push_back(*t);
    }
    std::vector<plugin::DataType> outs;
    KILN_RETURN_IF_ERROR(guarded(p, "getOutputDataTypes", [&] {
        const int32_t nb = p.plugin->getNbOutputs();
        if (nb < 0 || nb > 64) return internalError("getNbOutputs returned " + std::to_string(nb));
        outs.assign(size_t(nb), plugin::DataType::kFLOAT);
        return callStatus(p, "getOutputDataTypes",
                          p.plugin->getOutputDataTypes(outs.data(), nb, ins.data(), int32_t(ins.size())));
    }));
    std::vector<DataType> result;
    for (plugin::DataType t : outs) {
        DataType k = fromPluginType(t);
        if (k == DataType::Undefined)
            return Status(StatusCode::Internal, "getOutputDataTypes gave an unknown type code " + std::to_string(int(t)),
                          p.layer, p.info.type);
        result.push_back(k);
    }
    return result;
}

Expected<std::vector<Shape>> outputShapes(PluginInstance& p, const std::vector<Shape>& inputs, passes::DimAlgebra& dims) {
    ExprBuilder builder(&dims);
    return shapesVia(p, inputs, builder);
}

Expected<LayerOutputs> layerOutputs(PluginInstance& p, const ir::Node& n, passes::DimAlgebra& dims) {
    std::vector<Shape> shapes;
    std::vector<DataType> types;
    for (const ir::Value* v : n.inputs()) {
        if (!v) return Status(StatusCode::InvalidModel, "an omitted input: plugin layers take every input", p.layer, p.info.type);
        shapes.push_back(v->shape());
        types.push_back(v->dtype());
    }
    LayerOutputs out;
    KILN_ASSIGN_OR_RETURN(out.types, outputTypes(p, types));
    KILN_ASSIGN_OR_RETURN(out.shapes, outputShapes(p, shapes, dims));
    if (out.types.size() != size_t(n.numOutputs()) || out.shapes.size() != size_t(n.numOutputs()))
        return Status(StatusCode::InvalidModel,
                      "the node has " + std::to_string(n.numOutputs()) + " outputs; plugin " + p.info.describe() +
                          " describes " + std::to_string(out.shapes.size()),
                      p.layer, p.info.type);
    return out;
}

Expected<std::vector<std::vector<int64_t>>> outputDims(PluginInstance& p, const std::vector<std::vector<int64_t>>& inputs) {
    ExprBuilder builder(nullptr);
    std::vector<Shape> shapes;
    for (const auto& d : inputs) shapes.push_back(Shape::fromDims(d));
    KILN_ASSIGN_OR_RETURN(std::vector<Shape> outs, shapesVia(p, shapes, builder));
    std::vector<std::vector<int64_t>> result;
    for (size_t o = 0; o < outs.size(); ++o) {
        auto d = outs[o].staticDims();
        if (!d)
            return Status(StatusCode::Internal, "getOutputShapes gave output " + std::to_string(o) + " the shape " +
                          outs[o].toString() + " at concrete input shapes", p.layer, p.info.type);
        result.push_back(std::move(*d));
    }
    return result;
}

Status stampNode(ir::Node& n) {
    n.removeAttr(kDataAttr);
    n.removeAttr(kVersionAttr);
    KILN_ASSIGN_OR_RETURN(PluginInstance p, instantiate(n));
    std::vector<uint8_t> bytes;
    KILN_RETURN_IF_ERROR(guarded(p, "serialize", [&] {
        const size_t size = p.plugin->getSerializationSize();
        if (size > (size_t(1) << 31)) return internalError("getSerializationSize returned " + std::to_string(size));
        bytes.resize(size);
        if (size) p.plugin->serialize(bytes.data());
        return Status::ok();
    }));
    HostTensor t(DataType::UInt8, {int64_t(bytes.size())});
    if (!bytes.empty()) std::memcpy(t.raw(), bytes.data(), bytes.size());
    n.setAttr(kDataAttr, std::move(t));
    n.setAttr(kVersionAttr, p.info.version);
    return Status::ok();
}

std::optional<plugin::ActivationKind> activationKind(const std::string& onnxOpType) {
    if (onnxOpType == "Relu") return plugin::ActivationKind::kRELU;
    if (onnxOpType == "Sigmoid") return plugin::ActivationKind::kSIGMOID;
    if (onnxOpType == "Tanh") return plugin::ActivationKind::kTANH;
    if (onnxOpType == "LeakyRelu") return plugin::ActivationKind::kLEAKY_RELU;
    if (onnxOpType == "Clip") return plugin::ActivationKind::kCLIP;
    return std::nullopt;
}

// --- the CPU kernel of every plugin op ---

namespace {

Status runOnCpu(ops::KernelContext& ctx) {
    const ir::Node& n = ctx.node();
    KILN_ASSIGN_OR_RETURN(PluginInstance p, instantiate(n));
    bool cpu = false;
    KILN_RETURN_IF_ERROR(guarded(p, "supportsDevice", [&] {
        cpu = p.plugin->supportsDevice(plugin::DeviceKind::kCPU);
        return Status::ok();
    }));
    if (!cpu) return ctx.error("plugin " + p.info.describe() + " has no CPU implementation", StatusCode::Unsupported);
    std::vector<DataType> inTypes;
    std::vector<std::vector<int64_t>> inDims;
    std::vector<plugin::TensorDesc> inDesc;
    std::vector<const void*> inPtrs;
    for (int i = 0; i < ctx.numInputs(); ++i) {
        if (!ctx.hasInput(i)) return ctx.error("input " + std::to_string(i) + " is missing: plugin layers take every input");
        const HostTensor& t = ctx.input(i);
        inTypes.push_back(t.dtype());
        inDims.push_back(t.dims());
        inDesc.push_back(tensorDesc(t.dtype(), t.dims()));
        inPtrs.push_back(t.raw());
    }
    KILN_ASSIGN_OR_RETURN(std::vector<DataType> outTypes, outputTypes(p, inTypes));
    KILN_ASSIGN_OR_RETURN(auto outDims, outputDims(p, inDims));
    if (outTypes.size() != outDims.size() || int(outTypes.size()) != ctx.numOutputs())
        return ctx.error("plugin " + p.info.describe() + " has " + std::to_string(outTypes.size()) + " outputs; the node has " +
                         std::to_string(ctx.numOutputs()));
    std::vector<plugin::TensorDesc> outDesc;
    std::vector<void*> outPtrs;
    for (int o = 0; o < ctx.numOutputs(); ++o) {
        KILN_ASSIGN_OR_RETURN(HostTensor * t, ctx.allocateOutput(o, outTypes[size_t(o)], outDims[size_t(o)]));
        outDesc.push_back(tensorDesc(t->dtype(), t->dims()));
        outPtrs.push_back(t->raw());
    }
    size_t wsBytes = 0;
    KILN_RETURN_IF_ERROR(guarded(p, "getWorkspaceSize", [&] {
        wsBytes = p.plugin->getWorkspaceSize(plugin::DeviceKind::kCPU, inDesc.data(), int32_t(inDesc.size()), outDesc.data(), int32_t(outDesc.size()));
        return Status::ok();
    }));
    if (wsBytes > (size_t(1) << 36)) return ctx.error("plugin asks for " + std::to_string(wsBytes) + " bytes of workspace");
    std::vector<std::byte> workspace(wsBytes);
    return guarded(p, "enqueue", [&] {
        return callStatus(p, "enqueue",
                          p.plugin->enqueue(plugin::DeviceKind::kCPU, inDesc.data(), outDesc.data(), inPtrs.data(),
                                            outPtrs.data(), workspace.empty() ? nullptr : workspace.data(), nullptr));
    });
}

}  // namespace

const ops::OpDef* cpuOpDef(const std::string& domain, const std::string& type) {
    if (!PluginRegistry::global().creator(domain, type)) return nullptr;
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, std::unique_ptr<ops::OpDef>> defs;
    std::lock_guard lock(mutex);
    auto& def = defs[{domain == "ai.onnx" ? std::string() : domain, type}];
    if (!def) def = std::make_unique<ops::OpDef>(ops::OpDef{type, domain, 1, INT_MAX, 0, runOnCpu});
    return def.get();
}

}  // namespace kiln::plugins
