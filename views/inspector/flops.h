// Floating-point operations of a node, estimated from its shapes, for the inspector's summaries.
// Symbolic dimensions (batch, sequence) count as 1, so the numbers are per sample / per token.
// A multiply-add counts as 2.
#pragma once

#include <optional>

#include "ir/graph.h"

namespace kiln::views {

// Conv, ConvTranspose, MatMul, Gemm: 2 per multiply-add; elementwise math, activations,
// normalizations, pooling, Softmax: a few per output element; shape and data movement: 0.
// Empty when a shape it needs has an unknown rank.
std::optional<double> estimateFlops(const ir::Node& node);

}  // namespace kiln::views
