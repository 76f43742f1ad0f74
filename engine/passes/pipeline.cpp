#include "passes/pipeline.h"

#include <algorithm>
#include <chrono>

#include "passes/passes.h"

namespace kiln::passes {

// The order matters where noted.
std::vector<PipelineEntry> makePipeline() {
    std::vector<PipelineEntry> p;
    // Folding first: PyTorch exports compute shapes at run time (Shape -> Gather -> Concat ->
    // Reshape). Constant folding runs Kiln's symbolic shape inference node by node as it walks:
    // a Reshape target made constant gives the Reshape's output a shape before the next layer's
    // shape arithmetic is looked at, so one walk folds them all, and every later pass sees static
    // ranks (fuse-residual compares shapes, recognize-attention reads the head Reshapes' dims).
    p.push_back({makeConstantFoldingPass(), 1});
    // After folding: the exporter's duplicate Constants are initializers by then, and equal
    // small constants are what lets the per-layer copies of a computation merge.
    p.push_back({makeCommonSubexpressionPass(), 1});
    p.push_back({makeNoOpEliminationPass(), 1});
    p.push_back({makeDeadLayerEliminationPass(), 1});
    // After folding, so BatchNormalization parameters are constants.
    p.push_back({makeFoldBatchNormPass(), 1});
    // Patterns before fusion: the decomposed LayerNorm / GELU / SiLU chains are elementwise ops
    // that pointwise fusion would otherwise swallow, and a recognized GELU can then be fused as
    // a Gemm/MatMul epilogue.
    p.push_back({makeLayerNormPatternPass(), 2});
    p.push_back({makeGeluPatternPass(), 2});
    p.push_back({makeSiluPatternPass(), 2});
    p.push_back({makeFuseBiasActivationPass(), 2});
    // After bias/activation fusion: a residual Add is the one left after the bias was absorbed.
    p.push_back({makeFuseResidualPass(), 2});
    // Attention before horizontal fusion: it matches the per-head Reshape/Transpose around the
    // separate Q, K, V projections, which horizontal fusion then merges into one.
    p.push_back({makeAttentionPatternPass(), 3});
    p.push_back({makeHorizontalFusionPass(), 3});
    p.push_back({makeConcatEliminationPass(), 3});
    // Last of the fusions: it takes the elementwise chains nothing else absorbed.
    p.push_back({makePointwiseFusionPass(), 3});
    p.push_back({makeDeadLayerEliminationPass(), 1});
    return p;
}

std::vector<std::pair<std::string, int>> pipelinePassNames() {
    std::vector<std::pair<std::string, int>> out;
    for (const PipelineEntry& e : makePipeline()) out.emplace_back(e.pass->name(), e.level);
    return out;
}

Status optimize(ir::Graph& g, const OptimizeOptions& options, PassLog* log, const ops::OpRegistry& registry) {
    if (options.level < 0 || options.level > 3)
        return invalidArgument("optimization level " + std::to_string(options.level) + " is not 0..3");
    PassLog scratch(/*recordSnapshots=*/false);
    PassLog& l = log ? *log : scratch;
    KILN_RETURN_IF_ERROR(g.topologicalSort());
    l.begin(g);
    for (PipelineEntry& e : makePipeline()) {
        if (e.level > options.level) continue;
        const std::string name = e.pass->name();
        if (std::find(options.disabledPasses.begin(), options.disabledPasses.end(), name) != options.disabledPasses.end())
            continue;
        l.beginPass(name, e.pass->description(), g);
        PassContext ctx(l, registry);
        auto t0 = std::chrono::steady_clock::now();
        Status st = e.pass->run(g, ctx);
        if (st.isOk()) st = g.topologicalSort();
        g.pruneUnusedValues();
        if (st.isOk() && options.verifyAfterEachPass) st = g.verify();
        auto t1 = std::chrono::steady_clock::now();
        l.endPass(g, std::chrono::duration<double, std::milli>(t1 - t0).count());
        if (!st.isOk()) return st.prefix("pass " + name);
    }
    return Status::ok();
}

}  // namespace kiln::passes
