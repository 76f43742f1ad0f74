#include "passes/reinfer_shapes.h"

#include "onnx/exporter.h"
#include "onnx/importer.h"

namespace kiln::passes {

namespace {

// Constants up to this many elements keep their data: shape tensors, axes, scalars, which is
// all that data propagation reads.
constexpr int64_t kMaxCarriedElements = 64;

std::unique_ptr<ir::Graph> shapeOnlyCopy(const ir::Graph& g) {
    auto c = std::make_unique<ir::Graph>();
    c->info() = g.info();
    std::vector<ir::Value*> dataless;
    for (const ir::Value* v : g.values()) {
        ir::Value* n = *c->addValue(v->name());
        const HostTensor* t = v->constant();
        if (t && t->numel() <= kMaxCarriedElements) {
            n->setConstant(*t);
            continue;
        }
        n->setType(v->dtype());
        n->setShape(v->shape());
        if (t && !v->isGraphInput()) dataless.push_back(n);
    }
    for (const ir::Value* v : g.inputs()) c->addInput(c->findValue(v->name()));
    for (ir::Value* v : dataless) c->addInput(v);
    for (auto& n : g.nodes()) {
        std::vector<ir::Value*> ins, outs;
        for (const ir::Value* v : n->inputs()) ins.push_back(v ? c->findValue(v->name()) : nullptr);
        for (const ir::Value* v : n->outputs()) outs.push_back(v ? c->findValue(v->name()) : nullptr);
        ir::Node* m = c->addNode(n->name(), n->opType(), n->domain(), ins, outs);
        m->setOpsetVersion(n->opsetVersion());
        for (auto& [name, a] : n->attributes()) m->setAttr(name, a);
    }
    for (const ir::Value* v : g.outputs()) c->addOutput(c->findValue(v->name()));
    return c;
}

// Every dim of `inferred` that says more than `current`'s; nullopt when nothing does or the ranks
// disagree. Both describe the same tensor, so each claim holds and they can be combined per dim.
std::optional<Shape> merged(const Shape& current, const Shape& inferred) {
    if (!inferred.rankKnown()) return std::nullopt;
    if (!current.rankKnown()) return inferred;
    if (current.rank() != inferred.rank()) return std::nullopt;
    Shape out = current;
    bool gained = false;
    for (int i = 0; i < current.rank(); ++i) {
        const Dim &a = current[i], &b = inferred[i];
        if (a.isKnown() && b.isKnown() && a.value != b.value) return std::nullopt;
        if ((!a.isKnown() && b.isKnown()) || (!a.isKnown() && !a.isSymbolic() && b.isSymbolic())) {
            out[i] = b;
            gained = true;
        }
    }
    return gained ? std::optional(out) : std::nullopt;
}

}  // namespace

Expected<int> reinferShapes(ir::Graph& g) {
    KILN_ASSIGN_OR_RETURN(std::string bytes, onnx::exportModelBytes(*shapeOnlyCopy(g)));
    const onnx::ImportOptions options{.runChecker = false, .inferShapes = true, .requireSupportedOps = false};
    KILN_ASSIGN_OR_RETURN(auto inferred, onnx::importModelBytes(bytes.data(), bytes.size(), {}, options));
    int gained = 0;
    for (ir::Value* v : g.values()) {
        if (v->constant()) continue;
        const ir::Value* w = inferred->findValue(v->name());
        if (!w) continue;
        if (v->dtype() == DataType::Undefined && w->dtype() != DataType::Undefined) v->setType(w->dtype());
        if (auto s = merged(v->shape(), w->shape())) {
            v->setShape(std::move(*s));
            ++gained;
        }
    }
    return gained;
}

}  // namespace kiln::passes
