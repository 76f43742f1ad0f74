// Index-driven kernels of the data-movement layers: Gather, GatherElements, Where, Pad, and the
// small generators behind Shape and Range.
#include <cuda_fp16.h>

#include <algorithm>
#include <cstring>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/data_kernels.h"

namespace kiln::cuda::data {

using device::address;
using device::blocksFor;
using device::Divider;
using device::fits32;
using device::widestWord;
using device::withWord;

namespace {

constexpr int kThreads = 256;

int64_t product(const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
}

std::vector<int64_t> rowMajorStrides(const std::vector<int64_t>& dims) {
    std::vector<int64_t> s(dims.size(), 1);
    for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
    return s;
}

// Strides to read a tensor of inDims (right-aligned) as outDims: 0 along broadcast axes.
std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& inDims, const std::vector<int64_t>& outDims) {
    std::vector<int64_t> strides(outDims.size(), 0);
    const std::vector<int64_t> own = rowMajorStrides(inDims);
    const size_t off = outDims.size() - inDims.size();
    for (size_t i = 0; i < inDims.size(); ++i) strides[off + i] = inDims[i] == 1 ? 0 : own[i];
    return strides;
}

template <typename I>
__device__ __forceinline__ int64_t wrapIndex(I raw, int64_t dim) {
    const int64_t k = int64_t(raw);
    return k < 0 ? k + dim : k;
}

// --- Gather ----------------------------------------------------------------------------------

// out[o, j, s] = data[o, idx[j], s]; s counts words of a row of `inner` elements.
template <typename W, typename I, typename Index>
__global__ void gatherKernel(W* __restrict__ out, const W* __restrict__ data, const I* __restrict__ idx,
                             Divider<Index> rowWords, Divider<Index> count, Index n, int64_t dim) {
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += Index(gridDim.x) * blockDim.x) {
        const Index t = rowWords.div(i);
        const Index s = i - t * Index(rowWords.d);
        const Index o = count.div(t);
        const Index j = t - o * Index(count.d);
        const int64_t k = wrapIndex(idx[j], dim);
        out[i] = k >= 0 && k < dim ? data[(int64_t(o) * dim + k) * int64_t(rowWords.d) + int64_t(s)] : W{};
    }
}

template <typename W, typename Index>
void launchGather(void* out, const void* data, const void* indices, bool indices64, int64_t outer, int64_t dim,
                  int64_t count, int64_t rowWords, cudaStream_t stream) {
    const int64_t n = outer * count * rowWords;
    const Divider<Index> row(rowWords), cnt(count);
    if (indices64)
        gatherKernel<W, int64_t, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const W*>(data), static_cast<const int64_t*>(indices), row, cnt, Index(n), dim);
    else
        gatherKernel<W, int32_t, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const W*>(data), static_cast<const int32_t*>(indices), row, cnt, Index(n), dim);
}

// --- GatherElements --------------------------------------------------------------------------

template <typename Index>
struct GatherElementsParams {
    int rank, axis;
    Divider<Index> dims[kMaxDims];  // the indices' (= the output's) dims
    int64_t strides[kMaxDims];      // the data's strides
    int64_t axisDim;
};

template <typename W, typename I, typename Index>
__global__ void gatherElementsKernel(W* __restrict__ out, const W* __restrict__ data, const I* __restrict__ idx,
                                     GatherElementsParams<Index> p, Index n) {
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += Index(gridDim.x) * blockDim.x) {
        Index rem = i;
        int64_t off = 0;
        for (int k = p.rank - 1; k >= 0; --k) {
            const Index q = k > 0 ? p.dims[k].div(rem) : Index(0);
            if (k != p.axis) off += int64_t(rem - q * Index(p.dims[k].d)) * p.strides[k];
            rem = q;
        }
        const int64_t j = wrapIndex(idx[i], p.axisDim);
        out[i] = j >= 0 && j < p.axisDim ? data[off + j * p.strides[p.axis]] : W{};
    }
}

template <typename W, typename Index>
void launchGatherElements(void* out, const void* data, const void* indices, bool indices64,
                          const std::vector<int64_t>& dataDims, const std::vector<int64_t>& indexDims, int axis,
                          int64_t n, cudaStream_t stream) {
    GatherElementsParams<Index> p{};
    p.rank = int(indexDims.size());
    p.axis = axis;
    p.axisDim = dataDims[size_t(axis)];
    const std::vector<int64_t> strides = rowMajorStrides(dataDims);
    for (size_t k = 0; k < indexDims.size(); ++k) {
        p.dims[k] = Divider<Index>(indexDims[k]);
        p.strides[k] = strides[k];
    }
    if (indices64)
        gatherElementsKernel<W, int64_t, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const W*>(data), static_cast<const int64_t*>(indices), p, Index(n));
    else
        gatherElementsKernel<W, int32_t, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const W*>(data), static_cast<const int32_t*>(indices), p, Index(n));
}

// --- Where -----------------------------------------------------------------------------------

template <typename Index>
struct WhereParams {
    int rank;
    Divider<Index> dims[kMaxDims];
    int64_t c[kMaxDims], x[kMaxDims], y[kMaxDims];  // broadcast strides of the three operands
};

template <typename W, typename Index>
__global__ void whereKernel(W* __restrict__ out, const bool* __restrict__ cond, const W* __restrict__ x,
                            const W* __restrict__ y, WhereParams<Index> p, Index n) {
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += Index(gridDim.x) * blockDim.x) {
        Index rem = i;
        int64_t oc = 0, ox = 0, oy = 0;
        for (int k = p.rank - 1; k >= 0; --k) {
            const Index q = k > 0 ? p.dims[k].div(rem) : Index(0);
            const int64_t c = int64_t(rem - q * Index(p.dims[k].d));
            oc += c * p.c[k];
            ox += c * p.x[k];
            oy += c * p.y[k];
            rem = q;
        }
        out[i] = cond[oc] ? x[ox] : y[oy];
    }
}

// --- Pad -------------------------------------------------------------------------------------

template <typename Index>
struct PadParams {
    int rank;
    PadMode mode;
    Divider<Index> outDims[kMaxDims];
    int64_t inDims[kMaxDims], begin[kMaxDims], inStrides[kMaxDims];
};

// The source index along one axis for output index i - begin = j, or -1 for the constant.
__device__ __forceinline__ int64_t padSource(PadMode mode, int64_t j, int64_t len) {
    if (j >= 0 && j < len) return j;
    switch (mode) {
    case PadMode::Constant: return -1;
    case PadMode::Edge: return j < 0 ? 0 : len - 1;
    case PadMode::Wrap: return ((j % len) + len) % len;
    case PadMode::Reflect: {
        if (len == 1) return 0;
        const int64_t period = 2 * (len - 1);  // mirror without repeating the edge
        const int64_t m = ((j % period) + period) % period;
        return m < len ? m : period - m;
    }
    }
    return -1;
}

template <typename W, typename Index>
__global__ void padKernel(W* __restrict__ out, const W* __restrict__ in, PadParams<Index> p, const W* value, W valueWord,
                          Index n) {
    const W constant = value ? *value : valueWord;
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += Index(gridDim.x) * blockDim.x) {
        Index rem = i;
        int64_t off = 0;
        bool isConstant = false;
        for (int k = p.rank - 1; k >= 0; --k) {
            const Index q = k > 0 ? p.outDims[k].div(rem) : Index(0);
            const int64_t s = padSource(p.mode, int64_t(rem - q * Index(p.outDims[k].d)) - p.begin[k], p.inDims[k]);
            isConstant = isConstant || s < 0;
            off += s * p.inStrides[k];
            rem = q;
        }
        out[i] = isConstant ? constant : in[off];
    }
}

// --- Shape, Range ----------------------------------------------------------------------------

constexpr int kValuesPerLaunch = 32;
struct Int64Values {
    int64_t v[kValuesPerLaunch];
    int n;
};

__global__ void writeValuesKernel(int64_t* out, Int64Values values) {
    if (int(threadIdx.x) < values.n) out[threadIdx.x] = values.v[threadIdx.x];
}

// start + i * delta, rounded after the product and after the sum (no fused multiply-add), as
// the CPU reference computes it; 16-bit floats in float.
__device__ __forceinline__ float rangeValue(float s, float d, int64_t i) { return __fadd_rn(s, __fmul_rn(float(i), d)); }
__device__ __forceinline__ double rangeValue(double s, double d, int64_t i) { return __dadd_rn(s, __dmul_rn(double(i), d)); }
__device__ __forceinline__ __half rangeValue(__half s, __half d, int64_t i) {
    return __float2half_rn(rangeValue(__half2float(s), __half2float(d), i));
}
template <typename T>
__device__ __forceinline__ T rangeValue(T s, T d, int64_t i) {
    return T(s + T(i) * d);
}

template <typename T>
__global__ void rangeKernel(T* __restrict__ out, const T* start, const T* delta, int64_t n) {
    const T s = *start, d = *delta;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        out[i] = rangeValue(s, d, i);
}

template <typename T>
void launchRange(void* out, const void* start, const void* delta, int64_t n, cudaStream_t stream) {
    rangeKernel<T><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(static_cast<T*>(out), static_cast<const T*>(start),
                                                                    static_cast<const T*>(delta), n);
}

}  // namespace

Status gather(void* out, const void* data, const void* indices, bool indices64, int64_t outer, int64_t dim,
              int64_t count, int64_t innerBytes, cudaStream_t stream) {
    if (outer * count * innerBytes == 0) return Status::ok();
    // A row (the elements after the axis) moves in the widest word it and the addresses allow.
    const size_t word = widestWord({address(out), address(data), uint64_t(innerBytes)});
    const int64_t rowWords = innerBytes / int64_t(word);
    withWord(word, [&](auto tag) {
        using W = decltype(tag);
        if (fits32(outer * count * rowWords)) launchGather<W, uint32_t>(out, data, indices, indices64, outer, dim, count, rowWords, stream);
        else launchGather<W, uint64_t>(out, data, indices, indices64, outer, dim, count, rowWords, stream);
    });
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Status gatherElements(void* out, const void* data, const void* indices, bool indices64,
                      const std::vector<int64_t>& dataDims, const std::vector<int64_t>& indexDims, int axis,
                      size_t elemSize, cudaStream_t stream) {
    const int64_t n = product(indexDims);
    if (n == 0) return Status::ok();
    if (indexDims.size() > size_t(kMaxDims)) return unsupported("GatherElements of rank " + std::to_string(indexDims.size()));
    const bool launched = elemSize <= 8 && withWord(elemSize, [&](auto tag) {
        using W = decltype(tag);
        if (fits32(n)) launchGatherElements<W, uint32_t>(out, data, indices, indices64, dataDims, indexDims, axis, n, stream);
        else launchGatherElements<W, uint64_t>(out, data, indices, indices64, dataDims, indexDims, axis, n, stream);
    });
    if (!launched) return unsupported("elements of " + std::to_string(elemSize) + " bytes");
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Status where(void* out, const void* cond, const void* x, const void* y, const std::vector<int64_t>& outDims,
             const std::vector<int64_t>& condDims, const std::vector<int64_t>& xDims, const std::vector<int64_t>& yDims,
             size_t elemSize, cudaStream_t stream) {
    const int64_t n = product(outDims);
    if (n == 0) return Status::ok();
    const std::vector<int64_t> sc = broadcastStrides(condDims, outDims), sx = broadcastStrides(xDims, outDims),
                               sy = broadcastStrides(yDims, outDims);
    // Drop size-1 axes; merge axis k into k - 1 where all three operands are contiguous across them.
    std::vector<int64_t> d, c, xs, ys;
    for (size_t k = 0; k < outDims.size(); ++k) {
        if (outDims[k] == 1) continue;
        if (!d.empty() && c.back() == sc[k] * outDims[k] && xs.back() == sx[k] * outDims[k] &&
            ys.back() == sy[k] * outDims[k]) {
            d.back() *= outDims[k];
            c.back() = sc[k];
            xs.back() = sx[k];
            ys.back() = sy[k];
            continue;
        }
        d.push_back(outDims[k]);
        c.push_back(sc[k]);
        xs.push_back(sx[k]);
        ys.push_back(sy[k]);
    }
    if (d.empty()) {  // one element
        d = {1};
        c = xs = ys = {0};
    }
    if (d.size() > size_t(kMaxDims)) return unsupported("Where over " + std::to_string(d.size()) + " broadcast axes");
    auto launch = [&](auto tag, auto indexTag) {
        using W = decltype(tag);
        using Index = decltype(indexTag);
        WhereParams<Index> p{};
        p.rank = int(d.size());
        for (size_t k = 0; k < d.size(); ++k) {
            p.dims[k] = Divider<Index>(d[k]);
            p.c[k] = c[k];
            p.x[k] = xs[k];
            p.y[k] = ys[k];
        }
        whereKernel<W, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const bool*>(cond), static_cast<const W*>(x), static_cast<const W*>(y), p, Index(n));
    };
    const bool launched = elemSize <= 8 && withWord(elemSize, [&](auto tag) {
        if (fits32(n)) launch(tag, uint32_t{});
        else launch(tag, uint64_t{});
    });
    if (!launched) return unsupported("elements of " + std::to_string(elemSize) + " bytes");
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Status pad(void* out, const void* in, const std::vector<int64_t>& inDims, const std::vector<int64_t>& pads, PadMode mode,
           const void* value, uint64_t valueBits, size_t elemSize, cudaStream_t stream) {
    const size_t rank = inDims.size();
    if (rank == 0) {
        KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(out, in, elemSize, cudaMemcpyDeviceToDevice, stream));
        return Status::ok();
    }
    if (rank > size_t(kMaxDims)) return unsupported("Pad of rank " + std::to_string(rank));
    std::vector<int64_t> outDims(rank);
    for (size_t a = 0; a < rank; ++a) {
        outDims[a] = inDims[a] + pads[a] + pads[a + rank];
        if (outDims[a] < 0) return invalidArgument("the pads crop more than axis " + std::to_string(a) + " holds");
        if (inDims[a] == 0 && outDims[a] > 0 && mode != PadMode::Constant)
            return invalidArgument("cannot pad an empty axis in a mode other than constant");
    }
    const int64_t n = product(outDims);
    if (n == 0) return Status::ok();
    const std::vector<int64_t> inStrides = rowMajorStrides(inDims);
    auto launch = [&](auto tag, auto indexTag) {
        using W = decltype(tag);
        using Index = decltype(indexTag);
        PadParams<Index> p{};
        p.rank = int(rank);
        p.mode = mode;
        for (size_t a = 0; a < rank; ++a) {
            p.outDims[a] = Divider<Index>(outDims[a]);
            p.inDims[a] = inDims[a];
            p.begin[a] = pads[a];
            p.inStrides[a] = inStrides[a];
        }
        W word;
        std::memcpy(&word, &valueBits, sizeof(W));
        padKernel<W, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<W*>(out), static_cast<const W*>(in), p, static_cast<const W*>(value), word, Index(n));
    };
    const bool launched = elemSize <= 8 && withWord(elemSize, [&](auto tag) {
        if (fits32(n)) launch(tag, uint32_t{});
        else launch(tag, uint64_t{});
    });
    if (!launched) return unsupported("elements of " + std::to_string(elemSize) + " bytes");
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Status writeInt64s(int64_t* out, const std::vector<int64_t>& values, cudaStream_t stream) {
    for (size_t first = 0; first < values.size(); first += kValuesPerLaunch) {
        Int64Values v{};
        v.n = int(std::min<size_t>(kValuesPerLaunch, values.size() - first));
        for (int i = 0; i < v.n; ++i) v.v[i] = values[first + size_t(i)];
        writeValuesKernel<<<1, kValuesPerLaunch, 0, stream>>>(out + first, v);
        KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    }
    return Status::ok();
}

Status range(void* out, DataType type, const void* start, const void* delta, int64_t n, cudaStream_t stream) {
    if (n <= 0) return Status::ok();
    switch (type) {
    case DataType::Float32: launchRange<float>(out, start, delta, n, stream); break;
    case DataType::Float16: launchRange<__half>(out, start, delta, n, stream); break;
    case DataType::Float64: launchRange<double>(out, start, delta, n, stream); break;
    case DataType::Int16: launchRange<int16_t>(out, start, delta, n, stream); break;
    case DataType::Int32: launchRange<int32_t>(out, start, delta, n, stream); break;
    case DataType::Int64: launchRange<int64_t>(out, start, delta, n, stream); break;
    default: return unsupported(std::string("Range of ") + dataTypeName(type));
    }
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

}  // namespace kiln::cuda::data
