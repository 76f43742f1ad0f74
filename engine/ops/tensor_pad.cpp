// Pad: out.dims[a] = in.dims[a] + begin[a] + end[a] (negative pads crop). Modes:
//   constant: outside cells take the constant value
//   reflect:  mirror without repeating the edge (numpy "reflect")
//   edge:     repeat the edge element
//   wrap:     periodic (opset 19)
#include <algorithm>
#include <cstring>

#include "ops/common.h"
#include "ops/tensor_copy.h"
#include "ops/tensor_kernels.h"

namespace kiln::ops {

namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

// The source index read by output index i along one axis, or -1 for the constant value.
int64_t padSourceIndex(PadMode mode, int64_t i, int64_t begin, int64_t dim) {
    int64_t j = i - begin;
    if (j >= 0 && j < dim) return j;
    switch (mode) {
    case PadMode::Constant: return -1;
    case PadMode::Edge: return std::clamp(j, int64_t(0), dim - 1);
    case PadMode::Wrap: return ((j % dim) + dim) % dim;
    case PadMode::Reflect: {
        if (dim == 1) return 0;
        const int64_t period = 2 * (dim - 1);
        int64_t m = ((j % period) + period) % period;
        return m < dim ? m : period - m;
    }
    }
    return -1;
}

// Pads per axis as [begin..., end...] over all axes: from the attribute (before opset 11) or
// input 1, with input 3 naming the axes they apply to (opset 18).
Expected<std::vector<int64_t>> padAmounts(const KernelContext& ctx, int rank) {
    std::vector<int64_t> pads;
    std::vector<int64_t> axesIn;
    if (ctx.opset() < 11) {
        pads = ctx.attrInts("pads");
    } else {
        if (!ctx.hasInput(1)) return ctx.error("missing the pads input");
        KILN_ASSIGN_OR_RETURN(pads, intsFromInput(ctx, 1, {}));
        KILN_ASSIGN_OR_RETURN(axesIn, intsFromInput(ctx, 3, {}));
    }
    if (axesIn.empty())
        for (int a = 0; a < rank; ++a) axesIn.push_back(a);
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, axesIn, rank));
    if (pads.size() != 2 * axes.size())
        return ctx.error("pads " + dimsToString(pads) + " must have 2 values per padded axis (" +
                         std::to_string(axes.size()) + " axes)");
    std::vector<int64_t> full(2 * size_t(rank), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
        full[size_t(axes[i])] = pads[i];
        full[size_t(axes[i] + rank)] = pads[i + axes.size()];
    }
    return full;
}

// The constant as one element of the data type (zero bytes when not given).
Expected<HostTensor> padConstant(const KernelContext& ctx, DataType type) {
    if (ctx.opset() < 11) return HostTensor::scalar(type, ctx.attrFloat("value", 0.0f));
    if (!ctx.hasInput(2) || ctx.input(2).numel() == 0) return HostTensor(type, {});
    const HostTensor& v = ctx.input(2);
    if (v.dtype() != type) return ctx.error("constant_value must have the data type of the input");
    if (v.numel() != 1) return ctx.error("constant_value must hold one element");
    return v;
}

Expected<PadMode> padMode(const KernelContext& ctx) {
    const std::string mode = ctx.attrString("mode", "constant");
    if (mode == "constant") return PadMode::Constant;
    if (mode == "reflect") return PadMode::Reflect;
    if (mode == "edge") return PadMode::Edge;
    if (mode == "wrap") return PadMode::Wrap;
    return ctx.error("unknown pad mode '" + mode + "'");
}

// The output dims and, per axis, the source index of every output index (-1: constant).
struct PadPlan {
    std::vector<int64_t> dims;
    std::vector<std::vector<int64_t>> sourceOf;
};

Expected<PadPlan> planPad(const KernelContext& ctx, const std::vector<int64_t>& inDims,
                          const std::vector<int64_t>& pads, PadMode mode) {
    const size_t rank = inDims.size();
    PadPlan plan{std::vector<int64_t>(rank), std::vector<std::vector<int64_t>>(rank)};
    for (size_t a = 0; a < rank; ++a) {
        const int64_t begin = pads[a], end = pads[a + rank], dim = inDims[a];
        const int64_t outDim = dim + begin + end;
        if (outDim < 0)
            return ctx.error("pads " + dimsToString(pads) + " crop more than axis " + std::to_string(a) + " holds");
        if (dim == 0 && outDim > 0 && mode != PadMode::Constant)
            return ctx.error("cannot pad an empty axis in a mode other than constant");
        plan.dims[a] = outDim;
        for (int64_t i = 0; i < outDim; ++i) plan.sourceOf[a].push_back(padSourceIndex(mode, i, begin, dim));
    }
    return plan;
}

// Fills one output row (the last axis) from a source row: runs of consecutive source indices
// are copied at once, constant cells (source -1) filled with the value.
void fillPadRow(std::byte* dst, const std::byte* srcRow, const std::vector<int64_t>& sourceOf, const std::byte* value,
                size_t es) {
    const auto n = static_cast<int64_t>(sourceOf.size());
    for (int64_t i = 0; i < n;) {
        const int64_t s = sourceOf[size_t(i)];
        int64_t run = 1;
        if (s < 0) {
            while (i + run < n && sourceOf[size_t(i + run)] < 0) ++run;
            fillElements(dst + size_t(i) * es, run, value, es);
        } else {
            while (i + run < n && sourceOf[size_t(i + run)] == s + run) ++run;
            std::memcpy(dst + size_t(i) * es, srcRow + size_t(s) * es, size_t(run) * es);
        }
        i += run;
    }
}

}  // namespace

Status padKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const int rank = x.rank();
    KILN_ASSIGN_OR_RETURN(PadMode mode, padMode(ctx));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> pads, padAmounts(ctx, rank));
    KILN_ASSIGN_OR_RETURN(HostTensor value, padConstant(ctx, x.dtype()));

    KILN_ASSIGN_OR_RETURN(PadPlan plan, planPad(ctx, x.dims(), pads, mode));
    const std::vector<int64_t>& dims = plan.dims;
    const std::vector<std::vector<int64_t>>& sourceOf = plan.sourceOf;
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    const size_t es = dataTypeSize(x.dtype());
    if (rank == 0) {
        std::memcpy(bytesOf(*out), bytesOf(x), es);
        return Status::ok();
    }
    if (out->numel() == 0) return Status::ok();

    // One row per index of the outer output axes; a constant index on any of them makes the
    // whole row constant.
    const std::vector<int64_t> inStrides = contiguousStrides(x.dims());
    const int64_t rowLength = dims[size_t(rank - 1)];
    const int64_t rows = out->numel() / rowLength;
    std::vector<int64_t> index(size_t(rank - 1), 0);
    std::byte* dst = bytesOf(*out);
    for (int64_t r = 0; r < rows; ++r, dst += size_t(rowLength) * es) {
        int64_t srcRow = 0;
        bool constantRow = false;
        for (int a = 0; a < rank - 1 && !constantRow; ++a) {
            const int64_t s = sourceOf[size_t(a)][size_t(index[size_t(a)])];
            constantRow = s < 0;
            srcRow += s * inStrides[size_t(a)];
        }
        if (constantRow) fillElements(dst, rowLength, bytesOf(value), es);
        else fillPadRow(dst, bytesOf(x) + size_t(srcRow) * es, sourceOf[size_t(rank - 1)], bytesOf(value), es);
        for (int a = rank - 2; a >= 0; --a) {
            if (++index[size_t(a)] < dims[size_t(a)]) break;
            index[size_t(a)] = 0;
        }
    }
    return Status::ok();
}

}  // namespace kiln::ops
