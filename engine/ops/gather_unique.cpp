// Unique: the distinct slices along axis (or distinct elements of the flattened input), as
// numpy.unique: Y, indices (first occurrence), inverse_indices and counts.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "ops/common.h"
#include "ops/gather_kernels.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

namespace {

// Slice s along the axis is the [outer, inner] block x[o, s, i]; slices compare
// lexicographically over (o, i), as numpy compares the flattened slices.
struct SliceLayout {
    int64_t outer = 1, count = 1, inner = 1;
    int64_t at(int64_t s, int64_t flat) const { return ((flat / inner) * count + s) * inner + flat % inner; }
    int64_t size() const { return outer * inner; }
};

// The slice indices sorted by value (stable: equal slices keep their input order), and for
// each position of that order whether it starts a new group of equal slices.
struct SortedSlices {
    std::vector<int64_t> order;
    std::vector<bool> startsGroup;
};

Expected<SortedSlices> sortSlices(const KernelContext& ctx, const HostTensor& x, const SliceLayout& L) {
    SortedSlices s{std::vector<int64_t>(size_t(L.count)), std::vector<bool>(size_t(L.count), true)};
    std::iota(s.order.begin(), s.order.end(), 0);
    Status st = dispatchType(AllTypes{}, x.dtype(), [&]<typename T>() {
        const T* p = x.data<T>();
        // -1, 0, 1 as slice a is less than, equal to or greater than slice b.
        auto compare = [&](int64_t a, int64_t b) {
            for (int64_t f = 0; f < L.size(); ++f) {
                const auto va = static_cast<AccType<T>>(p[L.at(a, f)]), vb = static_cast<AccType<T>>(p[L.at(b, f)]);
                if (va < vb) return -1;
                if (vb < va) return 1;
            }
            return 0;
        };
        std::stable_sort(s.order.begin(), s.order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
        for (size_t i = 1; i < s.order.size(); ++i) s.startsGroup[i] = compare(s.order[i - 1], s.order[i]) != 0;
        return Status::ok();
    });
    if (!st.isOk()) return ctx.error(st.message(), st.code());
    return s;
}

Status writeInt64Output(KernelContext& ctx, int i, const std::vector<int64_t>& v) {
    if (!ctx.wantsOutput(i)) return Status::ok();
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(i, DataType::Int64, {int64_t(v.size())}));
    if (!v.empty()) std::memcpy(out->raw(), v.data(), v.size() * sizeof(int64_t));
    return Status::ok();
}

}  // namespace

Status uniqueKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    std::vector<int64_t> dims = {x.numel()};
    int axis = 0;
    if (ctx.hasAttr("axis")) {
        if (x.rank() == 0) return ctx.error("cannot take unique slices of a scalar");
        KILN_ASSIGN_OR_RETURN(axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), x.rank()));
        dims = x.dims();
    }
    const SliceLayout L{dimProduct(dims, 0, size_t(axis)), dims[size_t(axis)],
                        dimProduct(dims, size_t(axis) + 1, dims.size())};
    KILN_ASSIGN_OR_RETURN(SortedSlices sorted, sortSlices(ctx, x, L));
    const std::vector<int64_t>& order = sorted.order;

    // Groups of equal slices in sorted order; the group's first member is its first occurrence.
    std::vector<int64_t> firsts, counts, inverse(size_t(L.count));
    for (size_t i = 0; i < order.size(); ++i) {
        if (sorted.startsGroup[i]) {
            firsts.push_back(order[i]);
            counts.push_back(0);
        }
        inverse[size_t(order[i])] = static_cast<int64_t>(firsts.size()) - 1;
        ++counts.back();
    }
    if (ctx.attrInt("sorted", 1) == 0) {
        // Renumber the groups by first occurrence.
        std::vector<int64_t> byFirst(firsts.size());
        std::iota(byFirst.begin(), byFirst.end(), 0);
        std::sort(byFirst.begin(), byFirst.end(), [&](int64_t a, int64_t b) { return firsts[size_t(a)] < firsts[size_t(b)]; });
        std::vector<int64_t> newId(firsts.size()), f2(firsts.size()), c2(firsts.size());
        for (size_t n = 0; n < byFirst.size(); ++n) {
            newId[size_t(byFirst[n])] = int64_t(n);
            f2[n] = firsts[size_t(byFirst[n])];
            c2[n] = counts[size_t(byFirst[n])];
        }
        for (int64_t& v : inverse) v = newId[size_t(v)];
        firsts.swap(f2);
        counts.swap(c2);
    }

    std::vector<int64_t> outDims = dims;
    outDims[size_t(axis)] = static_cast<int64_t>(firsts.size());
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), outDims));
    const size_t es = dataTypeSize(x.dtype());
    for (int64_t o = 0; o < L.outer; ++o)
        for (size_t u = 0; u < firsts.size(); ++u)
            std::memcpy(bytesOf(*y) + size_t((o * int64_t(firsts.size()) + int64_t(u)) * L.inner) * es,
                        bytesOf(x) + size_t((o * L.count + firsts[u]) * L.inner) * es, size_t(L.inner) * es);
    KILN_RETURN_IF_ERROR(writeInt64Output(ctx, 1, firsts));
    KILN_RETURN_IF_ERROR(writeInt64Output(ctx, 2, inverse));
    return writeInt64Output(ctx, 3, counts);
}

}  // namespace kiln::ops
