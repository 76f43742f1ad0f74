// Private to the normalization family (normalization*.cpp): the kernels and the small helpers
// they share. Statistics are accumulated in double, so the reference is at least as accurate as
// any float32/float16 implementation it is compared with.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/common.h"

namespace kiln::ops {

Status batchNormKernel(KernelContext& ctx);
Status instanceNormKernel(KernelContext& ctx);
Status layerNormKernel(KernelContext& ctx);
Status groupNormKernel(KernelContext& ctx);
Status lrnKernel(KernelContext& ctx);
Status meanVarianceNormKernel(KernelContext& ctx);

// The elements of a floating-point tensor (float16/bfloat16/float32/float64), widened to double.
inline Expected<std::vector<double>> toDoubles(const KernelContext& ctx, const HostTensor& t, const std::string& what) {
    std::vector<double> v(size_t(t.numel()));
    Status st = dispatchType(FloatTypes{}, t.dtype(), [&]<typename T>() -> Status {
        const T* p = t.data<T>();
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(static_cast<AccType<T>>(p[i]));
        return Status::ok();
    });
    if (!st) return ctx.error(what + ": " + st.message());
    return v;
}

// double -> element type T (float16/bfloat16 round to nearest even through float).
template <typename T>
T fromDouble(double v) {
    return static_cast<T>(static_cast<AccType<T>>(v));
}

// Writes values (widened) into a floating-point tensor of the same element count.
inline Status storeDoubles(const KernelContext& ctx, HostTensor& t, const std::vector<double>& v) {
    Status st = dispatchType(FloatTypes{}, t.dtype(), [&]<typename T>() -> Status {
        T* p = t.data<T>();
        for (size_t i = 0; i < v.size(); ++i) p[i] = fromDouble<T>(v[i]);
        return Status::ok();
    });
    return st ? st : ctx.error(st.message());
}

struct MeanVar {
    double mean = 0.0;
    double var = 0.0;  // population (biased) variance: mean((x - mean)^2)
};

// Two-pass mean and variance of count contiguous elements.
template <typename T>
MeanVar blockMeanVar(const T* x, int64_t count) {
    MeanVar r;
    if (count <= 0) return r;
    double sum = 0.0;
    for (int64_t i = 0; i < count; ++i) sum += static_cast<double>(static_cast<AccType<T>>(x[i]));
    r.mean = sum / double(count);
    double sq = 0.0;
    for (int64_t i = 0; i < count; ++i) {
        const double d = static_cast<double>(static_cast<AccType<T>>(x[i])) - r.mean;
        sq += d * d;
    }
    r.var = sq / double(count);
    return r;
}

// Product of dims[begin:end].
inline int64_t dimsProduct(const std::vector<int64_t>& dims, size_t begin, size_t end) {
    int64_t p = 1;
    for (size_t i = begin; i < end && i < dims.size(); ++i) p *= dims[i];
    return p;
}

}  // namespace kiln::ops
