// Window geometry shared by Conv, ConvTranspose and the pooling ops: kernel, strides,
// dilations, pads and output sizes along the spatial axes (all axes after N and C).
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op_registry.h"

namespace kiln::ops {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };

struct SpatialGeometry {
    std::vector<int64_t> inDims;     // spatial input sizes  [D1, ..., Dn]
    std::vector<int64_t> kernel;     // [k1, ..., kn]
    std::vector<int64_t> strides;    // default 1
    std::vector<int64_t> dilations;  // default 1
    std::vector<int64_t> padBegin;   // pads[0 .. n)
    std::vector<int64_t> padEnd;     // pads[n .. 2n)
    std::vector<int64_t> outDims;    // spatial output sizes

    int rank() const { return static_cast<int>(inDims.size()); }
    // Extent of the kernel once dilated: (k - 1) * d + 1.
    int64_t dilatedKernel(int i) const { return (kernel[size_t(i)] - 1) * dilations[size_t(i)] + 1; }
};

// Product of dims[from ..].
int64_t product(const std::vector<int64_t>& dims, size_t from = 0);

// The auto_pad attribute (NOTSET, SAME_UPPER, SAME_LOWER, VALID).
Expected<AutoPad> readAutoPad(const KernelContext& ctx);

// Fills strides, dilations and pads of g (g.inDims and g.kernel already set) from the node's
// attributes, checking their lengths and signs. Pads are read even under auto_pad; the callers
// overwrite them when auto_pad is not NOTSET.
Status readWindowAttrs(const KernelContext& ctx, SpatialGeometry& g);

// Conv / pooling output size, resolving auto_pad into explicit pads:
//   NOTSET/VALID: out = floor((in + pb + pe - dk) / s) + 1   (ceil instead of floor in ceil_mode,
//                 dropping a last window that would start in the end padding)
//   SAME_*:       out = ceil(in / s), total pad = max(0, (out - 1) * s + dk - in), the odd unit
//                 at the end (SAME_UPPER) or at the beginning (SAME_LOWER)
Status computeForwardOutput(const KernelContext& ctx, SpatialGeometry& g, AutoPad autoPad, bool ceilMode);

// Checks the common [N, C, D1, ..., Dn] input layout (n >= 1) of conv and pooling inputs.
Status checkSpatialInput(const KernelContext& ctx, const HostTensor& x, const char* what);
// Conv and ConvTranspose operands: X is [N, C, spatial...], W has X's rank, X/W/B share a type.
Status checkConvOperands(const KernelContext& ctx, const HostTensor& x, const HostTensor& w, const HostTensor* b);
// X's spatial dims and W's kernel into g (checked against kernel_shape), then the window
// attributes (strides, pads, dilations).
Status readConvWindow(const KernelContext& ctx, const HostTensor& x, const HostTensor& w, SpatialGeometry& g);

// Conv's operand sizes: X [N, C, D...], W [M, C / group, k...], Y [N, M, O...].
struct ConvShape {
    int64_t N = 0, C = 0, M = 0, group = 1;
    SpatialGeometry g;
    int64_t cPerGroup() const { return C / group; }
    int64_t mPerGroup() const { return M / group; }
};

struct Epilogue;

// Conv in float (conv_gemm.cpp): im2col into the blocked GEMM per batch index and group, a
// direct loop for depthwise 2-D; bias (optional, [M]) and ep applied as each block finishes.
// y must not overlap ep.residual.
void convFloat(const float* x, const float* w, const float* bias, const ConvShape& s, const Epilogue& ep, float* y);

// Conv / ConvTranspose of ctx's inputs X, W, B? (0..2) into output 0, every output element
// passed through ep (see fused_epilogue.h): the kernels of Conv and ConvTranspose (identity
// epilogue) and of kiln.FusedConv / kiln.FusedConvTranspose (fused.cpp).
Status convWithEpilogue(KernelContext& ctx, const Epilogue& ep);           // conv.cpp
Status convTransposeWithEpilogue(KernelContext& ctx, const Epilogue& ep);  // conv_transpose.cpp

// Kernels defined in their own files and registered by registerConvOps / registerPoolOps.
Status convTransposeKernel(KernelContext& ctx);   // conv_transpose.cpp
Status globalAveragePoolKernel(KernelContext& ctx);  // pool_global.cpp
Status globalMaxPoolKernel(KernelContext& ctx);
Status globalLpPoolKernel(KernelContext& ctx);
Status maxUnpoolKernel(KernelContext& ctx);          // pool_unpool.cpp
Status maxRoiPoolKernel(KernelContext& ctx);         // pool_unpool.cpp

// The LpPool / GlobalLpPool exponent p: a float attribute in opset 1, an int from opset 2.
float lpPoolExponent(const KernelContext& ctx);

}  // namespace kiln::ops
