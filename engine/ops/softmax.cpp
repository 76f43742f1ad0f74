// Softmax, LogSoftmax and Hardmax.
// Before opset 13 the input is coerced to 2-D, [prod(dims[:axis]), prod(dims[axis:])] with
// axis defaulting to 1, and each row is one group. From 13, each group is a 1-D slice along
// axis (default -1).
#include <cmath>
#include <vector>

#include "ops/common.h"

namespace kiln::ops {
namespace {

// The groups as [outer, len, inner]: element j of group (o, i) is at (o * len + j) * inner + i.
struct Groups {
    int64_t outer = 1, len = 1, inner = 1;
};

Expected<Groups> groupsFor(const KernelContext& ctx, const HostTensor& x) {
    const bool coerce2d = ctx.opset() < 13;
    const int rank = x.rank();
    int axis = 0;
    if (coerce2d) {
        // The 2-D coercion accepts axis in [-rank, rank]; axis == rank makes rows of one element.
        const int64_t a = ctx.attrInt("axis", 1);
        if (a < -rank || a > rank) return ctx.error("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
        axis = int(a < 0 ? a + rank : a);
    } else {
        if (rank == 0) return ctx.error("input must have rank >= 1");
        KILN_ASSIGN_OR_RETURN(axis, normalizeAxis(ctx, ctx.attrInt("axis", -1), rank));
    }
    Groups g;
    for (int i = 0; i < rank; ++i) {
        const int64_t d = x.dims()[size_t(i)];
        if (i < axis) g.outer *= d;
        else if (i == axis || coerce2d) g.len *= d;
        else g.inner *= d;
    }
    return g;
}

enum class Mode { Softmax, LogSoftmax, Hardmax };

// softmax(x)_j = exp(x_j - m) / sum_k exp(x_k - m), m = max_k x_k (subtracted for stability);
// logsoftmax(x)_j = x_j - m - log(sum_k exp(x_k - m));
// hardmax(x)_j = 1 if j is the first index of the maximum, else 0.
template <typename T, Mode mode>
void runGroups(const Groups& g, const T* px, T* py) {
    using A = AccType<T>;
    for (int64_t o = 0; o < g.outer; ++o) {
        for (int64_t i = 0; i < g.inner; ++i) {
            const int64_t base = o * g.len * g.inner + i;
            auto at = [&](int64_t j) { return base + j * g.inner; };
            A m = static_cast<A>(px[at(0)]);
            int64_t argMax = 0;
            for (int64_t j = 1; j < g.len; ++j) {
                const A v = static_cast<A>(px[at(j)]);
                if (v > m) { m = v; argMax = j; }
            }
            if constexpr (mode == Mode::Hardmax) {
                for (int64_t j = 0; j < g.len; ++j) py[at(j)] = static_cast<T>(A(j == argMax ? 1 : 0));
                continue;
            }
            A sum(0);
            for (int64_t j = 0; j < g.len; ++j) sum += std::exp(static_cast<A>(px[at(j)]) - m);
            if constexpr (mode == Mode::Softmax) {
                for (int64_t j = 0; j < g.len; ++j) py[at(j)] = static_cast<T>(std::exp(static_cast<A>(px[at(j)]) - m) / sum);
            } else {
                const A logSum = std::log(sum);
                for (int64_t j = 0; j < g.len; ++j) py[at(j)] = static_cast<T>(static_cast<A>(px[at(j)]) - m - logSum);
            }
        }
    }
}

template <Mode mode>
Status softmaxFamilyKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (!isFloatingPoint(x.dtype())) return ctx.error(std::string("input must be a float tensor, got ") + dataTypeName(x.dtype()));
    KILN_ASSIGN_OR_RETURN(Groups g, groupsFor(ctx, x));
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    if (x.numel() == 0 || g.len == 0) return Status::ok();
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        runGroups<T, mode>(g, x.data<T>(), y->data<T>());
        return Status::ok();
    });
}

}  // namespace

void registerSoftmaxOps(OpRegistry& r) {
    r.add("Softmax", softmaxFamilyKernel<Mode::Softmax>);
    r.add("LogSoftmax", softmaxFamilyKernel<Mode::LogSoftmax>);
    r.add("Hardmax", softmaxFamilyKernel<Mode::Hardmax>);
}

}  // namespace kiln::ops
