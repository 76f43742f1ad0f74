// fuse-bias-activation: a layer, the bias Add after it and the activation after that run as one
// kiln layer whose epilogue adds the bias and applies the activation (see ops/fused.cpp).
//   Conv(x) -> Add(c) -> Relu => kiln.FusedConv(x)
//   y = act(conv(x, W) + b'), b' = b + c
// Conv -> kiln.FusedConv, ConvTranspose -> kiln.FusedConvTranspose, Gemm -> kiln.FusedGemm
// (matmul = 0), MatMul with a constant 2-D B (a dense layer, also N-D x 2-D as in BERT) ->
// kiln.FusedGemm (matmul = 1). The bias is the layer's own (Conv's B, Gemm's beta * C) plus a
// following Add of a constant broadcast per output channel (axis 1 of a conv, the last axis of a
// GEMM: [1, C, 1, 1] / [C, 1, 1] / [C] / a scalar); the activation must be the sole consumer and
// one that activationOf accepts. Either part may be missing, not both.
// Plugin layers take an activation only when the plugin accepts it (fuse_plugin_activation.cpp).
#include <string>
#include <vector>

#include "ops/activation_fn.h"
#include "passes/fusion_utils.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

bool decline(PassContext& ctx, const std::vector<const ir::Node*>& nodes, const std::string& why) {
    ctx.declined(nodes, why);
    return false;
}

// A constant Add: the bias candidate after a layer.
bool isConstantAdd(const ir::Node* n) {
    return isOp(n, "Add") && n->numInputs() == 2 && (constantOf(n->input(0)) || constantOf(n->input(1)));
}
ir::Value* constantOperand(const ir::Node* add) { return constantOf(add->input(1)) ? add->input(1) : add->input(0); }

struct Candidate {
    ir::Node* layer = nullptr;
    std::string fused;         // "FusedConv", ...
    int outRank = 0, axis = 0; // the output's rank and channel axis
    int64_t channels = 0;
    ir::Node* add = nullptr;   // the bias Add, if fused
    std::vector<double> addBias;
    ir::Node* act = nullptr;   // the activation, if fused
    ops::Activation activation;
};

// The output channels of a layer from its weights' shape (-1 when unknown): Conv W [M, ...],
// ConvTranspose W [C, M / group, ...], Gemm B' [K, N], MatMul B [K, N].
int64_t channelsFromWeights(const ir::Node& l) {
    const Shape& w = l.input(1)->shape();
    if (!w.rankKnown() || w.rank() < 2) return -1;
    const bool transB = l.attrInt("transB", 0) != 0;
    const Dim& d = isOp(&l, "Conv") ? w[0] : isOp(&l, "Gemm") && transB ? w[0] : w[1];
    if (!d.isKnown()) return -1;
    return isOp(&l, "ConvTranspose") ? d.value * l.attrInt("group", 1) : d.value;
}

// Why the layer's output cannot take a bias / activation epilogue at all, or "" (fills c).
std::string layerProblem(Candidate& c) {
    const ir::Node& l = *c.layer;
    const ir::Value* y = l.output(0);
    if (!fusion::isFloatType(y->dtype())) return "the fused layers compute float types only";
    if (isOp(&l, "MatMul")) {
        const HostTensor* b = constantOf(l.input(1));
        if (!b || b->rank() != 2)
            return "MatMul's B is not a constant 2-D weight (a product of two activations stays a MatMul)";
    }
    const bool gemm = c.fused == "FusedGemm";
    const Shape& s = y->shape();
    // A dense MatMul's output rank may be unknown (an input reshaped at run time): its channels
    // are still the last axis, and reading it as rank 1 only admits [N] or scalar biases.
    if (s.rankKnown() && s.rank() >= 1) c.outRank = s.rank();
    else if (isOp(&l, "MatMul")) c.outRank = 1;
    else return "the rank of the " + l.opType() + " output is unknown";
    c.axis = gemm ? c.outRank - 1 : 1;
    if (c.axis >= c.outRank) return "the " + l.opType() + " output has no channel axis";
    c.channels = channelsFromWeights(l);
    if (c.channels < 0 && s.rankKnown() && s[c.axis].isKnown()) c.channels = s[c.axis].value;
    if (c.channels < 0) return "the number of output channels is unknown";
    return {};
}

// Why the constant Add cannot be merged into the layer's bias, or "" (fills c.addBias).
std::string biasProblem(Candidate& c, const ir::Node* add) {
    const ir::Value* k = constantOperand(add);
    std::optional<std::vector<double>> v = fusion::perChannelValues(k, c.outRank, c.axis, c.channels);
    if (!v)
        return "the Add constant of shape " + k->shape().toString() + " is not a per-channel bias of the " +
               c.layer->opType() + " output " + c.layer->output(0)->shape().toString();
    if (k->dtype() != c.layer->output(0)->dtype()) return "the Add constant's type differs from the layer's";
    const ir::Value* own = isOp(c.layer, "MatMul") ? nullptr : c.layer->input(2);
    if (own && !constantOf(own)) return c.layer->opType() + " bias is not constant, the Add cannot be merged into it";
    if (own && isOp(c.layer, "Gemm") && !fusion::perChannelValues(own, 2, 1, c.channels))
        return "Gemm's C of shape " + own->shape().toString() + " is not a per-column bias";
    c.addBias = *v;
    return {};
}

// The bias input of the fused layer: the layer's own, or (with a merged Add) a new constant
// b' = b + c (Gemm: C' = beta * C + c).
ir::Value* fusedBias(ir::Graph& g, const Candidate& c) {
    const ir::Node& l = *c.layer;
    const ir::Value* own = isOp(&l, "MatMul") ? nullptr : l.input(2);
    if (!c.add) return own ? l.input(2) : nullptr;
    std::vector<double> b = c.addBias;
    if (own) {
        const bool gemm = isOp(&l, "Gemm");
        const double beta = gemm ? l.attrFloat("beta", 1.0f) : 1.0;
        const std::vector<double> ob = gemm ? *fusion::perChannelValues(own, 2, 1, c.channels)
                                            : fusion::valuesOf(*constantOf(own));
        for (size_t i = 0; i < b.size(); ++i) b[i] += beta * ob[i];
    }
    return g.addConstant(l.name() + "_bias_fused", fusion::vectorOf(l.output(0)->dtype(), b));
}

// "y = Relu(conv(x, W) + b'), b' = b + c"
std::string formula(const Candidate& c) {
    const ir::Node& l = *c.layer;
    const bool own = !isOp(&l, "MatMul") && l.input(2);
    std::string core = isOp(&l, "Conv") ? "conv(x, W)" : isOp(&l, "ConvTranspose") ? "convTranspose(x, W)"
                                                       : isOp(&l, "Gemm") ? "alpha * A' x B'" : "x x B";
    if (c.add) core += isOp(&l, "Gemm") && own ? " + C', C' = beta * C + c" : own ? " + b', b' = b + c" : " + c";
    else if (own) core += isOp(&l, "Gemm") ? " + beta * C" : " + b";
    const std::string y = c.act ? c.activation.name() + "(" + core + ")" : core;
    return "y = " + y;
}

class FuseBiasActivationPass final : public Pass {
public:
    std::string name() const override { return "fuse-bias-activation"; }
    std::string description() const override {
        return "fuses Conv / ConvTranspose / Gemm / MatMul with the bias Add and activation after it";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* n : nodeSnapshot(g)) {
            if (sweeper.gone(n)) continue;
            Candidate c;
            c.layer = n;
            c.fused = fusion::fusedLayerType(*n);
            if (!c.fused.empty() && match(ctx, c)) rewrite(g, ctx, sweeper, c);
        }
        sweeper.sweep();
        fusePluginActivations(g, ctx);
        return Status::ok();
    }

private:
    // Fills c.add / c.act with what can be fused; records the declines. False when nothing fuses.
    static bool match(PassContext& ctx, Candidate& c) {
        ir::Value* y = c.layer->output(0);
        ir::Node* next = soleConsumer(y);
        if (!next) {  // several readers or a graph output: a candidate only if one would have fused
            for (ir::Node* r : y->consumers())
                if (isConstantAdd(r) || fusion::isActivationLike(*r)) {
                    ctx.declined({c.layer, r}, whyNotFusable(y, c.layer));
                    break;
                }
            return false;
        }
        if (!isConstantAdd(next) && !fusion::isActivationLike(*next)) return false;
        if (std::string why = layerProblem(c); !why.empty()) return decline(ctx, {c.layer, next}, why);
        if (isConstantAdd(next)) {
            if (std::string why = biasProblem(c, next); !why.empty()) return decline(ctx, {c.layer, next}, why);
            c.add = next;
            next = soleConsumer(next->output(0));
            if (!next) {
                for (ir::Node* r : c.add->output(0)->consumers())
                    if (fusion::isActivationLike(*r)) {
                        ctx.declined({c.layer, c.add, r}, whyNotFusable(c.add->output(0), c.add));
                        break;
                    }
            }
        }
        if (next && fusion::isActivationLike(*next)) {
            Expected<ops::Activation> a = ops::activationOf(*next);
            if (a) {
                c.act = next;
                c.activation = *a;
            } else {
                ctx.declined({c.layer, next}, a.status().message());
            }
        }
        return c.add || c.act;
    }

    static void rewrite(ir::Graph& g, PassContext& ctx, NodeSweeper& sweeper, const Candidate& c) {
        ir::Node* l = c.layer;
        const bool matmul = isOp(l, "MatMul");
        std::vector<ir::Value*> inputs{l->input(0), l->input(1)};
        if (ir::Value* b = fusedBias(g, c)) inputs.push_back(b);
        std::vector<const ir::Node*> matched{l};
        if (c.add) matched.push_back(c.add);
        if (c.act) matched.push_back(c.act);
        ir::Value* y = (c.act ? c.act : c.add)->output(0);
        const char* what = c.add && c.act ? "The bias and the activation run" : c.add ? "The bias runs" : "The activation runs";
        std::string explanation = std::string(what) + " in the " + c.fused + "'s epilogue: " + formula(c) + ".";
        std::vector<ir::Node*> doomed{l};
        if (c.add) doomed.push_back(c.add);
        if (c.act) doomed.push_back(c.act);
        sweeper.detach(doomed);
        ir::Node* n = addFusedNode(g, matched, c.fused, kKilnDomain, inputs, {y});
        if (!matmul) fusion::copyAttributes(*l, *n);
        if (c.fused == "FusedGemm") n->setAttr("matmul", ir::Attribute(int64_t(matmul ? 1 : 0)));
        if (c.add && isOp(l, "Gemm")) n->setAttr("beta", ir::Attribute(1.0f));
        ops::setActivationAttrs(*n, c.act ? c.activation : ops::Activation{});
        std::string rule = l->opType() + "(x)" + (c.add ? " -> Add(c)" : "") + (c.act ? " -> " + c.act->opType() : "") +
                           " => kiln." + c.fused + "(x)";
        ctx.applied(std::move(rule), matched, n, std::move(explanation));
    }
};

}  // namespace

std::unique_ptr<Pass> makeFuseBiasActivationPass() { return std::make_unique<FuseBiasActivationPass>(); }

}  // namespace kiln::passes
