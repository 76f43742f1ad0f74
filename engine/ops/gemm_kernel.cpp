// Blocked float GEMM (see gemm_kernel.h).
//   A is packed once, all of it: per block of kc along K, MR-row panels [kc, MR] (split over
//   the threads; the one barrier).
//   C is cut into tiles of mc rows x kNt columns (smaller when that makes fewer than two per
//   thread), handed out dynamically. A tile walks K in
//   blocks of kc; per block it packs one NR-column panel of B at a time into a buffer that stays
//   in L1, and runs the MR x NR micro-kernel down the tile's MR panels of A (in L2) with it.
//   Last, the tile's epilogue runs while the tile is in cache.
// Tiles share nothing but the packed A, so a thread that loses its core for a while (a machine
// shared with other jobs) holds nobody up but at the end; each B panel is packed once per
// row-tile of C (once in all when M <= mc, as for Conv).
#include "ops/gemm_kernel.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "ops/parallel.h"

// `omp simd` makes GCC vectorize the micro-kernel along the NR columns at -O2 as at -O3 (left
// to itself it vectorizes across the MR rows with shuffles and spills the accumulators).
#if defined(_OPENMP)
#define KILN_SIMD _Pragma("omp simd")
#elif defined(__GNUC__)
#define KILN_SIMD _Pragma("GCC ivdep")
#else
#define KILN_SIMD
#endif

#if defined(__GNUC__)
#define KILN_UNROLL _Pragma("GCC unroll 16")
#define KILN_INLINE [[gnu::always_inline]] inline
#else
#define KILN_UNROLL
#define KILN_INLINE inline
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#define KILN_GEMM_X86 1
#define KILN_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define KILN_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#endif

namespace kiln::ops::gemm {

namespace {

constexpr int64_t kNt = 256;  // columns of a tile of C

struct PanelArgs {
    int64_t rows, cols, kc;  // rows of C (a multiple of MR but at the end), cols <= NR
    const float* a;          // packed: ceil(rows / MR) panels of [kc, MR]
    const float* b;          // packed: one panel [kc, NR]
    float* c;
    int64_t ldc;
    bool add;  // C += instead of C =
};

// c[i, j] (+)= sum_p a[p, i] * b[p, j] for one MR x NR tile, of which rows x cols are stored.
template <int MR, int NR>
KILN_INLINE void microTile(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                           int64_t ldc, int64_t rows, int64_t cols, bool add) {
    float t[MR * NR] = {};
    for (int64_t p = 0; p < kc; ++p) {
        const float* bp = b + p * NR;
        const float* ap = a + p * MR;
        KILN_UNROLL
        for (int i = 0; i < MR; ++i) {
            const float av = ap[i];
            KILN_SIMD
            for (int j = 0; j < NR; ++j) t[i * NR + j] += av * bp[j];
        }
    }
    if (rows == MR && cols == NR) {
        for (int i = 0; i < MR; ++i) {
            float* ci = c + i * ldc;
            if (add) {
                KILN_SIMD
                for (int j = 0; j < NR; ++j) ci[j] += t[i * NR + j];
            } else {
                KILN_SIMD
                for (int j = 0; j < NR; ++j) ci[j] = t[i * NR + j];
            }
        }
        return;
    }
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) c[i * ldc + j] = add ? c[i * ldc + j] + t[i * NR + j] : t[i * NR + j];
}

// One packed panel of B down every MR panel of A.
template <int MR, int NR>
KILN_INLINE void panelBody(const PanelArgs& p) {
    for (int64_t ir = 0; ir < p.rows; ir += MR)
        microTile<MR, NR>(p.kc, p.a + ir * p.kc, p.b, p.c + ir * p.ldc, p.ldc, std::min<int64_t>(MR, p.rows - ir),
                          p.cols, p.add);
}

// 6 x 8: 12 SSE accumulators of the 16 registers of baseline x86-64.
void panelGeneric(const PanelArgs& p) { panelBody<6, 8>(p); }
#ifdef KILN_GEMM_X86
// 6 x 16: 12 of the 16 AVX registers.
KILN_TARGET_AVX2 void panelAvx2(const PanelArgs& p) { panelBody<6, 16>(p); }
// 12 x 32: 24 of the 32 AVX-512 registers.
KILN_TARGET_AVX512 void panelAvx512(const PanelArgs& p) { panelBody<12, 32>(p); }
#endif

struct Variant {
    Isa isa;
    int mr, nr;
    int64_t kc, mc;  // kc x nr floats of B stay in L1, mc x kc of A in L2; mc a multiple of mr
    void (*panel)(const PanelArgs&);
};

constexpr Variant kGeneric{Isa::Generic, 6, 8, 256, 240, panelGeneric};
#ifdef KILN_GEMM_X86
constexpr Variant kAvx2{Isa::Avx2, 6, 16, 256, 240, panelAvx2};
constexpr Variant kAvx512{Isa::Avx512, 12, 32, 256, 240, panelAvx512};
#endif

bool cpuHas(Isa isa) {
#ifdef KILN_GEMM_X86
    __builtin_cpu_init();
    if (isa == Isa::Avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (isa == Isa::Avx512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && cpuHas(Isa::Avx2);
#endif
    return isa == Isa::Generic;
}

std::atomic<Isa> g_forcedIsa{Isa::Auto};

const Variant& variantFor(Isa isa) {
#ifdef KILN_GEMM_X86
    if (isa == Isa::Avx512) return kAvx512;
    if (isa == Isa::Avx2) return kAvx2;
#endif
    return kGeneric;
}

// dst[p * MR + r] = A(i0 + r, k0 + p), zero rows past `rows`.
void packA(const MatrixRef& a, int64_t i0, int64_t rows, int64_t k0, int64_t kc, int mr, float* dst) {
    if (a.colStride == 1) {  // rows of A contiguous: read along them
        for (int64_t r = 0; r < rows; ++r) {
            const float* src = a.data + (i0 + r) * a.rowStride + k0;
            for (int64_t p = 0; p < kc; ++p) dst[p * mr + r] = src[p];
        }
    } else {
        for (int64_t p = 0; p < kc; ++p) {
            const float* src = a.data + i0 * a.rowStride + (k0 + p) * a.colStride;
            for (int64_t r = 0; r < rows; ++r) dst[p * mr + r] = src[r * a.rowStride];
        }
    }
    for (int64_t r = rows; r < mr; ++r)
        for (int64_t p = 0; p < kc; ++p) dst[p * mr + r] = 0.f;
}

// C = 0 (or unchanged when accumulating) for an empty K, then the epilogue over all of C.
void emptyProduct(int64_t m, int64_t n, const Output& out) {
    if (!out.accumulate)
        for (int64_t i = 0; i < m; ++i) std::fill_n(out.c + i * out.ldc, n, 0.f);
    if (out.epilogue) out.epilogue->apply(out.c, out.ldc, 0, m, 0, n);
}

struct TileShape {
    int64_t rows, cols;
};

// mc x kNt, halved (columns first, then rows) until there are two tiles per thread to hand out
// or they get small.
TileShape tileShape(const Variant& v, int64_t m, int64_t n, int threads) {
    TileShape ts{v.mc, kNt};
    auto count = [&] { return ((m + ts.rows - 1) / ts.rows) * ((n + ts.cols - 1) / ts.cols); };
    while (count() < 2 * threads && ts.cols > 2 * v.nr) ts.cols = (ts.cols / 2 + v.nr - 1) / v.nr * v.nr;
    while (count() < 2 * threads && ts.rows > 4 * v.mr) ts.rows = (ts.rows / 2 + v.mr - 1) / v.mr * v.mr;
    return ts;
}

void run(const Variant& v, int64_t m, int64_t n, int64_t k, const MatrixRef& a, const PanelSource& b, const Output& out) {
    const int64_t mr = v.mr, nr = v.nr, mPanels = (m + mr - 1) / mr, kBlocks = (k + v.kc - 1) / v.kc;
    // K block pc (a multiple of kc) starts at apack + mPanels * mr * pc, panel ip of it kc * mr later.
    const std::unique_ptr<float[]> apack(new float[size_t(mPanels * mr * k)]);
    auto packJob = [&](int64_t job) {
        const int64_t pc = (job / mPanels) * v.kc, ip = job % mPanels, kc = std::min(v.kc, k - pc);
        packA(a, ip * mr, std::min(mr, m - ip * mr), pc, kc, v.mr, apack.get() + mPanels * mr * pc + ip * mr * kc);
    };
    const int wanted = kernelThreads(double(m) * double(n) * double(k));
    const TileShape ts = tileShape(v, m, n, wanted);
    const int64_t nTiles = (n + ts.cols - 1) / ts.cols, tiles = (m + ts.rows - 1) / ts.rows * nTiles;
    auto tile = [&](int64_t t, float* bpanel) {
        const int64_t i0 = (t / nTiles) * ts.rows, j0 = (t % nTiles) * ts.cols;
        const int64_t rows = std::min(ts.rows, m - i0), cols = std::min(ts.cols, n - j0);
        float* c = out.c + i0 * out.ldc + j0;
        for (int64_t pc = 0; pc < k; pc += v.kc) {
            const int64_t kc = std::min(v.kc, k - pc);
            const float* ablock = apack.get() + mPanels * mr * pc + i0 * kc;
            for (int64_t jr = 0; jr < cols; jr += nr) {
                const int64_t ncols = std::min(nr, cols - jr);
                b.packPanel(pc, kc, j0 + jr, ncols, v.nr, bpanel);
                v.panel({rows, ncols, kc, ablock, bpanel, c + jr, out.ldc, out.accumulate || pc > 0});
            }
        }
        if (out.epilogue) out.epilogue->apply(c, out.ldc, i0, rows, j0, cols);
    };
    const int threads = int(std::min<int64_t>(wanted, tiles));
    if (threads <= 1) {
        for (int64_t job = 0; job < kBlocks * mPanels; ++job) packJob(job);
        const std::unique_ptr<float[]> bpanel(new float[size_t(v.kc * nr)]);
        for (int64_t t = 0; t < tiles; ++t) tile(t, bpanel.get());
        return;
    }
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(dynamic, 8)
        for (int64_t job = 0; job < kBlocks * mPanels; ++job) packJob(job);
        const std::unique_ptr<float[]> bpanel(new float[size_t(v.kc * nr)]);
#pragma omp for schedule(dynamic)
        for (int64_t t = 0; t < tiles; ++t) tile(t, bpanel.get());
    }
}

// A single row or column of C (m == 1 or n == 1), with K contiguous in both operands: one dot
// product per element of C, no packing. false when the operands are laid out otherwise.
bool dotProducts(int64_t m, int64_t n, int64_t k, const MatrixRef& a, const MatrixRef& b, const Output& out) {
    if ((m != 1 && n != 1) || a.colStride != 1 || b.rowStride != 1) return false;
    [[maybe_unused]] const int threads = kernelThreads(double(m) * double(n) * double(k));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t e = 0; e < m * n; ++e) {
        const int64_t i = e / n, j = e % n;
        const float* x = a.data + i * a.rowStride;
        const float* y = b.data + j * b.colStride;
        float sum = 0.f;
#pragma omp simd reduction(+ : sum)
        for (int64_t p = 0; p < k; ++p) sum += x[p] * y[p];
        float* c = out.c + i * out.ldc + j;
        *c = out.accumulate ? *c + sum : sum;
    }
    if (out.epilogue) out.epilogue->apply(out.c, out.ldc, 0, m, 0, n);
    return true;
}

// One row of C (m == 1) with rows of B contiguous: C += a_p * B[p, :] for each p in turn.
bool rowTimesMatrix(int64_t m, int64_t n, int64_t k, const MatrixRef& a, const MatrixRef& b, const Output& out) {
    if (m != 1 || b.colStride != 1) return false;
    constexpr int64_t kChunk = 1024;  // columns per task
    [[maybe_unused]] const int threads = kernelThreads(double(n) * double(k));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j0 = 0; j0 < n; j0 += kChunk) {
        const int64_t cols = std::min(kChunk, n - j0);
        float* c = out.c + j0;
        if (!out.accumulate) std::fill_n(c, cols, 0.f);
        for (int64_t p = 0; p < k; ++p) {
            const float av = a.data[p * a.colStride];
            const float* brow = b.data + p * b.rowStride + j0;
            KILN_SIMD
            for (int64_t j = 0; j < cols; ++j) c[j] += av * brow[j];
        }
    }
    if (out.epilogue) out.epilogue->apply(out.c, out.ldc, 0, 1, 0, n);
    return true;
}

}  // namespace

void MatrixPanels::packPanel(int64_t k0, int64_t kc, int64_t j0, int64_t cols, int nr, float* dst) const {
    const int64_t rs = m_b.rowStride, cs = m_b.colStride;
    if (cs == 1) {  // rows of B contiguous
        for (int64_t p = 0; p < kc; ++p) {
            const float* src = m_b.data + (k0 + p) * rs + j0;
            float* d = dst + p * nr;
            for (int64_t j = 0; j < cols; ++j) d[j] = src[j];
            for (int64_t j = cols; j < nr; ++j) d[j] = 0.f;
        }
        return;
    }
    // B^T stored row-major (columns of B contiguous): read along the columns.
    for (int64_t j = 0; j < cols; ++j) {
        const float* src = m_b.data + k0 * rs + (j0 + j) * cs;
        for (int64_t p = 0; p < kc; ++p) dst[p * nr + j] = src[p * rs];
    }
    for (int64_t p = 0; p < kc; ++p)
        for (int64_t j = cols; j < nr; ++j) dst[p * nr + j] = 0.f;
}

void sgemm(int64_t m, int64_t n, int64_t k, MatrixRef a, const PanelSource& b, const Output& out) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) return emptyProduct(m, n, out);
    run(variantFor(activeIsa()), m, n, k, a, b, out);
}

void sgemm(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, const Output& out) {
    if (m <= 0 || n <= 0) return;
    if (k > 0 && (dotProducts(m, n, k, a, b, out) || rowTimesMatrix(m, n, k, a, b, out))) return;
    sgemm(m, n, k, a, MatrixPanels(b), out);
}

std::vector<Isa> availableIsas() {
    std::vector<Isa> out;
    for (Isa isa : {Isa::Generic, Isa::Avx2, Isa::Avx512})
        if (cpuHas(isa)) out.push_back(isa);
    return out;
}

void setIsa(Isa isa) {
    if (isa == Isa::Auto || cpuHas(isa)) g_forcedIsa.store(isa, std::memory_order_relaxed);
}

const char* isaName(Isa isa) {
    switch (isa) {
    case Isa::Auto: return "auto";
    case Isa::Generic: return "generic";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
    }
    return "?";
}

Isa activeIsa() {
    const Isa forced = g_forcedIsa.load(std::memory_order_relaxed);
    if (forced != Isa::Auto) return forced;
    static const Isa best = availableIsas().back();  // the CPU does not change
    return best;
}

}  // namespace kiln::ops::gemm
