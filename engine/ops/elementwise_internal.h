// Helpers shared by the elementwise and activation op files (elementwise*.cpp, activation.cpp).
// Private to those files: not part of the engine's API.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ops/common.h"

namespace kiln::ops {

// Sub-families, registered from registerElementwiseOps.
void registerUnaryMathOps(OpRegistry& r);  // elementwise_unary.cpp: Sqrt, Exp, Sin, Abs, Round, ...
void registerLogicOps(OpRegistry& r);      // elementwise_logic.cpp: comparisons, And/Or/Xor/Not, IsNaN, Where
void registerCastOps(OpRegistry& r);       // elementwise_cast.cpp: Cast, CastLike

// The helpers get their own namespace so that they cannot collide (ODR) with other families'.
namespace elem {

// dispatchType, with the node attached to the "data type X is not supported" error.
template <typename List, typename F>
Status dispatchFor(const KernelContext& ctx, List list, DataType t, F&& f) {
    Status st = dispatchType(list, t, std::forward<F>(f));
    if (!st.isOk()) st.atNode(ctx.node().name(), ctx.node().opType());
    return st;
}

// Converts a computed value to the element type T. Float -> integer conversions saturate and
// map NaN to 0 (plain C++ conversion is undefined out of range); everything else is static_cast.
template <typename T, typename V>
T convertTo(V v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v != V(0);
    } else if constexpr (std::is_integral_v<T> && std::is_floating_point_v<V>) {
        if (std::isnan(v)) return T(0);
        if (v <= static_cast<V>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
        if (v >= static_cast<V>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
        return static_cast<T>(v);
    } else {
        return static_cast<T>(v);
    }
}

// Integer arithmetic wraps modulo 2^bits (what ONNX runtimes do) instead of overflowing, which
// is undefined behaviour for signed types; floats use plain arithmetic.
template <typename V> V wrapAdd(V a, V b) {
    if constexpr (std::is_integral_v<V>) return static_cast<V>(uint64_t(a) + uint64_t(b));
    else return a + b;
}
template <typename V> V wrapSub(V a, V b) {
    if constexpr (std::is_integral_v<V>) return static_cast<V>(uint64_t(a) - uint64_t(b));
    else return a - b;
}
template <typename V> V wrapMul(V a, V b) {
    if constexpr (std::is_integral_v<V>) return static_cast<V>(uint64_t(a) * uint64_t(b));
    else return a * b;
}
template <typename V> V wrapNeg(V a) { return wrapSub(V(0), a); }

// |x| (wrapping for the most negative integer); unsigned values are their own magnitude.
template <typename V> V absValue(V x) {
    if constexpr (std::is_unsigned_v<V>) return x;
    else if constexpr (std::is_integral_v<V>) return x < 0 ? wrapNeg(x) : x;
    else return std::fabs(x);
}

template <typename V> bool isNaNValue(V x) {
    if constexpr (std::is_floating_point_v<V>) return std::isnan(x);
    else return false;
}

inline Status typeMismatch(const KernelContext& ctx, const HostTensor& a, const HostTensor& b) {
    return ctx.error(std::string("inputs must have the same type, got ") + dataTypeName(a.dtype()) + " and " +
                     dataTypeName(b.dtype()));
}

// y[i] = f(x[i]) for an input type in List. f sees AccType<T> (float for the 16-bit floats, T
// otherwise); its result is converted back to T with convertTo.
template <typename List, typename F>
Status unaryOp(KernelContext& ctx, List list, F f) {
    const HostTensor& x = ctx.input(0);
    return dispatchFor(ctx, list, x.dtype(), [&]<typename T>() -> Status {
        KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
        const T* px = x.data<T>();
        T* py = y->data<T>();
        for (int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = convertTo<T>(f(static_cast<AccType<T>>(px[i])));
        return Status::ok();
    });
}

// A kernel applying f elementwise (see unaryOp) to an input type in List:
//   r.add("Sqrt", unaryKernel(FloatTypes{}, [](auto x) { return std::sqrt(x); }));
template <typename List, typename F>
KernelFn unaryKernel(List list, F f) {
    return [list, f](KernelContext& ctx) { return unaryOp(ctx, list, f); };
}

// y[i] = pred(x[i]) as bool, for an input type in List (IsNaN, IsInf, Not).
template <typename List, typename F>
Status unaryPredicateOp(KernelContext& ctx, List list, F pred) {
    const HostTensor& x = ctx.input(0);
    return dispatchFor(ctx, list, x.dtype(), [&]<typename T>() -> Status {
        KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, DataType::Bool, x.dims()));
        const T* px = x.data<T>();
        bool* py = y->data<bool>();
        for (int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = pred(static_cast<AccType<T>>(px[i]));
        return Status::ok();
    });
}

// Opsets < 7 of the arithmetic and logic binary ops: with broadcast=1 and an `axis`, B's dims
// line up with A's starting at axis. Returns B reshaped to that alignment (unchanged otherwise,
// where numpy broadcasting gives the legacy result).
Expected<HostTensor> legacyBroadcastB(const KernelContext& ctx, const HostTensor& a, const HostTensor& b);

// out = f(a, b) with numpy broadcasting, a and b of one type T in List; f sees AccType<T>.
// The output has type T, or bool when kBoolOut (comparisons).
template <bool kBoolOut, typename List, typename F>
Status binaryOpImpl(KernelContext& ctx, List list, F f) {
    const HostTensor& a = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(HostTensor b, legacyBroadcastB(ctx, a, ctx.input(1)));
    if (a.dtype() != b.dtype()) return typeMismatch(ctx, a, b);
    const DataType outType = kBoolOut ? DataType::Bool : a.dtype();
    return dispatchFor(ctx, list, a.dtype(), [&]<typename T>() -> Status {
        using Acc = AccType<T>;
        using R = std::conditional_t<kBoolOut, bool, T>;
        auto g = [&f](T x, T y) { return convertTo<R>(f(static_cast<Acc>(x), static_cast<Acc>(y))); };
        Expected<HostTensor> out = mapBinary<T, R>(ctx, a, b, outType, g);
        if (!out) return std::move(out).takeStatus();
        ctx.setOutput(0, std::move(out).value());
        return Status::ok();
    });
}

template <typename List, typename F>
Status binaryOp(KernelContext& ctx, List list, F f) { return binaryOpImpl<false>(ctx, list, f); }
template <typename List, typename F>
Status compareOp(KernelContext& ctx, List list, F f) { return binaryOpImpl<true>(ctx, list, f); }

}  // namespace elem

}  // namespace kiln::ops
