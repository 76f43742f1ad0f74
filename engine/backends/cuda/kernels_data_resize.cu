// Resize / Upsample on the GPU: nearest for every element type and rank, linear over the last two
// axes for float32/float16. Coordinates are computed per output element in double with the CPU
// reference's formulas (engine/ops/resize_interp.cpp), so nearest picks the same input at ties.
#include <cuda_fp16.h>

#include <cmath>
#include <cstring>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/data_kernels.h"

namespace kiln::cuda::data {

using device::blocksFor;
using device::withWord;

namespace {

constexpr int kThreads = 256;

// One axis of the resampling.
struct AxisMap {
    int64_t inLen, outLen;
    double scale, roiStart, roiEnd;
    bool identity;  // output j reads input j with weight 1: skipped, as the CPU reference does
};

// A product rounded on its own: device code must not fuse it with a following addition into an
// FMA, or coordinates would differ from the CPU's in the last bit (and nearest ties would flip).
__host__ __device__ inline double mul(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

template <typename T>
__host__ __device__ inline T clampTo(T v, T lo, T hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

// x_original for output coordinate j; length_resized is scale * length_original, unrounded.
__host__ __device__ double originalCoordinate(ResizeCoord coord, const AxisMap& m, int64_t j) {
    const double x = double(j), scale = m.scale, inLen = double(m.inLen), outLen = mul(scale, inLen);
    switch (coord) {
    case ResizeCoord::HalfPixel: return (x + 0.5) / scale - 0.5;
    case ResizeCoord::HalfPixelSymmetric: return mul(inLen / 2, 1 - double(m.outLen) / outLen) + (x + 0.5) / scale - 0.5;
    case ResizeCoord::PytorchHalfPixel: return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case ResizeCoord::AlignCorners: return outLen == 1 ? 0.0 : mul(x, inLen - 1) / (outLen - 1);
    case ResizeCoord::Asymmetric: return x / scale;
    case ResizeCoord::TfHalfPixelForNearest: return (x + 0.5) / scale;
    case ResizeCoord::TfCropAndResize:
        return outLen > 1 ? mul(m.roiStart, inLen - 1) + mul(mul(x, m.roiEnd - m.roiStart), inLen - 1) / (outLen - 1)
                          : mul(mul(0.5, m.roiStart + m.roiEnd), inLen - 1);
    }
    return x;
}

__host__ __device__ bool outsideInput(ResizeCoord coord, const AxisMap& m, double x) {
    return coord == ResizeCoord::TfCropAndResize && (x < 0 || x > double(m.inLen - 1));
}

// The input index nearest_mode picks for output j (-1: outside, tf_crop_and_resize).
__host__ __device__ int64_t nearestSource(ResizeCoord coord, ResizeNearest mode, const AxisMap& m, int64_t j) {
    double x = originalCoordinate(coord, m, j);
    if (outsideInput(coord, m, x)) return -1;
    x = clampTo(x, -1.0, double(m.inLen));
    const double fl = floor(x), frac = x - fl;
    int64_t i = int64_t(fl);
    switch (mode) {
    case ResizeNearest::RoundPreferFloor: i = int64_t(frac <= 0.5 ? fl : fl + 1); break;
    case ResizeNearest::RoundPreferCeil: i = int64_t(frac < 0.5 ? fl : fl + 1); break;
    case ResizeNearest::Floor: break;
    case ResizeNearest::Ceil: i = int64_t(ceil(x)); break;
    case ResizeNearest::Simple: i = int64_t(m.scale < 1 ? ceil(x) : fl); break;
    }
    return clampTo<int64_t>(i, 0, m.inLen - 1);
}

// The two linear taps of output j: inputs index[0..1] (clamped into the input: edge padding)
// with weights [1 - r, r], r = x - (ceil(x) - 1) in (0, 1]. exclude_outside zeroes the taps
// outside the input and renormalizes. Returns false when x is outside (tf_crop_and_resize).
__host__ __device__ bool linearTaps(ResizeCoord coord, bool excludeOutside, const AxisMap& m, int64_t j, int64_t* index,
                                    double* weight) {
    double x = originalCoordinate(coord, m, j);
    if (outsideInput(coord, m, x)) return false;
    x = clampTo(x, -2.0, double(m.inLen + 1));
    const double left = ceil(x) - 1;
    weight[0] = 1 - (x - left);
    weight[1] = x - left;
    const int64_t first = clampTo<int64_t>(int64_t(left), -1, m.inLen - 1);
    double sum = 0.0;
    for (int k = 0; k < 2; ++k) {
        const int64_t i = first + k;
        if (excludeOutside && (i < 0 || i >= m.inLen)) weight[k] = 0.0;
        sum += weight[k];
        index[k] = clampTo<int64_t>(i, 0, m.inLen - 1);
    }
    if (excludeOutside && sum != 0.0) {
        weight[0] /= sum;
        weight[1] /= sum;
    }
    return true;
}

// Whether every output j of the axis reads exactly input j (the CPU's test for skipping it).
bool isIdentity(const ResizeParams& p, const AxisMap& m) {
    if (m.inLen != m.outLen) return false;
    for (int64_t j = 0; j < m.outLen; ++j) {
        if (!p.linear) {
            if (nearestSource(p.coord, p.nearest, m, j) != j) return false;
            continue;
        }
        int64_t index[2];
        double weight[2];
        if (!linearTaps(p.coord, p.excludeOutside, m, j, index, weight)) return false;
        double own = 0.0, other = 0.0;
        for (int k = 0; k < 2; ++k) (index[k] == j ? own : other) += fabs(weight[k]);
        if (own != 1.0 || other != 0.0) return false;
    }
    return true;
}

std::vector<AxisMap> axisMaps(const ResizeParams& p) {
    std::vector<AxisMap> maps;
    for (size_t a = 0; a < p.inDims.size(); ++a) {
        AxisMap m{p.inDims[a], p.outDims[a], p.scales[a], p.roiStart.empty() ? 0.0 : p.roiStart[a],
                  p.roiEnd.empty() ? 1.0 : p.roiEnd[a], false};
        m.identity = isIdentity(p, m);
        maps.push_back(m);
    }
    return maps;
}

// --- nearest ---------------------------------------------------------------------------------

struct NearestParams {
    int rank;
    ResizeCoord coord;
    ResizeNearest mode;
    AxisMap axes[kMaxDims];
    int64_t inStrides[kMaxDims];
};

template <typename W>
__global__ void resizeNearestKernel(W* __restrict__ out, const W* __restrict__ in, NearestParams p, W fill, int64_t n) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        int64_t rem = i, off = 0;
        bool outside = false;
        for (int k = p.rank - 1; k >= 0; --k) {
            const AxisMap m = p.axes[k];
            const int64_t j = rem % m.outLen;
            rem /= m.outLen;
            const int64_t s = m.identity ? j : nearestSource(p.coord, p.mode, m, j);
            outside = outside || s < 0;
            off += s * p.inStrides[k];
        }
        out[i] = outside ? fill : in[off];
    }
}

// --- linear ----------------------------------------------------------------------------------

struct LinearParams {
    ResizeCoord coord;
    bool excludeOutside;
    float extrapolation;
    AxisMap h, w;  // the last two axes ([outer, H, W]; H is 1 for a 1-D input)
};

__device__ __forceinline__ float load(const float* p) { return *p; }
__device__ __forceinline__ float load(const __half* p) { return __half2float(*p); }
__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half_rn(v); }

// Taps of output j along one axis: two inputs with weights (float), or outside.
__device__ __forceinline__ bool taps(ResizeCoord coord, bool excludeOutside, const AxisMap& m, int64_t j, int64_t* index,
                                     float* weight) {
    if (m.identity) {
        index[0] = index[1] = j;
        weight[0] = 1.0f;
        weight[1] = 0.0f;
        return true;
    }
    double w[2];
    if (!linearTaps(coord, excludeOutside, m, j, index, w)) return false;
    weight[0] = float(w[0]);
    weight[1] = float(w[1]);
    return true;
}

// Separable like the CPU reference: along W first (row values r_a), then along H.
template <typename T>
__global__ void resizeLinearKernel(T* __restrict__ out, const T* __restrict__ in, LinearParams p, int64_t n) {
    const AxisMap h = p.h, w = p.w;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t ow = i % w.outLen, t = i / w.outLen;
        const int64_t oh = t % h.outLen, o = t / h.outLen;
        int64_t hi[2], wi[2];
        float hw[2], ww[2];
        float v = p.extrapolation;  // outside along either axis (tf_crop_and_resize)
        if (taps(p.coord, p.excludeOutside, h, oh, hi, hw)) {
            const bool insideW = taps(p.coord, p.excludeOutside, w, ow, wi, ww);
            const T* plane = in + o * h.inLen * w.inLen;
            float rows[2];
            for (int a = 0; a < 2; ++a) {
                const T* row = plane + hi[a] * w.inLen;
                rows[a] = !insideW ? p.extrapolation
                          : w.identity ? load(row + ow)
                                       : ww[0] * load(row + wi[0]) + ww[1] * load(row + wi[1]);
            }
            v = h.identity ? rows[0] : hw[0] * rows[0] + hw[1] * rows[1];
        }
        store(out + i, v);
    }
}

}  // namespace

std::string resizeUnsupported(const ResizeParams& p, DataType type) {
    const size_t rank = p.inDims.size();
    if (rank > size_t(kMaxDims)) return "Resize of rank " + std::to_string(rank) + " is not implemented on CUDA";
    if (!p.linear) return {};
    if (rank == 0) return "linear Resize of a scalar";
    if (type != DataType::Float32 && type != DataType::Float16)
        return std::string("linear Resize of ") + dataTypeName(type) + " is not implemented on CUDA";
    const std::vector<AxisMap> maps = axisMaps(p);
    for (size_t a = 0; a + 2 < rank; ++a)
        if (!maps[a].identity)
            return "linear Resize interpolates only the last two axes on CUDA; axis " + std::to_string(a) +
                   " is resampled (" + std::to_string(p.inDims[a]) + " -> " + std::to_string(p.outDims[a]) + ")";
    return {};
}

Status resize(void* out, const void* in, DataType type, const ResizeParams& p, cudaStream_t stream) {
    const size_t rank = p.inDims.size();
    int64_t n = 1;
    for (size_t a = 0; a < rank; ++a) {
        if (p.inDims[a] == 0 && p.outDims[a] > 0)
            return invalidArgument("cannot resize axis " + std::to_string(a) + " of length 0 to length " +
                                   std::to_string(p.outDims[a]));
        n *= p.outDims[a];
    }
    if (n == 0) return Status::ok();
    if (std::string why = resizeUnsupported(p, type); !why.empty()) return unsupported(why);
    const std::vector<AxisMap> maps = axisMaps(p);
    if (!p.linear) {
        NearestParams k{};
        k.rank = int(rank);
        k.coord = p.coord;
        k.mode = p.nearest;
        int64_t stride = 1;
        for (size_t a = rank; a-- > 0;) {
            k.axes[a] = maps[a];
            k.inStrides[a] = stride;
            stride *= p.inDims[a];
        }
        const size_t es = dataTypeSize(type);
        const bool launched = es <= 8 && withWord(es, [&](auto tag) {
            using W = decltype(tag);
            W fill;
            std::memcpy(&fill, &p.extrapolationBits, sizeof(W));
            resizeNearestKernel<W><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(static_cast<W*>(out),
                                                                                    static_cast<const W*>(in), k, fill, n);
        });
        if (!launched) return unsupported("elements of " + std::to_string(es) + " bytes");
    } else {
        LinearParams k{};
        k.coord = p.coord;
        k.excludeOutside = p.excludeOutside;
        k.extrapolation = float(p.extrapolation);
        const AxisMap unit{1, 1, 1.0, 0.0, 1.0, true};
        k.w = maps[rank - 1];
        k.h = rank >= 2 ? maps[rank - 2] : unit;
        if (type == DataType::Float32)
            resizeLinearKernel<float><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(static_cast<float*>(out),
                                                                                       static_cast<const float*>(in), k, n);
        else
            resizeLinearKernel<__half><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(
                static_cast<__half*>(out), static_cast<const __half*>(in), k, n);
    }
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

}  // namespace kiln::cuda::data
