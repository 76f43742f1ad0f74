// Softmax / LogSoftmax and the normalizations (LayerNormalization, inference BatchNormalization,
// InstanceNormalization, GroupNormalization), math in float.
//
// Row kernels (softmax over the last axis, layer norm): rows of up to 1024 elements take one warp
// each, the row held in registers (NV packs of VEC elements per lane, 16-byte loads when the row
// length and pointers allow), so the row is read once and written once. Longer rows take a block
// each, cached in shared memory as float when they fit (otherwise re-read from global memory).
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda::own {

namespace {

using dev::fromFloat;
using dev::loadPack;
using dev::storePack;
using dev::toFloat;

constexpr int kThreads = 256;
constexpr int kWarpRowMax = 1024;
// Rows cached in shared memory: up to 44 KiB, under the 48 KiB a block gets without opting in.
constexpr int64_t kCacheFloats = 44 * 1024 / sizeof(float);

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Calls f.template operator()<VEC, NV>() with VEC = 16 bytes of T when `vectorize` (else 1) and
// NV the smallest power of two with 32 * NV * VEC >= len (len <= kWarpRowMax).
template <typename T, typename F>
void dispatchWarpRow(int64_t len, bool vectorize, F&& f) {
    constexpr int kVec = 16 / sizeof(T);
    const int vec = vectorize ? kVec : 1;
    int nv = 1;
    while (int64_t(32) * nv * vec < len) nv *= 2;
    if (vectorize) {
        switch (nv) {
            case 1: f.template operator()<kVec, 1>(); break;
            case 2: f.template operator()<kVec, 2>(); break;
            case 4: f.template operator()<kVec, 4>(); break;
            default: f.template operator()<kVec, kWarpRowMax / 32 / kVec>(); break;
        }
        return;
    }
    switch (nv) {
        case 1: f.template operator()<1, 1>(); break;
        case 2: f.template operator()<1, 2>(); break;
        case 4: f.template operator()<1, 4>(); break;
        case 8: f.template operator()<1, 8>(); break;
        case 16: f.template operator()<1, 16>(); break;
        default: f.template operator()<1, 32>(); break;
    }
}

// --- softmax ---------------------------------------------------------------------------------
//   softmax(x)_j = exp(x_j - m) / sum_k exp(x_k - m),  logsoftmax(x)_j = x_j - m - log(sum_k exp(x_k - m))
// with m the row maximum. A row with a NaN (or only -inf) comes out NaN, as in the reference.

template <typename T, int VEC, int NV>
__global__ void softmaxWarp(const T* __restrict__ x, T* __restrict__ y, int64_t rows, int len, bool log) {
    const int lane = threadIdx.x & 31;
    const int64_t warps = int64_t(gridDim.x) * (blockDim.x >> 5);
    for (int64_t r = int64_t(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5); r < rows; r += warps) {
        const T* xr = x + r * len;
        T* yr = y + r * len;
        float v[NV][VEC];
        float m = -INFINITY;
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            const int e = (k * 32 + lane) * VEC;
            if (e < len) {
                loadPack<VEC>(xr + e, v[k]);
#pragma unroll
                for (int i = 0; i < VEC; ++i) m = fmaxf(m, v[k][i]);
            }
        }
        m = dev::warpAllReduce(m, dev::Max());
        float sum = 0.f;
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            if ((k * 32 + lane) * VEC < len) {
#pragma unroll
                for (int i = 0; i < VEC; ++i) {
                    v[k][i] -= m;
                    const float e = __expf(v[k][i]);
                    sum += e;
                    if (!log) v[k][i] = e;
                }
            }
        }
        sum = dev::warpAllReduce(sum, dev::Add());
        const float logSum = logf(sum), inv = 1.f / sum;
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            const int e = (k * 32 + lane) * VEC;
            if (e < len) {
#pragma unroll
                for (int i = 0; i < VEC; ++i) v[k][i] = log ? v[k][i] - logSum : v[k][i] * inv;
                storePack<VEC>(yr + e, v[k]);
            }
        }
    }
}

template <typename T, int VEC, bool CACHE>
__global__ void softmaxBlock(const T* __restrict__ x, T* __restrict__ y, int64_t rows, int64_t len, bool log) {
    extern __shared__ float cache[];  // the row, when CACHE (each thread reads back what it wrote)
    __shared__ float scratch[32];
    const int64_t packs = len / VEC;
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * len;
        T* yr = y + r * len;
        float m = -INFINITY;
        for (int64_t q = threadIdx.x; q < packs; q += blockDim.x) {
            float v[VEC];
            loadPack<VEC>(xr + q * VEC, v);
#pragma unroll
            for (int i = 0; i < VEC; ++i) {
                m = fmaxf(m, v[i]);
                if (CACHE) cache[q * VEC + i] = v[i];
            }
        }
        m = dev::blockAllReduce(m, dev::Max(), -INFINITY, scratch);
        float sum = 0.f;
        for (int64_t q = threadIdx.x; q < packs; q += blockDim.x) {
            float v[VEC];
            if (CACHE) {
#pragma unroll
                for (int i = 0; i < VEC; ++i) v[i] = cache[q * VEC + i];
            } else {
                loadPack<VEC>(xr + q * VEC, v);
            }
#pragma unroll
            for (int i = 0; i < VEC; ++i) sum += __expf(v[i] - m);
        }
        sum = dev::blockAllReduce(sum, dev::Add(), 0.f, scratch);
        const float logSum = logf(sum), inv = 1.f / sum;
        for (int64_t q = threadIdx.x; q < packs; q += blockDim.x) {
            float v[VEC];
            if (CACHE) {
#pragma unroll
                for (int i = 0; i < VEC; ++i) v[i] = cache[q * VEC + i];
            } else {
                loadPack<VEC>(xr + q * VEC, v);
            }
#pragma unroll
            for (int i = 0; i < VEC; ++i) v[i] = log ? v[i] - m - logSum : __expf(v[i] - m) * inv;
            storePack<VEC>(yr + q * VEC, v);
        }
    }
}

// Groups along a non-last axis: one thread per (o, i), consecutive threads on consecutive i.
template <typename T>
__global__ void softmaxStrided(const T* __restrict__ x, T* __restrict__ y, int64_t outer, int64_t len, int64_t inner,
                               bool log) {
    for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < outer * inner; t += int64_t(gridDim.x) * blockDim.x) {
        const int64_t o = t / inner;
        const int64_t base = o * len * inner + (t - o * inner);
        float m = -INFINITY;
        for (int64_t j = 0; j < len; ++j) m = fmaxf(m, toFloat(x[base + j * inner]));
        float sum = 0.f;
        for (int64_t j = 0; j < len; ++j) sum += __expf(toFloat(x[base + j * inner]) - m);
        const float logSum = logf(sum), inv = 1.f / sum;
        for (int64_t j = 0; j < len; ++j) {
            const float v = toFloat(x[base + j * inner]) - m;
            y[base + j * inner] = fromFloat<T>(log ? v - logSum : __expf(v) * inv);
        }
    }
}

template <typename T>
void softmaxTyped(bool log, const T* x, T* y, int64_t outer, int64_t len, int64_t inner, cudaStream_t s) {
    constexpr int kVec = 16 / sizeof(T);
    const bool vectorize = len % kVec == 0 && aligned16(x) && aligned16(y);
    if (inner > 1) {
        softmaxStrided<T><<<dev::gridFor(outer * inner, kThreads), kThreads, 0, s>>>(x, y, outer, len, inner, log);
    } else if (len <= kWarpRowMax) {
        dispatchWarpRow<T>(len, vectorize, [&]<int VEC, int NV>() {
            softmaxWarp<T, VEC, NV><<<dev::gridFor(outer, kThreads / 32), kThreads, 0, s>>>(x, y, outer, int(len), log);
        });
    } else {
        const unsigned blocks = dev::gridFor(outer, 1);
        const bool cache = len <= kCacheFloats;
        const size_t smem = cache ? size_t(len) * sizeof(float) : 0;
        if (vectorize && cache) softmaxBlock<T, kVec, true><<<blocks, 512, smem, s>>>(x, y, outer, len, log);
        else if (vectorize) softmaxBlock<T, kVec, false><<<blocks, 512, 0, s>>>(x, y, outer, len, log);
        else if (cache) softmaxBlock<T, 1, true><<<blocks, 512, smem, s>>>(x, y, outer, len, log);
        else softmaxBlock<T, 1, false><<<blocks, 512, 0, s>>>(x, y, outer, len, log);
    }
}

// --- layer normalization ---------------------------------------------------------------------
//   y = (x - mean) * rsqrt(var + epsilon) * gamma + beta per row (two-pass variance).

__device__ __forceinline__ void writeStat(void* p, DataType t, int64_t r, float v) {
    if (!p) return;
    if (t == DataType::Float16) static_cast<__half*>(p)[r] = __float2half_rn(v);
    else static_cast<float*>(p)[r] = v;
}

template <typename T, int VEC, int NV>
__global__ void layerNormWarp(LayerNormArgs a) {
    const T* __restrict__ x = static_cast<const T*>(a.x);
    const T* __restrict__ gamma = static_cast<const T*>(a.gamma);
    const T* __restrict__ beta = static_cast<const T*>(a.beta);
    T* __restrict__ y = static_cast<T*>(a.y);
    const int cols = int(a.cols), lane = threadIdx.x & 31;
    const int64_t warps = int64_t(gridDim.x) * (blockDim.x >> 5);
    for (int64_t r = int64_t(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5); r < a.rows; r += warps) {
        float v[NV][VEC];
        float sum = 0.f;
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            const int e = (k * 32 + lane) * VEC;
            if (e < cols) {
                loadPack<VEC>(x + r * cols + e, v[k]);
#pragma unroll
                for (int i = 0; i < VEC; ++i) sum += v[k][i];
            }
        }
        const float mean = dev::warpAllReduce(sum, dev::Add()) / float(cols);
        float sq = 0.f;
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            if ((k * 32 + lane) * VEC < cols) {
#pragma unroll
                for (int i = 0; i < VEC; ++i) {
                    v[k][i] -= mean;
                    sq += v[k][i] * v[k][i];
                }
            }
        }
        const float invStd = rsqrtf(dev::warpAllReduce(sq, dev::Add()) / float(cols) + a.epsilon);
#pragma unroll
        for (int k = 0; k < NV; ++k) {
            const int e = (k * 32 + lane) * VEC;
            if (e < cols) {
                float g[VEC], b[VEC] = {};
                loadPack<VEC>(gamma + e, g);
                if (beta) loadPack<VEC>(beta + e, b);
#pragma unroll
                for (int i = 0; i < VEC; ++i) v[k][i] = v[k][i] * invStd * g[i] + b[i];
                storePack<VEC>(y + r * cols + e, v[k]);
            }
        }
        if (lane == 0) {
            writeStat(a.mean, a.statType, r, mean);
            writeStat(a.invStd, a.statType, r, invStd);
        }
    }
}

template <typename T, bool CACHE>
__global__ void layerNormBlock(LayerNormArgs a) {
    extern __shared__ float cache[];
    __shared__ float scratch[32];
    const T* __restrict__ x = static_cast<const T*>(a.x);
    const T* __restrict__ gamma = static_cast<const T*>(a.gamma);
    const T* __restrict__ beta = static_cast<const T*>(a.beta);
    T* __restrict__ y = static_cast<T*>(a.y);
    const int64_t cols = a.cols;
    for (int64_t r = blockIdx.x; r < a.rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        float sum = 0.f;
        for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
            const float v = toFloat(xr[j]);
            if (CACHE) cache[j] = v;
            sum += v;
        }
        const float mean = dev::blockAllReduce(sum, dev::Add(), 0.f, scratch) / float(cols);
        float sq = 0.f;
        for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
            const float d = (CACHE ? cache[j] : toFloat(xr[j])) - mean;
            sq += d * d;
        }
        const float invStd = rsqrtf(dev::blockAllReduce(sq, dev::Add(), 0.f, scratch) / float(cols) + a.epsilon);
        for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
            const float v = (CACHE ? cache[j] : toFloat(xr[j])) - mean;
            y[r * cols + j] = fromFloat<T>(v * invStd * toFloat(gamma[j]) + (beta ? toFloat(beta[j]) : 0.f));
        }
        if (threadIdx.x == 0) {
            writeStat(a.mean, a.statType, r, mean);
            writeStat(a.invStd, a.statType, r, invStd);
        }
    }
}

template <typename T>
void layerNormTyped(const LayerNormArgs& a, cudaStream_t s) {
    constexpr int kVec = 16 / sizeof(T);
    if (a.cols <= kWarpRowMax) {
        const bool vectorize = a.cols % kVec == 0 && aligned16(a.x) && aligned16(a.y) && aligned16(a.gamma) &&
                               (!a.beta || aligned16(a.beta));
        dispatchWarpRow<T>(a.cols, vectorize, [&]<int VEC, int NV>() {
            layerNormWarp<T, VEC, NV><<<dev::gridFor(a.rows, kThreads / 32), kThreads, 0, s>>>(a);
        });
    } else if (a.cols <= kCacheFloats) {
        layerNormBlock<T, true><<<dev::gridFor(a.rows, 1), 512, size_t(a.cols) * sizeof(float), s>>>(a);
    } else {
        layerNormBlock<T, false><<<dev::gridFor(a.rows, 1), 512, 0, s>>>(a);
    }
}

// --- batch / instance / group normalization --------------------------------------------------

template <typename T>
__global__ void channelAffine(const T* __restrict__ x, T* __restrict__ y, const float* __restrict__ scale,
                              const float* __restrict__ shift, int64_t count, int64_t inner, int64_t params) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t p = (i / inner) % params;
        y[i] = fromFloat<T>(toFloat(x[i]) * scale[p] + shift[p]);
    }
}

// One block per (n, group) segment of channelsPerGroup * inner contiguous elements: mean, then
// the variance around it, then the output (three reads, the later ones mostly from L2).
template <typename T>
__global__ void groupNormKernel(GroupNormArgs a) {
    __shared__ float scratch[32];
    const T* __restrict__ x = static_cast<const T*>(a.x);
    T* __restrict__ y = static_cast<T*>(a.y);
    const int64_t len = a.channelsPerGroup * a.inner;
    for (int64_t seg = blockIdx.x; seg < a.segments; seg += gridDim.x) {
        const T* xs = x + seg * len;
        float sum = 0.f;
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x) sum += toFloat(xs[j]);
        const float mean = dev::blockAllReduce(sum, dev::Add(), 0.f, scratch) / float(len);
        float sq = 0.f;
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x) {
            const float d = toFloat(xs[j]) - mean;
            sq += d * d;
        }
        const float invStd = rsqrtf(dev::blockAllReduce(sq, dev::Add(), 0.f, scratch) / float(len) + a.epsilon);
        const int64_t group = seg % a.groups;
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x) {
            const int64_t p = a.perChannel ? group * a.channelsPerGroup + j / a.inner : group;
            y[seg * len + j] = fromFloat<T>((toFloat(xs[j]) - mean) * invStd * a.scale[p] + a.bias[p]);
        }
    }
}

}  // namespace

cudaError_t launchSoftmax(bool log, DataType t, const void* x, void* y, int64_t outer, int64_t len, int64_t inner,
                          cudaStream_t stream) {
    if (outer * len * inner == 0) return cudaSuccess;
    if (t == DataType::Float16)
        softmaxTyped(log, static_cast<const __half*>(x), static_cast<__half*>(y), outer, len, inner, stream);
    else
        softmaxTyped(log, static_cast<const float*>(x), static_cast<float*>(y), outer, len, inner, stream);
    return cudaGetLastError();
}

cudaError_t launchLayerNorm(const LayerNormArgs& a, DataType t, cudaStream_t stream) {
    if (a.rows == 0 || a.cols == 0) return cudaSuccess;
    if (t == DataType::Float16) layerNormTyped<__half>(a, stream);
    else layerNormTyped<float>(a, stream);
    return cudaGetLastError();
}

cudaError_t launchChannelAffine(DataType t, const void* x, void* y, const float* scale, const float* shift, int64_t count,
                                int64_t inner, int64_t params, cudaStream_t stream) {
    if (count == 0) return cudaSuccess;
    const unsigned blocks = dev::gridFor(count, kThreads);
    if (t == DataType::Float16)
        channelAffine<<<blocks, kThreads, 0, stream>>>(static_cast<const __half*>(x), static_cast<__half*>(y), scale, shift,
                                                       count, inner, params);
    else
        channelAffine<<<blocks, kThreads, 0, stream>>>(static_cast<const float*>(x), static_cast<float*>(y), scale, shift,
                                                       count, inner, params);
    return cudaGetLastError();
}

cudaError_t launchGroupNorm(const GroupNormArgs& a, DataType t, cudaStream_t stream) {
    if (a.segments == 0 || a.channelsPerGroup * a.inner == 0) return cudaSuccess;
    const unsigned blocks = dev::gridFor(a.segments, 1);
    if (t == DataType::Float16) groupNormKernel<__half><<<blocks, 512, 0, stream>>>(a);
    else groupNormKernel<float><<<blocks, 512, 0, stream>>>(a);
    return cudaGetLastError();
}

}  // namespace kiln::cuda::own
