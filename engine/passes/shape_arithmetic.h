// Symbolic values: the shape arithmetic of PyTorch exports, evaluated with symbolic dims.
// Shape(x) yields x's dims, each a known number or a symbol ("batch"); Gather, Slice, Unsqueeze,
// Squeeze, Concat, Reshape, Cast and Identity carry them along; Add, Sub, Mul and Div compute
// with them (batch * 4 is the symbol "4*batch"), Equal / Less / Greater / Not / Where decide what
// the signs of dims decide (a dim is never -1). A value whose elements all turn out known can be
// folded into a constant although x itself is not constant (Shape(x)[2] = 64 for x: [batch, seq,
// 64]); a Reshape target whose other elements are dims of the Reshape's own input can become a
// constant with 0 ("copy this dim") entries. Symbolic shape inference (symbolic_shapes.h) reads
// these values as Reshape targets, Expand shapes, Slice bounds and Range limits.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/host_tensor.h"
#include "core/shape.h"
#include "ir/graph.h"
#include "passes/symbolic_dims.h"

namespace kiln::passes {

// Shape tensors are tiny; a longer integer tensor is data, not a shape.
inline constexpr int64_t kMaxShapeElems = 64;

// One element of a shape tensor: a known number (which may be -1 in a Reshape target), or else
// the dim it stands for (a symbol, or unknown).
struct ShapeElem {
    std::optional<int64_t> value;
    Dim dim;

    static ShapeElem of(const Dim& d) { return d.isKnown() ? ShapeElem{d.value, {}} : ShapeElem{std::nullopt, d}; }
    static ShapeElem number(int64_t v) { return ShapeElem{v, {}}; }
    // The dim this element stands for: a number >= 0 or a symbol; unknown otherwise.
    Dim asDim() const { return value ? (*value >= 0 ? Dim(*value) : Dim::unknown()) : dim; }
    std::string toString() const { return value ? std::to_string(*value) : dim.toString(); }
};

// A 1-D integer (or bool) tensor of dims, or a scalar holding one.
struct ShapeValue {
    std::vector<ShapeElem> elems;
    bool scalar = false;
    DataType dtype = DataType::Int64;

    bool allKnown() const;
    HostTensor toTensor() const;  // of dtype, [n] or a scalar; only when allKnown()
    std::string toString() const; // "[batch, sequence, 4, 16]"
};

class ShapeArithmetic {
public:
    explicit ShapeArithmetic(DimAlgebra& dims) : m_dims(dims) {}

    // The symbolic value of n's output 0, computed from its inputs' values and shapes and
    // remembered for the nodes that read it; null when n is not shape arithmetic Kiln can follow.
    const ShapeValue* evaluate(const ir::Node& n);
    // The symbolic value of v: one evaluate() computed, or that of a small integer constant.
    const ShapeValue* valueOf(const ir::Value* v);

private:
    std::optional<ShapeValue> compute(const ir::Node& n);
    std::optional<ShapeValue> gather(const ir::Node& n);
    std::optional<ShapeValue> slice(const ir::Node& n);
    std::optional<ShapeValue> unsqueeze(const ir::Node& n);
    std::optional<ShapeValue> squeeze(const ir::Node& n);
    std::optional<ShapeValue> concat(const ir::Node& n);
    std::optional<ShapeValue> reshape(const ir::Node& n);
    std::optional<ShapeValue> elementwise(const ir::Node& n);
    std::optional<ShapeValue> where(const ir::Node& n);
    std::optional<ShapeElem> binary(const std::string& op, const ShapeElem& a, const ShapeElem& b);

    DimAlgebra& m_dims;
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
