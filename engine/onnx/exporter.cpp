#include "onnx/exporter.h"

#include <onnx/onnx_pb.h>

#include "onnx/tensor_proto.h"

namespace kiln::onnx {

namespace pb = ::onnx;

namespace {

void setValueInfo(const ir::Value& v, pb::ValueInfoProto* vi) {
    vi->set_name(v.name());
    if (v.dtype() == DataType::Undefined && !v.shape().rankKnown()) return;
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(dataTypeToOnnx(v.dtype()));
    if (!v.shape().rankKnown()) return;
    auto* sp = tt->mutable_shape();
    for (const Dim& d : v.shape().dims()) {
        auto* dp = sp->add_dim();
        if (d.isKnown()) dp->set_dim_value(d.value);
        else if (d.isSymbolic()) dp->set_dim_param(d.symbol);
    }
}

void setAttribute(const std::string& name, const ir::Attribute& a, pb::AttributeProto* ap) {
    using A = pb::AttributeProto;
    ap->set_name(name);
    switch (a.kind()) {
    case ir::AttributeKind::Float: ap->set_type(A::FLOAT); ap->set_f(a.get<float>()); break;
    case ir::AttributeKind::Int: ap->set_type(A::INT); ap->set_i(a.get<int64_t>()); break;
    case ir::AttributeKind::String: ap->set_type(A::STRING); ap->set_s(a.get<std::string>()); break;
    case ir::AttributeKind::Tensor: ap->set_type(A::TENSOR); tensorToProto(a.get<HostTensor>(), "", ap->mutable_t()); break;
    case ir::AttributeKind::Floats:
        ap->set_type(A::FLOATS);
        for (float f : a.get<std::vector<float>>()) ap->add_floats(f);
        break;
    case ir::AttributeKind::Ints:
        ap->set_type(A::INTS);
        for (int64_t i : a.get<std::vector<int64_t>>()) ap->add_ints(i);
        break;
    case ir::AttributeKind::Strings:
        ap->set_type(A::STRINGS);
        for (const auto& s : a.get<std::vector<std::string>>()) ap->add_strings(s);
        break;
    }
}

}  // namespace

Expected<std::string> exportModelBytes(const ir::Graph& graph) {
    pb::ModelProto m;
    const ir::ModelInfo& info = graph.info();
    m.set_ir_version(info.irVersion > 0 ? info.irVersion : 8);
    m.set_producer_name(info.producerName.empty() ? "kiln" : info.producerName);
    m.set_producer_version(info.producerVersion.empty() ? KILN_VERSION : info.producerVersion);
    m.set_domain(info.domain);
    m.set_model_version(info.modelVersion);
    m.set_doc_string(info.docString);
    for (auto& [k, v] : info.metadata) {
        auto* p = m.add_metadata_props();
        p->set_key(k);
        p->set_value(v);
    }
    for (auto& [domain, version] : info.opsets) {
        auto* op = m.add_opset_import();
        op->set_domain(domain);
        op->set_version(version);
    }
    pb::GraphProto* g = m.mutable_graph();
    g->set_name(info.graphName.empty() ? "kiln" : info.graphName);
    for (const ir::Value* v : graph.inputs()) setValueInfo(*v, g->add_input());
    for (const ir::Value* v : graph.values())
        if (v->constant()) tensorToProto(*v->constant(), v->name(), g->add_initializer());
    for (auto& np : graph.nodes()) {
        const ir::Node& n = *np;
        pb::NodeProto* p = g->add_node();
        p->set_name(n.name());
        p->set_op_type(n.opType());
        if (!n.domain().empty()) p->set_domain(n.domain());
        if (!n.docString().empty()) p->set_doc_string(n.docString());
        for (const ir::Value* v : n.inputs()) p->add_input(v ? v->name() : "");
        for (const ir::Value* v : n.outputs()) p->add_output(v ? v->name() : "");
        for (auto& [name, a] : n.attributes()) setAttribute(name, a, p->add_attribute());
    }
    for (const ir::Value* v : graph.outputs()) setValueInfo(*v, g->add_output());
    for (const ir::Value* v : graph.values()) {
        if (v->constant() || v->isGraphInput() || v->isGraphOutput() || !v->producer()) continue;
        if (v->dtype() == DataType::Undefined) continue;
        setValueInfo(*v, g->add_value_info());
    }
    std::string bytes;
    if (!m.SerializeToString(&bytes))
        return unsupported("the model cannot be serialized as one protobuf (over 2 GB?)");
    return bytes;
}

Status exportModelFile(const ir::Graph& graph, const std::string& path) {
    KILN_ASSIGN_OR_RETURN(std::string bytes, exportModelBytes(graph));
    return writeFileAtomically(path, bytes);
}

}  // namespace kiln::onnx
