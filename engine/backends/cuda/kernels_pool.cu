// MaxPool and AveragePool over 1-3 spatial axes: one thread per output element walks its
// window (the windows are small; neighbouring threads read neighbouring inputs, so the loads
// coalesce through L1). Same rules as the CPU reference (engine/ops/pool.cpp).
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda::own {

namespace {

template <typename T>
__global__ void poolKernel(PoolParams p, const T* __restrict__ x, T* __restrict__ y) {
    const int64_t outPlane = int64_t(p.out[0]) * p.out[1] * p.out[2];
    const int64_t inPlane = int64_t(p.in[0]) * p.in[1] * p.in[2];
    const int64_t total = p.planes * outPlane;
    for (int64_t idx = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += int64_t(gridDim.x) * blockDim.x) {
        const int64_t plane = idx / outPlane;
        int rem = int(idx - plane * outPlane);
        const int o2 = rem % p.out[2];
        rem /= p.out[2];
        const int o1 = rem % p.out[1];
        const int o0 = rem / p.out[1];
        const int s0 = o0 * p.stride[0] - p.padBegin[0], s1 = o1 * p.stride[1] - p.padBegin[1],
                  s2 = o2 * p.stride[2] - p.padBegin[2];
        const T* xp = x + plane * inPlane;
        float best = -3.402823466e+38f;  // the reference's numeric_limits<float>::lowest()
        float sum = 0.f;
        int inside = 0;
        // Window positions inside the padded input, per axis (count_include_pad's divisor).
        int padded0 = 0, padded1 = 0, padded2 = 0;
        for (int k0 = 0; k0 < p.kernel[0]; ++k0) {
            const int c0 = s0 + k0 * p.dilation[0];
            padded0 += c0 >= -p.padBegin[0] && c0 < p.in[0] + p.padEnd[0];
            if (c0 < 0 || c0 >= p.in[0]) continue;
            for (int k1 = 0; k1 < p.kernel[1]; ++k1) {
                const int c1 = s1 + k1 * p.dilation[1];
                if (c1 < 0 || c1 >= p.in[1]) continue;
                const T* row = xp + (int64_t(c0) * p.in[1] + c1) * p.in[2];
                for (int k2 = 0; k2 < p.kernel[2]; ++k2) {
                    const int c2 = s2 + k2 * p.dilation[2];
                    if (c2 < 0 || c2 >= p.in[2]) continue;
                    const float v = dev::toFloat(row[c2]);
                    if (p.isMax) best = v > best ? v : best;
                    else sum += v;
                    ++inside;
                }
            }
        }
        if (p.isMax) {
            y[idx] = dev::fromFloat<T>(best);
            continue;
        }
        int count = inside;
        if (p.countIncludePad) {
            for (int k1 = 0; k1 < p.kernel[1]; ++k1) {
                const int c1 = s1 + k1 * p.dilation[1];
                padded1 += c1 >= -p.padBegin[1] && c1 < p.in[1] + p.padEnd[1];
            }
            for (int k2 = 0; k2 < p.kernel[2]; ++k2) {
                const int c2 = s2 + k2 * p.dilation[2];
                padded2 += c2 >= -p.padBegin[2] && c2 < p.in[2] + p.padEnd[2];
            }
            count = padded0 * padded1 * padded2;
        }
        y[idx] = dev::fromFloat<T>(sum / float(count));
    }
}

}  // namespace

cudaError_t launchPool(const PoolParams& p, DataType t, const void* x, void* y, cudaStream_t stream) {
    const int64_t total = p.planes * int64_t(p.out[0]) * p.out[1] * p.out[2];
    if (total == 0) return cudaSuccess;
    constexpr int kThreads = 256;
    const unsigned blocks = dev::gridFor(total, kThreads);
    if (t == DataType::Float16)
        poolKernel<__half><<<blocks, kThreads, 0, stream>>>(p, static_cast<const __half*>(x), static_cast<__half*>(y));
    else
        poolKernel<float><<<blocks, kThreads, 0, stream>>>(p, static_cast<const float*>(x), static_cast<float*>(y));
    return cudaGetLastError();
}

}  // namespace kiln::cuda::own
