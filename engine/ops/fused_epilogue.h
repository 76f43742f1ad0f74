// The epilogue of Kiln's fused layers (kiln.FusedConv, kiln.FusedConvTranspose, kiln.FusedGemm):
// what happens to each output element after the bias, in one loop with the store.
//   y[i] = act(acc[i] + bias + residual[i])
// The ONNX Conv / ConvTranspose / Gemm / MatMul kernels run the same code with the identity
// epilogue (no residual, no activation), which stores acc + bias as before.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/host_tensor.h"
#include "ops/activation_fn.h"

namespace kiln::ops {

struct Epilogue {
    const HostTensor* residual = nullptr;  // output-shaped, of the output's type; added after the bias
    Activation activation;                 // applied last (computed in float)

    bool isIdentity() const { return !residual && activation.kind == ActivationKind::None; }

    // acc (accumulator type A, bias already added) of output element i -> the stored T.
    template <typename T, typename A>
    T apply(A v, int64_t i) const {
        if (residual) v += static_cast<A>(residual->data<T>()[i]);
        if (activation.kind != ActivationKind::None) v = static_cast<A>(applyActivation(activation, float(v)));
        return static_cast<T>(v);
    }

    // apply() over count consecutive float outputs from flat index first, in place, in loops
    // the compiler vectorizes (the same arithmetic, element by element):
    //   y[j] = act(y[j] + bias + residual[first + j])
    void applyRow(float* __restrict y, int64_t count, int64_t first, float bias) const {
        if (residual) {
            const float* __restrict r = residual->data<float>() + first;
            for (int64_t j = 0; j < count; ++j) y[j] = (y[j] + bias) + r[j];
        } else {
            for (int64_t j = 0; j < count; ++j) y[j] = y[j] + bias;
        }
        const Activation a = activation;
        switch (a.kind) {  // the common ones as their own loops; the rest through applyActivation
        case ActivationKind::None: break;
        case ActivationKind::Relu:
            for (int64_t j = 0; j < count; ++j) y[j] = y[j] > 0.f ? y[j] : 0.f;
            break;
        case ActivationKind::Clip:
            for (int64_t j = 0; j < count; ++j) y[j] = y[j] < a.alpha ? a.alpha : (y[j] > a.beta ? a.beta : y[j]);
            break;
        case ActivationKind::LeakyRelu:
            for (int64_t j = 0; j < count; ++j) y[j] = y[j] >= 0.f ? y[j] : a.alpha * y[j];
            break;
        default:
            for (int64_t j = 0; j < count; ++j) y[j] = applyActivation(a, y[j]);
        }
    }
};

// Whether two tensors' bytes overlap. The float kernels store partial sums in the output before
// they read the residual (or Gemm's C): where a memory plan puts the output over one of those,
// they compute aside first.
inline bool overlaps(const HostTensor& a, const HostTensor& b) {
    const auto pa = reinterpret_cast<uintptr_t>(a.raw()), pb = reinterpret_cast<uintptr_t>(b.raw());
    if (!pa || !pb) return false;
    return pa < pb + b.byteSize() && pb < pa + a.byteSize();
}

// Runs compute(dst) on y's floats, or, when y overlaps an input read after the partial sums are
// stored (see overlaps), on a zeroed scratch buffer that is copied into y afterwards.
template <typename Compute>
void computeFloatOutput(HostTensor& y, bool overlapsInput, Compute&& compute) {
    if (!overlapsInput) {
        compute(y.data<float>());
        return;
    }
    std::vector<float> scratch(static_cast<size_t>(y.numel()));
    compute(scratch.data());
    std::copy(scratch.begin(), scratch.end(), y.data<float>());
}

// The residual must have exactly the output's dims and type (fuse-residual only absorbs an Add
// of two same-shaped tensors). Empty when it does.
inline std::string residualMismatch(const Epilogue& ep, DataType type, const std::vector<int64_t>& outDims) {
    if (!ep.residual) return {};
    if (ep.residual->dtype() != type) return "the residual's type differs from the output's";
    if (ep.residual->dims() != outDims)
        return "the residual has shape " + dimsToString(ep.residual->dims()) + " but the output has " +
               dimsToString(outDims);
    return {};
}

}  // namespace kiln::ops
