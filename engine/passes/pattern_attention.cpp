// recognize-attention: multi-head scaled dot-product attention as PyTorch exports it.
//   q = Transpose[0,2,1,3](Reshape(Q -> [B, S, H, D]))       (k likewise, v likewise)
//   k = Transpose[0,2,3,1](Reshape(K)), or Transpose[0,1,3,2](Transpose[0,2,1,3](Reshape(K)))
//   out = Reshape(Transpose[0,2,1,3](Softmax(q . k * scale [+ mask], last axis) . v) -> [B, S, H * Dv])
//   => kiln.Attention(Q, K, V[, mask]; num_heads = H, scale)
// The scale is a Div or Mul by a constant on the scores, or on q or k before their MatMul (the
// factors multiply: PyTorch's scaled_dot_product_attention multiplies each by sqrt(1/sqrt(D))).
// Q, K, V are the [B, S, hidden] tensors before the per-head Reshape; the mask is the additive
// tensor as the Add reads it (broadcast to [B, H, S, S]), e.g. transformers' Where(mask, 0, -inf).
// The Reshapes are matched on their output shapes (from symbolic shape inference), not on how
// their shape input is computed: PyTorch's Shape -> Gather -> Concat arithmetic is left to
// constant folding and dead-layer elimination.
// The NaN guard PyTorch puts after the Softmax, p' = Where(IsNaN(p), 0, p) (a row whose mask is
// all -inf gives NaN probabilities, which it zeroes), becomes the layer's zero_nan_rows = 1: a
// row of probabilities that is NaN (all of it is, once one score is NaN or all are -inf, since the
// row sum is then NaN) is set to 0, exactly what the guard computes.
#include <cmath>

#include "passes/pattern_match.h"
#include "passes/pattern_utils.h"
#include "passes/passes.h"

namespace kiln::passes {

namespace {

using namespace pattern;

using Perm = std::vector<int64_t>;
const Perm kSplitPerm{0, 2, 1, 3};   // [B, S, H, D] -> [B, H, S, D] (and back for the output)
const Perm kKeyPerm{0, 2, 3, 1};     // [B, S, H, D] -> [B, H, D, S]
const Perm kSwapLast{0, 1, 3, 2};    // [B, H, S, D] -> [B, H, D, S]

const ir::Node* transposeWith(const ir::Value* v, const Perm& perm) {
    const ir::Node* t = producerOfType(v, "Transpose");
    return t && t->attrInts("perm") == perm ? t : nullptr;
}

// One element of a Reshape target: a number, or a copy of input dim `copies`, or unknown.
struct TargetElem {
    std::optional<int64_t> value;
    int copies = -1;
};

// Two dims that may be equal at run time: not two different known numbers. (Different symbols
// may be equal: shape inference names the dims it cannot relate "unk__N".)
bool mayEqual(const Dim& a, const Dim& b) { return !(a.isKnown() && b.isKnown() && a.value != b.value); }

// Whether an additive mask broadcasts to the scores without enlarging them.
bool maskFits(const Shape& mask, const Shape& scores) {
    if (!mask.rankKnown()) return true;
    if (mask.rank() > 4 || (scores.rankKnown() && scores.rank() != 4)) return false;
    for (int i = 1; i <= mask.rank(); ++i) {
        const Dim& m = mask[mask.rank() - i];
        if (!(m.isKnown() && m.value == 1) && scores.rankKnown() && !mayEqual(m, scores[4 - i])) return false;
    }
    return true;
}

// What a Reshape produces: its output dims (from shape inference, or else read off its target),
// and for each, the input dim it copies (-1: none known). PyTorch's targets are
// Concat(Unsqueeze(Gather(Shape(input), i)), ..., constants): element i copies input dim i.
struct ReshapeView {
    std::vector<Dim> dims;
    std::vector<int> copies;
};

// The input dim a target part copies: Unsqueeze(Gather(Shape(input), i)) or Gather(Shape(input), [i]).
int copiedDim(const ir::Value* part, const ir::Value* input) {
    const ir::Node* p = part->producer();
    const ir::Node* gather = isOp(p, "Unsqueeze") ? producerOfType(p->input(0), "Gather") : (isOp(p, "Gather") ? p : nullptr);
    if (!gather || gather->attrInt("axis", 0) != 0) return -1;
    const ir::Node* shape = producerOfType(gather->input(0), "Shape");
    const HostTensor* idx = constantOf(gather->input(1));
    if (!shape || shape->input(0) != input || shape->hasAttr("start") || !idx || idx->numel() != 1) return -1;
    const double i = idx->getDouble(0);
    return i >= 0 ? int(i) : -1;
}

// The elements of a Reshape target that is a constant or a Concat of constants and copied dims.
std::optional<std::vector<TargetElem>> targetElems(const ir::Node* r) {
    std::vector<TargetElem> out;
    const ir::Node* cat = producerOfType(r->input(1), "Concat");
    const std::vector<ir::Value*> parts = cat ? cat->inputs() : std::vector<ir::Value*>{r->input(1)};
    for (const ir::Value* part : parts) {
        if (const HostTensor* t = part ? constantOf(part) : nullptr) {
            auto v = t->toInt64Vector();
            if (!v) return std::nullopt;
            for (int64_t e : *v) out.push_back({e, -1});
        } else if (int c = part ? copiedDim(part, r->input(0)) : -1; c >= 0) {
            out.push_back({std::nullopt, c});
        } else {
            const Shape& ps = part ? part->shape() : Shape::unknownRank();
            if (!ps.rankKnown() || ps.rank() != 1 || !ps[0].isKnown()) return std::nullopt;
            out.resize(out.size() + size_t(ps[0].value));
        }
    }
    if (r->attrInt("allowzero", 0) == 0)  // 0 copies the input dim at the same position
        for (size_t i = 0; i < out.size(); ++i)
            if (out[i].value == 0) out[i] = {std::nullopt, int(i)};
    return out;
}

std::optional<ReshapeView> reshapeView(const ir::Node* r) {
    ReshapeView view;
    const Shape& o = r->output(0)->shape();
    if (o.rankKnown()) {
        view.dims = o.dims();
        view.copies.assign(o.dims().size(), -1);
        return view;
    }
    auto elems = targetElems(r);
    if (!elems) return std::nullopt;
    const Shape& in = r->input(0)->shape();
    for (const TargetElem& e : *elems) {
        const bool known = in.rankKnown() && e.copies >= 0 && e.copies < in.rank();
        view.dims.push_back(e.value ? Dim(*e.value) : (known ? in[e.copies] : Dim::unknown()));
        view.copies.push_back(e.copies);
    }
    return view;
}

// Whether output dim i of the Reshape is input dim i (B and S pass through the head split).
bool keepsDim(const ReshapeView& v, const Shape& in, int i) {
    if (v.copies[size_t(i)] >= 0) return v.copies[size_t(i)] == i;
    return !in.rankKnown() || mayEqual(in[i], v.dims[size_t(i)]);
}

struct HeadSplit {
    ir::Value* input = nullptr;  // [B, S, H * D]
    int64_t heads = 0, headDim = 0;
};

// p' = Where(IsNaN(p), 0, p) after the Softmax.
struct NanGuard {
    const ir::Node* isNan = nullptr;
    const ir::Node* where = nullptr;
    ir::Value* zero = nullptr;  // the Where's constant 0
};

struct AttentionMatch {
    std::vector<const ir::Node*> nodes;
    HeadSplit q, k, v;
    ir::Value* mask = nullptr;
    double scale = 1.0;
    int64_t heads = 0;
    NanGuard guard;
};

// The NaN guard reading the Softmax output p: p's consumers are exactly IsNaN(p) and
// Where(IsNaN(p), 0, p). Sets why when an IsNaN reads p in some other arrangement.
std::optional<NanGuard> nanGuardAfter(const ir::Node* softmax, std::string& why) {
    const ir::Value* p = softmax->output(0);
    NanGuard g;
    for (const ir::Node* c : p->consumers()) {
        if (isOp(c, "IsNaN")) g.isNan = c;
        if (isOp(c, "Where")) g.where = c;
    }
    if (!g.isNan) return std::nullopt;
    const std::string guard = "the Softmax's NaN guard is not p' = Where(IsNaN(p), 0, p): ";
    if (p->isGraphOutput() || p->consumers().size() != 2 || !g.where)
        return why = guard + "the probabilities p are read by " + std::to_string(p->consumers().size()) +
                     " nodes" + (p->isGraphOutput() ? " and are a graph output" : ""), std::nullopt;
    const double zero = scalarOf(g.where->input(1)).value_or(NAN);
    if (g.where->numInputs() != 3 || g.where->input(0) != g.isNan->output(0) || g.where->input(2) != p || std::isnan(zero))
        return why = guard + "Where '" + g.where->name() + "' does not select a constant for IsNaN(p), else p", std::nullopt;
    if (zero != 0.0) return why = guard + "NaN probabilities become " + formatNumber(zero) + ", not 0", std::nullopt;
    if (std::string busy = whyNotFusable(g.isNan->output(0), g.isNan); !busy.empty()) return why = guard + busy, std::nullopt;
    g.zero = g.where->input(1);
    return g;
}

// Strips a Div/Mul by a scalar constant from *v (moving *v to its input), multiplying scale.
void takeScale(const ir::Value*& v, double& scale, std::vector<const ir::Node*>& nodes) {
    const ir::Node* p = v->producer();
    auto s = scalarOperand(p);
    if (!s || !(isOp(p, "Mul") || (isOp(p, "Div") && !s->constantFirst))) return;
    scale *= isOp(p, "Div") ? 1.0 / s->value : s->value;
    nodes.push_back(p);
    v = s->other;
}

// transposed = Transpose(Reshape(input [B, S, H*D] -> [B, S, H, D])): the Reshape's shapes.
std::string matchSplitReshape(const ir::Node* transpose, const char* which, HeadSplit& out,
                              std::vector<const ir::Node*>& nodes) {
    const ir::Node* r = producerOfType(transpose->input(0), "Reshape");
    const std::string expected = std::string(which) + " is not split into heads by a Reshape [B, S, H*D] -> [B, S, H, D]";
    auto view = r ? reshapeView(r) : std::nullopt;
    if (!view) return expected;
    const Shape& in = r->input(0)->shape();
    const std::vector<Dim>& o = view->dims;
    if ((in.rankKnown() && in.rank() != 3) || o.size() != 4) return expected;
    if (!o[2].isKnown() || !o[3].isKnown())
        return std::string(which) + "'s per-head Reshape has unknown heads or head size: " + Shape(o).toString();
    out = {r->input(0), o[2].value, o[3].value};
    if ((in.rankKnown() && in[2].isKnown() && in[2].value != out.heads * out.headDim) || !keepsDim(*view, in, 0) ||
        !keepsDim(*view, in, 1))
        return std::string(which) + "'s Reshape " + in.toString() + " -> " + Shape(o).toString() + " does not split the last axis";
    nodes.insert(nodes.end(), {r, transpose});
    return {};
}

// The q / k / v operands of the two MatMuls, back to their per-head Reshapes.
std::string matchHeads(const ir::Node* qk, const ir::Node* pv, AttentionMatch& m) {
    const ir::Value* qv = qk->input(0);
    const ir::Value* kv = qk->input(1);
    std::vector<const ir::Node*> qScale, kScale;
    takeScale(qv, m.scale, qScale);
    takeScale(kv, m.scale, kScale);
    const ir::Node* qt = transposeWith(qv, kSplitPerm);
    if (!qt) return "Q is not split into heads: expected Transpose perm [0, 2, 1, 3] before Q.K^T";
    std::string why = matchSplitReshape(qt, "Q", m.q, m.nodes);
    if (!why.empty()) return why;
    m.nodes.insert(m.nodes.end(), qScale.begin(), qScale.end());
    const ir::Node* kt = transposeWith(kv, kKeyPerm);
    const ir::Node* kSwap = kt ? nullptr : transposeWith(kv, kSwapLast);
    if (kSwap) kt = transposeWith(kSwap->input(0), kSplitPerm);
    if (!kt) return "K is not split into heads: expected Transpose perm [0, 2, 3, 1] (or [0, 2, 1, 3] then [0, 1, 3, 2])";
    if (!(why = matchSplitReshape(kt, "K", m.k, m.nodes)).empty()) return why;
    if (kSwap) m.nodes.push_back(kSwap);
    m.nodes.insert(m.nodes.end(), kScale.begin(), kScale.end());
    const ir::Node* vt = transposeWith(pv->input(1), kSplitPerm);
    if (!vt) return "V is not split into heads: expected Transpose perm [0, 2, 1, 3] before P.V";
    if (!(why = matchSplitReshape(vt, "V", m.v, m.nodes)).empty()) return why;
    m.heads = m.q.heads;
    if (m.k.heads != m.heads || m.v.heads != m.heads)
        return "Q, K and V are split into different numbers of heads (" + std::to_string(m.q.heads) + ", " +
               std::to_string(m.k.heads) + ", " + std::to_string(m.v.heads) + ")";
    if (m.k.headDim != m.q.headDim) return "Q and K have different head sizes";
    return {};
}

// Softmax input back to Q.K^T: [Add mask] <- [scale] <- MatMul. Fills the MatMul into qk.
std::string matchScores(const ir::Node* softmax, AttentionMatch& m, const ir::Node*& qk) {
    const ir::Value* s = softmax->input(0);
    std::vector<const ir::Node*> chain;
    if (const ir::Node* add = producerOfType(s, "Add")) {
        for (int i = 0; i < 2 && !qk; ++i) {
            const ir::Value* scores = add->input(i);
            std::vector<const ir::Node*> scaleNodes;
            double scale = 1.0;
            takeScale(scores, scale, scaleNodes);
            if (!(qk = producerOfType(scores, "MatMul"))) continue;
            m.scale *= scale;
            m.mask = add->input(1 - i);
            chain.insert(chain.end(), scaleNodes.rbegin(), scaleNodes.rend());
            chain.push_back(add);
            if (!maskFits(m.mask->shape(), add->input(i)->shape()))
                return "the mask " + m.mask->shape().toString() + " does not broadcast to the scores " +
                       add->input(i)->shape().toString();
        }
    }
    if (!qk) {
        takeScale(s, m.scale, chain);
        qk = producerOfType(s, "MatMul");
    }
    if (!qk) return "the Softmax input is not Q.K^T (a MatMul, optionally scaled and masked)";
    m.nodes.push_back(qk);
    m.nodes.insert(m.nodes.end(), chain.begin(), chain.end());
    m.nodes.push_back(softmax);
    return {};
}

// The whole pattern around `softmax` (whose output feeds pv = MatMul(probs, v)); "" on success.
std::string matchAttention(const ir::Node* softmax, const ir::Node* pv, AttentionMatch& m) {
    // Unknown ranks (a Reshape shape inference could not follow) are 4 by the perms matched below.
    const Shape& ps = softmax->output(0)->shape();
    if (ps.rankKnown() && ps.rank() != 4)
        return "the attention scores " + ps.toString() + " are not split into heads [B, H, S, S]";
    const int64_t def = softmax->opsetVersion() < 13 ? 1 : -1;
    const int64_t axis = softmax->attrInt("axis", def);
    if ((axis < 0 ? axis + 4 : axis) != 3) return "Softmax is over axis " + std::to_string(axis) + ", not the last axis";
    const ir::Node* qk = nullptr;
    std::string why = matchScores(softmax, m, qk);
    if (!why.empty()) return why;
    if (m.guard.isNan) m.nodes.insert(m.nodes.end(), {m.guard.isNan, m.guard.where});
    if (!(why = matchHeads(qk, pv, m)).empty()) return why;
    m.nodes.push_back(pv);
    // Output: Transpose back to [B, S, H, Dv], Reshape to [B, S, H * Dv].
    const ir::Node* ot = nextOp(pv->output(0), "Transpose", why);
    if (!ot || ot->attrInts("perm") != kSplitPerm)
        return ot ? "the heads are not merged back by Transpose perm [0, 2, 1, 3]" : why;
    const ir::Node* orr = nextOp(ot->output(0), "Reshape", why);
    if (!orr) return why;
    auto view = reshapeView(orr);
    const Shape& in = ot->output(0)->shape();
    if (!view || view->dims.size() != 3 || (in.rankKnown() && in.rank() != 4) || !keepsDim(*view, in, 0) ||
        !keepsDim(*view, in, 1) || (view->dims[2].isKnown() && view->dims[2].value != m.heads * m.v.headDim))
        return "the heads are not merged back by a Reshape to [B, S, H*D]" +
               (view ? ", got " + Shape(view->dims).toString() : std::string());
    m.nodes.insert(m.nodes.end(), {ot, orr});
    if (!isFloatingPoint(m.q.input->dtype())) return "Q is not a floating-point tensor";
    return whyIntermediatesEscape(m.nodes, orr);
}

class AttentionPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-attention"; }
    std::string description() const override {
        return "Recognizes multi-head attention (Q.K^T, scale, mask, Softmax, .V with the head Reshape/Transposes) as one layer";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* softmax : nodeSnapshot(g)) {
            // Anchor: Softmax whose output (or its NaN guard's) is the left operand of a MatMul
            // (probabilities . V).
            if (!isOp(softmax, "Softmax") || sweeper.gone(softmax)) continue;
            AttentionMatch m;
            const ir::Value* probs = softmax->output(0);
            std::string guardWhy;
            if (auto guard = nanGuardAfter(softmax, guardWhy)) {
                m.guard = *guard;
                probs = guard->where->output(0);
            }
            if (!guardWhy.empty()) {
                ctx.declined({softmax}, guardWhy);
                continue;
            }
            const ir::Node* pv = soleConsumer(probs);
            if (!pv) {
                for (const ir::Node* c : probs->consumers())
                    if (isOp(c, "MatMul") && c->input(0) == probs)
                        ctx.declined({softmax, c}, whyNotFusable(probs, probs->producer()));
                continue;
            }
            if (!isOp(pv, "MatMul") || pv->input(0) != probs) continue;
            const std::string why = matchAttention(softmax, pv, m);
            if (!why.empty()) {
                ctx.declined(m.nodes.empty() ? std::vector<const ir::Node*>{softmax, pv} : m.nodes, why);
                continue;
            }
            rewrite(g, ctx, m);
            sweeper.detach(m.nodes);
        }
        sweeper.sweep();
        return Status::ok();
    }

private:
    static void rewrite(ir::Graph& g, PassContext& ctx, const AttentionMatch& m) {
        std::vector<ir::Value*> inputs{m.q.input, m.k.input, m.v.input};
        if (m.mask) inputs.push_back(m.mask);
        ir::Value* y = m.nodes.back()->output(0);
        ir::Node* att = addFusedNode(g, m.nodes, "Attention", kKilnDomain, inputs, {y});
        att->setAttr("num_heads", ir::Attribute(m.heads));
        att->setAttr("scale", ir::Attribute(float(m.scale)));
        if (m.guard.isNan) att->setAttr("zero_nan_rows", ir::Attribute(int64_t(1)));
        ctx.applied("multi-head attention => kiln.Attention", m.nodes, att,
                    "Recognized multi-head attention: per head, y = softmax(Q K^T * " + formatNumber(m.scale) +
                        (m.mask ? " + mask" : "") + ") V with " + std::to_string(m.heads) + " heads of size " +
                        std::to_string(m.q.headDim) + ", " + std::to_string(m.nodes.size()) + " nodes -> 1 layer" +
                        (m.guard.isNan ? "; the Softmax's NaN guard Where(IsNaN(p), 0, p) becomes zero_nan_rows = 1 "
                                         "(a fully masked row gives 0, as before)"
                                       : ""));
    }
};

}  // namespace

std::unique_ptr<Pass> makeAttentionPatternPass() { return std::make_unique<AttentionPatternPass>(); }

}  // namespace kiln::passes
