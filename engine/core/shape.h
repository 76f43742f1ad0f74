// Shapes whose dimensions may be known numbers, named symbols ("batch") or unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace kiln {

struct Dim {
    int64_t value = -1;  // >= 0 when known
    std::string symbol;  // a named dynamic dimension, e.g. "batch"; empty otherwise

    Dim() = default;
    Dim(int64_t v) : value(v) {}
    static Dim symbolic(std::string name) { Dim d; d.symbol = std::move(name); return d; }
    static Dim unknown() { return Dim(); }

    bool isKnown() const { return value >= 0; }
    bool isSymbolic() const { return value < 0 && !symbol.empty(); }
    std::string toString() const;  // "64", "batch" or "?"
    bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
};

class Shape {
public:
    Shape() = default;                           // rank 0 (a scalar)
    Shape(std::vector<Dim> dims) : m_dims(std::move(dims)) {}
    Shape(std::initializer_list<int64_t> dims);
    static Shape fromDims(const std::vector<int64_t>& dims);
    static Shape unknownRank() { Shape s; s.m_rankKnown = false; return s; }

    bool rankKnown() const { return m_rankKnown; }
    int rank() const { return static_cast<int>(m_dims.size()); }
    const Dim& operator[](int i) const { return m_dims[static_cast<size_t>(i)]; }
    Dim& operator[](int i) { return m_dims[static_cast<size_t>(i)]; }
    const std::vector<Dim>& dims() const { return m_dims; }

    bool isStatic() const;                        // rank and every dim known
    std::optional<std::vector<int64_t>> staticDims() const;
    // Element count of a static shape, with overflow checked.
    Expected<int64_t> numel() const;
    std::string toString() const;                 // "[batch, 3, 224, 224]"

    bool operator==(const Shape& o) const { return m_rankKnown == o.m_rankKnown && m_dims == o.m_dims; }
    bool operator!=(const Shape& o) const { return !(*this == o); }
    // Two shapes conflict when both ranks are known and differ, or two known dims differ.
    bool conflictsWith(const Shape& o) const;

private:
    std::vector<Dim> m_dims;
    bool m_rankKnown = true;
};

// Largest element count Kiln accepts in one tensor: 2^40 elements (a terabyte of bytes and more).
inline constexpr int64_t kMaxElements = int64_t(1) << 40;

// Product of dims with overflow and negative checks.
Expected<int64_t> checkedNumel(const std::vector<int64_t>& dims);
std::string dimsToString(const std::vector<int64_t>& dims);

}  // namespace kiln
