// Scatter (deprecated), ScatterElements and ScatterND: out = copy of data, then each update is
// written (reduction none) or combined (add/mul from opset 16, max/min from 18) into it, in
// the order the updates appear.
#include <algorithm>
#include <cstring>

#include "ops/common.h"
#include "ops/gather_kernels.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

namespace {

enum class Reduction { None, Add, Mul, Max, Min };

Expected<Reduction> reductionAttr(const KernelContext& ctx) {
    const std::string r = ctx.attrString("reduction", "none");
    if (r == "none") return Reduction::None;
    if (r == "add") return Reduction::Add;
    if (r == "mul") return Reduction::Mul;
    if (r == "max") return Reduction::Max;
    if (r == "min") return Reduction::Min;
    return ctx.error("unknown reduction '" + r + "'");
}

template <typename T>
T combine(Reduction r, T a, T b) {
    using A = AccType<T>;
    const A x = static_cast<A>(a), y = static_cast<A>(b);
    switch (r) {
    case Reduction::Add: return T(x + y);
    case Reduction::Mul: return T(x * y);
    case Reduction::Max: return T(std::max(x, y));
    case Reduction::Min: return T(std::min(x, y));
    case Reduction::None: break;
    }
    return b;
}

// Writes update run j (runLength elements at updates + j * runLength) to out + dstOffsets[j].
Status applyUpdates(HostTensor& out, const HostTensor& updates, const std::vector<int64_t>& dstOffsets,
                    int64_t runLength, Reduction reduction) {
    const size_t es = dataTypeSize(out.dtype());
    if (reduction == Reduction::None) {
        for (size_t j = 0; j < dstOffsets.size(); ++j)
            std::memcpy(bytesOf(out) + size_t(dstOffsets[j]) * es, bytesOf(updates) + j * size_t(runLength) * es,
                        size_t(runLength) * es);
        return Status::ok();
    }
    return dispatchType(NumericTypes{}, out.dtype(), [&]<typename T>() {
        T* dst = out.data<T>();
        const T* src = updates.data<T>();
        for (size_t j = 0; j < dstOffsets.size(); ++j)
            for (int64_t e = 0; e < runLength; ++e) {
                T& d = dst[dstOffsets[j] + e];
                d = combine(reduction, d, src[int64_t(j) * runLength + e]);
            }
        return Status::ok();
    });
}

Status copyDataToOutput(KernelContext& ctx, HostTensor*& out) {
    const HostTensor& data = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(out, ctx.allocateOutput(0, data.dtype(), data.dims()));
    if (data.byteSize()) std::memcpy(out->raw(), data.raw(), data.byteSize());
    return Status::ok();
}

}  // namespace

// ScatterElements: out[i with i[axis] replaced by indices[i]] = updates[i] for every index i
// of indices (indices and updates share a shape of the data's rank).
Status scatterElementsKernel(KernelContext& ctx) {
    const HostTensor& data = ctx.input(0);
    const HostTensor& indicesT = ctx.input(1);
    const HostTensor& updates = ctx.input(2);
    const int rank = data.rank();
    if (rank == 0 || indicesT.rank() != rank) return ctx.error("data and indices must have the same rank >= 1");
    if (updates.dims() != indicesT.dims())
        return ctx.error("updates " + dimsToString(updates.dims()) + " and indices " + dimsToString(indicesT.dims()) +
                         " must have the same shape");
    if (updates.dtype() != data.dtype()) return ctx.error("updates must have the data's type");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), rank));
    for (int a = 0; a < rank; ++a)
        if (a != axis && indicesT.dim(a) > data.dim(a))
            return ctx.error("indices " + dimsToString(indicesT.dims()) + " exceed data " + dimsToString(data.dims()));
    KILN_ASSIGN_OR_RETURN(Reduction reduction, reductionAttr(ctx));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indicesFromTensor(ctx, indicesT, "indices"));

    std::vector<int64_t> strides = contiguousStrides(data.dims());
    const int64_t axisStride = strides[size_t(axis)];
    strides[size_t(axis)] = 0;  // the axis position comes from the index
    std::vector<int64_t> offsets(indices.size());
    MultiIndexer it(indicesT.dims(), {strides});
    for (size_t i = 0; i < indices.size(); ++i, it.next()) {
        KILN_ASSIGN_OR_RETURN(int64_t idx, resolveIndex(ctx, indices[i], data.dim(axis)));
        offsets[i] = it.offset(0) + idx * axisStride;
    }
    HostTensor* out = nullptr;
    KILN_RETURN_IF_ERROR(copyDataToOutput(ctx, out));
    Status st = applyUpdates(*out, updates, offsets, 1, reduction);
    return st.isOk() ? st : ctx.error(st.message(), st.code());
}

// ScatterND: indices [m..., k], updates [m..., d(k)...]: each k-tuple names a slice of data
// (data.dims[k:]) that the matching updates slice is written to.
Status scatterNDKernel(KernelContext& ctx) {
    const HostTensor& data = ctx.input(0);
    const HostTensor& indicesT = ctx.input(1);
    const HostTensor& updates = ctx.input(2);
    const int r = data.rank(), q = indicesT.rank();
    if (r < 1 || q < 1) return ctx.error("data and indices must have rank >= 1");
    const int64_t k = indicesT.dim(q - 1);
    if (k < 1 || k > r) return ctx.error("indices' last dim " + std::to_string(k) + " must be in [1, rank]");
    std::vector<int64_t> expected(indicesT.dims().begin(), indicesT.dims().end() - 1);
    expected.insert(expected.end(), data.dims().begin() + k, data.dims().end());
    if (updates.dims() != expected)
        return ctx.error("updates must have shape " + dimsToString(expected) + ", got " + dimsToString(updates.dims()));
    if (updates.dtype() != data.dtype()) return ctx.error("updates must have the data's type");
    KILN_ASSIGN_OR_RETURN(Reduction reduction, reductionAttr(ctx));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indicesFromTensor(ctx, indicesT, "indices"));

    const std::vector<int64_t> strides = contiguousStrides(data.dims());
    const int64_t tuples = dimProduct(indicesT.dims(), 0, size_t(q - 1));
    std::vector<int64_t> offsets(size_t(tuples), 0);
    for (int64_t t = 0; t < tuples; ++t)
        for (int64_t j = 0; j < k; ++j) {
            KILN_ASSIGN_OR_RETURN(int64_t idx, resolveIndex(ctx, indices[size_t(t * k + j)], data.dim(int(j))));
            offsets[size_t(t)] += idx * strides[size_t(j)];
        }
    HostTensor* out = nullptr;
    KILN_RETURN_IF_ERROR(copyDataToOutput(ctx, out));
    Status st = applyUpdates(*out, updates, offsets, dimProduct(data.dims(), size_t(k), size_t(r)), reduction);
    return st.isOk() ? st : ctx.error(st.message(), st.code());
}

}  // namespace kiln::ops
