// Teaching mode's run of the optimizer: the same ordered passes as passes::optimize, run one at a
// time on a copy of the model so that the graph after every pass is kept (with its weights, so
// the CPU reference can run it), plus the PassLog with snapshots and, per pass, the largest
// difference of the outputs before and after it on one random input. Qt-free.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "core/status.h"
#include "ir/graph.h"
#include "passes/pass_log.h"

namespace kiln::views {

struct TeachOptions {
    int level = 3;              // optimization level, as passes::OptimizeOptions::level
    bool numericCheck = true;   // run the CPU reference on every state
    uint64_t seed = 7;          // of the random input
};

struct TeachResult {
    passes::PassLog log{/*recordSnapshots=*/true};
    // states[0] is the model before the first pass; states[i + 1] the graph after pass i
    // (log.passes()[i]). Constant buffers are shared between states.
    std::vector<std::unique_ptr<ir::Graph>> states;
    // Per pass: the largest |after - before| over every output element; < 0 when not computed.
    std::vector<double> maxAbsDiff;
    // Why the numeric check did not run (an op the CPU backend lacks, ...), or "".
    std::string numericProblem;
    bool numericPending = false;  // the check runs after the passes (TeachRunner) and is not in yet

    int numPasses() const { return static_cast<int>(log.passes().size()); }
    const ir::Graph& before(int pass) const { return *states.at(size_t(pass)); }
    const ir::Graph& after(int pass) const { return *states.at(size_t(pass) + 1); }
};

// progress(done, total) after every pass; cancelled when *cancel turns true (between passes).
Expected<std::shared_ptr<TeachResult>> runTeachPipeline(const ir::Graph& model, const TeachOptions& options,
                                                        const std::atomic<bool>* cancel = nullptr,
                                                        const std::function<void(int, int)>& progress = {});

struct NumericCheck {
    std::vector<double> maxAbsDiff;  // per pass, as TeachResult::maxAbsDiff
    std::string problem;
};
// The numeric check alone, on the states of a result (runTeachPipeline does it when
// options.numericCheck is on). Cancelled when *cancel turns true (between runs).
Expected<NumericCheck> runNumericCheck(const TeachResult& result, uint64_t seed, const std::atomic<bool>* cancel = nullptr);

// Bytes of a value at its shape, symbolic or unknown dims counted as 1 (one image, one
// sequence); -1 when the rank is unknown.
int64_t valueBytes(const ir::Value& v);

}  // namespace kiln::views
