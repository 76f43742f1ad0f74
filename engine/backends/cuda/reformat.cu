// Cast on the GPU: the reformat layers the builder inserts between layers of different precision
// (float32 <-> float16), and ONNX Cast between float, integer and bool types.
#include <cuda_fp16.h>

#include <cstdint>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"

namespace kiln::cuda {

namespace {

template <typename S, typename D>
__device__ __forceinline__ D convertOne(S v) {
    if constexpr (std::is_same_v<D, bool>) return float(v) != 0.0f;
    else if constexpr (std::is_same_v<S, __half>) return static_cast<D>(__half2float(v));
    else if constexpr (std::is_same_v<D, __half>) return __float2half_rn(float(v));
    else return static_cast<D>(v);
}

template <typename S, typename D>
__global__ void castKernel(const S* __restrict__ in, D* __restrict__ out, int64_t n) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        out[i] = convertOne<S, D>(in[i]);
}

// float32 -> float16 four at a time (the common reformat), when aligned.
__global__ void castF32ToF16x4(const float4* __restrict__ in, __half2* __restrict__ out, int64_t n4) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n4; i += int64_t(gridDim.x) * blockDim.x) {
        const float4 v = in[i];
        out[2 * i] = __floats2half2_rn(v.x, v.y);
        out[2 * i + 1] = __floats2half2_rn(v.z, v.w);
    }
}

__global__ void castF16ToF32x4(const __half2* __restrict__ in, float4* __restrict__ out, int64_t n4) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n4; i += int64_t(gridDim.x) * blockDim.x) {
        const float2 a = __half22float2(in[2 * i]), b = __half22float2(in[2 * i + 1]);
        out[i] = make_float4(a.x, a.y, b.x, b.y);
    }
}

unsigned gridFor(int64_t n, int threads) {
    const int64_t blocks = (n + threads - 1) / threads;
    return unsigned(blocks < 1 ? 1 : blocks > 65535 * 8 ? 65535 * 8 : blocks);
}

template <typename S, typename D>
void launch(const void* in, void* out, int64_t n, cudaStream_t s) {
    castKernel<S, D><<<gridFor(n, 256), 256, 0, s>>>(static_cast<const S*>(in), static_cast<D*>(out), n);
}

template <typename S>
bool launchTo(DataType to, const void* in, void* out, int64_t n, cudaStream_t s) {
    switch (to) {
        case DataType::Float32: launch<S, float>(in, out, n, s); return true;
        case DataType::Float16: launch<S, __half>(in, out, n, s); return true;
        case DataType::Int32: launch<S, int32_t>(in, out, n, s); return true;
        case DataType::Int64: launch<S, int64_t>(in, out, n, s); return true;
        case DataType::Bool: launch<S, bool>(in, out, n, s); return true;
        case DataType::Int8: launch<S, int8_t>(in, out, n, s); return true;
        case DataType::UInt8: launch<S, uint8_t>(in, out, n, s); return true;
        default: return false;
    }
}

bool castable(DataType t) {
    return t == DataType::Float32 || t == DataType::Float16 || t == DataType::Int32 || t == DataType::Int64 ||
           t == DataType::Bool || t == DataType::Int8 || t == DataType::UInt8;
}

class CastKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceOutput& y = a.outputs[0];
        const int64_t n = x.numel();
        if (n == 0) return Status::ok();
        if (x.type == y.type)
            return cudaMemcpyAsync(y.data, x.data, size_t(n) * dataTypeSize(x.type), cudaMemcpyDeviceToDevice, a.stream) ==
                           cudaSuccess
                       ? Status::ok()
                       : cudaError(cudaGetLastError(), "Cast copy");
        const bool aligned = n % 4 == 0 && reinterpret_cast<uintptr_t>(x.data) % 16 == 0 &&
                             reinterpret_cast<uintptr_t>(y.data) % 16 == 0;
        if (aligned && x.type == DataType::Float32 && y.type == DataType::Float16)
            castF32ToF16x4<<<gridFor(n / 4, 256), 256, 0, a.stream>>>(static_cast<const float4*>(x.data),
                                                                       static_cast<__half2*>(y.data), n / 4);
        else if (aligned && x.type == DataType::Float16 && y.type == DataType::Float32)
            castF16ToF32x4<<<gridFor(n / 4, 256), 256, 0, a.stream>>>(static_cast<const __half2*>(x.data),
                                                                       static_cast<float4*>(y.data), n / 4);
        else {
            bool ok = false;
            switch (x.type) {
                case DataType::Float32: ok = launchTo<float>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::Float16: ok = launchTo<__half>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::Int32: ok = launchTo<int32_t>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::Int64: ok = launchTo<int64_t>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::Bool: ok = launchTo<bool>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::Int8: ok = launchTo<int8_t>(y.type, x.data, y.data, n, a.stream); break;
                case DataType::UInt8: ok = launchTo<uint8_t>(y.type, x.data, y.data, n, a.stream); break;
                default: break;
            }
            if (!ok)
                return unsupported(std::string("Cast from ") + dataTypeName(x.type) + " to " + dataTypeName(y.type) +
                                   " is not implemented on CUDA");
        }
        KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
        return Status::ok();
    }
};

}  // namespace

void registerReformatTactics(TacticRegistry& r) {
    r.add("Cast", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        if (q.shapes.inputTypes.empty() || q.shapes.outputTypes.empty() || !castable(q.shapes.inputTypes[0]) ||
            !castable(q.shapes.outputTypes[0]))
            return unsupported("Cast between these types is not implemented on CUDA");
        return std::vector<Tactic>{{"kiln.cast", [] { return std::make_unique<CastKernel>(); }}};
    });
}

}  // namespace kiln::cuda
