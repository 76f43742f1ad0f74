// Activations that fused layers apply in their epilogue (Conv + bias + Relu, Gemm + GELU, ...).
// One description shared by the passes (which recognise them), the fused layers' attributes
// and the kernels (which apply them).
#pragma once

#include <cmath>
#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::ops {

enum class ActivationKind { None, Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Silu, Gelu, GeluTanh, Elu };

struct Activation {
    ActivationKind kind = ActivationKind::None;
    float alpha = 0.f;  // LeakyRelu slope, Clip min, HardSigmoid alpha, Elu alpha
    float beta = 0.f;   // Clip max, HardSigmoid beta

    std::string name() const;  // "Relu", "Clip(0, 6)", "LeakyRelu(0.1)"
    bool operator==(const Activation&) const = default;
};

// The activation an ONNX node computes, or why it cannot be a fused epilogue
// ("activation Softsign cannot be fused", "Clip bounds are not constant").
Expected<Activation> activationOf(const ir::Node& n);

// Fused layers carry it as attributes: activation (string), activation_alpha, activation_beta.
void setActivationAttrs(ir::Node& n, const Activation& a);
Expected<Activation> activationFromAttrs(const ir::Node& n);

inline float applyActivation(const Activation& a, float x) {
    switch (a.kind) {
    case ActivationKind::None: return x;
    case ActivationKind::Relu: return x > 0.f ? x : 0.f;
    case ActivationKind::Clip: return x < a.alpha ? a.alpha : (x > a.beta ? a.beta : x);
    case ActivationKind::LeakyRelu: return x >= 0.f ? x : a.alpha * x;
    case ActivationKind::Sigmoid: return 1.f / (1.f + std::exp(-x));
    case ActivationKind::Tanh: return std::tanh(x);
    case ActivationKind::HardSigmoid: return std::fmax(0.f, std::fmin(1.f, a.alpha * x + a.beta));
    case ActivationKind::HardSwish: return x * std::fmax(0.f, std::fmin(1.f, x / 6.f + 0.5f));
    case ActivationKind::Silu: return x / (1.f + std::exp(-x));
    case ActivationKind::Gelu: return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
    case ActivationKind::GeluTanh:
        return 0.5f * x * (1.f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case ActivationKind::Elu: return x >= 0.f ? x : a.alpha * (std::exp(x) - 1.f);
    }
    return x;
}

}  // namespace kiln::ops
