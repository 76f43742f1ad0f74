// Single-axis ops: ArgMax, ArgMin, CumSum, TopK. Each views x as [outer, len, inner] around
// its axis; element j of slice (o, i) is at (o * len + j) * inner + i.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ops/common.h"
#include "ops/reduce_internal.h"

namespace kiln::ops {
namespace {

struct AxisSplit {
    int64_t outer = 1, len = 1, inner = 1;
};

AxisSplit splitAt(const std::vector<int64_t>& dims, int axis) {
    AxisSplit s;
    for (int i = 0; i < int(dims.size()); ++i) {
        if (i < axis) s.outer *= dims[size_t(i)];
        else if (i == axis) s.len = dims[size_t(i)];
        else s.inner *= dims[size_t(i)];
    }
    return s;
}

// ArgMax / ArgMin: the index of the first (or, with select_last_index, the last) extreme
// element along axis, as int64.
template <bool isMax>
Status argExtremeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() == 0) return ctx.error("input must have rank >= 1");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), x.rank()));
    const bool keepdims = ctx.attrInt("keepdims", 1) != 0;
    const bool selectLast = ctx.attrInt("select_last_index", 0) != 0;
    const AxisSplit s = splitAt(x.dims(), axis);
    if (s.len == 0) return ctx.error("cannot take the index of an extreme over an empty axis");
    std::vector<int64_t> outDims = x.dims();
    if (keepdims) outDims[size_t(axis)] = 1;
    else outDims.erase(outDims.begin() + axis);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, DataType::Int64, outDims));
    int64_t* po = out->data<int64_t>();
    return dispatchType(NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = ReduceAcc<T>;
        const T* px = x.data<T>();
        for (int64_t o = 0; o < s.outer; ++o) {
            for (int64_t i = 0; i < s.inner; ++i) {
                const T* base = px + o * s.len * s.inner + i;
                A best = static_cast<A>(base[0]);
                int64_t bestIndex = 0;
                for (int64_t j = 1; j < s.len; ++j) {
                    const A v = static_cast<A>(base[j * s.inner]);
                    const bool better = isMax ? v > best : v < best;
                    if (better || (selectLast && v == best)) { best = v; bestIndex = j; }
                }
                po[o * s.inner + i] = bestIndex;
            }
        }
        return Status::ok();
    });
}

// CumSum: y[j] = sum of x[0..j] along axis (x[0..j) when exclusive; from the end when reverse).
Status cumSumKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& axisTensor = ctx.input(1);
    if (axisTensor.numel() != 1 || axisTensor.rank() > 1) return ctx.error("axis must be a scalar or a 1-element tensor");
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> axisValue, intsFromInput(ctx, 1, {}));
    if (x.rank() == 0) return ctx.error("input must have rank >= 1");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue[0], x.rank()));
    const bool exclusive = ctx.attrInt("exclusive", 0) != 0, reverse = ctx.attrInt("reverse", 0) != 0;
    const AxisSplit s = splitAt(x.dims(), axis);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = ReduceAcc<T>;
        const T* px = x.data<T>();
        T* py = out->data<T>();
        for (int64_t o = 0; o < s.outer; ++o) {
            for (int64_t i = 0; i < s.inner; ++i) {
                const int64_t base = o * s.len * s.inner + i;
                A acc(0);
                for (int64_t step = 0; step < s.len; ++step) {
                    const int64_t at = base + (reverse ? s.len - 1 - step : step) * s.inner;
                    const A v = static_cast<A>(px[at]);
                    if (!exclusive) acc += v;
                    py[at] = static_cast<T>(acc);
                    if (exclusive) acc += v;
                }
            }
        }
        return Status::ok();
    });
}

// Orders slice positions for TopK: by value (descending when largest), ties by lower index.
// NaN counts as larger than every number, which keeps the order strict.
template <typename A>
struct TopKOrder {
    const A* vals;
    bool largest;
    static bool greater(A a, A b) {
        if constexpr (std::is_floating_point_v<A>) {
            if (std::isnan(a)) return !std::isnan(b);
            if (std::isnan(b)) return false;
        }
        return a > b;
    }
    bool operator()(int64_t a, int64_t b) const {
        const A va = vals[a], vb = vals[b];
        const bool before = largest ? greater(va, vb) : greater(vb, va);
        const bool after = largest ? greater(vb, va) : greater(va, vb);
        return before || (!after && a < b);
    }
};

template <typename T>
void topKSlices(const HostTensor& x, const AxisSplit& s, int64_t k, bool largest, T* values, int64_t* indices) {
    using A = ReduceAcc<T>;
    const T* px = x.data<T>();
    std::vector<A> vals(size_t(s.len));
    std::vector<int64_t> order(size_t(s.len));
    for (int64_t o = 0; o < s.outer; ++o) {
        for (int64_t i = 0; i < s.inner; ++i) {
            const T* base = px + o * s.len * s.inner + i;
            for (int64_t j = 0; j < s.len; ++j) vals[size_t(j)] = static_cast<A>(base[j * s.inner]);
            std::iota(order.begin(), order.end(), int64_t(0));
            std::partial_sort(order.begin(), order.begin() + k, order.end(), TopKOrder<A>{vals.data(), largest});
            for (int64_t j = 0; j < k; ++j) {
                const int64_t at = (o * k + j) * s.inner + i;
                values[at] = base[order[size_t(j)] * s.inner];
                indices[at] = order[size_t(j)];
            }
        }
    }
}

// TopK: the k largest (or smallest) elements along axis and their indices, sorted. k is an
// attribute before opset 10 and an input from 10; largest/sorted arrive in opset 11.
Status topKKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    int64_t k = 0;
    if (ctx.opset() < 10) {
        if (!ctx.hasAttr("k")) return ctx.error("attribute k is required before opset 10");
        k = ctx.attrInt("k", 0);
    } else {
        if (!ctx.hasInput(1) || ctx.input(1).numel() != 1) return ctx.error("input K must be a 1-element tensor");
        KILN_ASSIGN_OR_RETURN(std::vector<int64_t> kv, intsFromInput(ctx, 1, {}));
        k = kv[0];
    }
    if (x.rank() == 0) return ctx.error("input must have rank >= 1");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", -1), x.rank()));
    const AxisSplit s = splitAt(x.dims(), axis);
    if (k < 0 || k > s.len)
        return ctx.error("k = " + std::to_string(k) + " is outside [0, " + std::to_string(s.len) + "], the axis size");
    const bool largest = ctx.attrInt("largest", 1) != 0;
    // sorted = 0 allows any order; the sorted order is one of them.
    std::vector<int64_t> outDims = x.dims();
    outDims[size_t(axis)] = k;
    KILN_ASSIGN_OR_RETURN(HostTensor * values, ctx.allocateOutput(0, x.dtype(), outDims));
    HostTensor indicesScratch;
    HostTensor* indices = &indicesScratch;
    if (ctx.numOutputs() > 1) {
        KILN_ASSIGN_OR_RETURN(indices, ctx.allocateOutput(1, DataType::Int64, outDims));
    } else {
        indicesScratch = HostTensor(DataType::Int64, outDims);
    }
    return dispatchType(NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        topKSlices<T>(x, s, k, largest, values->data<T>(), indices->data<int64_t>());
        return Status::ok();
    });
}

}  // namespace

void registerAxisReduceOps(OpRegistry& r) {
    r.add("ArgMax", argExtremeKernel<true>);
    r.add("ArgMin", argExtremeKernel<false>);
    r.add("CumSum", cumSumKernel, 2);
    r.add("TopK", topKKernel);
}

}  // namespace kiln::ops
