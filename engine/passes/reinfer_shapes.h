// Re-running ONNX shape inference (with data propagation) on a graph a pass has changed: once a
// Reshape target is a constant, the Reshape's output, and everything after it, get shapes.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::passes {

// Infers shapes on a copy of g that carries only small constants (large ones travel as typed
// inputs without data, so this costs little more than the inference itself), and gives each
// non-constant value of g every dim the inference knows better: a number over a symbol or
// unknown, a symbol over unknown. Returns how many values gained something.
Expected<int> reinferShapes(ir::Graph& g);

}  // namespace kiln::passes
