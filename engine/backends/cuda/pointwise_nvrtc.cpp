// Filled in by the tactic family's author this session.
#include "backends/cuda/layer_kernel.h"

namespace kiln::cuda {

void registerPointwiseTactics(TacticRegistry&) {}

}  // namespace kiln::cuda
