#include "inspector/flops.h"

#include <set>
#include <string>

#include "graph/node_category.h"

namespace kiln::views {

namespace {

// Element count with symbolic and unknown dims as 1; empty for an unknown rank.
std::optional<double> elements(const ir::Value* v) {
    if (!v || !v->shape().rankKnown()) return std::nullopt;
    double n = 1;
    for (const Dim& d : v->shape().dims()) n *= d.isKnown() ? double(d.value) : 1.0;
    return n;
}

double dimOr1(const ir::Value* v, int axis) {
    const Shape& s = v->shape();
    if (!s.rankKnown() || s.rank() == 0) return 1;
    const int a = axis < 0 ? axis + s.rank() : axis;
    if (a < 0 || a >= s.rank() || !s[a].isKnown()) return 1;
    return double(s[a].value);
}

// Operations per output element of the cheap ops.
double perElement(const std::string& op, NodeCategory category) {
    static const std::set<std::string> heavy = {"Softmax", "LogSoftmax", "LayerNormalization", "BatchNormalization",
                                                "InstanceNormalization", "GroupNormalization", "Gelu", "Erf"};
    if (heavy.count(op)) return 5;
    switch (category) {
    case NodeCategory::Activation:
    case NodeCategory::Math:
    case NodeCategory::Normalization:
    case NodeCategory::Attention:
    case NodeCategory::Quantization:
        return 1;
    default:
        return 0;
    }
}

}  // namespace

std::optional<double> estimateFlops(const ir::Node& node) {
    const std::string& op = node.opType();
    const ir::Value* out = node.output(0);
    const std::optional<double> outN = elements(out);
    if (op == "Conv" || op == "FusedConv") {
        // out [N, K, ...] * (C/group * kh * kw) multiply-adds = out * numel(W) / K.
        const ir::Value* w = node.input(1);
        const std::optional<double> wN = elements(w);
        if (!outN || !wN) return std::nullopt;
        return 2 * *outN * *wN / dimOr1(w, 0);
    }
    if (op == "ConvTranspose" || op == "FusedConvTranspose") {
        // in [N, C, ...] * (K/group * kh * kw): W is [C, K/group, kh, kw].
        const ir::Value* w = node.input(1);
        const std::optional<double> inN = elements(node.input(0)), wN = elements(w);
        if (!inN || !wN) return std::nullopt;
        return 2 * *inN * *wN / dimOr1(w, 0);
    }
    if (op == "MatMul" || op == "Gemm" || op == "FusedGemm") {
        // out [.., M, N] * K, with K A's last dim (its first for Gemm with transA).
        const ir::Value* a = node.input(0);
        if (!outN || !a || !a->shape().rankKnown()) return std::nullopt;
        const bool transA = op != "MatMul" && node.attrInt("transA", 0) != 0;
        return 2 * *outN * dimOr1(a, transA ? 0 : -1);
    }
    const NodeCategory category = categoryOf(op, node.domain());
    // Pooling and reductions read more than they write: count the input.
    if (category == NodeCategory::Pooling || op.rfind("Reduce", 0) == 0) return elements(node.input(0));
    const double per = perElement(op, category);
    if (per == 0) return 0.0;
    if (!outN) return std::nullopt;
    return per * *outN;
}

}  // namespace kiln::views
