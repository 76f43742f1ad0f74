// fold-batchnorm: a per-output-channel affine op after a layer is folded into the layer's
// weights and bias, so the layer keeps its ONNX op type and the affine op disappears.
//   Conv(x) -> BatchNormalization => Conv'(x)
//   w' = w * gamma / sqrt(var + eps); b' = (b - mean) * gamma / sqrt(var + eps) + beta
// Every case is y = x * scale[c] + shift[c] per output channel c, folded as
//   w'[c] = w[c] * scale[c]; b'[c] = b[c] * scale[c] + shift[c]
// BatchNormalization (inference form): scale = gamma / sqrt(var + eps), shift = beta - mean * scale
//   after Conv, ConvTranspose (W is [C_in, C_out / group, k...]), Gemm (per column of B'; C'
//   absorbs beta * C) and a 2-D MatMul (which becomes Gemm(a, B', b')). BN's channel axis is 1:
//   the GEMM's N only for a 2-D [M, N] output.
// Conv -> Mul(s): scale = s, shift = 0.   Conv -> Add(c): scale = 1, shift = c.
//   s and c constants broadcast per output channel ([C, 1, 1], [1, C, 1, 1], a scalar, ...).
#include <cmath>
#include <string>
#include <vector>

#include "passes/fusion_utils.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

using fusion::valuesOf;

enum class Kind { Conv, ConvTranspose, Gemm, MatMul };

std::optional<Kind> kindOf(const ir::Node* n) {
    if (isOp(n, "Conv")) return Kind::Conv;
    if (isOp(n, "ConvTranspose")) return Kind::ConvTranspose;
    if (isOp(n, "Gemm")) return Kind::Gemm;
    if (isOp(n, "MatMul")) return Kind::MatMul;
    return std::nullopt;
}

// y = x * scale[c] + shift[c] per output channel c.
struct Affine {
    std::vector<double> scale, shift;
};

// Why BN is not in the inference form that can be folded, or "".
std::string bnFormProblem(const ir::Node& bn) {
    for (int i = 1; i < bn.numOutputs(); ++i)
        if (bn.output(i)) return "BatchNormalization has training outputs (running or saved mean / variance)";
    if (bn.attrInt("training_mode", 0) != 0) return "BatchNormalization is in training mode";
    if (bn.opsetVersion() < 9 && bn.attrInt("spatial", 1) == 0)
        return "BatchNormalization has spatial = 0 (statistics per element, not per channel)";
    return {};
}

// scale = gamma / sqrt(var + eps), shift = beta - mean * scale; or why the parameters don't fit.
std::string bnAffine(const ir::Node& bn, int64_t channels, Affine& a) {
    static constexpr const char* kParam[] = {"scale", "B", "mean", "var"};
    std::vector<double> p[4];
    for (int i = 0; i < 4; ++i) {
        const HostTensor* t = constantOf(bn.input(i + 1));
        if (!t) return std::string("BatchNormalization ") + kParam[i] + " is not constant";
        if (t->numel() != channels)
            return std::string("BatchNormalization ") + kParam[i] + " has " + std::to_string(t->numel()) +
                   " elements but the layer has " + std::to_string(channels) + " output channels";
        p[i] = valuesOf(*t);
    }
    const double eps = bn.attrFloat("epsilon", 1e-5f);
    a.scale.resize(size_t(channels));
    a.shift.resize(size_t(channels));
    for (size_t c = 0; c < size_t(channels); ++c) {
        a.scale[c] = p[0][c] / std::sqrt(p[3][c] + eps);
        a.shift[c] = p[1][c] - p[2][c] * a.scale[c];
    }
    return {};
}

// Output channels of the layer, or why its weights cannot absorb a per-channel map.
std::string weightsProblem(const ir::Node& layer, Kind k, int64_t& channels) {
    const HostTensor* w = constantOf(layer.input(1));
    const std::string who = layer.opType();
    if (!w) return who + " weights are not constant";
    if (!fusion::isFloatType(w->dtype())) return who + " weights are not of a float type";
    if (layer.input(2) && !constantOf(layer.input(2))) return who + " bias is not constant";
    switch (k) {
    case Kind::Conv: channels = w->dim(0); return {};
    case Kind::ConvTranspose: channels = w->dim(1) * layer.attrInt("group", 1); return {};
    case Kind::Gemm:
        channels = layer.attrInt("transB", 0) != 0 ? w->dim(0) : w->dim(1);
        if (layer.input(2) && !fusion::perChannelValues(layer.input(2), 2, 1, channels))
            return "Gemm's C of shape " + layer.input(2)->shape().toString() + " is not a per-column bias";
        return {};
    case Kind::MatMul: {
        const Shape& a = layer.input(0)->shape();
        if (w->rank() != 2 || !a.rankKnown() || a.rank() != 2)
            return "BatchNormalization normalizes axis 1 of the MatMul output, which is its N dimension only for "
                   "2-D inputs and weights";
        if (layer.opsetVersion() < 7) return "Gemm cannot broadcast a bias before opset 7";
        channels = w->dim(1);
        return {};
    }
    }
    return {};
}

// out[block b] = w[block b] * scale[channelOf(b)] over consecutive blocks of blockSize elements.
template <typename F>
HostTensor scaledBlocks(const HostTensor& w, int64_t blockSize, const std::vector<double>& scale, F channelOf) {
    HostTensor out(w.dtype(), w.dims());
    (void)dispatchType(FloatTypes{}, w.dtype(), [&]<typename T>() -> Status {
        using A = AccType<T>;
        const T* src = w.data<T>();
        T* dst = out.data<T>();
        for (int64_t b = 0; b * blockSize < w.numel(); ++b) {
            const A s = A(scale[size_t(channelOf(b))]);
            for (int64_t i = b * blockSize; i < (b + 1) * blockSize; ++i) dst[i] = T(A(src[i]) * s);
        }
        return Status::ok();
    });
    return out;
}

// w' = w * scale along the layer's output channels.
HostTensor scaledWeights(const ir::Node& layer, Kind k, const std::vector<double>& scale) {
    const HostTensor& w = *constantOf(layer.input(1));
    const int64_t channels = int64_t(scale.size());
    switch (k) {
    case Kind::Conv:  // [M, C/group, k...]
        return scaledBlocks(w, w.numel() / w.dim(0), scale, [](int64_t b) { return b; });
    case Kind::ConvTranspose: {  // [C_in, M/group, k...]: block (c, m) is output channel (c / Cg) * Mg + m
        const int64_t mg = w.dim(1), cg = w.dim(0) / layer.attrInt("group", 1);
        return scaledBlocks(w, w.numel() / (w.dim(0) * mg), scale,
                            [=](int64_t b) { return (b / mg / cg) * mg + b % mg; });
    }
    case Kind::Gemm:
    case Kind::MatMul:
        if (k == Kind::Gemm && layer.attrInt("transB", 0) != 0)  // [N, K]: one row per channel
            return scaledBlocks(w, w.dim(1), scale, [](int64_t b) { return b; });
        return scaledBlocks(w, 1, scale, [=](int64_t b) { return b % channels; });  // [K, N]
    }
    return w;
}

// The layer's bias per output channel (0 when absent); Gemm's is beta * C.
std::vector<double> biasOf(const ir::Node& layer, Kind k, int64_t channels) {
    std::vector<double> b(size_t(channels), 0.0);
    if (k == Kind::MatMul || !layer.input(2)) return b;
    if (k == Kind::Gemm) {
        const double beta = layer.attrFloat("beta", 1.0f);
        b = *fusion::perChannelValues(layer.input(2), 2, 1, channels);
        for (double& v : b) v *= beta;
        return b;
    }
    return valuesOf(*constantOf(layer.input(2)));
}

const char* ruleOf(Kind k) {
    switch (k) {
    case Kind::Conv: return "Conv(x) -> BatchNormalization => Conv'(x)";
    case Kind::ConvTranspose: return "ConvTranspose(x) -> BatchNormalization => ConvTranspose'(x)";
    case Kind::Gemm: return "Gemm(a) -> BatchNormalization => Gemm'(a)";
    case Kind::MatMul: return "MatMul(a, B) -> BatchNormalization => Gemm(a, B', b')";
    }
    return "";
}

class FoldBatchNormPass final : public Pass {
public:
    std::string name() const override { return "fold-batchnorm"; }
    std::string description() const override {
        return "folds BatchNormalization (and per-channel Mul/Add after a Conv) into the weights of the layer before it";
    }

    Status run(ir::Graph& g, PassContext& ctx) override {
        NodeSweeper sweeper(g);
        for (ir::Node* n : nodeSnapshot(g)) {
            if (sweeper.gone(n)) continue;
            if (isOp(n, "BatchNormalization")) tryBatchNorm(g, ctx, sweeper, n);
            else if (isOp(n, "Mul") || isOp(n, "Add")) tryMulAdd(g, ctx, sweeper, n);
        }
        sweeper.sweep();
        return Status::ok();
    }

private:
    static void tryBatchNorm(ir::Graph& g, PassContext& ctx, NodeSweeper& sweeper, ir::Node* bn) {
        ir::Node* layer = bn->input(0) ? bn->input(0)->producer() : nullptr;
        const std::optional<Kind> kind = kindOf(layer);
        if (!kind) return;
        std::string why = bnFormProblem(*bn);
        if (why.empty()) why = whyNotFusable(layer->output(0), layer);
        int64_t channels = 0;
        if (why.empty()) why = weightsProblem(*layer, *kind, channels);
        Affine a;
        if (why.empty()) why = bnAffine(*bn, channels, a);
        if (!why.empty()) return ctx.declined({layer, bn}, why);
        ir::Node* folded = fold(g, sweeper, layer, *kind, bn, a);
        ctx.applied(ruleOf(*kind), {layer, bn}, folded,
                    "BatchNormalization folded into the " + layer->opType() +
                        "'s weights and bias: w' = w * gamma / sqrt(var + eps); b' = (b - mean) * gamma / "
                        "sqrt(var + eps) + beta.");
    }

    // Conv(x) -> Mul(s) => Conv'(x): w' = w * s; b' = b * s.   Conv(x) -> Add(c) => Conv'(x): b' = b + c.
    static void tryMulAdd(ir::Graph& g, PassContext& ctx, NodeSweeper& sweeper, ir::Node* op) {
        if (op->numInputs() != 2) return;
        const int ci = constantOf(op->input(1)) ? 1 : 0;
        ir::Value* c = op->input(ci);
        ir::Node* conv = producerOfType(op->input(1 - ci), "Conv");
        if (!conv || !constantOf(c)) return;
        const bool mul = op->opType() == "Mul";
        std::string why = whyNotFusable(conv->output(0), conv);
        int64_t channels = 0;
        if (why.empty()) why = weightsProblem(*conv, Kind::Conv, channels);
        std::optional<std::vector<double>> v;
        if (why.empty()) {
            v = fusion::perChannelValues(c, constantOf(conv->input(1))->rank(), 1, channels);
            if (!v) why = "the " + op->opType() + " constant of shape " + c->shape().toString() +
                          " does not broadcast per output channel of the Conv";
        }
        if (why.empty() && c->dtype() != conv->input(1)->dtype()) why = "the constant's type differs from the weights'";
        if (!why.empty()) return ctx.declined({conv, op}, why);
        Affine a{std::vector<double>(size_t(channels), 1.0), std::vector<double>(size_t(channels), 0.0)};
        (mul ? a.scale : a.shift) = *v;
        ir::Node* folded = fold(g, sweeper, conv, Kind::Conv, op, a);
        if (mul)
            ctx.applied("Conv(x) -> Mul(s) => Conv'(x)", {conv, op}, folded,
                        "The per-channel Mul is folded into the Conv's weights and bias: w' = w * s; b' = b * s.");
        else
            ctx.applied("Conv(x) -> Add(c) => Conv'(x)", {conv, op}, folded,
                        "The per-channel Add is folded into the Conv's bias: b' = b + c.");
    }

    // Replaces layer -> affine with one node of the layer's type (Gemm for a MatMul) computing
    // w' = w * scale, b' = b * scale + shift; it takes over the affine node's output.
    static ir::Node* fold(ir::Graph& g, NodeSweeper& sweeper, ir::Node* layer, Kind k, ir::Node* affine,
                          const Affine& a) {
        const HostTensor& w = *constantOf(layer->input(1));
        std::vector<double> b = biasOf(*layer, k, int64_t(a.scale.size()));
        for (size_t c = 0; c < b.size(); ++c) b[c] = b[c] * a.scale[c] + a.shift[c];
        ir::Value* x = layer->input(0);
        ir::Value* wv = g.addConstant(layer->input(1)->name() + "_folded", scaledWeights(*layer, k, a.scale));
        ir::Value* bv = g.addConstant(layer->name() + "_bias_folded", fusion::vectorOf(w.dtype(), b));
        ir::Value* y = affine->output(0);
        sweeper.detach(std::vector<ir::Node*>{layer, affine});  // names, attributes and origins stay until the sweep
        const std::string op = k == Kind::MatMul ? "Gemm" : layer->opType();
        ir::Node* n = addFusedNode(g, {layer, affine}, op, "", {x, wv, bv}, {y});
        if (k != Kind::MatMul) fusion::copyAttributes(*layer, *n);
        if (k == Kind::Gemm) n->setAttr("beta", ir::Attribute(1.0f));
        return n;
    }
};

}  // namespace

std::unique_ptr<Pass> makeFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

}  // namespace kiln::passes
