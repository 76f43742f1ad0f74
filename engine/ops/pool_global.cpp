// Global pooling: one value per (n, c) plane, the planes in parallel.
//   X [N, C, D1..Dn] -> Y [N, C, 1, .., 1]
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"
#include "ops/parallel.h"

namespace kiln::ops {
namespace {

// Allocates Y and calls reduce(plane, count) -> AccType<T> for every plane of X.
template <typename Reduce>
Status globalPool(KernelContext& ctx, Reduce&& reduce) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2)
        return ctx.error("input X must have rank >= 2 ([N, C, D1, ...]), got rank " + std::to_string(x.rank()));
    std::vector<int64_t> dims(x.dims().begin(), x.dims().begin() + 2);
    dims.resize(size_t(x.rank()), 1);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), dims));
    const int64_t planes = x.dim(0) * x.dim(1);
    const int64_t count = product(x.dims(), 2);
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const T* px = x.data<T>();
        T* py = y->data<T>();
        [[maybe_unused]] const int threads = kernelThreads(double(planes) * double(count));
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t p = 0; p < planes; ++p) py[p] = T(reduce(px + p * count, count));
        return Status::ok();
    });
}

}  // namespace

// Y = mean over the plane.
Status globalAveragePoolKernel(KernelContext& ctx) {
    return globalPool(ctx, []<typename T>(const T* x, int64_t count) {
        using A = AccType<T>;
        A sum = 0;
        for (int64_t i = 0; i < count; ++i) sum += A(x[i]);
        return sum / A(count);
    });
}

// Y = max over the plane.
Status globalMaxPoolKernel(KernelContext& ctx) {
    return globalPool(ctx, []<typename T>(const T* x, int64_t count) {
        using A = AccType<T>;
        A best = count > 0 ? A(x[0]) : std::numeric_limits<A>::lowest();
        for (int64_t i = 1; i < count; ++i) best = std::max(best, A(x[i]));
        return best;
    });
}

// Y = (sum over the plane of |x|^p)^(1/p).
Status globalLpPoolKernel(KernelContext& ctx) {
    const float p = lpPoolExponent(ctx);
    if (!(p > 0)) return ctx.error("p must be > 0");
    return globalPool(ctx, [p]<typename T>(const T* x, int64_t count) {
        using A = AccType<T>;
        A sum = 0;
        for (int64_t i = 0; i < count; ++i) sum += std::pow(std::abs(A(x[i])), A(p));
        return std::pow(sum, A(1) / A(p));
    });
}

}  // namespace kiln::ops
