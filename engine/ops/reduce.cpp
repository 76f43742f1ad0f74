// The Reduce* ops: out[kept index] = f(x over the reduced axes). Axes come from the "axes"
// attribute before the opset where they became an input (13 for ReduceSum, 18 for the rest);
// no axes means every axis, unless noop_with_empty_axes makes the op an identity.
#include <cmath>
#include <limits>
#include <vector>

#include "ops/common.h"
#include "ops/reduce_internal.h"

namespace kiln::ops {
namespace {

// Slices of x: one per output element, each the same set of offsets from a base.
struct ReducePlan {
    std::vector<int64_t> outDims;                 // keepdims applied
    std::vector<int64_t> keptDims, keptStrides;   // walk the slice bases (input strides)
    std::vector<int64_t> reducedOffsets;          // a slice's elements, relative to its base
};

ReducePlan planReduce(const std::vector<int64_t>& dims, const std::vector<bool>& reduced, bool keepdims) {
    ReducePlan p;
    const std::vector<int64_t> strides = contiguousStrides(dims);
    std::vector<int64_t> redDims, redStrides;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (reduced[i]) {
            redDims.push_back(dims[i]);
            redStrides.push_back(strides[i]);
            if (keepdims) p.outDims.push_back(1);
        } else {
            p.keptDims.push_back(dims[i]);
            p.keptStrides.push_back(strides[i]);
            p.outDims.push_back(dims[i]);
        }
    }
    int64_t n = 1;
    for (int64_t d : redDims) n *= d;
    p.reducedOffsets.reserve(size_t(n));
    MultiIndexer it(redDims, {redStrides});
    for (int64_t i = 0; i < n; ++i, it.next()) p.reducedOffsets.push_back(it.offset(0));
    return p;
}

// out[o] = Op::slice(the o-th slice).
template <typename Op, typename T>
void reduceSlices(const HostTensor& x, const ReducePlan& p, T* out) {
    int64_t numOut = 1;
    for (int64_t d : p.keptDims) numOut *= d;
    const T* px = x.data<T>();
    const int64_t* offs = p.reducedOffsets.data();
    const int64_t n = static_cast<int64_t>(p.reducedOffsets.size());
    MultiIndexer it(p.keptDims, {p.keptStrides});
    for (int64_t o = 0; o < numOut; ++o, it.next()) out[o] = Op::template slice<T>(px + it.offset(0), offs, n);
}

template <typename A>
A absValue(A v) {
    if constexpr (std::is_unsigned_v<A>) return v;
    else return v < A(0) ? -v : v;
}

// Math type for sqrt/log/exp: the float accumulator for floats, double for integers.
template <typename T>
using MathType = std::conditional_t<isFloatLike<T>, AccType<T>, double>;

// A sqrt/log/exp result back to T; integers clamp (and NaN gives 0) instead of overflowing.
template <typename T, typename M>
T narrowMath(M v) {
    if constexpr (isFloatLike<T>) {
        return static_cast<T>(v);
    } else {
        if (v != v) return T(0);
        if (v <= static_cast<M>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
        if (v >= static_cast<M>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
        return static_cast<T>(v);
    }
}

template <typename T>
ReduceAcc<T> sumOf(const T* x, const int64_t* off, int64_t n) {
    ReduceAcc<T> s(0);
    for (int64_t i = 0; i < n; ++i) s += static_cast<ReduceAcc<T>>(x[off[i]]);
    return s;
}

template <typename T>
ReduceAcc<T> sumSquareOf(const T* x, const int64_t* off, int64_t n) {
    ReduceAcc<T> s(0);
    for (int64_t i = 0; i < n; ++i) {
        const auto v = static_cast<ReduceAcc<T>>(x[off[i]]);
        s += v * v;
    }
    return s;
}

// Max (or Min when less): NaN propagates; an empty slice gives -inf (+inf) or the type's limit.
template <typename T, bool less>
ReduceAcc<T> extremeOf(const T* x, const int64_t* off, int64_t n) {
    using A = ReduceAcc<T>;
    A m;
    if constexpr (std::numeric_limits<A>::has_infinity) m = less ? std::numeric_limits<A>::infinity() : -std::numeric_limits<A>::infinity();
    else m = less ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest();
    for (int64_t i = 0; i < n; ++i) {
        const A v = static_cast<A>(x[off[i]]);
        if ((less ? v < m : v > m) || v != v) m = v;
        if (m != m) break;
    }
    return m;
}

struct SumOp {
    static constexpr int kAxesInputOpset = 13;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) { return static_cast<T>(sumOf(x, off, n)); }
};
struct MeanOp {  // sum / n; an empty slice gives NaN (floats) or 0
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        using A = ReduceAcc<T>;
        if constexpr (!isFloatLike<T>) if (n == 0) return T(0);
        return static_cast<T>(sumOf(x, off, n) / static_cast<A>(n));
    }
};
struct MaxOp {
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) { return static_cast<T>(extremeOf<T, false>(x, off, n)); }
};
struct MinOp {
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) { return static_cast<T>(extremeOf<T, true>(x, off, n)); }
};
struct ProdOp {
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        ReduceAcc<T> p(1);
        for (int64_t i = 0; i < n; ++i) p *= static_cast<ReduceAcc<T>>(x[off[i]]);
        return static_cast<T>(p);
    }
};
struct L1Op {  // sum |x|
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        ReduceAcc<T> s(0);
        for (int64_t i = 0; i < n; ++i) s += absValue(static_cast<ReduceAcc<T>>(x[off[i]]));
        return static_cast<T>(s);
    }
};
struct L2Op {  // sqrt(sum x^2)
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        return narrowMath<T>(std::sqrt(static_cast<MathType<T>>(sumSquareOf(x, off, n))));
    }
};
struct SumSquareOp {  // sum x^2
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) { return static_cast<T>(sumSquareOf(x, off, n)); }
};
struct LogSumOp {  // log(sum x)
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        return narrowMath<T>(std::log(static_cast<MathType<T>>(sumOf(x, off, n))));
    }
};
struct LogSumExpOp {  // log(sum exp(x)) = m + log(sum exp(x - m)), m = max x, for stability
    static constexpr int kAxesInputOpset = 18;
    template <typename T> static T slice(const T* x, const int64_t* off, int64_t n) {
        using M = MathType<T>;
        if (n == 0) return narrowMath<T>(-std::numeric_limits<M>::infinity());
        const M m = static_cast<M>(extremeOf<T, false>(x, off, n));
        if (!std::isfinite(m)) return narrowMath<T>(m);  // +-inf or NaN
        M s(0);
        for (int64_t i = 0; i < n; ++i) s += std::exp(static_cast<M>(x[off[i]]) - m);
        return narrowMath<T>(m + std::log(s));
    }
};

// The reduced axes as flags, or an empty vector for the noop_with_empty_axes identity.
template <typename Op>
Expected<std::vector<bool>> reducedAxes(const KernelContext& ctx, int rank) {
    std::vector<int64_t> axes;
    if (ctx.opset() >= Op::kAxesInputOpset) {
        // An empty axes tensor is the same as none (and skips reading zero elements).
        if (ctx.hasInput(1) && ctx.input(1).numel() > 0) {
            KILN_ASSIGN_OR_RETURN(axes, intsFromInput(ctx, 1, {}));
        }
    } else {
        axes = ctx.attrInts("axes");
    }
    if (axes.empty()) {
        if (ctx.attrInt("noop_with_empty_axes", 0) != 0) return std::vector<bool>{};
        return std::vector<bool>(size_t(rank), true);
    }
    KILN_ASSIGN_OR_RETURN(std::vector<int> normalized, normalizeAxes(ctx, axes, rank));
    std::vector<bool> flags(size_t(rank), false);
    for (int a : normalized) flags[size_t(a)] = true;
    return flags;
}

template <typename Op>
Status reduceKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<bool> flags, reducedAxes<Op>(ctx, x.rank()));
    if (flags.empty() && x.rank() > 0) {  // noop_with_empty_axes with no axes: Y = X
        ctx.setOutput(0, x.clone());
        return Status::ok();
    }
    const ReducePlan p = planReduce(x.dims(), flags, ctx.attrInt("keepdims", 1) != 0);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), p.outDims));
    return dispatchType(NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        reduceSlices<Op, T>(x, p, out->data<T>());
        return Status::ok();
    });
}

}  // namespace

void registerReduceOps(OpRegistry& r) {
    r.add("ReduceSum", reduceKernel<SumOp>);
    r.add("ReduceMean", reduceKernel<MeanOp>);
    r.add("ReduceMax", reduceKernel<MaxOp>);
    r.add("ReduceMin", reduceKernel<MinOp>);
    r.add("ReduceProd", reduceKernel<ProdOp>);
    r.add("ReduceL1", reduceKernel<L1Op>);
    r.add("ReduceL2", reduceKernel<L2Op>);
    r.add("ReduceSumSquare", reduceKernel<SumSquareOp>);
    r.add("ReduceLogSum", reduceKernel<LogSumOp>);
    r.add("ReduceLogSumExp", reduceKernel<LogSumExpOp>);
    registerAxisReduceOps(r);
}

}  // namespace kiln::ops
