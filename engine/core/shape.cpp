#include "core/shape.h"

namespace kiln {

std::string Dim::toString() const {
    if (isKnown()) return std::to_string(value);
    if (!symbol.empty()) return symbol;
    return "?";
}

Shape::Shape(std::initializer_list<int64_t> dims) {
    for (int64_t d : dims) m_dims.emplace_back(d);
}

Shape Shape::fromDims(const std::vector<int64_t>& dims) {
    Shape s;
    for (int64_t d : dims) s.m_dims.emplace_back(d);
    return s;
}

bool Shape::isStatic() const {
    if (!m_rankKnown) return false;
    for (const Dim& d : m_dims)
        if (!d.isKnown()) return false;
    return true;
}

std::optional<std::vector<int64_t>> Shape::staticDims() const {
    if (!isStatic()) return std::nullopt;
    std::vector<int64_t> out;
    out.reserve(m_dims.size());
    for (const Dim& d : m_dims) out.push_back(d.value);
    return out;
}

Expected<int64_t> Shape::numel() const {
    auto dims = staticDims();
    if (!dims) return invalidArgument("shape " + toString() + " is not static");
    return checkedNumel(*dims);
}

std::string Shape::toString() const {
    if (!m_rankKnown) return "[*]";
    std::string s = "[";
    for (size_t i = 0; i < m_dims.size(); ++i) {
        if (i) s += ", ";
        s += m_dims[i].toString();
    }
    return s + "]";
}

bool Shape::conflictsWith(const Shape& o) const {
    if (!m_rankKnown || !o.m_rankKnown) return false;
    if (m_dims.size() != o.m_dims.size()) return true;
    for (size_t i = 0; i < m_dims.size(); ++i)
        if (m_dims[i].isKnown() && o.m_dims[i].isKnown() && m_dims[i].value != o.m_dims[i].value) return true;
    return false;
}

Expected<int64_t> checkedNumel(const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0) return invalidArgument("negative dimension " + std::to_string(d) + " in " + dimsToString(dims));
        if (d == 0) n = 0;
        else if (n != 0) {
            if (n > kMaxElements / d)
                return outOfRange("element count of " + dimsToString(dims) + " overflows (limit 2^40 elements)");
            n *= d;
        }
    }
    // A zero dim makes the count 0 but the other dims must still be sane.
    for (int64_t d : dims)
        if (d > kMaxElements) return outOfRange("dimension " + std::to_string(d) + " in " + dimsToString(dims) + " is absurd");
    return n;
}

std::string dimsToString(const std::vector<int64_t>& dims) {
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(dims[i]);
    }
    return s + "]";
}

}  // namespace kiln
