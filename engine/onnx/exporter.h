// ir::Graph -> ONNX. Initializers are written as raw little-endian data; names, attributes,
// opsets and metadata are preserved, so import -> export -> import is lossless.
#pragma once

#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::onnx {

Expected<std::string> exportModelBytes(const ir::Graph& graph);
// Writes to a temporary file beside path and renames it into place.
Status exportModelFile(const ir::Graph& graph, const std::string& path);

}  // namespace kiln::onnx
