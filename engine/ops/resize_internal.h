// Private to the resize family (resize*.cpp): the resampling plan shared by Resize and Upsample,
// and the kernels registered by registerResizeOps.
#pragma once

#include <vector>

#include "ops/common.h"

namespace kiln::ops {

Status resizeKernel(KernelContext& ctx);
Status upsampleKernel(KernelContext& ctx);
Status depthToSpaceKernel(KernelContext& ctx);
Status spaceToDepthKernel(KernelContext& ctx);

enum class ResizeMode { Nearest, Linear, Cubic };

// coordinate_transformation_mode: how an output coordinate maps back to the input.
enum class CoordMode {
    HalfPixel,
    HalfPixelSymmetric,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TfHalfPixelForNearest,
    TfCropAndResize,
};

// nearest_mode; Simple is the rule of Resize-10 and Upsample, which have no nearest_mode:
// ceil when downsampling an axis, floor otherwise (as ONNX Runtime does).
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Simple };

// Everything the resampling needs, decided from the attributes and inputs. Per-axis vectors
// have one entry per axis of X.
struct ResizePlan {
    ResizeMode mode = ResizeMode::Nearest;
    CoordMode coord = CoordMode::HalfPixel;
    NearestMode nearest = NearestMode::RoundPreferFloor;
    double cubicA = -0.75;
    bool excludeOutside = false;
    double extrapolation = 0.0;         // tf_crop_and_resize, outside the input
    std::vector<int64_t> inDims, outDims;
    std::vector<double> scales;         // output / input, as given (or derived from sizes)
    std::vector<double> roiStart, roiEnd;  // normalized crop box, tf_crop_and_resize only
};

// Resamples X (input 0) into output 0 as the plan says. Nearest works on every element type;
// linear and cubic on floating-point and integer types (integers rounded and saturated).
Status runResize(KernelContext& ctx, const ResizePlan& plan);

// Calls f.template operator()<U>() with U an unsigned integer as wide as an element of type t:
// pure data movement (gather, transpose) does not need to know more about the element.
template <typename F>
Status dispatchBySize(const KernelContext& ctx, DataType t, F&& f) {
    switch (dataTypeSize(t)) {
    case 1: return f.template operator()<uint8_t>();
    case 2: return f.template operator()<uint16_t>();
    case 4: return f.template operator()<uint32_t>();
    case 8: return f.template operator()<uint64_t>();
    default: return ctx.error(std::string("data type ") + dataTypeName(t) + " is not supported here", StatusCode::Unsupported);
    }
}

}  // namespace kiln::ops
