#include "onnx/importer.h"

#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "backends/cpu/cpu_executor.h"
#include "onnx/tensor_proto.h"

namespace kiln::onnx {

namespace fs = std::filesystem;
namespace pb = ::onnx;

namespace {

// Opsets Kiln imports: the kernels implement the older attribute forms (opset 1-6 models are
// still common among PyTorch's converted tests), and libonnx 1.12 knows opsets up to 17.
constexpr int kMinOpset = 1;
constexpr int kMaxOpset = 17;

Expected<Shape> shapeFromProto(const pb::TensorShapeProto& sp, const std::string& what) {
    std::vector<Dim> dims;
    for (const auto& d : sp.dim()) {
        if (d.has_dim_value()) {
            if (d.dim_value() < 0) return invalidModel(what + " has negative dimension " + std::to_string(d.dim_value()));
            if (d.dim_value() > kMaxElements)
                return outOfRange(what + " has absurd dimension " + std::to_string(d.dim_value()));
            dims.emplace_back(d.dim_value());
        } else if (d.has_dim_param() && !d.dim_param().empty()) {
            dims.push_back(Dim::symbolic(d.dim_param()));
        } else {
            dims.push_back(Dim::unknown());
        }
    }
    Shape s(std::move(dims));
    if (s.isStatic()) {
        auto n = s.numel();
        if (!n) return Status(n.status()).prefix(what);
    }
    return s;
}

// Applies a ValueInfoProto's tensor type to a value. Non-tensor types are refused.
Status applyValueInfo(const pb::ValueInfoProto& vi, ir::Value* v, bool required) {
    if (!vi.has_type()) return required ? invalidModel("'" + vi.name() + "' has no type") : Status::ok();
    const pb::TypeProto& tp = vi.type();
    if (!tp.has_tensor_type()) {
        const char* kind = tp.has_sequence_type() ? "a sequence" : tp.has_map_type() ? "a map"
                         : tp.has_optional_type() ? "an optional" : tp.has_sparse_tensor_type() ? "a sparse tensor" : "a non-tensor";
        return unsupported("'" + vi.name() + "' is " + kind + " type; only dense tensors are supported");
    }
    const auto& tt = tp.tensor_type();
    if (tt.elem_type() != 0) {
        auto dt = dataTypeFromOnnx(tt.elem_type());
        if (!dt) return Status(dt.status()).prefix("'" + vi.name() + "'");
        if (v->dtype() != DataType::Undefined && v->dtype() != *dt)
            return invalidModel("'" + vi.name() + "' is declared " + dataTypeName(*dt) + " but is " + dataTypeName(v->dtype()));
        v->setType(*dt);
    }
    if (tt.has_shape()) {
        KILN_ASSIGN_OR_RETURN(Shape s, shapeFromProto(tt.shape(), "'" + vi.name() + "'"));
        if (v->constant()) {
            if (s.conflictsWith(v->shape()))
                return invalidModel("'" + vi.name() + "' is declared with shape " + s.toString() +
                                    " but its initializer has shape " + v->shape().toString());
        } else if (v->shape().rankKnown() && s.conflictsWith(v->shape())) {
            return invalidModel("conflicting shapes for '" + vi.name() + "': " + v->shape().toString() + " and " + s.toString());
        } else {
            v->setShape(std::move(s));
        }
    }
    return Status::ok();
}

Expected<ir::Attribute> attributeFromProto(const pb::AttributeProto& a, const std::string& baseDir) {
    using A = pb::AttributeProto;
    switch (a.type()) {
    case A::FLOAT: return ir::Attribute(a.f());
    case A::INT: return ir::Attribute(static_cast<int64_t>(a.i()));
    case A::STRING: return ir::Attribute(a.s());
    case A::TENSOR: {
        KILN_ASSIGN_OR_RETURN(HostTensor t, tensorFromProto(a.t(), baseDir));
        return ir::Attribute(std::move(t));
    }
    case A::FLOATS: return ir::Attribute(std::vector<float>(a.floats().begin(), a.floats().end()));
    case A::INTS: return ir::Attribute(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case A::STRINGS: return ir::Attribute(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case A::GRAPH: case A::GRAPHS: return unsupported("attribute '" + a.name() + "' is a subgraph (control flow is not supported)");
    case A::SPARSE_TENSOR: case A::SPARSE_TENSORS: return unsupported("attribute '" + a.name() + "' is a sparse tensor");
    case A::TYPE_PROTO: case A::TYPE_PROTOS: return unsupported("attribute '" + a.name() + "' is a type");
    case A::TENSORS: return unsupported("attribute '" + a.name() + "' is a list of tensors");
    default: return invalidModel("attribute '" + a.name() + "' has an unknown type");
    }
}

// ONNX requires nodes in topological order, but exporters do not always comply. Reorder the
// nodes when they form a DAG; report a cycle (naming its nodes) when they do not.
Status sortNodes(pb::GraphProto& g) {
    const int n = g.node_size();
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < n; ++i)
        for (const auto& out : g.node(i).output())
            if (!out.empty()) producer.emplace(out, i);
    std::vector<std::vector<int>> users(static_cast<size_t>(n));
    std::vector<int> pending(static_cast<size_t>(n), 0);
    bool sorted = true;
    for (int i = 0; i < n; ++i) {
        std::unordered_set<int> deps;
        for (const auto& in : g.node(i).input()) {
            auto it = producer.find(in);
            if (it == producer.end() || it->second == i || !deps.insert(it->second).second) {
                if (it != producer.end() && it->second == i)
                    return Status(StatusCode::InvalidModel, "the node consumes its own output '" + in + "' (a cycle)",
                                  g.node(i).name(), g.node(i).op_type());
                continue;
            }
            if (it->second > i) sorted = false;
            users[size_t(it->second)].push_back(i);
            ++pending[size_t(i)];
        }
    }
    if (sorted) return Status::ok();
    std::vector<int> order, ready;
    for (int i = n - 1; i >= 0; --i)
        if (pending[size_t(i)] == 0) ready.push_back(i);
    while (!ready.empty()) {
        int i = ready.back();
        ready.pop_back();
        order.push_back(i);
        for (int u : users[size_t(i)])
            if (--pending[size_t(u)] == 0) ready.push_back(u);
    }
    if (static_cast<int>(order.size()) != n) {
        std::string names;
        int listed = 0;
        for (int i = 0; i < n && listed < 8; ++i)
            if (pending[size_t(i)] > 0) {
                names += (listed++ ? ", " : "") + (g.node(i).name().empty() ? "#" + std::to_string(i) : g.node(i).name()) +
                         " (" + g.node(i).op_type() + ")";
            }
        return invalidModel("the graph has a cycle: " + std::to_string(n - static_cast<int>(order.size())) +
                            " node(s) wait on each other's outputs, among them " + names);
    }
    google::protobuf::RepeatedPtrField<pb::NodeProto> reordered;
    for (int i : order) *reordered.Add() = g.node(i);
    g.mutable_node()->Swap(&reordered);
    return Status::ok();
}

// Reads every initializer's external data (refusing paths that leave the model's folder) and
// stores it inline, so the checker and shape inference see a self-contained model.
Status inlineExternalData(pb::GraphProto& g, const std::string& baseDir) {
    for (pb::TensorProto& t : *g.mutable_initializer()) {
        if (t.data_location() != pb::TensorProto::EXTERNAL) continue;
        KILN_ASSIGN_OR_RETURN(std::string bytes, readExternalTensorData(t, baseDir));
        t.set_raw_data(std::move(bytes));
        t.clear_external_data();
        t.set_data_location(pb::TensorProto::DEFAULT);
    }
    return Status::ok();
}

Status checkModel(const pb::ModelProto& model) {
    try {
        pb::checker::check_model(model);
    } catch (const pb::checker::ValidationError& e) {
        return invalidModel(std::string("the ONNX checker rejected the model: ") + e.what());
    } catch (const std::exception& e) {
        return invalidModel(std::string("the ONNX checker failed: ") + e.what());
    }
    return Status::ok();
}

// The checker refuses a default-domain node whose op ONNX has no schema for ("No Op registered
// for EfficientNMS_TRT"). Such a node may be a plugin's (TensorRT-style plugin ops live in the
// default domain) or nobody's, which cpu::checkSupported reports by name. So the checker sees a
// copy in which those nodes are in a domain of their own; everything else is checked as usual.
Status runChecker(const pb::ModelProto& model) {
    int opset = 0;
    for (const auto& op : model.opset_import())
        if (op.domain().empty() || op.domain() == "ai.onnx") opset = int(op.version());
    std::vector<int> unknown;
    const auto& nodes = model.graph().node();
    for (int i = 0; i < nodes.size(); ++i) {
        const pb::NodeProto& n = nodes[i];
        if ((n.domain().empty() || n.domain() == "ai.onnx") && opset > 0 &&
            !pb::OpSchemaRegistry::Schema(n.op_type(), opset, ""))
            unknown.push_back(i);
    }
    if (unknown.empty()) return checkModel(model);
    pb::ModelProto copy = model;
    const char* kAside = "kiln.unregistered";
    for (int i : unknown) copy.mutable_graph()->mutable_node(i)->set_domain(kAside);
    auto* op = copy.add_opset_import();
    op->set_domain(kAside);
    op->set_version(1);
    return checkModel(copy);
}

Status runShapeInference(pb::ModelProto& model) {
    try {
        pb::ShapeInferenceOptions opts(/*check_type=*/false, /*error_mode=*/0, /*data_prop=*/true);
        pb::shape_inference::InferShapes(model, pb::OpSchemaRegistry::Instance(), opts);
    } catch (const std::exception& e) {
        return invalidModel(std::string("shape inference found an inconsistency: ") + e.what());
    }
    return Status::ok();
}

class GraphBuilder {
public:
    GraphBuilder(const pb::ModelProto& model, std::string baseDir) : m_model(model), m_baseDir(std::move(baseDir)) {}
    Expected<std::unique_ptr<ir::Graph>> build();

private:
    Status readInfo();
    Status readInitializers();
    Status readNodes();
    std::string uniqueNodeName(const pb::NodeProto& n, int index);

    const pb::ModelProto& m_model;
    std::string m_baseDir;
    std::unique_ptr<ir::Graph> m_graph = std::make_unique<ir::Graph>();
    std::unordered_set<std::string> m_nodeNames;
    std::vector<std::string> m_problems;  // every unsupported/invalid node, reported together
};

Status GraphBuilder::readInfo() {
    ir::ModelInfo& info = m_graph->info();
    info.irVersion = m_model.ir_version();
    info.producerName = m_model.producer_name();
    info.producerVersion = m_model.producer_version();
    info.domain = m_model.domain();
    info.modelVersion = m_model.model_version();
    info.docString = m_model.doc_string();
    info.graphName = m_model.graph().name();
    for (const auto& kv : m_model.metadata_props()) info.metadata.emplace_back(kv.key(), kv.value());
    for (const auto& op : m_model.opset_import()) {
        std::string d = op.domain() == "ai.onnx" ? "" : op.domain();
        info.opsets[d] = static_cast<int>(op.version());
    }
    if (!info.opsets.count("")) {
        // IR version 1-2 models predate opset_import and mean ai.onnx opset 1. Others may use
        // only other domains (ai.onnx.preview.training, say): their ops are checked later.
        if (m_model.opset_import_size() == 0) info.opsets[""] = 1;
        else return Status::ok();
    }
    const int opset = info.opsets[""];
    if (opset < kMinOpset || opset > kMaxOpset)
        return unsupported("the model uses ai.onnx opset " + std::to_string(opset) + "; Kiln supports opsets " +
                           std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset));
    return Status::ok();
}

Status GraphBuilder::readInitializers() {
    for (const auto& init : m_model.graph().initializer()) {
        KILN_ASSIGN_OR_RETURN(HostTensor t, tensorFromProto(init, m_baseDir));
        auto v = m_graph->addValue(init.name());
        if (!v) return invalidModel("initializer '" + init.name() + "' is defined twice");
        (*v)->setConstant(std::move(t));
    }
    if (m_model.graph().sparse_initializer_size() > 0) return unsupported("sparse initializers are not supported");
    for (const auto& in : m_model.graph().input()) {
        ir::Value* v = m_graph->findValue(in.name());
        if (!v) {
            auto nv = m_graph->addValue(in.name());
            if (!nv) return invalidModel("graph input '" + in.name() + "' is listed twice");
            v = *nv;
        } else if (v->isGraphInput()) {
            return invalidModel("graph input '" + in.name() + "' is listed twice");
        }
        KILN_RETURN_IF_ERROR(applyValueInfo(in, v, !v->constant()));
        m_graph->addInput(v);
    }
    return Status::ok();
}

std::string GraphBuilder::uniqueNodeName(const pb::NodeProto& n, int index) {
    std::string base = n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name();
    std::string name = base;
    for (int k = 1; m_nodeNames.count(name); ++k) name = base + "_" + std::to_string(k);
    m_nodeNames.insert(name);
    return name;
}

Status GraphBuilder::readNodes() {
    const auto& g = m_model.graph();
    for (int i = 0; i < g.node_size(); ++i) {
        const pb::NodeProto& np = g.node(i);
        const std::string name = uniqueNodeName(np, i);
        std::vector<ir::Value*> ins, outs;
        for (const auto& in : np.input()) ins.push_back(in.empty() ? nullptr : m_graph->getOrAddValue(in));
        for (const auto& out : np.output()) {
            if (out.empty()) { outs.push_back(nullptr); continue; }
            ir::Value* v = m_graph->getOrAddValue(out);
            if (v->producer())
                return Status(StatusCode::InvalidModel, "output '" + out + "' is also produced by node '" +
                              v->producer()->name() + "'", name, np.op_type());
            if (v->constant() || v->isGraphInput())
                return Status(StatusCode::InvalidModel, "output '" + out + "' overwrites a graph input or initializer",
                              name, np.op_type());
            outs.push_back(v);
        }
        ir::Node* node = m_graph->addNode(name, np.op_type(), np.domain(), ins, outs);
        if (!np.domain().empty() && np.domain() != "ai.onnx" && m_graph->opsetFor(np.domain()) == 0)
            return Status(StatusCode::InvalidModel, "domain '" + np.domain() + "' is not imported by the model", name, np.op_type());
        node->setDocString(np.doc_string());
        for (const auto& ap : np.attribute()) {
            auto a = attributeFromProto(ap, m_baseDir);
            if (!a) {
                m_problems.push_back(name + " (" + np.op_type() + "): " + a.status().message());
                continue;
            }
            node->setAttr(ap.name(), std::move(a).value());
        }
    }
    return Status::ok();
}

Expected<std::unique_ptr<ir::Graph>> GraphBuilder::build() {
    KILN_RETURN_IF_ERROR(readInfo());
    KILN_RETURN_IF_ERROR(readInitializers());
    KILN_RETURN_IF_ERROR(readNodes());
    if (!m_problems.empty()) {
        std::string msg = std::to_string(m_problems.size()) + " node(s) cannot be imported:";
        for (auto& p : m_problems) msg += "\n  " + p;
        return unsupported(msg);
    }
    const auto& g = m_model.graph();
    for (const auto& vi : g.value_info()) {
        ir::Value* v = m_graph->findValue(vi.name());
        if (v) KILN_RETURN_IF_ERROR(applyValueInfo(vi, v, false));
    }
    for (const auto& out : g.output()) {
        ir::Value* v = m_graph->findValue(out.name());
        if (!v) return invalidModel("graph output '" + out.name() + "' is never produced");
        KILN_RETURN_IF_ERROR(applyValueInfo(out, v, false));
        m_graph->addOutput(v);
    }
    KILN_RETURN_IF_ERROR(m_graph->topologicalSort());
    KILN_RETURN_IF_ERROR(m_graph->verify());
    return std::move(m_graph);
}

}  // namespace

Expected<std::unique_ptr<ir::Graph>> importModelBytes(const void* data, size_t size, const std::string& baseDir,
                                                      const ImportOptions& options) {
    if (size == 0) return invalidModel("the file is empty");
    if (size > static_cast<size_t>(INT32_MAX))
        return unsupported("models over 2 GB must keep their weights in external data files");
    pb::ModelProto model;
    if (!model.ParseFromArray(data, static_cast<int>(size)))
        return invalidModel("not a valid ONNX model: the protobuf data is truncated or corrupted");
    if (!model.has_graph()) return invalidModel("not an ONNX model: it has no graph");
    KILN_RETURN_IF_ERROR(inlineExternalData(*model.mutable_graph(), baseDir));
    KILN_RETURN_IF_ERROR(sortNodes(*model.mutable_graph()));
    if (options.runChecker) KILN_RETURN_IF_ERROR(runChecker(model));
    if (options.inferShapes) KILN_RETURN_IF_ERROR(runShapeInference(model));
    GraphBuilder builder(model, baseDir);
    KILN_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> graph, builder.build());
    if (options.requireSupportedOps) KILN_RETURN_IF_ERROR(cpu::checkSupported(*graph));
    return graph;
}

Expected<std::unique_ptr<ir::Graph>> importModelFile(const std::string& path, const ImportOptions& options) {
    KILN_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(path));
    fs::path dir = fs::path(path).parent_path();
    auto g = importModelBytes(bytes.data(), bytes.size(), dir.empty() ? "." : dir.string(), options);
    if (!g) return Status(g.status()).prefix(fs::path(path).filename().string());
    return g;
}

Expected<HostTensor> readTensorFile(const std::string& path) {
    KILN_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(path));
    pb::TensorProto proto;
    if (!proto.ParseFromString(bytes)) return invalidModel("'" + path + "' is not a serialized TensorProto");
    fs::path dir = fs::path(path).parent_path();
    return tensorFromProto(proto, dir.empty() ? "." : dir.string());
}

Status writeTensorFile(const HostTensor& tensor, const std::string& name, const std::string& path) {
    pb::TensorProto proto;
    tensorToProto(tensor, name, &proto);
    return writeFileAtomically(path, proto.SerializeAsString());
}

}  // namespace kiln::onnx
