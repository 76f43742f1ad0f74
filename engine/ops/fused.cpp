// Kiln's fused layers (domain "kiln"), produced by fold-batchnorm / fuse-bias-activation /
// fuse-residual. Each runs the ONNX op's own code (conv.cpp, conv_transpose.cpp, matmul.cpp) and
// applies bias, residual and activation in one epilogue loop (fused_epilogue.h).
//
// Shared attributes: activation (string: "" for none, "Relu", "Clip", "LeakyRelu", ...),
// activation_alpha, activation_beta (see activation_fn.h: setActivationAttrs).
//
// kiln.FusedConv           inputs X, W, B?, Residual?   attrs: Conv's + activation*
//   Y = act(Conv(X, W) + B + Residual)         Residual of Y's shape, [N, M, O1..On]
// kiln.FusedConvTranspose  inputs X, W, B?, Residual?   attrs: ConvTranspose's + activation*
//   Y = act(ConvTranspose(X, W) + B + Residual)
// kiln.FusedGemm           inputs A, B, bias?, Residual?
//   attrs: transA, transB, alpha, beta (Gemm's), matmul (0 or 1), activation*
//   matmul = 0 (a Gemm):   P[M, N] = A' x B', A and B 2-D, A' = transA ? A^T : A (B' likewise)
//   matmul = 1 (a MatMul): P = A x B with numpy matmul shapes, e.g. BERT's [B, S, K] x [K, N]
//                          -> [B, S, N]; transA and transB must be 0
//   Y = act(alpha * P + beta * bias + Residual), bias broadcast unidirectionally to P read as
//   [rows, N] (rank <= 2: a scalar, [N], [1, N], [rows, 1] or [rows, N]); Residual of P's shape.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"
#include "ops/fused_epilogue.h"
#include "ops/matmul_internal.h"

namespace kiln::ops {

namespace {

constexpr int kResidualInput = 3;  // the same slot in all three layers

Expected<Epilogue> epilogueOf(const KernelContext& ctx) {
    Epilogue ep;
    ep.residual = ctx.inputOrNull(kResidualInput);
    KILN_ASSIGN_OR_RETURN(ep.activation, activationFromAttrs(ctx.node()));
    return ep;
}

Status fusedConvKernel(KernelContext& ctx) {
    KILN_ASSIGN_OR_RETURN(Epilogue ep, epilogueOf(ctx));
    return convWithEpilogue(ctx, ep);
}

Status fusedConvTransposeKernel(KernelContext& ctx) {
    KILN_ASSIGN_OR_RETURN(Epilogue ep, epilogueOf(ctx));
    return convTransposeWithEpilogue(ctx, ep);
}

// The product P of a FusedGemm: a Gemm (matmul = 0) or a numpy MatMul (matmul = 1), read as
// [rows, n] row-major.
struct ProductPlan {
    bool matmul = false;
    MatMulPlan mm;  // matmul = 1
    GemmDims gd;    // matmul = 0
    std::vector<int64_t> outDims;
    int64_t rows = 0, n = 0;
};

Expected<ProductPlan> planProduct(const KernelContext& ctx, const HostTensor& a, const HostTensor& b) {
    ProductPlan p;
    p.matmul = ctx.attrInt("matmul", 0) != 0;
    if (p.matmul) {
        if (ctx.attrInt("transA", 0) != 0 || ctx.attrInt("transB", 0) != 0)
            return ctx.error("transA and transB must be 0 when matmul = 1");
        KILN_ASSIGN_OR_RETURN(p.mm, planMatMul(ctx, a.dims(), b.dims()));
        p.outDims = p.mm.outDims;
        p.n = p.mm.n;
        p.rows = product(p.outDims) / std::max<int64_t>(p.n, 1);
        return p;
    }
    KILN_ASSIGN_OR_RETURN(p.gd, gemmDims(ctx, a, b));
    p.outDims = {p.gd.m, p.gd.n};
    p.rows = p.gd.m;
    p.n = p.gd.n;
    return p;
}

// P in the accumulator type (the generic path).
template <typename T>
std::vector<AccType<T>> computeProduct(const ProductPlan& p, const T* a, const T* b) {
    std::vector<AccType<T>> acc(size_t(p.rows * p.n));
    if (p.matmul) batchedMatMul<T, AccType<T>>(p.mm, a, b, acc.data());
    else gemmProduct(a, b, p.gd, acc.data());
    return acc;
}

// y = ep(alpha * P + beta * bias), float: the blocked GEMM with the epilogue applied per tile.
void fusedGemmFloat(const ProductPlan& p, const HostTensor& a, const HostTensor& b, const HostTensor* bias,
                    const GemmBiasEpilogue& gep, const Epilogue& ep, HostTensor& y) {
    const bool aside = (bias && overlaps(*bias, y)) || (ep.residual && overlaps(*ep.residual, y));
    computeFloatOutput(y, aside, [&](float* dst) {
        if (p.matmul) batchedMatMulFloat(p.mm, a.data<float>(), b.data<float>(), dst, &gep);
        else gemmFloat(a.data<float>(), b.data<float>(), p.gd, dst, &gep);
    });
}

// y[i, j] = ep(alpha * P[i, j] + beta * bias[i, j])   (bias broadcast to [rows, n])
template <typename T>
Status fusedGemmTyped(KernelContext& ctx, const HostTensor& a, const HostTensor& b, const HostTensor* bias,
                      const Epilogue& ep) {
    using A = AccType<T>;
    KILN_ASSIGN_OR_RETURN(ProductPlan p, planProduct(ctx, a, b));
    if (bias) KILN_RETURN_IF_ERROR(checkGemmBias(ctx, *bias, p.rows, p.n));
    if (std::string why = residualMismatch(ep, a.dtype(), p.outDims); !why.empty()) return ctx.error(why);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, a.dtype(), p.outDims));
    if constexpr (std::is_same_v<T, float>) {
        const GemmBiasEpilogue gep(ctx.attrFloat("alpha", 1.0f), ctx.attrFloat("beta", 1.0f), bias, p.rows, p.n, ep);
        fusedGemmFloat(p, a, b, bias, gep, ep, *y);
        return Status::ok();
    }
    const std::vector<A> acc = computeProduct<T>(p, a.data<T>(), b.data<T>());
    const A alpha = A(ctx.attrFloat("alpha", 1.0f)), beta = A(ctx.attrFloat("beta", 1.0f));
    const std::vector<int64_t> bs = bias ? broadcastStrides(bias->dims(), {p.rows, p.n}) : std::vector<int64_t>{0, 0};
    const T* pb = bias ? bias->data<T>() : nullptr;
    T* py = y->data<T>();
    for (int64_t i = 0; i < p.rows; ++i) {
        for (int64_t j = 0; j < p.n; ++j) {
            const int64_t k = i * p.n + j;
            const A bv = pb ? beta * A(pb[i * bs[0] + j * bs[1]]) : A(0);
            py[k] = ep.apply<T>(alpha * acc[size_t(k)] + bv, k);
        }
    }
    return Status::ok();
}

Status fusedGemmKernel(KernelContext& ctx) {
    const HostTensor& a = ctx.input(0);
    const HostTensor& b = ctx.input(1);
    const HostTensor* bias = ctx.inputOrNull(2);
    if (a.dtype() != b.dtype() || (bias && bias->dtype() != a.dtype()))
        return ctx.error("A, B and bias must have the same type");
    KILN_ASSIGN_OR_RETURN(Epilogue ep, epilogueOf(ctx));
    return dispatchType(FloatTypes{}, a.dtype(),
                        [&]<typename T>() -> Status { return fusedGemmTyped<T>(ctx, a, b, bias, ep); });
}

}  // namespace

void registerFusedOps(OpRegistry& r) {
    r.add(OpDef{.opType = "FusedConv", .domain = "kiln", .requiredInputs = 2, .kernel = fusedConvKernel});
    r.add(OpDef{.opType = "FusedConvTranspose", .domain = "kiln", .requiredInputs = 2,
                .kernel = fusedConvTransposeKernel});
    r.add(OpDef{.opType = "FusedGemm", .domain = "kiln", .requiredInputs = 2, .kernel = fusedGemmKernel});
}

}  // namespace kiln::ops
