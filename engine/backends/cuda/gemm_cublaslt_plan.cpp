// Shapes, epilogue split, cuBLASLt descriptors and algorithm configs of the GEMM tactics.
#include "backends/cuda/gemm_cublaslt_plan.h"

#include <algorithm>
#include <climits>
#include <cstdio>

#include "backends/cuda/cuda_common.h"

namespace kiln::cuda::lt {

Status cublasFailure(cublasStatus_t s, const char* what) {
    std::string msg = std::string(what) + ": " + cublasLtGetStatusName(s) + " (" + cublasLtGetStatusString(s) + ")";
    if (s == CUBLAS_STATUS_NOT_SUPPORTED) return unsupported(std::move(msg));
    return internalError(std::move(msg));
}

Expected<GemmAttrs> readGemmAttrs(const ir::Node& n) {
    GemmAttrs a;
    if (n.opType() == "MatMul") {
        a.numpy = true;
        return a;
    }
    const bool fused = n.domain() == "kiln";
    a.numpy = fused && n.attrInt("matmul", 0) != 0;
    a.transA = n.attrInt("transA", 0) != 0;
    a.transB = n.attrInt("transB", 0) != 0;
    if (a.numpy && (a.transA || a.transB)) return invalidModel("transA and transB must be 0 when matmul = 1");
    a.alpha = n.attrFloat("alpha", 1.0f);
    a.beta = n.attrFloat("beta", 1.0f);
    a.hasBias = n.input(kInputBias) != nullptr;
    if (fused) {
        a.hasResidual = n.input(kInputResidual) != nullptr;
        KILN_ASSIGN_OR_RETURN(a.activation, ops::activationFromAttrs(n));
    }
    return a;
}

namespace {

int64_t product(const std::vector<int64_t>& dims) {
    int64_t p = 1;
    for (int64_t d : dims) p *= d;
    return p;
}

// numpy matmul: the batch dims broadcast; see gemmShape.
Status numpyShape(const std::vector<int64_t>& dimsA, const std::vector<int64_t>& dimsB, GemmShape& s) {
    if (dimsA.empty() || dimsB.empty()) return invalidModel("MatMul inputs must have rank >= 1");
    std::vector<int64_t> da = dimsA, db = dimsB;
    if (da.size() == 1) da.insert(da.begin(), 1);  // [k] is [1, k]
    if (db.size() == 1) db.push_back(1);            // [k] is [k, 1]
    s.m = da[da.size() - 2];
    s.k = da.back();
    s.n = db.back();
    if (db[db.size() - 2] != s.k)
        return invalidModel("inner dimensions differ: A is " + dimsToString(dimsA) + " and B is " + dimsToString(dimsB));
    const size_t rank = std::max(da.size(), db.size()) - 2;
    std::vector<int64_t> ba(rank, 1), bb(rank, 1), out(rank, 1);
    std::copy(da.begin(), da.end() - 2, ba.end() - long(da.size() - 2));
    std::copy(db.begin(), db.end() - 2, bb.end() - long(db.size() - 2));
    for (size_t i = 0; i < rank; ++i) {
        if (ba[i] != bb[i] && ba[i] != 1 && bb[i] != 1)
            return invalidModel("MatMul batch dims of " + dimsToString(dimsA) + " and " + dimsToString(dimsB) +
                                " do not broadcast");
        out[i] = ba[i] == 1 ? bb[i] : ba[i];
    }
    const int64_t count = product(out);
    const bool aShared = product(ba) == 1, bShared = product(bb) == 1;
    const bool aFull = ba == out, bFull = bb == out;
    if (count == 1 || (bShared && aFull)) {
        s.m *= count;  // A's matrices follow each other: [count * m, k] x [k, n] in one GEMM
    } else if ((aFull || aShared) && (bFull || bShared)) {
        s.batch = count;
        s.strideA = aShared ? 0 : s.m * s.k;
        s.strideB = bShared ? 0 : s.k * s.n;
    } else {
        return unsupported("MatMul batch dims of " + dimsToString(dimsA) + " and " + dimsToString(dimsB) +
                           " broadcast in a way one strided-batched GEMM cannot express");
    }
    return Status::ok();
}

}  // namespace

Expected<GemmShape> gemmShape(const GemmAttrs& a, const std::vector<int64_t>& dimsA, const std::vector<int64_t>& dimsB,
                              const std::vector<int64_t>& dimsY) {
    GemmShape s;
    if (a.numpy) {
        KILN_RETURN_IF_ERROR(numpyShape(dimsA, dimsB, s));
    } else {
        if (dimsA.size() != 2 || dimsB.size() != 2)
            return invalidModel("A and B must be 2-D, got " + dimsToString(dimsA) + " and " + dimsToString(dimsB));
        s.transA = a.transA;
        s.transB = a.transB;
        s.m = a.transA ? dimsA[1] : dimsA[0];
        s.k = a.transA ? dimsA[0] : dimsA[1];
        s.n = a.transB ? dimsB[0] : dimsB[1];
        if ((a.transB ? dimsB[1] : dimsB[0]) != s.k)
            return invalidModel("inner dimensions of A' and B' differ: A is " + dimsToString(dimsA) + " and B is " +
                                dimsToString(dimsB));
    }
    if (product(dimsY) != s.rows() * s.n)
        return invalidArgument("output " + dimsToString(dimsY) + " does not hold the product's " +
                               std::to_string(s.rows()) + " x " + std::to_string(s.n) + " elements");
    if (s.m > INT32_MAX || s.n > INT32_MAX || s.k > INT32_MAX || s.batch > INT32_MAX)
        return unsupported("GEMM dims beyond int32");
    return s;
}

bool EpilogueSplit::ltBias() const {
    return ltEpilogue == CUBLASLT_EPILOGUE_BIAS || ltEpilogue == CUBLASLT_EPILOGUE_RELU_BIAS ||
           ltEpilogue == CUBLASLT_EPILOGUE_GELU_BIAS;
}

Expected<EpilogueSplit> splitEpilogue(const GemmAttrs& a, Precision p, const GemmShape& s,
                                      const std::vector<int64_t>& biasDims) {
    using CInput = EpilogueSplit::CInput;
    EpilogueSplit e;
    const int64_t rows = s.rows(), n = s.n;
    if (a.hasResidual) {
        e.c = CInput::Residual;
        e.betaC = 1.0f;
    }
    bool ltBias = false;
    if (a.hasBias) {  // broadcast unidirectionally to [rows, n]
        const int64_t br = biasDims.size() == 2 ? biasDims[0] : 1, bc = biasDims.empty() ? 1 : biasDims.back();
        if (biasDims.size() > 2 || (br != 1 && br != rows) || (bc != 1 && bc != n))
            return invalidModel("the bias " + dimsToString(biasDims) + " cannot be broadcast to [" + std::to_string(rows) +
                                ", " + std::to_string(n) + "]");
        if (br == 1 && bc == n && a.beta == 1.0f) {
            ltBias = true;  // one value per output column: cuBLASLt's bias vector
        } else if (br == rows && bc == n && e.c == CInput::None) {
            e.c = CInput::Bias;  // the full [rows, n]: cuBLASLt's C, scaled by beta
            e.betaC = a.beta;
        } else {
            e.ownBias = true;
            e.biasScale = a.beta;
            if (br == rows && bc == n) e.biasMod = rows * n;
            else if (bc == n) e.biasMod = n;
            else if (br == rows) {
                e.biasDiv = n;
                e.biasMod = rows;
            }
        }
    }
    // The activation runs in cuBLASLt unless the bias is added after cuBLASLt. cuBLASLt's GELU is
    // the tanh form in fast arithmetic: only at FP16, where it is far inside the tolerance of the
    // erf form too; FP32 and TF32 get the exact function from the epilogue kernel.
    const ops::ActivationKind k = a.activation.kind;
    const bool relu = !e.ownBias && k == ops::ActivationKind::Relu;
    const bool gelu = !e.ownBias && p == Precision::FP16 &&
                      (k == ops::ActivationKind::Gelu || k == ops::ActivationKind::GeluTanh);
    if (!relu && !gelu) e.ownActivation = a.activation;
    if (ltBias) e.ltEpilogue = relu ? CUBLASLT_EPILOGUE_RELU_BIAS : gelu ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_BIAS;
    else e.ltEpilogue = relu ? CUBLASLT_EPILOGUE_RELU : gelu ? CUBLASLT_EPILOGUE_GELU : CUBLASLT_EPILOGUE_DEFAULT;
    return e;
}

cudaDataType_t ltDataType(Precision p) { return p == Precision::FP16 ? CUDA_R_16F : CUDA_R_32F; }

cublasComputeType_t ltComputeType(Precision p) {
    // FP16 accumulates in float too (16-bit accumulation loses too much over K = 3072).
    return p == Precision::TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
}

namespace {

// A column-major [rows, cols] matrix with leading dim ld, `batch` of them `stride` elements apart.
Expected<MatrixLayout> makeLayout(cudaDataType_t t, int64_t rows, int64_t cols, int64_t ld, int64_t batch,
                                  int64_t stride) {
    cublasLtMatrixLayout_t l = nullptr;
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(&l, t, uint64_t(rows), uint64_t(cols), std::max<int64_t>(ld, 1)));
    MatrixLayout owned(l);
    if (batch > 1) {
        const int32_t count = int32_t(batch);
        KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof count));
        KILN_CUBLAS_RETURN_IF_ERROR(
            cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof stride));
    }
    return owned;
}

}  // namespace

Expected<LtProblem> makeLtProblem(const GemmShape& s, Precision p, cublasLtEpilogue_t epilogue) {
    LtProblem pr;
    cublasLtMatmulDesc_t op = nullptr;
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescCreate(&op, ltComputeType(p), CUDA_R_32F));
    pr.op.reset(op);
    const cublasOperation_t opA = s.transB ? CUBLAS_OP_T : CUBLAS_OP_N;  // cuBLASLt's A is our B
    const cublasOperation_t opB = s.transA ? CUBLAS_OP_T : CUBLAS_OP_N;
    const uint32_t ep = epilogue;
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &opA, sizeof opA));
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &opB, sizeof opB));
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE, &ep, sizeof ep));
    const cudaDataType_t t = ltDataType(p);
    // Row-major B [k, n] is column-major [n, k] with ld n; B^T stored as [n, k] is column-major [k, n], ld k.
    KILN_ASSIGN_OR_RETURN(pr.a, makeLayout(t, s.transB ? s.k : s.n, s.transB ? s.n : s.k, s.transB ? s.k : s.n, s.batch,
                                           s.strideB));
    // Row-major A [m, k] is column-major [k, m] with ld k; A^T stored as [k, m] is column-major [m, k], ld m.
    KILN_ASSIGN_OR_RETURN(pr.b, makeLayout(t, s.transA ? s.m : s.k, s.transA ? s.k : s.m, s.transA ? s.m : s.k, s.batch,
                                           s.strideA));
    KILN_ASSIGN_OR_RETURN(pr.c, makeLayout(t, s.n, s.m, s.n, s.batch, s.m * s.n));
    KILN_ASSIGN_OR_RETURN(pr.d, makeLayout(t, s.n, s.m, s.n, s.batch, s.m * s.n));
    return pr;
}

namespace {

template <typename T>
Status getConfig(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attr, T& value) {
    size_t written = 0;
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulAlgoConfigGetAttribute(&algo, attr, &value, sizeof value, &written));
    return Status::ok();
}

template <typename T>
Status setConfig(cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attr, const T& value) {
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulAlgoConfigSetAttribute(&algo, attr, &value, sizeof value));
    return Status::ok();
}

}  // namespace

Expected<AlgoConfig> readAlgoConfig(const cublasLtMatmulAlgo_t& algo) {
    AlgoConfig c;
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_ID, c.id));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_TILE_ID, c.tile));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_STAGES_ID, c.stages));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, c.splitK));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME, c.reduction));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING, c.swizzle));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_CUSTOM_OPTION, c.custom));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_INNER_SHAPE_ID, c.innerShape));
    KILN_RETURN_IF_ERROR(getConfig(algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, c.clusterShape));
    return c;
}

std::string tacticName(const AlgoConfig& c) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "cublaslt.a%d.t%u.s%u.k%d.r%u.w%u.c%u.i%u.cl%u", c.id, c.tile, c.stages, c.splitK,
                  c.reduction, c.swizzle, c.custom, unsigned(c.innerShape), unsigned(c.clusterShape));
    return buf;
}

Expected<cublasLtMatmulAlgo_t> buildAlgo(cublasLtHandle_t h, Precision p, const AlgoConfig& c) {
    cublasLtMatmulAlgo_t algo{};
    const cudaDataType_t t = ltDataType(p);
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulAlgoInit(h, ltComputeType(p), CUDA_R_32F, t, t, t, t, c.id, &algo));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_TILE_ID, c.tile));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_STAGES_ID, c.stages));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, c.splitK));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME, c.reduction));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING, c.swizzle));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_CUSTOM_OPTION, c.custom));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_INNER_SHAPE_ID, c.innerShape));
    KILN_RETURN_IF_ERROR(setConfig(algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, c.clusterShape));
    return algo;
}

Expected<std::vector<cublasLtMatmulHeuristicResult_t>> heuristicAlgos(cublasLtHandle_t h, const LtProblem& pr,
                                                                      size_t maxWorkspace, uint32_t alignment,
                                                                      int count) {
    cublasLtMatmulPreference_t pref = nullptr;
    KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceCreate(&pref));
    std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, LtDeleter<&cublasLtMatmulPreferenceDestroy>> owned(pref);
    const uint64_t ws = maxWorkspace;
    KILN_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
    for (cublasLtMatmulPreferenceAttributes_t attr :
         {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
          CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})
        KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, attr, &alignment, sizeof alignment));
    std::vector<cublasLtMatmulHeuristicResult_t> results(static_cast<size_t>(count));
    int returned = 0;
    const cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(h, pr.op.get(), pr.a.get(), pr.b.get(), pr.c.get(),
                                                            pr.d.get(), pref, count, results.data(), &returned);
    if (s == CUBLAS_STATUS_NOT_SUPPORTED) returned = 0;  // no algorithm for this problem
    else if (s != CUBLAS_STATUS_SUCCESS) return cublasFailure(s, "cublasLtMatmulAlgoGetHeuristic");
    results.resize(size_t(returned));
    std::erase_if(results, [](const cublasLtMatmulHeuristicResult_t& r) { return r.state != CUBLAS_STATUS_SUCCESS; });
    return results;
}

Expected<QueryHandle> queryHandle() {
    return queryHandleOf<cublasLtHandle_t>([](cublasLtHandle_t* h) -> Status {
        KILN_CUBLAS_RETURN_IF_ERROR(cublasLtCreate(h));
        return Status::ok();
    });
}

}  // namespace kiln::cuda::lt
