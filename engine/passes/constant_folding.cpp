// constant-folding: computes at build time what does not depend on the runtime inputs.
//   f(c1, ..., cn) -> c                  every input constant: run f's CPU kernel once, here
//   Shape(x) -> c, Size(x) -> c          x not constant, but its dims are all known
//   Shape(x)[i], Shape(x)[a:b] -> c      the gathered / sliced dims are known (others symbolic)
//   Reshape(x, [dim0(x), dim1(x), 4, 16]) -> Reshape(x, [0, 0, 4, 16])
//                                        0 copies the input's dim at the same position (ONNX
//                                        Reshape without allowzero), as TensorRT and ORT do
// One walk in topological order, with symbolic shape inference (symbolic_shapes.h) node by
// node: a node that does not fold gets its output shapes inferred from its (already folded or
// inferred) inputs, so a Reshape whose target was just made constant gives its output a shape,
// and the next layer's shape arithmetic folds in the same walk.
// Folded nodes become initializers under their outputs' names (a folded Constant node is a
// plain initializer). The log has one rewrite per connected folded subgraph, and one summary of
// what shape inference gained.
#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "passes/passes.h"
#include "passes/pattern_utils.h"
#include "passes/shape_arithmetic.h"
#include "passes/symbolic_shapes.h"
#include "plugin/plugin_layer.h"

namespace kiln::passes {

namespace {

// A fold may add at most this much constant data beyond what its inputs hold (an Expand of a
// scalar to a large tensor is cheaper computed at run time than stored in the engine).
constexpr size_t kMaxNewConstantBytes = size_t(16) << 20;

std::string bytesText(size_t bytes) {
    if (bytes >= (size_t(1) << 20)) return std::to_string(bytes >> 20) + " MB";
    if (bytes >= 1024) return std::to_string(bytes >> 10) + " KB";
    return std::to_string(bytes) + " B";
}

// Random ops: folding would freeze one draw into the engine.
bool isRandom(const ir::Node& n) {
    const std::string& op = n.opType();
    if (op.rfind("Random", 0) == 0 || op == "Multinomial" || op == "Bernoulli") return true;
    if (op != "Dropout") return false;
    const HostTensor* training = constantOf(n.input(2));
    return (training && training->numel() == 1 && training->getDouble(0) != 0) ||
           (n.opsetVersion() < 7 && n.attrInt("is_test", 0) == 0);
}

std::string valueText(const HostTensor& t) {
    if (t.numel() > 8 || t.dtype() != DataType::Int64) return dimsToString(t.dims());
    std::string s = t.rank() == 0 ? "" : "[";
    for (int64_t i = 0; i < t.numel(); ++i) s += (i ? ", " : "") + std::to_string(int64_t(t.getDouble(i)));
    return s + (t.rank() == 0 ? "" : "]");
}

class Folder {
public:
    Folder(ir::Graph& g, PassContext& ctx) : m_g(g), m_ctx(ctx) {}

    Status run() {
        std::vector<ir::Node*> nodes;
        for (auto& n : m_g.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) visit(*n);
        recordFoldedSubgraphs();
        m_g.removeNodes(m_foldedSet);
        recordShapeInference();
        for (Decline& d : m_declines) m_ctx.log().declined(std::move(d));
        return Status::ok();
    }

private:
    void visit(ir::Node& n) {
        if (allInputsConstant(n) && foldWithKernel(n)) return;
        std::vector<Shape> declared;
        for (const ir::Value* v : n.outputs()) declared.push_back(v ? v->shape() : Shape::unknownRank());
        const SymbolicShapes::Outcome o = m_shapes.infer(n);
        if (!o.conflict.empty()) decline(n, "shape inference disagrees with the declared shape, which is kept: " + o.conflict);
        const ShapeValue* s = n.numOutputs() == 1 ? m_shapes.valueOf(n.output(0)) : nullptr;
        if (s && s->allKnown() && !n.output(0)->constant()) {
            n.output(0)->setConstant(s->toTensor());
            markFolded(n);
            m_valueFolds.insert(&n);
            return;
        }
        countShapes(n, declared);
        if (!o.hasRule)
            for (const ir::Value* v : n.outputs())
                if (v && !v->shape().rankKnown()) {
                    decline(n, "no shape inference rule for " + n.opType() + ": '" + v->name() + "' keeps an unknown rank");
                    break;
                }
        if (isOp(&n, "Reshape")) rewriteReshapeTarget(n);
    }

    // What symbolic shape inference gained on the values that stay computed.
    struct ShapeCensus {
        int values = 0, improved = 0, rankedBefore = 0, ranked = 0, resolvedBefore = 0, resolved = 0;
    };
    static bool resolved(const Shape& s) {
        auto named = [](const Dim& d) { return d.isKnown() || d.isSymbolic(); };
        return s.rankKnown() && std::all_of(s.dims().begin(), s.dims().end(), named);
    }
    void countShapes(const ir::Node& n, const std::vector<Shape>& declared) {
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            if (!v || v->constant()) continue;
            const Shape& before = declared[size_t(i)];
            ++m_census.values;
            m_census.improved += v->shape() != before;
            m_census.rankedBefore += before.rankKnown(), m_census.ranked += v->shape().rankKnown();
            m_census.resolvedBefore += resolved(before), m_census.resolved += resolved(v->shape());
        }
    }

    void recordShapeInference() {
        const ShapeCensus& c = m_census;
        if (c.improved == 0) return;
        auto of = [&c](int n) { return std::to_string(n) + " of " + std::to_string(c.values); };
        m_ctx.applied("symbolic shape inference", {}, nullptr,
                      std::to_string(c.improved) + " computed value(s) got better shapes from symbolic shape inference: " +
                          of(c.ranked) + " have a known rank (" + std::to_string(c.rankedBefore) + " before), " +
                          of(c.resolved) + " have every dim a number or a symbol (" + std::to_string(c.resolvedBefore) +
                          " before).");
    }

    // Every present input a constant (no input at all: Constant, or a generator).
    bool allInputsConstant(const ir::Node& n) {
        const ir::Value* overridable = nullptr;
        for (const ir::Value* v : n.inputs()) {
            if (!v) continue;
            if (!v->constant()) return false;
            if (v->isGraphInput()) overridable = v;
        }
        if (overridable) {
            decline(n, "input '" + overridable->name() +
                                     "' is an initializer that is also a graph input: it may be overridden at run time");
            return false;
        }
        return true;
    }

    // Whether n was folded (else the decline says why).
    bool foldWithKernel(ir::Node& n) {
        if (isRandom(n)) return decline(n, n.opType() + " is random: folding would freeze one draw"), false;
        if (plugins::isPluginNode(n))
            return decline(n, "plugin layer: a plugin is a boundary the optimizer does not compute through"), false;
        const ops::OpDef* def = m_ctx.registry().find(n.domain(), n.opType(), n.opsetVersion());
        if (!def)
            return decline(n, "no CPU kernel for " + n.opType() + " at opset " + std::to_string(n.opsetVersion())), false;
        size_t inBytes = 0;
        std::vector<const HostTensor*> ins;
        for (const ir::Value* v : n.inputs()) {
            ins.push_back(v ? v->constant() : nullptr);
            if (v) inBytes += v->constant()->byteSize();
        }
        if (std::string why = tooLarge(n, declaredOutputBytes(n), inBytes); !why.empty()) return decline(n, why), false;
        std::vector<HostTensor> outs(size_t(n.numOutputs()));
        ops::KernelContext kctx(n, ins, outs);
        if (Status st = def->kernel(kctx); !st.isOk())
            return decline(n, "its kernel failed at build time: " + st.message()), false;
        size_t outBytes = 0;
        for (int i = 0; i < n.numOutputs(); ++i) {
            if (!n.output(i)) continue;
            if (!outs[size_t(i)].isValid()) return decline(n, "its kernel left output " + std::to_string(i) + " empty"), false;
            outBytes += outs[size_t(i)].byteSize();
        }
        if (std::string why = tooLarge(n, outBytes, inBytes); !why.empty()) return decline(n, why), false;
        for (int i = 0; i < n.numOutputs(); ++i)
            if (n.output(i)) n.output(i)->setConstant(std::move(outs[size_t(i)]));
        markFolded(n);
        return true;
    }

    // The bytes of n's outputs from their inferred shapes (0 when some shape is not static).
    static size_t declaredOutputBytes(const ir::Node& n) {
        size_t bytes = 0;
        for (const ir::Value* v : n.outputs()) {
            if (!v) continue;
            auto dims = v->shape().staticDims();
            auto numel = dims ? checkedNumel(*dims) : Expected<int64_t>(invalidArgument("dynamic"));
            if (!numel || v->dtype() == DataType::Undefined) return 0;
            bytes += size_t(*numel) * dataTypeSize(v->dtype());
        }
        return bytes;
    }

    static std::string tooLarge(const ir::Node& n, size_t outBytes, size_t inBytes) {
        if (outBytes <= inBytes + kMaxNewConstantBytes) return {};
        return n.opType() + " would create " + bytesText(outBytes) + " of constant data from " + bytesText(inBytes) +
               " of inputs (the limit is " + bytesText(kMaxNewConstantBytes) + " more): it stays a run-time layer";
    }

    // Reshape(x, [dim0(x), dim1(x), 4, 16]) -> Reshape(x, [0, 0, 4, 16])
    void rewriteReshapeTarget(ir::Node& n) {
        ir::Value* x = n.input(0);
        ir::Value* target = n.input(1);
        if (!x || !target || target->constant()) return;
        const ShapeValue* s = m_shapes.valueOf(target);
        if (!s) return;
        const std::string symbolic = s->toString();
        if (n.attrInt("allowzero", 0) != 0)
            return decline(n, "Reshape target " + symbolic + " is computed at run time, and with allowzero = 1 a 0 "
                              "cannot stand for the input's dim");
        auto dims = copyDimTarget(*s, x->shape());
        if (!dims)
            return decline(n, "Reshape target " + symbolic + " has run-time elements that are not the input " +
                                  x->shape().toString() + "'s dims at the same position (and more than one to infer)");
        HostTensor t = HostTensor::fromVector<int64_t>({int64_t(dims->size())}, *dims);
        const std::string text = valueText(t);
        ir::Node* shapeOp = target->producer();
        m_g.replaceInput(&n, 1, m_g.addConstant(n.name() + "_shape", std::move(t)));
        std::vector<const ir::Node*> matched{&n};
        if (shapeOp) matched.insert(matched.begin(), shapeOp);
        const bool inferred = std::count(dims->begin(), dims->end(), -1) != 0;
        m_ctx.applied("Reshape(x, [dim0(x), ..., c]) => Reshape(x, [0, ..., c])", matched, &n,
                      "Reshape target " + symbolic + " taken from the input " + x->shape().toString() +
                          "'s own dims: written as " + text + " (0 copies the input's dim at the same position" +
                          (inferred ? ", -1 is inferred from the element count)." : ")."));
    }

    void markFolded(ir::Node& n) {
        m_foldedIndex[&n] = int(m_folded.size());
        m_folded.push_back(&n);
        m_foldedSet.insert(&n);
    }

    int findRoot(std::vector<int>& parent, int i) {
        while (parent[size_t(i)] != i) i = parent[size_t(i)] = parent[size_t(parent[size_t(i)])];
        return i;
    }

    // One rewrite per connected set of folded nodes (union-find over folded producer edges).
    void recordFoldedSubgraphs() {
        std::vector<int> parent(m_folded.size());
        std::iota(parent.begin(), parent.end(), 0);
        for (size_t i = 0; i < m_folded.size(); ++i)
            for (const ir::Value* v : m_folded[i]->inputs())
                if (v && v->producer())
                    if (auto it = m_foldedIndex.find(v->producer()); it != m_foldedIndex.end())
                        parent[size_t(findRoot(parent, it->second))] = findRoot(parent, int(i));
        std::unordered_map<int, std::vector<const ir::Node*>> groups;
        std::vector<int> order;
        for (size_t i = 0; i < m_folded.size(); ++i) {
            auto& group = groups[findRoot(parent, int(i))];
            if (group.empty()) order.push_back(findRoot(parent, int(i)));
            group.push_back(m_folded[i]);
        }
        for (int root : order) recordSubgraph(groups[root]);
    }

    void recordSubgraph(const std::vector<const ir::Node*>& nodes) {
        std::string results;
        bool shapeArithmetic = false;
        for (const ir::Node* n : nodes) {
            shapeArithmetic = shapeArithmetic || m_valueFolds.count(n) != 0;
            for (const ir::Value* v : n->outputs())
                if (v && isResult(v)) results += (results.empty() ? "'" : ", '") + v->name() + "' = " + valueText(*v->constant()) + "";
        }
        const std::string count = std::to_string(nodes.size()) + (nodes.size() == 1 ? " node" : " nodes");
        const std::string into = results.empty() ? " (nothing reads the result)" : " into constant " + results;
        if (nodes.size() == 1 && isOp(nodes[0], "Constant"))
            return m_ctx.applied("Constant => initializer", nodes, nullptr, "The Constant node's value becomes an initializer" + into + ".");
        if (shapeArithmetic)
            return m_ctx.applied("Shape arithmetic => constant", nodes, nullptr,
                                 "Computed at build time from static dims: " + count + " of shape arithmetic folded" + into + ".");
        m_ctx.applied("f(constants) => constant", nodes, nullptr,
                      "Computed at build time: " + count + " with only constant inputs folded" + into + ".");
    }

    bool isResult(const ir::Value* v) const {
        if (v->isGraphOutput()) return true;
        for (const ir::Node* c : v->consumers())
            if (!m_foldedSet.count(c)) return true;
        return false;
    }

    void decline(const ir::Node& n, std::string reason) { m_declines.push_back({{n.name()}, std::move(reason)}); }

    ir::Graph& m_g;
    PassContext& m_ctx;
    SymbolicShapes m_shapes;
    std::vector<Decline> m_declines;
    ShapeCensus m_census;
    std::vector<ir::Node*> m_folded;
    std::unordered_set<const ir::Node*> m_foldedSet;
    std::unordered_map<const ir::Node*, int> m_foldedIndex;
    std::unordered_set<const ir::Node*> m_valueFolds;  // folded from symbolic values, not by a kernel
};

class ConstantFoldingPass final : public Pass {
public:
    std::string name() const override { return "constant-folding"; }
    std::string description() const override {
        return "computes constant subgraphs and static shape arithmetic at build time";
    }
    Status run(ir::Graph& g, PassContext& ctx) override {
        KILN_RETURN_IF_ERROR(g.topologicalSort());
        Folder folder(g, ctx);
        return folder.run();
    }
};

}  // namespace

std::unique_ptr<Pass> makeConstantFoldingPass() { return std::make_unique<ConstantFoldingPass>(); }

}  // namespace kiln::passes
