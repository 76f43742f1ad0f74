// DepthToSpace and SpaceToDepth: pure rearrangements of a 4-D tensor, for every element type.
#include "ops/resize_internal.h"

namespace kiln::ops {

namespace {

// blocksize, checked positive, and X checked 4-D.
Expected<int64_t> blockSizeOf(const KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() != 4) return ctx.error("input must be 4-D [N, C, H, W], got " + dimsToString(x.dims()));
    const int64_t b = ctx.attrInt("blocksize", 0);
    if (b <= 0) return ctx.error("attribute 'blocksize' must be positive, got " + std::to_string(b));
    return b;
}

}  // namespace

// [N, C, H, W] -> [N, C / b^2, H * b, W * b]:
//   DCR (default): Y[n, c, h * b + i, w * b + j] = X[n, (i * b + j) * (C / b^2) + c, h, w]
//   CRD:           Y[n, c, h * b + i, w * b + j] = X[n, (c * b + i) * b + j, h, w]
Status depthToSpaceKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(int64_t b, blockSizeOf(ctx));
    const std::string mode = ctx.opset() >= 11 ? ctx.attrString("mode", "DCR") : "DCR";
    if (mode != "DCR" && mode != "CRD") return ctx.error("mode must be DCR or CRD, got '" + mode + "'");
    const bool crd = mode == "CRD";
    const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
    if (c % (b * b) != 0)
        return ctx.error("channels (" + std::to_string(c) + ") must be divisible by blocksize^2 (" +
                         std::to_string(b * b) + ")");
    const int64_t oc = c / (b * b), oh = h * b, ow = w * b;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), {n, oc, oh, ow}));
    return dispatchBySize(ctx, x.dtype(), [&]<typename U>() -> Status {
        const U* px = x.data<U>();
        U* py = y->data<U>();
        int64_t o = 0;
        for (int64_t ni = 0; ni < n; ++ni)
            for (int64_t ci = 0; ci < oc; ++ci)
                for (int64_t yh = 0; yh < oh; ++yh)
                    for (int64_t yw = 0; yw < ow; ++yw, ++o) {
                        const int64_t i = yh % b, j = yw % b;
                        const int64_t src = crd ? (ci * b + i) * b + j : (i * b + j) * oc + ci;
                        py[o] = px[((ni * c + src) * h + yh / b) * w + yw / b];
                    }
        return Status::ok();
    });
}

// [N, C, H, W] -> [N, C * b^2, H / b, W / b]:
//   Y[n, (i * b + j) * C + c, h, w] = X[n, c, h * b + i, w * b + j]
Status spaceToDepthKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(int64_t b, blockSizeOf(ctx));
    const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
    if (h % b != 0 || w % b != 0)
        return ctx.error("height and width (" + std::to_string(h) + ", " + std::to_string(w) +
                         ") must be divisible by blocksize (" + std::to_string(b) + ")");
    const int64_t oc = c * b * b, oh = h / b, ow = w / b;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), {n, oc, oh, ow}));
    return dispatchBySize(ctx, x.dtype(), [&]<typename U>() -> Status {
        const U* px = x.data<U>();
        U* py = y->data<U>();
        int64_t o = 0;
        for (int64_t ni = 0; ni < n; ++ni)
            for (int64_t yc = 0; yc < oc; ++yc) {
                const int64_t block = yc / c, ci = yc % c, i = block / b, j = block % b;
                for (int64_t yh = 0; yh < oh; ++yh)
                    for (int64_t yw = 0; yw < ow; ++yw, ++o)
                        py[o] = px[((ni * c + ci) * h + yh * b + i) * w + yw * b + j];
            }
        return Status::ok();
    });
}

}  // namespace kiln::ops
