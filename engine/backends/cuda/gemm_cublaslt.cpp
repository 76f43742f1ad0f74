// MatMul, Gemm and kiln.FusedGemm through cuBLASLt:
//   Y = act(alpha * op(A) x op(B) + beta * bias + Residual)
// Row-major operands run as the column-major product D^T = op(B)^T op(A)^T (no copies); numpy
// batches run as one GEMM (B shared: the batch folds into M) or one strided-batched GEMM.
// The bias vector, Relu and (at FP16) GELU run in cuBLASLt's epilogue, the residual (or a bias of
// the output's full shape) through its C matrix; the rest in Kiln's epilogue kernel.
//
// Tactics: up to kHeuristicCount algorithms of cuBLASLt's heuristic at the query's shapes, each
// named after its full config (gemm_cublaslt_plan.h: tacticName) and rebuilt from that config by
// the kernel. At other shapes (dynamic batch) or less aligned operands the kernel checks the
// algorithm with cublasLtMatmulAlgoCheck and falls back to the heuristic's best there, planned
// once per shape on the host.
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "backends/cuda/epilogue_kernels.h"
#include "backends/cuda/gemm_cublaslt_plan.h"

namespace kiln::cuda {

namespace {

using namespace lt;

constexpr int kHeuristicCount = 8;

// The cuBLASLt state of one set of operand shapes and alignment.
struct ShapePlan {
    GemmShape shape;
    EpilogueSplit split;
    LtProblem lt;
    cublasLtMatmulAlgo_t algo{};
    size_t workspace = 0;
};

// The largest power of two (up to kFullAlignment) that divides the address.
uint32_t alignmentOf(const void* p) {
    const auto v = reinterpret_cast<uintptr_t>(p);
    return v == 0 ? kFullAlignment : uint32_t(std::min<uintptr_t>(kFullAlignment, v & (~v + 1)));
}

class CublasLtGemmKernel final : public LayerKernel {
public:
    explicit CublasLtGemmKernel(const AlgoConfig& c) : m_config(c) {}

    Status prepare(const PrepareArgs& a) override {
        KILN_ASSIGN_OR_RETURN(m_attrs, readGemmAttrs(a.node));
        m_precision = a.precision;
        m_storage = storageType(a.precision);
        m_handle = a.libs.cublasLt;
        KILN_ASSIGN_OR_RETURN(m_algo, buildAlgo(m_handle, m_precision, m_config));
        const LayerShapes& s = a.shapes;
        return planFor(s.inputs[kInputA], s.inputs[kInputB], biasDims(s.inputs), s.outputs[0], kFullAlignment,
                       kMaxWorkspace)
            .status();
    }

    size_t workspaceBytes(const LayerShapes& s) const override {
        auto plan = planFor(s.inputs[kInputA], s.inputs[kInputB], biasDims(s.inputs), s.outputs[0], kFullAlignment,
                            kMaxWorkspace);
        return plan ? (*plan)->workspace : 0;  // enqueue reports the error
    }

    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& A = a.inputs[kInputA];
        const DeviceTensor& B = a.inputs[kInputB];
        const DeviceOutput& Y = a.outputs[0];
        if (Y.numel() == 0) return Status::ok();
        const DeviceTensor* bias = m_attrs.hasBias ? &a.inputs[kInputBias] : nullptr;
        const DeviceTensor* residual = m_attrs.hasResidual ? &a.inputs[kInputResidual] : nullptr;
        uint32_t alignment = std::min({alignmentOf(A.data), alignmentOf(B.data), alignmentOf(Y.data)});
        if (bias) alignment = std::min(alignment, alignmentOf(bias->data));
        if (residual) alignment = std::min(alignment, alignmentOf(residual->data));
        const std::vector<int64_t> noBias;
        KILN_ASSIGN_OR_RETURN(ShapePlan * p, planFor(A.dims, B.dims, bias ? bias->dims : noBias, Y.dims, alignment,
                                                     a.workspaceBytes));
        const EpilogueSplit& e = p->split;
        if (e.ltBias()) {
            KILN_CUBLAS_RETURN_IF_ERROR(
                cublasLtMatmulDescSetAttribute(p->lt.op.get(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias->data, sizeof(void*)));
        }
        // With betaC = 0 cuBLASLt does not read C: Y stands in for it.
        const void* c = e.c == EpilogueSplit::CInput::Residual ? residual->data
                        : e.c == EpilogueSplit::CInput::Bias   ? bias->data
                                                               : Y.data;
        const float alpha = m_attrs.alpha, betaC = e.betaC;
        KILN_CUBLAS_RETURN_IF_ERROR(cublasLtMatmul(a.libs->cublasLt, p->lt.op.get(), &alpha, B.data, p->lt.a.get(), A.data,
                                                   p->lt.b.get(), &betaC, c, p->lt.c.get(), Y.data, p->lt.d.get(), &p->algo,
                                                   a.workspace, a.workspaceBytes, a.stream));
        EpilogueLaunch rest;
        rest.y = Y.data;
        rest.type = m_storage;
        rest.count = Y.numel();
        if (e.ownBias) {
            rest.bias = bias->data;
            rest.biasScale = e.biasScale;
            rest.biasDiv = e.biasDiv;
            rest.biasMod = e.biasMod;
        }
        rest.activation = e.ownActivation;
        return launchEpilogue(rest, a.stream);
    }

private:
    static std::vector<int64_t> biasDims(const std::vector<std::vector<int64_t>>& inputs) {
        return inputs.size() > size_t(kInputBias) ? inputs[kInputBias] : std::vector<int64_t>{};
    }

    // The plan for these dims and operand alignment within `maxWorkspace` bytes, made on first use
    // (host-side only: descriptors, algorithm check, heuristic).
    Expected<ShapePlan*> planFor(const std::vector<int64_t>& dimsA, const std::vector<int64_t>& dimsB,
                                 const std::vector<int64_t>& dimsBias, const std::vector<int64_t>& dimsY,
                                 uint32_t alignment, size_t maxWorkspace) const {
        std::vector<int64_t> key = dimsA;
        for (const std::vector<int64_t>* d : {&dimsB, &dimsBias, &dimsY}) {
            key.push_back(-1);
            key.insert(key.end(), d->begin(), d->end());
        }
        key.push_back(alignment);
        if (auto it = m_plans.find(key); it != m_plans.end() && it->second->workspace <= maxWorkspace)
            return it->second.get();
        auto plan = std::make_unique<ShapePlan>();
        KILN_ASSIGN_OR_RETURN(plan->shape, gemmShape(m_attrs, dimsA, dimsB, dimsY));
        KILN_ASSIGN_OR_RETURN(plan->split, splitEpilogue(m_attrs, m_precision, plan->shape, dimsBias));
        KILN_ASSIGN_OR_RETURN(plan->lt, makeLtProblem(plan->shape, m_precision, plan->split.ltEpilogue));
        // The builder's algorithm where it runs here; else the heuristic's best for these operands.
        cublasLtMatmulHeuristicResult_t check{};
        const LtProblem& pr = plan->lt;
        if (alignment >= kFullAlignment &&
            cublasLtMatmulAlgoCheck(m_handle, pr.op.get(), pr.a.get(), pr.b.get(), pr.c.get(), pr.d.get(), &m_algo,
                                    &check) == CUBLAS_STATUS_SUCCESS &&
            check.workspaceSize <= maxWorkspace) {
            plan->algo = m_algo;
            plan->workspace = check.workspaceSize;
        } else {
            KILN_ASSIGN_OR_RETURN(auto best, heuristicAlgos(m_handle, pr, std::min(maxWorkspace, kMaxWorkspace), alignment, 1));
            if (best.empty())
                return unsupported("cuBLASLt has no algorithm for A " + dimsToString(dimsA) + " x B " + dimsToString(dimsB) +
                                   " with " + std::to_string(alignment) + "-byte aligned operands");
            plan->algo = best[0].algo;
            plan->workspace = best[0].workspaceSize;
        }
        ShapePlan* p = plan.get();
        m_plans[std::move(key)] = std::move(plan);
        return p;
    }

    AlgoConfig m_config;
    GemmAttrs m_attrs;
    Precision m_precision = Precision::FP32;
    DataType m_storage = DataType::Float32;
    cublasLtHandle_t m_handle = nullptr;  // the context's: checks and heuristics of new shapes
    cublasLtMatmulAlgo_t m_algo{};        // the tactic's algorithm, rebuilt from m_config
    mutable std::map<std::vector<int64_t>, std::unique_ptr<ShapePlan>> m_plans;
};

Expected<std::vector<Tactic>> gemmTactics(const TacticQuery& q) {
    const LayerShapes& s = q.shapes;
    if (s.inputs.size() < 2 || s.outputs.empty()) return invalidModel("a GEMM needs A, B and an output");
    const DataType type = s.inputTypes[kInputA];
    if (type != DataType::Float32 && type != DataType::Float16)
        return unsupported(std::string("cuBLASLt GEMMs take float32 or float16, not ") + dataTypeName(type));
    if (s.inputTypes[kInputB] != type) return unsupported("B's type differs from A's");
    KILN_ASSIGN_OR_RETURN(GemmAttrs attrs, readGemmAttrs(q.node));
    if (attrs.hasBias && s.inputTypes[kInputBias] != type) return unsupported("the bias' type differs from A's");
    if (attrs.hasResidual && s.inputs[kInputResidual] != s.outputs[0])
        return invalidModel("the residual must have the output's shape " + dimsToString(s.outputs[0]));
    KILN_ASSIGN_OR_RETURN(GemmShape shape, gemmShape(attrs, s.inputs[kInputA], s.inputs[kInputB], s.outputs[0]));
    if (shape.rows() == 0 || shape.n == 0 || shape.k == 0)
        return unsupported("an empty GEMM (M, N or K is 0) has no cuBLASLt tactic");
    const std::vector<int64_t> noBias;
    KILN_ASSIGN_OR_RETURN(EpilogueSplit split,
                          splitEpilogue(attrs, q.precision, shape, attrs.hasBias ? s.inputs[kInputBias] : noBias));
    KILN_ASSIGN_OR_RETURN(LtProblem pr, makeLtProblem(shape, q.precision, split.ltEpilogue));
    KILN_ASSIGN_OR_RETURN(QueryHandle query, queryHandle());
    cublasLtHandle_t h = query.handle;
    KILN_ASSIGN_OR_RETURN(auto results, heuristicAlgos(h, pr, kMaxWorkspace, kFullAlignment, kHeuristicCount));
    std::vector<Tactic> out;
    for (const cublasLtMatmulHeuristicResult_t& r : results) {
        KILN_ASSIGN_OR_RETURN(AlgoConfig c, readAlgoConfig(r.algo));
        // Only algorithms that come back whole from the config their name encodes.
        Expected<cublasLtMatmulAlgo_t> rebuilt = buildAlgo(h, q.precision, c);
        cublasLtMatmulHeuristicResult_t check{};
        if (!rebuilt || cublasLtMatmulAlgoCheck(h, pr.op.get(), pr.a.get(), pr.b.get(), pr.c.get(), pr.d.get(), &*rebuilt,
                                                &check) != CUBLAS_STATUS_SUCCESS)
            continue;
        std::string name = tacticName(c);
        if (std::any_of(out.begin(), out.end(), [&](const Tactic& t) { return t.name == name; })) continue;
        out.push_back({std::move(name), [c] { return std::make_unique<CublasLtGemmKernel>(c); }});
    }
    if (out.empty())
        return unsupported("cuBLASLt's heuristic has no algorithm for A " + dimsToString(s.inputs[kInputA]) + " x B " +
                           dimsToString(s.inputs[kInputB]));
    return out;
}

}  // namespace

void registerCublasLtTactics(TacticRegistry& r) {
    r.add("MatMul", "", "cublaslt", PrecisionRule::Compute, gemmTactics);
    r.add("Gemm", "", "cublaslt", PrecisionRule::Compute, gemmTactics);
    r.add("FusedGemm", "kiln", "cublaslt", PrecisionRule::Compute, gemmTactics);
}

}  // namespace kiln::cuda
