// Graph::dump: one line per value declaration and per node, readable and diffable.
//   input  x: float32[batch, 3, 224, 224]
//   %conv1 = Conv(x, conv1.weight<float32[64, 3, 7, 7]>) {kernel_shape=[7, 7], strides=[2, 2]}  # Conv_0
#include <sstream>

#include "ir/graph.h"

namespace kiln::ir {

namespace {
std::string typeString(const Value* v) { return std::string(dataTypeName(v->dtype())) + v->shape().toString(); }
}  // namespace

std::string Graph::dump() const {
    std::ostringstream os;
    os << "graph " << (m_info.graphName.empty() ? "(unnamed)" : m_info.graphName) << " (opset";
    for (auto& [domain, version] : m_info.opsets) os << " " << (domain.empty() ? "ai.onnx" : domain) << ":" << version;
    os << ")\n";
    for (const Value* v : m_inputs)
        os << (v->constant() ? "  initializer-input " : "  input  ") << v->name() << ": " << typeString(v) << "\n";
    for (auto& np : m_nodes) {
        const Node& n = *np;
        os << "  ";
        for (int i = 0; i < n.numOutputs(); ++i) {
            if (i) os << ", ";
            os << "%" << (n.output(i) ? n.output(i)->name() : "");
        }
        os << " = " << (n.domain().empty() ? "" : n.domain() + "::") << n.opType() << "(";
        for (int i = 0; i < n.numInputs(); ++i) {
            if (i) os << ", ";
            const Value* v = n.input(i);
            if (!v) continue;
            os << v->name();
            if (v->constant()) os << "<" << typeString(v) << ">";
        }
        os << ")";
        if (!n.attributes().empty()) {
            os << " {";
            bool first = true;
            for (auto& [k, a] : n.attributes()) {
                os << (first ? "" : ", ") << k << "=" << a.toString();
                first = false;
            }
            os << "}";
        }
        os << "  # " << n.name();
        if (n.numOutputs() && n.output(0) && n.output(0)->dtype() != DataType::Undefined)
            os << " -> " << typeString(n.output(0));
        os << "\n";
    }
    for (const Value* v : m_outputs) os << "  output " << v->name() << ": " << typeString(v) << "\n";
    return os.str();
}

}  // namespace kiln::ir
