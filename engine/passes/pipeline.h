// The optimizer: the ordered list of passes (pipeline.cpp) run at an optimization level.
//   0: nothing   1: cleanup and folding   2: + vertical fusion and pattern recognition
//   3: everything (attention, horizontal fusion, concat elimination, pointwise fusion)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "ops/op_registry.h"
#include "passes/pass.h"
#include "passes/pass_log.h"

namespace kiln::passes {

struct OptimizeOptions {
    int level = 3;                            // 0..3
    std::vector<std::string> disabledPasses{};  // by name
    bool verifyAfterEachPass = true;          // Graph::verify after every pass (cheap, catches pass bugs)
};

struct PipelineEntry {
    std::unique_ptr<Pass> pass;
    int level;  // runs when OptimizeOptions::level >= level
};

// The one ordered list of passes.
std::vector<PipelineEntry> makePipeline();
// Names and levels, for --help texts and the studio.
std::vector<std::pair<std::string, int>> pipelinePassNames();

// Runs the pipeline over g in place. Every rewrite and decline goes to log when given.
Status optimize(ir::Graph& g, const OptimizeOptions& options, PassLog* log = nullptr,
                const ops::OpRegistry& registry = ops::OpRegistry::builtin());

}  // namespace kiln::passes
