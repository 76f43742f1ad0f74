// kiln.Attention in one kernel per call: scores, mask, softmax and P.V never leave the chip.
//
// attentionMma (FP16, D = Dv in {32, 64, 128}): flash-attention style. A block takes 16 query rows
// per warp of one (batch, head); the K and V tiles of 64 keys stream through shared memory
// (cp.async into two stages: tiles t and t+1 are requested before tile t is used, so at S = 128
// every load is issued at once). Each warp computes its
// 16 x 64 scores with mma.sync m16n8k16 (FP16 in, FP32 accumulate), keeps the softmax online
// (running max m and sum l per row, the output rescaled by exp(m_old - m_new) when m grows)
// and reuses the score accumulators as the A operand of P.V (the C fragment layout of a 16x8 tile
// pair is the A fragment layout of a 16x16 tile); V's B fragments come from ldmatrix.trans.
// Shared-memory rows are padded by 8 halves so that fragment loads hit 32 distinct banks.
//
// attentionTiled (any precision, any D, Dv): the same algorithm in SIMT float math, with 32 query
// rows x 32 keys per step; the correct fallback for every shape.
//
// Scores are kept in the log2 domain (x * log2(e)) so that exp is one exp2. Keys past Sk are -inf.
// A row whose running max is still -inf uses 0 as its max, so fully masked tiles contribute
// exp2(-inf) = 0 rather than NaN; a row with no finite score ends with l == 0 (NaN for a NaN
// score) and is written as NaN, or 0 with zeroNanRows - the reference's results.
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda::own {

namespace {

constexpr float kLog2e = 1.4426950408889634f;

// --- tensor-core kernel ------------------------------------------------------------------------

constexpr int kMmaKeys = 64;      // keys per K/V tile
constexpr int kMmaMaxWarps = 8;   // 16 query rows each: 128 rows, so one block per (batch, head) at S = 128

__device__ __forceinline__ uint32_t smemAddress(const void* p) { return uint32_t(__cvta_generic_to_shared(p)); }

// 16 bytes global -> shared, asynchronously; zero-filled when !valid (gmem must still be a valid address).
__device__ __forceinline__ void cpAsync16(void* smem, const void* gmem, bool valid) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smemAddress(smem)), "l"(gmem), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::); }
// Waits until at most one committed group (the newest) is still in flight, or none.
__device__ __forceinline__ void cpAsyncWaitAllButNewest() { asm volatile("cp.async.wait_group 1;\n" ::: "memory"); }
__device__ __forceinline__ void cpAsyncWaitAll() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }

// c += a (16x16, row-major) * b (16x8, column-major), FP16 in, FP32 accumulate.
__device__ __forceinline__ void mma16816(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Four 8x8 b16 matrices from shared memory, transposed (lanes 8i..8i+7 give the rows of matrix i).
__device__ __forceinline__ void ldmatrixX4Trans(uint32_t (&r)[4], const void* rowAddress) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(smemAddress(rowAddress)));
}

__device__ __forceinline__ uint32_t packHalf2(float lo, float hi) {
    const __half2 h = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<const uint32_t*>(&h);
}

__device__ __forceinline__ uint32_t loadU32(const __half* p) { return *reinterpret_cast<const uint32_t*>(p); }

template <int D>
constexpr int mmaStride() { return D + 8; }  // halves per shared-memory row

template <int D>
constexpr size_t mmaSharedBytes(int warps) {
    return size_t(warps * 16 + 4 * kMmaKeys) * mmaStride<D>() * sizeof(__half);
}

// Thread (lane) roles in the mma fragments: gid = lane / 4 picks the row (and row + 8), tig =
// lane % 4 the column pair tig * 2, tig * 2 + 1.
template <int D>
__global__ void __launch_bounds__(kMmaMaxWarps * 32) attentionMma(AttentionArgs a) {
    constexpr int kStride = mmaStride<D>();
    constexpr int kChunks = D / 8;  // 16-byte chunks per row
    extern __shared__ __align__(16) unsigned char smemRaw[];
    const int warps = blockDim.x >> 5, rowsPerBlock = warps * 16;
    __half* qs = reinterpret_cast<__half*>(smemRaw);  // [rowsPerBlock][kStride]; later the output
    __half* kvs = qs + rowsPerBlock * kStride;        // 2 stages x (K tile, V tile), [kMmaKeys][kStride] each
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, gid = lane >> 2, tig = lane & 3;
    const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * rowsPerBlock;
    const int64_t rowStride = int64_t(a.heads) * D;  // of Q, K, V and Y
    const __half* q = static_cast<const __half*>(a.q) + int64_t(b) * a.sq * rowStride + h * D;
    const __half* k = static_cast<const __half*>(a.k) + int64_t(b) * a.sk * rowStride + h * D;
    const __half* v = static_cast<const __half*>(a.v) + int64_t(b) * a.sk * rowStride + h * D;
    __half* y = static_cast<__half*>(a.y) + int64_t(b) * a.sq * rowStride + h * D;

    for (int c = threadIdx.x; c < rowsPerBlock * kChunks; c += blockDim.x) {
        const int r = c / kChunks, col = (c % kChunks) * 8;
        const bool ok = q0 + r < a.sq;
        cpAsync16(qs + r * kStride + col, ok ? q + int64_t(q0 + r) * rowStride + col : q, ok);
    }
    auto loadKV = [&](int tile, int stage) {
        __half* ks = kvs + stage * 2 * kMmaKeys * kStride;
        __half* vs = ks + kMmaKeys * kStride;
        for (int c = threadIdx.x; c < kMmaKeys * kChunks; c += blockDim.x) {
            const int r = c / kChunks, col = (c % kChunks) * 8, key = tile * kMmaKeys + r;
            const bool ok = key < a.sk;
            const int64_t offset = ok ? int64_t(key) * rowStride + col : 0;
            cpAsync16(ks + r * kStride + col, k + offset, ok);
            cpAsync16(vs + r * kStride + col, v + offset, ok);
        }
    };
    // Two stages in flight from the start: group 0 = Q and tile 0, group 1 = tile 1 (may be empty).
    loadKV(0, 0);
    cpAsyncCommit();
    if (a.sk > kMmaKeys) loadKV(1, 1);
    cpAsyncCommit();

    // This thread's two query rows, A (gid) and B (gid + 8), and their mask rows (rows past Sq
    // are computed but not written; their mask row is clamped to stay in bounds).
    const int rowA = q0 + warp * 16 + gid, rowB = rowA + 8;
    const __half* mask = static_cast<const __half*>(a.mask);
    const __half* maskA = nullptr;
    const __half* maskB = nullptr;
    if (mask) {
        const __half* m = mask + b * a.maskStrides[0] + h * a.maskStrides[1];
        maskA = m + min(rowA, a.sq - 1) * a.maskStrides[2];
        maskB = m + min(rowB, a.sq - 1) * a.maskStrides[2];
    }
    const int64_t maskKeyStride = a.maskStrides[3];
    const float scaleLog2 = a.scale * kLog2e;

    uint32_t qf[D / 16][4];
    float o[D / 8][4];
#pragma unroll
    for (int i = 0; i < D / 8; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
    float mA = -INFINITY, mB = -INFINITY;  // running maxima (log2 domain)
    float lA = 0.f, lB = 0.f;              // this thread's part of the running sums

    const int tiles = (a.sk + kMmaKeys - 1) / kMmaKeys;
    for (int t = 0; t < tiles; ++t) {
        // Committed so far: the groups of tiles 0 .. t + 1, so this leaves only tile t + 1 loading.
        cpAsyncWaitAllButNewest();
        __syncthreads();  // tile t visible to all
        if (t == 0) {
#pragma unroll
            for (int kk = 0; kk < D / 16; ++kk) {
                const __half* base = qs + (warp * 16 + gid) * kStride + kk * 16 + tig * 2;
                qf[kk][0] = loadU32(base);
                qf[kk][1] = loadU32(base + 8 * kStride);
                qf[kk][2] = loadU32(base + 8);
                qf[kk][3] = loadU32(base + 8 * kStride + 8);
            }
        }
        const __half* ks = kvs + (t & 1) * 2 * kMmaKeys * kStride;
        const __half* vs = ks + kMmaKeys * kStride;

        // S = Q K^T: B[k][n] = K[n][k], so b0/b1 are consecutive pairs of one K row.
        float s[kMmaKeys / 8][4];
#pragma unroll
        for (int nt = 0; nt < kMmaKeys / 8; ++nt) {
            s[nt][0] = s[nt][1] = s[nt][2] = s[nt][3] = 0.f;
            const __half* krow = ks + (nt * 8 + gid) * kStride + tig * 2;
#pragma unroll
            for (int kk = 0; kk < D / 16; ++kk) mma16816(s[nt], qf[kk], loadU32(krow + kk * 16), loadU32(krow + kk * 16 + 8));
        }

        // Scale, mask, and the tile's row maxima (each row is spread over the 4 threads of a quad).
        float maxA = -INFINITY, maxB = -INFINITY;
#pragma unroll
        for (int nt = 0; nt < kMmaKeys / 8; ++nt) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const int key = t * kMmaKeys + nt * 8 + tig * 2 + e;
                float sa = -INFINITY, sb = -INFINITY;
                if (key < a.sk) {
                    sa = s[nt][e] * scaleLog2;
                    sb = s[nt][2 + e] * scaleLog2;
                    if (mask) {
                        sa += __half2float(maskA[key * maskKeyStride]) * kLog2e;
                        sb += __half2float(maskB[key * maskKeyStride]) * kLog2e;
                    }
                }
                s[nt][e] = sa;
                s[nt][2 + e] = sb;
                maxA = fmaxf(maxA, sa);
                maxB = fmaxf(maxB, sb);
            }
        }
#pragma unroll
        for (int offset = 1; offset <= 2; offset <<= 1) {
            maxA = fmaxf(maxA, __shfl_xor_sync(0xffffffffu, maxA, offset));
            maxB = fmaxf(maxB, __shfl_xor_sync(0xffffffffu, maxB, offset));
        }
        const float newA = fmaxf(mA, maxA), newB = fmaxf(mB, maxB);
        const float useA = newA == -INFINITY ? 0.f : newA, useB = newB == -INFINITY ? 0.f : newB;
        const float alphaA = exp2f(mA - useA), alphaB = exp2f(mB - useB);
        mA = newA;
        mB = newB;
        lA *= alphaA;
        lB *= alphaB;
#pragma unroll
        for (int dt = 0; dt < D / 8; ++dt) {
            o[dt][0] *= alphaA;
            o[dt][1] *= alphaA;
            o[dt][2] *= alphaB;
            o[dt][3] *= alphaB;
        }
#pragma unroll
        for (int nt = 0; nt < kMmaKeys / 8; ++nt) {
            s[nt][0] = exp2f(s[nt][0] - useA);
            s[nt][1] = exp2f(s[nt][1] - useA);
            s[nt][2] = exp2f(s[nt][2] - useB);
            s[nt][3] = exp2f(s[nt][3] - useB);
            lA += s[nt][0] + s[nt][1];
            lB += s[nt][2] + s[nt][3];
        }

        // O += P V, 16 keys at a time: P's A fragment from two adjacent score tiles, V's B
        // fragments for 16 output columns from one ldmatrix.x4.trans (matrices: keys 0-7 / 8-15
        // of the step x columns 0-7 / 8-15).
        const int mi = lane >> 3, mr = lane & 7;
#pragma unroll
        for (int kk = 0; kk < kMmaKeys / 16; ++kk) {
            const uint32_t p[4] = {packHalf2(s[2 * kk][0], s[2 * kk][1]), packHalf2(s[2 * kk][2], s[2 * kk][3]),
                                   packHalf2(s[2 * kk + 1][0], s[2 * kk + 1][1]),
                                   packHalf2(s[2 * kk + 1][2], s[2 * kk + 1][3])};
            const __half* vrow = vs + (kk * 16 + (mi & 1) * 8 + mr) * kStride + (mi >> 1) * 8;
#pragma unroll
            for (int dp = 0; dp < D / 16; ++dp) {
                uint32_t vb[4];
                ldmatrixX4Trans(vb, vrow + dp * 16);
                mma16816(o[2 * dp], p, vb[0], vb[1]);
                mma16816(o[2 * dp + 1], p, vb[2], vb[3]);
            }
        }
        __syncthreads();  // everyone is done with this stage: it takes tile t + 2
        if (t + 2 < tiles) loadKV(t + 2, t & 1);
        cpAsyncCommit();
    }

    // Finish the sums over the quad, normalize, stage the warp's 16 rows in its own part of qs
    // (only this warp read it) and write them out with 16-byte stores.
#pragma unroll
    for (int offset = 1; offset <= 2; offset <<= 1) {
        lA += __shfl_xor_sync(0xffffffffu, lA, offset);
        lB += __shfl_xor_sync(0xffffffffu, lB, offset);
    }
    // Only with no keys at all can Q still be landing in qs (loaded by any thread of the block).
    cpAsyncWaitAll();
    __syncthreads();
    const float fill = a.zeroNanRows ? 0.f : NAN;
    const bool okA = lA > 0.f, okB = lB > 0.f;  // false for 0 (no finite score) and NaN
    const float invA = 1.f / lA, invB = 1.f / lB;
    __half* stage = qs + warp * 16 * kStride;
#pragma unroll
    for (int dt = 0; dt < D / 8; ++dt) {
        const int col = dt * 8 + tig * 2;
        *reinterpret_cast<__half2*>(stage + gid * kStride + col) =
            __floats2half2_rn(okA ? o[dt][0] * invA : fill, okA ? o[dt][1] * invA : fill);
        *reinterpret_cast<__half2*>(stage + (gid + 8) * kStride + col) =
            __floats2half2_rn(okB ? o[dt][2] * invB : fill, okB ? o[dt][3] * invB : fill);
    }
    __syncwarp();
    for (int c = lane; c < 16 * kChunks; c += 32) {
        const int r = c / kChunks, col = (c % kChunks) * 8, row = q0 + warp * 16 + r;
        if (row < a.sq)
            *reinterpret_cast<uint4*>(y + int64_t(row) * rowStride + col) =
                *reinterpret_cast<const uint4*>(stage + r * kStride + col);
    }
}

template <int D>
cudaError_t launchMmaTyped(const AttentionArgs& a, int multiprocessors, cudaStream_t stream) {
    // As many query rows per block as Sq needs (K and V are then read once per (batch, head)), but
    // fewer when the grid would not fill the GPU; not below two warps, so that the K/V tile loads
    // stay spread over enough threads.
    int warps = kMmaMaxWarps;
    while (warps > 2 && (warps / 2) * 16 >= a.sq) warps /= 2;
    auto blocksFor = [&](int w) { return int64_t((a.sq + w * 16 - 1) / (w * 16)) * a.heads * a.batch; };
    while (warps > 2 && blocksFor(warps) < multiprocessors) warps /= 2;
    const dim3 grid(unsigned((a.sq + warps * 16 - 1) / (warps * 16)), unsigned(a.heads), unsigned(a.batch));
    attentionMma<D><<<grid, warps * 32, mmaSharedBytes<D>(warps), stream>>>(a);
    return cudaGetLastError();
}

// --- SIMT fallback -----------------------------------------------------------------------------

constexpr int kTiledRows = 32, kTiledKeys = 32, kTiledThreads = 128;

template <typename T>
__global__ void __launch_bounds__(kTiledThreads) attentionTiled(AttentionArgs a) {
    extern __shared__ float sm[];
    const int d = a.d, dv = a.dv;
    float* qs = sm;                             // [rows][d], times scale * log2(e)
    float* ks = qs + kTiledRows * d;            // [keys][d + 1] (padded: conflict-free column reads)
    float* vs = ks + kTiledKeys * (d + 1);      // [keys][dv]
    float* ss = vs + kTiledKeys * dv;           // [rows][keys + 1]: scores, then probabilities
    float* os = ss + kTiledRows * (kTiledKeys + 1);  // [rows][dv]: unnormalized output
    float* ms = os + kTiledRows * dv;           // [rows]: running max (log2 domain)
    float* ls = ms + kTiledRows;                // [rows]: running sum
    const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * kTiledRows;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, warps = blockDim.x >> 5;
    const int64_t qkStride = int64_t(a.heads) * d, vStride = int64_t(a.heads) * dv;
    const T* q = static_cast<const T*>(a.q) + int64_t(b) * a.sq * qkStride + h * d;
    const T* k = static_cast<const T*>(a.k) + int64_t(b) * a.sk * qkStride + h * d;
    const T* v = static_cast<const T*>(a.v) + int64_t(b) * a.sk * vStride + h * dv;
    T* y = static_cast<T*>(a.y) + int64_t(b) * a.sq * vStride + h * dv;
    const T* mask = a.mask ? static_cast<const T*>(a.mask) + b * a.maskStrides[0] + h * a.maskStrides[1] : nullptr;
    const float scaleLog2 = a.scale * kLog2e;

    for (int i = threadIdx.x; i < kTiledRows * d; i += blockDim.x) {
        const int r = i / d, e = i - r * d;
        qs[i] = q0 + r < a.sq ? dev::toFloat(q[int64_t(q0 + r) * qkStride + e]) * scaleLog2 : 0.f;
    }
    for (int i = threadIdx.x; i < kTiledRows * dv; i += blockDim.x) os[i] = 0.f;
    for (int i = threadIdx.x; i < kTiledRows; i += blockDim.x) {
        ms[i] = -INFINITY;
        ls[i] = 0.f;
    }
    for (int k0 = 0; k0 < a.sk; k0 += kTiledKeys) {
        __syncthreads();  // the previous tile is consumed (and the initialization is visible)
        for (int i = threadIdx.x; i < kTiledKeys * d; i += blockDim.x) {
            const int c = i / d, e = i - c * d;
            ks[c * (d + 1) + e] = k0 + c < a.sk ? dev::toFloat(k[int64_t(k0 + c) * qkStride + e]) : 0.f;
        }
        for (int i = threadIdx.x; i < kTiledKeys * dv; i += blockDim.x) {
            const int c = i / dv, e = i - c * dv;
            vs[i] = k0 + c < a.sk ? dev::toFloat(v[int64_t(k0 + c) * vStride + e]) : 0.f;
        }
        __syncthreads();
        // Scores: lane = key, warps over rows.
        const int key = k0 + lane;
        for (int r = warp; r < kTiledRows; r += warps) {
            float s = -INFINITY;
            if (key < a.sk) {
                s = 0.f;
                for (int e = 0; e < d; ++e) s += qs[r * d + e] * ks[lane * (d + 1) + e];
                if (mask && q0 + r < a.sq)
                    s += dev::toFloat(mask[int64_t(q0 + r) * a.maskStrides[2] + key * a.maskStrides[3]]) * kLog2e;
            }
            // Online softmax of the row (one warp owns it).
            const float mOld = ms[r];
            const float mNew = fmaxf(mOld, dev::warpAllReduce(s, dev::Max()));
            const float use = mNew == -INFINITY ? 0.f : mNew;
            const float p = exp2f(s - use), alpha = exp2f(mOld - use);
            ss[r * (kTiledKeys + 1) + lane] = p;
            const float sum = dev::warpAllReduce(p, dev::Add());
            for (int e = lane; e < dv; e += 32) os[r * dv + e] *= alpha;
            __syncwarp();
            if (lane == 0) {
                ms[r] = mNew;
                ls[r] = ls[r] * alpha + sum;
            }
        }
        __syncthreads();
        for (int i = threadIdx.x; i < kTiledRows * dv; i += blockDim.x) {
            const int r = i / dv, e = i - r * dv;
            float acc = 0.f;
#pragma unroll 8
            for (int c = 0; c < kTiledKeys; ++c) acc += ss[r * (kTiledKeys + 1) + c] * vs[c * dv + e];
            os[i] += acc;
        }
    }
    __syncthreads();
    const float fill = a.zeroNanRows ? 0.f : NAN;
    for (int i = threadIdx.x; i < kTiledRows * dv; i += blockDim.x) {
        const int r = i / dv, e = i - r * dv;
        if (q0 + r >= a.sq) continue;
        const float l = ls[r];
        y[int64_t(q0 + r) * vStride + e] = dev::fromFloat<T>(l > 0.f ? os[i] / l : fill);
    }
}

}  // namespace

bool attentionMmaSupports(int d, int dv) { return d == dv && (d == 32 || d == 64 || d == 128); }

size_t attentionMmaSharedBytes(int d) {
    return d <= 32 ? mmaSharedBytes<32>(kMmaMaxWarps) : d <= 64 ? mmaSharedBytes<64>(kMmaMaxWarps) : mmaSharedBytes<128>(kMmaMaxWarps);
}

bool attentionMmaAligned(const AttentionArgs& a) {
    auto ok = [](const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; };
    return ok(a.q) && ok(a.k) && ok(a.v) && ok(a.y);
}

cudaError_t launchAttentionMma(const AttentionArgs& a, int multiprocessors, cudaStream_t stream) {
    if (int64_t(a.batch) * a.heads * a.sq == 0) return cudaSuccess;
    if (a.d == 32) return launchMmaTyped<32>(a, multiprocessors, stream);
    if (a.d == 64) return launchMmaTyped<64>(a, multiprocessors, stream);
    return launchMmaTyped<128>(a, multiprocessors, stream);
}

size_t attentionTiledSharedBytes(int d, int dv) {
    return sizeof(float) * (size_t(kTiledRows) * d + size_t(kTiledKeys) * (d + 1) + size_t(kTiledKeys) * dv +
                            size_t(kTiledRows) * (kTiledKeys + 1) + size_t(kTiledRows) * dv + 2 * kTiledRows);
}

cudaError_t attentionPrepare(size_t maxDynamicShared) {
    const int bytes = int(maxDynamicShared);
    const cudaFuncAttribute attr = cudaFuncAttributeMaxDynamicSharedMemorySize;
    for (cudaError_t e : {cudaFuncSetAttribute(attentionMma<32>, attr, bytes), cudaFuncSetAttribute(attentionMma<64>, attr, bytes),
                          cudaFuncSetAttribute(attentionMma<128>, attr, bytes),
                          cudaFuncSetAttribute(attentionTiled<float>, attr, bytes),
                          cudaFuncSetAttribute(attentionTiled<__half>, attr, bytes)})
        if (e != cudaSuccess) return e;
    return cudaSuccess;
}

cudaError_t launchAttentionTiled(const AttentionArgs& a, DataType t, cudaStream_t stream) {
    if (int64_t(a.batch) * a.heads * a.sq * a.dv == 0) return cudaSuccess;
    const dim3 grid(unsigned((a.sq + kTiledRows - 1) / kTiledRows), unsigned(a.heads), unsigned(a.batch));
    const size_t smem = attentionTiledSharedBytes(a.d, a.dv);
    if (t == DataType::Float16) attentionTiled<__half><<<grid, kTiledThreads, smem, stream>>>(a);
    else attentionTiled<float><<<grid, kTiledThreads, smem, stream>>>(a);
    return cudaGetLastError();
}

}  // namespace kiln::cuda::own
