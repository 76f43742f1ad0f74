// Type-generic data movement shared by the shape, tensor and gather op families: elements are
// moved as opaque words of dataTypeSize(dtype) bytes, so one code path serves every data type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/host_tensor.h"
#include "ops/op_registry.h"

namespace kiln::ops {

// Calls f.template operator()<Word>() with the unsigned integer type of the given byte size
// (1, 2, 4 or 8: every Kiln data type), for element-wise copies that must not know the type.
template <typename F>
Status dispatchBySize(size_t size, F&& f) {
    switch (size) {
    case 1: return f.template operator()<uint8_t>();
    case 2: return f.template operator()<uint16_t>();
    case 4: return f.template operator()<uint32_t>();
    case 8: return f.template operator()<uint64_t>();
    default: return internalError("no word type of " + std::to_string(size) + " bytes");
    }
}

// For every index i of dims (row-major):
//   dst[sum(i[k] * dstStrides[k])] = src[sum(i[k] * srcStrides[k])]
// Strides are in elements and may be negative or zero (a zero source stride broadcasts).
// Runs along the last axis with unit strides on both sides are copied with one memcpy.
void copyStrided(const std::vector<int64_t>& dims, std::byte* dst, const std::vector<int64_t>& dstStrides,
                 const std::byte* src, const std::vector<int64_t>& srcStrides, size_t elemSize);

// Fills n elements at dst with the one element at value (elemSize bytes).
void fillElements(std::byte* dst, int64_t n, const std::byte* value, size_t elemSize);

// Product of dims[begin, end).
int64_t dimProduct(const std::vector<int64_t>& dims, size_t begin, size_t end);

// Reads an integer index tensor (int32 or int64, as Gather/Scatter/OneHot allow) as int64.
Expected<std::vector<int64_t>> indicesFromTensor(const KernelContext& ctx, const HostTensor& t, const char* what);

inline std::byte* bytesOf(HostTensor& t) { return static_cast<std::byte*>(t.raw()); }
inline const std::byte* bytesOf(const HostTensor& t) { return static_cast<const std::byte*>(t.raw()); }

}  // namespace kiln::ops
