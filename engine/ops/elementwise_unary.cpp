// Unary math ops: y = f(x) elementwise. The 16-bit floats compute in float (see unaryOp).
#include "ops/elementwise_internal.h"

namespace kiln::ops {

using namespace elem;

namespace {

// sign(x) in {-1, 0, 1}; NaN stays NaN.
template <typename V>
V signValue(V x) {
    if constexpr (std::is_unsigned_v<V>) return x > 0 ? V(1) : V(0);
    else return x > V(0) ? V(1) : (x < V(0) ? V(-1) : x);
}

void registerFloatMathOps(OpRegistry& r) {
    const FloatTypes f{};
    r.add("Sqrt", unaryKernel(f, [](auto x) { return std::sqrt(x); }));
    r.add("Exp", unaryKernel(f, [](auto x) { return std::exp(x); }));
    r.add("Log", unaryKernel(f, [](auto x) { return std::log(x); }));
    r.add("Reciprocal", unaryKernel(f, [](auto x) { return decltype(x)(1) / x; }));
    r.add("Floor", unaryKernel(f, [](auto x) { return std::floor(x); }));
    r.add("Ceil", unaryKernel(f, [](auto x) { return std::ceil(x); }));
    // Halves round to the nearest even integer (nearbyint in the default rounding mode).
    r.add(OpDef{.opType = "Round", .domain = "", .minOpset = 11,
                .kernel = unaryKernel(f, [](auto x) { return std::nearbyint(x); })});
    r.add("Sin", unaryKernel(f, [](auto x) { return std::sin(x); }));
    r.add("Cos", unaryKernel(f, [](auto x) { return std::cos(x); }));
    r.add("Tan", unaryKernel(f, [](auto x) { return std::tan(x); }));
    r.add("Asin", unaryKernel(f, [](auto x) { return std::asin(x); }));
    r.add("Acos", unaryKernel(f, [](auto x) { return std::acos(x); }));
    r.add("Atan", unaryKernel(f, [](auto x) { return std::atan(x); }));
    r.add("Sinh", unaryKernel(f, [](auto x) { return std::sinh(x); }));
    r.add("Cosh", unaryKernel(f, [](auto x) { return std::cosh(x); }));
    r.add("Asinh", unaryKernel(f, [](auto x) { return std::asinh(x); }));
    r.add("Acosh", unaryKernel(f, [](auto x) { return std::acosh(x); }));
    r.add("Atanh", unaryKernel(f, [](auto x) { return std::atanh(x); }));
}

}  // namespace

void registerUnaryMathOps(OpRegistry& r) {
    registerFloatMathOps(r);
    r.add("Abs", unaryKernel(NumericTypes{}, [](auto x) { return absValue(x); }));
    r.add("Neg", unaryKernel(SignedNumericTypes{}, [](auto x) { return wrapNeg(x); }));
    r.add(OpDef{.opType = "Sign", .domain = "", .minOpset = 9,
                .kernel = unaryKernel(NumericTypes{}, [](auto x) { return signValue(x); })});
    // Erf accepts integer tensors too: computed in double, then truncated.
    r.add(OpDef{.opType = "Erf", .domain = "", .minOpset = 9,
                .kernel = unaryKernel(NumericTypes{}, [](auto x) {
                    if constexpr (std::is_integral_v<decltype(x)>) return std::erf(static_cast<double>(x));
                    else return std::erf(x);
                })});
}

}  // namespace kiln::ops
