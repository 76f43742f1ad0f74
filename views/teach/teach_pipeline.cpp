#include "teach/teach_pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ops/op_registry.h"
#include "passes/pass.h"
#include "passes/pipeline.h"

namespace kiln::views {

namespace {

// The outputs of one state on the shared random input, or why it could not run.
Expected<cpu::TensorMap> runReference(const ir::Graph& g, const cpu::TensorMap& inputs) {
    cpu::CpuExecutor exec(g);
    KILN_RETURN_IF_ERROR(exec.prepare());
    return exec.run(inputs);
}

// max |a - b| over every element of every output both have; NaN in the same place counts as equal.
double maxAbsDifference(const cpu::TensorMap& a, const cpu::TensorMap& b) {
    double worst = 0;
    for (const auto& [name, ta] : a) {
        auto it = b.find(name);
        if (it == b.end() || it->second.numel() != ta.numel()) return INFINITY;
        for (int64_t i = 0; i < ta.numel(); ++i) {
            const double x = ta.getDouble(i), y = it->second.getDouble(i);
            if (std::isnan(x) && std::isnan(y)) continue;
            const double d = std::fabs(x - y);
            worst = std::isnan(d) ? INFINITY : std::max(worst, d);
        }
    }
    return worst;
}

}  // namespace

int64_t valueBytes(const ir::Value& v) {
    const Shape& s = v.shape();
    if (!s.rankKnown()) return -1;
    int64_t n = 1;
    for (const Dim& d : s.dims()) n *= d.isKnown() ? std::max<int64_t>(d.value, 0) : 1;
    return n * int64_t(dataTypeSize(v.dtype()));
}

Expected<std::shared_ptr<TeachResult>> runTeachPipeline(const ir::Graph& model, const TeachOptions& options,
                                                        const std::atomic<bool>* cancel,
                                                        const std::function<void(int, int)>& progress) {
    if (options.level < 0 || options.level > 3)
        return invalidArgument("optimization level " + std::to_string(options.level) + " is not 0..3");
    auto result = std::make_shared<TeachResult>();
    std::unique_ptr<ir::Graph> g = model.clone();
    KILN_RETURN_IF_ERROR(g->topologicalSort());
    result->log.begin(*g);
    result->states.push_back(g->clone());
    std::vector<passes::PipelineEntry> pipeline = passes::makePipeline();
    const int total = int(std::count_if(pipeline.begin(), pipeline.end(),
                                        [&](const passes::PipelineEntry& e) { return e.level <= options.level; }));
    const ops::OpRegistry& registry = ops::OpRegistry::builtin();
    // The loop of passes::optimize (pipeline.cpp), keeping a copy of the graph after each pass.
    for (passes::PipelineEntry& e : pipeline) {
        if (e.level > options.level) continue;
        if (cancel && cancel->load()) return Status(StatusCode::Cancelled, "cancelled");
        const std::string name = e.pass->name();
        result->log.beginPass(name, e.pass->description(), *g);
        passes::PassContext ctx(result->log, registry);
        const auto t0 = std::chrono::steady_clock::now();
        Status st = e.pass->run(*g, ctx);
        if (st.isOk()) st = g->topologicalSort();
        g->pruneUnusedValues();
        if (st.isOk()) st = g->verify();
        const auto t1 = std::chrono::steady_clock::now();
        result->log.endPass(*g, std::chrono::duration<double, std::milli>(t1 - t0).count());
        if (!st.isOk()) return st.prefix("pass " + name);
        result->states.push_back(g->clone());
        if (progress) progress(result->numPasses(), total);
    }

    result->maxAbsDiff.assign(size_t(result->numPasses()), -1.0);
    if (!options.numericCheck) return result;
    KILN_ASSIGN_OR_RETURN(NumericCheck check, runNumericCheck(*result, options.seed, cancel));
    result->maxAbsDiff = std::move(check.maxAbsDiff);
    result->numericProblem = std::move(check.problem);
    return result;
}

Expected<NumericCheck> runNumericCheck(const TeachResult& result, uint64_t seed, const std::atomic<bool>* cancel) {
    NumericCheck check;
    check.maxAbsDiff.assign(size_t(result.numPasses()), -1.0);
    Expected<cpu::TensorMap> inputs = cpu::makeRandomInputs(*result.states[0], seed);
    if (!inputs) {
        check.problem = inputs.status().message();
        return check;
    }
    Expected<cpu::TensorMap> previous = runReference(*result.states[0], *inputs);
    for (int i = 0; i < result.numPasses() && previous; ++i) {
        if (cancel && cancel->load()) return Status(StatusCode::Cancelled, "cancelled");
        // A pass that changed nothing computes the same numbers: no need to run it again.
        const passes::PassRecord& p = result.log.passes()[size_t(i)];
        if (p.rewrites.empty() && p.diff.removedNodes.empty() && p.diff.upsertedNodes.empty()) {
            check.maxAbsDiff[size_t(i)] = 0.0;
            continue;
        }
        Expected<cpu::TensorMap> next = runReference(*result.states[size_t(i) + 1], *inputs);
        if (!next) {
            previous = next;
            break;
        }
        check.maxAbsDiff[size_t(i)] = maxAbsDifference(*previous, *next);
        previous = std::move(next);
    }
    if (!previous) check.problem = previous.status().message();
    return check;
}

}  // namespace kiln::views
