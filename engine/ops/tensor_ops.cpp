// Ops that move elements: Transpose, Concat, Split, Slice, Tile (Pad, ReverseSequence and
// Compress are in tensor_pad.cpp and tensor_select.cpp). All are type-generic byte copies.
#include <algorithm>
#include <cstring>

#include "ops/common.h"
#include "ops/tensor_copy.h"
#include "ops/tensor_kernels.h"

namespace kiln::ops {

namespace {

// Transpose: out.dims[k] = in.dims[perm[k]]; perm defaults to the reversed axes.
Status transposeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const int rank = x.rank();
    std::vector<int64_t> perm = ctx.attrInts("perm");
    if (perm.empty())
        for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
    if (static_cast<int>(perm.size()) != rank)
        return ctx.error("perm " + dimsToString(perm) + " does not match rank " + std::to_string(rank));
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, perm, rank));
    const std::vector<int64_t> inStrides = contiguousStrides(x.dims());
    std::vector<int64_t> dims, srcStrides;
    for (int a : axes) {
        dims.push_back(x.dim(a));
        srcStrides.push_back(inStrides[size_t(a)]);
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    copyStrided(dims, bytesOf(*out), contiguousStrides(dims), bytesOf(x), srcStrides, dataTypeSize(x.dtype()));
    return Status::ok();
}

// Concat: inputs agree on every dim but axis; [.., a_i, ..] -> [.., sum(a_i), ..].
Status concatKernel(KernelContext& ctx) {
    const HostTensor& first = ctx.input(0);
    const int rank = first.rank();
    if (rank == 0) return ctx.error("cannot concatenate scalars");
    if (!ctx.hasAttr("axis")) return ctx.error("missing the axis attribute");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), rank));
    std::vector<int64_t> dims = first.dims();
    dims[size_t(axis)] = 0;
    for (int i = 0; i < ctx.numInputs(); ++i) {
        if (!ctx.hasInput(i)) return ctx.error("input " + std::to_string(i) + " is missing");
        const HostTensor& t = ctx.input(i);
        if (t.dtype() != first.dtype()) return ctx.error("inputs have different data types");
        bool compatible = t.rank() == rank;
        for (int d = 0; compatible && d < rank; ++d) compatible = d == axis || t.dim(d) == first.dim(d);
        if (!compatible)
            return ctx.error("cannot concatenate " + dimsToString(first.dims()) + " and " + dimsToString(t.dims()) +
                             " along axis " + std::to_string(axis));
        dims[size_t(axis)] += t.dim(axis);
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, first.dtype(), dims));
    const size_t es = dataTypeSize(first.dtype());
    const int64_t outer = dimProduct(dims, 0, size_t(axis));
    const int64_t inner = dimProduct(dims, size_t(axis) + 1, dims.size());
    const int64_t outRow = dims[size_t(axis)] * inner;
    int64_t columnOffset = 0;  // where this input's block starts inside an output row
    for (int i = 0; i < ctx.numInputs(); ++i) {
        const HostTensor& t = ctx.input(i);
        const int64_t block = t.dim(axis) * inner;
        for (int64_t o = 0; o < outer; ++o) {
            std::byte* dst = bytesOf(*out) + size_t(o * outRow + columnOffset) * es;
            const std::byte* src = bytesOf(t) + size_t(o * block) * es;
            if (dst != src) std::memcpy(dst, src, size_t(block) * es);  // equal: written in place (kiln_inplace)
        }
        columnOffset += block;
    }
    return Status::ok();
}

// The sizes Split cuts along its axis: the split input (opset 13+) or attribute, else
// numOutputs equal parts (from opset 18 the last part may be smaller).
Expected<std::vector<int64_t>> splitSizes(const KernelContext& ctx, int64_t dim) {
    std::vector<int64_t> sizes;
    if (ctx.opset() >= 13) {
        KILN_ASSIGN_OR_RETURN(sizes, intsFromInput(ctx, 1, {}));
    } else {
        sizes = ctx.attrInts("split");
    }
    const int64_t n = ctx.numOutputs();
    if (!sizes.empty()) {
        if (static_cast<int64_t>(sizes.size()) != n)
            return ctx.error("split has " + std::to_string(sizes.size()) + " sizes for " + std::to_string(n) +
                             " outputs");
        int64_t total = 0;
        for (int64_t s : sizes) {
            if (s < 0) return ctx.error("split sizes must not be negative: " + dimsToString(sizes));
            total += s;
        }
        if (total != dim)
            return ctx.error("split sizes " + dimsToString(sizes) + " do not sum to the dim " + std::to_string(dim));
        return sizes;
    }
    if (ctx.opset() >= 18 && ctx.hasAttr("num_outputs") && ctx.attrInt("num_outputs", n) != n)
        return ctx.error("num_outputs does not match the number of outputs");
    if (n <= 0) return ctx.error("Split has no outputs");
    int64_t part = dim / n;
    if (dim % n != 0) {
        if (ctx.opset() < 18)
            return ctx.error("dim " + std::to_string(dim) + " cannot be split into " + std::to_string(n) +
                             " equal parts");
        part = (dim + n - 1) / n;
    }
    for (int64_t i = 0; i < n; ++i) sizes.push_back(std::clamp(dim - i * part, int64_t(0), part));
    return sizes;
}

// Split: [.., d, ..] -> outputs [.., s_i, ..] with sum(s_i) = d.
Status splitKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() == 0) return ctx.error("cannot split a scalar");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), x.rank()));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, splitSizes(ctx, x.dim(axis)));
    const size_t es = dataTypeSize(x.dtype());
    const int64_t outer = dimProduct(x.dims(), 0, size_t(axis));
    const int64_t inner = dimProduct(x.dims(), size_t(axis) + 1, size_t(x.rank()));
    const int64_t inRow = x.dim(axis) * inner;
    int64_t columnOffset = 0;
    for (int i = 0; i < ctx.numOutputs(); ++i) {
        std::vector<int64_t> dims = x.dims();
        dims[size_t(axis)] = sizes[size_t(i)];
        KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(i, x.dtype(), dims));
        const int64_t block = sizes[size_t(i)] * inner;
        for (int64_t o = 0; o < outer; ++o) {
            std::byte* dst = bytesOf(*out) + size_t(o * block) * es;
            const std::byte* src = bytesOf(x) + size_t(o * inRow + columnOffset) * es;
            if (dst != src) std::memcpy(dst, src, size_t(block) * es);  // equal: a view (kiln_view)
        }
        columnOffset += block;
    }
    return Status::ok();
}

// Per-axis window of a Slice: first index, element count and step.
struct SliceWindow {
    std::vector<int64_t> start, count, step;
};

// Clamps one axis per the spec: negative starts/ends count from the end; for step > 0 both
// are clamped to [0, dim], for step < 0 start to [0, dim-1] and end to [-1, dim-1].
void clampSliceAxis(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t& first, int64_t& count) {
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    if (step > 0) {
        start = std::clamp(start, int64_t(0), dim);
        end = std::clamp(end, int64_t(0), dim);
        count = end > start ? (end - start + step - 1) / step : 0;
    } else {
        start = std::clamp(start, int64_t(0), dim - 1);
        end = std::clamp(end, int64_t(-1), dim - 1);
        count = start > end ? (start - end - step - 1) / -step : 0;
    }
    first = start;
}

// Slice parameters: attributes starts/ends/axes before opset 10, inputs 1-4 from opset 10.
Expected<SliceWindow> sliceWindow(const KernelContext& ctx, const std::vector<int64_t>& dims) {
    const int rank = static_cast<int>(dims.size());
    std::vector<int64_t> starts, ends, axesIn, steps;
    if (ctx.opset() < 10) {
        starts = ctx.attrInts("starts");
        ends = ctx.attrInts("ends");
        axesIn = ctx.attrInts("axes");
    } else {
        if (!ctx.hasInput(1) || !ctx.hasInput(2)) return ctx.error("missing the starts or ends input");
        KILN_ASSIGN_OR_RETURN(starts, intsFromInput(ctx, 1, {}));
        KILN_ASSIGN_OR_RETURN(ends, intsFromInput(ctx, 2, {}));
        KILN_ASSIGN_OR_RETURN(axesIn, intsFromInput(ctx, 3, {}));
        KILN_ASSIGN_OR_RETURN(steps, intsFromInput(ctx, 4, {}));
    }
    if (starts.size() != ends.size())
        return ctx.error("starts and ends have different lengths: " + dimsToString(starts) + " vs " + dimsToString(ends));
    if (axesIn.empty())
        for (size_t i = 0; i < starts.size(); ++i) axesIn.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (axesIn.size() != starts.size() || steps.size() != starts.size())
        return ctx.error("starts, ends, axes and steps must have the same length");
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, axesIn, rank));

    SliceWindow w{std::vector<int64_t>(size_t(rank), 0), dims, std::vector<int64_t>(size_t(rank), 1)};
    for (size_t i = 0; i < axes.size(); ++i) {
        const size_t a = size_t(axes[i]);
        if (steps[i] == 0) return ctx.error("slice step must not be 0");
        w.step[a] = steps[i];
        clampSliceAxis(dims[a], starts[i], ends[i], steps[i], w.start[a], w.count[a]);
    }
    return w;
}

// Slice: out[i] = in[start + i * step] along each axis.
Status sliceKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(SliceWindow w, sliceWindow(ctx, x.dims()));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), w.count));
    if (out->numel() == 0) return Status::ok();
    const size_t es = dataTypeSize(x.dtype());
    const std::vector<int64_t> inStrides = contiguousStrides(x.dims());
    std::vector<int64_t> srcStrides(inStrides.size());
    int64_t offset = 0;
    for (size_t a = 0; a < inStrides.size(); ++a) {
        offset += w.start[a] * inStrides[a];
        srcStrides[a] = w.step[a] * inStrides[a];
    }
    copyStrided(w.count, bytesOf(*out), contiguousStrides(w.count), bytesOf(x) + size_t(offset) * es, srcStrides, es);
    return Status::ok();
}

// Tile: out.dims[a] = in.dims[a] * repeats[a], out[i] = in[i mod in.dims].
// The input is copied into the corner block, then, from the last axis to the first, the
// filled block (contiguous, as every later axis is already complete) is repeated along that axis.
Status tileKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, intsFromInput(ctx, 1, {}));
    const int rank = x.rank();
    if (static_cast<int>(repeats.size()) != rank)
        return ctx.error("repeats " + dimsToString(repeats) + " does not match rank " + std::to_string(rank));
    std::vector<int64_t> dims = x.dims();
    for (int a = 0; a < rank; ++a) {
        if (repeats[size_t(a)] < 0) return ctx.error("repeats must not be negative: " + dimsToString(repeats));
        dims[size_t(a)] *= repeats[size_t(a)];
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    if (out->numel() == 0) return Status::ok();
    const size_t es = dataTypeSize(x.dtype());
    const std::vector<int64_t> outStrides = contiguousStrides(dims);
    std::byte* base = bytesOf(*out);
    copyStrided(x.dims(), base, outStrides, bytesOf(x), contiguousStrides(x.dims()), es);
    for (int a = rank - 1; a >= 0; --a) {
        const int64_t rep = repeats[size_t(a)];
        if (rep == 1) continue;
        const size_t chunk = size_t(x.dim(a) * outStrides[size_t(a)]) * es;
        std::vector<int64_t> outerDims(x.dims().begin(), x.dims().begin() + a);
        std::vector<int64_t> outerStrides(outStrides.begin(), outStrides.begin() + a);
        MultiIndexer it(outerDims, {outerStrides});
        const int64_t n = dimProduct(outerDims, 0, outerDims.size());
        for (int64_t i = 0; i < n; ++i, it.next()) {
            std::byte* block = base + size_t(it.offset(0)) * es;
            for (int64_t r = 1; r < rep; ++r) std::memcpy(block + size_t(r) * chunk, block, chunk);
        }
    }
    return Status::ok();
}

}  // namespace

void registerTensorOps(OpRegistry& r) {
    r.add("Transpose", transposeKernel);
    r.add("Concat", concatKernel);
    r.add("Split", splitKernel);
    r.add("Slice", sliceKernel);
    r.add("Tile", tileKernel, 2);
    r.add("Pad", padKernel);
    r.add("ReverseSequence", reverseSequenceKernel, 2);
    r.add("Compress", compressKernel, 2);
}

}  // namespace kiln::ops
