// Private to the MatMul family (matmul.cpp, einsum.cpp, and QLinearMatMul in quantize.cpp):
// accumulator types, the numpy matmul shape rule and the shared row-major matrix product.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "ops/common.h"
#include "ops/fused_epilogue.h"
#include "ops/gemm_kernel.h"

namespace kiln::ops {

// The type products are summed in: float for the 16-bit floats, the type itself for float and
// double, and uint64_t for every integer type so that overflow wraps (two's complement) instead
// of being undefined; the result is narrowed back to T at the end.
template <typename T>
using MatAcc = std::conditional_t<isFloatLike<T>, AccType<T>, uint64_t>;

// out[M, N] = A[M, K] x B[K, N], A read through element strides (sam, sak) so a transposed A
// needs no copy; B is contiguous [K, N]. i-k-j order: the inner loop runs along rows of B
// and out. out is overwritten.
template <typename T, typename Acc>
void matmulRows(const T* a, int64_t sam, int64_t sak, const T* b, int64_t m, int64_t k, int64_t n, Acc* out) {
    for (int64_t i = 0; i < m; ++i) {
        Acc* row = out + i * n;
        for (int64_t j = 0; j < n; ++j) row[j] = Acc(0);
        for (int64_t p = 0; p < k; ++p) {
            const Acc av = static_cast<Acc>(a[i * sam + p * sak]);
            const T* brow = b + p * n;
            for (int64_t j = 0; j < n; ++j) row[j] += av * static_cast<Acc>(brow[j]);
        }
    }
}

// The numpy matmul shape rule: [..., M, K] x [..., K, N] -> [..., M, N] with the batch dims
// broadcast; a 1-D A is [1, K] and a 1-D B is [K, 1], the added dim dropped from the result.
struct MatMulPlan {
    int64_t m = 0, k = 0, n = 0;
    std::vector<int64_t> batch;                  // broadcast batch dims
    std::vector<int64_t> batchStrideA, batchStrideB;  // in elements, 0 along broadcast dims
    std::vector<int64_t> outDims;
};

Expected<MatMulPlan> planMatMul(const KernelContext& ctx, std::vector<int64_t> da, std::vector<int64_t> db);

// The float path of batchedMatMul: the blocked GEMM per batch index, spread over the cores by
// batch (many small products) or within each product (few large ones). ep, if given, sees the
// output as [batch * M, N] rows (its i0 counts rows across batches).
void batchedMatMulFloat(const MatMulPlan& p, const float* a, const float* b, float* out,
                        const gemm::TileEpilogue* ep = nullptr);

// out[b] = A[b] x B[b] for every batch index b, summed in MatAcc<T>, stored as R.
template <typename T, typename R>
void batchedMatMul(const MatMulPlan& p, const T* a, const T* b, R* out) {
    if constexpr (std::is_same_v<T, float> && std::is_same_v<R, float>) {
        batchedMatMulFloat(p, a, b, out);
        return;
    }
    using Acc = MatAcc<T>;
    std::vector<Acc> acc(size_t(p.m * p.n));
    int64_t numBatch = 1;
    for (int64_t d : p.batch) numBatch *= d;
    MultiIndexer it(p.batch, {p.batchStrideA, p.batchStrideB});
    for (int64_t bi = 0; bi < numBatch; ++bi, it.next()) {
        matmulRows(a + it.offset(0), p.k, 1, b + it.offset(1), p.m, p.k, p.n, acc.data());
        R* o = out + bi * p.m * p.n;
        for (int64_t i = 0; i < p.m * p.n; ++i) o[i] = static_cast<R>(acc[size_t(i)]);
    }
}

// Gemm's A' [M, K] x B' [K, N] with A' = transA ? A^T : A and B' = transB ? B^T : B.
struct GemmDims {
    int64_t m = 0, k = 0, n = 0;
    bool transA = false, transB = false;
};
// From 2-D A, B and the transA / transB attributes; checks ranks and the inner dimension.
Expected<GemmDims> gemmDims(const KernelContext& ctx, const HostTensor& a, const HostTensor& b);
// Checks that C (Gemm's C, kiln.FusedGemm's bias) broadcasts unidirectionally to [rows, n]:
// rank <= 2, dims right-aligned, each 1 or equal.
Status checkGemmBias(const KernelContext& ctx, const HostTensor& c, int64_t rows, int64_t n);

// y[M, N] = A' x B' through the blocked GEMM (A and B read in place through strides), then ep.
void gemmFloat(const float* a, const float* b, const GemmDims& d, float* y, const gemm::TileEpilogue* ep);

// Gemm's and kiln.FusedGemm's float epilogue on the product P read as [rows, n]:
//   y = act(alpha * P + beta * bias + residual)
// bias (optional) broadcast unidirectionally to [rows, n]; residual and activation from ep
// (the identity for Gemm).
class GemmBiasEpilogue final : public gemm::TileEpilogue {
public:
    GemmBiasEpilogue(float alpha, float beta, const HostTensor* bias, int64_t rows, int64_t n, const Epilogue& ep);
    void apply(float* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0, int64_t cols) const override;

private:
    float m_alpha, m_beta;
    const float* m_bias;
    int64_t m_biasRowStride = 0, m_biasColStride = 0, m_n;
    const Epilogue& m_ep;
};

// acc[M, N] = A' x B' (see GemmDims), summed in Acc. A is read in place through strides; B must
// be [K, N] contiguous for matmulRows, so B^T is materialized.
template <typename T, typename Acc>
void gemmProduct(const T* a, const T* b, const GemmDims& d, Acc* acc) {
    const int64_t sam = d.transA ? 1 : d.k, sak = d.transA ? d.m : 1;
    std::vector<T> bt;
    if (d.transB) {
        bt.resize(size_t(d.k * d.n));
        for (int64_t j = 0; j < d.n; ++j)
            for (int64_t p = 0; p < d.k; ++p) bt[size_t(p * d.n + j)] = b[j * d.k + p];
        b = bt.data();
    }
    matmulRows(a, sam, sak, b, d.m, d.k, d.n, acc);
}

// x - zero_point as int32 for an int8/uint8 x; the zero point broadcasts unidirectionally to x
// (perRow: a 1-D zero point is one per row, [M] read as [M, 1]).
Expected<HostTensor> subtractZeroPoint(const KernelContext& ctx, const HostTensor& x, const HostTensor* zp, bool perRow);

// Einsum lives in einsum.cpp; registerMatMulOps registers it through this.
void registerEinsumOp(OpRegistry& r);

}  // namespace kiln::ops
