// Scale (per-tensor, per-channel or per-element affine + power) and Normalization
// (LayerNormalization, InstanceNormalization, or the formula written out).
#include <algorithm>
#include <cmath>

#include "builder/network.h"
#include "builder/network_internal.h"

namespace kiln {

using detail::LayerBuilder;
using detail::Operand;

// --- Scale ---------------------------------------------------------------------------------------

ScaleLayer::ScaleLayer(NetworkDefinition& n, Tensor* input, ScaleMode mode, HostTensor shift, HostTensor scale,
                       HostTensor power, int channelAxis)
    : Layer(n, LayerType::Scale, {input}), m_mode(mode), m_shift(std::move(shift)), m_scale(std::move(scale)),
      m_power(std::move(power)), m_channelAxis(channelAxis) {}

// y = (x * scale + shift) ^ power, the weights shaped [] (Uniform), [C, 1, ..., 1] (Channel) or
// dims[channelAxis:] (Elementwise), so they broadcast against x.
Status ScaleLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    if (!isFloatingPoint(x.dtype)) return b.error(std::string("the input must be floating-point, got ") + dataTypeName(x.dtype));
    if (x.rank() < 0) return b.error("the input's rank must be known");
    std::vector<int64_t> dims;
    const char* what = "uniform";
    if (m_mode != ScaleMode::Uniform) {
        if (m_channelAxis < 0 || m_channelAxis >= x.rank())
            return b.error("the channel axis " + std::to_string(m_channelAxis) + " is outside the input " + x.shape.toString());
        if (m_mode == ScaleMode::Channel) {
            what = "per-channel";
            if (!x.shape[m_channelAxis].isKnown()) return b.error("the channel dim of " + x.shape.toString() + " must be known");
            dims.assign(size_t(x.rank() - m_channelAxis), 1);
            dims[0] = x.shape[m_channelAxis].value;
        } else {
            what = "elementwise";
            for (int i = m_channelAxis; i < x.rank(); ++i) {
                if (!x.shape[i].isKnown()) return b.error("the dims from the channel axis on of " + x.shape.toString() + " must be known");
                dims.push_back(x.shape[i].value);
            }
        }
    }
    const int64_t count = *detail::knownProduct(Shape::fromDims(dims), 0, int(dims.size()));
    std::vector<detail::Step> steps;
    auto add = [&](const HostTensor& w, const char* name, const char* op) -> Status {
        if (!w.isValid()) return Status::ok();
        if (w.numel() != count)
            return b.error(std::string(name) + " has " + std::to_string(w.numel()) + " values; " + what +
                           " scaling of " + x.shape.toString() + " needs " + std::to_string(count));
        steps.push_back({name, op, {b.constant(name, detail::weightsAs(w, dims, x.dtype))}, {}, x.shape});
        return Status::ok();
    };
    KILN_RETURN_IF_ERROR(add(m_scale, "scale", "Mul"));
    KILN_RETURN_IF_ERROR(add(m_shift, "shift", "Add"));
    KILN_RETURN_IF_ERROR(add(m_power, "power", "Pow"));
    return detail::emitChain(b, x, std::move(steps));
}

bool ScaleLayer::setMode(ScaleMode mode) {
    auto old = m_mode;
    return change([&] { m_mode = mode; }, [&] { m_mode = old; });
}
bool ScaleLayer::setShift(Weights w) {
    auto t = detail::copyWeights(w, "shift");
    if (!t) return reject(t.status().message());
    auto old = m_shift;
    return change([&] { m_shift = *t; }, [&] { m_shift = old; });
}
bool ScaleLayer::setScale(Weights w) {
    auto t = detail::copyWeights(w, "scale");
    if (!t) return reject(t.status().message());
    auto old = m_scale;
    return change([&] { m_scale = *t; }, [&] { m_scale = old; });
}
bool ScaleLayer::setPower(Weights w) {
    auto t = detail::copyWeights(w, "power");
    if (!t) return reject(t.status().message());
    auto old = m_power;
    return change([&] { m_power = *t; }, [&] { m_power = old; });
}
bool ScaleLayer::setChannelAxis(int axis) {
    auto old = m_channelAxis;
    return change([&] { m_channelAxis = axis; }, [&] { m_channelAxis = old; });
}

// --- Normalization -------------------------------------------------------------------------------

NormalizationLayer::NormalizationLayer(NetworkDefinition& n, Tensor* input, Tensor* scale, Tensor* bias, uint32_t axes)
    : Layer(n, LayerType::Normalization, {input, scale, bias}), m_axes(axes) {}

namespace {

// Whether p (right-aligned against rank r) is 1 at every position outside [from, to) of x.
bool onesOutside(const Shape& p, int r, int from, int to) {
    for (int i = 0; i < p.rank(); ++i) {
        const int at = i + (r - p.rank());
        if ((at < from || at >= to) && !(p[i].isKnown() && p[i].value == 1)) return false;
    }
    return true;
}

// p with its leading dims dropped to `keep` dims (they are all 1), or p itself.
Expected<Operand> trailing(LayerBuilder& b, const Operand& p, int keep, const char* name) {
    if (p.rank() <= keep) return p;
    std::vector<int64_t> target;
    for (int i = p.rank() - keep; i < p.rank(); ++i) {
        if (!p.shape[i].isKnown()) return b.error(std::string(name) + " " + p.shape.toString() + " must have known dims");
        target.push_back(p.shape[i].value);
    }
    return b.node(std::string("reshape_") + name, "Reshape", {p, b.int64s(std::string(name) + "_shape", target)}, {},
                  p.dtype, Shape::fromDims(target));
}

}  // namespace

Status NormalizationLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0), scale = b.input(1), bias = b.input(2);
    if (!isFloatingPoint(x.dtype)) return b.error(std::string("the input must be floating-point, got ") + dataTypeName(x.dtype));
    if (scale.dtype != x.dtype || bias.dtype != x.dtype)
        return b.error(std::string("scale and bias must have the input's type ") + dataTypeName(x.dtype) + ", got " +
                       dataTypeName(scale.dtype) + " and " + dataTypeName(bias.dtype));
    auto axesOr = detail::axesFromMask(m_axes, x.rank(), "the axes mask");
    if (!axesOr) return b.error(axesOr.status().message());
    const std::vector<int64_t> axes = *axesOr;
    if (axes.empty()) return b.error("the axes mask is empty");
    const int r = x.rank();
    for (const Operand* p : {&scale, &bias}) {
        auto bc = detail::broadcastShapes(x.shape, p->shape);
        if (!p->shape.rankKnown() || p->rank() > r || !bc || bc->conflictsWith(x.shape))
            return b.error("scale " + detail::shapeText(scale.shape) + " and bias " + detail::shapeText(bias.shape) +
                           " must broadcast to the input " + x.shape.toString());
    }
    const int first = int(axes.front());
    const bool trailingAxes = axes.back() == r - 1 && int(axes.size()) == r - first;
    // y = LayerNormalization(x, scale, bias; axis = first)   for axes [first, r)
    if (trailingAxes && b.opset() >= 17 && onesOutside(scale.shape, r, first, r) && onesOutside(bias.shape, r, first, r)) {
        KILN_ASSIGN_OR_RETURN(Operand s, trailing(b, scale, r - first, "scale"));
        KILN_ASSIGN_OR_RETURN(Operand t, trailing(b, bias, r - first, "bias"));
        return b.output("LayerNormalization", {x, s, t}, {{"axis", int64_t(first)}, {"epsilon", m_epsilon}},
                        {{x.dtype, x.shape}});
    }
    // y = InstanceNormalization(x, scale[C], bias[C])   for the spatial axes of [N, C, ...]
    const bool spatialAxes = r >= 3 && first == 2 && trailingAxes;
    const bool perChannel = x.shape[1].isKnown() && onesOutside(scale.shape, r, 1, 2) && onesOutside(bias.shape, r, 1, 2) &&
                            scale.rank() >= r - 1 && bias.rank() >= r - 1 &&
                            scale.shape[scale.rank() - (r - 1)] == x.shape[1] && bias.shape[bias.rank() - (r - 1)] == x.shape[1];
    if (spatialAxes && perChannel) {
        const int64_t c = x.shape[1].value;
        auto flat = [&](const Operand& p, const char* name) {
            return p.rank() == 1 ? p : b.node(std::string("reshape_") + name, "Reshape",
                                              {p, b.int64s(std::string(name) + "_shape", {c})}, {}, p.dtype, Shape({c}));
        };
        const Operand s = flat(scale, "scale"), t = flat(bias, "bias");
        return b.output("InstanceNormalization", {x, s, t}, {{"epsilon", m_epsilon}}, {{x.dtype, x.shape}});
    }
    // y = (x - mean) / sqrt(mean((x - mean)^2) + eps) * scale + bias, means over the axes
    const Shape reduced = detail::reduceShape(x.shape, axes, true);
    auto [meanIns, meanAttrs] = detail::reduceArgs(b, "ReduceMean", x, axes, true);
    Operand mean = b.node("mean", "ReduceMean", meanIns, meanAttrs, x.dtype, reduced);
    Operand d = b.node("sub", "Sub", {x, mean}, {}, x.dtype, x.shape);
    Operand sq = b.node("square", "Mul", {d, d}, {}, x.dtype, x.shape);
    auto [varIns, varAttrs] = detail::reduceArgs(b, "ReduceMean", sq, axes, true);
    Operand var = b.node("var", "ReduceMean", varIns, varAttrs, x.dtype, reduced);
    Operand sd = b.node("sqrt", "Sqrt", {b.node("add_eps", "Add", {var, b.scalarLike("epsilon", x.dtype, m_epsilon)}, {},
                                                x.dtype, reduced)},
                        {}, x.dtype, reduced);
    Operand n = b.node("div", "Div", {d, sd}, {}, x.dtype, x.shape);
    return b.output("Add", {b.node("mul", "Mul", {n, scale}, {}, x.dtype, x.shape), bias}, {}, {{x.dtype, x.shape}});
}

bool NormalizationLayer::setEpsilon(float eps) {
    if (!(eps >= 0.0f) || std::isinf(eps)) return reject("epsilon must be finite and >= 0, got " + std::to_string(eps));
    auto old = m_epsilon;
    return change([&] { m_epsilon = eps; }, [&] { m_epsilon = old; });
}
bool NormalizationLayer::setAxes(uint32_t axes) {
    if (axes == 0) return reject("the axes mask is empty");
    auto old = m_axes;
    return change([&] { m_axes = axes; }, [&] { m_axes = old; });
}

}  // namespace kiln
