// Resize (opset 10, 11-17, 18+) and Upsample (opset 1-9): attributes and inputs turned into a
// ResizePlan, run by resize_interp.cpp. registerResizeOps for the whole family (DepthToSpace and
// SpaceToDepth are in resize_depth.cpp).
#include <cmath>
#include <utility>

#include "ops/resize_internal.h"

namespace kiln::ops {

namespace {

Expected<ResizeMode> parseMode(const KernelContext& ctx, bool allowCubic) {
    const std::string m = ctx.attrString("mode", "nearest");
    if (m == "nearest") return ResizeMode::Nearest;
    if (m == "linear" || m == "bilinear") return ResizeMode::Linear;  // "bilinear": Upsample-1
    if (m == "cubic" && allowCubic) return ResizeMode::Cubic;
    return ctx.error("unsupported mode '" + m + "'");
}

Expected<CoordMode> parseCoordMode(const KernelContext& ctx) {
    static const std::pair<const char*, CoordMode> kModes[] = {
        {"half_pixel", CoordMode::HalfPixel},
        {"half_pixel_symmetric", CoordMode::HalfPixelSymmetric},
        {"pytorch_half_pixel", CoordMode::PytorchHalfPixel},
        {"align_corners", CoordMode::AlignCorners},
        {"asymmetric", CoordMode::Asymmetric},
        {"tf_half_pixel_for_nearest", CoordMode::TfHalfPixelForNearest},
        {"tf_half_pixel_for_nn", CoordMode::TfHalfPixelForNearest},  // its name in early opset-11 models
        {"tf_crop_and_resize", CoordMode::TfCropAndResize},
    };
    const std::string m = ctx.attrString("coordinate_transformation_mode", "half_pixel");
    for (const auto& [name, mode] : kModes)
        if (m == name) return mode;
    return ctx.error("unsupported coordinate_transformation_mode '" + m + "'");
}

Expected<NearestMode> parseNearestMode(const KernelContext& ctx) {
    static const std::pair<const char*, NearestMode> kModes[] = {
        {"round_prefer_floor", NearestMode::RoundPreferFloor},
        {"round_prefer_ceil", NearestMode::RoundPreferCeil},
        {"floor", NearestMode::Floor},
        {"ceil", NearestMode::Ceil},
    };
    const std::string m = ctx.attrString("nearest_mode", "round_prefer_floor");
    for (const auto& [name, mode] : kModes)
        if (m == name) return mode;
    return ctx.error("unsupported nearest_mode '" + m + "'");
}

// An optional input counts as given when present and non-empty (opset 11 passes empty tensors
// for the unused one of scales/sizes).
bool nonEmptyInput(const KernelContext& ctx, int i) {
    return ctx.hasInput(i) && ctx.input(i).numel() > 0;
}

// A small floating-point input (scales, roi) as doubles.
Expected<std::vector<double>> floatInput(const KernelContext& ctx, int index, const char* what) {
    const HostTensor& t = ctx.input(index);
    if (!isFloatingPoint(t.dtype()))
        return ctx.error(std::string(what) + " must be a floating-point tensor, got " + dataTypeName(t.dtype()));
    std::vector<double> v(size_t(t.numel()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.getDouble(int64_t(i));
    return v;
}

// Sets scales (one per axis of X) and output dims = floor(input dims * scales).
Status setScales(const KernelContext& ctx, ResizePlan& p, const std::vector<double>& scales) {
    if (scales.size() != p.inDims.size())
        return ctx.error("scales has " + std::to_string(scales.size()) + " values, expected one per axis of X (" +
                         std::to_string(p.inDims.size()) + ")");
    p.scales = scales;
    p.outDims.resize(scales.size());
    for (size_t a = 0; a < scales.size(); ++a) {
        if (!(scales[a] > 0) || !std::isfinite(scales[a]))
            return ctx.error("scales must be positive and finite, got " + std::to_string(scales[a]));
        p.outDims[a] = int64_t(std::floor(double(p.inDims[a]) * scales[a]));
    }
    return Status::ok();
}

// Resize-11+: output from sizes, for the given axes, with keep_aspect_ratio_policy (opset 18):
//   stretch: scale[a] = sizes[a] / in[a];  not_larger/not_smaller: one scale, the min/max of
//   those, and out[a] = round(scale * in[a]).
Status setSizes(const KernelContext& ctx, ResizePlan& p, const std::vector<int>& axes) {
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, intsFromInput(ctx, 3, {}));
    if (sizes.size() != axes.size())
        return ctx.error("sizes has " + std::to_string(sizes.size()) + " values, expected " +
                         std::to_string(axes.size()));
    const std::string policy = ctx.opset() >= 18 ? ctx.attrString("keep_aspect_ratio_policy", "stretch") : "stretch";
    if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
        return ctx.error("unsupported keep_aspect_ratio_policy '" + policy + "'");
    double common = policy == "not_larger" ? INFINITY : 0.0;
    for (size_t i = 0; i < axes.size(); ++i) {
        if (sizes[i] < 0) return ctx.error("sizes must be non-negative, got " + std::to_string(sizes[i]));
        const double s = double(sizes[i]) / double(p.inDims[size_t(axes[i])]);
        common = policy == "not_larger" ? std::min(common, s) : std::max(common, s);
    }
    for (size_t i = 0; i < axes.size(); ++i) {
        const size_t a = size_t(axes[i]);
        if (policy == "stretch") {
            p.scales[a] = double(sizes[i]) / double(p.inDims[a]);
            p.outDims[a] = sizes[i];
        } else {
            p.scales[a] = common;
            p.outDims[a] = int64_t(std::nearbyint(common * double(p.inDims[a])));
        }
    }
    return Status::ok();
}

// tf_crop_and_resize's roi: [start_0, ..., start_k, end_0, ..., end_k] over the axes.
Status setRoi(const KernelContext& ctx, ResizePlan& p, const std::vector<int>& axes) {
    p.roiStart.assign(p.inDims.size(), 0.0);
    p.roiEnd.assign(p.inDims.size(), 1.0);
    if (p.coord != CoordMode::TfCropAndResize || !nonEmptyInput(ctx, 1)) return Status::ok();
    KILN_ASSIGN_OR_RETURN(std::vector<double> roi, floatInput(ctx, 1, "roi"));
    if (roi.size() != 2 * axes.size())
        return ctx.error("roi has " + std::to_string(roi.size()) + " values, expected " +
                         std::to_string(2 * axes.size()));
    for (size_t i = 0; i < axes.size(); ++i) {
        p.roiStart[size_t(axes[i])] = roi[i];
        p.roiEnd[size_t(axes[i])] = roi[axes.size() + i];
    }
    return Status::ok();
}

// Resize-11+: X, roi, scales, sizes (exactly one of scales/sizes), attributes.
Status planResize11(const KernelContext& ctx, ResizePlan& p) {
    KILN_ASSIGN_OR_RETURN(p.mode, parseMode(ctx, true));
    KILN_ASSIGN_OR_RETURN(p.coord, parseCoordMode(ctx));
    KILN_ASSIGN_OR_RETURN(p.nearest, parseNearestMode(ctx));
    p.cubicA = ctx.attrFloat("cubic_coeff_a", -0.75f);
    p.excludeOutside = ctx.attrInt("exclude_outside", 0) != 0;
    p.extrapolation = ctx.attrFloat("extrapolation_value", 0.0f);
    const int rank = int(p.inDims.size());
    std::vector<int> axes;
    if (ctx.opset() >= 18 && ctx.hasAttr("axes")) {
        KILN_ASSIGN_OR_RETURN(axes, normalizeAxes(ctx, ctx.attrInts("axes"), rank));
    } else {
        for (int a = 0; a < rank; ++a) axes.push_back(a);
    }
    const bool hasScales = nonEmptyInput(ctx, 2), hasSizes = nonEmptyInput(ctx, 3);
    if (hasScales == hasSizes) return ctx.error("exactly one of the inputs scales and sizes must be given");
    p.scales.assign(size_t(rank), 1.0);
    p.outDims = p.inDims;
    if (hasScales) {
        KILN_ASSIGN_OR_RETURN(std::vector<double> given, floatInput(ctx, 2, "scales"));
        if (given.size() != axes.size())
            return ctx.error("scales has " + std::to_string(given.size()) + " values, expected " +
                             std::to_string(axes.size()));
        std::vector<double> all(size_t(rank), 1.0);
        for (size_t i = 0; i < axes.size(); ++i) all[size_t(axes[i])] = given[i];
        KILN_RETURN_IF_ERROR(setScales(ctx, p, all));
    } else {
        KILN_RETURN_IF_ERROR(setSizes(ctx, p, axes));
    }
    if (ctx.attrInt("antialias", 0) != 0 && p.mode != ResizeMode::Nearest)
        for (double s : p.scales)
            if (s < 1) return ctx.error("antialias=1 when downsampling is not supported", StatusCode::Unsupported);
    return setRoi(ctx, p, axes);
}

// Resize-10 and Upsample: asymmetric coordinates (x_original = x / scale), nearest or linear,
// nearest rounding as NearestMode::Simple.
Status planLegacy(const KernelContext& ctx, ResizePlan& p, const std::vector<double>& scales) {
    KILN_ASSIGN_OR_RETURN(p.mode, parseMode(ctx, false));
    p.coord = CoordMode::Asymmetric;
    p.nearest = NearestMode::Simple;
    return setScales(ctx, p, scales);
}

}  // namespace

Status resizeKernel(KernelContext& ctx) {
    ResizePlan p;
    p.inDims = ctx.input(0).dims();
    if (ctx.opset() >= 11) {
        KILN_RETURN_IF_ERROR(planResize11(ctx, p));
    } else {
        if (!ctx.hasInput(1)) return ctx.error("Resize-10 needs the scales input");
        KILN_ASSIGN_OR_RETURN(std::vector<double> scales, floatInput(ctx, 1, "scales"));
        KILN_RETURN_IF_ERROR(planLegacy(ctx, p, scales));
    }
    return runResize(ctx, p);
}

// Upsample scales: opset < 7 height_scale/width_scale of a 4-D X, opset 7-8 the attribute
// scales, opset 9 the input scales. Every scale must be >= 1.
Status upsampleKernel(KernelContext& ctx) {
    ResizePlan p;
    p.inDims = ctx.input(0).dims();
    std::vector<double> scales;
    if (ctx.opset() >= 9) {
        if (!ctx.hasInput(1)) return ctx.error("Upsample-9 needs the scales input");
        KILN_ASSIGN_OR_RETURN(scales, floatInput(ctx, 1, "scales"));
    } else if (ctx.opset() >= 7) {
        for (float s : ctx.attrFloats("scales")) scales.push_back(s);
    } else {
        if (p.inDims.size() != 4) return ctx.error("Upsample-1 needs a 4-D input");
        scales = {1.0, 1.0, ctx.attrFloat("height_scale", 1.0f), ctx.attrFloat("width_scale", 1.0f)};
    }
    for (double s : scales)
        if (s < 1) return ctx.error("Upsample scales must be >= 1, got " + std::to_string(s));
    KILN_RETURN_IF_ERROR(planLegacy(ctx, p, scales));
    return runResize(ctx, p);
}

void registerResizeOps(OpRegistry& r) {
    r.add(OpDef{.opType = "Resize", .domain = "", .minOpset = 10, .requiredInputs = 1, .kernel = resizeKernel});
    r.add("Upsample", upsampleKernel, 1);
    r.add("DepthToSpace", depthToSpaceKernel, 1);
    r.add("SpaceToDepth", spaceToDepthKernel, 1);
}

}  // namespace kiln::ops
