// Symbolic shape rules of the compute layers: MatMul, Gemm, Conv, ConvTranspose, pooling,
// reductions, LayerNormalization, and the kiln layers built from them (FusedGemm, FusedConv,
// FusedConvTranspose, LayerNormalization, Attention).
#include <algorithm>

#include "passes/symbolic_shape_rules.h"

namespace kiln::passes::shape_rules {

namespace {

// numpy matmul: [..., M, K] x [..., K, N] -> [broadcast(...), M, N]; 1-D operands lose their axis.
std::optional<Outputs> matmul(Context& c) {
    Shape a = c.in(0), b = c.in(1);
    if (!a.rankKnown() || !b.rankKnown() || a.rank() == 0 || b.rank() == 0) return std::nullopt;
    const bool aVec = a.rank() == 1, bVec = b.rank() == 1;
    if (aVec) a = Shape({Dim(1), a[0]});
    if (bVec) b = Shape({b[0], Dim(1)});
    std::vector<Dim> ab(a.dims().begin(), a.dims().end() - 2), bb(b.dims().begin(), b.dims().end() - 2);
    auto batch = broadcast({Shape(ab), Shape(bb)}, c.dims);
    if (!batch) return std::nullopt;
    std::vector<Dim> out = batch->dims();
    if (!aVec) out.push_back(a[a.rank() - 2]);
    if (!bVec) out.push_back(b[b.rank() - 1]);
    return Outputs{Shape(out)};
}

// Gemm: [M, K] x [K, N] -> [M, N] with optional transposes.
std::optional<Outputs> gemm(Context& c) {
    const Shape &a = c.in(0), &b = c.in(1);
    if (!a.rankKnown() || !b.rankKnown() || a.rank() != 2 || b.rank() != 2) return std::nullopt;
    const bool ta = c.node.attrInt("transA", 0) != 0, tb = c.node.attrInt("transB", 0) != 0;
    return Outputs{Shape({ta ? a[1] : a[0], tb ? b[0] : b[1]})};
}

std::optional<Outputs> fusedGemm(Context& c) { return c.node.attrInt("matmul", 0) != 0 ? matmul(c) : gemm(c); }

// The spatial attributes of a Conv or pool, for `spatial` axes.
struct Window {
    std::vector<int64_t> kernel, strides, dilations, pads;
    std::string autoPad;
};

std::optional<Window> windowOf(const ir::Node& n, int spatial, std::vector<int64_t> kernel) {
    Window w;
    w.kernel = n.attrInts("kernel_shape", std::move(kernel));
    w.strides = n.attrInts("strides", std::vector<int64_t>(size_t(spatial), 1));
    w.dilations = n.attrInts("dilations", std::vector<int64_t>(size_t(spatial), 1));
    w.pads = n.attrInts("pads", std::vector<int64_t>(size_t(2 * spatial), 0));
    w.autoPad = n.attrString("auto_pad", "NOTSET");
    const auto s = size_t(spatial);
    if (w.kernel.size() != s || w.strides.size() != s || w.dilations.size() != s || w.pads.size() != 2 * s)
        return std::nullopt;
    for (size_t i = 0; i < s; ++i)
        if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1) return std::nullopt;
    return w;
}

// out = floor((in + pads - dilation * (k - 1) - 1) / stride) + 1 (ceil with ceil_mode); SAME:
// ceil(in / stride); VALID: no padding. A symbolic input keeps its dim only through a window that
// does not change it (k = 1, stride 1, no padding).
Dim windowDim(const Dim& in, const Window& w, size_t i, bool ceilMode) {
    const int64_t k = w.dilations[i] * (w.kernel[i] - 1) + 1, s = w.strides[i];
    const bool same = w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER";
    const int64_t pads = w.autoPad == "NOTSET" ? w.pads[i] + w.pads[i + w.kernel.size()] : 0;
    if (!in.isKnown()) return (k == 1 && s == 1 && pads == 0) || (same && s == 1) ? in : Dim::unknown();
    if (same) return Dim((in.value + s - 1) / s);
    const int64_t span = in.value + pads - k;
    if (span < 0) return Dim::unknown();
    return Dim((ceilMode ? (span + s - 1) / s : span / s) + 1);
}

// Conv: X [N, C, D...], W [M, C/group, k...] -> [N, M, O...]
std::optional<Outputs> conv(Context& c) {
    const Shape &x = c.in(0), &w = c.in(1);
    if (!x.rankKnown() || x.rank() < 3) return std::nullopt;
    const int spatial = x.rank() - 2;
    std::vector<int64_t> kernel;
    if (w.rankKnown() && w.rank() == x.rank())
        for (int i = 2; i < w.rank(); ++i) kernel.push_back(w[i].isKnown() ? w[i].value : -1);
    auto win = windowOf(c.node, spatial, kernel);
    std::vector<Dim> out{x[0], w.rankKnown() && w.rank() >= 1 ? w[0] : Dim::unknown()};
    for (int i = 0; i < spatial; ++i) out.push_back(win ? windowDim(x[i + 2], *win, size_t(i), false) : Dim::unknown());
    return Outputs{Shape(out)};
}

// ConvTranspose: out = stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pads, or
// output_shape when given; channels W[1] * group.
std::optional<Outputs> convTranspose(Context& c) {
    const Shape &x = c.in(0), &w = c.in(1);
    if (!x.rankKnown() || x.rank() < 3 || !w.rankKnown() || w.rank() != x.rank()) return std::nullopt;
    const int spatial = x.rank() - 2;
    std::vector<int64_t> kernel;
    for (int i = 2; i < w.rank(); ++i) kernel.push_back(w[i].isKnown() ? w[i].value : -1);
    auto win = windowOf(c.node, spatial, kernel);
    const auto outPad = c.node.attrInts("output_padding", std::vector<int64_t>(size_t(spatial), 0));
    const auto outShape = c.node.attrInts("output_shape");
    const int64_t group = c.node.attrInt("group", 1);
    std::vector<Dim> out{x[0], w[1].isKnown() ? Dim(w[1].value * group) : Dim::unknown()};
    for (int i = 0; i < spatial; ++i) {
        const auto si = size_t(i);
        if (outShape.size() == size_t(spatial)) {
            out.push_back(Dim(outShape[si]));
        } else if (win && win->autoPad == "NOTSET" && x[i + 2].isKnown() && outPad.size() == size_t(spatial)) {
            const int64_t v = win->strides[si] * (x[i + 2].value - 1) + outPad[si] +
                              win->dilations[si] * (win->kernel[si] - 1) + 1 - win->pads[si] - win->pads[si + size_t(spatial)];
            out.push_back(v >= 0 ? Dim(v) : Dim::unknown());
        } else {
            out.push_back(Dim::unknown());
        }
    }
    return Outputs{Shape(out)};
}

// MaxPool / AveragePool / LpPool: [N, C, O...] (MaxPool's indices likewise).
std::optional<Outputs> pool(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown() || x.rank() < 3) return std::nullopt;
    const int spatial = x.rank() - 2;
    auto win = windowOf(c.node, spatial, {});
    const bool ceilMode = c.node.attrInt("ceil_mode", 0) != 0;
    std::vector<Dim> out{x[0], x[1]};
    for (int i = 0; i < spatial; ++i) out.push_back(win ? windowDim(x[i + 2], *win, size_t(i), ceilMode) : Dim::unknown());
    return all(c, Shape(out));
}

std::optional<Outputs> globalPool(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown() || x.rank() < 2) return std::nullopt;
    std::vector<Dim> out{x[0], x[1]};
    out.resize(size_t(x.rank()), Dim(1));
    return Outputs{Shape(out)};
}

// Reduce*: the axes (attribute, or input 1 from opset 13 for ReduceSum and 18 for the others)
// become 1 (keepdims) or go; no axes reduce all of them unless noop_with_empty_axes.
std::optional<Outputs> reduce(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const int fromOpset = c.node.opType() == "ReduceSum" ? 13 : 18;
    const bool given = c.node.opsetVersion() >= fromOpset ? c.has(1) : c.node.hasAttr("axes");
    std::vector<bool> reduced(size_t(x.rank()), !given);
    if (given) {
        auto axes = c.intsOperand(1, fromOpset, "axes");
        if (!axes) return Outputs{c.node.attrInt("keepdims", 1) ? unknownDims(x.rank()) : Shape::unknownRank()};
        if (axes->empty() && c.node.attrInt("noop_with_empty_axes", 0)) return Outputs{x};
        if (axes->empty()) reduced.assign(reduced.size(), true);
        for (int64_t a : *axes) {
            const int ax = normAxis(a, x.rank());
            if (ax < 0) return std::nullopt;
            reduced[size_t(ax)] = true;
        }
    } else if (c.node.attrInt("noop_with_empty_axes", 0)) {
        return Outputs{x};
    }
    const bool keep = c.node.attrInt("keepdims", 1) != 0;
    std::vector<Dim> out;
    for (int i = 0; i < x.rank(); ++i)
        if (!reduced[size_t(i)]) out.push_back(x[i]);
        else if (keep) out.push_back(Dim(1));
    return Outputs{Shape(out)};
}

std::optional<Outputs> argReduce(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const int ax = normAxis(c.node.attrInt("axis", 0), x.rank());
    if (ax < 0) return std::nullopt;
    std::vector<Dim> out = x.dims();
    if (c.node.attrInt("keepdims", 1)) out[size_t(ax)] = Dim(1);
    else out.erase(out.begin() + ax);
    return Outputs{Shape(out)};
}

// LayerNormalization: Y like X; Mean and InvStdDev like X with the normalized axes 1.
std::optional<Outputs> layerNorm(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const int ax = normAxis(c.node.attrInt("axis", -1), x.rank());
    if (ax < 0) return std::nullopt;
    std::vector<Dim> stat = x.dims();
    std::fill(stat.begin() + ax, stat.end(), Dim(1));
    Outputs o(size_t(c.outputs()), Shape(stat));
    o[0] = x;
    return o;
}

// kiln.Attention: Q [B, Sq, H*D], K, V [B, Sk, H*Dv] -> [B, Sq, H*Dv] (trailing dims read as one).
std::optional<Outputs> attention(Context& c) {
    const Shape &q = c.in(0), &v = c.in(2);
    if (!q.rankKnown() || q.rank() < 2) return std::nullopt;
    Dim hidden = Dim::unknown();
    if (v.rankKnown() && v.rank() >= 2) hidden = c.dims.product({v.dims().begin() + 2, v.dims().end()});
    return Outputs{Shape({q[0], q[1], hidden})};
}

}  // namespace

void addLayerRules(RuleTable& t) {
    t["MatMul"] = matmul;
    t["MatMulInteger"] = matmul;
    t["Gemm"] = gemm;
    t["kiln.FusedGemm"] = fusedGemm;
    t["Conv"] = conv;
    t["kiln.FusedConv"] = conv;
    t["ConvTranspose"] = convTranspose;
    t["kiln.FusedConvTranspose"] = convTranspose;
    for (const char* op : {"MaxPool", "AveragePool", "LpPool"}) t[op] = pool;
    for (const char* op : {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}) t[op] = globalPool;
    for (const char* op : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"})
        t[op] = reduce;
    t["ArgMax"] = argReduce;
    t["ArgMin"] = argReduce;
    t["LayerNormalization"] = layerNorm;
    t["kiln.LayerNormalization"] = layerNorm;
    t["kiln.Attention"] = attention;
}

}  // namespace kiln::passes::shape_rules
