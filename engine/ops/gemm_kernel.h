// The float GEMM under the CPU backend's MatMul, Gemm, Conv, ConvTranspose and Attention:
//   C[M, N] = A[M, K] x B[K, N]      (or C += A x B)
// cache-blocked like GotoBLAS / BLIS: A packed in panels of MR rows, B in panels of NR columns,
// and a register-blocked MR x NR micro-kernel summing each piece of C over a block of K (see
// gemm_kernel.cpp for the loop nest). Tiles of C are spread over kernelThreads() threads. Every
// element of C is summed by one thread in the same order (K blocks in sequence), so the result
// does not depend on the thread count.
//
// The micro-kernel is plain C++ the compiler vectorizes (baseline SSE2 on x86-64); on x86-64 it
// is also compiled for AVX2 + FMA and for AVX-512, each with its own tile shape, and the widest
// the CPU has is picked at run time. Results differ between those variants in the last bits
// (FMA rounds once), never between thread counts.
#pragma once

#include <cstdint>
#include <vector>

namespace kiln::ops::gemm {

// A matrix read through element strides: (r, c) is data[r * rowStride + c * colStride], so a
// transposed operand is the same memory with the strides swapped.
struct MatrixRef {
    const float* data = nullptr;
    int64_t rowStride = 0, colStride = 1;
};

// Where the GEMM reads B from: one panel at a time, so Conv can build its im2col columns
// straight into the packed layout instead of materializing them.
class PanelSource {
public:
    virtual ~PanelSource() = default;
    // dst[p * nr + j] = B(k0 + p, j0 + j) for p < kc, j < cols, and 0 for cols <= j < nr.
    // Called concurrently from several threads (for different panels).
    virtual void packPanel(int64_t k0, int64_t kc, int64_t j0, int64_t cols, int nr, float* dst) const = 0;
};

// B given as a strided matrix.
class MatrixPanels final : public PanelSource {
public:
    explicit MatrixPanels(MatrixRef b) : m_b(b) {}
    void packPanel(int64_t k0, int64_t kc, int64_t j0, int64_t cols, int nr, float* dst) const override;

private:
    MatrixRef m_b;
};

// Runs on each finished block of C (all of K summed), on the thread that computed it, while
// the block is still in cache: bias, scaling, activation, residual.
class TileEpilogue {
public:
    virtual ~TileEpilogue() = default;
    // c = &C(i0, j0), rows x cols elements, row stride ldc.
    virtual void apply(float* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0, int64_t cols) const = 0;
};

struct Output {
    float* c = nullptr;
    int64_t ldc = 0;                         // row stride of C
    const TileEpilogue* epilogue = nullptr;  // optional
    bool accumulate = false;                 // C += A x B instead of C = A x B
};

// C = A x B with A [m, k], B [k, n]. Parallel unless called inside a parallel region.
void sgemm(int64_t m, int64_t n, int64_t k, MatrixRef a, const PanelSource& b, const Output& out);
void sgemm(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, const Output& out);

// The micro-kernel variants. Auto (the default) picks the widest the CPU has; tests and
// benchmarks force the others to check them against each other.
enum class Isa { Auto, Generic, Avx2, Avx512 };
std::vector<Isa> availableIsas();  // Generic first; Auto not included
void setIsa(Isa isa);              // ignored when not available
const char* isaName(Isa isa);
Isa activeIsa();                   // what Auto resolves to, or the forced one

}  // namespace kiln::ops::gemm
