// A dense tensor in host memory: element type, static dims, row-major data in a shared buffer.
// Copies share the buffer (cheap reshapes and aliases); clone() makes an independent copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/data_type.h"
#include "core/shape.h"
#include "core/status.h"

namespace kiln {

class HostTensor {
public:
    HostTensor() = default;
    // Zero-filled. Dims must already be validated (see create()).
    HostTensor(DataType type, std::vector<int64_t> dims);
    // Validates the dims (no negatives, no overflow) before allocating.
    static Expected<HostTensor> create(DataType type, std::vector<int64_t> dims);
    static HostTensor scalar(DataType type, double value);
    template <typename T>
    static HostTensor fromVector(std::vector<int64_t> dims, const std::vector<T>& values);
    // A tensor over memory it does not own: byte `offset` into `buffer` (which the caller keeps
    // large enough: offset + numel * size bytes). Used for memory-plan arenas and for caller
    // buffers bound with ExecutionContext::setTensorAddress (wrap those with a no-op deleter).
    static HostTensor view(std::shared_ptr<std::byte[]> buffer, size_t offset, DataType type,
                           std::vector<int64_t> dims);
    // The bytes this tensor's data starts at, within its buffer.
    size_t bufferOffset() const { return m_offset; }
    const std::shared_ptr<std::byte[]>& buffer() const { return m_buf; }

    bool isValid() const { return m_type != DataType::Undefined; }
    DataType dtype() const { return m_type; }
    const std::vector<int64_t>& dims() const { return m_dims; }
    int rank() const { return static_cast<int>(m_dims.size()); }
    int64_t dim(int i) const { return m_dims[static_cast<size_t>(i < 0 ? i + rank() : i)]; }
    int64_t numel() const { return m_numel; }
    size_t byteSize() const { return static_cast<size_t>(m_numel) * dataTypeSize(m_type); }
    Shape shape() const { return Shape::fromDims(m_dims); }

    void* raw() { return m_buf ? m_buf.get() + m_offset : nullptr; }
    const void* raw() const { return m_buf ? m_buf.get() + m_offset : nullptr; }
    template <typename T> T* data() { return static_cast<T*>(raw()); }
    template <typename T> const T* data() const { return static_cast<const T*>(raw()); }

    // Same buffer, other dims (element count must match).
    Expected<HostTensor> reshaped(std::vector<int64_t> dims) const;
    HostTensor clone() const;
    bool sharesBufferWith(const HostTensor& o) const { return m_buf && m_buf == o.m_buf; }

    // Element access through double, for any type: slow, meant for tests, attributes and
    // small shape tensors, not for kernels.
    double getDouble(int64_t i) const;
    void setDouble(int64_t i, double v);
    // The values of an integer (or bool) tensor widened to int64, e.g. a shape input.
    Expected<std::vector<int64_t>> toInt64Vector() const;
    // Converts every element to another type (saturation-free C++ conversion semantics,
    // float->half rounding to nearest even).
    HostTensor castTo(DataType to) const;

private:
    DataType m_type = DataType::Undefined;
    std::vector<int64_t> m_dims;
    int64_t m_numel = 0;
    std::shared_ptr<std::byte[]> m_buf;
    size_t m_offset = 0;
};

template <typename T>
HostTensor HostTensor::fromVector(std::vector<int64_t> dims, const std::vector<T>& values) {
    HostTensor t(TypeOf<T>::value, std::move(dims));
    T* p = t.data<T>();
    for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.numel(); ++i) p[i] = values[i];
    return t;
}

// Row-major strides of dims, in elements.
std::vector<int64_t> contiguousStrides(const std::vector<int64_t>& dims);

}  // namespace kiln
