// Helpers shared by the vertical-fusion passes (fold_batchnorm.cpp, fuse_bias_activation.cpp,
// fuse_residual.cpp): per-channel constants, the fused layers'
// names and attributes.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"
#include "passes/pattern_utils.h"

namespace kiln::passes::fusion {

// The values of constant c read as one value per channel of an output of rank outRank whose
// channels lie on `axis`: c's dims right-aligned against the output's, all 1 except the one at
// `axis`, which is 1 or `channels`. Nullopt when c is not constant, broadcasts any other way,
// or has more dims than the output (which would grow it).
std::optional<std::vector<double>> perChannelValues(const ir::Value* c, int outRank, int axis, int64_t channels);

// The float types the fused kernels compute (float32, float16, bfloat16, double).
bool isFloatType(DataType t);
// A 1-D tensor of type t holding values (rounded to t).
HostTensor vectorOf(DataType t, const std::vector<double>& values);
// The elements of a (small) tensor as doubles.
std::vector<double> valuesOf(const HostTensor& t);

// Ops a reader would call an activation: the ones activationOf accepts and the ones it refuses
// (Softsign, Softplus, Selu, PRelu, ...). A layer followed by one is a fusion candidate, so a
// refusal is worth a decline in the log; any other consumer simply does not match.
bool isActivationLike(const ir::Node& n);

// The kiln layer a Conv / ConvTranspose / Gemm / MatMul becomes once something is fused into it
// ("FusedConv", "FusedConvTranspose", "FusedGemm"), or "" for other ops.
std::string fusedLayerType(const ir::Node& n);
void copyAttributes(const ir::Node& from, ir::Node& to);
// True when every dim of v's shape is known or symbolic (two such shapes that compare equal
// have equal sizes at run time).
bool shapeIsResolved(const ir::Value* v);
// "Relu 'Relu_12'"
std::string describe(const ir::Node* n);

}  // namespace kiln::passes::fusion
