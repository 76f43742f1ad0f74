// The per-op rules of symbolic shape inference (symbolic_shapes.h), private to its files. A rule
// computes the shapes of a node's outputs from its inputs' shapes and symbolic values; a dim it
// cannot compute stays unknown (the engine names it), an output it cannot compute at all stays
// Shape::unknownRank(). Adding an op: a rule in its family's file and one line in that file's
// add*Rules().
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "passes/shape_arithmetic.h"
#include "passes/symbolic_dims.h"

namespace kiln::passes::shape_rules {

class Context {
public:
    Context(const ir::Node& n, ShapeArithmetic& values, DimAlgebra& dims) : node(n), dims(dims), m_values(values) {}

    const ir::Node& node;
    DimAlgebra& dims;

    // Input i's shape (unknown rank when absent).
    const Shape& in(int i) const;
    bool has(int i) const { return node.input(i) != nullptr; }
    // Input i's symbolic value (small integer tensors), or null.
    const ShapeValue* value(int i) const { return m_values.valueOf(node.input(i)); }
    // The elements of a constant integer input, or null.
    std::optional<std::vector<int64_t>> ints(int i) const;
    // An operand that is input i from opset `fromOpset` on and attribute `attr` before (axes, ...).
    std::optional<std::vector<int64_t>> intsOperand(int i, int fromOpset, const char* attr) const;
    int outputs() const { return node.numOutputs(); }

private:
    ShapeArithmetic& m_values;
};

// One entry per output; Shape::unknownRank() for an output the rule cannot say anything about.
using Outputs = std::vector<Shape>;
using Rule = std::optional<Outputs> (*)(Context&);
// Keyed by op type (default domain) or "kiln.<op>".
using RuleTable = std::unordered_map<std::string, Rule>;

void addElementwiseRules(RuleTable& t);  // symbolic_shapes_elementwise.cpp
void addTensorRules(RuleTable& t);       // symbolic_shapes_tensor.cpp
void addLayerRules(RuleTable& t);        // symbolic_shapes_layers.cpp

// Helpers shared by the rule files.
// The numpy broadcast of shapes (unknown rank if any is; nullopt if two known dims conflict).
std::optional<Shape> broadcast(const std::vector<Shape>& shapes, DimAlgebra& dims);
// axis in [-rank, rank) as [0, rank); -1 when out of range.
int normAxis(int64_t axis, int rank);
// A shape of `rank` unknown dims.
Shape unknownDims(int rank);
// The same shape for every output.
Outputs all(const Context& c, const Shape& s);
// The dims a symbolic shape value stands for (Expand / ConstantOfShape targets); negative
// numbers become unknown.
std::vector<Dim> dimsOf(const ShapeValue& v);

}  // namespace kiln::passes::shape_rules
