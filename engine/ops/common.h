// Helpers shared by the op families: axes, broadcasting, index iteration.
#pragma once

#include <cstdint>
#include <vector>

#include "core/host_tensor.h"
#include "ops/op_registry.h"

namespace kiln::ops {

// axis in [-rank, rank) -> [0, rank); error otherwise.
Expected<int> normalizeAxis(const KernelContext& ctx, int64_t axis, int rank);
Expected<std::vector<int>> normalizeAxes(const KernelContext& ctx, const std::vector<int64_t>& axes, int rank);

// Multidirectional (numpy) broadcasting of several shapes.
Expected<std::vector<int64_t>> broadcastDims(const KernelContext& ctx, const std::vector<std::vector<int64_t>>& shapes);

// Strides (in elements) to read a tensor of inDims as if it had outDims: 0 along broadcast axes.
// inDims is right-aligned against outDims.
std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& inDims, const std::vector<int64_t>& outDims);

// Walks every index of dims in row-major order, keeping one offset per operand up to date.
// Operand k advances by strides[k][axis] along each axis.
//   MultiIndexer it(outDims, {stridesA, stridesB});
//   for (int64_t i = 0; i < n; ++i, it.next()) out[i] = a[it.offset(0)] + b[it.offset(1)];
class MultiIndexer {
public:
    MultiIndexer(std::vector<int64_t> dims, std::vector<std::vector<int64_t>> strides);
    int64_t offset(int k) const { return m_offsets[size_t(k)]; }
    const std::vector<int64_t>& index() const { return m_index; }
    void next();

private:
    std::vector<int64_t> m_dims, m_index, m_offsets;
    std::vector<std::vector<int64_t>> m_strides;
};

// out[i] = f(a[i]) over a tensor of type T, producing type R (defaults to T).
template <typename T, typename R = T, typename F>
HostTensor mapUnary(const HostTensor& a, DataType outType, F f) {
    HostTensor out(outType, a.dims());
    const T* pa = a.data<T>();
    R* po = out.data<R>();
    for (int64_t i = 0; i < a.numel(); ++i) po[i] = f(pa[i]);
    return out;
}

// out = f(a, b) with broadcasting; a, b of type T, out of type R.
template <typename T, typename R, typename F>
Expected<HostTensor> mapBinary(const KernelContext& ctx, const HostTensor& a, const HostTensor& b, DataType outType, F f) {
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, {a.dims(), b.dims()}));
    KILN_ASSIGN_OR_RETURN(HostTensor out, HostTensor::create(outType, dims));
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    R* po = out.data<R>();
    const int64_t n = out.numel();
    if (a.dims() == dims && b.dims() == dims) {
        for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    } else if (b.numel() == 1 && a.dims() == dims) {
        const T s = pb[0];
        for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
    } else {
        MultiIndexer it(dims, {broadcastStrides(a.dims(), dims), broadcastStrides(b.dims(), dims)});
        for (int64_t i = 0; i < n; ++i, it.next()) po[i] = f(pa[it.offset(0)], pb[it.offset(1)]);
    }
    return out;
}

// Reads an optional 1-D integer input (e.g. axes, pads) or returns the fallback.
Expected<std::vector<int64_t>> intsFromInput(const KernelContext& ctx, int index, std::vector<int64_t> fallback);

}  // namespace kiln::ops
