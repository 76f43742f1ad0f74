// Symbolic shape and value inference in Kiln's own IR. Walked in topological order, it computes
// each node's output shapes from its inputs' shapes and symbolic values: dims are numbers or
// symbols ("batch", "4*batch*sequence", "min(sequence, 128)"), and a dim nothing can compute
// gets a fresh symbol named after its node ("?NonZero_7:1"), so that a Shape of it still
// matches the tensor it came from. Small integer tensors (Shape, Gather, Concat, ... of dims)
// carry symbolic values (shape_arithmetic.h), which is what Reshape targets, Expand shapes and
// Slice bounds are read from.
//
// Why in Kiln and not libonnx: PyTorch's exporter builds the per-head Reshape targets of
// attention from Shape(x) of tensors whose rank libonnx's inference has already lost (it does
// not follow a Reshape whose target is computed), so every later Reshape is unknown too. Here
// the target's value is [batch, sequence, -1, 16], the Reshape's output is [batch, sequence, 4,
// 16], and everything after it keeps static ranks.
//
// Each output gets the better of its current shape and the inferred one, dim by dim: a number
// over a symbol over a fresh symbol over unknown. An op without a rule keeps its shape (its
// unknown dims get fresh symbols). Rules live by op family: symbolic_shapes_elementwise.cpp,
// symbolic_shapes_tensor.cpp, symbolic_shapes_layers.cpp.
#pragma once

#include <string>

#include "ir/graph.h"
#include "passes/shape_arithmetic.h"
#include "passes/symbolic_dims.h"

namespace kiln::passes {

class SymbolicShapes {
public:
    SymbolicShapes() : m_values(m_dims) {}
    SymbolicShapes(const SymbolicShapes&) = delete;
    SymbolicShapes& operator=(const SymbolicShapes&) = delete;

    struct Outcome {
        int improved = 0;       // outputs whose shape changed (better dims, or the inferred names)
        bool hasRule = false;   // the op is one inference knows
        std::string conflict;   // an inferred shape that contradicts the current one (kept)
    };
    // Infers n's outputs (their inputs must have been inferred before: topological order).
    Outcome infer(ir::Node& n);
    // The symbolic value of v (computed by infer(), or a small integer constant); null if none.
    const ShapeValue* valueOf(const ir::Value* v) { return m_values.valueOf(v); }
    DimAlgebra& dims() { return m_dims; }

private:
    DimAlgebra m_dims;
    ShapeArithmetic m_values;
};

// Runs inference over all of g in topological order (g must be sorted). Returns how many
// values' shapes changed.
int inferSymbolicShapes(ir::Graph& g);

}  // namespace kiln::passes
