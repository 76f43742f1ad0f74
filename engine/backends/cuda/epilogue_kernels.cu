// Kiln's own epilogue kernel (see epilogue_kernels.h): bias, residual and activation in one pass
// over the output, in place. Memory bound: four elements per thread with vector loads when the
// output and residual allow it.
#include "backends/cuda/epilogue_kernels.h"

#include <cuda_fp16.h>

#include <algorithm>

#include "backends/cuda/cuda_common.h"

namespace kiln::cuda {

namespace {

using ops::ActivationKind;

struct DeviceActivation {
    ActivationKind kind;
    float alpha, beta;
};

// The CPU reference's formulas (ops/activation_fn.h: applyActivation), in float.
__device__ __forceinline__ float activate(const DeviceActivation& a, float x) {
    switch (a.kind) {
    case ActivationKind::None: return x;
    case ActivationKind::Relu: return x > 0.f ? x : 0.f;
    case ActivationKind::Clip: return x < a.alpha ? a.alpha : (x > a.beta ? a.beta : x);
    case ActivationKind::LeakyRelu: return x >= 0.f ? x : a.alpha * x;
    case ActivationKind::Sigmoid: return 1.f / (1.f + expf(-x));
    case ActivationKind::Tanh: return tanhf(x);
    case ActivationKind::HardSigmoid: return fmaxf(0.f, fminf(1.f, a.alpha * x + a.beta));
    case ActivationKind::HardSwish: return x * fmaxf(0.f, fminf(1.f, x / 6.f + 0.5f));
    case ActivationKind::Silu: return x / (1.f + expf(-x));
    case ActivationKind::Gelu: return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
    case ActivationKind::GeluTanh: return 0.5f * x * (1.f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case ActivationKind::Elu: return x >= 0.f ? x : a.alpha * (expf(x) - 1.f);
    }
    return x;
}

__device__ __forceinline__ float toFloat(float v) { return v; }
__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }
template <typename T> __device__ __forceinline__ T fromFloat(float v);
template <> __device__ __forceinline__ float fromFloat<float>(float v) { return v; }
template <> __device__ __forceinline__ __half fromFloat<__half>(float v) { return __float2half_rn(v); }

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
    T v[V];
};

struct BiasIndex {
    int64_t div, mod;
    __device__ __forceinline__ int64_t operator()(int64_t i) const { return div == 1 ? i % mod : (i / div) % mod; }
};

// Thread t handles elements [t * V, t * V + V). count is a multiple of V.
template <typename T, int V>
__global__ void epilogueKernel(T* __restrict__ y, int64_t count, const T* __restrict__ bias, float biasScale,
                               BiasIndex bi, const T* __restrict__ residual, DeviceActivation act) {
    const int64_t stride = int64_t(gridDim.x) * blockDim.x * V;
    for (int64_t i0 = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * V; i0 < count; i0 += stride) {
        Pack<T, V> out = *reinterpret_cast<const Pack<T, V>*>(y + i0);
        Pack<T, V> res;
        if (residual) res = *reinterpret_cast<const Pack<T, V>*>(residual + i0);
#pragma unroll
        for (int j = 0; j < V; ++j) {
            float v = toFloat(out.v[j]);
            if (bias) v += biasScale * toFloat(bias[bi(i0 + j)]);
            if (residual) v += toFloat(res.v[j]);
            out.v[j] = fromFloat<T>(activate(act, v));
        }
        *reinterpret_cast<Pack<T, V>*>(y + i0) = out;
    }
}

template <typename T>
void launchTyped(const EpilogueLaunch& e, cudaStream_t stream) {
    constexpr int kThreads = 256;
    auto aligned = [](const void* p, size_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; };
    const bool vec = e.count % 4 == 0 && aligned(e.y, 4 * sizeof(T)) && (!e.residual || aligned(e.residual, 4 * sizeof(T)));
    const int v = vec ? 4 : 1;
    const int64_t threads = (e.count + v - 1) / v;
    const unsigned blocks = unsigned(std::min<int64_t>((threads + kThreads - 1) / kThreads, 65535LL * 8));
    const BiasIndex bi{e.biasDiv, e.biasMod};
    const DeviceActivation act{e.activation.kind, e.activation.alpha, e.activation.beta};
    T* y = static_cast<T*>(e.y);
    const T* bias = static_cast<const T*>(e.bias);
    const T* res = static_cast<const T*>(e.residual);
    if (vec) epilogueKernel<T, 4><<<blocks, kThreads, 0, stream>>>(y, e.count, bias, e.biasScale, bi, res, act);
    else epilogueKernel<T, 1><<<blocks, kThreads, 0, stream>>>(y, e.count, bias, e.biasScale, bi, res, act);
}

}  // namespace

Status launchEpilogue(const EpilogueLaunch& e, cudaStream_t stream) {
    if (e.empty() || e.count == 0) return Status::ok();
    if (e.type == DataType::Float32) launchTyped<float>(e, stream);
    else if (e.type == DataType::Float16) launchTyped<__half>(e, stream);
    else return unsupported(std::string("the epilogue kernel has no ") + dataTypeName(e.type) + " version");
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

}  // namespace kiln::cuda
