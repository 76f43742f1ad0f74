// Optimization profiles against a network's inputs: validation, and the concrete dims every
// symbolic dim takes at the profiles' max shapes (what the memory plan is sized for).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "builder/build_config.h"
#include "core/status.h"
#include "ir/graph.h"
#include "plan/plan.h"

namespace kiln {

// One plan::Profile per config profile (or a single one from the static input shapes when the
// config has none), covering every runtime input. Fails with a message naming the input and dim
// when a profile misses a dynamic input, names an unknown input, disagrees with a static dim or
// the rank, or when all inputs are static and no profile is needed but one contradicts them.
Expected<std::vector<plan::Profile>> resolveProfiles(const ir::Graph& g, const std::vector<OptimizationProfile>& profiles);

// Symbol -> the largest value it takes at any profile's max shapes. Fails when two inputs give
// one symbol different values within a profile (e.g. "batch" 8 in one input and 4 in another).
Expected<std::map<std::string, int64_t>> maxSymbolValues(const ir::Graph& g, const std::vector<plan::Profile>& profiles);

// Symbol -> its value at the first profile's opt shapes (what the CUDA builder times tactics at).
Expected<std::map<std::string, int64_t>> optSymbolValues(const ir::Graph& g, const std::vector<plan::Profile>& profiles);

// Bytes of v once symbols take the given values; -1 when a dim stays unknown.
int64_t bytesAtShapes(const ir::Value& v, const std::map<std::string, int64_t>& symbols);

}  // namespace kiln
