// The shape arithmetic of PyTorch exports, evaluated with symbolic dims. Shape(x) yields x's
// dims, each a known number or a symbol ("batch"); Gather, Slice, Unsqueeze, Squeeze, Concat,
// Cast and Identity carry them along. A value whose elements all turn out known can be folded
// into a constant although x itself is not constant (Shape(x)[2] = 64 for x: [batch, seq, 64]);
// a Reshape target whose other elements are dims of the Reshape's own input can become a
// constant with 0 ("copy this dim") entries.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/host_tensor.h"
#include "core/shape.h"
#include "ir/graph.h"

namespace kiln::passes {

// One element of a shape tensor: a known number (which may be -1 in a Reshape target), or else
// the dim it stands for (a symbol, or unknown).
struct ShapeElem {
    std::optional<int64_t> value;
    Dim dim;

    static ShapeElem of(const Dim& d) { return d.isKnown() ? ShapeElem{d.value, {}} : ShapeElem{std::nullopt, d}; }
    std::string toString() const { return value ? std::to_string(*value) : dim.toString(); }
};

// A 1-D int64 tensor of dims (or a scalar, holding one).
struct ShapeValue {
    std::vector<ShapeElem> elems;
    bool scalar = false;

    bool allKnown() const;
    HostTensor toTensor() const;  // int64 [n], or a scalar; only when allKnown()
};

class ShapeArithmetic {
public:
    // The symbolic value of n's output 0, computed from its inputs' and remembered for the nodes
    // that read it; nullopt when n is not shape arithmetic Kiln can follow.
    const ShapeValue* evaluate(const ir::Node& n);
    // The symbolic value of v: one evaluate() computed, or that of a small int64 constant.
    const ShapeValue* valueOf(const ir::Value* v);

private:
    std::optional<ShapeValue> compute(const ir::Node& n);
    std::optional<ShapeValue> gather(const ir::Node& n);
    std::optional<ShapeValue> slice(const ir::Node& n);
    std::optional<ShapeValue> unsqueeze(const ir::Node& n);
    std::optional<ShapeValue> squeeze(const ir::Node& n);
    std::optional<ShapeValue> concat(const ir::Node& n);

    std::unordered_map<const ir::Value*, ShapeValue> m_values;
};

// The constant Reshape target equivalent to `target` for an input of shape `input` (allowzero
// unset): known elements stay, an element equal to the input's dim at the same position becomes
// 0 (copy), and one remaining element becomes -1 (inferred) when no other is -1. nullopt when
// some element cannot be expressed so.
std::optional<std::vector<int64_t>> copyDimTarget(const ShapeValue& target, const Shape& input);

// Whether two dims are the same at run time: equal known numbers, or the same symbol.
bool sameDim(const Dim& a, const Dim& b);
// Whether two shapes are the same at run time (rank known, every dim sameDim).
bool sameShape(const Shape& a, const Shape& b);

}  // namespace kiln::passes
