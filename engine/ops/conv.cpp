// Conv: N-D grouped convolution. float runs through conv_gemm.cpp (im2col into the blocked,
// multi-threaded GEMM); the other types here, as im2col over blocks of output positions followed
// by a plain blocked GEMM.
//   X [N, C, D1..Dn], W [M, C/group, k1..kn], B [M] -> Y [N, M, O1..On]
//   Y[n, m, o] = B[m] + sum_{c < C/group, k} X[n, g * C/group + c, o * s - pb + k * d] * W[m, c, k]
//   with g = m / (M / group); X reads outside the input are 0 (padding).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"
#include "ops/fused_epilogue.h"

namespace kiln::ops {

namespace {

constexpr int64_t kColBlock = 256;  // output positions per im2col block (a multiple of kNr)
constexpr int64_t kNr = 8;          // output positions per GEMM micro-tile = per packed column panel
constexpr int64_t kMr = 4;          // output channels per GEMM micro-tile

Status checkConvChannels(const KernelContext& ctx, const HostTensor& w, const HostTensor* b, const ConvShape& s) {
    if (s.group < 1) return ctx.error("group must be >= 1, got " + std::to_string(s.group));
    if (s.C % s.group != 0)
        return ctx.error("input channels " + std::to_string(s.C) + " are not divisible by group " +
                         std::to_string(s.group));
    if (s.M % s.group != 0)
        return ctx.error("output channels (W dim 0) " + std::to_string(s.M) + " are not divisible by group " +
                         std::to_string(s.group));
    if (w.dim(1) != s.C / s.group)
        return ctx.error("W dim 1 is " + std::to_string(w.dim(1)) + " but input channels / group is " +
                         std::to_string(s.C / s.group));
    if (b && (b->rank() != 1 || b->dim(0) != s.M))
        return ctx.error("bias B must have shape [" + std::to_string(s.M) + "]");
    return Status::ok();
}

Expected<ConvShape> convShape(const KernelContext& ctx, const HostTensor& x, const HostTensor& w,
                              const HostTensor* b) {
    KILN_RETURN_IF_ERROR(checkConvOperands(ctx, x, w, b));
    ConvShape s;
    s.N = x.dim(0);
    s.C = x.dim(1);
    s.M = w.dim(0);
    s.group = ctx.attrInt("group", 1);
    KILN_RETURN_IF_ERROR(checkConvChannels(ctx, w, b, s));
    KILN_RETURN_IF_ERROR(readConvWindow(ctx, x, w, s.g));
    KILN_ASSIGN_OR_RETURN(AutoPad autoPad, readAutoPad(ctx));
    KILN_RETURN_IF_ERROR(computeForwardOutput(ctx, s.g, autoPad, /*ceilMode=*/false));
    return s;
}

// Fixed per-call tables: spatial strides of an input plane and, per kernel position, the
// dilated offsets k_i * d_i.
struct Im2colTables {
    std::vector<int64_t> inStride;       // [n]
    std::vector<int64_t> kernelOffsets;  // [K, n]
};

Im2colTables makeTables(const SpatialGeometry& g) {
    const int n = g.rank();
    Im2colTables t;
    t.inStride.assign(size_t(n), 1);
    for (int i = n - 2; i >= 0; --i) t.inStride[size_t(i)] = t.inStride[size_t(i) + 1] * g.inDims[size_t(i) + 1];
    const int64_t K = product(g.kernel);
    t.kernelOffsets.resize(size_t(K * n));
    std::vector<int64_t> k(size_t(n), 0);
    for (int64_t kf = 0; kf < K; ++kf) {
        for (int i = 0; i < n; ++i) t.kernelOffsets[size_t(kf * n + i)] = k[size_t(i)] * g.dilations[size_t(i)];
        for (int i = n - 1; i >= 0 && ++k[size_t(i)] == g.kernel[size_t(i)]; --i) k[size_t(i)] = 0;
    }
    return t;
}

// base[i * kColBlock + p] = o_i * s_i - pb_i for the output positions p0 .. p0 + count.
void blockBaseCoords(const SpatialGeometry& g, int64_t p0, int64_t count, std::vector<int64_t>& base) {
    const int n = g.rank();
    std::vector<int64_t> o(static_cast<size_t>(n));
    int64_t rest = p0;
    for (int i = n - 1; i >= 0; --i) {
        o[size_t(i)] = rest % g.outDims[size_t(i)];
        rest /= g.outDims[size_t(i)];
    }
    for (int64_t p = 0; p < count; ++p) {
        for (int i = 0; i < n; ++i)
            base[size_t(i * kColBlock + p)] = o[size_t(i)] * g.strides[size_t(i)] - g.padBegin[size_t(i)];
        for (int i = n - 1; i >= 0 && ++o[size_t(i)] == g.outDims[size_t(i)]; --i) o[size_t(i)] = 0;
    }
}

// col[c * K + kf, p] = X[c, base(p) + koff(kf)], 0 outside the input, packed in panels of kNr
// output positions: element (row, p) is at col[(p / kNr) * depth * kNr + row * kNr + p % kNr].
// Positions count .. roundUp(count, kNr) are zero-filled.
//   xg [Cg, D1..Dn] -> col [kColBlock / kNr, Cg * K, kNr]
template <typename T, typename A>
void im2colBlock(const T* xg, const SpatialGeometry& g, const Im2colTables& t, int64_t cg,
                 const std::vector<int64_t>& base, int64_t count, A* col) {
    const int n = g.rank();
    const int64_t K = product(g.kernel), inP = product(g.inDims), depth = cg * K;
    const int64_t padded = (count + kNr - 1) / kNr * kNr;
    for (int64_t c = 0; c < cg; ++c) {
        const T* xc = xg + c * inP;
        for (int64_t kf = 0; kf < K; ++kf) {
            const int64_t* koff = &t.kernelOffsets[size_t(kf * n)];
            A* row = col + (c * K + kf) * kNr;
            for (int64_t p = 0; p < padded; ++p) {
                int64_t off = 0;
                bool inside = p < count;
                for (int i = 0; i < n && inside; ++i) {
                    const int64_t ci = base[size_t(i * kColBlock + p)] + koff[i];
                    inside = ci >= 0 && ci < g.inDims[size_t(i)];
                    off += ci * t.inStride[size_t(i)];
                }
                row[(p / kNr) * depth * kNr + p % kNr] = inside ? A(xc[off]) : A(0);
            }
        }
    }
}

// acc[r, j] = sum_k w[r, k] * panel[k, j] for MR rows and kNr columns, kept in registers; only
// the first cols columns are stored.   w [MR, depth] (row stride depth), panel [depth, kNr]
template <int MR, typename A>
void gemmMicroTile(const A* w, int64_t depth, const A* panel, A* acc, int64_t cols) {
    A c[MR][kNr] = {};
    for (int64_t k = 0; k < depth; ++k) {
        const A* pk = panel + k * kNr;
        for (int r = 0; r < MR; ++r) {
            const A wv = w[r * depth + k];
            for (int j = 0; j < kNr; ++j) c[r][j] += wv * pk[j];
        }
    }
    for (int r = 0; r < MR; ++r)
        for (int64_t j = 0; j < cols; ++j) acc[r * kColBlock + j] = c[r][j];
}

// acc[m, p] = sum_k wg[m, k] * col[k, p]      wg [Mg, depth], packed col -> acc [Mg, kColBlock]
template <typename A>
void gemmBlock(const A* wg, const A* col, int64_t mg, int64_t depth, int64_t count, A* acc) {
    for (int64_t p = 0; p < count; p += kNr) {
        const A* panel = col + (p / kNr) * depth * kNr;
        const int64_t cols = std::min(kNr, count - p);
        int64_t m = 0;
        for (; m + kMr <= mg; m += kMr) gemmMicroTile<kMr>(wg + m * depth, depth, panel, acc + m * kColBlock + p, cols);
        for (; m < mg; ++m) gemmMicroTile<1>(wg + m * depth, depth, panel, acc + m * kColBlock + p, cols);
    }
}

// Stores one row of output positions: y = ep(acc + bias), elements first .. first + count of y.
template <typename T, typename A>
void storeRow(const A* acc, A bias, const Epilogue& ep, int64_t first, int64_t count, T* y) {
    if (ep.isIdentity()) {
        for (int64_t p = 0; p < count; ++p) y[p] = T(acc[p] + bias);
    } else {
        for (int64_t p = 0; p < count; ++p) y[p] = ep.apply<T>(acc[p] + bias, first + p);
    }
}

template <typename T>
void convTyped(const HostTensor& x, const HostTensor& w, const HostTensor* b, const ConvShape& s, HostTensor& y,
               const Epilogue& ep = {}) {
    using A = AccType<T>;
    const SpatialGeometry& g = s.g;
    const int64_t K = product(g.kernel), inP = product(g.inDims), outP = product(g.outDims);
    const int64_t cg = s.cPerGroup(), mg = s.mPerGroup(), depth = cg * K;
    std::vector<A> wa(size_t(w.numel())), bias(size_t(s.M), A(0));
    for (int64_t i = 0; i < w.numel(); ++i) wa[size_t(i)] = A(w.data<T>()[i]);
    if (b)
        for (int64_t m = 0; m < s.M; ++m) bias[size_t(m)] = A(b->data<T>()[m]);
    const Im2colTables tables = makeTables(g);
    std::vector<int64_t> base(size_t(g.rank() * kColBlock));
    std::vector<A> col(size_t(depth * kColBlock)), acc(size_t(mg * kColBlock));
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t p0 = 0; p0 < outP; p0 += kColBlock) {
        const int64_t count = std::min(kColBlock, outP - p0);
        blockBaseCoords(g, p0, count, base);
        for (int64_t n = 0; n < s.N; ++n) {
            for (int64_t grp = 0; grp < s.group; ++grp) {
                im2colBlock(px + (n * s.C + grp * cg) * inP, g, tables, cg, base, count, col.data());
                gemmBlock(wa.data() + grp * mg * depth, col.data(), mg, depth, count, acc.data());
                for (int64_t m = 0; m < mg; ++m) {
                    const int64_t oc = grp * mg + m;
                    const int64_t first = (n * s.M + oc) * outP + p0;
                    storeRow(&acc[size_t(m * kColBlock)], bias[size_t(oc)], ep, first, count, py + first);
                }
            }
        }
    }
}

Status convKernel(KernelContext& ctx) { return convWithEpilogue(ctx, Epilogue{}); }

// out[i] = t[i] - zp, zp = zeroPoint[i / rowSize] per first-axis index or the one scalar (or 0).
template <typename T>
void shiftInto(const HostTensor& t, const HostTensor* zeroPoint, int64_t rowSize, int32_t* out) {
    const T* pt = t.data<T>();
    const bool perRow = zeroPoint && zeroPoint->numel() > 1;
    for (int64_t i = 0; i < t.numel(); ++i) {
        const int32_t zp = zeroPoint ? int32_t(zeroPoint->data<T>()[perRow ? i / rowSize : 0]) : 0;
        out[i] = int32_t(pt[i]) - zp;
    }
}

// t - zeroPoint widened to int32. zeroPoint is absent (0), a scalar, or one value per index of
// t's first axis (w_zero_point per output channel).
Expected<HostTensor> shiftedToInt32(const KernelContext& ctx, const HostTensor& t, const HostTensor* zeroPoint,
                                    const char* name) {
    if (t.dtype() != DataType::UInt8 && t.dtype() != DataType::Int8)
        return ctx.error(std::string(name) + " must be uint8 or int8");
    const int64_t rows = t.rank() > 0 ? t.dim(0) : 1;
    if (zeroPoint && (zeroPoint->dtype() != t.dtype() || (zeroPoint->numel() != 1 && zeroPoint->numel() != rows)))
        return ctx.error(std::string(name) + "_zero_point must be a scalar or one value per channel, of " + name +
                         "'s type");
    HostTensor out(DataType::Int32, t.dims());
    const int64_t rowSize = rows > 0 ? t.numel() / rows : 0;
    if (t.dtype() == DataType::UInt8) shiftInto<uint8_t>(t, zeroPoint, rowSize, out.data<int32_t>());
    else shiftInto<int8_t>(t, zeroPoint, rowSize, out.data<int32_t>());
    return out;
}

// ConvInteger: Y = conv(X - x_zero_point, W - w_zero_point) in int32, no bias; padding
// contributes 0 (it is padding of the shifted input).
Status convIntegerKernel(KernelContext& ctx) {
    if (ctx.hasInput(2) && ctx.input(2).numel() != 1) return ctx.error("x_zero_point must be a scalar");
    KILN_ASSIGN_OR_RETURN(HostTensor x, shiftedToInt32(ctx, ctx.input(0), ctx.inputOrNull(2), "x"));
    KILN_ASSIGN_OR_RETURN(HostTensor w, shiftedToInt32(ctx, ctx.input(1), ctx.inputOrNull(3), "w"));
    KILN_ASSIGN_OR_RETURN(ConvShape s, convShape(ctx, x, w, nullptr));
    std::vector<int64_t> dims = {s.N, s.M};
    dims.insert(dims.end(), s.g.outDims.begin(), s.g.outDims.end());
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, DataType::Int32, dims));
    convTyped<int32_t>(x, w, nullptr, s, *y);
    return Status::ok();
}

// y[n, m, p] = saturate(round_half_even(acc[n, m, p] * x_scale * w_scale[m] / y_scale) + y_zero_point)
template <typename Q>
void requantize(const HostTensor& acc, float xScale, const HostTensor& wScale, float yScale, int32_t yZero,
                int64_t M, HostTensor& y) {
    const int64_t planeSize = acc.dim(0) * M > 0 ? acc.numel() / (acc.dim(0) * M) : 0;
    const int32_t* pa = acc.data<int32_t>();
    Q* py = y.data<Q>();
    for (int64_t i = 0; i < acc.numel(); ++i) {
        const int64_t m = planeSize > 0 ? (i / planeSize) % M : 0;
        const float scale = xScale * wScale.data<float>()[wScale.numel() == 1 ? 0 : m] / yScale;
        const float q = std::nearbyint(float(pa[i]) * scale) + float(yZero);
        py[i] = Q(std::clamp(q, float(std::numeric_limits<Q>::lowest()), float(std::numeric_limits<Q>::max())));
    }
}

// QLinearConv: ConvInteger of the zero-point-shifted X and W plus the int32 bias B, requantized
// to y's scale and zero point.
//   inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B?
Status qlinearConvKernel(KernelContext& ctx) {
    const HostTensor &xs = ctx.input(1), &ws = ctx.input(4), &ys = ctx.input(6), &yz = ctx.input(7);
    if (xs.dtype() != DataType::Float32 || ws.dtype() != DataType::Float32 || ys.dtype() != DataType::Float32)
        return ctx.error("x_scale, w_scale and y_scale must be float32");
    if (xs.numel() != 1 || ys.numel() != 1 || yz.numel() != 1 || ctx.input(2).numel() != 1)
        return ctx.error("x_scale, x_zero_point, y_scale and y_zero_point must be scalars");
    if (yz.dtype() != ctx.input(0).dtype()) return ctx.error("y_zero_point must have the type of x");
    KILN_ASSIGN_OR_RETURN(HostTensor x, shiftedToInt32(ctx, ctx.input(0), &ctx.input(2), "x"));
    KILN_ASSIGN_OR_RETURN(HostTensor w, shiftedToInt32(ctx, ctx.input(3), &ctx.input(5), "w"));
    const HostTensor* b = ctx.inputOrNull(8);
    if (b && b->dtype() != DataType::Int32) return ctx.error("bias B must be int32");
    KILN_ASSIGN_OR_RETURN(ConvShape s, convShape(ctx, x, w, b));
    if (ws.numel() != 1 && ws.numel() != s.M)
        return ctx.error("w_scale must be a scalar or hold one value per output channel");
    std::vector<int64_t> dims = {s.N, s.M};
    dims.insert(dims.end(), s.g.outDims.begin(), s.g.outDims.end());
    KILN_ASSIGN_OR_RETURN(HostTensor acc, HostTensor::create(DataType::Int32, dims));
    convTyped<int32_t>(x, w, b, s, acc);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, yz.dtype(), dims));
    const int32_t yZero = int32_t(yz.getDouble(0));
    const float xScale = xs.data<float>()[0], yScale = ys.data<float>()[0];
    if (yz.dtype() == DataType::UInt8) requantize<uint8_t>(acc, xScale, ws, yScale, yZero, s.M, *y);
    else requantize<int8_t>(acc, xScale, ws, yScale, yZero, s.M, *y);
    return Status::ok();
}

}  // namespace

Status convWithEpilogue(KernelContext& ctx, const Epilogue& ep) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& w = ctx.input(1);
    const HostTensor* b = ctx.inputOrNull(2);
    KILN_ASSIGN_OR_RETURN(ConvShape s, convShape(ctx, x, w, b));
    std::vector<int64_t> dims = {s.N, s.M};
    dims.insert(dims.end(), s.g.outDims.begin(), s.g.outDims.end());
    if (std::string why = residualMismatch(ep, x.dtype(), dims); !why.empty()) return ctx.error(why);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), dims));
    if (x.dtype() == DataType::Float32) {
        computeFloatOutput(*y, ep.residual && overlaps(*ep.residual, *y), [&](float* dst) {
            convFloat(x.data<float>(), w.data<float>(), b ? b->data<float>() : nullptr, s, ep, dst);
        });
        return Status::ok();
    }
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        convTyped<T>(x, w, b, s, *y, ep);
        return Status::ok();
    });
}

void registerConvOps(OpRegistry& r) {
    r.add("Conv", convKernel, 2);
    r.add(OpDef{.opType = "ConvInteger", .domain = "", .minOpset = 10, .requiredInputs = 2,
                .kernel = convIntegerKernel});
    r.add(OpDef{.opType = "QLinearConv", .domain = "", .minOpset = 10, .requiredInputs = 8,
                .kernel = qlinearConvKernel});
    r.add("ConvTranspose", convTransposeKernel, 2);
}

}  // namespace kiln::ops
