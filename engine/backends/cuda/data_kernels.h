// Kiln's own CUDA kernels for the data-movement layers (kernels_data_*.cu), called by the tactics
// in data_tactics*.cpp. Launchers take device pointers and logical row-major dims. Elements are
// moved as opaque words: the element's size, or up to 16 bytes where sizes and addresses allow,
// so one kernel serves float, __half, int64, int32, bool and int8 alike. Index spaces are
// simplified before launch (size-1 axes dropped, axes that stay adjacent merged). Launchers
// never synchronize, allocate or copy host<->device: parameters travel by value.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backends/cuda/layer_kernel.h"
#include "core/data_type.h"
#include "core/status.h"

namespace kiln::cuda::data {

// The rank an index space may have after simplification (Tile doubles the rank: [r0, d0, r1, d1, ...]).
constexpr int kMaxDims = 12;

// --- copies (kernels_data_copy.cu) -------------------------------------------------------------

// For every row-major index i of dims: dst[i] = src[sum_k i_k * srcStrides[k]] (dst contiguous).
// Strides are in elements, of any sign; 0 broadcasts. src points at element (0, ..., 0).
Status stridedCopy(void* dst, const void* src, const std::vector<int64_t>& dims, const std::vector<int64_t>& srcStrides,
                   size_t elemSize, cudaStream_t stream);

// A transpose out.dims[k] = dims[perm[k]] with size-1 axes dropped and runs of input axes that
// stay adjacent in the output merged ([B, S, H, D] (0, 2, 1, 3) stays 4-D; NCHW->NHWC becomes
// [N, C, HW] (0, 2, 1)).
struct Permutation {
    std::vector<int64_t> dims;
    std::vector<int> perm;
};
Permutation simplifyPermutation(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm);
// Whether the input's innermost axis moves: then reads and writes cannot both be coalesced
// without staging 32x32 tiles in shared memory.
bool innermostMoves(const Permutation& p);
// Through shared-memory tiles (falls back to transposeStrided when the innermost axis stays).
Status transposeTiled(void* dst, const void* src, const Permutation& p, size_t elemSize, cudaStream_t stream);
// Coalesced writes, strided reads; the innermost run is moved in words of up to 16 bytes.
Status transposeStrided(void* dst, const void* src, const Permutation& p, size_t elemSize, cudaStream_t stream);

// A block of `rows` rows of rowBytes bytes, each row at its own pitch on both sides: one input of
// a Concat into its slice of the output, or one slice of a Split's input into an output.
struct CopyPiece {
    const void* src = nullptr;
    void* dst = nullptr;
    int64_t rows = 0, rowBytes = 0, srcPitch = 0, dstPitch = 0;
};
// Copies all pieces, several per launch.
Status copyPieces(const std::vector<CopyPiece>& pieces, cudaStream_t stream);

// dst[0, n) = the element whose bytes are the low elemSize bytes of `bits`.
Status fill(void* dst, int64_t n, uint64_t bits, size_t elemSize, cudaStream_t stream);

// --- index-driven ops (kernels_data_index.cu) --------------------------------------------------

// Gather over data [outer, dim, inner] with `count` indices (int64 or int32):
//   out[o, j, :] = data[o, idx[j] (+ dim when negative), :]      (innerBytes per row)
// An index outside [-dim, dim) (an error on the CPU) gives a zero row.
Status gather(void* out, const void* data, const void* indices, bool indices64, int64_t outer, int64_t dim,
              int64_t count, int64_t innerBytes, cudaStream_t stream);

// GatherElements: out[i] = data[i with i[axis] replaced by idx[i]]; out has the indices' dims.
Status gatherElements(void* out, const void* data, const void* indices, bool indices64,
                      const std::vector<int64_t>& dataDims, const std::vector<int64_t>& indexDims, int axis,
                      size_t elemSize, cudaStream_t stream);

// Where: out = cond ? x : y, the three broadcast (numpy rules) to outDims. cond is bool.
Status where(void* out, const void* cond, const void* x, const void* y, const std::vector<int64_t>& outDims,
             const std::vector<int64_t>& condDims, const std::vector<int64_t>& xDims, const std::vector<int64_t>& yDims,
             size_t elemSize, cudaStream_t stream);

enum class PadMode { Constant, Reflect, Edge, Wrap };
// Pad: pads = [begin_0, ..., begin_r, end_0, ..., end_r] (negative crops). Constant cells take
// *value (device memory) when value is not null, else the low elemSize bytes of valueBits.
Status pad(void* out, const void* in, const std::vector<int64_t>& inDims, const std::vector<int64_t>& pads,
           PadMode mode, const void* value, uint64_t valueBits, size_t elemSize, cudaStream_t stream);

// out[i] = values[i] (int64), from parameters: the Shape op, dims known at enqueue.
Status writeInt64s(int64_t* out, const std::vector<int64_t>& values, cudaStream_t stream);

// Range: out[i] = start + i * delta for i < n; start and delta are device scalars of `type`
// (float32, float16, int16, int32, int64, float64).
Status range(void* out, DataType type, const void* start, const void* delta, int64_t n, cudaStream_t stream);

// --- Resize (kernels_data_resize.cu) -------------------------------------------------------------

// The ONNX coordinate_transformation_mode and nearest_mode; NearestMode::Simple is the rule of
// Resize-10 and Upsample (ceil when downsampling an axis, floor otherwise).
enum class ResizeCoord { HalfPixel, HalfPixelSymmetric, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNearest, TfCropAndResize };
enum class ResizeNearest { RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Simple };

// A resampling at concrete shapes (one entry per axis in the vectors).
struct ResizeParams {
    bool linear = false;  // false: nearest
    ResizeCoord coord = ResizeCoord::HalfPixel;
    ResizeNearest nearest = ResizeNearest::RoundPreferFloor;
    bool excludeOutside = false;
    double extrapolation = 0.0;  // tf_crop_and_resize, outside the input
    uint64_t extrapolationBits = 0;  // the same as an element of the tensor's type (nearest)
    std::vector<int64_t> inDims, outDims;
    std::vector<double> scales, roiStart, roiEnd;
};
// Why the GPU kernels cannot run this resampling, or "" (linear interpolates the last two axes
// only: every other axis must map output j to input j).
std::string resizeUnsupported(const ResizeParams& p, DataType type);
Status resize(void* out, const void* in, DataType type, const ResizeParams& p, cudaStream_t stream);

// --- shared by the tactics (data_tactics*.cpp) ---------------------------------------------------

// The families registered by registerDataMovementTactics (data_tactics.cpp) besides its own.
void registerCopyTactics(TacticRegistry& r);    // data_tactics_copy.cpp: Transpose, Concat, Split, Slice, ...
void registerIndexTactics(TacticRegistry& r);   // data_tactics_index.cpp: Gather, GatherElements, Where, Pad
void registerResizeTactics(TacticRegistry& r);  // data_tactics_resize.cpp: Resize, Upsample

// A constant integer input (Slice's starts, Pad's pads) read on the host: `fallback` when the
// input is absent, Unsupported naming the input when it is computed at run time.
Expected<std::vector<int64_t>> constantInts(const ir::Node& node, int input, const char* what,
                                            std::vector<int64_t> fallback = {});
// axis in [-rank, rank) -> [0, rank), or an InvalidArgument error.
Expected<int> normalizeAxis(int64_t axis, int rank);
int64_t dimProduct(const std::vector<int64_t>& dims, size_t begin, size_t end);
// Copies input to output unless the executor gave them the same memory (a view).
Status copyIfMoved(const DeviceTensor& in, const DeviceOutput& out, cudaStream_t stream);

// A tactic that creates a K.
template <typename K>
Tactic tacticOf(std::string name) {
    return Tactic{std::move(name), [] { return std::make_unique<K>(); }};
}

}  // namespace kiln::cuda::data

#if defined(__CUDACC__)
// --- device helpers shared by kernels_data_*.cu ----------------------------------------------------
namespace kiln::cuda::data::device {

// q = n / d, r = n - q * d for a divisor fixed at launch. 32-bit index spaces (n, d < 2^31) use
// a multiply-high by a magic number (Granlund-Montgomery, as ONNX Runtime's fast_divmod); larger
// ones divide.
template <typename Index>
struct Divider;

template <>
struct Divider<uint32_t> {
    uint32_t d = 1, magic = 1, shift = 0;
    Divider() = default;
    explicit Divider(int64_t divisor) : d(uint32_t(divisor)) {
        while (shift < 31 && (uint32_t(1) << shift) < d) ++shift;
        magic = uint32_t(((uint64_t(1) << 32) * ((uint64_t(1) << shift) - d)) / d + 1);
    }
    __device__ __forceinline__ uint32_t div(uint32_t n) const { return (__umulhi(n, magic) + n) >> shift; }
};

template <>
struct Divider<uint64_t> {
    uint64_t d = 1;
    Divider() = default;
    explicit Divider(int64_t divisor) : d(uint64_t(divisor)) {}
    __device__ __forceinline__ uint64_t div(uint64_t n) const { return n / d; }
};

// Whether an index space of n elements can use 32-bit indices (and the fast divider).
inline bool fits32(int64_t n) { return n < (int64_t(1) << 31); }

// Blocks for a grid-stride loop over n items with `threads` per block.
inline unsigned blocksFor(int64_t n, int threads) {
    const int64_t b = (n + threads - 1) / threads;
    return unsigned(b < 1 ? 1 : b > (int64_t(1) << 20) ? (int64_t(1) << 20) : b);
}

inline uint64_t address(const void* p) { return uint64_t(reinterpret_cast<uintptr_t>(p)); }

// The widest word (16, 8, 4, 2 or 1 bytes, at least minBytes) dividing every value: byte
// counts, byte strides and addresses.
inline size_t widestWord(const std::vector<uint64_t>& values, size_t minBytes = 1) {
    for (size_t w = 16; w > minBytes; w /= 2) {
        bool ok = true;
        for (uint64_t v : values) ok = ok && v % w == 0;
        if (ok) return w;
    }
    return minBytes;
}

// Calls f(W{}) with W the unsigned word type of `bytes` bytes (1, 2, 4, 8 or 16).
template <typename F>
bool withWord(size_t bytes, F&& f) {
    switch (bytes) {
    case 1: f(uint8_t{}); return true;
    case 2: f(uint16_t{}); return true;
    case 4: f(uint32_t{}); return true;
    case 8: f(uint2{}); return true;
    case 16: f(uint4{}); return true;
    default: return false;
    }
}

}  // namespace kiln::cuda::data::device
#endif
