// Node attributes, typed as in ONNX (subgraph attributes are not held: the importer rejects them).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/host_tensor.h"

namespace kiln::ir {

enum class AttributeKind { Float, Int, String, Tensor, Floats, Ints, Strings };
const char* attributeKindName(AttributeKind k);

class Attribute {
public:
    using Storage = std::variant<float, int64_t, std::string, HostTensor, std::vector<float>,
                                 std::vector<int64_t>, std::vector<std::string>>;
    Attribute() = default;
    Attribute(float v) : m_v(v) {}
    Attribute(int64_t v) : m_v(v) {}
    Attribute(std::string v) : m_v(std::move(v)) {}
    Attribute(HostTensor v) : m_v(std::move(v)) {}
    Attribute(std::vector<float> v) : m_v(std::move(v)) {}
    Attribute(std::vector<int64_t> v) : m_v(std::move(v)) {}
    Attribute(std::vector<std::string> v) : m_v(std::move(v)) {}

    AttributeKind kind() const { return static_cast<AttributeKind>(m_v.index()); }
    template <typename T> bool is() const { return std::holds_alternative<T>(m_v); }
    template <typename T> const T& get() const { return std::get<T>(m_v); }
    const Storage& storage() const { return m_v; }
    std::string toString() const;  // short, readable: "[1, 1]", "0.5", "'NOTSET'", "tensor<float32 [64]>"

private:
    Storage m_v;
};

}  // namespace kiln::ir
