// concat-elimination: y = Concat(a_1, ..., a_n) => each producer writes a_i into its slice of y
//   y[.., o_i : o_i + d_i, ..] = a_i   with o_i = d_1 + ... + d_{i-1} along the concat axis.
// When each a_i is computed by a node for this Concat alone, that node can write straight into
// the slice: the Concat is marked kiln_inplace = 1 and the memory planner aliases a_i to it (the
// Concat kernel still computes the same numbers, so the graph stays runnable as is). When the
// dims before the axis are not all 1, each slice is a set of strided rows: the producer must
// write with y's row stride.
#include <unordered_set>

#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

// The marker the memory planner reads.
constexpr const char* kInplaceAttr = "kiln_inplace";
// Set by horizontal fusion on a Split whose outputs are views of its input.
constexpr const char* kViewAttr = "kiln_view";

// Why operand v cannot be written in place into the Concat's output, or "".
std::string whyNotInPlace(const ir::Value* v, const std::unordered_set<const ir::Value*>& repeated) {
    if (repeated.count(v)) return "'" + v->name() + "' is concatenated twice: one tensor cannot live in two slices";
    if (v->isGraphInput()) return "'" + v->name() + "' is a graph input: nothing computes it, so it must be copied";
    const ir::Node* p = v->producer();
    if (v->constant() || !p) return "'" + v->name() + "' is a constant: it must be copied";
    if (std::string why = whyNotFusable(v, p); !why.empty()) return why + ", so it needs its own buffer";
    if (p->attrInt(kViewAttr, 0) == 1)
        return "'" + v->name() + "' is a view into the output of " + p->opType() + " '" + p->name() + "'";
    return {};
}

// "4 KiB" / "512 bytes": the copy that disappears, when the shape is static.
std::string bytesOf(const ir::Value* y) {
    Expected<int64_t> n = y->shape().numel();
    if (!n) return "the copy of '" + y->name() + "'";
    const int64_t bytes = *n * int64_t(dataTypeSize(y->dtype()));
    const std::string size = bytes >= 4096 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " bytes";
    return "the copy of " + size;
}

// "one contiguous block" or "N strided rows" per slice: the dims in front of the axis.
std::string sliceLayout(const Shape& s, int axis) {
    int64_t rows = 1;
    for (int d = 0; d < axis; ++d) {
        if (!s[d].isKnown()) return "a set of strided rows (dims before the axis are dynamic)";
        rows *= s[d].value;
    }
    return rows == 1 ? "one contiguous block" : std::to_string(rows) + " strided rows";
}

class ConcatEliminationPass final : public Pass {
public:
    std::string name() const override { return "concat-elimination"; }
    std::string description() const override {
        return "Lets the producers of a Concat's inputs write straight into their slices of its output";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        for (const auto& np : g.nodes())
            if (isOp(np.get(), "Concat") && np->attrInt(kInplaceAttr, 0) != 1) consider(*np, ctx);
        return Status::ok();
    }

private:
    static void consider(ir::Node& concat, PassContext& ctx) {
        const ir::Value* y = concat.output(0);
        if (!y) return;
        if (y->isGraphOutput())
            return ctx.declined({&concat}, "Concat output '" + y->name() +
                                               "' is a graph output: the caller's buffer, which the planner does not lay out");
        const int rank = y->shape().rankKnown() ? y->shape().rank() : -1;
        const int64_t axisAttr = concat.attrInt("axis", 0);
        if (rank <= 0 || axisAttr < -rank || axisAttr >= rank)
            return ctx.declined({&concat}, "the rank of '" + y->name() + "' is unknown");
        const int axis = int(axisAttr < 0 ? axisAttr + rank : axisAttr);
        std::unordered_set<const ir::Value*> seen, repeated;
        for (const ir::Value* v : concat.inputs()) {
            if (!v) return ctx.declined({&concat}, "an input is omitted");
            if (!seen.insert(v).second) repeated.insert(v);
        }
        std::vector<const ir::Node*> matched{&concat};
        for (const ir::Value* v : concat.inputs()) {
            if (std::string why = whyNotInPlace(v, repeated); !why.empty()) {
                std::vector<const ir::Node*> nodes{&concat};
                if (v->producer()) nodes.push_back(v->producer());
                return ctx.declined(nodes, why);
            }
            matched.push_back(v->producer());
        }
        concat.setAttr(kInplaceAttr, int64_t(1));
        ctx.applied("Concat(a_1..a_n) => producers write into slices", matched, &concat,
                    "The " + std::to_string(concat.numInputs()) + " producers write into their slices of '" +
                        y->name() + "' (each slice is " + sliceLayout(y->shape(), axis) + " along axis " +
                        std::to_string(axis) + "); " + bytesOf(y) + " disappears.");
    }
};

}  // namespace

std::unique_ptr<Pass> makeConcatEliminationPass() { return std::make_unique<ConcatEliminationPass>(); }

}  // namespace kiln::passes
