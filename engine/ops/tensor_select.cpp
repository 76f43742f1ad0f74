// ReverseSequence and Compress: ops that pick or reorder slices along an axis.
#include <cstring>

#include "ops/common.h"
#include "ops/tensor_copy.h"
#include "ops/tensor_kernels.h"

namespace kiln::ops {

// ReverseSequence: for batch b, the first sequence_lens[b] steps along time_axis are reversed,
//   out[t, b, ...] = in[len_b - 1 - t, b, ...] for t < len_b, in[t, b, ...] otherwise.
// time_axis and batch_axis are axes 0 and 1 (either order).
Status reverseSequenceKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("input must have rank >= 2");
    const int64_t timeAxis = ctx.attrInt("time_axis", 0), batchAxis = ctx.attrInt("batch_axis", 1);
    if (!((timeAxis == 0 && batchAxis == 1) || (timeAxis == 1 && batchAxis == 0)))
        return ctx.error("time_axis and batch_axis must be 0 and 1 in some order");
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> lens, indicesFromTensor(ctx, ctx.input(1), "sequence_lens"));
    const int64_t steps = x.dim(int(timeAxis)), batch = x.dim(int(batchAxis));
    if (static_cast<int64_t>(lens.size()) != batch)
        return ctx.error("sequence_lens has " + std::to_string(lens.size()) + " entries for a batch of " +
                         std::to_string(batch));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), x.dims()));
    if (x.byteSize()) std::memcpy(out->raw(), x.raw(), x.byteSize());
    const std::vector<int64_t> strides = contiguousStrides(x.dims());
    const int64_t timeStride = strides[size_t(timeAxis)], batchStride = strides[size_t(batchAxis)];
    const size_t es = dataTypeSize(x.dtype());
    const size_t chunk = size_t(dimProduct(x.dims(), 2, size_t(x.rank()))) * es;  // the trailing axes
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t len = lens[size_t(b)];
        if (len < 0 || len > steps)
            return ctx.error("sequence length " + std::to_string(len) + " is outside [0, " + std::to_string(steps) + "]");
        for (int64_t t = 0; t < len; ++t)
            std::memcpy(bytesOf(*out) + size_t(t * timeStride + b * batchStride) * es,
                        bytesOf(x) + size_t((len - 1 - t) * timeStride + b * batchStride) * es, chunk);
    }
    return Status::ok();
}

// Compress: keeps the slices along axis (or the elements of the flattened input when axis is
// absent) whose condition entry is true; a shorter condition drops the remaining slices.
Status compressKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const HostTensor& cond = ctx.input(1);
    if (cond.rank() != 1) return ctx.error("condition must be 1-D");
    std::vector<int64_t> dims = x.dims();
    int axis = 0;
    if (ctx.hasAttr("axis")) {
        KILN_ASSIGN_OR_RETURN(axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), x.rank()));
        if (x.rank() == 0) return ctx.error("cannot compress a scalar along an axis");
    } else {
        dims = {x.numel()};
    }
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < cond.numel(); ++i) {
        if (cond.getDouble(i) == 0.0) continue;
        if (i >= dims[size_t(axis)])
            return ctx.error("condition selects index " + std::to_string(i) + " beyond the axis of size " +
                             std::to_string(dims[size_t(axis)]));
        kept.push_back(i);
    }
    const int64_t outer = dimProduct(dims, 0, size_t(axis));
    const int64_t inner = dimProduct(dims, size_t(axis) + 1, dims.size());
    const int64_t inRow = dims[size_t(axis)] * inner;
    dims[size_t(axis)] = static_cast<int64_t>(kept.size());
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    const size_t es = dataTypeSize(x.dtype());
    std::byte* dst = bytesOf(*out);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t k : kept) {
            std::memcpy(dst, bytesOf(x) + size_t(o * inRow + k * inner) * es, size_t(inner) * es);
            dst += size_t(inner) * es;
        }
    return Status::ok();
}

}  // namespace kiln::ops
