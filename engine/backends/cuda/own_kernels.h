// Kiln's own CUDA kernels for the compute layers that are neither convolutions, GEMMs nor
// pointwise chains: pooling (kernels_pool.cu), reductions and ArgMax/ArgMin (kernels_reduce.cu),
// softmax and the normalizations (kernels_norm.cu) and fused attention (kernels_attention.cu).
// The LayerKernels that call these launchers are in own_tactics*.cpp.
//
// Every launcher takes device pointers and an element type (Float32 or Float16 storage; math is
// in float), only launches on `stream` and returns cudaGetLastError(): nothing here synchronizes,
// allocates or copies, so the calls can be captured into a CUDA graph.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/cuda/layer_kernel.h"
#include "core/data_type.h"

namespace kiln::cuda {

// The families' registrations (own_tactics_*.cpp), all called by registerOwnKernelTactics.
void registerOwnPoolTactics(TacticRegistry& r);       // own_tactics_pool.cpp
void registerOwnReduceTactics(TacticRegistry& r);     // own_tactics_reduce.cpp
void registerOwnNormTactics(TacticRegistry& r);       // own_tactics_norm.cpp
void registerOwnAttentionTactics(TacticRegistry& r);  // own_tactics_attention.cpp

namespace own {

// --- host helpers of own_tactics_*.cpp (own_tactics.cpp) ----------------------------------------

inline bool isFloatStorage(DataType t) { return t == DataType::Float32 || t == DataType::Float16; }

// Ok when input i of the query is a present float tensor; else why not, naming `what`.
Status requireFloatInput(const TacticQuery& q, int i, const char* what);

// Product of dims[from, to).
int64_t product(const std::vector<int64_t>& dims, size_t from = 0, size_t to = SIZE_MAX);

// A tactic that makes a K from copies of args.
template <typename K, typename... Args>
Tactic makeTactic(std::string name, Args... args) {
    return Tactic{std::move(name), [=] { return std::unique_ptr<LayerKernel>(new K(args...)); }};
}

// --- pooling (kernels_pool.cu) -----------------------------------------------------------------

constexpr int kMaxPoolAxes = 3;

// X [planes, D0, D1, D2] -> Y [planes, O0, O1, O2], 1-D and 2-D windows padded to three axes with
// leading axes of size 1. The window of output o on axis a covers the input coordinates
// o * stride - padBegin + k * dilation, k < kernel; coordinates outside the input are skipped.
struct PoolParams {
    int64_t planes = 0;  // N * C
    int in[kMaxPoolAxes] = {1, 1, 1}, out[kMaxPoolAxes] = {1, 1, 1}, kernel[kMaxPoolAxes] = {1, 1, 1};
    int stride[kMaxPoolAxes] = {1, 1, 1}, dilation[kMaxPoolAxes] = {1, 1, 1};
    int padBegin[kMaxPoolAxes] = {0, 0, 0}, padEnd[kMaxPoolAxes] = {0, 0, 0};
    bool isMax = true;
    // AveragePool's divisor: window positions inside [-padBegin, D + padEnd) (true) or inside the
    // input (false).
    bool countIncludePad = false;
};
cudaError_t launchPool(const PoolParams& p, DataType t, const void* x, void* y, cudaStream_t stream);

// --- reductions (kernels_reduce.cu) ------------------------------------------------------------

enum class ReduceOp { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum, LogSumExp };

// y[o, i] = op over j of x[(o * len + j) * inner + i] (inner = 1: contiguous rows).
cudaError_t launchReduceAxis(ReduceOp op, DataType t, const void* x, void* y, int64_t outer, int64_t len,
                             int64_t inner, cudaStream_t stream);

constexpr int kMaxReduceRank = 8;

// Any set of reduced axes: output element o (row-major over keptDims) reduces the elements at
// base(o) + the offsets of every index over redDims. Strides are the input's, in elements.
struct ReduceGeneral {
    int keptRank = 0, redRank = 0;
    int64_t keptDims[kMaxReduceRank] = {}, keptStrides[kMaxReduceRank] = {};
    int64_t redDims[kMaxReduceRank] = {}, redStrides[kMaxReduceRank] = {};
    int64_t outCount = 1, redCount = 1;
};
cudaError_t launchReduceGeneral(ReduceOp op, DataType t, const void* x, void* y, const ReduceGeneral& g,
                                cudaStream_t stream);

// y[o, i] = index j of the first (last, with selectLast) maximum (minimum) of x[o, :, i], int64.
cudaError_t launchArgExtreme(bool isMax, bool selectLast, DataType t, const void* x, int64_t* y, int64_t outer,
                             int64_t len, int64_t inner, cudaStream_t stream);

// --- softmax and normalizations (kernels_norm.cu) ---------------------------------------------

// softmax / log-softmax of every group x[o, :, i] of [outer, len, inner].
cudaError_t launchSoftmax(bool log, DataType t, const void* x, void* y, int64_t outer, int64_t len, int64_t inner,
                          cudaStream_t stream);

// y = (x - mean) * invStd * gamma + beta per row of [rows, cols]; gamma and beta (optional) have
// cols elements in the storage type t. mean and invStd (optional) get one value per row in
// statType (Float32 or Float16).
struct LayerNormArgs {
    const void* x = nullptr;
    const void* gamma = nullptr;
    const void* beta = nullptr;
    void* y = nullptr;
    void* mean = nullptr;
    void* invStd = nullptr;
    DataType statType = DataType::Float32;
    int64_t rows = 0, cols = 0;
    float epsilon = 1e-5f;
};
cudaError_t launchLayerNorm(const LayerNormArgs& a, DataType t, cudaStream_t stream);

// y = x * scale[p] + shift[p], p = (flat index / inner) % params: inference BatchNormalization
// with its statistics folded into scale and shift (float).
cudaError_t launchChannelAffine(DataType t, const void* x, void* y, const float* scale, const float* shift,
                                int64_t count, int64_t inner, int64_t params, cudaStream_t stream);

// X [N, C, inner] split into groups of channelsPerGroup channels; per (n, group) segment:
//   y = (x - mean) * invStd * scale[p] + bias[p]
// with p = the channel (perChannel) or the group. InstanceNormalization is groups = C.
struct GroupNormArgs {
    const void* x = nullptr;
    void* y = nullptr;
    const float* scale = nullptr;
    const float* bias = nullptr;
    int64_t segments = 0;  // N * groups
    int64_t groups = 1, channelsPerGroup = 1, inner = 1;
    bool perChannel = true;
    float epsilon = 1e-5f;
};
cudaError_t launchGroupNorm(const GroupNormArgs& a, DataType t, cudaStream_t stream);

// --- attention (kernels_attention.cu) ----------------------------------------------------------

// Q [B, Sq, H*D], K [B, Sk, H*D], V [B, Sk, H*Dv], mask (optional) read through maskStrides over
// the scores [B, H, Sq, Sk] (0 along broadcast axes):
//   Y[b, i, h*Dv + e] = sum_j softmax_j(Q_bhi . K_bhj * scale + mask[b, h, i, j]) V[b, j, h*Dv + e]
// zeroNanRows: a query row whose softmax is NaN (every key masked with -inf, or a NaN score)
// gives zeros instead of NaN.
struct AttentionArgs {
    const void* q = nullptr;
    const void* k = nullptr;
    const void* v = nullptr;
    const void* mask = nullptr;
    void* y = nullptr;
    int batch = 0, heads = 0, sq = 0, sk = 0, d = 0, dv = 0;
    int64_t maskStrides[4] = {0, 0, 0, 0};
    float scale = 1.f;
    bool zeroNanRows = false;
};

// The tensor-core kernel (FP16 storage, flash-attention style: K/V tiles of 64 keys streamed
// through shared memory with an online softmax, mma.sync m16n8k16). It needs D == Dv, D one of
// 32, 64, 128, and 16-byte aligned Q/K/V/Y.
bool attentionMmaSupports(int d, int dv);
bool attentionMmaAligned(const AttentionArgs& a);
size_t attentionMmaSharedBytes(int d);  // at most
cudaError_t launchAttentionMma(const AttentionArgs& a, int multiprocessors, cudaStream_t stream);

// The generic kernel: any D, Dv and precision; 32 query rows per block, K/V tiles of 32 keys in
// shared memory (float), online softmax in SIMT float math.
size_t attentionTiledSharedBytes(int d, int dv);
cudaError_t launchAttentionTiled(const AttentionArgs& a, DataType t, cudaStream_t stream);

// Lets both attention kernels use up to maxDynamicShared bytes of shared memory per block (the
// device's opt-in limit). Call before the first launch; repeating it is harmless.
cudaError_t attentionPrepare(size_t maxDynamicShared);

}  // namespace own
}  // namespace kiln::cuda

#if defined(__CUDACC__)
#include <cuda_fp16.h>

// Device helpers shared by the kernels_*.cu files.
namespace kiln::cuda::own::dev {

__device__ __forceinline__ float toFloat(float v) { return v; }
__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }

template <typename T>
__device__ __forceinline__ T fromFloat(float v);
template <>
__device__ __forceinline__ float fromFloat<float>(float v) { return v; }
template <>
__device__ __forceinline__ __half fromFloat<__half>(float v) { return __float2half_rn(v); }

// v combined over the 32 lanes of a warp (every lane gets the result).
template <typename Combine>
__device__ __forceinline__ float warpAllReduce(float v, Combine combine) {
    for (int offset = 16; offset > 0; offset >>= 1) v = combine(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// v combined over the whole block (every thread gets the result); `identity` is combine's
// neutral element. `scratch` holds 32 floats in shared memory; it may be reused right after the
// call returns.
template <typename Combine>
__device__ __forceinline__ float blockAllReduce(float v, Combine combine, float identity, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warpAllReduce(v, combine);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float w = lane < warps ? scratch[lane] : identity;
        w = warpAllReduce(w, combine);
        if (lane == 0) scratch[0] = w;
    }
    __syncthreads();
    const float r = scratch[0];
    __syncthreads();
    return r;
}

struct Add {
    __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
};
// max that propagates NaN (as the CPU reductions do).
struct NanMax {
    __device__ __forceinline__ float operator()(float a, float b) const { return (a != a || a > b) ? a : b; }
};
// max that ignores NaN (as std::max in the softmax reference, which never selects a NaN).
struct Max {
    __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// Blocks for a grid-stride loop over n items.
inline unsigned gridFor(int64_t n, int threads, int64_t cap = 65535LL * 16) {
    const int64_t blocks = (n + threads - 1) / threads;
    return unsigned(blocks < 1 ? 1 : blocks > cap ? cap : blocks);
}

// N elements loaded or stored at once (N * sizeof(T) bytes, aligned to that).
template <typename T, int N>
struct alignas(sizeof(T) * N) Pack {
    T v[N];
};

template <int N, typename T>
__device__ __forceinline__ void loadPack(const T* p, float (&out)[N]) {
    const Pack<T, N> raw = *reinterpret_cast<const Pack<T, N>*>(p);
#pragma unroll
    for (int i = 0; i < N; ++i) out[i] = toFloat(raw.v[i]);
}

template <int N, typename T>
__device__ __forceinline__ void storePack(T* p, const float (&in)[N]) {
    Pack<T, N> raw;
#pragma unroll
    for (int i = 0; i < N; ++i) raw.v[i] = fromFloat<T>(in[i]);
    *reinterpret_cast<Pack<T, N>*>(p) = raw;
}

}  // namespace kiln::cuda::own::dev
#endif
