// Copy kernels of the data-movement layers: strided copies (Transpose, Slice, Expand, Tile, the
// depth/space rearrangements), the shared-memory tiled transpose, Concat/Split pieces and fills.
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

// --- strided copy ----------------------------------------------------------------------------

template <typename Index>
struct StridedParams {
    int rank;
    Divider<Index> dims[kMaxDims];
    int64_t strides[kMaxDims];
};

// dst[i] = src[sum_k i_k * strides[k]]: writes coalesced, reads wherever the strides say.
template <typename W, typename Index>
__global__ void stridedCopyKernel(W* __restrict__ dst, const W* __restrict__ src, StridedParams<Index> p, Index n) {
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += Index(gridDim.x) * blockDim.x) {
        Index rem = i;
        int64_t off = 0;
        for (int k = p.rank - 1; k > 0; --k) {
            const Index q = p.dims[k].div(rem);
            off += int64_t(rem - q * Index(p.dims[k].d)) * p.strides[k];
            rem = q;
        }
        dst[i] = src[off + int64_t(rem) * p.strides[0]];
    }
}

template <typename W, typename Index>
void launchStrided(void* dst, const void* src, const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                   int64_t n, cudaStream_t stream) {
    StridedParams<Index> p{};
    p.rank = int(dims.size());
    for (size_t k = 0; k < dims.size(); ++k) {
        p.dims[k] = Divider<Index>(dims[k]);
        p.strides[k] = strides[k];
    }
    stridedCopyKernel<W, Index><<<blocksFor(n, kThreads), kThreads, 0, stream>>>(static_cast<W*>(dst),
                                                                                 static_cast<const W*>(src), p, Index(n));
}

// --- tiled transpose -------------------------------------------------------------------------

// A block is 32 x 8 threads. Elements of 4 and 8 bytes move in 32 x 32 tiles; narrower ones in
// 64 x 64 tiles, so that every thread keeps 16 loads in flight (4 would starve HBM).
constexpr int kWarp = 32, kTileRows = 8;
template <typename W>
constexpr int tileFor() {
    return sizeof(W) >= 4 ? 32 : 64;
}
// Row padding of the shared tile in elements: one 4-byte bank word, so that the column reads of
// the write phase fall on 32 different banks.
template <typename W>
constexpr int tilePadFor() {
    return sizeof(W) >= 4 ? 1 : int(4 / sizeof(W));
}

// The plane of a transpose where the input's innermost axis (a) moves: the output's innermost
// axis is another input axis (b). Every other axis is a batch axis with an offset on each side.
struct TileParams {
    int batchRank;
    int64_t batchDims[kMaxDims], batchIn[kMaxDims], batchOut[kMaxDims];
    int64_t batches;
    int64_t a, b;        // plane extents
    int64_t inStrideB;   // input stride of b (a has input stride 1)
    int64_t outStrideA;  // output stride of a (b has output stride 1)
    int64_t tilesA;
};

// One Tile x Tile tile per block: read along a (coalesced in the input) into shared memory,
// write along b (coalesced in the output).
template <typename W>
__global__ void __launch_bounds__(kWarp * kTileRows)
    transposeTileKernel(W* __restrict__ dst, const W* __restrict__ src, TileParams p) {
    constexpr int kTile = tileFor<W>();
    __shared__ W tile[kTile][kTile + tilePadFor<W>()];  // [b][a]
    int64_t batch = int64_t(blockIdx.z) * gridDim.y + blockIdx.y;
    if (batch >= p.batches) return;
    int64_t inBase = 0, outBase = 0;
    for (int k = p.batchRank - 1; k >= 0; --k) {
        const int64_t c = batch % p.batchDims[k];
        batch /= p.batchDims[k];
        inBase += c * p.batchIn[k];
        outBase += c * p.batchOut[k];
    }
    const int64_t a0 = int64_t(blockIdx.x % p.tilesA) * kTile, b0 = int64_t(blockIdx.x / p.tilesA) * kTile;
    const W* in = src + inBase + b0 * p.inStrideB + a0;
    W* out = dst + outBase + a0 * p.outStrideA + b0;
    const int64_t aLeft = p.a - a0, bLeft = p.b - b0;  // the tile may hang over the plane's edge
#pragma unroll
    for (int r = threadIdx.y; r < kTile; r += kTileRows)
#pragma unroll
        for (int c = threadIdx.x; c < kTile; c += kWarp)
            if (c < aLeft && r < bLeft) tile[r][c] = in[r * p.inStrideB + c];
    __syncthreads();
#pragma unroll
    for (int r = threadIdx.y; r < kTile; r += kTileRows)
#pragma unroll
        for (int c = threadIdx.x; c < kTile; c += kWarp)
            if (r < aLeft && c < bLeft) out[r * p.outStrideA + c] = tile[c][r];
}

// --- Concat / Split pieces -------------------------------------------------------------------

constexpr int kPiecesPerLaunch = 16;

template <typename Index>
struct PieceParams {
    const unsigned char* src;
    unsigned char* dst;
    Divider<Index> rowWords;
    Index words;                 // rows * rowWords
    int64_t srcPitch, dstPitch;  // in words
};

template <typename Index>
struct PieceBatch {
    PieceParams<Index> piece[kPiecesPerLaunch];
};

// blockIdx.y picks the piece; the blocks of a piece stride over its words.
template <typename W, typename Index>
__global__ void copyPiecesKernel(PieceBatch<Index> batch) {
    const PieceParams<Index>& c = batch.piece[blockIdx.y];
    const W* src = reinterpret_cast<const W*>(c.src);
    W* dst = reinterpret_cast<W*>(c.dst);
    for (Index i = Index(blockIdx.x) * blockDim.x + threadIdx.x; i < c.words; i += Index(gridDim.x) * blockDim.x) {
        const Index row = c.rowWords.div(i);
        const Index col = i - row * Index(c.rowWords.d);
        dst[int64_t(row) * c.dstPitch + col] = src[int64_t(row) * c.srcPitch + col];
    }
}

template <typename W, typename Index>
void launchPieces(const CopyPiece* pieces, int count, size_t word, cudaStream_t stream) {
    PieceBatch<Index> batch{};
    int64_t most = 0;
    for (int i = 0; i < count; ++i) {
        const CopyPiece& c = pieces[i];
        PieceParams<Index>& p = batch.piece[i];
        p.src = static_cast<const unsigned char*>(c.src);
        p.dst = static_cast<unsigned char*>(c.dst);
        p.rowWords = Divider<Index>(c.rowBytes / int64_t(word));
        p.words = Index(c.rows * (c.rowBytes / int64_t(word)));
        p.srcPitch = c.srcPitch / int64_t(word);
        p.dstPitch = c.dstPitch / int64_t(word);
        most = std::max<int64_t>(most, int64_t(p.words));
    }
    copyPiecesKernel<W, Index><<<dim3(blocksFor(most, kThreads), unsigned(count)), kThreads, 0, stream>>>(batch);
}

template <typename W>
__global__ void fillKernel(W* __restrict__ dst, W value, int64_t n) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        dst[i] = value;
}

}  // namespace

Status stridedCopy(void* dst, const void* src, const std::vector<int64_t>& dims, const std::vector<int64_t>& srcStrides,
                   size_t elemSize, cudaStream_t stream) {
    const int64_t n = product(dims);
    if (n == 0) return Status::ok();
    // Drop size-1 axes; merge axis k into k - 1 where the source is contiguous across them
    // (the destination always is).
    std::vector<int64_t> d, st;
    for (size_t k = 0; k < dims.size(); ++k) {
        if (dims[k] == 1) continue;
        if (!d.empty() && st.back() == srcStrides[k] * dims[k]) {
            d.back() *= dims[k];
            st.back() = srcStrides[k];
            continue;
        }
        d.push_back(dims[k]);
        st.push_back(srcStrides[k]);
    }
    if (d.empty() || (d.size() == 1 && st[0] == 1)) {
        KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(dst, src, size_t(n) * elemSize, cudaMemcpyDeviceToDevice, stream));
        return Status::ok();
    }
    if (d.size() > size_t(kMaxDims))
        return unsupported("a copy over " + std::to_string(d.size()) + " non-mergeable axes (at most " +
                           std::to_string(kMaxDims) + ")");
    // A unit-stride innermost run moves in the widest word its length, the other strides and
    // both addresses allow.
    size_t word = elemSize;
    if (st.back() == 1) {
        std::vector<uint64_t> values = {address(dst), address(src), uint64_t(d.back()) * elemSize};
        for (size_t k = 0; k + 1 < st.size(); ++k) values.push_back(uint64_t(st[k] < 0 ? -st[k] : st[k]) * elemSize);
        word = widestWord(values, elemSize);
        const int64_t ratio = int64_t(word / elemSize);
        d.back() /= ratio;
        for (size_t k = 0; k + 1 < st.size(); ++k) st[k] /= ratio;
    }
    const int64_t words = n / int64_t(word / elemSize);
    withWord(word, [&](auto tag) {
        using W = decltype(tag);
        if (fits32(words)) launchStrided<W, uint32_t>(dst, src, d, st, words, stream);
        else launchStrided<W, uint64_t>(dst, src, d, st, words, stream);
    });
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Permutation simplifyPermutation(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
    // Size-1 axes carry no data: drop them and renumber the rest.
    std::vector<int> newIndex(dims.size(), -1);
    std::vector<int64_t> kept;
    for (size_t a = 0; a < dims.size(); ++a)
        if (dims[a] != 1) {
            newIndex[a] = int(kept.size());
            kept.push_back(dims[a]);
        }
    std::vector<int> p;
    for (int64_t a : perm)
        if (newIndex[size_t(a)] >= 0) p.push_back(newIndex[size_t(a)]);
    // Runs of consecutive input axes that stay consecutive in the output become one axis.
    std::vector<std::vector<int>> groups;  // in output order
    for (size_t k = 0; k < p.size(); ++k) {
        if (k > 0 && p[k] == p[k - 1] + 1) groups.back().push_back(p[k]);
        else groups.push_back({p[k]});
    }
    std::vector<int> byInput(groups.size());  // group indices sorted by their first input axis
    for (size_t g = 0; g < groups.size(); ++g) byInput[g] = int(g);
    std::sort(byInput.begin(), byInput.end(), [&](int x, int y) { return groups[size_t(x)][0] < groups[size_t(y)][0]; });
    Permutation out;
    std::vector<int> rankOf(groups.size());
    for (size_t r = 0; r < byInput.size(); ++r) {
        int64_t extent = 1;
        for (int a : groups[size_t(byInput[r])]) extent *= kept[size_t(a)];
        out.dims.push_back(extent);
        rankOf[size_t(byInput[r])] = int(r);
    }
    for (size_t g = 0; g < groups.size(); ++g) out.perm.push_back(rankOf[g]);
    return out;
}

bool innermostMoves(const Permutation& p) { return !p.perm.empty() && p.perm.back() != int(p.perm.size()) - 1; }

Status transposeStrided(void* dst, const void* src, const Permutation& p, size_t elemSize, cudaStream_t stream) {
    const std::vector<int64_t> inStrides = rowMajorStrides(p.dims);
    std::vector<int64_t> dims, strides;
    for (int a : p.perm) {
        dims.push_back(p.dims[size_t(a)]);
        strides.push_back(inStrides[size_t(a)]);
    }
    return stridedCopy(dst, src, dims, strides, elemSize, stream);
}

Status transposeTiled(void* dst, const void* src, const Permutation& p, size_t elemSize, cudaStream_t stream) {
    if (!innermostMoves(p)) return transposeStrided(dst, src, p, elemSize, stream);
    const int rank = int(p.dims.size());
    if (rank > kMaxDims) return unsupported("a transpose of rank " + std::to_string(rank));
    const std::vector<int64_t> inStrides = rowMajorStrides(p.dims);
    std::vector<int64_t> outDims;
    for (int a : p.perm) outDims.push_back(p.dims[size_t(a)]);
    const std::vector<int64_t> outStrides = rowMajorStrides(outDims);
    if (product(outDims) == 0) return Status::ok();

    TileParams t{};
    const int b = p.perm[size_t(rank - 1)];
    t.a = p.dims[size_t(rank - 1)];
    t.b = p.dims[size_t(b)];
    t.inStrideB = inStrides[size_t(b)];
    t.batches = 1;
    for (int k = 0; k < rank - 1; ++k) {
        if (p.perm[size_t(k)] == rank - 1) {
            t.outStrideA = outStrides[size_t(k)];
            continue;
        }
        t.batchDims[t.batchRank] = outDims[size_t(k)];
        t.batchIn[t.batchRank] = inStrides[size_t(p.perm[size_t(k)])];
        t.batchOut[t.batchRank] = outStrides[size_t(k)];
        t.batches *= outDims[size_t(k)];
        ++t.batchRank;
    }
    const int64_t gridY = std::min<int64_t>(t.batches, 65535), gridZ = (t.batches + gridY - 1) / gridY;
    Status st = Status::ok();
    const bool launched = elemSize <= 8 && withWord(elemSize, [&](auto tag) {
        using W = decltype(tag);
        constexpr int kTile = tileFor<W>();
        TileParams tp = t;
        tp.tilesA = (t.a + kTile - 1) / kTile;
        const int64_t tiles = tp.tilesA * ((t.b + kTile - 1) / kTile);
        if (tiles >= (int64_t(1) << 31) || gridZ > 65535) {
            st = unsupported("a transpose plane of " + std::to_string(t.a) + " x " + std::to_string(t.b) + " in " +
                             std::to_string(t.batches) + " batches is too large for one launch");
            return;
        }
        const dim3 grid{unsigned(tiles), unsigned(gridY), unsigned(gridZ)}, block{kWarp, kTileRows};
        transposeTileKernel<W><<<grid, block, 0, stream>>>(static_cast<W*>(dst), static_cast<const W*>(src), tp);
    });
    if (!launched) return unsupported("elements of " + std::to_string(elemSize) + " bytes");
    KILN_RETURN_IF_ERROR(st);
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

Status copyPieces(const std::vector<CopyPiece>& all, cudaStream_t stream) {
    std::vector<CopyPiece> pieces;
    for (const CopyPiece& c : all)
        if (c.rows > 0 && c.rowBytes > 0 && c.src != c.dst) pieces.push_back(c);  // equal: already in place
    for (size_t first = 0; first < pieces.size(); first += kPiecesPerLaunch) {
        const int count = int(std::min<size_t>(kPiecesPerLaunch, pieces.size() - first));
        std::vector<uint64_t> values;
        bool narrow = true;
        for (int i = 0; i < count; ++i) {
            const CopyPiece& c = pieces[first + size_t(i)];
            values.insert(values.end(), {address(c.src), address(c.dst), uint64_t(c.rowBytes), uint64_t(c.srcPitch),
                                         uint64_t(c.dstPitch)});
            narrow = narrow && fits32(c.rows * c.rowBytes);
        }
        const size_t word = widestWord(values);
        withWord(word, [&](auto tag) {
            using W = decltype(tag);
            if (narrow) launchPieces<W, uint32_t>(pieces.data() + first, count, word, stream);
            else launchPieces<W, uint64_t>(pieces.data() + first, count, word, stream);
        });
        KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    }
    return Status::ok();
}

Status fill(void* dst, int64_t n, uint64_t bits, size_t elemSize, cudaStream_t stream) {
    if (n <= 0) return Status::ok();
    if (elemSize == 0 || elemSize > sizeof(bits)) return unsupported("elements of " + std::to_string(elemSize) + " bytes");
    // The element repeated across a word of up to 16 bytes.
    const size_t word = widestWord({address(dst), uint64_t(n) * elemSize}, elemSize);
    unsigned char pattern[16];
    for (size_t i = 0; i < word; i += elemSize) std::memcpy(pattern + i, &bits, elemSize);
    const int64_t words = n * int64_t(elemSize) / int64_t(word);
    const bool launched = withWord(word, [&](auto tag) {
        using W = decltype(tag);
        W value;
        std::memcpy(&value, pattern, sizeof(W));
        fillKernel<W><<<blocksFor(words, kThreads), kThreads, 0, stream>>>(static_cast<W*>(dst), value, words);
    });
    if (!launched) return internalError("no word of " + std::to_string(word) + " bytes");
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    return Status::ok();
}

}  // namespace kiln::cuda::data
