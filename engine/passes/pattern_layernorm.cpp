// recognize-layernorm: the decomposed LayerNormalization PyTorch exports before opset 17.
//   mean = ReduceMean(x); d = x - mean; var = ReduceMean(d^2); y = d / sqrt(var + eps) [* gamma] [+ beta]
//   => kiln.LayerNormalization(x, gamma, beta; axis = -k, epsilon)
// d^2 is Pow(d, 2) or Mul(d, d); the division is Div(d, s) or Mul(d, Reciprocal(s)). The mean is
// over the last k axes (k = 1 in practice); gamma and beta are constants that broadcast over
// the normalized dims (without gamma the layer gets a Scale of ones).
#include <algorithm>

#include "passes/pattern_match.h"
#include "passes/pattern_utils.h"
#include "passes/passes.h"

namespace kiln::passes {

namespace {

using namespace pattern;

// The axes a ReduceMean reduces as written (attribute before opset 18, constant input from 18);
// empty for all axes, null when they are not constant.
std::optional<std::vector<int64_t>> writtenAxes(const ir::Node* n) {
    if (n->opsetVersion() < 18) return n->attrInts("axes");
    if (!n->input(1)) return n->attrInt("noop_with_empty_axes", 0) ? std::nullopt : std::optional(std::vector<int64_t>{});
    const HostTensor* t = constantOf(n->input(1));
    if (!t) return std::nullopt;
    auto v = t->toInt64Vector();
    return v ? std::optional(*v) : std::nullopt;
}

// Axes counted from the end (-1 is the last), sorted; rank < 0 when unknown (then only negative
// axes can be placed). Null when they cannot be placed.
std::optional<std::vector<int64_t>> axesFromEnd(std::vector<int64_t> axes, int rank) {
    if (axes.empty()) {
        if (rank < 0) return std::nullopt;
        for (int i = 0; i < rank; ++i) axes.push_back(i);
    }
    for (int64_t& a : axes) {
        if (a >= 0 && rank < 0) return std::nullopt;
        a = a >= 0 ? a - rank : a;
    }
    std::sort(axes.begin(), axes.end());
    return axes;
}

// The normalized axes of a ReduceMean, from the end; null when not constant or not placeable.
std::optional<std::vector<int64_t>> reduceAxes(const ir::Node* n, int rank) {
    auto w = writtenAxes(n);
    return w ? axesFromEnd(*w, rank) : std::nullopt;
}

std::string axesText(const std::vector<int64_t>& axes) {
    if (axes.empty()) return "all axes";
    if (axes.size() == 1) return "axis " + std::to_string(axes[0]);
    std::string s;
    for (int64_t a : axes) s += (s.empty() ? "" : ", ") + std::to_string(a);
    return "axes [" + s + "]";
}

// gamma or beta: a constant of x's type whose dims fit the normalized (last k) dims of x.
bool isAffineParam(const ir::Value* p, const ir::Value* x, int k) {
    const HostTensor* t = constantOf(p);
    if (!t || t->dtype() != x->dtype()) return false;
    // x's rank unknown (a Reshape without inferred shape upstream): gamma must stay within the
    // normalized dims, which x has (else the graph would not run).
    if (!x->shape().rankKnown()) return t->rank() <= k;
    if (t->rank() > x->shape().rank()) return false;
    const int rank = x->shape().rank();
    for (int i = 0; i < t->rank(); ++i) {
        const int64_t d = t->dims()[size_t(t->rank() - 1 - i)];
        const Dim& xd = x->shape()[rank - 1 - i];
        if (i >= k ? d != 1 : (d != 1 && d != xd.value)) return false;
    }
    return true;
}

struct LayerNormMatch {
    std::vector<const ir::Node*> nodes;  // in chain order
    ir::Value* x = nullptr;
    ir::Value* gamma = nullptr;
    ir::Value* beta = nullptr;
    double eps = 0.0;
    int k = 1;  // normalized over the last k axes
};

// Matches d^2 -> ReduceMean -> Add eps -> Sqrt -> Div (or Mul Reciprocal) from the centred
// value d = sub's output; "" on success.
std::string matchVariance(const ir::Node* sub, const std::vector<int64_t>& axes, int rank, LayerNormMatch& m) {
    ir::Value* d = sub->output(0);
    std::vector<ir::Node*> users;
    for (ir::Node* c : d->consumers())
        if (std::find(users.begin(), users.end(), c) == users.end()) users.push_back(c);
    if (d->isGraphOutput()) return "the centred value x - mean is also a graph output";
    if (users.size() != 2)
        return "the centred value x - mean has " + std::to_string(users.size()) +
               " consumers, not 2 (the square and the division)";
    auto isSquare = [&](const ir::Node* n) {
        if (isOp(n, "Mul")) return n->input(0) == d && n->input(1) == d;
        return isOp(n, "Pow") && n->input(0) == d && scalarOf(n->input(1)) == 2.0;
    };
    ir::Node* sq = isSquare(users[0]) ? users[0] : (isSquare(users[1]) ? users[1] : nullptr);
    if (!sq) return "x - mean is not squared (Pow by 2 or Mul by itself)";
    ir::Node* divider = users[0] == sq ? users[1] : users[0];
    std::string why;
    ir::Node* var = nextOp(sq->output(0), "ReduceMean", why);
    if (!var) return why;
    if (reduceAxes(var, rank) != axes || var->attrInt("keepdims", 1) != 1)
        return "the variance ReduceMean does not reduce the same axes as the mean (keeping them)";
    ir::Node* addEps = nextOp(var->output(0), "Add", why);
    if (!addEps) return why;
    auto eps = scalarOperand(addEps);
    if (!eps) return "epsilon is not a constant scalar";
    ir::Node* root = nextOp(addEps->output(0), "Sqrt", why);
    if (!root) return why;
    m.nodes.insert(m.nodes.end(), {sq, var, addEps, root});
    if (isOp(divider, "Div")) {
        if (divider->input(0) != d || divider->input(1) != root->output(0))
            return "the division is not (x - mean) / sqrt(var + eps)";
    } else {
        ir::Node* recip = nextOp(root->output(0), "Reciprocal", why);
        if (!recip) return why;
        if (!isOp(divider, "Mul") || otherInput(divider, d) != recip->output(0))
            return "x - mean is not divided by sqrt(var + eps)";
        m.nodes.push_back(recip);
    }
    m.nodes.push_back(divider);
    m.eps = eps->value;
    return {};
}

// The chain from `sub` = Sub(x, ReduceMean(x)); "" on success.
std::string matchLayerNorm(const ir::Node* sub, const ir::Node* mean, LayerNormMatch& m) {
    m.x = sub->input(0);
    const Shape& xs = m.x->shape();
    if (!isFloatingPoint(m.x->dtype())) return "x is not a floating-point tensor";
    const int rank = xs.rankKnown() ? xs.rank() : -1;
    auto written = writtenAxes(mean);
    if (!written) return "the ReduceMean axes are not constant";
    auto axes = axesFromEnd(*written, rank);
    if (!axes) return "ReduceMean reduces " + axesText(*written) + " and the rank of x is unknown";
    if (mean->attrInt("keepdims", 1) != 1) return "ReduceMean drops the reduced axes (keepdims = 0)";
    m.k = int(axes->size());
    for (int i = 0; i < m.k; ++i)
        if ((*axes)[size_t(i)] != i - m.k) return "ReduceMean reduces " + axesText(*written) + ", not the last axis";
    m.nodes = {mean, sub};
    std::string why = matchVariance(sub, *axes, rank, m);
    if (!why.empty()) return why;
    // Optional affine part: y * gamma + beta with constant gamma, beta over the normalized dims.
    const ir::Node* last = m.nodes.back();
    if (ir::Node* mul = soleConsumer(last->output(0)); isOp(mul, "Mul")) {
        ir::Value* g = otherInput(mul, last->output(0));
        if (g && isAffineParam(g, m.x, m.k)) {
            m.gamma = g;
            m.nodes.push_back(last = mul);
        }
    }
    if (ir::Node* add = soleConsumer(last->output(0)); isOp(add, "Add")) {
        ir::Value* b = otherInput(add, last->output(0));
        if (b && isAffineParam(b, m.x, m.k)) {
            m.beta = b;
            m.nodes.push_back(add);
        }
    }
    return whyIntermediatesEscape(m.nodes, m.nodes.back());
}

// gamma / beta as LayerNormalization wants them: rank <= k (leading 1s dropped, a new tensor).
ir::Value* asNormParam(ir::Graph& g, ir::Value* p, int k) {
    const HostTensor& t = *constantOf(p);
    if (t.rank() <= k) return p;
    std::vector<int64_t> dims(t.dims().end() - k, t.dims().end());
    auto r = t.reshaped(dims);
    return g.addConstant(p->name() + "_norm", r->clone());
}

class LayerNormPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-layernorm"; }
    std::string description() const override {
        return "Recognizes decomposed LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div, ...) as one layer";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* sub : nodeSnapshot(g)) {
            // Anchor: Sub(x, ReduceMean(x)).
            if (!isOp(sub, "Sub") || sweeper.gone(sub)) continue;
            const ir::Node* mean = producerOfType(sub->input(1), "ReduceMean");
            if (!mean || mean->input(0) != sub->input(0) || sweeper.gone(mean)) continue;
            LayerNormMatch m;
            const std::string why = matchLayerNorm(sub, mean, m);
            if (!why.empty()) {
                ctx.declined(m.nodes.empty() ? std::vector<const ir::Node*>{mean, sub} : m.nodes, why);
                continue;
            }
            rewrite(g, ctx, m);
            sweeper.detach(m.nodes);
        }
        sweeper.sweep();
        return Status::ok();
    }

private:
    static void rewrite(ir::Graph& g, PassContext& ctx, const LayerNormMatch& m) {
        ir::Value* scale = m.gamma ? asNormParam(g, m.gamma, m.k) : nullptr;
        if (!scale) {
            // Scale of ones over the normalized dims (1 where a dim is not known: it broadcasts).
            std::vector<int64_t> dims;
            const Shape& xs = m.x->shape();
            for (int i = 0; i < m.k; ++i)
                dims.push_back(xs.rankKnown() ? std::max<int64_t>(xs[xs.rank() - m.k + i].value, 1) : 1);
            HostTensor ones(m.x->dtype(), dims);
            for (int64_t i = 0; i < ones.numel(); ++i) ones.setDouble(i, 1.0);
            scale = g.addConstant(m.nodes.front()->name() + "_ones", std::move(ones));
        }
        std::vector<ir::Value*> inputs{m.x, scale};
        if (m.beta) inputs.push_back(asNormParam(g, m.beta, m.k));
        ir::Value* out = m.nodes.back()->output(0);
        ir::Node* ln = addFusedNode(g, m.nodes, "LayerNormalization", kKilnDomain, inputs, {out});
        ln->setAttr("axis", ir::Attribute(int64_t(-m.k)));
        ln->setAttr("epsilon", ir::Attribute(float(m.eps)));
        const std::string over = m.k == 1 ? "the last axis" : "the last " + std::to_string(m.k) + " axes";
        ctx.applied(opChain(m.nodes) + " => kiln.LayerNormalization", m.nodes, ln,
                    "Recognized LayerNormalization: y = (x - mean(x)) / sqrt(var(x) + eps)" +
                        std::string(m.gamma ? " * gamma" : "") + (m.beta ? " + beta" : "") + " over " + over +
                        " (eps = " + formatNumber(m.eps) + "), " + std::to_string(m.nodes.size()) + " nodes -> 1 layer");
    }
};

}  // namespace

std::unique_ptr<Pass> makeLayerNormPatternPass() { return std::make_unique<LayerNormPatternPass>(); }

}  // namespace kiln::passes
