// ONNX -> ir::Graph. Runs libonnx's checker and shape inference, converts initializers
// (including external data, confined to the model's folder), Constant nodes stay nodes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/host_tensor.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln::onnx {

struct ImportOptions {
    bool runChecker = true;          // onnx::checker::check_model
    bool inferShapes = true;         // onnx::shape_inference with data propagation
    bool requireSupportedOps = true; // fail (listing every node) when an op has no CPU kernel
};

// Reads and imports an .onnx file. External data files are resolved against its folder.
Expected<std::unique_ptr<ir::Graph>> importModelFile(const std::string& path, const ImportOptions& options = {});
// Imports a serialized ModelProto. baseDir is where external data lives ("" refuses external data).
Expected<std::unique_ptr<ir::Graph>> importModelBytes(const void* data, size_t size, const std::string& baseDir = {},
                                                      const ImportOptions& options = {});

// Reads a serialized TensorProto (.pb, as in ONNX's test data).
Expected<HostTensor> readTensorFile(const std::string& path);
// Writes one (atomically).
Status writeTensorFile(const HostTensor& tensor, const std::string& name, const std::string& path);

}  // namespace kiln::onnx
