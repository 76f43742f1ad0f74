// MaxUnpool (the partial inverse of MaxPool) and MaxRoiPool (max pooling over regions).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"

namespace kiln::ops {
namespace {

// Default MaxUnpool output: O = (D - 1) * s + k - pb - pe.
Expected<std::vector<int64_t>> unpoolOutputDims(const KernelContext& ctx, const HostTensor& x) {
    SpatialGeometry g;
    g.inDims.assign(x.dims().begin() + 2, x.dims().end());
    if (!ctx.hasAttr("kernel_shape")) return ctx.error("the kernel_shape attribute is required");
    g.kernel = ctx.attrInts("kernel_shape");
    if (g.kernel.size() != g.inDims.size())
        return ctx.error("kernel_shape must have one value per spatial axis of X");
    KILN_RETURN_IF_ERROR(readWindowAttrs(ctx, g));
    std::vector<int64_t> dims = {x.dim(0), x.dim(1)};
    for (size_t i = 0; i < g.inDims.size(); ++i) {
        const int64_t o = (g.inDims[i] - 1) * g.strides[i] + g.kernel[i] - g.padBegin[i] - g.padEnd[i];
        if (o < 0) return ctx.error("the pads exceed the output size on spatial axis " + std::to_string(i));
        dims.push_back(o);
    }
    return dims;
}

}  // namespace

// Re-expresses index (flat over fromDims) as flat over toDims, coordinate by coordinate; -1 when
// a coordinate falls outside toDims.
static int64_t reindex(int64_t index, const std::vector<int64_t>& fromDims, const std::vector<int64_t>& toDims) {
    int64_t result = 0, toStride = 1;
    for (size_t i = fromDims.size(); i-- > 0;) {
        const int64_t c = index % fromDims[i];
        index /= fromDims[i];
        if (c >= toDims[i]) return -1;
        result += c * toStride;
        toStride *= toDims[i];
    }
    return result;
}

// Y = zeros(output dims); Y[idx(I[j])] = X.flat[j]. I holds flattened indices into the default
// output [N, C, (D - 1) * s + k - pb - pe], as MaxPool produces them; with output_shape each index
// keeps its coordinates in the larger output.
//   X [N, C, D1..Dn], I [N, C, D1..Dn] (int64), output_shape? -> Y [N, C, O1..On]
Status maxUnpoolKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& ind = ctx.input(1);
    KILN_RETURN_IF_ERROR(checkSpatialInput(ctx, x, "input X"));
    if (ind.dtype() != DataType::Int64) return ctx.error("indices I must be int64");
    if (ind.dims() != x.dims()) return ctx.error("indices I must have the shape of X");
    KILN_ASSIGN_OR_RETURN(const std::vector<int64_t> defaultDims, unpoolOutputDims(ctx, x));
    std::vector<int64_t> dims = defaultDims;
    if (ctx.hasInput(2)) {
        KILN_ASSIGN_OR_RETURN(dims, ctx.input(2).toInt64Vector());
        if (int(dims.size()) != x.rank()) return ctx.error("output_shape must have one value per axis of X");
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), dims));
    const int64_t defaultNumel = product(defaultDims);
    std::vector<int64_t> target(size_t(ind.numel()));
    for (int64_t j = 0; j < ind.numel(); ++j) {
        const int64_t i = ind.data<int64_t>()[j];
        target[size_t(j)] = i < 0 || i >= defaultNumel ? -1 : dims == defaultDims ? i : reindex(i, defaultDims, dims);
        if (target[size_t(j)] < 0)
            return ctx.error("index " + std::to_string(i) + " in I is outside the output");
    }
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const T* px = x.data<T>();
        T* py = y->data<T>();
        for (int64_t j = 0; j < x.numel(); ++j) py[target[size_t(j)]] = px[j];
        return Status::ok();
    });
}

// Caffe-style ROI max pooling. Each roi (batch, x1, y1, x2, y2) is scaled by spatial_scale and
// rounded; bin (i, j) of a roi of size h x w covers rows [floor(i * h / ph), ceil((i + 1) * h / ph))
// (likewise columns) offset by the roi start and clipped to the input; an empty bin gives 0.
//   X [N, C, H, W], rois [R, 5] -> Y [R, C, ph, pw]
Status maxRoiPoolKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& rois = ctx.input(1);
    if (x.rank() != 4) return ctx.error("input X must have rank 4 ([N, C, H, W])");
    if (rois.rank() != 2 || rois.dim(1) != 5 || rois.dtype() != x.dtype())
        return ctx.error("rois must be [num_rois, 5] of the type of X");
    const std::vector<int64_t> pooled = ctx.attrInts("pooled_shape");
    if (pooled.size() != 2 || pooled[0] < 1 || pooled[1] < 1)
        return ctx.error("pooled_shape must hold two positive values");
    const float scale = ctx.attrFloat("spatial_scale", 1.0f);
    const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), R = rois.dim(0);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), {R, C, pooled[0], pooled[1]}));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = AccType<T>;
        T* py = y->data<T>();
        for (int64_t r = 0; r < R; ++r) {
            const T* roi = rois.data<T>() + r * 5;
            for (int i = 0; i < 5; ++i)
                if (!std::isfinite(float(roi[i])) || std::abs(float(roi[i]) * (i ? scale : 1.0f)) > 1e9f)
                    return ctx.error("roi " + std::to_string(r) + " has a non-finite or huge coordinate");
            const int64_t batch = int64_t(float(roi[0]));
            if (batch < 0 || batch >= N) return ctx.error("roi batch index out of range");
            const int64_t x1 = std::lround(float(roi[1]) * scale), y1 = std::lround(float(roi[2]) * scale);
            const int64_t x2 = std::lround(float(roi[3]) * scale), y2 = std::lround(float(roi[4]) * scale);
            const float binH = float(std::max<int64_t>(y2 - y1 + 1, 1)) / float(pooled[0]);
            const float binW = float(std::max<int64_t>(x2 - x1 + 1, 1)) / float(pooled[1]);
            for (int64_t c = 0; c < C; ++c) {
                const T* plane = x.data<T>() + (batch * C + c) * H * W;
                for (int64_t i = 0; i < pooled[0]; ++i) {
                    const int64_t h0 = std::clamp<int64_t>(int64_t(std::floor(i * binH)) + y1, 0, H);
                    const int64_t h1 = std::clamp<int64_t>(int64_t(std::ceil((i + 1) * binH)) + y1, 0, H);
                    for (int64_t j = 0; j < pooled[1]; ++j) {
                        const int64_t w0 = std::clamp<int64_t>(int64_t(std::floor(j * binW)) + x1, 0, W);
                        const int64_t w1 = std::clamp<int64_t>(int64_t(std::ceil((j + 1) * binW)) + x1, 0, W);
                        A best = (h1 <= h0 || w1 <= w0) ? A(0) : A(plane[h0 * W + w0]);
                        for (int64_t h = h0; h < h1; ++h)
                            for (int64_t w = w0; w < w1; ++w) best = std::max(best, A(plane[h * W + w]));
                        *py++ = T(best);
                    }
                }
            }
        }
        return Status::ok();
    });
}

}  // namespace kiln::ops
