// Kernels of the tensor family (registered by registerTensorOps in tensor_ops.cpp) that live in
// their own files to keep each file to one kind of op.
#pragma once

#include "ops/op_registry.h"

namespace kiln::ops {

Status padKernel(KernelContext& ctx);              // tensor_pad.cpp
Status reverseSequenceKernel(KernelContext& ctx);  // tensor_select.cpp
Status compressKernel(KernelContext& ctx);         // tensor_select.cpp

}  // namespace kiln::ops
