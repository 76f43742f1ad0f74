// MaxPool and AveragePool in NHWC (kiln_layout = "NHWC", set by layout_nhwc.cpp) through cuDNN's
// pooling. Kiln's own pooling kernels (own_tactics_pool.cpp) are NCHW; their tactic source hands
// NHWC layers to this one.
#pragma once

#include <vector>

#include "backends/cuda/layer_kernel.h"

namespace kiln::cuda {

// One tactic, "cudnn.pool.nhwc", for a 2-D window with symmetric pads, no dilation and floor
// rounding (ceil_mode 0); unsupported() naming the attribute otherwise.
Expected<std::vector<Tactic>> cudnnNhwcPoolTactics(const TacticQuery& q);

}  // namespace kiln::cuda
