// Reduce* and ArgMax/ArgMin. A reduction is viewed as [outer, len, inner] when its axes are one
// contiguous run (the common case, after merging neighbouring axes):
//   inner == 1: contiguous rows, one warp per row (one block per row when rows are long);
//   inner > 1:  tiles of 32 output columns x 8 threads along len, the columns coalesced.
// Other axis sets take a general kernel, one thread per output element. Accumulation is in float;
// Max/Min propagate NaN and ReduceLogSumExp subtracts the maximum first, as in the CPU reference
// (engine/ops/reduce.cpp).
#include <cfloat>

#include "backends/cuda/own_kernels.h"

namespace kiln::cuda::own {

namespace {

using dev::fromFloat;
using dev::toFloat;

// An accumulation: acc = combine(acc, map(x, pre)) from identity, then finish(acc, n, pre). `pre`
// is the result of a first pass (the maximum, for LogSumExp) or 0.
template <ReduceOp OP>
struct Reducer {
    __device__ static float identity() {
        if constexpr (OP == ReduceOp::Max) return -INFINITY;
        else if constexpr (OP == ReduceOp::Min) return INFINITY;
        else if constexpr (OP == ReduceOp::Prod) return 1.f;
        else return 0.f;
    }
    __device__ static float map(float v, float pre) {
        if constexpr (OP == ReduceOp::SumSquare || OP == ReduceOp::L2) return v * v;
        else if constexpr (OP == ReduceOp::L1) return fabsf(v);
        else if constexpr (OP == ReduceOp::LogSumExp) return __expf(v - pre);
        else return v;
    }
    __device__ float operator()(float a, float b) const {
        if constexpr (OP == ReduceOp::Max) return dev::NanMax()(a, b);
        else if constexpr (OP == ReduceOp::Min) return (a != a || a < b) ? a : b;
        else if constexpr (OP == ReduceOp::Prod) return a * b;
        else return a + b;
    }
    __device__ static float finish(float acc, int64_t n, float pre) {
        if constexpr (OP == ReduceOp::Mean) return acc / float(n);
        else if constexpr (OP == ReduceOp::L2) return sqrtf(acc);
        else if constexpr (OP == ReduceOp::LogSum) return logf(acc);
        else if constexpr (OP == ReduceOp::LogSumExp) return isfinite(pre) ? pre + logf(acc) : pre;  // +-inf, NaN
        else return acc;
    }
};

// How the threads that share one output combine their partial results.
struct WarpGroup {
    template <typename C>
    __device__ float reduce(float v, C c, float) const { return dev::warpAllReduce(v, c); }
};
struct BlockGroup {
    float* scratch;
    template <typename C>
    __device__ float reduce(float v, C c, float identity) const { return dev::blockAllReduce(v, c, identity, scratch); }
};
// The 8 threads (threadIdx.y) of one column of a 32 x 8 block.
struct ColumnGroup {
    float (*scratch)[33];
    template <typename C>
    __device__ float reduce(float v, C c, float) const {
        scratch[threadIdx.y][threadIdx.x] = v;
        __syncthreads();
        float r = scratch[0][threadIdx.x];
        for (int k = 1; k < blockDim.y; ++k) r = c(r, scratch[k][threadIdx.x]);
        __syncthreads();
        return r;
    }
};

// One output: the elements x[j * stride], j = start, start + step, ... < len, spread over a group.
template <ReduceOp OP, typename T, typename Group>
__device__ float reduceSpan(const T* x, int64_t len, int64_t stride, int64_t start, int64_t step, Group g) {
    using R = Reducer<OP>;
    float pre = 0.f;
    if constexpr (OP == ReduceOp::LogSumExp) {
        using M = Reducer<ReduceOp::Max>;
        float m = M::identity();
        for (int64_t j = start; j < len; j += step) m = M()(m, toFloat(x[j * stride]));
        pre = g.reduce(m, M(), M::identity());
    }
    float acc = R::identity();
    for (int64_t j = start; j < len; j += step) acc = R()(acc, R::map(toFloat(x[j * stride]), pre));
    return R::finish(g.reduce(acc, R(), R::identity()), len, pre);
}

constexpr int kRowThreads = 256;
constexpr int64_t kWarpRowMax = 1024;  // longer rows get a block each

template <ReduceOp OP, typename T>
__global__ void reduceRowsWarp(const T* __restrict__ x, T* __restrict__ y, int64_t rows, int64_t len) {
    const int lane = threadIdx.x & 31;
    const int64_t warpsTotal = int64_t(gridDim.x) * (blockDim.x >> 5);
    for (int64_t r = int64_t(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5); r < rows; r += warpsTotal) {
        const float v = reduceSpan<OP>(x + r * len, len, 1, lane, 32, WarpGroup{});
        if (lane == 0) y[r] = fromFloat<T>(v);
    }
}

template <ReduceOp OP, typename T>
__global__ void reduceRowsBlock(const T* __restrict__ x, T* __restrict__ y, int64_t rows, int64_t len) {
    __shared__ float scratch[32];
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const float v = reduceSpan<OP>(x + r * len, len, 1, threadIdx.x, blockDim.x, BlockGroup{scratch});
        if (threadIdx.x == 0) y[r] = fromFloat<T>(v);
    }
}

// Block (32, 8): 32 consecutive i of one o; the 8 rows of threads split len.
template <ReduceOp OP, typename T>
__global__ void reduceColumns(const T* __restrict__ x, T* __restrict__ y, int64_t outer, int64_t len, int64_t inner) {
    __shared__ float scratch[8][33];
    const int64_t i = int64_t(blockIdx.x) * 32 + threadIdx.x;
    const int64_t iSafe = i < inner ? i : inner - 1;  // every thread takes part in the group reduce
    for (int64_t o = blockIdx.y; o < outer; o += gridDim.y) {
        const float v = reduceSpan<OP>(x + o * len * inner + iSafe, len, inner, threadIdx.y, blockDim.y, ColumnGroup{scratch});
        if (threadIdx.y == 0 && i < inner) y[o * inner + i] = fromFloat<T>(v);
    }
}

template <ReduceOp OP, typename T>
__global__ void reduceGeneral(const T* __restrict__ x, T* __restrict__ y, ReduceGeneral g) {
    using R = Reducer<OP>;
    for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < g.outCount; o += int64_t(gridDim.x) * blockDim.x) {
        int64_t base = 0, rest = o;
        for (int a = g.keptRank - 1; a >= 0; --a) {
            base += (rest % g.keptDims[a]) * g.keptStrides[a];
            rest /= g.keptDims[a];
        }
        // Walks the reduced index space as an odometer; pass 0 finds LogSumExp's maximum.
        float pre = 0.f, acc = R::identity();
        for (int pass = OP == ReduceOp::LogSumExp ? 0 : 1; pass < 2; ++pass) {
            int64_t idx[kMaxReduceRank] = {};
            int64_t off = base;
            float m = -INFINITY;
            for (int64_t j = 0; j < g.redCount; ++j) {
                const float v = toFloat(x[off]);
                if (pass == 0) m = dev::NanMax()(m, v);
                else acc = R()(acc, R::map(v, pre));
                for (int a = g.redRank - 1; a >= 0; --a) {
                    off += g.redStrides[a];
                    if (++idx[a] < g.redDims[a]) break;
                    off -= idx[a] * g.redStrides[a];
                    idx[a] = 0;
                }
            }
            if (pass == 0) pre = m;
        }
        y[o] = fromFloat<T>(R::finish(acc, g.redCount, pre));
    }
}

template <ReduceOp OP, typename T>
void launchAxisTyped(const void* xv, void* yv, int64_t outer, int64_t len, int64_t inner, cudaStream_t s) {
    const T* x = static_cast<const T*>(xv);
    T* y = static_cast<T*>(yv);
    if (inner == 1 && len <= kWarpRowMax) {
        reduceRowsWarp<OP, T><<<dev::gridFor(outer, kRowThreads / 32), kRowThreads, 0, s>>>(x, y, outer, len);
    } else if (inner == 1) {
        reduceRowsBlock<OP, T><<<dev::gridFor(outer, 1), kRowThreads, 0, s>>>(x, y, outer, len);
    } else {
        const dim3 grid(unsigned((inner + 31) / 32), unsigned(outer < 65535 ? outer : 65535));
        reduceColumns<OP, T><<<grid, dim3(32, 8), 0, s>>>(x, y, outer, len, inner);
    }
}

// Calls f.template operator()<OP>() for the runtime op.
template <typename F>
void dispatchOp(ReduceOp op, F&& f) {
    switch (op) {
        case ReduceOp::Sum: f.template operator()<ReduceOp::Sum>(); break;
        case ReduceOp::Mean: f.template operator()<ReduceOp::Mean>(); break;
        case ReduceOp::Max: f.template operator()<ReduceOp::Max>(); break;
        case ReduceOp::Min: f.template operator()<ReduceOp::Min>(); break;
        case ReduceOp::Prod: f.template operator()<ReduceOp::Prod>(); break;
        case ReduceOp::SumSquare: f.template operator()<ReduceOp::SumSquare>(); break;
        case ReduceOp::L1: f.template operator()<ReduceOp::L1>(); break;
        case ReduceOp::L2: f.template operator()<ReduceOp::L2>(); break;
        case ReduceOp::LogSum: f.template operator()<ReduceOp::LogSum>(); break;
        case ReduceOp::LogSumExp: f.template operator()<ReduceOp::LogSumExp>(); break;
    }
}

// --- ArgMax / ArgMin -------------------------------------------------------------------------

// Whether (v, j) replaces (best, bestIndex) when scanning in increasing j: the reference's rule
// (a strictly better value, or an equal one with select_last_index). NaN never replaces.
template <bool isMax>
__device__ __forceinline__ bool replaces(float v, float best, bool selectLast) {
    return (isMax ? v > best : v < best) || (selectLast && v == best);
}

// Per-lane results merged across the warp: the better value; on a tie the smaller index (the
// larger one with selectLast), which is what one sequential scan would have kept. index < 0
// marks a lane that saw no element.
template <bool isMax>
__device__ __forceinline__ void warpArgMerge(float& best, int64_t& index, bool selectLast) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float ob = __shfl_xor_sync(0xffffffffu, best, offset);
        const int64_t oi = __shfl_xor_sync(0xffffffffu, index, offset);
        const bool take = oi >= 0 && (index < 0 || (isMax ? ob > best : ob < best) ||
                                      (ob == best && (selectLast ? oi > index : oi < index)));
        if (take) {
            best = ob;
            index = oi;
        }
    }
}

template <bool isMax, typename T>
__global__ void argRowsWarp(const T* __restrict__ x, int64_t* __restrict__ y, int64_t rows, int64_t len, bool selectLast) {
    const int lane = threadIdx.x & 31;
    const int64_t warpsTotal = int64_t(gridDim.x) * (blockDim.x >> 5);
    for (int64_t r = int64_t(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5); r < rows; r += warpsTotal) {
        const T* row = x + r * len;
        float best = isMax ? -INFINITY : INFINITY;
        int64_t index = -1;
        // NaN is skipped (the reference keeps index 0 when x[0] is NaN; only then do they differ).
        for (int64_t j = lane; j < len; j += 32) {
            const float v = toFloat(row[j]);
            if (v == v && (index < 0 || replaces<isMax>(v, best, selectLast))) {
                best = v;
                index = j;
            }
        }
        warpArgMerge<isMax>(best, index, selectLast);
        if (lane == 0) y[r] = index < 0 ? 0 : index;
    }
}

// One thread per (o, i): the sequential scan of the reference.
template <bool isMax, typename T>
__global__ void argColumns(const T* __restrict__ x, int64_t* __restrict__ y, int64_t outer, int64_t len, int64_t inner,
                           bool selectLast) {
    for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < outer * inner; t += int64_t(gridDim.x) * blockDim.x) {
        const int64_t o = t / inner, i = t - o * inner;
        const T* base = x + o * len * inner + i;
        float best = toFloat(base[0]);
        int64_t index = 0;
        for (int64_t j = 1; j < len; ++j) {
            const float v = toFloat(base[j * inner]);
            if (replaces<isMax>(v, best, selectLast)) {
                best = v;
                index = j;
            }
        }
        y[t] = index;
    }
}

template <bool isMax, typename T>
void launchArgTyped(const void* xv, int64_t* y, int64_t outer, int64_t len, int64_t inner, bool selectLast, cudaStream_t s) {
    const T* x = static_cast<const T*>(xv);
    if (inner == 1)
        argRowsWarp<isMax, T><<<dev::gridFor(outer, kRowThreads / 32), kRowThreads, 0, s>>>(x, y, outer, len, selectLast);
    else
        argColumns<isMax, T><<<dev::gridFor(outer * inner, kRowThreads), kRowThreads, 0, s>>>(x, y, outer, len, inner, selectLast);
}

}  // namespace

cudaError_t launchReduceAxis(ReduceOp op, DataType t, const void* x, void* y, int64_t outer, int64_t len, int64_t inner,
                             cudaStream_t stream) {
    if (outer * inner == 0) return cudaSuccess;
    dispatchOp(op, [&]<ReduceOp OP>() {
        if (t == DataType::Float16) launchAxisTyped<OP, __half>(x, y, outer, len, inner, stream);
        else launchAxisTyped<OP, float>(x, y, outer, len, inner, stream);
    });
    return cudaGetLastError();
}

cudaError_t launchReduceGeneral(ReduceOp op, DataType t, const void* x, void* y, const ReduceGeneral& g, cudaStream_t stream) {
    if (g.outCount == 0) return cudaSuccess;
    const unsigned blocks = dev::gridFor(g.outCount, kRowThreads);
    dispatchOp(op, [&]<ReduceOp OP>() {
        if (t == DataType::Float16)
            reduceGeneral<OP, __half><<<blocks, kRowThreads, 0, stream>>>(static_cast<const __half*>(x), static_cast<__half*>(y), g);
        else
            reduceGeneral<OP, float><<<blocks, kRowThreads, 0, stream>>>(static_cast<const float*>(x), static_cast<float*>(y), g);
    });
    return cudaGetLastError();
}

cudaError_t launchArgExtreme(bool isMax, bool selectLast, DataType t, const void* x, int64_t* y, int64_t outer, int64_t len,
                             int64_t inner, cudaStream_t stream) {
    if (outer * inner == 0) return cudaSuccess;
    const bool half = t == DataType::Float16;
    if (isMax && half) launchArgTyped<true, __half>(x, y, outer, len, inner, selectLast, stream);
    else if (isMax) launchArgTyped<true, float>(x, y, outer, len, inner, selectLast, stream);
    else if (half) launchArgTyped<false, __half>(x, y, outer, len, inner, selectLast, stream);
    else launchArgTyped<false, float>(x, y, outer, len, inner, selectLast, stream);
    return cudaGetLastError();
}

}  // namespace kiln::cuda::own
