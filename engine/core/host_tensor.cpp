#include "core/host_tensor.h"

#include <cstring>

namespace kiln {

HostTensor::HostTensor(DataType type, std::vector<int64_t> dims) : m_type(type), m_dims(std::move(dims)) {
    m_numel = 1;
    for (int64_t d : m_dims) m_numel *= d;
    size_t bytes = byteSize();
    // Always allocate at least one byte so raw() is non-null even for empty tensors.
    m_buf = std::shared_ptr<std::byte[]>(new std::byte[bytes ? bytes : 1]());
}

Expected<HostTensor> HostTensor::create(DataType type, std::vector<int64_t> dims) {
    if (dataTypeSize(type) == 0) return invalidArgument("cannot allocate a tensor of type undefined");
    KILN_ASSIGN_OR_RETURN(int64_t n, checkedNumel(dims));
    if (static_cast<uint64_t>(n) * dataTypeSize(type) > (uint64_t(1) << 40))
        return outOfRange("tensor of " + dimsToString(dims) + " " + dataTypeName(type) + " is larger than 1 TiB");
    return HostTensor(type, std::move(dims));
}

HostTensor HostTensor::view(std::shared_ptr<std::byte[]> buffer, size_t offset, DataType type,
                            std::vector<int64_t> dims) {
    HostTensor t;
    t.m_type = type;
    t.m_dims = std::move(dims);
    t.m_numel = 1;
    for (int64_t d : t.m_dims) t.m_numel *= d;
    t.m_buf = std::move(buffer);
    t.m_offset = offset;
    return t;
}

HostTensor HostTensor::scalar(DataType type, double value) {
    HostTensor t(type, {});
    t.setDouble(0, value);
    return t;
}

Expected<HostTensor> HostTensor::reshaped(std::vector<int64_t> dims) const {
    KILN_ASSIGN_OR_RETURN(int64_t n, checkedNumel(dims));
    if (n != m_numel)
        return invalidArgument("cannot reshape " + dimsToString(m_dims) + " to " + dimsToString(dims));
    HostTensor t = *this;
    t.m_dims = std::move(dims);
    return t;
}

HostTensor HostTensor::clone() const {
    if (!isValid()) return {};
    HostTensor t(m_type, m_dims);
    if (byteSize()) std::memcpy(t.raw(), raw(), byteSize());
    return t;
}

double HostTensor::getDouble(int64_t i) const {
    switch (m_type) {
    case DataType::Float32: return data<float>()[i];
    case DataType::Float64: return data<double>()[i];
    case DataType::Float16: return float(data<Half>()[i]);
    case DataType::BFloat16: return float(data<BFloat16>()[i]);
    case DataType::Int8: return data<int8_t>()[i];
    case DataType::Int16: return data<int16_t>()[i];
    case DataType::Int32: return data<int32_t>()[i];
    case DataType::Int64: return static_cast<double>(data<int64_t>()[i]);
    case DataType::UInt8: return data<uint8_t>()[i];
    case DataType::UInt16: return data<uint16_t>()[i];
    case DataType::UInt32: return data<uint32_t>()[i];
    case DataType::UInt64: return static_cast<double>(data<uint64_t>()[i]);
    case DataType::Bool: return data<bool>()[i] ? 1.0 : 0.0;
    case DataType::Undefined: break;
    }
    return 0.0;
}

void HostTensor::setDouble(int64_t i, double v) {
    switch (m_type) {
    case DataType::Float32: data<float>()[i] = static_cast<float>(v); break;
    case DataType::Float64: data<double>()[i] = v; break;
    case DataType::Float16: data<Half>()[i] = Half(static_cast<float>(v)); break;
    case DataType::BFloat16: data<BFloat16>()[i] = BFloat16(static_cast<float>(v)); break;
    case DataType::Int8: data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DataType::Int16: data<int16_t>()[i] = static_cast<int16_t>(v); break;
    case DataType::Int32: data<int32_t>()[i] = static_cast<int32_t>(v); break;
    case DataType::Int64: data<int64_t>()[i] = static_cast<int64_t>(v); break;
    case DataType::UInt8: data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DataType::UInt16: data<uint16_t>()[i] = static_cast<uint16_t>(v); break;
    case DataType::UInt32: data<uint32_t>()[i] = static_cast<uint32_t>(v); break;
    case DataType::UInt64: data<uint64_t>()[i] = static_cast<uint64_t>(v); break;
    case DataType::Bool: data<bool>()[i] = v != 0.0; break;
    case DataType::Undefined: break;
    }
}

Expected<std::vector<int64_t>> HostTensor::toInt64Vector() const {
    std::vector<int64_t> out(static_cast<size_t>(m_numel));
    switch (m_type) {
    case DataType::Int64:
        if (m_numel > 0) std::memcpy(out.data(), raw(), byteSize());
        return out;
    case DataType::Int32:
        for (int64_t i = 0; i < m_numel; ++i) out[size_t(i)] = data<int32_t>()[i];
        return out;
    case DataType::Int8: case DataType::Int16: case DataType::UInt8: case DataType::UInt16:
    case DataType::UInt32: case DataType::UInt64: case DataType::Bool:
        for (int64_t i = 0; i < m_numel; ++i) out[size_t(i)] = static_cast<int64_t>(getDouble(i));
        return out;
    default:
        return invalidArgument(std::string("expected an integer tensor, got ") + dataTypeName(m_type));
    }
}

namespace {
template <typename From, typename To>
void castLoop(const From* src, To* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<To, bool>) {
            dst[i] = static_cast<AccType<From>>(src[i]) != AccType<From>(0);
        } else if constexpr (std::is_same_v<To, Half> || std::is_same_v<To, BFloat16>) {
            dst[i] = To(static_cast<float>(static_cast<AccType<From>>(src[i])));
        } else if constexpr (std::is_same_v<From, Half> || std::is_same_v<From, BFloat16>) {
            dst[i] = static_cast<To>(static_cast<float>(src[i]));
        } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
            // Out-of-range float->int is undefined in C++; go through int64 like most runtimes.
            dst[i] = static_cast<To>(static_cast<int64_t>(src[i]));
        } else {
            dst[i] = static_cast<To>(src[i]);
        }
    }
}
}  // namespace

HostTensor HostTensor::castTo(DataType to) const {
    if (to == m_type) return clone();
    HostTensor out(to, m_dims);
    Status st = dispatchType(AllTypes{}, m_type, [&]<typename From>() {
        return dispatchType(AllTypes{}, to, [&]<typename To>() {
            castLoop<From, To>(data<From>(), out.data<To>(), m_numel);
            return Status::ok();
        });
    });
    (void)st;
    return out;
}

std::vector<int64_t> contiguousStrides(const std::vector<int64_t>& dims) {
    std::vector<int64_t> s(dims.size(), 1);
    for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) s[size_t(i)] = s[size_t(i) + 1] * dims[size_t(i) + 1];
    return s;
}

}  // namespace kiln
