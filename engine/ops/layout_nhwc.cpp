// kiln_layout = "NHWC": set by the CUDA backend's layout pass (backends/cuda/layout_nhwc.cpp) on
// the layers whose meaning depends on the layout; their 4-D activations are [N, H, W, C] instead
// of ONNX's [N, C, H, W] (weights keep their ONNX layout: W [M, C / group, kH, kW], B [M]). The
// reference runs such a layer through its own kernel between transposes:
//   Y = nhwc(kernel(nchw(X), ...))   nchw = Transpose [0, 3, 1, 2], nhwc = Transpose [0, 2, 3, 1]
// for X (and kiln.FusedConv's residual) and every 4-D output. Without the attribute (or with
// "NCHW") the kernel runs unchanged.
#include <array>
#include <string>
#include <vector>

#include "ops/op_registry.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

namespace {

using Perm = std::array<int, 4>;
constexpr Perm kToNchw{0, 3, 1, 2};
constexpr Perm kToNhwc{0, 2, 3, 1};

std::vector<int64_t> permutedDims(const std::vector<int64_t>& dims, const Perm& p) {
    return {dims[size_t(p[0])], dims[size_t(p[1])], dims[size_t(p[2])], dims[size_t(p[3])]};
}

// dst = Transpose(src, perm); dst already has the permuted dims.
void transposeInto(const HostTensor& src, HostTensor& dst, const Perm& perm) {
    const std::vector<int64_t> inStrides = contiguousStrides(src.dims());
    std::vector<int64_t> srcStrides;
    for (int a : perm) srcStrides.push_back(inStrides[size_t(a)]);
    copyStrided(dst.dims(), bytesOf(dst), contiguousStrides(dst.dims()), bytesOf(src), srcStrides,
                dataTypeSize(src.dtype()));
}

// The kernel, made to read and write NHWC when the node says so. `layoutInputs` are the inputs
// that are activations in the node's layout.
KernelFn nhwcAware(KernelFn kernel, std::vector<int> layoutInputs) {
    return [kernel = std::move(kernel), layoutInputs = std::move(layoutInputs)](KernelContext& ctx) -> Status {
        const std::string layout = ctx.attrString("kiln_layout", "NCHW");
        if (layout == "NCHW") return kernel(ctx);
        if (layout != "NHWC") return ctx.error("unknown kiln_layout '" + layout + "' (NCHW or NHWC)");

        std::vector<HostTensor> nchw(size_t(ctx.numInputs()));
        std::vector<const HostTensor*> inputs;
        for (int i = 0; i < ctx.numInputs(); ++i) {
            const HostTensor* t = ctx.inputOrNull(i);
            if (t && std::find(layoutInputs.begin(), layoutInputs.end(), i) != layoutInputs.end()) {
                if (t->rank() != 4) return ctx.error("NHWC input " + std::to_string(i) + " must be 4-D, got " + dimsToString(t->dims()));
                HostTensor& moved = nchw[size_t(i)];
                moved = HostTensor(t->dtype(), permutedDims(t->dims(), kToNchw));
                transposeInto(*t, moved, kToNchw);
                t = &moved;
            }
            inputs.push_back(t);
        }
        std::vector<HostTensor> outputs(size_t(ctx.numOutputs()));
        KernelContext inner(ctx.node(), std::move(inputs), outputs);
        KILN_RETURN_IF_ERROR(kernel(inner));
        for (int i = 0; i < ctx.numOutputs(); ++i) {
            HostTensor& y = outputs[size_t(i)];
            if (!y.isValid()) continue;
            if (i > 0) return ctx.error("only output 0 has an NHWC form (MaxPool's Indices are NCHW positions)");
            if (y.rank() != 4) return ctx.error("the NHWC output must be 4-D, got " + dimsToString(y.dims()));
            KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(i, y.dtype(), permutedDims(y.dims(), kToNhwc)));
            transposeInto(y, *out, kToNhwc);
        }
        return Status::ok();
    };
}

}  // namespace

void registerLayoutOps(OpRegistry& r) {
    const struct {
        const char* domain;
        const char* opType;
        std::vector<int> layoutInputs;
    } layers[] = {
        {"", "Conv", {0}},        {"kiln", "FusedConv", {0, 3}},  {"", "MaxPool", {0}},
        {"", "AveragePool", {0}}, {"", "GlobalAveragePool", {0}}, {"", "GlobalMaxPool", {0}},
    };
    for (const auto& l : layers)
        r.wrapKernels(l.domain, l.opType, [&](KernelFn k) { return nhwcAware(std::move(k), l.layoutInputs); });
}

}  // namespace kiln::ops
