// Activations: y = f(x) elementwise (PRelu: f(x, slope)). Float attributes are converted to the
// accumulator type of the input (float for float16/bfloat16/float32, double for float64).
#include <numbers>

#include "ops/elementwise_internal.h"

namespace kiln::ops {

using namespace elem;

namespace {

// min(max(x, lo), hi): when lo > hi every value becomes hi (the Clip rule); NaN stays NaN.
template <typename V>
V clampValue(V x, V lo, V hi) {
    V v = x < lo ? lo : x;
    return hi < v ? hi : v;
}

// softplus(x) = log(1 + exp(x)), written so exp cannot overflow for large x.
template <typename V>
V softplusValue(V x) {
    return x > V(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// sigmoid(x) = 1 / (1 + exp(-x)), with exp's argument kept <= 0.
template <typename V>
V sigmoidValue(V x) {
    if (x >= V(0)) return V(1) / (V(1) + std::exp(-x));
    const V e = std::exp(x);
    return e / (V(1) + e);
}

// Clip: opset < 11 bounds from the min/max attributes; from 11 from the optional scalar inputs
// 1 and 2 (same type as x; integer types from opset 12). A missing bound is the type's limit.
Status clipKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (ctx.opset() < 11) {
        const float lo = ctx.attrFloat("min", std::numeric_limits<float>::lowest());
        const float hi = ctx.attrFloat("max", std::numeric_limits<float>::max());
        return unaryOp(ctx, FloatTypes{}, [lo, hi](auto v) {
            using V = decltype(v);
            return clampValue(v, V(lo), V(hi));
        });
    }
    for (int k : {1, 2}) {
        if (!ctx.hasInput(k)) continue;
        const HostTensor& bound = ctx.input(k);
        if (bound.dtype() != x.dtype()) return typeMismatch(ctx, x, bound);
        if (bound.numel() != 1)
            return ctx.error(std::string(k == 1 ? "min" : "max") + " must be a scalar, got shape " +
                             dimsToString(bound.dims()));
    }
    return dispatchFor(ctx, NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using Acc = AccType<T>;
        const Acc lo = ctx.hasInput(1) ? static_cast<Acc>(ctx.input(1).data<T>()[0]) : std::numeric_limits<Acc>::lowest();
        const Acc hi = ctx.hasInput(2) ? static_cast<Acc>(ctx.input(2).data<T>()[0]) : std::numeric_limits<Acc>::max();
        return unaryOp(ctx, TypeList<T>{}, [lo, hi](Acc v) { return clampValue(v, lo, hi); });
    });
}

// PRelu: y = x < 0 ? slope * x : x, slope broadcast unidirectionally to x's shape.
Status preluKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(HostTensor slope, legacyBroadcastB(ctx, x, ctx.input(1)));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, {x.dims(), slope.dims()}));
    if (dims != x.dims())
        return ctx.error("slope of shape " + dimsToString(slope.dims()) + " cannot be broadcast to X's shape " +
                         dimsToString(x.dims()));
    return binaryOp(ctx, NumericTypes{}, [](auto v, auto s) {
        if constexpr (std::is_unsigned_v<decltype(v)>) return v;
        else return v < 0 ? wrapMul(s, v) : v;
    });
}

// Shrink: y = x < -lambd ? x + bias : (x > lambd ? x - bias : 0); integers compute in double.
Status shrinkKernel(KernelContext& ctx) {
    const double lambd = ctx.attrFloat("lambd", 0.5f);
    const double bias = ctx.attrFloat("bias", 0.0f);
    return unaryOp(ctx, NumericTypes{}, [lambd, bias](auto x) {
        using C = std::conditional_t<std::is_integral_v<decltype(x)>, double, decltype(x)>;
        const C v = static_cast<C>(x);
        return v < C(-lambd) ? v + C(bias) : (v > C(lambd) ? v - C(bias) : C(0));
    });
}

// Gelu (opset 20): approximate="none": y = x/2 * (1 + erf(x / sqrt(2)));
// approximate="tanh": y = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
Status geluKernel(KernelContext& ctx) {
    const std::string approx = ctx.attrString("approximate", "none");
    if (approx == "none") {
        return unaryOp(ctx, FloatTypes{}, [](auto x) {
            using V = decltype(x);
            return V(0.5) * x * (V(1) + std::erf(x * V(1.0 / std::numbers::sqrt2)));
        });
    }
    if (approx == "tanh") {
        return unaryOp(ctx, FloatTypes{}, [](auto x) {
            using V = decltype(x);
            const V k = V(std::numbers::sqrt2 * std::numbers::inv_sqrtpi);  // sqrt(2/pi)
            return V(0.5) * x * (V(1) + std::tanh(k * (x + V(0.044715) * x * x * x)));
        });
    }
    return ctx.error("approximate must be \"none\" or \"tanh\", got \"" + approx + "\"");
}

// An activation with one float attribute `name` (default def): y = f(x, a).
template <typename List, typename F>
KernelFn withAlpha(List list, const char* name, float def, F f) {
    return [list, name, def, f](KernelContext& ctx) {
        const float a = ctx.attrFloat(name, def);
        return unaryOp(ctx, list, [a, &f](auto x) { return f(x, decltype(x)(a)); });
    };
}

void registerParamActivations(OpRegistry& r) {
    const FloatTypes fl{};
    r.add("LeakyRelu", withAlpha(fl, "alpha", 0.01f, [](auto x, auto a) { return x < 0 ? a * x : x; }));
    r.add("ThresholdedRelu", withAlpha(fl, "alpha", 1.0f, [](auto x, auto a) { return x > a ? x : decltype(x)(0); }));
    // elu(x) = x >= 0 ? x : alpha * (exp(x) - 1)
    r.add("Elu", withAlpha(fl, "alpha", 1.0f, [](auto x, auto a) { return x >= 0 ? x : a * std::expm1(x); }));
    // celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    r.add(OpDef{.opType = "Celu", .domain = "", .minOpset = 12, .kernel = withAlpha(fl, "alpha", 1.0f, [](auto x, auto a) {
                    using V = decltype(x);
                    if (std::isnan(x)) return x;
                    return std::max(V(0), x) + std::min(V(0), a * std::expm1(x / a));
                })});
    // selu(x) = gamma * (x > 0 ? x : alpha * (exp(x) - 1))
    r.add("Selu", [](KernelContext& ctx) {
        const float alpha = ctx.attrFloat("alpha", 1.67326319217681884765625f);
        const float gamma = ctx.attrFloat("gamma", 1.05070102214813232421875f);
        return unaryOp(ctx, FloatTypes{}, [alpha, gamma](auto x) {
            using V = decltype(x);
            return V(gamma) * (x > 0 ? x : V(alpha) * std::expm1(x));
        });
    });
    // hardsigmoid(x) = max(0, min(1, alpha * x + beta))
    r.add("HardSigmoid", [](KernelContext& ctx) {
        const float alpha = ctx.attrFloat("alpha", 0.2f);
        const float beta = ctx.attrFloat("beta", 0.5f);
        return unaryOp(ctx, FloatTypes{}, [alpha, beta](auto x) {
            using V = decltype(x);
            return clampValue(V(alpha) * x + V(beta), V(0), V(1));
        });
    });
}

}  // namespace

void registerActivationOps(OpRegistry& r) {
    const FloatTypes fl{};
    r.add("Relu", unaryKernel(SignedNumericTypes{}, [](auto x) { return x < 0 ? decltype(x)(0) : x; }));
    r.add("Sigmoid", unaryKernel(fl, [](auto x) { return sigmoidValue(x); }));
    r.add("Tanh", unaryKernel(fl, [](auto x) { return std::tanh(x); }));
    r.add("Softplus", unaryKernel(fl, [](auto x) { return softplusValue(x); }));
    r.add("Softsign", unaryKernel(fl, [](auto x) { return x / (decltype(x)(1) + std::fabs(x)); }));
    // hardswish(x) = x * max(0, min(1, x / 6 + 1/2))
    r.add(OpDef{.opType = "HardSwish", .domain = "", .minOpset = 14, .kernel = unaryKernel(fl, [](auto x) {
                    using V = decltype(x);
                    return x * clampValue(x / V(6) + V(0.5), V(0), V(1));
                })});
    // mish(x) = x * tanh(softplus(x))
    r.add(OpDef{.opType = "Mish", .domain = "", .minOpset = 18, .kernel = unaryKernel(fl, [](auto x) {
                    return x * std::tanh(softplusValue(x));
                })});
    registerParamActivations(r);
    r.add("Clip", clipKernel);
    r.add("PRelu", preluKernel, 2);
    r.add(OpDef{.opType = "Shrink", .domain = "", .minOpset = 9, .kernel = shrinkKernel});
    r.add("Gelu", geluKernel);
}

}  // namespace kiln::ops
