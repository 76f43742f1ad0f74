// LRN (local response normalization across channels) and MeanVarianceNormalization.
#include "ops/normalization_internal.h"

namespace kiln::ops {

// X [N, C, D1, ..., Dk]:
//   square_sum[n, c, d] = sum(X[n, i, d]^2) for i in [max(0, c - floor((size - 1) / 2)),
//                                                    min(C - 1, c + ceil((size - 1) / 2))]
//   Y[n, c, d] = X[n, c, d] / (bias + alpha / size * square_sum[n, c, d])^beta
Status lrnKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("X must have rank >= 2 ([N, C, ...]), got " + dimsToString(x.dims()));
    const int64_t size = ctx.attrInt("size", 0);
    if (size <= 0) return ctx.error("attribute 'size' must be positive, got " + std::to_string(size));
    const double alpha = ctx.attrFloat("alpha", 1e-4f);
    const double beta = ctx.attrFloat("beta", 0.75f);
    const double bias = ctx.attrFloat("bias", 1.0f);
    const int64_t n = x.dim(0), c = x.dim(1);
    const int64_t inner = dimsProduct(x.dims(), 2, x.dims().size());
    const int64_t before = (size - 1) / 2, after = size - 1 - before;  // floor and ceil of (size - 1) / 2

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        auto at = [&](int64_t ni, int64_t ci, int64_t s) {
            return static_cast<double>(static_cast<AccType<T>>(x.data<T>()[(ni * c + ci) * inner + s]));
        };
        T* py = y->data<T>();
        for (int64_t ni = 0; ni < n; ++ni)
            for (int64_t ci = 0; ci < c; ++ci) {
                const int64_t lo = std::max<int64_t>(0, ci - before), hi = std::min(c - 1, ci + after);
                for (int64_t s = 0; s < inner; ++s) {
                    double sq = 0.0;
                    for (int64_t i = lo; i <= hi; ++i) sq += at(ni, i, s) * at(ni, i, s);
                    py[(ni * c + ci) * inner + s] =
                        fromDouble<T>(at(ni, ci, s) / std::pow(bias + alpha / double(size) * sq, beta));
                }
            }
        return Status::ok();
    });
}

// Y = (X - mean) / (sqrt(var) + 1e-9), mean and population variance taken over `axes`
// (default [0, 2, 3]), as in the op's function body.
Status meanVarianceNormKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, ctx.attrInts("axes", {0, 2, 3}), x.rank()));
    std::vector<int64_t> statDims = x.dims();  // X's dims with the reduced axes set to 1
    for (int a : axes) statDims[size_t(a)] = 1;
    const int64_t numStats = dimsProduct(statDims, 0, statDims.size());
    const double count = numStats > 0 ? double(x.numel()) / double(numStats) : 0.0;
    const std::vector<int64_t> statStrides = broadcastStrides(statDims, x.dims());
    constexpr double kEpsilon = 1e-9;

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const T* px = x.data<T>();
        T* py = y->data<T>();
        auto value = [&](int64_t i) { return static_cast<double>(static_cast<AccType<T>>(px[i])); };
        std::vector<double> mean(size_t(numStats), 0.0), var(size_t(numStats), 0.0);
        MultiIndexer sumIt(x.dims(), {statStrides});
        for (int64_t i = 0; i < x.numel(); ++i, sumIt.next()) mean[size_t(sumIt.offset(0))] += value(i);
        for (double& m : mean) m /= count;
        MultiIndexer varIt(x.dims(), {statStrides});
        for (int64_t i = 0; i < x.numel(); ++i, varIt.next()) {
            const double d = value(i) - mean[size_t(varIt.offset(0))];
            var[size_t(varIt.offset(0))] += d * d;
        }
        for (double& v : var) v = std::sqrt(v / count) + kEpsilon;  // now the divisor
        MultiIndexer outIt(x.dims(), {statStrides});
        for (int64_t i = 0; i < x.numel(); ++i, outIt.next()) {
            const size_t p = size_t(outIt.offset(0));
            py[i] = fromDouble<T>((value(i) - mean[p]) / var[p]);
        }
        return Status::ok();
    });
}

}  // namespace kiln::ops
