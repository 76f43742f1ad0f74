#include "ops/tensor_copy.h"

#include <cstring>

#include "ops/common.h"

namespace kiln::ops {

namespace {

// One run along the last axis: n elements with the given strides (in elements).
template <typename Word>
void copyRun(std::byte* dst, int64_t dstStride, const std::byte* src, int64_t srcStride, int64_t n) {
    Word* d = reinterpret_cast<Word*>(dst);
    const Word* s = reinterpret_cast<const Word*>(src);
    for (int64_t i = 0; i < n; ++i) std::memcpy(d + i * dstStride, s + i * srcStride, sizeof(Word));
}

}  // namespace

void copyStrided(const std::vector<int64_t>& dims, std::byte* dst, const std::vector<int64_t>& dstStrides,
                 const std::byte* src, const std::vector<int64_t>& srcStrides, size_t elemSize) {
    const auto es = static_cast<int64_t>(elemSize);
    if (dims.empty()) {
        std::memcpy(dst, src, elemSize);
        return;
    }
    for (int64_t d : dims)
        if (d == 0) return;
    const size_t last = dims.size() - 1;
    const int64_t runLength = dims[last];
    const int64_t ds = dstStrides[last], ss = srcStrides[last];
    const bool contiguous = ds == 1 && ss == 1;

    // Walk the outer axes; each step copies one run along the last axis.
    std::vector<int64_t> outer(dims.begin(), dims.end() - 1);
    std::vector<int64_t> outerDst(dstStrides.begin(), dstStrides.end() - 1);
    std::vector<int64_t> outerSrc(srcStrides.begin(), srcStrides.end() - 1);
    const int64_t runs = dimProduct(outer, 0, outer.size());
    MultiIndexer it(outer, {outerDst, outerSrc});
    for (int64_t r = 0; r < runs; ++r, it.next()) {
        std::byte* d = dst + it.offset(0) * es;
        const std::byte* s = src + it.offset(1) * es;
        if (contiguous) {
            std::memcpy(d, s, size_t(runLength) * elemSize);
            continue;
        }
        (void)dispatchBySize(elemSize, [&]<typename Word>() {
            copyRun<Word>(d, ds, s, ss, runLength);
            return Status::ok();
        });
    }
}

void fillElements(std::byte* dst, int64_t n, const std::byte* value, size_t elemSize) {
    if (n <= 0) return;
    // Doubling copies: the filled prefix is copied onto the rest.
    std::memcpy(dst, value, elemSize);
    int64_t done = 1;
    while (done < n) {
        const int64_t chunk = std::min(done, n - done);
        std::memcpy(dst + size_t(done) * elemSize, dst, size_t(chunk) * elemSize);
        done += chunk;
    }
}

int64_t dimProduct(const std::vector<int64_t>& dims, size_t begin, size_t end) {
    int64_t p = 1;
    for (size_t i = begin; i < end && i < dims.size(); ++i) p *= dims[i];
    return p;
}

Expected<std::vector<int64_t>> indicesFromTensor(const KernelContext& ctx, const HostTensor& t, const char* what) {
    if (t.dtype() != DataType::Int32 && t.dtype() != DataType::Int64)
        return ctx.error(std::string(what) + " must be int32 or int64, got " + dataTypeName(t.dtype()));
    auto v = t.toInt64Vector();
    if (!v) return ctx.error(std::string(what) + ": " + v.status().message());
    return std::move(v).value();
}

}  // namespace kiln::ops
