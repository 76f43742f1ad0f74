// MaxPool, AveragePool (1-3 spatial axes), GlobalAveragePool and GlobalMaxPool on the GPU, NCHW;
// NHWC layers (kiln_layout, layout_nhwc.h) pool through cuDNN (pool_cudnn.cpp) or, global pooling,
// as a reduction over the middle axis of [N, H * W, C].
#include <algorithm>
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layout_nhwc.h"
#include "backends/cuda/own_kernels.h"
#include "backends/cuda/pool_cudnn.h"
#include "ops/conv_internal.h"

namespace kiln::cuda {

namespace {

// X [N, C, D...] -> Y [N, C, O...]. The attributes are read (and checked) with the CPU
// reference's readers in prepare; the output sizes come with the launch, and auto_pad SAME_*
// pads are derived from them as in ops::computeForwardOutput.
class PoolKernel final : public LayerKernel {
public:
    explicit PoolKernel(bool isMax) : m_isMax(isMax) {}

    Status prepare(const PrepareArgs& args) override {
        std::vector<HostTensor> noOutputs;
        const ops::KernelContext ctx(args.node, {}, noOutputs);
        ops::SpatialGeometry g;
        const std::vector<int64_t>& x = args.shapes.inputs[0];
        g.inDims.assign(x.begin() + 2, x.end());
        if (!args.node.hasAttr("kernel_shape")) return ctx.error("the kernel_shape attribute is required");
        g.kernel = args.node.attrInts("kernel_shape");
        if (g.kernel.size() != g.inDims.size())
            return ctx.error("kernel_shape has " + std::to_string(g.kernel.size()) + " values but X has " +
                             std::to_string(g.inDims.size()) + " spatial axes");
        KILN_RETURN_IF_ERROR(ops::readWindowAttrs(ctx, g));
        KILN_ASSIGN_OR_RETURN(m_autoPad, ops::readAutoPad(ctx));
        m_geometry = g;
        m_countIncludePad = args.node.attrInt("count_include_pad", 0) != 0;
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const DeviceOutput& y = args.outputs[0];
        const int axes = int(x.dims.size()) - 2;
        if (axes != m_geometry.rank() || y.dims.size() != x.dims.size())
            return invalidArgument("pooling input rank changed since the layer was built");
        own::PoolParams p;
        p.planes = x.dims[0] * x.dims[1];
        p.isMax = m_isMax;
        p.countIncludePad = m_countIncludePad;
        const ops::SpatialGeometry& g = m_geometry;
        for (int i = 0; i < axes; ++i) {
            const size_t a = size_t(i);
            const int slot = own::kMaxPoolAxes - axes + i;  // right-aligned in the three kernel axes
            const int64_t in = x.dims[a + 2], out = y.dims[a + 2];
            int64_t padBegin = g.padBegin[a], padEnd = g.padEnd[a];
            if (m_autoPad == ops::AutoPad::Valid) {
                padBegin = padEnd = 0;
            } else if (m_autoPad == ops::AutoPad::SameUpper || m_autoPad == ops::AutoPad::SameLower) {
                const int64_t total = std::max<int64_t>(0, (out - 1) * g.strides[a] + g.dilatedKernel(i) - in);
                const int64_t small = total / 2, large = total - small;
                padBegin = m_autoPad == ops::AutoPad::SameUpper ? small : large;
                padEnd = total - padBegin;
            }
            p.in[slot] = int(in);
            p.out[slot] = int(out);
            p.kernel[slot] = int(g.kernel[a]);
            p.stride[slot] = int(g.strides[a]);
            p.dilation[slot] = int(g.dilations[a]);
            p.padBegin[slot] = int(padBegin);
            p.padEnd[slot] = int(padEnd);
        }
        KILN_CUDA_RETURN_IF_ERROR(own::launchPool(p, x.type, x.data, y.data, args.stream));
        return Status::ok();
    }

private:
    bool m_isMax;
    bool m_countIncludePad = false;
    ops::AutoPad m_autoPad = ops::AutoPad::NotSet;
    ops::SpatialGeometry m_geometry;
};

// Y [N, C, 1, ...] = mean or max over each (n, c) plane: a row reduction. NHWC: Y [N, 1, 1, C]
// reduces the middle axis of [N, H * W, C].
class GlobalPoolKernel final : public LayerKernel {
public:
    GlobalPoolKernel(own::ReduceOp op, bool nhwc) : m_op(op), m_nhwc(nhwc) {}
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const int64_t outer = m_nhwc ? x.dims[0] : x.dims[0] * x.dims[1];
        const int64_t len = m_nhwc ? x.dims[1] * x.dims[2] : own::product(x.dims, 2);
        const int64_t inner = m_nhwc ? x.dims[3] : 1;
        KILN_CUDA_RETURN_IF_ERROR(own::launchReduceAxis(m_op, x.type, x.data, args.outputs[0].data, outer, len, inner,
                                                        args.stream));
        return Status::ok();
    }

private:
    own::ReduceOp m_op;
    bool m_nhwc;
};

Expected<std::vector<Tactic>> poolTactics(const TacticQuery& q, bool isMax) {
    if (isNhwcLayer(q.node)) return cudnnNhwcPoolTactics(q);
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "X"));
    const size_t rank = q.shapes.inputs[0].size();
    if (rank < 3 || rank > size_t(2 + own::kMaxPoolAxes))
        return unsupported("pooling over " + std::to_string(int(rank) - 2) +
                           " spatial axes is not implemented on CUDA (1 to 3 are)");
    if (isMax && q.node.output(1))
        return unsupported("MaxPool's Indices output is not implemented on CUDA");
    return std::vector<Tactic>{own::makeTactic<PoolKernel>("kiln.pool", isMax)};
}

Expected<std::vector<Tactic>> globalPoolTactics(const TacticQuery& q, own::ReduceOp op) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "X"));
    if (q.shapes.inputs[0].size() < 2) return unsupported("global pooling needs X of rank >= 2 ([N, C, ...])");
    const bool nhwc = isNhwcLayer(q.node);
    if (nhwc && q.shapes.inputs[0].size() != 4) return invalidModel("NHWC global pooling needs a 4-D X [N, H, W, C]");
    return std::vector<Tactic>{own::makeTactic<GlobalPoolKernel>(nhwc ? "kiln.global_pool.nhwc" : "kiln.global_pool", op, nhwc)};
}

}  // namespace

void registerOwnPoolTactics(TacticRegistry& r) {
    r.add("MaxPool", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return poolTactics(q, true); });
    r.add("AveragePool", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return poolTactics(q, false); });
    r.add("GlobalAveragePool", "", "kiln", PrecisionRule::Compute,
          [](const TacticQuery& q) { return globalPoolTactics(q, own::ReduceOp::Mean); });
    r.add("GlobalMaxPool", "", "kiln", PrecisionRule::Compute,
          [](const TacticQuery& q) { return globalPoolTactics(q, own::ReduceOp::Max); });
}

}  // namespace kiln::cuda
