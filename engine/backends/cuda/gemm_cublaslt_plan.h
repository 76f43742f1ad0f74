// Private to the cuBLASLt GEMM tactics (gemm_cublaslt*.cpp): what MatMul / Gemm /
// kiln.FusedGemm compute at concrete shapes, how their epilogue splits between cuBLASLt and Kiln's
// epilogue kernel, cuBLASLt's column-major view of the row-major product, and algorithm configs
// with the tactic names that encode them.
#pragma once

#include <cublasLt.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"
#include "ops/activation_fn.h"

namespace kiln::cuda::lt {

Status cublasFailure(cublasStatus_t s, const char* what);

#define KILN_CUBLAS_RETURN_IF_ERROR(expr)                                                       \
    do {                                                                                        \
        const cublasStatus_t kiln_cublas_s_ = (expr);                                           \
        if (kiln_cublas_s_ != CUBLAS_STATUS_SUCCESS) return ::kiln::cuda::lt::cublasFailure(kiln_cublas_s_, #expr); \
    } while (0)

template <auto Destroy>
using LtDeleter = DestroyWith<Destroy>;
using MatmulDesc = std::unique_ptr<cublasLtMatmulDescOpaque_t, LtDeleter<&cublasLtMatmulDescDestroy>>;
using MatrixLayout = std::unique_ptr<cublasLtMatrixLayoutOpaque_t, LtDeleter<&cublasLtMatrixLayoutDestroy>>;

// Input slots: A, B, then Gemm's C or kiln.FusedGemm's bias, then kiln.FusedGemm's residual.
constexpr int kInputA = 0, kInputB = 1, kInputBias = 2, kInputResidual = 3;

// The shape-independent meaning of a MatMul, Gemm or kiln.FusedGemm node:
//   Y = act(alpha * op(A) x op(B) + beta * bias + Residual)
struct GemmAttrs {
    bool numpy = false;  // numpy matmul shapes (MatMul, FusedGemm matmul = 1); else 2-D Gemm
    bool transA = false, transB = false;
    float alpha = 1.0f, beta = 1.0f;
    bool hasBias = false, hasResidual = false;
    ops::Activation activation;
};
Expected<GemmAttrs> readGemmAttrs(const ir::Node& n);

// A row-major product at concrete shapes, batched over `batch` matrices:
//   D_b [m, n] = op(A_b) [m, k] x op(B_b) [k, n],  A_b = A + b * strideA (0: one A for all)
// The output read as [rows, n] has rows = batch * m.
struct GemmShape {
    int64_t m = 0, n = 0, k = 0;
    int64_t batch = 1, strideA = 0, strideB = 0;
    bool transA = false, transB = false;
    int64_t rows() const { return batch * m; }
};
// numpy matmul: [..., m, k] x [..., k, n]; batch dims that broadcast B (B shared) fold into m, A
// shared or both full become a strided batch; other broadcasts are unsupported.
Expected<GemmShape> gemmShape(const GemmAttrs& a, const std::vector<int64_t>& dimsA, const std::vector<int64_t>& dimsB,
                              const std::vector<int64_t>& dimsY);

// Where each part of the epilogue runs. cuBLASLt computes
//   D = ltEpilogue(alpha * product + betaC * C + biasVector)
// C being the residual (beta 1) or a bias of the output's full shape; Kiln's epilogue kernel then
// adds what is left (a bias broadcast otherwise, or scaled by beta != 1) and applies the activation
// where cuBLASLt cannot (or when the bias came after it).
struct EpilogueSplit {
    cublasLtEpilogue_t ltEpilogue = CUBLASLT_EPILOGUE_DEFAULT;
    enum class CInput { None, Residual, Bias } c = CInput::None;
    float betaC = 0.0f;
    bool ownBias = false;
    float biasScale = 1.0f;
    int64_t biasDiv = 1, biasMod = 1;  // bias element of output i: (i / biasDiv) % biasMod
    ops::Activation ownActivation;
    bool ltBias() const;
};
Expected<EpilogueSplit> splitEpilogue(const GemmAttrs& a, Precision p, const GemmShape& s,
                                      const std::vector<int64_t>& biasDims);

// cuBLASLt's column-major view of the row-major product: D^T [n, m] = op(B)^T x op(A)^T, so
// cuBLASLt's "A" is our B and its "B" our A (no copies, only swapped roles).
struct LtProblem {
    MatmulDesc op;
    MatrixLayout a, b, c, d;
};
Expected<LtProblem> makeLtProblem(const GemmShape& s, Precision p, cublasLtEpilogue_t epilogue);
cudaDataType_t ltDataType(Precision p);
cublasComputeType_t ltComputeType(Precision p);

// Everything that identifies a cuBLASLt algorithm (cublasLtMatmulAlgoConfigAttributes_t).
struct AlgoConfig {
    int32_t id = 0;
    uint32_t tile = 0, stages = 0;
    int32_t splitK = 1;
    uint32_t reduction = 0, swizzle = 0, custom = 0;
    uint16_t innerShape = 0, clusterShape = 0;
    bool operator==(const AlgoConfig&) const = default;
};
Expected<AlgoConfig> readAlgoConfig(const cublasLtMatmulAlgo_t& algo);
// "cublaslt.a<id>.t<tile>.s<stages>.k<splitK>.r<reduction>.w<swizzle>.c<custom>.i<inner>.cl<cluster>"
std::string tacticName(const AlgoConfig& c);
// The algorithm again from its config (cublasLtMatmulAlgoInit + cublasLtMatmulAlgoConfigSetAttribute).
Expected<cublasLtMatmulAlgo_t> buildAlgo(cublasLtHandle_t h, Precision p, const AlgoConfig& c);

// Up to `count` algorithms of cuBLASLt's heuristic, best first, for operands aligned to
// `alignment` bytes and at most `maxWorkspace` bytes of workspace.
Expected<std::vector<cublasLtMatmulHeuristicResult_t>> heuristicAlgos(cublasLtHandle_t h, const LtProblem& pr,
                                                                      size_t maxWorkspace, uint32_t alignment,
                                                                      int count);

// The workspace the tactics may ask for, and the operand alignment cuBLASLt assumes by default.
constexpr size_t kMaxWorkspace = size_t(32) << 20;
constexpr uint32_t kFullAlignment = 256;

// The process-wide cuBLASLt handle of the current device for tactic queries (cuda_common.h).
using QueryHandle = cuda::LockedHandle<cublasLtHandle_t>;
Expected<QueryHandle> queryHandle();

}  // namespace kiln::cuda::lt
