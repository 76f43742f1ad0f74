// LeNet-5 built layer by layer through kiln::NetworkDefinition, with the weights of
// samples/data/lenet5.wts (tools/onnx_to_wts.py of resources/models/lenet5.onnx). Used by
// kiln-sample-lenet-api and by tests/test_network_api.cpp, which checks it against the ONNX model.
#pragma once

#include <map>
#include <string>

#include "builder/network.h"
#include "core/host_tensor.h"
#include "core/status.h"

namespace kiln::samples {

// input "input" [N, 1, 28, 28] -> conv1 (6 maps, 5x5, pad 2) -> relu1 -> pool1 (max 2x2 / 2)
//   -> conv2 (16 maps, 5x5) -> relu2 -> pool2 (max 2x2 / 2) -> fc1 (120) -> relu3 -> fc2 (84)
//   -> relu4 -> fc3 (10) -> output "logits" [N, 10]
// Fails (naming the tensor) when a weight is missing, or with the network's error.
Status buildLeNet5(NetworkDefinition& network, const std::map<std::string, HostTensor>& weights);

}  // namespace kiln::samples
