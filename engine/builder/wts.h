// The plain-text .wts weights format of tensorrtx, for networks built through the API:
//
//   2                                   <- number of tensors
//   conv1.weight 3 3f800000 bf800000 0  <- name, value count, each float32 as its IEEE bit pattern in hex
//   conv1.bias 1 3dcccccd
//
// Tensors are read as 1-D float32; the network code gives them their dims.
#pragma once

#include <map>
#include <string>

#include "core/host_tensor.h"
#include "core/status.h"

namespace kiln {

// Errors name the line: a bad count, a bad hex word, fewer or more words than declared, a
// duplicate name, fewer tensors than declared, or content after the last one.
Expected<std::map<std::string, HostTensor>> readWtsFile(const std::string& path);
Expected<std::map<std::string, HostTensor>> parseWts(const std::string& text, const std::string& sourceName = "wts");
// Writes float32 tensors (any dims; flattened) in name order, 8 lower-case hex digits per value.
std::string formatWts(const std::map<std::string, HostTensor>& tensors);
Status writeWtsFile(const std::string& path, const std::map<std::string, HostTensor>& tensors);

}  // namespace kiln
