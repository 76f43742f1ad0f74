// Attribute reading and output-size rules shared by Conv, ConvTranspose and the pools.
#include <algorithm>
#include <string>

#include "ops/conv_internal.h"

namespace kiln::ops {

int64_t product(const std::vector<int64_t>& dims, size_t from) {
    int64_t p = 1;
    for (size_t i = from; i < dims.size(); ++i) p *= dims[i];
    return p;
}

Expected<AutoPad> readAutoPad(const KernelContext& ctx) {
    const std::string s = ctx.attrString("auto_pad", "NOTSET");
    if (s == "NOTSET") return AutoPad::NotSet;
    if (s == "SAME_UPPER") return AutoPad::SameUpper;
    if (s == "SAME_LOWER") return AutoPad::SameLower;
    if (s == "VALID") return AutoPad::Valid;
    return ctx.error("unknown auto_pad '" + s + "' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)");
}

static Status readPerAxis(const KernelContext& ctx, const char* name, size_t n, int64_t def, int64_t minValue,
                          std::vector<int64_t>& out) {
    out = ctx.attrInts(name, std::vector<int64_t>(n, def));
    if (out.size() != n)
        return ctx.error(std::string(name) + " has " + std::to_string(out.size()) + " values, expected " +
                         std::to_string(n) + " (one per spatial axis)");
    for (int64_t v : out)
        if (v < minValue)
            return ctx.error(std::string(name) + " must be >= " + std::to_string(minValue) + ", got " +
                             std::to_string(v));
    return Status::ok();
}

Status readWindowAttrs(const KernelContext& ctx, SpatialGeometry& g) {
    const size_t n = g.inDims.size();
    KILN_RETURN_IF_ERROR(readPerAxis(ctx, "strides", n, 1, 1, g.strides));
    KILN_RETURN_IF_ERROR(readPerAxis(ctx, "dilations", n, 1, 1, g.dilations));
    std::vector<int64_t> pads;
    KILN_RETURN_IF_ERROR(readPerAxis(ctx, "pads", 2 * n, 0, 0, pads));
    g.padBegin.assign(pads.begin(), pads.begin() + long(n));
    g.padEnd.assign(pads.begin() + long(n), pads.end());
    return Status::ok();
}

Status computeForwardOutput(const KernelContext& ctx, SpatialGeometry& g, AutoPad autoPad, bool ceilMode) {
    const int n = g.rank();
    g.outDims.assign(size_t(n), 0);
    for (int i = 0; i < n; ++i) {
        const size_t a = size_t(i);
        const int64_t in = g.inDims[a], s = g.strides[a], dk = g.dilatedKernel(i);
        if (autoPad == AutoPad::SameUpper || autoPad == AutoPad::SameLower) {
            const int64_t out = (in + s - 1) / s;
            const int64_t total = std::max<int64_t>(0, (out - 1) * s + dk - in);
            const int64_t small = total / 2, large = total - small;
            g.padBegin[a] = autoPad == AutoPad::SameUpper ? small : large;
            g.padEnd[a] = autoPad == AutoPad::SameUpper ? large : small;
            g.outDims[a] = out;
            continue;
        }
        if (autoPad == AutoPad::Valid) g.padBegin[a] = g.padEnd[a] = 0;
        const int64_t span = in + g.padBegin[a] + g.padEnd[a] - dk;
        if (span < 0)
            return ctx.error("kernel extent " + std::to_string(dk) + " on spatial axis " + std::to_string(i) +
                             " exceeds the padded input size " + std::to_string(in + g.padBegin[a] + g.padEnd[a]));
        int64_t out = (ceilMode ? (span + s - 1) / s : span / s) + 1;
        // In ceil mode the last window must start inside the input or its begin padding.
        if (ceilMode && (out - 1) * s >= in + g.padBegin[a]) --out;
        g.outDims[a] = out;
    }
    return Status::ok();
}

Status checkSpatialInput(const KernelContext& ctx, const HostTensor& x, const char* what) {
    if (x.rank() < 3)
        return ctx.error(std::string(what) + " must have rank >= 3 ([N, C, D1, ...]), got rank " +
                         std::to_string(x.rank()));
    return Status::ok();
}

Status checkConvOperands(const KernelContext& ctx, const HostTensor& x, const HostTensor& w, const HostTensor* b) {
    KILN_RETURN_IF_ERROR(checkSpatialInput(ctx, x, "input X"));
    if (w.rank() != x.rank())
        return ctx.error("W has rank " + std::to_string(w.rank()) + " but X has rank " + std::to_string(x.rank()));
    if (w.dtype() != x.dtype() || (b && b->dtype() != x.dtype()))
        return ctx.error("X, W and B must have the same data type");
    return Status::ok();
}

Status readConvWindow(const KernelContext& ctx, const HostTensor& x, const HostTensor& w, SpatialGeometry& g) {
    g.inDims.assign(x.dims().begin() + 2, x.dims().end());
    g.kernel.assign(w.dims().begin() + 2, w.dims().end());
    if (ctx.hasAttr("kernel_shape") && ctx.attrInts("kernel_shape") != g.kernel)
        return ctx.error("kernel_shape attribute does not match the spatial dims of W");
    for (int64_t k : g.kernel)
        if (k < 1) return ctx.error("W has an empty spatial dim");
    KILN_RETURN_IF_ERROR(readWindowAttrs(ctx, g));
    return Status::ok();
}

}  // namespace kiln::ops
