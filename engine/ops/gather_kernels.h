// Kernels of the gather family (registered by registerGatherOps in gather_ops.cpp) that live in
// their own files.
#pragma once

#include "ops/op_registry.h"

namespace kiln::ops {

Status scatterElementsKernel(KernelContext& ctx);  // gather_scatter.cpp (also serves Scatter)
Status scatterNDKernel(KernelContext& ctx);        // gather_scatter.cpp
Status uniqueKernel(KernelContext& ctx);           // gather_unique.cpp

// An index along an axis of size dim, negative counting from the end; error when outside.
Expected<int64_t> resolveIndex(const KernelContext& ctx, int64_t index, int64_t dim);

}  // namespace kiln::ops
