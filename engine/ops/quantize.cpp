// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearMatMul.
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point)
//   dequantize: y = (x - zero_point) * scale
// Scale and zero point are per tensor (one element) or, from opset 13, per slice along axis
// (a 1-D tensor of dims[axis] elements).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ops/common.h"
#include "ops/matmul_internal.h"

namespace kiln::ops {
namespace {

// Rounds halfway cases to the even neighbour, independent of the floating-point environment.
float roundHalfEven(float v) {
    const float r = std::round(v);  // halves away from zero
    if (std::fabs(v - std::trunc(v)) == 0.5f) return 2.0f * std::round(v / 2.0f);
    return r;
}

// Clamps to Q's range (NaN gives 0) and converts.
template <typename Q>
Q saturate(float v) {
    if (std::isnan(v)) return Q(0);
    const float lo = float(std::numeric_limits<Q>::lowest()), hi = float(std::numeric_limits<Q>::max());
    return static_cast<Q>(std::clamp(v, lo, hi));
}

// Which scale / zero point element each x element uses: index c of [outer, channels, inner].
struct QuantLayout {
    int64_t outer = 1, channels = 1, inner = 1;
    bool perAxis = false;
};

Expected<QuantLayout> quantLayout(const KernelContext& ctx, const HostTensor& x, const HostTensor& scale,
                                  const HostTensor* zeroPoint) {
    QuantLayout l;
    l.inner = x.numel();
    if (zeroPoint && zeroPoint->dims() != scale.dims())
        return ctx.error("zero point shape " + dimsToString(zeroPoint->dims()) + " differs from scale shape " +
                         dimsToString(scale.dims()));
    if (scale.rank() == 0 || (scale.rank() == 1 && scale.numel() == 1)) return l;
    if (ctx.opset() < 13 || scale.rank() != 1)
        return ctx.error("scale must be a scalar" + std::string(ctx.opset() >= 13 ? " or a 1-D tensor" : "") +
                         ", got shape " + dimsToString(scale.dims()));
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 1), x.rank()));
    if (scale.numel() != x.dim(axis))
        return ctx.error("per-axis scale has " + std::to_string(scale.numel()) + " elements for axis " +
                         std::to_string(axis) + " of size " + std::to_string(x.dim(axis)));
    l.perAxis = true;
    l.outer = 1;
    for (int i = 0; i < axis; ++i) l.outer *= x.dim(i);
    l.channels = x.dim(axis);
    l.inner = x.numel() / std::max<int64_t>(1, l.outer * l.channels);
    return l;
}

// Calls f(elementIndex, channel) for every element of x in order.
template <typename F>
void forEachChannel(const QuantLayout& l, F f) {
    int64_t e = 0;
    for (int64_t o = 0; o < l.outer; ++o)
        for (int64_t c = 0; c < l.channels; ++c)
            for (int64_t i = 0; i < l.inner; ++i) f(e++, c);
}

using QuantizedTypes = TypeList<uint8_t, int8_t, uint16_t, int16_t>;

Status quantizeLinearKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& scale = ctx.input(1);
    const HostTensor* zp = ctx.inputOrNull(2);
    if (scale.dtype() != DataType::Float32) return ctx.error("y_scale must be float32");
    KILN_ASSIGN_OR_RETURN(QuantLayout l, quantLayout(ctx, x, scale, zp));
    const DataType outType = zp ? zp->dtype() : DataType::UInt8;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, outType, x.dims()));
    const float* ps = scale.data<float>();
    using InputTypes = TypeList<float, double, Half, BFloat16, int32_t>;
    return dispatchType(InputTypes{}, x.dtype(), [&]<typename X>() -> Status {
        return dispatchType(QuantizedTypes{}, outType, [&]<typename Q>() -> Status {
            const X* px = x.data<X>();
            const Q* pz = zp ? zp->data<Q>() : nullptr;
            Q* py = y->data<Q>();
            forEachChannel(l, [&](int64_t e, int64_t c) {
                const float z = pz ? float(pz[c]) : 0.0f;
                py[e] = saturate<Q>(roundHalfEven(static_cast<float>(px[e]) / ps[c]) + z);
            });
            return Status::ok();
        });
    });
}

Status dequantizeLinearKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& scale = ctx.input(1);
    const HostTensor* zp = ctx.inputOrNull(2);
    if (zp && zp->dtype() != x.dtype()) return ctx.error("x_zero_point must have x's type");
    KILN_ASSIGN_OR_RETURN(QuantLayout l, quantLayout(ctx, x, scale, zp));
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, scale.dtype(), x.dims()));
    using InputTypes = TypeList<uint8_t, int8_t, uint16_t, int16_t, int32_t>;
    return dispatchType(InputTypes{}, x.dtype(), [&]<typename Q>() -> Status {
        return dispatchType(FloatTypes{}, scale.dtype(), [&]<typename S>() -> Status {
            using A = AccType<S>;
            const Q* px = x.data<Q>();
            const Q* pz = zp ? zp->data<Q>() : nullptr;
            const S* ps = scale.data<S>();
            S* py = y->data<S>();
            forEachChannel(l, [&](int64_t e, int64_t c) {
                const int64_t diff = int64_t(px[e]) - (pz ? int64_t(pz[c]) : 0);
                py[e] = static_cast<S>(static_cast<A>(diff) * static_cast<A>(ps[c]));
            });
            return Status::ok();
        });
    });
}

// DynamicQuantizeLinear (uint8): the range [min(0, min x), max(0, max x)] maps onto [0, 255]:
//   scale = (hi - lo) / 255, zero_point = round_half_even(clamp(-lo / scale, 0, 255)),
//   y = saturate(round_half_even(x / scale) + zero_point).
Status dynamicQuantizeLinearKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.dtype() != DataType::Float32) return ctx.error("input must be float32");
    const float* px = x.data<float>();
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < x.numel(); ++i) {
        lo = std::min(lo, px[i]);
        hi = std::max(hi, px[i]);
    }
    const float scale = (hi - lo) / 255.0f;
    // An all-zero input has scale 0: every value quantizes to zero point 0.
    const float zeroPoint = scale > 0.0f ? roundHalfEven(std::clamp(-lo / scale, 0.0f, 255.0f)) : 0.0f;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, DataType::UInt8, x.dims()));
    uint8_t* py = y->data<uint8_t>();
    for (int64_t i = 0; i < x.numel(); ++i)
        py[i] = scale > 0.0f ? saturate<uint8_t>(roundHalfEven(px[i] / scale) + zeroPoint) : uint8_t(0);
    if (ctx.numOutputs() > 1) {
        KILN_ASSIGN_OR_RETURN(HostTensor * s, ctx.allocateOutput(1, DataType::Float32, {}));
        s->data<float>()[0] = scale;
    }
    if (ctx.numOutputs() > 2) {
        KILN_ASSIGN_OR_RETURN(HostTensor * z, ctx.allocateOutput(2, DataType::UInt8, {}));
        z->data<uint8_t>()[0] = static_cast<uint8_t>(zeroPoint);
    }
    return Status::ok();
}

// A scale or zero point of QLinearMatMul: one element, or one per row (or column).
Expected<std::vector<float>> perLineValues(const KernelContext& ctx, int input, int64_t lines) {
    const HostTensor& t = ctx.input(input);
    if (t.numel() != 1 && t.numel() != lines)
        return ctx.error("input " + std::to_string(input) + " has " + std::to_string(t.numel()) + " elements, expected 1 or " +
                         std::to_string(lines));
    std::vector<float> v(static_cast<size_t>(lines));
    for (int64_t i = 0; i < lines; ++i) v[size_t(i)] = float(t.getDouble(t.numel() == 1 ? 0 : i));
    return v;
}

// QLinearMatMul: acc = (a - a_zero_point) x (b - b_zero_point) in int32, then
//   y[i, j] = saturate(round_half_even(acc * a_scale[i] * b_scale[j] / y_scale[i]) + y_zero_point[i])
// with scales and zero points per tensor, per row of a (a's, y's) or per column of b (b's).
Status qLinearMatMulKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    const HostTensor& b = ctx.input(3);
    const HostTensor& yZeroPoint = ctx.input(7);
    KILN_ASSIGN_OR_RETURN(MatMulPlan p, planMatMul(ctx, a.dims(), b.dims()));
    KILN_ASSIGN_OR_RETURN(HostTensor a32, subtractZeroPoint(ctx, a, &ctx.input(2), true));
    KILN_ASSIGN_OR_RETURN(HostTensor b32, subtractZeroPoint(ctx, b, &ctx.input(5), false));
    KILN_ASSIGN_OR_RETURN(std::vector<float> aScale, perLineValues(ctx, 1, p.m));
    KILN_ASSIGN_OR_RETURN(std::vector<float> bScale, perLineValues(ctx, 4, p.n));
    KILN_ASSIGN_OR_RETURN(std::vector<float> yScale, perLineValues(ctx, 6, p.m));
    KILN_ASSIGN_OR_RETURN(std::vector<float> yZero, perLineValues(ctx, 7, p.m));
    HostTensor acc(DataType::Int32, p.outDims);
    batchedMatMul<int32_t, int32_t>(p, a32.data<int32_t>(), b32.data<int32_t>(), acc.data<int32_t>());
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, yZeroPoint.dtype(), p.outDims));
    return dispatchType(QuantizedTypes{}, y->dtype(), [&]<typename Q>() -> Status {
        const int32_t* pa = acc.data<int32_t>();
        Q* py = y->data<Q>();
        for (int64_t e = 0; e < acc.numel(); ++e) {
            const size_t i = size_t((e / p.n) % p.m), j = size_t(e % p.n);
            const float scaled = float(pa[e]) * (aScale[i] * bScale[j] / yScale[i]);
            py[e] = saturate<Q>(roundHalfEven(scaled) + yZero[i]);
        }
        return Status::ok();
    });
}

}  // namespace

void registerQuantizeOps(OpRegistry& r) {
    r.add("QuantizeLinear", quantizeLinearKernel, 2);
    r.add("DequantizeLinear", dequantizeLinearKernel, 2);
    r.add(OpDef{.opType = "QLinearMatMul", .domain = "", .minOpset = 10, .requiredInputs = 8, .kernel = qLinearMatMulKernel});
    r.add(OpDef{.opType = "DynamicQuantizeLinear", .domain = "", .minOpset = 11, .kernel = dynamicQuantizeLinearKernel});
}

}  // namespace kiln::ops
