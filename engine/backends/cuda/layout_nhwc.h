// The CUDA backend's layout pass: convolutional regions run in NHWC (channels last), the layout
// cuDNN's tensor-core convolutions want, instead of ONNX's NCHW.
//
// Inside a region every 4-D activation is a real NHWC tensor: its value's logical dims are
// [N, H, W, C] (the shape is permuted, names are kept). Layers whose meaning depends on the
// layout (Conv, kiln.FusedConv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool) carry
// kiln_layout = "NHWC"; elementwise layers run unchanged on the permuted tensors once their
// constant operands are permuted too; Concat's axis is renumbered. Region boundaries get Transpose
// layers (kiln_reformat = 1), named Reformat_<value>_nhwc (perm [0, 2, 3, 1]) and
// Reformat_<value>_nchw (perm [0, 3, 1, 2]); graph inputs and outputs keep their layout.
#pragma once

#include "core/logger.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln::cuda {

// The attribute and its value on layers that compute in NHWC (read by the cuDNN convolution and
// pooling tactics and by the CPU reference kernels, ops/layout_nhwc.cpp).
inline constexpr const char* kLayoutAttr = "kiln_layout";
inline constexpr const char* kLayoutNhwc = "NHWC";
bool isNhwcLayer(const ir::Node& n);

// Rewrites every region that contains a Conv or kiln.FusedConv into NHWC and sorts the graph.
// A region grows from a convolution through the layers that can take NHWC tensors (see
// layout_nhwc.cpp); nothing changes in a graph without convolutions. It rewrites value shapes,
// so it must run before anything reads them (the builder's computeDims).
Status convertConvRegionsToNhwc(ir::Graph& g, Logger& log);

}  // namespace kiln::cuda
