// Binary arithmetic (Add, Sub, Mul, Div, Pow, Mod, BitShift) and the variadic ops (Min, Max,
// Sum, Mean), all with numpy broadcasting. Unary math, logic and Cast live in elementwise_*.cpp.
#include "ops/elementwise_internal.h"

namespace kiln::ops {

using namespace elem;

Expected<HostTensor> elem::legacyBroadcastB(const KernelContext& ctx, const HostTensor& a, const HostTensor& b) {
    // PRelu before opset 7: a 1-D slope of C values applies per channel (axis 1).
    if (ctx.opset() < 7 && ctx.node().opType() == "PRelu" && b.rank() == 1 && a.rank() >= 2 && b.dim(0) != 1 &&
        b.dim(0) == a.dim(1)) {
        std::vector<int64_t> dims(size_t(a.rank() - 1), 1);
        dims[0] = b.dim(0);
        return *b.reshaped(dims);
    }
    if (ctx.opset() >= 7 || ctx.attrInt("broadcast", 0) == 0 || !ctx.hasAttr("axis")) return b;
    // B = [d0..dk] placed at A's axis: dims [1]*axis + B.dims + [1]*(rank(A) - axis - rank(B)).
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), a.rank()));
    if (axis + b.rank() > a.rank())
        return ctx.error("B of rank " + std::to_string(b.rank()) + " does not fit A of rank " +
                         std::to_string(a.rank()) + " at axis " + std::to_string(axis));
    std::vector<int64_t> dims(size_t(axis), 1);
    dims.insert(dims.end(), b.dims().begin(), b.dims().end());
    dims.resize(size_t(a.rank()), 1);
    auto r = b.reshaped(dims);
    if (!r) return ctx.error(r.status().message());
    return std::move(r).value();
}

namespace {

// ---- Add, Sub, Mul, Div ----------------------------------------------------------------------

Status addKernel(KernelContext& ctx) {
    return binaryOp(ctx, NumericTypes{}, [](auto x, auto y) { return wrapAdd(x, y); });
}
Status subKernel(KernelContext& ctx) {
    return binaryOp(ctx, NumericTypes{}, [](auto x, auto y) { return wrapSub(x, y); });
}
Status mulKernel(KernelContext& ctx) {
    return binaryOp(ctx, NumericTypes{}, [](auto x, auto y) { return wrapMul(x, y); });
}

// Integer division truncates toward zero (C semantics, as ONNX Runtime does); x / 0 is an error,
// and MIN / -1 wraps to MIN.
Status divKernel(KernelContext& ctx) {
    bool divByZero = false;
    Status st = binaryOp(ctx, NumericTypes{}, [&divByZero](auto x, auto y) {
        using V = decltype(x);
        if constexpr (std::is_integral_v<V>) {
            if (y == 0) { divByZero = true; return V(0); }
            if constexpr (std::is_signed_v<V>)
                if (y == V(-1)) return wrapNeg(x);
        }
        return static_cast<V>(x / y);
    });
    if (st.isOk() && divByZero) return ctx.error("integer division by zero");
    return st;
}

// ---- Mod -------------------------------------------------------------------------------------

// fmod=1: the remainder has the sign of the dividend (C fmod / %).
// fmod=0: the sign of the divisor (Python / numpy mod): r = x - floor(x / y) * y.
template <typename V>
V modValue(V x, V y, bool fmod, bool& divByZero) {
    if constexpr (std::is_integral_v<V>) {
        if (y == 0) { divByZero = true; return V(0); }
        if constexpr (std::is_signed_v<V>)
            if (y == V(-1)) return V(0);  // also avoids the MIN % -1 trap
        V r = static_cast<V>(x % y);
        if constexpr (std::is_signed_v<V>)
            if (!fmod && r != 0 && ((r < 0) != (y < 0))) r = static_cast<V>(r + y);
        return r;
    } else {
        V r = std::fmod(x, y);
        if (!fmod && r != 0 && ((r < 0) != (y < 0))) r += y;
        return r;
    }
}

Status modKernel(KernelContext& ctx) {
    const int64_t fmodAttr = ctx.attrInt("fmod", 0);
    if (fmodAttr != 0 && fmodAttr != 1) return ctx.error("fmod must be 0 or 1, got " + std::to_string(fmodAttr));
    const bool fmod = fmodAttr == 1;
    bool divByZero = false;
    Status st = binaryOp(ctx, NumericTypes{}, [&](auto x, auto y) { return modValue(x, y, fmod, divByZero); });
    if (st.isOk() && divByZero) return ctx.error("integer modulo by zero");
    return st;
}

// ---- BitShift --------------------------------------------------------------------------------

// Shifting by the bit width or more gives 0 (instead of undefined behaviour).
Status bitShiftKernel(KernelContext& ctx) {
    const std::string dir = ctx.attrString("direction", "");
    if (dir != "LEFT" && dir != "RIGHT") return ctx.error("direction must be \"LEFT\" or \"RIGHT\", got \"" + dir + "\"");
    const bool left = dir == "LEFT";
    return binaryOp(ctx, UnsignedIntTypes{}, [left](auto x, auto s) {
        using V = decltype(x);
        if (uint64_t(s) >= sizeof(V) * 8) return V(0);
        return static_cast<V>(left ? x << s : x >> s);
    });
}

// ---- Pow -------------------------------------------------------------------------------------

// base^e for an integer base and integer exponent, by repeated squaring (wrapping like Mul).
// A negative exponent gives the truncated real result: 1 for base 1, +-1 for base -1, else 0.
template <typename B, typename E>
B intPow(B base, E e) {
    if constexpr (std::is_signed_v<E>) {
        if (e < 0) {
            if (base == B(1)) return B(1);
            if constexpr (std::is_signed_v<B>)
                if (base == B(-1)) return (e % 2 == 0) ? B(1) : B(-1);
            return B(0);
        }
    }
    B result = 1;
    for (uint64_t u = uint64_t(e); u != 0; u >>= 1) {
        if (u & 1u) result = wrapMul(result, base);
        base = wrapMul(base, base);
    }
    return result;
}

// Z = X ^ Y; from opset 12 Y may have another type than X. Z has X's type. A floating base
// computes in its accumulator type; an integer base with a float exponent in double.
template <typename B, typename E>
B powValue(B x, E y) {
    using AccB = AccType<B>;
    using AccE = AccType<E>;
    if constexpr (isFloatLike<B>) {
        return B(std::pow(static_cast<AccB>(x), static_cast<AccB>(static_cast<AccE>(y))));
    } else if constexpr (std::is_integral_v<E>) {
        return intPow(x, y);
    } else {
        return convertTo<B>(std::pow(static_cast<double>(x), static_cast<double>(static_cast<AccE>(y))));
    }
}

using PowBaseTypes = TypeList<float, double, Half, BFloat16, int32_t, int64_t>;

Status powKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(HostTensor b, legacyBroadcastB(ctx, a, ctx.input(1)));
    if (ctx.opset() < 12 && a.dtype() != b.dtype()) return typeMismatch(ctx, a, b);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, {a.dims(), b.dims()}));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, a.dtype(), dims));
    return dispatchFor(ctx, PowBaseTypes{}, a.dtype(), [&]<typename B>() -> Status {
        return dispatchFor(ctx, NumericTypes{}, b.dtype(), [&]<typename E>() -> Status {
            const B* pa = a.data<B>();
            const E* pb = b.data<E>();
            B* po = out->data<B>();
            MultiIndexer it(dims, {broadcastStrides(a.dims(), dims), broadcastStrides(b.dims(), dims)});
            for (int64_t i = 0, n = out->numel(); i < n; ++i, it.next())
                po[i] = powValue(pa[it.offset(0)], pb[it.offset(1)]);
            return Status::ok();
        });
    });
}

// ---- Min, Max, Sum, Mean ---------------------------------------------------------------------

// out = finish(combine(...combine(x0, x1)..., x_{n-1})) with all inputs broadcast together,
// accumulated in AccType<T>.
template <typename List, typename Combine, typename Finish>
Status variadicOp(KernelContext& ctx, List list, Combine combine, Finish finish) {
    const int n = ctx.numInputs();
    std::vector<std::vector<int64_t>> shapes;
    for (int k = 0; k < n; ++k) {
        if (!ctx.hasInput(k)) return ctx.error("input " + std::to_string(k) + " is missing");
        if (ctx.input(k).dtype() != ctx.input(0).dtype()) return typeMismatch(ctx, ctx.input(0), ctx.input(k));
        shapes.push_back(ctx.input(k).dims());
    }
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, shapes));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, ctx.input(0).dtype(), dims));
    return dispatchFor(ctx, list, ctx.input(0).dtype(), [&]<typename T>() -> Status {
        using Acc = AccType<T>;
        const int64_t numel = out->numel();
        std::vector<Acc> acc(static_cast<size_t>(numel));
        for (int k = 0; k < n; ++k) {
            const HostTensor& in = ctx.input(k);
            const T* p = in.data<T>();
            MultiIndexer it(dims, {broadcastStrides(in.dims(), dims)});
            for (int64_t i = 0; i < numel; ++i, it.next()) {
                const Acc v = static_cast<Acc>(p[it.offset(0)]);
                acc[size_t(i)] = k == 0 ? v : combine(acc[size_t(i)], v);
            }
        }
        T* po = out->data<T>();
        for (int64_t i = 0; i < numel; ++i) po[i] = convertTo<T>(finish(acc[size_t(i)]));
        return Status::ok();
    });
}

// Min/Max propagate NaN (numpy minimum/maximum).
Status minKernel(KernelContext& ctx) {
    return variadicOp(ctx, NumericTypes{}, [](auto a, auto b) { return (isNaNValue(a) || a < b) ? a : b; },
                      [](auto a) { return a; });
}
Status maxKernel(KernelContext& ctx) {
    return variadicOp(ctx, NumericTypes{}, [](auto a, auto b) { return (isNaNValue(a) || a > b) ? a : b; },
                      [](auto a) { return a; });
}
Status sumKernel(KernelContext& ctx) {
    return variadicOp(ctx, NumericTypes{}, [](auto a, auto b) { return wrapAdd(a, b); }, [](auto a) { return a; });
}
Status meanKernel(KernelContext& ctx) {
    const int n = ctx.numInputs();
    return variadicOp(ctx, FloatTypes{}, [](auto a, auto b) { return a + b; },
                      [n](auto a) { return a / static_cast<decltype(a)>(n); });
}

}  // namespace

void registerElementwiseOps(OpRegistry& r) {
    r.add("Add", addKernel, 2);
    r.add("Sub", subKernel, 2);
    r.add("Mul", mulKernel, 2);
    r.add("Div", divKernel, 2);
    r.add("Pow", powKernel, 2);
    r.add(OpDef{.opType = "Mod", .domain = "", .minOpset = 10, .requiredInputs = 2, .kernel = modKernel});
    r.add(OpDef{.opType = "BitShift", .domain = "", .minOpset = 11, .requiredInputs = 2, .kernel = bitShiftKernel});
    r.add("Min", minKernel, 1);
    r.add("Max", maxKernel, 1);
    r.add("Sum", sumKernel, 1);
    r.add("Mean", meanKernel, 1);
    registerUnaryMathOps(r);
    registerLogicOps(r);
    registerCastOps(r);
}

}  // namespace kiln::ops
