// recognize-silu: SiLU (swish) written as x * Sigmoid(x), in either operand order.
//   y = x * sigmoid(x) = x / (1 + exp(-x))  => kiln.Silu(x)
#include "passes/pattern_match.h"
#include "passes/pattern_utils.h"
#include "passes/passes.h"

namespace kiln::passes {

namespace {

using namespace pattern;

class SiluPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-silu"; }
    std::string description() const override { return "Recognizes x * Sigmoid(x) as one SiLU layer"; }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* mul : nodeSnapshot(g)) {
            // Anchor: a Mul with an input produced by Sigmoid.
            if (!isOp(mul, "Mul") || mul->numInputs() != 2 || sweeper.gone(mul)) continue;
            ir::Node* sig = producerOfType(mul->input(1), "Sigmoid");
            if (!sig || sig->input(0) != mul->input(0)) {
                if (ir::Node* first = producerOfType(mul->input(0), "Sigmoid"); first) sig = first;
            }
            if (!sig || sweeper.gone(sig)) continue;
            ir::Value* x = otherInput(mul, sig->output(0));
            std::string why;
            if (sig->input(0) != x)
                why = "Mul multiplies Sigmoid('" + sig->input(0)->name() + "') by '" + (x ? x->name() : "itself") +
                      "', a different tensor";
            else if (!isFloatingPoint(x->dtype()))
                why = "x is not a floating-point tensor";
            else
                why = whyNotFusable(sig->output(0), sig);
            if (!why.empty()) {
                ctx.declined({sig, mul}, why);
                continue;
            }
            ir::Node* silu = addFusedNode(g, {sig, mul}, "Silu", kKilnDomain, {x}, {mul->output(0)});
            ctx.applied("Sigmoid -> Mul => kiln.Silu", {sig, mul}, silu,
                        "Recognized SiLU: y = x * sigmoid(x) = x / (1 + exp(-x)), 2 nodes -> 1 layer");
            sweeper.detach(std::vector<ir::Node*>{sig, mul});
        }
        sweeper.sweep();
        return Status::ok();
    }
};

}  // namespace

std::unique_ptr<Pass> makeSiluPatternPass() { return std::make_unique<SiluPatternPass>(); }

}  // namespace kiln::passes
