// Resize (opset 10, 11-17, 18+) and Upsample on the GPU: the attributes and constant inputs are
// read once in prepare (the CPU reference's rules, engine/ops/resize.cpp), the per-axis scales
// are derived at each enqueue from the concrete dims, and kernels_data_resize.cu resamples.
// Nearest runs on every element type; linear on float32/float16 over the last two axes; cubic
// is not implemented.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backends/cuda/data_kernels.h"

namespace kiln::cuda::data {

namespace {

struct ResizeSpec {
    bool linear = false;
    ResizeCoord coord = ResizeCoord::HalfPixel;
    ResizeNearest nearest = ResizeNearest::RoundPreferFloor;
    bool excludeOutside = false, antialias = false;
    double extrapolation = 0.0;
    std::vector<int64_t> axes;  // the axes scales/sizes/roi list (opset 18); empty: all
    std::vector<double> scales;  // given scales, or empty when sizes are given
    std::vector<int64_t> sizes;  // constant sizes
    bool sizesFromOutput = false;  // run-time sizes (stretch): the output dims are the sizes
    std::string policy = "stretch";  // keep_aspect_ratio_policy
    std::vector<double> roi;  // tf_crop_and_resize: [starts..., ends...] over the axes
};

// A constant input that is there and not empty (opset 11 passes empty tensors for the unused one
// of scales / sizes); a run-time input counts as given.
bool given(const ir::Node& n, int i) { return n.input(i) && (!n.input(i)->constant() || n.input(i)->constant()->numel() > 0); }

Expected<std::vector<double>> constantFloats(const ir::Node& n, int i, const char* what) {
    const ir::Value* v = n.input(i);
    if (!v->constant())
        return unsupported(n.opType() + " input " + std::to_string(i) + " (" + what +
                           ") is computed at run time; the CUDA kernel needs it constant");
    std::vector<double> out;
    for (int64_t k = 0; k < v->constant()->numel(); ++k) out.push_back(v->constant()->getDouble(k));
    return out;
}

Status parseMode(const ir::Node& n, ResizeSpec& s) {
    const std::string mode = n.attrString("mode", "nearest");
    if (mode == "cubic") return unsupported("Resize mode 'cubic' is not implemented on CUDA");
    if (mode != "nearest" && mode != "linear" && mode != "bilinear")
        return invalidArgument(n.opType() + " mode '" + mode + "' is unknown");
    s.linear = mode != "nearest";
    return Status::ok();
}

// Resize-10 and Upsample: asymmetric coordinates, nearest rounding as ResizeNearest::Simple;
// scales from input 1 (Resize-10, Upsample-9), the attribute scales (Upsample-7), or
// height_scale / width_scale of a 4-D input (Upsample-1).
Status parseLegacy(const ir::Node& n, ResizeSpec& s) {
    KILN_RETURN_IF_ERROR(parseMode(n, s));
    s.coord = ResizeCoord::Asymmetric;
    s.nearest = ResizeNearest::Simple;
    if (n.opType() == "Resize" || n.opsetVersion() >= 9) {
        if (!n.input(1)) return invalidArgument(n.opType() + " needs the scales input");
        KILN_ASSIGN_OR_RETURN(s.scales, constantFloats(n, 1, "scales"));
    } else if (n.opsetVersion() >= 7) {
        for (float v : n.attrFloats("scales")) s.scales.push_back(v);
    } else {
        s.scales = {1.0, 1.0, n.attrFloat("height_scale", 1.0f), n.attrFloat("width_scale", 1.0f)};
    }
    return Status::ok();
}

Status parseResize11(const ir::Node& n, ResizeSpec& s) {
    KILN_RETURN_IF_ERROR(parseMode(n, s));
    static const std::pair<const char*, ResizeCoord> kCoords[] = {
        {"half_pixel", ResizeCoord::HalfPixel},
        {"half_pixel_symmetric", ResizeCoord::HalfPixelSymmetric},
        {"pytorch_half_pixel", ResizeCoord::PytorchHalfPixel},
        {"align_corners", ResizeCoord::AlignCorners},
        {"asymmetric", ResizeCoord::Asymmetric},
        {"tf_half_pixel_for_nearest", ResizeCoord::TfHalfPixelForNearest},
        {"tf_half_pixel_for_nn", ResizeCoord::TfHalfPixelForNearest},
        {"tf_crop_and_resize", ResizeCoord::TfCropAndResize},
    };
    static const std::pair<const char*, ResizeNearest> kNearest[] = {
        {"round_prefer_floor", ResizeNearest::RoundPreferFloor},
        {"round_prefer_ceil", ResizeNearest::RoundPreferCeil},
        {"floor", ResizeNearest::Floor},
        {"ceil", ResizeNearest::Ceil},
    };
    const std::string coord = n.attrString("coordinate_transformation_mode", "half_pixel");
    const std::string nearest = n.attrString("nearest_mode", "round_prefer_floor");
    bool coordKnown = false, nearestKnown = false;
    for (const auto& [name, c] : kCoords)
        if (coord == name) s.coord = c, coordKnown = true;
    for (const auto& [name, m] : kNearest)
        if (nearest == name) s.nearest = m, nearestKnown = true;
    if (!coordKnown) return invalidArgument("unknown coordinate_transformation_mode '" + coord + "'");
    if (!nearestKnown) return invalidArgument("unknown nearest_mode '" + nearest + "'");
    s.excludeOutside = n.attrInt("exclude_outside", 0) != 0;
    s.antialias = n.attrInt("antialias", 0) != 0;
    s.extrapolation = n.attrFloat("extrapolation_value", 0.0f);
    if (n.opsetVersion() >= 18) {
        s.axes = n.attrInts("axes");
        s.policy = n.attrString("keep_aspect_ratio_policy", "stretch");
        if (s.policy != "stretch" && s.policy != "not_larger" && s.policy != "not_smaller")
            return invalidArgument("unknown keep_aspect_ratio_policy '" + s.policy + "'");
    }
    const bool hasScales = given(n, 2), hasSizes = given(n, 3);
    if (hasScales == hasSizes) return invalidArgument("exactly one of the Resize inputs scales and sizes must be given");
    if (hasScales) {
        KILN_ASSIGN_OR_RETURN(s.scales, constantFloats(n, 2, "scales"));
    } else if (n.input(3)->constant()) {
        KILN_ASSIGN_OR_RETURN(s.sizes, n.input(3)->constant()->toInt64Vector());
    } else if (s.policy == "stretch") {
        s.sizesFromOutput = true;
    } else {
        return unsupported("Resize input 3 (sizes) is computed at run time with keep_aspect_ratio_policy '" + s.policy +
                           "'; the CUDA kernel needs it constant");
    }
    if (s.coord == ResizeCoord::TfCropAndResize && given(n, 1)) {
        KILN_ASSIGN_OR_RETURN(s.roi, constantFloats(n, 1, "roi"));
    }
    return Status::ok();
}

Expected<ResizeSpec> parseSpec(const ir::Node& n) {
    ResizeSpec s;
    KILN_RETURN_IF_ERROR(n.opType() == "Resize" && n.opsetVersion() >= 11 ? parseResize11(n, s) : parseLegacy(n, s));
    return s;
}

// The resampling at concrete dims: per-axis scales as the CPU reference derives them.
Expected<ResizeParams> paramsAt(const ResizeSpec& s, const std::vector<int64_t>& inDims,
                                const std::vector<int64_t>& outDims, DataType type) {
    const int rank = int(inDims.size());
    if (outDims.size() != inDims.size()) return invalidArgument("Resize's output rank differs from its input's");
    ResizeParams p;
    p.linear = s.linear;
    p.coord = s.coord;
    p.nearest = s.nearest;
    p.excludeOutside = s.excludeOutside;
    p.extrapolation = s.extrapolation;
    const HostTensor fill = HostTensor::scalar(type, s.extrapolation);
    std::memcpy(&p.extrapolationBits, fill.raw(), dataTypeSize(type));
    p.inDims = inDims;
    p.outDims = outDims;
    p.scales.assign(size_t(rank), 1.0);
    p.roiStart.assign(size_t(rank), 0.0);
    p.roiEnd.assign(size_t(rank), 1.0);
    std::vector<int> axes;
    for (int64_t a : s.axes) {
        KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(a, rank));
        axes.push_back(axis);
    }
    if (s.axes.empty())
        for (int a = 0; a < rank; ++a) axes.push_back(a);
    if (!s.scales.empty()) {
        if (s.scales.size() != axes.size())
            return invalidArgument("scales has " + std::to_string(s.scales.size()) + " values for " +
                                   std::to_string(axes.size()) + " axes");
        for (size_t i = 0; i < axes.size(); ++i) p.scales[size_t(axes[i])] = s.scales[i];
    } else {
        std::vector<int64_t> sizes = s.sizes;
        if (s.sizesFromOutput)
            for (int a : axes) sizes.push_back(outDims[size_t(a)]);
        if (sizes.size() != axes.size())
            return invalidArgument("sizes has " + std::to_string(sizes.size()) + " values for " +
                                   std::to_string(axes.size()) + " axes");
        // stretch: each axis its own scale; not_larger / not_smaller: the min / max of them for all.
        double common = s.policy == "not_larger" ? INFINITY : 0.0;
        for (size_t i = 0; i < axes.size(); ++i) {
            const double scale = double(sizes[i]) / double(inDims[size_t(axes[i])]);
            common = s.policy == "not_larger" ? std::min(common, scale) : std::max(common, scale);
            p.scales[size_t(axes[i])] = scale;
        }
        if (s.policy != "stretch")
            for (int a : axes) p.scales[size_t(a)] = common;
    }
    for (double scale : p.scales)
        if (!(scale > 0) || !std::isfinite(scale)) return invalidArgument("Resize scales must be positive and finite");
    if (s.antialias && s.linear)
        for (double scale : p.scales)
            if (scale < 1) return unsupported("Resize with antialias=1 when downsampling is not implemented on CUDA");
    if (!s.roi.empty()) {
        if (s.roi.size() != 2 * axes.size()) return invalidArgument("roi must hold a start and an end per axis");
        for (size_t i = 0; i < axes.size(); ++i) {
            p.roiStart[size_t(axes[i])] = s.roi[i];
            p.roiEnd[size_t(axes[i])] = s.roi[axes.size() + i];
        }
    }
    return p;
}

class ResizeKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        KILN_ASSIGN_OR_RETURN(m_spec, parseSpec(a.node));
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceOutput& y = a.outputs[0];
        KILN_ASSIGN_OR_RETURN(ResizeParams p, paramsAt(m_spec, x.dims, y.dims, x.type));
        return resize(y.data, x.data, x.type, p, a.stream);
    }

private:
    ResizeSpec m_spec;
};

Expected<std::vector<Tactic>> resizeTactics(const TacticQuery& q) {
    KILN_ASSIGN_OR_RETURN(ResizeSpec spec, parseSpec(q.node));
    const DataType type = q.shapes.inputTypes.at(0);
    if (dataTypeSize(type) == 0 || dataTypeSize(type) > 8)
        return unsupported(std::string("Resize of ") + dataTypeName(type) + " is not implemented on CUDA");
    KILN_ASSIGN_OR_RETURN(ResizeParams p, paramsAt(spec, q.shapes.inputs.at(0), q.shapes.outputs.at(0), type));
    if (std::string why = resizeUnsupported(p, type); !why.empty()) return unsupported(why);
    return std::vector<Tactic>{tacticOf<ResizeKernel>(spec.linear ? "kiln.resize.linear" : "kiln.resize.nearest")};
}

}  // namespace

void registerResizeTactics(TacticRegistry& r) {
    r.add("Resize", "", "kiln", PrecisionRule::FollowInput, resizeTactics);
    r.add("Upsample", "", "kiln", PrecisionRule::FollowInput, resizeTactics);
}

}  // namespace kiln::cuda::data
