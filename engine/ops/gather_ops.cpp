// Index-driven ops: Gather, GatherElements, GatherND, OneHot, NonZero, Trilu (the Scatter
// family is in gather_scatter.cpp, Unique in gather_unique.cpp).
#include <algorithm>
#include <cstring>

#include "ops/common.h"
#include "ops/gather_kernels.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

Expected<int64_t> resolveIndex(const KernelContext& ctx, int64_t index, int64_t dim) {
    const int64_t i = index < 0 ? index + dim : index;
    if (i < 0 || i >= dim)
        return ctx.error("index " + std::to_string(index) + " is out of range for a dim of " + std::to_string(dim));
    return i;
}

namespace {

// Gather: data [a..., d, b...], indices [i...] -> [a..., i..., b...]; out = data[.., idx, ..].
Status gatherKernel(KernelContext& ctx) {
    const HostTensor& data = ctx.input(0);
    const HostTensor& indicesT = ctx.input(1);
    if (data.rank() == 0) return ctx.error("cannot gather from a scalar");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), data.rank()));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indicesFromTensor(ctx, indicesT, "indices"));
    const int64_t dim = data.dim(axis);
    for (int64_t& i : indices) {
        KILN_ASSIGN_OR_RETURN(i, resolveIndex(ctx, i, dim));
    }

    std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + axis);
    dims.insert(dims.end(), indicesT.dims().begin(), indicesT.dims().end());
    dims.insert(dims.end(), data.dims().begin() + axis + 1, data.dims().end());
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, data.dtype(), dims));
    const size_t es = dataTypeSize(data.dtype());
    const int64_t outer = dimProduct(data.dims(), 0, size_t(axis));
    const size_t chunk = size_t(dimProduct(data.dims(), size_t(axis) + 1, size_t(data.rank()))) * es;
    std::byte* dst = bytesOf(*out);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i : indices) {
            std::memcpy(dst, bytesOf(data) + size_t(o * dim + i) * chunk, chunk);
            dst += chunk;
        }
    return Status::ok();
}

// GatherElements: out[i] = data[i with i[axis] replaced by indices[i]]; out has the indices' shape.
Status gatherElementsKernel(KernelContext& ctx) {
    const HostTensor& data = ctx.input(0);
    const HostTensor& indicesT = ctx.input(1);
    const int rank = data.rank();
    if (rank == 0 || indicesT.rank() != rank) return ctx.error("data and indices must have the same rank >= 1");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), rank));
    for (int a = 0; a < rank; ++a)
        if (a != axis && indicesT.dim(a) > data.dim(a))
            return ctx.error("indices " + dimsToString(indicesT.dims()) + " exceed data " + dimsToString(data.dims()));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indicesFromTensor(ctx, indicesT, "indices"));
    for (int64_t& i : indices) {
        KILN_ASSIGN_OR_RETURN(i, resolveIndex(ctx, i, data.dim(axis)));
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, data.dtype(), indicesT.dims()));

    std::vector<int64_t> strides = contiguousStrides(data.dims());
    const int64_t axisStride = strides[size_t(axis)];
    strides[size_t(axis)] = 0;  // the axis position comes from the index
    return dispatchBySize(dataTypeSize(data.dtype()), [&]<typename Word>() {
        const Word* src = data.data<Word>();
        Word* dst = out->data<Word>();
        MultiIndexer it(indicesT.dims(), {strides});
        for (size_t i = 0; i < indices.size(); ++i, it.next()) dst[i] = src[it.offset(0) + indices[i] * axisStride];
        return Status::ok();
    });
}

// GatherND: data [B..., d...], indices [B..., m..., k] with b batch dims ->
// out [B..., m..., d(k)...]: each k-tuple picks a slice of the batch's data.
Status gatherNDKernel(KernelContext& ctx) {
    const HostTensor& data = ctx.input(0);
    const HostTensor& indicesT = ctx.input(1);
    const int64_t b = ctx.attrInt("batch_dims", 0);
    const int r = data.rank(), q = indicesT.rank();
    if (r < 1 || q < 1) return ctx.error("data and indices must have rank >= 1");
    if (b < 0 || b >= std::min(r, q)) return ctx.error("batch_dims " + std::to_string(b) + " is out of range");
    const int64_t k = indicesT.dim(q - 1);
    if (k < 1 || k > r - b)
        return ctx.error("indices' last dim " + std::to_string(k) + " must be in [1, " + std::to_string(r - b) + "]");
    for (int a = 0; a < b; ++a)
        if (data.dim(a) != indicesT.dim(a)) return ctx.error("batch dims of data and indices differ");
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indicesFromTensor(ctx, indicesT, "indices"));

    std::vector<int64_t> dims(indicesT.dims().begin(), indicesT.dims().end() - 1);
    dims.insert(dims.end(), data.dims().begin() + b + k, data.dims().end());
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, data.dtype(), dims));
    const size_t es = dataTypeSize(data.dtype());
    const std::vector<int64_t> strides = contiguousStrides(data.dims());
    const int64_t batches = dimProduct(data.dims(), 0, size_t(b));
    const int64_t batchSize = dimProduct(data.dims(), size_t(b), size_t(r));
    const int64_t tuplesPerBatch = dimProduct(indicesT.dims(), size_t(b), size_t(q - 1));
    const size_t chunk = size_t(dimProduct(data.dims(), size_t(b + k), size_t(r))) * es;
    std::byte* dst = bytesOf(*out);
    const int64_t* tuple = indices.data();
    for (int64_t batch = 0; batch < batches; ++batch)
        for (int64_t t = 0; t < tuplesPerBatch; ++t, tuple += k) {
            int64_t offset = batch * batchSize;
            for (int64_t j = 0; j < k; ++j) {
                KILN_ASSIGN_OR_RETURN(int64_t i, resolveIndex(ctx, tuple[j], data.dim(int(b + j))));
                offset += i * strides[size_t(b + j)];
            }
            std::memcpy(dst, bytesOf(data) + size_t(offset) * es, chunk);
            dst += chunk;
        }
    return Status::ok();
}

// OneHot: indices [i...], depth, values [off, on] -> [i..., depth, ...] (depth inserted at
// axis); out = on where the position along axis equals the index (negative: + depth), else off.
Status oneHotKernel(KernelContext& ctx) {
    const HostTensor& indicesT = ctx.input(0);
    const HostTensor& depthT = ctx.input(1);
    const HostTensor& values = ctx.input(2);
    if (depthT.numel() != 1) return ctx.error("depth must hold one value");
    if (values.numel() != 2) return ctx.error("values must hold [off_value, on_value]");
    const int64_t depth = static_cast<int64_t>(depthT.getDouble(0));
    if (depth < 0) return ctx.error("depth must not be negative");
    const int outRank = indicesT.rank() + 1;
    int64_t axis = ctx.attrInt("axis", -1);
    if (axis < -outRank || axis >= outRank)
        return ctx.error("axis " + std::to_string(axis) + " is out of range for output rank " + std::to_string(outRank));
    if (axis < 0) axis += outRank;

    std::vector<int64_t> dims = indicesT.dims();
    dims.insert(dims.begin() + axis, depth);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, values.dtype(), dims));
    const size_t es = dataTypeSize(values.dtype());
    fillElements(bytesOf(*out), out->numel(), bytesOf(values), es);
    const HostTensor indices = indicesT.castTo(DataType::Int64);
    const int64_t* idx = indices.data<int64_t>();
    const int64_t inner = dimProduct(indicesT.dims(), size_t(axis), size_t(indicesT.rank()));
    const int64_t outer = indicesT.numel() / std::max<int64_t>(inner, 1);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            int64_t v = idx[o * inner + i];
            if (v < 0) v += depth;
            if (v < 0 || v >= depth) continue;  // out-of-range indices give an all-off row
            std::memcpy(bytesOf(*out) + size_t((o * depth + v) * inner + i) * es, bytesOf(values) + es, es);
        }
    return Status::ok();
}

// NonZero: the indices of the non-zero elements as int64 [rank, count], in row-major order
// (a scalar counts as a 1-element vector, as numpy does).
Status nonZeroKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    std::vector<int64_t> dims = x.rank() == 0 ? std::vector<int64_t>{1} : x.dims();
    std::vector<int64_t> hits;  // flat positions
    KILN_RETURN_IF_ERROR(dispatchType(AllTypes{}, x.dtype(), [&]<typename T>() {
        const T* p = x.data<T>();
        for (int64_t i = 0; i < x.numel(); ++i)
            if (static_cast<AccType<T>>(p[i]) != AccType<T>(0)) hits.push_back(i);
        return Status::ok();
    }));
    const int64_t rank = static_cast<int64_t>(dims.size()), n = static_cast<int64_t>(hits.size());
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, DataType::Int64, {rank, n}));
    int64_t* o = out->data<int64_t>();
    for (int64_t j = 0; j < n; ++j) {
        int64_t flat = hits[size_t(j)];
        for (int64_t a = rank - 1; a >= 0; --a) {
            o[a * n + j] = flat % dims[size_t(a)];
            flat /= dims[size_t(a)];
        }
    }
    return Status::ok();
}

// Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of each [N, M] matrix
// in the last two axes and zeroes the rest.
Status triluKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("input must have rank >= 2");
    int64_t k = 0;
    if (ctx.hasInput(1)) {
        KILN_ASSIGN_OR_RETURN(std::vector<int64_t> kv, intsFromInput(ctx, 1, {}));
        if (kv.size() != 1) return ctx.error("k must hold one value");
        k = kv[0];
    }
    const bool upper = ctx.attrInt("upper", 1) != 0;
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), x.dims()));
    if (x.byteSize()) std::memcpy(out->raw(), x.raw(), x.byteSize());
    const int64_t rows = x.dim(-2), cols = x.dim(-1);
    const size_t es = dataTypeSize(x.dtype());
    const int64_t matrices = x.numel() / std::max<int64_t>(rows * cols, 1);
    std::byte* p = bytesOf(*out);
    for (int64_t m = 0; m < matrices; ++m)
        for (int64_t i = 0; i < rows; ++i, p += size_t(cols) * es) {
            // Zero bytes are the zero of every Kiln type.
            if (upper) {
                const int64_t end = std::clamp(i + k, int64_t(0), cols);  // zero [0, i+k)
                std::memset(p, 0, size_t(end) * es);
            } else {
                const int64_t begin = std::clamp(i + k + 1, int64_t(0), cols);  // zero [i+k+1, cols)
                std::memset(p + size_t(begin) * es, 0, size_t(cols - begin) * es);
            }
        }
    return Status::ok();
}

}  // namespace

void registerGatherOps(OpRegistry& r) {
    r.add("Gather", gatherKernel, 2);
    r.add("GatherElements", gatherElementsKernel, 2);
    r.add("GatherND", gatherNDKernel, 2);
    r.add("Scatter", scatterElementsKernel, 3);
    r.add("ScatterElements", scatterElementsKernel, 3);
    r.add("ScatterND", scatterNDKernel, 3);
    r.add("OneHot", oneHotKernel, 3);
    r.add("NonZero", nonZeroKernel);
    r.add("Trilu", triluKernel);
    r.add("Unique", uniqueKernel);
}

}  // namespace kiln::ops
