// fuse-residual: TensorRT's Conv + Add + Relu. A layer whose output goes only to an Add with
// another computed tensor of the same shape takes that tensor as a residual input, and the
// activation after the Add moves into the layer's epilogue.
//   FusedConv(x) -> Add(r) -> Relu => kiln.FusedConv(x, r)
//   y = act(conv(x, W) + b + r)
// Layers: kiln.FusedConv / FusedConvTranspose / FusedGemm (from fuse-bias-activation) and the
// plain Conv, ConvTranspose, Gemm and dense MatMul (constant 2-D B), which become those. The
// residual is input 3 of all three kiln layers (an empty input 2 when there is no bias).
// Not when the layer already applies an activation: act(conv) + r is not act(conv + r).
#include <string>
#include <vector>

#include "ops/activation_fn.h"
#include "passes/fusion_utils.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

constexpr int kResidualInput = 3;

bool isKilnLayer(const ir::Node* n) {
    return n && n->domain() == kKilnDomain &&
           (n->opType() == "FusedConv" || n->opType() == "FusedConvTranspose" || n->opType() == "FusedGemm");
}
bool isLayer(const ir::Node* n) { return n && (isKilnLayer(n) || !fusion::fusedLayerType(*n).empty()); }

// Why layer cannot absorb `residual` (the Add's other operand), or "".
std::string layerProblem(const ir::Node& layer, const ir::Value* residual) {
    const ir::Value* y = layer.output(0);
    const std::string who = fusion::describe(&layer);
    if (std::string why = whyNotFusable(y, &layer); !why.empty()) return why;
    if (isKilnLayer(&layer)) {
        Expected<ops::Activation> a = ops::activationFromAttrs(layer);
        if (!a) return a.status().message();
        if (a->kind != ops::ActivationKind::None)
            return who + " already applies " + a->name() + ", and the residual would have to be added before it";
        if (layer.input(kResidualInput)) return who + " already has a residual input";
    }
    if (isOp(&layer, "MatMul") && !(constantOf(layer.input(1)) && constantOf(layer.input(1))->rank() == 2))
        return "MatMul's B is not a constant 2-D weight (a product of two activations stays a MatMul)";
    if (!fusion::isFloatType(y->dtype())) return "the fused layers compute float types only";
    if (residual->dtype() != y->dtype()) return "the Add's operands have different types";
    const std::string shapes = "(" + y->shape().toString() + " + " + residual->shape().toString() + ")";
    if (!fusion::shapeIsResolved(y) || !fusion::shapeIsResolved(residual))
        return "the Add's operand shapes are not known to be equal " + shapes;
    if (y->shape() != residual->shape())
        return "the Add broadcasts " + shapes + "; a residual must have the layer's shape";
    return {};
}

struct Match {
    ir::Node* layer = nullptr;
    ir::Value* residual = nullptr;
    ir::Node* add = nullptr;
    ir::Node* act = nullptr;
    ops::Activation activation;
};

class FuseResidualPass final : public Pass {
public:
    std::string name() const override { return "fuse-residual"; }
    std::string description() const override {
        return "gives a Conv / Gemm layer the residual Add (and the activation after it) as its epilogue";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* n : nodeSnapshot(g)) {
            if (sweeper.gone(n) || !isOp(n, "Add") || n->numInputs() != 2) continue;
            if (constantOf(n->input(0)) || constantOf(n->input(1))) continue;  // a bias, not a residual
            Match m;
            m.add = n;
            if (match(ctx, m)) rewrite(g, ctx, sweeper, m);
        }
        sweeper.sweep();
        return Status::ok();
    }

private:
    // Picks the Add operand whose layer can take the other operand as its residual (the first in
    // input order), then the activation after the Add. Records the declines.
    static bool match(PassContext& ctx, Match& m) {
        std::vector<const ir::Node*> layers;
        std::string reasons;
        for (int i = 0; i < 2 && !m.layer; ++i) {
            ir::Node* l = m.add->input(i)->producer();
            if (!isLayer(l)) continue;
            if (std::string why = layerProblem(*l, m.add->input(1 - i)); !why.empty()) {
                layers.push_back(l);
                reasons += (reasons.empty() ? "" : "; ") + why;
                continue;
            }
            m.layer = l;
            m.residual = m.add->input(1 - i);
        }
        if (!m.layer) {
            if (!layers.empty()) {
                layers.push_back(m.add);
                ctx.declined(layers, reasons);
            }
            return false;
        }
        ir::Value* sum = m.add->output(0);
        ir::Node* next = soleConsumer(sum);
        if (next && fusion::isActivationLike(*next)) {
            Expected<ops::Activation> a = ops::activationOf(*next);
            if (a) {
                m.act = next;
                m.activation = *a;
            } else {
                ctx.declined({m.layer, m.add, next}, a.status().message());
            }
        } else if (!next) {
            for (ir::Node* r : sum->consumers())
                if (fusion::isActivationLike(*r)) {
                    ctx.declined({m.layer, m.add, r}, whyNotFusable(sum, m.add));
                    break;
                }
        }
        return true;
    }

    static void rewrite(ir::Graph& g, PassContext& ctx, NodeSweeper& sweeper, const Match& m) {
        ir::Node* l = m.layer;
        const bool plainMatMul = isOp(l, "MatMul");
        const std::string op = isKilnLayer(l) ? l->opType() : fusion::fusedLayerType(*l);
        std::vector<ir::Value*> inputs = l->inputs();
        if (plainMatMul) inputs.resize(2);
        inputs.resize(kResidualInput, nullptr);
        inputs.push_back(m.residual);
        std::vector<const ir::Node*> matched{l, m.add};
        std::vector<ir::Node*> doomed{l, m.add};
        if (m.act) {
            matched.push_back(m.act);
            doomed.push_back(m.act);
        }
        ir::Value* y = (m.act ? m.act : m.add)->output(0);
        sweeper.detach(doomed);
        ir::Node* n = addFusedNode(g, matched, op, kKilnDomain, inputs, {y});
        if (!plainMatMul) fusion::copyAttributes(*l, *n);
        if (isOp(l, "Gemm") || plainMatMul) n->setAttr("matmul", ir::Attribute(int64_t(plainMatMul ? 1 : 0)));
        if (m.act || !isKilnLayer(l)) ops::setActivationAttrs(*n, m.act ? m.activation : ops::Activation{});
        const std::string act = m.act ? " -> " + m.act->opType() : "";
        const std::string sum = l->opType() + "(x) + r";
        ctx.applied(l->opType() + "(x) -> Add(r)" + act + " => kiln." + op + "(x, r)", matched, n,
                    "The residual r is added in the " + op + "'s epilogue" + (m.act ? ", before the activation" : "") +
                        ": y = " + (m.act ? m.activation.name() + "(" + sum + ")" : sum) + ".");
    }
};

}  // namespace

std::unique_ptr<Pass> makeFuseResidualPass() { return std::make_unique<FuseResidualPass>(); }

}  // namespace kiln::passes
