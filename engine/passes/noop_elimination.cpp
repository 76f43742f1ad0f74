// noop-elimination: removes layers that pass their input through unchanged; readers read x.
//   Identity(x) => x                      Dropout(x) => x at inference, mask unused
//   Reshape/Flatten/Squeeze/Unsqueeze/Expand/Tile(x) => x   when the output shape is x's
//   Cast(x, to=T) => x when x is T        Pad(x, pads=0) => x
//   Mul(x, 1), Div(x, 1), Add(x, 0), Sub(x, 0) => x   when broadcasting changes neither shape nor type
//   Concat(x) => x, Split(x) into one output => x, Slice(x) covering every element => x
//   Transpose(x, identity) => x
//   Transpose(Transpose(x, p1), p2) => Transpose(x, q), q[i] = p1[p2[i]]  (=> x when q is the identity)
//   Unsqueeze(Unsqueeze(x)), Reshape(Reshape(x)), ... => Reshape(x, c)   the second output's dims,
//       read against x's, as a constant target: numbers, 0 for x's dim at the same position, one -1
#include <algorithm>
#include <climits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "passes/passes.h"
#include "passes/pattern_utils.h"
#include "passes/shape_arithmetic.h"

namespace kiln::passes {

namespace {

// A rule's verdict on one node: not a no-op (keep null, declined empty), a no-op whose output
// `keep` can replace, or a real candidate that must stay (declined says why).
struct Verdict {
    ir::Value* keep = nullptr;
    std::string rule;         // "Mul(x, 1) => x"
    std::string explanation;  // one sentence
    std::string declined;
};

Verdict noop(ir::Value* x, std::string rule, std::string explanation) { return {x, std::move(rule), std::move(explanation), {}}; }
Verdict decline(std::string reason) { return {nullptr, {}, {}, std::move(reason)}; }

std::optional<std::vector<int64_t>> constInts(const ir::Value* v) {
    const HostTensor* t = constantOf(v);
    if (!t || v->isGraphInput()) return std::nullopt;
    auto ints = t->toInt64Vector();
    return ints ? std::optional(*ints) : std::nullopt;
}

std::string intsText(const std::vector<int64_t>& v) { return dimsToString(v); }

Verdict identity(const ir::Node& n) { return noop(n.input(0), "Identity(x) => x", "Identity copies its input."); }

Verdict dropout(const ir::Node& n) {
    if (n.opsetVersion() >= 12 && n.input(2)) {
        auto training = constInts(n.input(2));
        if (!training) return decline("Dropout's training_mode is computed at run time");
        if (!training->empty() && (*training)[0] != 0) return decline("Dropout runs in training mode");
    }
    if (n.opsetVersion() < 7 && n.attrInt("is_test", 0) == 0) return decline("Dropout runs in training mode (is_test = 0)");
    const ir::Value* mask = n.output(1);
    if (mask && (mask->isGraphOutput() || !mask->consumers().empty())) return decline("Dropout's mask output is used");
    return noop(n.input(0), "Dropout(x) => x", "At inference Dropout passes its input through unchanged.");
}

// Reshape, Flatten, Squeeze, Unsqueeze, Expand, Tile.
Verdict unchangedShape(const ir::Node& n) {
    ir::Value* x = n.input(0);
    if (!x || !passes::sameShape(x->shape(), n.output(0)->shape())) return {};
    return noop(x, n.opType() + "(x) => x when the shape is unchanged",
                "x already has the output shape " + x->shape().toString() + ".");
}

Verdict cast(const ir::Node& n) {
    ir::Value* x = n.input(0);
    if (!x || x->dtype() == DataType::Undefined || x->dtype() != n.output(0)->dtype()) return {};
    return noop(x, "Cast(x, to=T) => x when x is T", "x already is " + std::string(dataTypeName(x->dtype())) + ".");
}

Verdict pad(const ir::Node& n) {
    std::optional<std::vector<int64_t>> pads;
    if (n.opsetVersion() >= 11) pads = constInts(n.input(1));
    else pads = n.attrInts(n.opsetVersion() >= 2 ? "pads" : "paddings");
    if (!pads || pads->empty() || std::any_of(pads->begin(), pads->end(), [](int64_t p) { return p != 0; })) return {};
    return noop(n.input(0), "Pad(x, pads=0) => x", "Every pad is 0, so the output is x.");
}

// Mul(x, 1), Div(x, 1), Add(x, 0), Sub(x, 0): the constant may be either operand of Mul / Add.
Verdict neutralOperand(const ir::Node& n) {
    const std::string& op = n.opType();
    const double neutral = (op == "Mul" || op == "Div") ? 1.0 : 0.0;
    const bool commutes = op == "Mul" || op == "Add";
    for (int c : {1, 0}) {
        if (c == 0 && !commutes) break;
        ir::Value* x = n.input(1 - c);
        auto value = uniformConstant(n.input(c));
        if (!x || !value || *value != neutral || n.input(c)->isGraphInput()) continue;
        const ir::Value* y = n.output(0);
        const std::string k = neutral == 1.0 ? "1" : "0";
        if (!passes::sameShape(x->shape(), y->shape()) || x->dtype() != y->dtype())
            return decline(op + " by " + k + " broadcasts x " + x->shape().toString() + " " + dataTypeName(x->dtype()) +
                           " to " + y->shape().toString() + " " + dataTypeName(y->dtype()) +
                           ": removing it would change the output");
        const std::string form = c == 1 ? op + "(x, " + k + ")" : op + "(" + k + ", x)";
        return noop(x, form + " => x", "The other operand is " + k + " everywhere, so the output is x.");
    }
    return {};
}

Verdict concat(const ir::Node& n) {
    if (n.numInputs() != 1) return {};
    return noop(n.input(0), "Concat(x) => x", "Concat of a single input is that input.");
}

Verdict split(const ir::Node& n) {
    if (n.numOutputs() != 1) return {};
    return noop(n.input(0), "Split(x) => x", "Split into one output is its input.");
}

// True when [start, end) with step 1 clamps to [0, dim) of a dim that may be unknown.
bool coversAxis(int64_t start, int64_t end, const Dim& dim) {
    const bool fromStart = start == 0 || (dim.isKnown() && start <= -dim.value);
    const bool toEnd = end >= INT_MAX || (dim.isKnown() && end >= dim.value);
    return fromStart && toEnd;
}

Verdict slice(const ir::Node& n) {
    ir::Value* x = n.input(0);
    if (!x || !x->shape().rankKnown()) return {};
    const bool inputs = n.opsetVersion() >= 10;
    auto starts = inputs ? constInts(n.input(1)) : std::optional(n.attrInts("starts"));
    auto ends = inputs ? constInts(n.input(2)) : std::optional(n.attrInts("ends"));
    std::optional<std::vector<int64_t>> axes, steps;
    if (inputs ? n.input(3) != nullptr : n.hasAttr("axes")) axes = inputs ? constInts(n.input(3)) : n.attrInts("axes");
    else if (starts) axes = [&] { std::vector<int64_t> a(starts->size()); std::iota(a.begin(), a.end(), 0); return a; }();
    if (inputs && n.input(4)) steps = constInts(n.input(4));
    else if (starts) steps = std::vector<int64_t>(starts->size(), 1);
    if (!starts || !ends || !axes || !steps || ends->size() != starts->size() || axes->size() != starts->size() ||
        steps->size() != starts->size())
        return {};
    const int rank = x->shape().rank();
    for (size_t i = 0; i < starts->size(); ++i) {
        const int64_t a = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
        if (a < 0 || a >= rank || (*steps)[i] != 1 || !coversAxis((*starts)[i], (*ends)[i], x->shape()[int(a)])) return {};
    }
    return noop(x, "Slice(x) over the whole tensor => x", "Every sliced axis runs from 0 to its end with step 1.");
}

using Rule = Verdict (*)(const ir::Node&);
const std::unordered_map<std::string, Rule>& rules() {
    static const std::unordered_map<std::string, Rule> table{
        {"Identity", identity},       {"Dropout", dropout},         {"Cast", cast},
        {"Reshape", unchangedShape},  {"Flatten", unchangedShape},  {"Squeeze", unchangedShape},
        {"Unsqueeze", unchangedShape}, {"Expand", unchangedShape},  {"Tile", unchangedShape},
        {"Mul", neutralOperand},      {"Div", neutralOperand},      {"Add", neutralOperand},
        {"Sub", neutralOperand},      {"Pad", pad},                 {"Concat", concat},
        {"Split", split},             {"Slice", slice}};
    return table;
}

// The permutation of a Transpose (absent: reversed dims), or nullopt when its rank is unknown.
std::optional<std::vector<int64_t>> permOf(const ir::Node& t) {
    if (t.hasAttr("perm")) return t.attrInts("perm");
    const ir::Value* x = t.input(0);
    if (!x || !x->shape().rankKnown()) return std::nullopt;
    std::vector<int64_t> p(size_t(x->shape().rank()));
    for (size_t i = 0; i < p.size(); ++i) p[i] = int64_t(p.size() - 1 - i);
    return p;
}

bool isIdentityPerm(const std::vector<int64_t>& p) {
    for (size_t i = 0; i < p.size(); ++i)
        if (p[i] != int64_t(i)) return false;
    return true;
}

class NoOpEliminationPass final : public Pass {
public:
    std::string name() const override { return "noop-elimination"; }
    std::string description() const override { return "removes layers that pass their input through unchanged"; }

    Status run(ir::Graph& g, PassContext& ctx) override {
        std::unordered_set<const ir::Node*> removed;
        std::vector<ir::Node*> nodes;
        for (auto& n : g.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            if (removed.count(n) || !n->domain().empty() || !n->output(0)) continue;
            if (n->opType() == "Transpose") {
                KILN_RETURN_IF_ERROR(transpose(g, ctx, *n, removed));
                continue;
            }
            auto it = rules().find(n->opType());
            Verdict v = it == rules().end() ? Verdict{} : it->second(*n);
            if (!v.declined.empty()) ctx.declined({n}, v.declined);
            else if (v.keep) KILN_RETURN_IF_ERROR(remove(g, ctx, *n, v, removed));
            else if (isReshapeLike(n)) composeReshapes(g, ctx, *n, removed);
        }
        g.removeNodes(removed);
        return Status::ok();
    }

private:
    // Readers of n's output read v.keep instead; n is detached now and deleted at the end.
    static Status remove(ir::Graph& g, PassContext& ctx, ir::Node& n, const Verdict& v,
                         std::unordered_set<const ir::Node*>& removed) {
        for (int i = 1; i < n.numOutputs(); ++i) {
            const ir::Value* o = n.output(i);
            if (o && (o->isGraphOutput() || !o->consumers().empty())) {
                ctx.declined({&n}, n.opType() + " output " + std::to_string(i) + " '" + o->name() + "' is used");
                return Status::ok();
            }
        }
        ir::Value* out = n.output(0);
        if (!g.canReplaceAllUses(out, v.keep)) {
            const char* what = v.keep->isGraphInput() ? "a graph input" : v.keep->constant() ? "a constant" : "another graph output";
            ctx.declined({&n}, n.opType() + " output is a graph output and its input " + what);
            return Status::ok();
        }
        ctx.applied(v.rule, {&n}, nullptr, v.explanation);
        KILN_RETURN_IF_ERROR(g.replaceAllUses(out, v.keep));
        detach(g, n, removed);
        return Status::ok();
    }

    // Reshape-like nodes only move dims around: y = r2(r1(x)) is Reshape(x, c) for the c that
    // writes y's dims relative to x's. Returns true when it rewrote n.
    static bool composeReshapes(ir::Graph& g, PassContext& ctx, ir::Node& n, std::unordered_set<const ir::Node*>& removed) {
        ir::Node* first = n.input(0) ? n.input(0)->producer() : nullptr;
        if (!isReshapeLike(first) || removed.count(first) || !soleConsumer(first->output(0)) || g.opsetFor("") < 5) return false;
        ir::Value* x = first->input(0);
        ir::Value* y = n.output(0);
        if (!x || !x->shape().rankKnown() || !y->shape().rankKnown()) return false;
        if (passes::sameShape(x->shape(), y->shape()) && g.canReplaceAllUses(y, x)) {
            ctx.applied(n.opType() + "(" + first->opType() + "(x)) => x", {first, &n}, nullptr,
                        "The two give x's own shape " + x->shape().toString() + " back.");
            if (!g.replaceAllUses(y, x).isOk()) return false;
            detach(g, n, removed);
            detach(g, *first, removed);
            return true;
        }
        ShapeValue dims;
        for (const Dim& d : y->shape().dims()) {
            if ((d.isKnown() && d.value == 0) || (!d.isKnown() && !d.isSymbolic())) return false;  // 0 would copy
            dims.elems.push_back(ShapeElem::of(d));
        }
        auto target = copyDimTarget(dims, x->shape());
        if (!target) return false;
        ir::Value* c = g.addConstant(n.name() + "_shape", HostTensor::fromVector<int64_t>({int64_t(target->size())}, *target));
        detach(g, n, removed);
        g.setOutput(&n, 0, nullptr);
        detach(g, *first, removed);
        ir::Node* r = addFusedNode(g, {first, &n}, "Reshape", "", {x, c}, {y});
        r->setOpsetVersion(std::max(n.opsetVersion(), 5));
        ctx.applied(n.opType() + "(" + first->opType() + "(x)) => Reshape(x, c)", {first, &n}, r,
                    "Both only rearrange dims: " + x->shape().toString() + " -> " + y->shape().toString() +
                        " is one Reshape to " + intsText(*target) + targetLegend(*target) + ".");
        return true;
    }

    // " (0 copies x's dim at the same position, -1 is inferred)" for the entries a target has.
    static std::string targetLegend(const std::vector<int64_t>& t) {
        std::string s;
        if (std::count(t.begin(), t.end(), 0)) s += "0 copies x's dim at the same position";
        if (std::count(t.begin(), t.end(), -1)) s += (s.empty() ? "" : ", ") + std::string("-1 is inferred from the element count");
        return s.empty() ? s : " (" + s + ")";
    }

    static bool isReshapeLike(const ir::Node* n) {
        return n && n->domain().empty() && n->numOutputs() == 1 &&
               (n->opType() == "Reshape" || n->opType() == "Unsqueeze" || n->opType() == "Squeeze" || n->opType() == "Flatten");
    }

    static void detach(ir::Graph& g, ir::Node& n, std::unordered_set<const ir::Node*>& removed) {
        for (int i = 0; i < n.numInputs(); ++i) g.replaceInput(&n, i, nullptr);
        removed.insert(&n);
    }

    // Transpose(x, identity) => x; Transpose(Transpose(x, p1), p2) => Transpose(x, q), q[i] = p1[p2[i]]
    static Status transpose(ir::Graph& g, PassContext& ctx, ir::Node& t2, std::unordered_set<const ir::Node*>& removed) {
        auto p2 = permOf(t2);
        if (!p2) return Status::ok();
        if (isIdentityPerm(*p2))
            return remove(g, ctx, t2, noop(t2.input(0), "Transpose(x, identity) => x", "The permutation " + intsText(*p2) + " keeps every axis in place."), removed);
        ir::Node* t1 = producerOfType(t2.input(0), "Transpose");
        auto p1 = t1 ? permOf(*t1) : std::nullopt;
        if (!p1 || p1->size() != p2->size()) return Status::ok();
        std::vector<int64_t> q(p2->size());
        for (size_t i = 0; i < q.size(); ++i) q[i] = (*p1)[size_t((*p2)[i])];
        const std::string math = "q[i] = p1[p2[i]] with p1 = " + intsText(*p1) + ", p2 = " + intsText(*p2);
        if (isIdentityPerm(q)) {
            KILN_RETURN_IF_ERROR(remove(g, ctx, t2, noop(t1->input(0), "Transpose(Transpose(x)) => x", math + " is the identity."), removed));
        } else {
            ctx.applied("Transpose(Transpose(x, p1), p2) => Transpose(x, q)", {t1, &t2}, &t2, math + " gives q = " + intsText(q) + ".");
            t2.setOrigins(mergedOrigins({t1, &t2}));
            g.replaceInput(&t2, 0, t1->input(0));
            t2.setAttr("perm", ir::Attribute(q));
        }
        const ir::Value* mid = t1->output(0);
        if (!removed.count(t1) && mid->consumers().empty() && !mid->isGraphOutput()) detach(g, *t1, removed);
        return Status::ok();
    }
};

}  // namespace

std::unique_ptr<Pass> makeNoOpEliminationPass() { return std::make_unique<NoOpEliminationPass>(); }

}  // namespace kiln::passes
