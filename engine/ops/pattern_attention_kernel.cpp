// kiln.Attention: multi-head scaled dot-product attention on [B, S, hidden] tensors, the layer
// recognize-attention makes from the exported MatMul / Softmax / Reshape / Transpose chain.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/common.h"
#include "ops/gemm_kernel.h"
#include "ops/parallel.h"

namespace kiln::ops {

namespace {

// The sizes of one attention call and the mask's strides over the scores [B, H, Sq, Sk].
struct AttentionGeometry {
    int64_t b = 0, heads = 0, sq = 0, sk = 0, d = 0, dv = 0;
    std::vector<int64_t> maskStrides = std::vector<int64_t>(4, 0);  // 0 along broadcast dims
};

// Product of dims[2:]: the pass may not know Q's rank (a Reshape shape inference could not
// follow), so trailing dims are read as one hidden axis, as the per-head Reshape read them.
int64_t hiddenSize(const HostTensor& t) {
    int64_t h = 1;
    for (int i = 2; i < t.rank(); ++i) h *= t.dim(i);
    return h;
}

Expected<AttentionGeometry> geometry(const KernelContext& ctx, const HostTensor& q, const HostTensor& k,
                                     const HostTensor& v, const HostTensor* mask) {
    if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2)
        return ctx.error("Q, K and V must be [B, S, hidden], got " + dimsToString(q.dims()) + ", " +
                         dimsToString(k.dims()) + ", " + dimsToString(v.dims()));
    if (k.dtype() != q.dtype() || v.dtype() != q.dtype() || (mask && mask->dtype() != q.dtype()))
        return ctx.error("Q, K, V and the mask must have one element type");
    AttentionGeometry g;
    g.b = q.dim(0), g.sq = q.dim(1), g.sk = k.dim(1), g.heads = ctx.attrInt("num_heads", 0);
    const int64_t qh = hiddenSize(q), vh = hiddenSize(v);
    if (g.heads <= 0 || qh % g.heads != 0 || vh % g.heads != 0 || hiddenSize(k) != qh)
        return ctx.error("num_heads " + std::to_string(g.heads) + " must divide the hidden sizes of Q, K (equal) and V");
    if (k.dim(0) != g.b || v.dim(0) != g.b || v.dim(1) != g.sk)
        return ctx.error("K and V must be [B, Sk, hidden] for Q's batch B, got " + dimsToString(k.dims()) + " and " +
                         dimsToString(v.dims()));
    g.d = qh / g.heads, g.dv = vh / g.heads;
    if (mask) {
        const std::vector<int64_t> scoreDims{g.b, g.heads, g.sq, g.sk};
        KILN_ASSIGN_OR_RETURN(std::vector<int64_t> bd, broadcastDims(ctx, {mask->dims(), scoreDims}));
        if (bd != scoreDims)
            return ctx.error("the mask " + dimsToString(mask->dims()) + " does not broadcast to the scores " +
                             dimsToString(scoreDims));
        g.maskStrides = broadcastStrides(mask->dims(), scoreDims);
    }
    return g;
}

// One query row: p = softmax(scores * scale + mask) over the keys, computed in place in p, with
// the row maximum subtracted for stability. Returns sum(exp) (the caller divides by it).
//   mask: the row's first element, maskStride between keys (null: none)
//   zeroNan: a row whose probabilities are NaN (a NaN score, or every score -inf) becomes 0
//            (PyTorch's Where(IsNaN(p), 0, p) guard; the sum is NaN exactly then)
template <typename T, typename A>
A softmaxRow(A* p, int64_t sk, float scale, const T* mask, int64_t maskStride, bool zeroNan) {
    A m = -INFINITY;
    for (int64_t j = 0; j < sk; ++j) {
        p[j] = p[j] * A(scale);
        if (mask) p[j] += static_cast<A>(mask[j * maskStride]);
        m = std::max(m, p[j]);
    }
    A sum(0);
    for (int64_t j = 0; j < sk; ++j) sum += (p[j] = std::exp(p[j] - m));
    if (zeroNan && std::isnan(sum)) {
        std::fill(p, p + sk, A(0));
        return A(1);
    }
    return sum;
}

// Per batch bi, head h and query row i: p = softmax(q_i . k_j * scale + mask) over j; y_i = p . V.
// The (bi, h) pairs are spread over the cores.
template <typename T>
void attentionRows(const AttentionGeometry& g, float scale, bool zeroNan, const T* q, const T* k, const T* v, const T* mask, T* y) {
    using A = AccType<T>;
    const std::vector<int64_t>& ms = g.maskStrides;
    const int64_t pairs = g.b * g.heads;
    [[maybe_unused]] const int threads = kernelThreads(double(pairs) * double(g.sq * g.sk) * double(g.d + g.dv));
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t pair = 0; pair < pairs; ++pair) {
        const int64_t bi = pair / g.heads, h = pair % g.heads;
        std::vector<A> p(static_cast<size_t>(g.sk)), acc(static_cast<size_t>(g.dv));
        for (int64_t i = 0; i < g.sq; ++i) {
            const T* qi = q + (bi * g.sq + i) * g.heads * g.d + h * g.d;
            for (int64_t j = 0; j < g.sk; ++j) {
                const T* kj = k + (bi * g.sk + j) * g.heads * g.d + h * g.d;
                A dot(0);
                for (int64_t e = 0; e < g.d; ++e) dot += static_cast<A>(qi[e]) * static_cast<A>(kj[e]);
                p[size_t(j)] = dot;
            }
            const T* maskRow = mask ? mask + bi * ms[0] + h * ms[1] + i * ms[2] : nullptr;
            const A sum = softmaxRow(p.data(), g.sk, scale, maskRow, ms[3], zeroNan);
            std::fill(acc.begin(), acc.end(), A(0));
            for (int64_t j = 0; j < g.sk; ++j) {
                const T* vj = v + (bi * g.sk + j) * g.heads * g.dv + h * g.dv;
                for (int64_t e = 0; e < g.dv; ++e) acc[size_t(e)] += p[size_t(j)] * static_cast<A>(vj[e]);
            }
            T* yi = y + (bi * g.sq + i) * g.heads * g.dv + h * g.dv;
            for (int64_t e = 0; e < g.dv; ++e) yi[e] = static_cast<T>(acc[size_t(e)] / sum);
        }
    }
}

// float: per (bi, h) and block of query rows, the scores and P V through the blocked GEMM:
//   S [rows, Sk] = Q_bh [rows, D] x K_bh^T;  P = softmax(S * scale + mask);  Y_bh = (P x V_bh) / sum
void attentionFloat(const AttentionGeometry& g, float scale, bool zeroNan, const float* q, const float* k, const float* v,
                    const float* mask, float* y) {
    constexpr int64_t kRowBlock = 64;  // query rows per task: bounds the scores buffer to 64 x Sk
    const std::vector<int64_t>& ms = g.maskStrides;
    const int64_t blocks = (g.sq + kRowBlock - 1) / kRowBlock, tasks = g.b * g.heads * blocks;
    const int64_t qs = g.heads * g.d, vs = g.heads * g.dv;  // row strides of Q / K and of V / Y
    auto runTask = [&](int64_t t) {
        const int64_t pair = t / blocks, i0 = (t % blocks) * kRowBlock, rows = std::min(kRowBlock, g.sq - i0);
        const int64_t bi = pair / g.heads, h = pair % g.heads;
        std::vector<float> scores(static_cast<size_t>(rows * g.sk)), sums(static_cast<size_t>(rows));
        const float* kbh = k + bi * g.sk * qs + h * g.d;
        gemm::sgemm(rows, g.sk, g.d, {q + (bi * g.sq + i0) * qs + h * g.d, qs, 1}, {kbh, 1, qs},
                    {.c = scores.data(), .ldc = g.sk});
        for (int64_t r = 0; r < rows; ++r) {
            const float* maskRow = mask ? mask + bi * ms[0] + h * ms[1] + (i0 + r) * ms[2] : nullptr;
            sums[size_t(r)] = softmaxRow(scores.data() + r * g.sk, g.sk, scale, maskRow, ms[3], zeroNan);
        }
        float* ybh = y + (bi * g.sq + i0) * vs + h * g.dv;
        gemm::sgemm(rows, g.dv, g.sk, {scores.data(), g.sk, 1}, {v + bi * g.sk * vs + h * g.dv, vs, 1},
                    {.c = ybh, .ldc = vs});
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t e = 0; e < g.dv; ++e) ybh[r * vs + e] /= sums[size_t(r)];
    };
    const int threads = taskThreads(tasks, double(std::min(kRowBlock, g.sq)) * double(g.sk) * double(g.d + g.dv));
    if (threads <= 1) {
        for (int64_t t = 0; t < tasks; ++t) runTask(t);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t t = 0; t < tasks; ++t) runTask(t);
}

}  // namespace

// Q [B, Sq, H*D], K [B, Sk, H*D], V [B, Sk, H*Dv], mask (optional) broadcastable to [B, H, Sq, Sk];
// attributes num_heads = H, scale, zero_nan_rows (0/1). Per batch b and head h (the head's
// columns h*D .. h*D+D-1):
//   P = softmax(Q_bh K_bh^T * scale + mask_bh) over the last axis;  Y_bh = P V_bh
// with zero_nan_rows = 1, rows of P that are NaN are 0 (so a fully masked query row gives 0).
// Y [B, Sq, H*Dv]. Summed in the accumulator type (float for float32 and the 16-bit floats).
Status attentionKernel(KernelContext& ctx) {
    const HostTensor& q = ctx.input(0);
    const HostTensor* mask = ctx.inputOrNull(3);
    KILN_ASSIGN_OR_RETURN(AttentionGeometry g, geometry(ctx, q, ctx.input(1), ctx.input(2), mask));
    const float scale = ctx.attrFloat("scale", 1.f);
    const bool zeroNan = ctx.attrInt("zero_nan_rows", 0) != 0;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, q.dtype(), {g.b, g.sq, g.heads * g.dv}));
    if (q.dtype() == DataType::Float32) {
        attentionFloat(g, scale, zeroNan, q.data<float>(), ctx.input(1).data<float>(), ctx.input(2).data<float>(),
                       mask ? mask->data<float>() : nullptr, y->data<float>());
        return Status::ok();
    }
    return dispatchType(FloatTypes{}, q.dtype(), [&]<typename T>() -> Status {
        attentionRows<T>(g, scale, zeroNan, q.data<T>(), ctx.input(1).data<T>(), ctx.input(2).data<T>(),
                         mask ? mask->data<T>() : nullptr, y->data<T>());
        return Status::ok();
    });
}

}  // namespace kiln::ops
