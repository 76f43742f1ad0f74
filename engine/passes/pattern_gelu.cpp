// recognize-gelu: GELU written out in elementwise ops, as exporters emit it.
//   erf form:  0.5 * x * (1 + erf(x / sqrt(2)))                       => kiln.Gelu(x; approximate = none)
//   tanh form: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) => kiln.Gelu(x; approximate = tanh)
// x / sqrt(2) is Div by 1.4142 or Mul by 0.7071; x^3 is Pow(x, 3) or x * x * x; the factor 0.5
// multiplies x first, the product last, or (1 + erf) (every Mul/Add in either operand order).
#include <cmath>
#include <numbers>

#include "passes/pattern_match.h"
#include "passes/pattern_utils.h"
#include "passes/passes.h"

namespace kiln::passes {

namespace {

using namespace pattern;

constexpr double kInvSqrt2 = 1.0 / std::numbers::sqrt2;
constexpr double kSqrt2OverPi = std::numbers::sqrt2 * std::numbers::inv_sqrtpi;
constexpr double kCubeCoeff = 0.044715;

struct GeluMatch {
    std::vector<const ir::Node*> nodes;
    ir::Value* x = nullptr;
    bool tanh = false;
};

// n = Mul(x, 0.5) in either order.
bool isHalfOf(const ir::Node* n, const ir::Value* x) {
    auto s = scalarOperand(n);
    return isOp(n, "Mul") && s && s->other == x && near(s->value, 0.5, 1e-6);
}

// From t = erf(..) or tanh(..): 1 + t, then the multiplication by 0.5 * x in one of its orders:
//   (x * (1 + t)) * 0.5,   (0.5 * x) * (1 + t),   x * ((1 + t) * 0.5).   "" on success.
std::string matchTail(const ir::Node* fn, GeluMatch& m) {
    std::string why;
    ir::Node* plus = nextOp(fn->output(0), "Add", why);
    if (!plus) return why;
    auto one = scalarOperand(plus);
    if (!one || !near(one->value, 1.0, 1e-6)) return fn->opType() + "(..) is not followed by + 1";
    m.nodes.push_back(plus);
    ir::Node* m1 = nextOp(plus->output(0), "Mul", why);
    if (!m1) return why;
    m.nodes.push_back(m1);
    ir::Value* other = otherInput(m1, plus->output(0));
    if (other == m.x) {  // (x * (1 + t)) * 0.5
        ir::Node* m2 = nextOp(m1->output(0), "Mul", why);
        if (!m2) return why;
        auto half = scalarOperand(m2);
        if (!half || !near(half->value, 0.5, 1e-6))
            return "x * (1 + " + fn->opType() + "(..)) is not multiplied by 0.5";
        m.nodes.push_back(m2);
        return {};
    }
    if (other && isHalfOf(other->producer(), m.x)) {  // (0.5 * x) * (1 + t)
        m.nodes.insert(m.nodes.end() - 1, other->producer());
        return {};
    }
    if (auto half = scalarOperand(m1); half && near(half->value, 0.5, 1e-6)) {  // x * ((1 + t) * 0.5)
        ir::Node* m2 = nextOp(m1->output(0), "Mul", why);
        if (!m2) return why;
        if (otherInput(m2, m1->output(0)) != m.x) return "0.5 * (1 + " + fn->opType() + "(..)) is not multiplied by x";
        m.nodes.push_back(m2);
        return {};
    }
    return "1 + " + fn->opType() + "(..) is not multiplied by 0.5 * x";
}

// x^3 as Pow(x, 3), x * (x * x) or (x * x) * x.
bool isCubeOf(const ir::Node* n, const ir::Value* x, std::vector<const ir::Node*>& nodes) {
    if (isOp(n, "Pow")) {
        if (n->input(0) != x || scalarOf(n->input(1)) != 3.0) return false;
        nodes.push_back(n);
        return true;
    }
    if (!isOp(n, "Mul")) return false;
    const ir::Value* sq = otherInput(n, x);
    const ir::Node* p = sq ? sq->producer() : nullptr;
    if (!isOp(p, "Mul") || p->input(0) != x || p->input(1) != x) return false;
    nodes.insert(nodes.end(), {p, n});
    return true;
}

// Erf anchor: erf(x / c) or erf(x * c); not a candidate (nullopt) unless the argument is x scaled
// by a constant.
std::optional<std::string> matchErf(const ir::Node* erf, GeluMatch& m) {
    const ir::Node* p = erf->input(0)->producer();
    auto s = scalarOperand(p);
    if (!s || !(isOp(p, "Mul") || (isOp(p, "Div") && !s->constantFirst))) return std::nullopt;
    m.x = s->other;
    m.nodes = {p, erf};
    const double factor = isOp(p, "Div") ? 1.0 / s->value : s->value;
    if (!near(factor, kInvSqrt2))
        return std::string("Erf's argument is x ") + (isOp(p, "Div") ? "/ " : "* ") + formatNumber(s->value) +
               ", not x / sqrt(2)";
    return matchTail(erf, m);
}

// Tanh anchor: tanh(c * inner); a candidate when c is a constant.
std::optional<std::string> matchTanh(const ir::Node* th, GeluMatch& m) {
    const ir::Node* p = th->input(0)->producer();
    auto s = scalarOperand(p);
    if (!s || !isOp(p, "Mul")) return std::nullopt;
    m.nodes = {p, th};
    if (!near(s->value, kSqrt2OverPi))
        return "Tanh's argument is scaled by " + formatNumber(s->value) + ", not sqrt(2/pi) = 0.797885";
    const ir::Node* add = s->other->producer();
    const std::string shapeWhy = "Tanh's argument is not sqrt(2/pi) * (x + 0.044715 * x^3)";
    if (!isOp(add, "Add")) return shapeWhy;
    for (int i = 0; i < 2 && !m.x; ++i) {
        ir::Value* x = add->input(i);
        const ir::Node* scaled = add->input(1 - i)->producer();
        auto c = scalarOperand(scaled);
        std::vector<const ir::Node*> cube;
        if (!isOp(scaled, "Mul") || !c || !isCubeOf(c->other->producer(), x, cube)) continue;
        if (!near(c->value, kCubeCoeff)) return "the cubic term is scaled by " + formatNumber(c->value) + ", not 0.044715";
        m.x = x;
        cube.insert(cube.end(), {scaled, add});
        m.nodes.insert(m.nodes.begin(), cube.begin(), cube.end());
    }
    if (!m.x) return shapeWhy;
    m.tanh = true;
    return matchTail(th, m);
}

class GeluPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-gelu"; }
    std::string description() const override { return "Recognizes GELU written with Erf or Tanh as one layer"; }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* n : nodeSnapshot(g)) {
            const bool erf = isOp(n, "Erf");
            if ((!erf && !isOp(n, "Tanh")) || sweeper.gone(n)) continue;
            GeluMatch m;
            std::optional<std::string> why = erf ? matchErf(n, m) : matchTanh(n, m);
            if (!why) continue;  // not a GELU candidate
            if (why->empty()) *why = whyIntermediatesEscape(m.nodes, m.nodes.back());
            if (why->empty() && !isFloatingPoint(m.x->dtype())) *why = "x is not a floating-point tensor";
            if (!why->empty()) {
                ctx.declined(m.nodes, *why);
                continue;
            }
            rewrite(g, ctx, m);
            sweeper.detach(m.nodes);
        }
        sweeper.sweep();
        return Status::ok();
    }

private:
    static void rewrite(ir::Graph& g, PassContext& ctx, const GeluMatch& m) {
        ir::Node* gelu = addFusedNode(g, m.nodes, "Gelu", kKilnDomain, {m.x}, {m.nodes.back()->output(0)});
        gelu->setAttr("approximate", ir::Attribute(std::string(m.tanh ? "tanh" : "none")));
        const std::string formula = m.tanh ? "y = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))"
                                           : "y = 0.5 * x * (1 + erf(x / sqrt(2)))";
        ctx.applied(opChain(m.nodes) + " => kiln.Gelu", m.nodes, gelu,
                    std::string("Recognized GELU (") + (m.tanh ? "tanh approximation" : "exact, erf") + "): " + formula +
                        ", " + std::to_string(m.nodes.size()) + " nodes -> 1 layer");
    }
};

}  // namespace

std::unique_ptr<Pass> makeGeluPatternPass() { return std::make_unique<GeluPatternPass>(); }

}  // namespace kiln::passes
