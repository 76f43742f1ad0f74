// Kiln's own epilogue, for the parts of a fused layer's epilogue that cuDNN or cuBLASLt cannot
// run inside the convolution / GEMM (an activation they lack, a bias that is not one value per
// output channel, a residual next to such a bias). It runs in place on the layer's output:
//   y[i] = act(y[i] + biasScale * bias[(i / biasDiv) % biasMod] + residual[i])
// with every term optional. Float or float16 storage, float arithmetic, the activation exactly as
// the CPU reference computes it (ops/activation_fn.h: erf GELU, x * sigmoid(x) for SiLU, ...).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "core/data_type.h"
#include "core/status.h"
#include "ops/activation_fn.h"

namespace kiln::cuda {

struct EpilogueLaunch {
    void* y = nullptr;  // the output, read and written in place
    DataType type = DataType::Float32;  // Float32 or Float16, for y, bias and residual
    int64_t count = 0;                  // elements of y

    // The bias element of output i is bias[(i / biasDiv) % biasMod]: for an NCHW convolution
    // biasDiv = H * W and biasMod = channels, for an NHWC one biasDiv = 1 and biasMod = channels
    // (the GEMM form below); for a row-major [rows, n] GEMM output a bias [n] has
    // biasDiv = 1, biasMod = n, a bias [rows, 1] has biasDiv = n, biasMod = rows.
    const void* bias = nullptr;
    float biasScale = 1.0f;
    int64_t biasDiv = 1, biasMod = 1;

    const void* residual = nullptr;  // of y's shape and type
    ops::Activation activation;

    bool empty() const { return !bias && !residual && activation.kind == ops::ActivationKind::None; }
};

// Launches the epilogue on `stream` (nothing when e.empty() or e.count == 0). Never synchronizes.
Status launchEpilogue(const EpilogueLaunch& e, cudaStream_t stream);

}  // namespace kiln::cuda
