// Runs an ir::Graph node by node with the CPU reference kernels. This is the numerical
// reference every optimized path is checked against, so it favours clarity over speed.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/host_tensor.h"
#include "core/status.h"
#include "ir/graph.h"
#include "ops/op_registry.h"

namespace kiln::cpu {

using TensorMap = std::map<std::string, HostTensor>;

struct NodeTiming {
    const ir::Node* node = nullptr;
    double milliseconds = 0.0;
};

class CpuExecutor {
public:
    // The graph must outlive the executor and be topologically sorted.
    explicit CpuExecutor(const ir::Graph& graph, const ops::OpRegistry& registry = ops::OpRegistry::builtin());

    // Resolves a kernel for every node. Reports every node without one in a single error.
    Status prepare();

    // Feeds the runtime inputs (by name; each checked against its declared type and shape) and
    // returns every graph output. Intermediate tensors are released after their last use.
    Expected<TensorMap> run(const TensorMap& inputs);

    // Called after each node with its outputs (for per-node debugging, timing and tests).
    using NodeCallback = std::function<void(const ir::Node&, const std::vector<HostTensor>&)>;
    void setNodeCallback(NodeCallback cb) { m_callback = std::move(cb); }
    // Where each node's outputs go (a memory plan's arena), indexed [node][output] in graph
    // order; empty = every output allocated on its own.
    void setOutputPlacements(std::vector<std::vector<ops::OutputPlacement>> placements) {
        m_placements = std::move(placements);
    }
    // Per-node wall time of the last run.
    const std::vector<NodeTiming>& timings() const { return m_timings; }

private:
    Status checkInput(const ir::Value& v, const HostTensor& t) const;

    const ir::Graph& m_graph;
    const ops::OpRegistry& m_registry;
    std::vector<const ops::OpDef*> m_kernels;  // parallel to graph.nodes()
    std::vector<NodeTiming> m_timings;
    NodeCallback m_callback;
    std::vector<std::vector<ops::OutputPlacement>> m_placements;
    bool m_prepared = false;
};

// Unsupported-op check without running: every (node, reason) the CPU backend cannot execute.
Status checkSupported(const ir::Graph& graph, const ops::OpRegistry& registry = ops::OpRegistry::builtin());

// Random inputs for every runtime input of the graph; symbolic or unknown dims take the value
// in symbolValues (by symbol name) or defaultDim. Floats uniform in [-1, 1), integers in [0, 8).
Expected<TensorMap> makeRandomInputs(const ir::Graph& graph, uint64_t seed,
                                     const std::map<std::string, int64_t>& symbolValues = {},
                                     int64_t defaultDim = 1);

}  // namespace kiln::cpu
