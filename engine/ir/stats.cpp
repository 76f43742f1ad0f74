#include "ir/stats.h"

namespace kiln::ir {

GraphStats computeStats(const Graph& graph) {
    GraphStats s;
    for (auto& n : graph.nodes()) {
        ++s.nodes;
        ++s.opCounts[n->domain().empty() ? n->opType() : n->domain() + "::" + n->opType()];
    }
    for (const Value* v : graph.values()) {
        if (const HostTensor* t = v->constant()) {
            ++s.constants;
            s.parameters += t->numel();
            s.parameterBytes += static_cast<int64_t>(t->byteSize());
        }
    }
    return s;
}

}  // namespace kiln::ir
