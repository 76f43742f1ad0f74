// Factories of every pass; pipeline.cpp puts them in order. One file per pass.
#pragma once

#include <memory>

#include "passes/pass.h"

namespace kiln::passes {

// Cleanup (level 1)
std::unique_ptr<Pass> makeConstantFoldingPass();      // constant_folding.cpp (+ symbolic_shapes.h)
std::unique_ptr<Pass> makeCommonSubexpressionPass();  // common_subexpression.cpp
std::unique_ptr<Pass> makeNoOpEliminationPass();      // noop_elimination.cpp
std::unique_ptr<Pass> makeDeadLayerEliminationPass(); // dead_layer_elimination.cpp
std::unique_ptr<Pass> makeFoldBatchNormPass();        // fold_batchnorm.cpp (+ Conv with per-channel Mul/Add)
// Vertical fusion and pattern recognition (level 2)
std::unique_ptr<Pass> makeLayerNormPatternPass();     // pattern_layernorm.cpp
std::unique_ptr<Pass> makeGeluPatternPass();          // pattern_gelu.cpp
std::unique_ptr<Pass> makeSiluPatternPass();          // pattern_silu.cpp
std::unique_ptr<Pass> makeFuseBiasActivationPass();   // fuse_bias_activation.cpp
std::unique_ptr<Pass> makeFuseResidualPass();         // fuse_residual.cpp
// Everything else (level 3)
std::unique_ptr<Pass> makeAttentionPatternPass();     // pattern_attention.cpp
std::unique_ptr<Pass> makeHorizontalFusionPass();     // horizontal_fusion.cpp
std::unique_ptr<Pass> makeConcatEliminationPass();    // concat_elimination.cpp
std::unique_ptr<Pass> makePointwiseFusionPass();      // pointwise_fusion.cpp

// Part of fuse-bias-activation: an activation after a plugin layer that accepts it
// (fuse_plugin_activation.cpp).
void fusePluginActivations(ir::Graph& g, PassContext& ctx);

}  // namespace kiln::passes
