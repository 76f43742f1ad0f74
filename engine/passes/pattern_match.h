// Helpers private to the pattern-recognition passes (pattern_layernorm.cpp, pattern_gelu.cpp,
// pattern_silu.cpp, pattern_attention.cpp): scalar operands of elementwise ops, the checks that
// a matched chain's intermediates are not used elsewhere, and the removal of matched nodes.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"

namespace kiln::passes::pattern {

// A scalar constant: an initializer (or a Constant node's tensor) whose elements are all equal.
std::optional<double> scalarOf(const ir::Value* v);

// A binary node with a scalar constant on one side: the constant and the other input.
struct ScalarOperand {
    ir::Value* other = nullptr;
    double value = 0.0;
    bool constantFirst = false;  // the constant is input 0 (matters for Div and Sub)
};
std::optional<ScalarOperand> scalarOperand(const ir::Node* n);

// The input of binary node n that is not v (null when v is not an input, or both are v).
ir::Value* otherInput(const ir::Node* n, const ir::Value* v);

// |value - expected| <= tol * |expected|: exporters write constants like sqrt(2) to ~7 digits.
bool near(double value, double expected, double tol = 1e-4);

// The only consumer of v when it has the given type, else null with `why` saying what was found
// ("the output of Add 'Add_7' has 2 consumers", "Sqrt 'Sqrt_3' is followed by Div, not Mul").
ir::Node* nextOp(const ir::Value* v, const char* opType, std::string& why);

// Why the chain `matched` (ending in `last`, whose output the new layer takes over) cannot be
// replaced: an intermediate value that is a graph output or read outside the chain. "" if none.
std::string whyIntermediatesEscape(const std::vector<const ir::Node*>& matched, const ir::Node* last);

// "ReduceMean -> Sub -> Pow": the op types of the matched nodes.
std::string opChain(const std::vector<const ir::Node*>& nodes);

// A number for messages: "1e-12", "0.7071", "8".
std::string formatNumber(double v);

// The dims of a shape for messages: "[batch, 7, 4, 16]".
std::string shapeText(const ir::Value* v);

}  // namespace kiln::passes::pattern
