// Kiln's layers made by the pattern-recognition passes (engine/passes/pattern_*.cpp), domain
// "kiln". Each computes what the ONNX chain it replaces computes, with the ONNX kernel's code
// where one exists:
//   LayerNormalization(X, Scale[, B]; axis = -1, epsilon)  ONNX LayerNormalization's kernel
//   Gelu(X; approximate = none | tanh)                     ONNX Gelu's kernel
//   Silu(X): y = x * sigmoid(x)
//   Attention(Q, K, V[, mask]; num_heads, scale)           pattern_attention_kernel.cpp
#include <cmath>

#include "ops/normalization_internal.h"

namespace kiln::ops {

Status attentionKernel(KernelContext& ctx);  // pattern_attention_kernel.cpp

namespace {

// silu(x) = x * sigmoid(x), with exp's argument kept <= 0.
Status siluKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = AccType<T>;
        const T* px = x.data<T>();
        T* py = y->data<T>();
        for (int64_t i = 0; i < x.numel(); ++i) {
            const A v = static_cast<A>(px[i]);
            const A e = std::exp(-std::fabs(v));
            py[i] = static_cast<T>(v >= A(0) ? v / (A(1) + e) : v * e / (A(1) + e));
        }
        return Status::ok();
    });
}

}  // namespace

void registerPatternOps(OpRegistry& r) {
    const std::string kiln = "kiln";
    r.add(OpDef{.opType = "LayerNormalization", .domain = kiln, .requiredInputs = 2, .kernel = layerNormKernel});
    // The ONNX Gelu kernel (registerActivationOps runs before this, see OpRegistry::builtin).
    if (const OpDef* gelu = r.find("", "Gelu", 20))
        r.add(OpDef{.opType = "Gelu", .domain = kiln, .requiredInputs = 1, .kernel = gelu->kernel});
    r.add(OpDef{.opType = "Silu", .domain = kiln, .requiredInputs = 1, .kernel = siluKernel});
    r.add(OpDef{.opType = "Attention", .domain = kiln, .requiredInputs = 3, .kernel = attentionKernel});
}

}  // namespace kiln::ops
