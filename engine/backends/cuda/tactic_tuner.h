// Times and checks the tactics of one layer at one precision (the builder's inner loop): each
// candidate runs on random inputs at the opt shapes, is compared with the CPU reference kernel's
// output (NaN/Inf or a relative L2 error above the precision's limit rejects it), then timed
// (warm-up, median of 10 runs with CUDA events). Tactics that need more workspace than allowed,
// or run out of GPU memory, are rejected with the reason; the build goes on.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/layer_runner.h"
#include "backends/cuda/timing_cache.h"
#include "plan/plan.h"

namespace kiln::cuda {

// Relative-L2 limits for accepting a tactic against the FP32 CPU reference.
double acceptanceTolerance(Precision p);

class TacticTuner {
public:
    TacticTuner(Session& session, TimingCache& cache, Logger& log, int64_t workspaceLimit)
        : m_session(session), m_cache(cache), m_log(log), m_workspaceLimit(workspaceLimit) {}

    // The layer's signature at precision p and these shapes: what the timing cache is keyed by.
    static std::string signature(const ir::Node& n, Precision p, const LayerShapes& s);

    // Every tactic of `node` at precision p (from the cache when the signature is there),
    // timed and checked. `dims` gives the concrete dims of each input and output value.
    // An error only when the node has no tactics at this precision at all (the reason why).
    Expected<std::vector<plan::TacticCandidate>> tune(const ir::Node& node, Precision p,
                                                     const std::map<const ir::Value*, std::vector<int64_t>>& dims);

    int tacticsTimed() const { return m_tacticsTimed; }

private:
    // The CPU reference outputs and the inputs they were computed from, per signature without
    // precision (so FP32, TF32 and FP16 are checked against the same numbers).
    struct Reference {
        std::vector<HostTensor> inputs, outputs;
        Status status;
    };
    const Reference& reference(const ir::Node& node, const std::map<const ir::Value*, std::vector<int64_t>>& dims);

    Session& m_session;
    TimingCache& m_cache;
    Logger& m_log;
    int64_t m_workspaceLimit = 0;
    std::map<std::string, Reference> m_references;
    int m_tacticsTimed = 0;
};

}  // namespace kiln::cuda
