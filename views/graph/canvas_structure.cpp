#include "graph/canvas_structure.h"

#include <QSet>

namespace kiln::views {

namespace {
bool onnxDomain(const ir::Node& node) { return node.domain().empty() || node.domain() == "ai.onnx"; }
}  // namespace

bool isFoldedConstant(const ir::Node& node) {
    if (!onnxDomain(node) || node.numOutputs() != 1) return false;
    const ir::Value* out = node.output(0);
    if (!out || out->consumers().empty() || out->isGraphOutput()) return false;
    if (node.opType() == "Constant") return node.numInputs() == 0;
    // Identity chains are short (one per reuse); the recursion ends at an initializer or Constant.
    return node.opType() == "Identity" && node.numInputs() == 1 && isWeight(node.input(0));
}

bool isWeight(const ir::Value* value) {
    if (!value) return false;
    if (value->constant()) return true;
    return value->producer() && isFoldedConstant(*value->producer());
}

const HostTensor* weightData(const ir::Value* value) {
    if (!value) return nullptr;
    if (const HostTensor* t = value->constant()) return t->raw() ? t : nullptr;
    const ir::Node* producer = value->producer();
    if (!producer || !isFoldedConstant(*producer)) return nullptr;
    if (producer->opType() == "Identity") return weightData(producer->input(0));
    const ir::Attribute* a = producer->attr("value");
    if (!a || !a->is<HostTensor>()) return nullptr;
    const HostTensor& t = a->get<HostTensor>();
    return t.raw() ? &t : nullptr;
}

int outermostCollapsed(const NameScopes& scopes, const std::vector<char>& collapsed, int scope) {
    if (collapsed.empty()) return -1;
    int found = -1;
    for (int s = scope; s > NameScopes::kRoot; s = scopes.scope(s).parent)
        if (collapsed[size_t(s)]) found = s;
    return found;
}

CanvasStructure buildCanvasStructure(const ir::Graph& graph, const NameScopes& scopes, const std::vector<char>& collapsed) {
    CanvasStructure out;
    QHash<const ir::Value*, int> inputBox, outputBox;
    for (const ir::Value* v : graph.runtimeInputs()) {
        inputBox.insert(v, int(out.boxes.size()));
        out.boxes.push_back({CanvasBox::Kind::Input, nullptr, v, -1});
    }
    // A scope's box takes the place of its first node in graph order.
    for (const auto& n : graph.nodes()) {
        if (isFoldedConstant(*n)) continue;
        const int scope = outermostCollapsed(scopes, collapsed, scopes.scopeOf(n.get()));
        if (scope < 0) {
            out.boxOfNode.insert(n.get(), int(out.boxes.size()));
            out.boxes.push_back({CanvasBox::Kind::Node, n.get(), nullptr, -1});
            continue;
        }
        auto it = out.boxOfScope.constFind(scope);
        if (it == out.boxOfScope.constEnd()) {
            it = out.boxOfScope.insert(scope, int(out.boxes.size()));
            out.boxes.push_back({CanvasBox::Kind::Scope, nullptr, nullptr, scope});
        }
        out.boxOfNode.insert(n.get(), it.value());
    }
    for (const ir::Value* v : graph.outputs()) {
        outputBox.insert(v, int(out.boxes.size()));
        out.boxes.push_back({CanvasBox::Kind::Output, nullptr, v, -1});
    }
    // One edge per (tensor, box it goes to); none inside a box (a collapsed scope's own tensors).
    auto addEdgesOf = [&](const ir::Value* v, int from) {
        if (isWeight(v)) return;
        QSet<int> seen;
        for (const ir::Node* consumer : v->consumers()) {
            const int to = out.boxOfNode.value(consumer, -1);
            if (to < 0 || to == from || seen.contains(to)) continue;
            seen.insert(to);
            out.edges.push_back({from, to, v});
        }
        const int o = outputBox.value(v, -1);
        if (o >= 0) out.edges.push_back({from, o, v});
    };
    for (const ir::Value* v : graph.runtimeInputs()) addEdgesOf(v, inputBox.value(v));
    QSet<const ir::Value*> done;
    for (const auto& n : graph.nodes()) {
        const int from = out.boxOfNode.value(n.get(), -1);
        if (from < 0) continue;
        for (const ir::Value* v : n->outputs())
            if (v && !done.contains(v)) {
                done.insert(v);
                addEdgesOf(v, from);
            }
    }
    return out;
}

}  // namespace kiln::views
