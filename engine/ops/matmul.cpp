// MatMul, Gemm and MatMulInteger (Einsum is in einsum.cpp, QLinearMatMul in quantize.cpp).
// float runs through the blocked GEMM (gemm_kernel.h); the other types through matmulRows.
#include <algorithm>
#include <optional>
#include <vector>

#include "ops/common.h"
#include "ops/matmul_internal.h"
#include "ops/parallel.h"

namespace kiln::ops {

Expected<MatMulPlan> planMatMul(const KernelContext& ctx, std::vector<int64_t> da, std::vector<int64_t> db) {
    if (da.empty() || db.empty()) return ctx.error("MatMul inputs must have rank >= 1, not scalars");
    const bool vecA = da.size() == 1, vecB = db.size() == 1;
    if (vecA) da.insert(da.begin(), 1);
    if (vecB) db.push_back(1);
    MatMulPlan p;
    p.m = da[da.size() - 2];
    p.k = da.back();
    p.n = db.back();
    if (db[db.size() - 2] != p.k)
        return ctx.error("inner dimensions differ: A is " + dimsToString(da) + " and B is " + dimsToString(db) +
                         " (K " + std::to_string(p.k) + " vs " + std::to_string(db[db.size() - 2]) + ")");
    std::vector<int64_t> ba(da.begin(), da.end() - 2), bb(db.begin(), db.end() - 2);
    KILN_ASSIGN_OR_RETURN(p.batch, broadcastDims(ctx, {ba, bb}));
    p.batchStrideA = broadcastStrides(ba, p.batch);
    p.batchStrideB = broadcastStrides(bb, p.batch);
    for (int64_t& s : p.batchStrideA) s *= p.m * p.k;
    for (int64_t& s : p.batchStrideB) s *= p.k * p.n;
    p.outDims = p.batch;
    if (!vecA) p.outDims.push_back(p.m);
    if (!vecB) p.outDims.push_back(p.n);
    return p;
}

Expected<GemmDims> gemmDims(const KernelContext& ctx, const HostTensor& a, const HostTensor& b) {
    if (a.rank() != 2 || b.rank() != 2)
        return ctx.error("A and B must be 2-D, got " + dimsToString(a.dims()) + " and " + dimsToString(b.dims()));
    GemmDims d;
    d.transA = ctx.attrInt("transA", 0) != 0;
    d.transB = ctx.attrInt("transB", 0) != 0;
    d.m = d.transA ? a.dim(1) : a.dim(0);
    d.k = d.transA ? a.dim(0) : a.dim(1);
    const int64_t kb = d.transB ? b.dim(1) : b.dim(0);
    d.n = d.transB ? b.dim(0) : b.dim(1);
    if (d.k != kb)
        return ctx.error("inner dimensions differ: A' is [" + std::to_string(d.m) + ", " + std::to_string(d.k) +
                         "] and B' is [" + std::to_string(kb) + ", " + std::to_string(d.n) + "]");
    return d;
}

Status checkGemmBias(const KernelContext& ctx, const HostTensor& c, int64_t rows, int64_t n) {
    const std::vector<int64_t> outDims{rows, n};
    bool ok = c.rank() <= 2;
    for (int i = 0; ok && i < c.rank(); ++i) {
        const int64_t d = c.dim(i), want = outDims[size_t(2 - c.rank() + i)];
        ok = d == 1 || d == want;
    }
    if (!ok) return ctx.error("C of shape " + dimsToString(c.dims()) + " cannot be broadcast to " + dimsToString(outDims));
    return Status::ok();
}

GemmBiasEpilogue::GemmBiasEpilogue(float alpha, float beta, const HostTensor* bias, int64_t rows, int64_t n,
                                   const Epilogue& ep)
    : m_alpha(alpha), m_beta(beta), m_bias(bias ? bias->data<float>() : nullptr), m_n(n), m_ep(ep) {
    if (bias) {
        const std::vector<int64_t> s = broadcastStrides(bias->dims(), {rows, n});
        m_biasRowStride = s[0];
        m_biasColStride = s[1];
    }
}

void GemmBiasEpilogue::apply(float* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0, int64_t cols) const {
    if (m_alpha == 1.f && !m_bias && m_ep.isIdentity()) return;
    for (int64_t r = 0; r < rows; ++r) {
        float* y = c + r * ldc;
        const int64_t i = i0 + r;
        if (m_bias) {
            const float* bias = m_bias + i * m_biasRowStride + j0 * m_biasColStride;
            if (m_biasColStride == 1) {
                for (int64_t j = 0; j < cols; ++j) y[j] = m_alpha * y[j] + m_beta * bias[j];
            } else {
                for (int64_t j = 0; j < cols; ++j) y[j] = m_alpha * y[j] + m_beta * bias[j * m_biasColStride];
            }
        } else {
            for (int64_t j = 0; j < cols; ++j) y[j] = m_alpha * y[j] + 0.f;
        }
        if (!m_ep.isIdentity()) m_ep.applyRow(y, cols, i * m_n + j0, 0.f);
    }
}

void gemmFloat(const float* a, const float* b, const GemmDims& d, float* y, const gemm::TileEpilogue* ep) {
    // A' (i, p) = transA ? A[p, i] : A[i, p];  B' (p, j) = transB ? B[j, p] : B[p, j]
    const gemm::MatrixRef ar{a, d.transA ? 1 : d.k, d.transA ? d.m : 1};
    const gemm::MatrixRef br{b, d.transB ? 1 : d.n, d.transB ? d.k : 1};
    gemm::sgemm(d.m, d.n, d.k, ar, br, {.c = y, .ldc = d.n, .epilogue = ep});
}

namespace {

// Shifts the rows an epilogue sees by one batch's offset (batchedMatMulFloat).
class BatchRowsEpilogue final : public gemm::TileEpilogue {
public:
    BatchRowsEpilogue(const gemm::TileEpilogue& inner, int64_t firstRow) : m_inner(inner), m_firstRow(firstRow) {}
    void apply(float* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0, int64_t cols) const override {
        m_inner.apply(c, ldc, m_firstRow + i0, rows, j0, cols);
    }

private:
    const gemm::TileEpilogue& m_inner;
    int64_t m_firstRow;
};

}  // namespace

void batchedMatMulFloat(const MatMulPlan& p, const float* a, const float* b, float* out, const gemm::TileEpilogue* ep) {
    int64_t numBatch = 1;
    for (int64_t d : p.batch) numBatch *= d;
    if (numBatch == 0) return;
    std::vector<int64_t> offA(static_cast<size_t>(numBatch)), offB(static_cast<size_t>(numBatch));
    MultiIndexer it(p.batch, {p.batchStrideA, p.batchStrideB});
    for (int64_t bi = 0; bi < numBatch; ++bi, it.next()) {
        offA[size_t(bi)] = it.offset(0);
        offB[size_t(bi)] = it.offset(1);
    }
    // [M, K] x [K, N] -> [M, N] for batch index bi
    auto product = [&](int64_t bi) {
        const std::optional<BatchRowsEpilogue> batchEp =
            ep ? std::optional<BatchRowsEpilogue>(std::in_place, *ep, bi * p.m) : std::nullopt;
        gemm::sgemm(p.m, p.n, p.k, {a + offA[size_t(bi)], p.k, 1}, {b + offB[size_t(bi)], p.n, 1},
                    {.c = out + bi * p.m * p.n, .ldc = p.n, .epilogue = batchEp ? &*batchEp : nullptr});
    };
    const int threads = taskThreads(numBatch, double(p.m) * double(p.n) * double(std::max<int64_t>(p.k, 1)));
    if (threads <= 1) {
        for (int64_t bi = 0; bi < numBatch; ++bi) product(bi);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t bi = 0; bi < numBatch; ++bi) product(bi);
}

namespace {

// MatMul: numpy matmul semantics.
Status matMulKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    const HostTensor& b = ctx.input(1);
    if (a.dtype() != b.dtype())
        return ctx.error(std::string("A and B types differ: ") + dataTypeName(a.dtype()) + " vs " + dataTypeName(b.dtype()));
    KILN_ASSIGN_OR_RETURN(MatMulPlan p, planMatMul(ctx, a.dims(), b.dims()));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, a.dtype(), p.outDims));
    return dispatchType(NumericTypes{}, a.dtype(), [&]<typename T>() -> Status {
        batchedMatMul<T, T>(p, a.data<T>(), b.data<T>(), out->data<T>());
        return Status::ok();
    });
}

// Gemm: Y[M, N] = alpha * A'[M, K] x B'[K, N] + beta * C, where A' = transA ? A^T : A,
// B' = transB ? B^T : B and C (optional from opset 11) broadcasts unidirectionally to [M, N].
template <typename T>
void gemmCompute(const HostTensor& a, const HostTensor& b, const GemmDims& d, const HostTensor* c, float alpha,
                 float beta, HostTensor& y) {
    using Acc = MatAcc<T>;
    const int64_t m = d.m, n = d.n;
    std::vector<Acc> acc(size_t(m * n));
    gemmProduct(a.data<T>(), b.data<T>(), d, acc.data());

    T* py = y.data<T>();
    const std::vector<int64_t> outDims{m, n};
    const std::vector<int64_t> cs = c ? broadcastStrides(c->dims(), outDims) : std::vector<int64_t>{0, 0};
    const T* pc = c ? c->data<T>() : nullptr;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            const Acc ab = acc[size_t(i * n + j)];
            const Acc cv = pc ? static_cast<Acc>(pc[i * cs[0] + j * cs[1]]) : Acc(0);
            if constexpr (isFloatLike<T>) {
                py[i * n + j] = static_cast<T>(Acc(alpha) * ab + Acc(beta) * cv);
            } else if (alpha == 1.0f && beta == 1.0f) {
                py[i * n + j] = static_cast<T>(ab + cv);  // exact, wrapping
            } else {
                // Non-unit scales on integers: scale in double, truncate toward zero.
                const double v = double(alpha) * double(static_cast<T>(ab)) + double(beta) * double(static_cast<T>(cv));
                py[i * n + j] = static_cast<T>(static_cast<int64_t>(v));
            }
        }
    }
}

Status gemmKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    const HostTensor& b = ctx.input(1);
    const HostTensor* c = ctx.inputOrNull(2);
    if (ctx.opset() < 11 && !c) return ctx.error("input C is required before opset 11");
    KILN_ASSIGN_OR_RETURN(GemmDims d, gemmDims(ctx, a, b));
    if (a.dtype() != b.dtype() || (c && c->dtype() != a.dtype()))
        return ctx.error("A, B and C must have the same type");
    if (c) KILN_RETURN_IF_ERROR(checkGemmBias(ctx, *c, d.m, d.n));
    const float alpha = ctx.attrFloat("alpha", 1.0f), beta = ctx.attrFloat("beta", 1.0f);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, a.dtype(), {d.m, d.n}));
    if (a.dtype() == DataType::Float32) {
        const Epilogue identity;
        const GemmBiasEpilogue ep(alpha, beta, c, d.m, d.n, identity);
        // C is read after the product is stored: if Y shares C's memory, compute aside first.
        if (c && overlaps(*c, *y)) {
            HostTensor tmp(DataType::Float32, {d.m, d.n});
            gemmFloat(a.data<float>(), b.data<float>(), d, tmp.data<float>(), &ep);
            std::copy_n(tmp.data<float>(), tmp.numel(), y->data<float>());
        } else {
            gemmFloat(a.data<float>(), b.data<float>(), d, y->data<float>(), &ep);
        }
        return Status::ok();
    }
    return dispatchType(NumericTypes{}, a.dtype(), [&]<typename T>() -> Status {
        gemmCompute<T>(a, b, d, c, alpha, beta, *y);
        return Status::ok();
    });
}

// x - zero_point as int32 (see subtractZeroPoint).
template <typename T>
Expected<HostTensor> subtractZeroPointAs(const KernelContext& ctx, const HostTensor& x, const HostTensor* zp, bool perRow) {
    HostTensor out(DataType::Int32, x.dims());
    int32_t* po = out.data<int32_t>();
    const T* px = x.data<T>();
    if (!zp) {
        for (int64_t i = 0; i < x.numel(); ++i) po[i] = px[i];
        return out;
    }
    if (zp->dtype() != x.dtype()) return ctx.error("a zero point's type differs from its input's");
    std::vector<int64_t> zdims = zp->dims();
    // A's per-row zero point may be given as a vector [M]: it is [M, 1].
    if (perRow && zdims.size() == 1 && x.rank() >= 2) zdims.push_back(1);
    bool ok = zdims.size() <= size_t(x.rank());
    for (size_t i = 0; ok && i < zdims.size(); ++i) {
        const int64_t want = x.dims()[x.dims().size() - zdims.size() + i];
        ok = zdims[i] == 1 || zdims[i] == want;
    }
    if (!ok) return ctx.error("zero point of shape " + dimsToString(zp->dims()) + " does not fit input " + dimsToString(x.dims()));
    const T* pz = zp->data<T>();
    MultiIndexer it(x.dims(), {broadcastStrides(zdims, x.dims())});
    for (int64_t i = 0; i < x.numel(); ++i, it.next()) po[i] = int32_t(px[i]) - int32_t(pz[it.offset(0)]);
    return out;
}

}  // namespace

Expected<HostTensor> subtractZeroPoint(const KernelContext& ctx, const HostTensor& x, const HostTensor* zp, bool perRow) {
    Expected<HostTensor> out = ctx.error(std::string("expected int8 or uint8, got ") + dataTypeName(x.dtype()));
    if (x.dtype() == DataType::Int8) out = subtractZeroPointAs<int8_t>(ctx, x, zp, perRow);
    if (x.dtype() == DataType::UInt8) out = subtractZeroPointAs<uint8_t>(ctx, x, zp, perRow);
    return out;
}

namespace {

// MatMulInteger: Y = (A - a_zero_point) x (B - b_zero_point) in int32, numpy matmul shapes.
Status matMulIntegerKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    const HostTensor& b = ctx.input(1);
    KILN_ASSIGN_OR_RETURN(MatMulPlan p, planMatMul(ctx, a.dims(), b.dims()));
    KILN_ASSIGN_OR_RETURN(HostTensor a32, subtractZeroPoint(ctx, a, ctx.inputOrNull(2), true));
    KILN_ASSIGN_OR_RETURN(HostTensor b32, subtractZeroPoint(ctx, b, ctx.inputOrNull(3), false));
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, DataType::Int32, p.outDims));
    batchedMatMul<int32_t, int32_t>(p, a32.data<int32_t>(), b32.data<int32_t>(), y->data<int32_t>());
    return Status::ok();
}

}  // namespace

void registerMatMulOps(OpRegistry& r) {
    r.add("MatMul", matMulKernel, 2);
    r.add("Gemm", gemmKernel, 2);
    r.add("MatMulInteger", matMulIntegerKernel, 2);
    registerEinsumOp(r);
}

}  // namespace kiln::ops
