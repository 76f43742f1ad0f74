// Summary numbers of a graph: op histogram, parameters, for model summaries and the inspector.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ir/graph.h"

namespace kiln::ir {

struct GraphStats {
    int nodes = 0;
    std::map<std::string, int> opCounts;  // "Conv" -> 11 (domain-qualified for non-default domains)
    int64_t parameters = 0;               // elements in constant tensors (initializers)
    int64_t parameterBytes = 0;
    int constants = 0;                    // initializer count
};

GraphStats computeStats(const Graph& graph);

}  // namespace kiln::ir
