// The neural-network layers: Convolution, Pooling, Activation, FullyConnected, Scale,
// Normalization. Each build() checks its parameters against the input and emits its nodes.
#include <cmath>
#include <limits>
#include <numbers>
#include <tuple>

#include "builder/network.h"
#include "builder/network_internal.h"

namespace kiln {

using detail::LayerBuilder;
using detail::Operand;

namespace {

std::string ints(const std::vector<int64_t>& v) { return dimsToString(v); }

Status requireFloat(const LayerBuilder& b, const Operand& x, const char* what) {
    if (isFloatingPoint(x.dtype)) return Status::ok();
    return b.error(std::string(what) + " must be a floating-point tensor, got " + dataTypeName(x.dtype));
}

std::vector<int64_t> concat(std::vector<int64_t> a, const std::vector<int64_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const char* autoPadName(PaddingMode m) {
    return m == PaddingMode::SameUpper ? "SAME_UPPER" : m == PaddingMode::SameLower ? "SAME_LOWER" : "NOTSET";
}
bool isSame(PaddingMode m) { return m == PaddingMode::SameUpper || m == PaddingMode::SameLower; }

// [N, C, D1..Dn] -> [N, channels, O1..On] for a window over the spatial dims.
Expected<Shape> windowShape(const LayerBuilder& b, const Operand& x, const Dim& channels, const std::vector<int64_t>& kernel,
                            const std::vector<int64_t>& stride, const std::vector<int64_t>& pre,
                            const std::vector<int64_t>& post, const std::vector<int64_t>& dilation, PaddingMode mode) {
    std::vector<Dim> out = {x.shape[0], channels};
    for (size_t i = 0; i < kernel.size(); ++i) {
        auto d = detail::windowOutputDim(x.shape[int(i) + 2], kernel[i], stride[i], pre[i], post[i], dilation[i], mode);
        if (!d) return b.error("spatial dim " + std::to_string(i) + " of the input " + x.shape.toString() + ": " +
                               d.status().message());
        out.push_back(*d);
    }
    return Shape(std::move(out));
}

// Setter checks: one value per spatial dim, each at least `min`.
bool perDim(const std::vector<int64_t>& v, size_t n, int64_t min, const char* what, std::string& why) {
    if (v.size() != n) why = std::string(what) + " " + ints(v) + " needs " + std::to_string(n) + " values";
    for (int64_t x : v)
        if (why.empty() && x < min) why = std::string(what) + " " + ints(v) + " must be >= " + std::to_string(min);
    return why.empty();
}

}  // namespace

// --- Convolution ---------------------------------------------------------------------------------

ConvolutionLayer::ConvolutionLayer(NetworkDefinition& n, Tensor* input, int64_t k, std::vector<int64_t> kernelSize,
                                   HostTensor kernel, HostTensor bias)
    : Layer(n, LayerType::Convolution, {input}), m_nbOutputMaps(k), m_kernelSize(std::move(kernelSize)),
      m_stride(m_kernelSize.size(), 1), m_prePadding(m_kernelSize.size(), 0), m_postPadding(m_kernelSize.size(), 0),
      m_dilation(m_kernelSize.size(), 1), m_kernel(std::move(kernel)), m_bias(std::move(bias)) {}

// [N, C, D1..Dn] * W[K, C/groups, k1..kn] (+ B[K]) -> [N, K, O1..On]
Status ConvolutionLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    const size_t nd = m_kernelSize.size();
    if (x.rank() != int(nd) + 2)
        return b.error("the input " + detail::shapeText(x.shape) + " must have rank " + std::to_string(nd + 2) +
                       " ([N, C] and " + std::to_string(nd) + " spatial dims) for the kernel " + ints(m_kernelSize));
    KILN_RETURN_IF_ERROR(requireFloat(b, x, "the input"));
    if (!x.shape[1].isKnown()) return b.error("the input's channel dim (" + x.shape[1].toString() + ") must be known");
    const int64_t c = x.shape[1].value, perMap = m_nbOutputMaps * *detail::knownProduct(Shape::fromDims(m_kernelSize), 0, int(nd));
    if (!m_kernel.isValid()) return b.error("kernel weights are required, got none (count 0)");
    if (m_kernel.numel() % perMap != 0)
        return b.error("kernel weights have " + std::to_string(m_kernel.numel()) + " values, not a multiple of " +
                       std::to_string(m_nbOutputMaps) + " maps x kernel " + ints(m_kernelSize));
    const int64_t cw = m_kernel.numel() / perMap;
    if (c % cw != 0)
        return b.error("kernel weights have " + std::to_string(cw) + " input channel(s) per map (" +
                       std::to_string(m_kernel.numel()) + " values), which does not divide the input's " +
                       std::to_string(c) + " channels");
    if (m_nbOutputMaps % m_groups != 0)
        return b.error(std::to_string(m_groups) + " groups do not divide the " + std::to_string(m_nbOutputMaps) + " output maps");
    if (Status s = detail::checkCount(m_bias, m_nbOutputMaps, "bias", true); !s.isOk()) return b.error(s.message());
    KILN_ASSIGN_OR_RETURN(Shape out, windowShape(b, x, Dim(m_nbOutputMaps), m_kernelSize, m_stride, m_prePadding,
                                                 m_postPadding, m_dilation, m_paddingMode));
    std::vector<Operand> ins = {x, b.constant("weight", detail::weightsAs(m_kernel, concat({m_nbOutputMaps, cw}, m_kernelSize), x.dtype))};
    if (m_bias.isValid()) ins.push_back(b.constant("bias", detail::weightsAs(m_bias, {m_nbOutputMaps}, x.dtype)));
    detail::Attrs attrs = {{"kernel_shape", m_kernelSize}, {"strides", m_stride}, {"dilations", m_dilation},
                           {"group", m_groups}};
    if (isSame(m_paddingMode)) attrs.emplace_back("auto_pad", std::string(autoPadName(m_paddingMode)));
    else attrs.emplace_back("pads", concat(m_prePadding, m_postPadding));
    return b.output("Conv", std::move(ins), std::move(attrs), {{x.dtype, std::move(out)}});
}

std::string ConvolutionLayer::pendingProblem() const {
    const Shape& s = input(0)->shape();
    const int64_t perMap = m_nbOutputMaps * *detail::knownProduct(Shape::fromDims(m_kernelSize), 0, int(m_kernelSize.size()));
    if (!s.rankKnown() || s.rank() < 2 || !s[1].isKnown() || !m_kernel.isValid() || perMap == 0) return {};
    const int64_t cw = m_kernel.numel() / perMap;
    if (s[1].value == m_groups * cw) return {};
    return "the input has " + std::to_string(s[1].value) + " channels but the kernel weights (" +
           std::to_string(m_nbOutputMaps) + " x " + std::to_string(cw) + " x " + ints(m_kernelSize) + ") with " +
           std::to_string(m_groups) + " group(s) expect " + std::to_string(m_groups * cw) + "; call setNbGroups(" +
           std::to_string(s[1].value / cw) + ")";
}

bool ConvolutionLayer::setStride(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_kernelSize.size(), 1, "stride", why)) return reject(why);
    auto old = m_stride;
    return change([&] { m_stride = v; }, [&] { m_stride = old; });
}
bool ConvolutionLayer::setPadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_kernelSize.size(), 0, "padding", why)) return reject(why);
    auto oldPre = m_prePadding, oldPost = m_postPadding;
    return change([&] { m_prePadding = m_postPadding = v; }, [&] { m_prePadding = oldPre; m_postPadding = oldPost; });
}
bool ConvolutionLayer::setPrePadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_kernelSize.size(), 0, "pre-padding", why)) return reject(why);
    auto old = m_prePadding;
    return change([&] { m_prePadding = v; }, [&] { m_prePadding = old; });
}
bool ConvolutionLayer::setPostPadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_kernelSize.size(), 0, "post-padding", why)) return reject(why);
    auto old = m_postPadding;
    return change([&] { m_postPadding = v; }, [&] { m_postPadding = old; });
}
bool ConvolutionLayer::setPaddingMode(PaddingMode mode) {
    if (mode == PaddingMode::ExplicitRoundUp) return reject("convolutions have no round-up (ceil) padding mode");
    auto old = m_paddingMode;
    return change([&] { m_paddingMode = mode; }, [&] { m_paddingMode = old; });
}
bool ConvolutionLayer::setDilation(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_kernelSize.size(), 1, "dilation", why)) return reject(why);
    auto old = m_dilation;
    return change([&] { m_dilation = v; }, [&] { m_dilation = old; });
}
bool ConvolutionLayer::setNbGroups(int64_t groups) {
    if (groups < 1) return reject("the number of groups must be positive, got " + std::to_string(groups));
    auto old = m_groups;
    return change([&] { m_groups = groups; }, [&] { m_groups = old; });
}
bool ConvolutionLayer::setKernelWeights(Weights w) {
    auto t = detail::copyWeights(w, "kernel");
    if (!t) return reject(t.status().message());
    auto old = m_kernel;
    return change([&] { m_kernel = *t; }, [&] { m_kernel = old; });
}
bool ConvolutionLayer::setBiasWeights(Weights w) {
    auto t = detail::copyWeights(w, "bias");
    if (!t) return reject(t.status().message());
    auto old = m_bias;
    return change([&] { m_bias = *t; }, [&] { m_bias = old; });
}

// --- Pooling -------------------------------------------------------------------------------------

PoolingLayer::PoolingLayer(NetworkDefinition& n, Tensor* input, PoolingType t, std::vector<int64_t> window)
    : Layer(n, LayerType::Pooling, {input}), m_pooling(t), m_window(std::move(window)), m_stride(m_window.size(), 1),
      m_prePadding(m_window.size(), 0), m_postPadding(m_window.size(), 0) {}

// [N, C, D1..Dn] -> [N, C, O1..On]
Status PoolingLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    const size_t nd = m_window.size();
    if (x.rank() != int(nd) + 2)
        return b.error("the input " + detail::shapeText(x.shape) + " must have rank " + std::to_string(nd + 2) +
                       " for the window " + ints(m_window));
    KILN_RETURN_IF_ERROR(requireFloat(b, x, "the input"));
    for (size_t i = 0; i < nd && !isSame(m_paddingMode); ++i)
        if (m_prePadding[i] >= m_window[i] || m_postPadding[i] >= m_window[i])
            return b.error("padding " + ints(m_prePadding) + " / " + ints(m_postPadding) +
                           " must be smaller than the window " + ints(m_window));
    KILN_ASSIGN_OR_RETURN(Shape out, windowShape(b, x, x.shape[1], m_window, m_stride, m_prePadding, m_postPadding,
                                                 std::vector<int64_t>(nd, 1), m_paddingMode));
    detail::Attrs attrs = {{"kernel_shape", m_window}, {"strides", m_stride}};
    if (isSame(m_paddingMode)) attrs.emplace_back("auto_pad", std::string(autoPadName(m_paddingMode)));
    else attrs.emplace_back("pads", concat(m_prePadding, m_postPadding));
    if (m_paddingMode == PaddingMode::ExplicitRoundUp) attrs.emplace_back("ceil_mode", int64_t(1));
    if (m_pooling == PoolingType::Average) attrs.emplace_back("count_include_pad", int64_t(m_excludePadding ? 0 : 1));
    return b.output(m_pooling == PoolingType::Max ? "MaxPool" : "AveragePool", {x}, std::move(attrs),
                    {{x.dtype, std::move(out)}});
}

bool PoolingLayer::setPoolingType(PoolingType t) {
    auto old = m_pooling;
    return change([&] { m_pooling = t; }, [&] { m_pooling = old; });
}
bool PoolingLayer::setWindowSize(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_window.size(), 1, "window size", why)) return reject(why);
    auto old = m_window;
    return change([&] { m_window = v; }, [&] { m_window = old; });
}
bool PoolingLayer::setStride(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_window.size(), 1, "stride", why)) return reject(why);
    auto old = m_stride;
    return change([&] { m_stride = v; }, [&] { m_stride = old; });
}
bool PoolingLayer::setPadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_window.size(), 0, "padding", why)) return reject(why);
    auto oldPre = m_prePadding, oldPost = m_postPadding;
    return change([&] { m_prePadding = m_postPadding = v; }, [&] { m_prePadding = oldPre; m_postPadding = oldPost; });
}
bool PoolingLayer::setPrePadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_window.size(), 0, "pre-padding", why)) return reject(why);
    auto old = m_prePadding;
    return change([&] { m_prePadding = v; }, [&] { m_prePadding = old; });
}
bool PoolingLayer::setPostPadding(std::vector<int64_t> v) {
    std::string why;
    if (!perDim(v, m_window.size(), 0, "post-padding", why)) return reject(why);
    auto old = m_postPadding;
    return change([&] { m_postPadding = v; }, [&] { m_postPadding = old; });
}
bool PoolingLayer::setPaddingMode(PaddingMode mode) {
    auto old = m_paddingMode;
    return change([&] { m_paddingMode = mode; }, [&] { m_paddingMode = old; });
}
bool PoolingLayer::setAverageCountExcludesPadding(bool exclude) {
    auto old = m_excludePadding;
    return change([&] { m_excludePadding = exclude; }, [&] { m_excludePadding = old; });
}

// --- Activation ----------------------------------------------------------------------------------

namespace {

struct ActivationDefaults {
    float alpha, beta;
};
ActivationDefaults activationDefaults(ActivationType t) {
    constexpr float inf = std::numeric_limits<float>::infinity();
    switch (t) {
    case ActivationType::LeakyRelu: return {0.01f, 0};
    case ActivationType::Elu: return {1.0f, 0};
    case ActivationType::Selu: return {1.67326319217681884765625f, 1.05070102214813232421875f};
    case ActivationType::Softplus: return {1.0f, 1.0f};
    case ActivationType::Clip: return {-inf, inf};
    case ActivationType::HardSigmoid: return {0.2f, 0.5f};
    case ActivationType::ScaledTanh: return {1.0f, 1.0f};
    case ActivationType::ThresholdedRelu: return {1.0f, 0};
    default: return {0, 0};
    }
}

}  // namespace

const char* activationTypeName(ActivationType t) {
    switch (t) {
    case ActivationType::Relu: return "Relu";
    case ActivationType::Sigmoid: return "Sigmoid";
    case ActivationType::Tanh: return "Tanh";
    case ActivationType::LeakyRelu: return "LeakyRelu";
    case ActivationType::Elu: return "Elu";
    case ActivationType::Selu: return "Selu";
    case ActivationType::Softsign: return "Softsign";
    case ActivationType::Softplus: return "Softplus";
    case ActivationType::Clip: return "Clip";
    case ActivationType::HardSigmoid: return "HardSigmoid";
    case ActivationType::ScaledTanh: return "ScaledTanh";
    case ActivationType::ThresholdedRelu: return "ThresholdedRelu";
    case ActivationType::GeluErf: return "GeluErf";
    case ActivationType::GeluTanh: return "GeluTanh";
    }
    return "?";
}

ActivationLayer::ActivationLayer(NetworkDefinition& n, Tensor* input, ActivationType t)
    : Layer(n, LayerType::Activation, {input}), m_activation(t) {
    m_alpha = activationDefaults(t).alpha;
    m_beta = activationDefaults(t).beta;
}

Status ActivationLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    KILN_RETURN_IF_ERROR(requireFloat(b, x, "the input"));
    const DataType t = x.dtype;
    auto c = [&](const char* name, double v) { return b.scalarLike(name, t, v); };
    auto mul = [&](const char* name, Operand a, Operand k) { return b.node(name, "Mul", {a, k}, {}, t, x.shape); };
    auto out = [&](const char* op, std::vector<Operand> ins, detail::Attrs attrs = {}) {
        return b.output(op, std::move(ins), std::move(attrs), {{t, x.shape}});
    };
    switch (m_activation) {
    case ActivationType::Relu: return out("Relu", {x});
    case ActivationType::Sigmoid: return out("Sigmoid", {x});
    case ActivationType::Tanh: return out("Tanh", {x});
    case ActivationType::Softsign: return out("Softsign", {x});
    case ActivationType::LeakyRelu: return out("LeakyRelu", {x}, {{"alpha", m_alpha}});
    case ActivationType::Elu: return out("Elu", {x}, {{"alpha", m_alpha}});
    case ActivationType::Selu: return out("Selu", {x}, {{"alpha", m_alpha}, {"gamma", m_beta}});
    case ActivationType::ThresholdedRelu: return out("ThresholdedRelu", {x}, {{"alpha", m_alpha}});
    case ActivationType::HardSigmoid: return out("HardSigmoid", {x}, {{"alpha", m_alpha}, {"beta", m_beta}});
    case ActivationType::Clip: {
        if (m_alpha > m_beta) return b.error("Clip: alpha (min) " + std::to_string(m_alpha) + " > beta (max) " + std::to_string(m_beta));
        const Operand lo = std::isinf(m_alpha) && m_alpha < 0 ? Operand{} : c("min", m_alpha);
        const Operand hi = std::isinf(m_beta) && m_beta > 0 ? Operand{} : c("max", m_beta);
        return out("Clip", {x, lo, hi});
    }
    case ActivationType::Softplus: {  // alpha * log(exp(beta * x) + 1)
        if (m_alpha == 1.0f && m_beta == 1.0f) return out("Softplus", {x});
        Operand y = b.node("softplus", "Softplus", {m_beta == 1.0f ? x : mul("beta", x, c("beta", m_beta))}, {}, t, x.shape);
        return out("Mul", {y, c("alpha", m_alpha)});
    }
    case ActivationType::ScaledTanh: {  // alpha * tanh(beta * x)
        Operand y = b.node("tanh", "Tanh", {m_beta == 1.0f ? x : mul("beta", x, c("beta", m_beta))}, {}, t, x.shape);
        return out("Mul", {y, c("alpha", m_alpha)});
    }
    case ActivationType::GeluErf: {  // (x * (1 + erf(x / sqrt(2)))) * 0.5, as recognize-gelu matches it
        Operand e = b.node("erf", "Erf", {b.node("div", "Div", {x, c("sqrt2", std::numbers::sqrt2)}, {}, t, x.shape)}, {}, t, x.shape);
        Operand onePlus = b.node("add", "Add", {e, c("one", 1.0)}, {}, t, x.shape);
        return out("Mul", {mul("mul", x, onePlus), c("half", 0.5)});
    }
    case ActivationType::GeluTanh: {  // (x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))) * 0.5
        Operand cube = b.node("pow", "Pow", {x, c("three", 3.0)}, {}, t, x.shape);
        Operand inner = b.node("add_cube", "Add", {x, mul("mul_coeff", cube, c("coeff", 0.044715))}, {}, t, x.shape);
        Operand th = b.node("tanh", "Tanh", {mul("mul_scale", inner, c("scale", std::numbers::sqrt2 * std::numbers::inv_sqrtpi))},
                            {}, t, x.shape);
        Operand onePlus = b.node("add", "Add", {th, c("one", 1.0)}, {}, t, x.shape);
        return out("Mul", {mul("mul", x, onePlus), c("half", 0.5)});
    }
    }
    return b.error("unknown activation type", StatusCode::Internal);
}

bool ActivationLayer::setActivationType(ActivationType t) {
    auto old = std::tuple(m_activation, m_alpha, m_beta);
    const ActivationDefaults d = activationDefaults(t);
    return change([&] { m_activation = t; m_alpha = d.alpha; m_beta = d.beta; },
                  [&] { std::tie(m_activation, m_alpha, m_beta) = old; });
}
bool ActivationLayer::setAlpha(float alpha) {
    if (std::isnan(alpha)) return reject("alpha is NaN");
    auto old = m_alpha;
    return change([&] { m_alpha = alpha; }, [&] { m_alpha = old; });
}
bool ActivationLayer::setBeta(float beta) {
    if (std::isnan(beta)) return reject("beta is NaN");
    auto old = m_beta;
    return change([&] { m_beta = beta; }, [&] { m_beta = old; });
}

// --- FullyConnected ------------------------------------------------------------------------------

FullyConnectedLayer::FullyConnectedLayer(NetworkDefinition& n, Tensor* input, int64_t k, HostTensor kernel, HostTensor bias)
    : Layer(n, LayerType::FullyConnected, {input}), m_nbOutputs(k), m_kernel(std::move(kernel)), m_bias(std::move(bias)) {}

// [N, d1, ..., dk] -> Flatten -> [N, D] -> Gemm(W[K, D], B[K], transB) -> [N, K]
Status FullyConnectedLayer::build(LayerBuilder& b) const {
    Operand x = b.input(0);
    if (x.rank() < 2) return b.error("the input " + detail::shapeText(x.shape) + " must have rank >= 2 ([N, ...])");
    KILN_RETURN_IF_ERROR(requireFloat(b, x, "the input"));
    const auto d = detail::knownProduct(x.shape, 1, x.rank());
    if (!d) return b.error("the input's dims after the first " + x.shape.toString() + " must be known");
    if (Status s = detail::checkCount(m_kernel, m_nbOutputs * *d, "kernel", false); !s.isOk())
        return b.error(s.message() + " (" + std::to_string(m_nbOutputs) + " outputs x " + std::to_string(*d) + " inputs)");
    if (Status s = detail::checkCount(m_bias, m_nbOutputs, "bias", true); !s.isOk()) return b.error(s.message());
    if (x.rank() > 2) x = b.node("flatten", "Flatten", {x}, {{"axis", int64_t(1)}}, x.dtype, Shape({x.shape[0], Dim(*d)}));
    std::vector<Operand> ins = {x, b.constant("weight", detail::weightsAs(m_kernel, {m_nbOutputs, *d}, x.dtype))};
    if (m_bias.isValid()) ins.push_back(b.constant("bias", detail::weightsAs(m_bias, {m_nbOutputs}, x.dtype)));
    return b.output("Gemm", std::move(ins), {{"transB", int64_t(1)}}, {{x.dtype, Shape({x.shape[0], Dim(m_nbOutputs)})}});
}

bool FullyConnectedLayer::setKernelWeights(Weights w) {
    auto t = detail::copyWeights(w, "kernel");
    if (!t) return reject(t.status().message());
    auto old = m_kernel;
    return change([&] { m_kernel = *t; }, [&] { m_kernel = old; });
}
bool FullyConnectedLayer::setBiasWeights(Weights w) {
    auto t = detail::copyWeights(w, "bias");
    if (!t) return reject(t.status().message());
    auto old = m_bias;
    return change([&] { m_bias = *t; }, [&] { m_bias = old; });
}

}  // namespace kiln
