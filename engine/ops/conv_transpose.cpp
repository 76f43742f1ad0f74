// ConvTranspose: the adjoint of Conv. float runs as a GEMM making the columns and a scatter
// summing them (col2im); the other types as a direct scatter of every input element.
//   X [N, C, D1..Dn], W [C, M/group, k1..kn], B [M] -> Y [N, M, O1..On]
//   Y[n, g * Mg + m, i * s - pb + k * d] += X[n, g * Cg + c, i] * W[g * Cg + c, m, k]   (+ B)
//   O = s * (D - 1) + output_padding + (k - 1) * d + 1 - pb - pe
#include <algorithm>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"
#include "ops/fused_epilogue.h"
#include "ops/gemm_kernel.h"
#include "ops/parallel.h"

namespace kiln::ops {
namespace {

struct ConvTransposeShape {
    int64_t N = 0, C = 0, M = 0, group = 1;
    SpatialGeometry g;
    int64_t cPerGroup() const { return C / group; }
    int64_t mPerGroup() const { return M / group; }
};

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

Status checkChannels(const KernelContext& ctx, const HostTensor& w, const HostTensor* b, ConvTransposeShape& s) {
    if (s.group < 1) return ctx.error("group must be >= 1, got " + std::to_string(s.group));
    if (s.C % s.group != 0)
        return ctx.error("input channels " + std::to_string(s.C) + " are not divisible by group " +
                         std::to_string(s.group));
    if (w.dim(0) != s.C)
        return ctx.error("W dim 0 is " + std::to_string(w.dim(0)) + " but X has " + std::to_string(s.C) +
                         " channels");
    s.M = w.dim(1) * s.group;
    if (b && (b->rank() != 1 || b->dim(0) != s.M))
        return ctx.error("bias B must have shape [" + std::to_string(s.M) + "]");
    return Status::ok();
}

// Splits a total padding over begin/end. The odd unit goes to the end for SAME_UPPER and to the
// beginning otherwise (floor division, so a negative total, i.e. an output larger than the
// natural one, extends the end).
void splitPad(int64_t total, AutoPad autoPad, int64_t& begin, int64_t& end) {
    const int64_t half = floorDiv(total, 2);
    begin = autoPad == AutoPad::SameUpper ? half : total - half;
    end = total - begin;
}

// Output sizes: from output_shape (pads derived), SAME_* (output = input * stride, pads derived),
// or the explicit pads.
Status computeTransposeOutput(const KernelContext& ctx, SpatialGeometry& g, AutoPad autoPad) {
    const size_t n = g.inDims.size();
    std::vector<int64_t> outPadding = ctx.attrInts("output_padding", std::vector<int64_t>(n, 0));
    std::vector<int64_t> outShape = ctx.attrInts("output_shape");
    if (outPadding.size() != n) return ctx.error("output_padding must have one value per spatial axis");
    if (!outShape.empty() && outShape.size() != n && outShape.size() != n + 2)
        return ctx.error("output_shape must have one value per spatial axis");
    if (outShape.size() == n + 2) outShape.erase(outShape.begin(), outShape.begin() + 2);
    g.outDims.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        if (outPadding[i] < 0) return ctx.error("output_padding must be >= 0");
        const int64_t natural = g.strides[i] * (g.inDims[i] - 1) + outPadding[i] + g.dilatedKernel(int(i));
        const bool same = autoPad == AutoPad::SameUpper || autoPad == AutoPad::SameLower;
        if (!outShape.empty() || same) {
            g.outDims[i] = outShape.empty() ? g.inDims[i] * g.strides[i] : outShape[i];
            splitPad(natural - g.outDims[i], autoPad, g.padBegin[i], g.padEnd[i]);
        } else {
            if (autoPad == AutoPad::Valid) g.padBegin[i] = g.padEnd[i] = 0;
            g.outDims[i] = natural - g.padBegin[i] - g.padEnd[i];
        }
        if (g.outDims[i] < 0) return ctx.error("the pads exceed the output size on spatial axis " + std::to_string(i));
    }
    return Status::ok();
}

Expected<ConvTransposeShape> convTransposeShape(const KernelContext& ctx, const HostTensor& x, const HostTensor& w,
                                                const HostTensor* b) {
    KILN_RETURN_IF_ERROR(checkConvOperands(ctx, x, w, b));
    ConvTransposeShape s;
    s.N = x.dim(0);
    s.C = x.dim(1);
    s.group = ctx.attrInt("group", 1);
    KILN_RETURN_IF_ERROR(checkChannels(ctx, w, b, s));
    KILN_RETURN_IF_ERROR(readConvWindow(ctx, x, w, s.g));
    KILN_ASSIGN_OR_RETURN(AutoPad autoPad, readAutoPad(ctx));
    KILN_RETURN_IF_ERROR(computeTransposeOutput(ctx, s.g, autoPad));
    return s;
}

// Adds wv * x over one input plane into one output plane for a single kernel position kk.
// The last axis is walked over the range of i whose output o = i * s - pb + k * d lies in [0, O).
template <typename T, typename A>
void scatterPlane(const T* xPlane, A wv, const int64_t* kk, const SpatialGeometry& g,
                  const std::vector<int64_t>& outStride, std::vector<int64_t>& idx, A* yPlane) {
    const int n = g.rank();
    const size_t last = size_t(n - 1);
    const int64_t inner = g.inDims[last], s = g.strides[last];
    const int64_t lastOff = kk[last] * g.dilations[last] - g.padBegin[last];
    const int64_t lo = std::max<int64_t>(0, ceilDiv(-lastOff, s));
    const int64_t hi = std::min(inner - 1, floorDiv(g.outDims[last] - 1 - lastOff, s));
    if (inner == 0 || lo > hi) return;
    const int64_t rows = product(g.inDims) / inner;
    idx.assign(last, 0);  // multi-index over the outer input axes
    for (int64_t r = 0; r < rows; ++r) {
        int64_t rowOff = 0;
        bool inside = true;
        for (size_t i = 0; i < last; ++i) {
            const int64_t o = idx[i] * g.strides[i] - g.padBegin[i] + kk[i] * g.dilations[i];
            inside = inside && o >= 0 && o < g.outDims[i];
            rowOff += o * outStride[i];
        }
        if (inside) {
            const T* xRow = xPlane + r * inner;
            for (int64_t i = lo; i <= hi; ++i) yPlane[rowOff + i * s + lastOff] += wv * A(xRow[i]);
        }
        for (int i = int(last) - 1; i >= 0 && ++idx[size_t(i)] == g.inDims[size_t(i)]; --i) idx[size_t(i)] = 0;
    }
}

template <typename T>
void convTransposeTyped(const HostTensor& x, const HostTensor& w, const HostTensor* b, const ConvTransposeShape& s,
                        HostTensor& y, const Epilogue& ep) {
    using A = AccType<T>;
    const SpatialGeometry& g = s.g;
    const int n = g.rank();
    const int64_t K = product(g.kernel), inP = product(g.inDims), outP = product(g.outDims);
    const int64_t cg = s.cPerGroup(), mg = s.mPerGroup();
    std::vector<int64_t> outStride(size_t(n), 1), kidx(size_t(K * n)), k(size_t(n), 0), scratch;
    for (int i = n - 2; i >= 0; --i) outStride[size_t(i)] = outStride[size_t(i) + 1] * g.outDims[size_t(i) + 1];
    for (int64_t kf = 0; kf < K; ++kf) {
        std::copy(k.begin(), k.end(), kidx.begin() + kf * n);
        for (int i = n - 1; i >= 0 && ++k[size_t(i)] == g.kernel[size_t(i)]; --i) k[size_t(i)] = 0;
    }
    const T* px = x.data<T>();
    const T* pw = w.data<T>();
    std::vector<A> acc(size_t(s.M * outP));
    for (int64_t nb = 0; nb < s.N; ++nb) {
        for (int64_t m = 0; m < s.M; ++m)
            std::fill_n(acc.begin() + m * outP, outP, b ? A(b->data<T>()[m]) : A(0));
        for (int64_t c = 0; c < s.C; ++c) {
            const int64_t grp = c / cg;
            const T* xPlane = px + (nb * s.C + c) * inP;
            for (int64_t m = 0; m < mg; ++m) {
                A* yPlane = acc.data() + (grp * mg + m) * outP;
                for (int64_t kf = 0; kf < K; ++kf)
                    scatterPlane(xPlane, A(pw[(c * mg + m) * K + kf]), &kidx[size_t(kf * n)], g, outStride, scratch,
                                 yPlane);
            }
        }
        const int64_t first = nb * s.M * outP;
        T* py = y.data<T>() + first;
        if (ep.isIdentity()) {
            for (int64_t i = 0; i < s.M * outP; ++i) py[i] = T(acc[size_t(i)]);
        } else {
            for (int64_t i = 0; i < s.M * outP; ++i) py[i] = ep.apply<T>(acc[size_t(i)], first + i);
        }
    }
}

// float, per batch index n and group g:
//   col [Mg*K, D] = W_g^T x X[n, g]     W_g = W[g*Cg .. g*Cg + Cg] read as [Cg, Mg*K]
//   Y[n, g*Mg + m, i * s - pb + k * d] = B[g*Mg + m] + sum over (kf, i) of col[m*K + kf, i]
void convTransposeFloat(const float* x, const float* w, const float* bias, const ConvTransposeShape& s,
                        const Epilogue& ep, float* y) {
    const SpatialGeometry& g = s.g;
    const int n = g.rank();
    const int64_t K = product(g.kernel), inP = product(g.inDims), outP = product(g.outDims);
    const int64_t cg = s.cPerGroup(), mg = s.mPerGroup(), rows = mg * K;
    std::vector<int64_t> outStride(size_t(n), 1), kidx(size_t(K * n)), k(size_t(n), 0);
    for (int i = n - 2; i >= 0; --i) outStride[size_t(i)] = outStride[size_t(i) + 1] * g.outDims[size_t(i) + 1];
    for (int64_t kf = 0; kf < K; ++kf) {
        std::copy(k.begin(), k.end(), kidx.begin() + kf * n);
        for (int i = n - 1; i >= 0 && ++k[size_t(i)] == g.kernel[size_t(i)]; --i) k[size_t(i)] = 0;
    }
    auto runTask = [&](int64_t t) {
        const int64_t nb = t / s.group, grp = t % s.group;
        std::vector<float> col(size_t(rows * inP));
        gemm::sgemm(rows, inP, cg, {w + grp * cg * rows, 1, rows}, {x + (nb * s.C + grp * cg) * inP, inP, 1},
                    {.c = col.data(), .ldc = inP});
        [[maybe_unused]] const int threads = kernelThreads(double(rows) * double(inP));
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t m = 0; m < mg; ++m) {
            std::vector<int64_t> scratch;
            const int64_t oc = grp * mg + m, first = (nb * s.M + oc) * outP;
            float* yPlane = y + first;
            std::fill_n(yPlane, outP, bias ? bias[oc] : 0.f);
            for (int64_t kf = 0; kf < K; ++kf)
                scatterPlane(col.data() + (m * K + kf) * inP, 1.f, &kidx[size_t(kf * n)], g, outStride, scratch, yPlane);
            if (!ep.isIdentity()) ep.applyRow(yPlane, outP, first, 0.f);
        }
    };
    const int64_t tasks = s.N * s.group;
    const int threads = taskThreads(tasks, double(rows) * double(cg) * double(inP));
    if (threads <= 1) {
        for (int64_t t = 0; t < tasks; ++t) runTask(t);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t t = 0; t < tasks; ++t) runTask(t);
}

}  // namespace

Status convTransposeKernel(KernelContext& ctx) { return convTransposeWithEpilogue(ctx, Epilogue{}); }

Status convTransposeWithEpilogue(KernelContext& ctx, const Epilogue& ep) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& w = ctx.input(1);
    const HostTensor* b = ctx.inputOrNull(2);
    KILN_ASSIGN_OR_RETURN(ConvTransposeShape s, convTransposeShape(ctx, x, w, b));
    std::vector<int64_t> dims = {s.N, s.M};
    dims.insert(dims.end(), s.g.outDims.begin(), s.g.outDims.end());
    if (std::string why = residualMismatch(ep, x.dtype(), dims); !why.empty()) return ctx.error(why);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), dims));
    if (x.dtype() == DataType::Float32) {
        computeFloatOutput(*y, ep.residual && overlaps(*ep.residual, *y), [&](float* dst) {
            convTransposeFloat(x.data<float>(), w.data<float>(), b ? b->data<float>() : nullptr, s, ep, dst);
        });
        return Status::ok();
    }
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        convTransposeTyped<T>(x, w, b, s, *y, ep);
        return Status::ok();
    });
}

}  // namespace kiln::ops
