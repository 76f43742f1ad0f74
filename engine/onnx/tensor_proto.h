// TensorProto <-> HostTensor conversion, shared by the importer, the exporter and readTensorFile.
#pragma once

#include <string>

#include "core/file_io.h"
#include "core/host_tensor.h"
#include "core/status.h"

namespace onnx {
class TensorProto;
class TypeProto;
}

namespace kiln::onnx {

// baseDir: folder that external data must stay inside ("" = external data refused).
Expected<HostTensor> tensorFromProto(const ::onnx::TensorProto& proto, const std::string& baseDir);
void tensorToProto(const HostTensor& t, const std::string& name, ::onnx::TensorProto* proto);

// Reads an external-data file range, refusing paths that leave baseDir.
Expected<std::string> readExternalData(const std::string& baseDir, const std::string& location, int64_t offset,
                                       int64_t length, const std::string& tensorName);

// The bytes of a TensorProto stored as external data (location/offset/length keys).
Expected<std::string> readExternalTensorData(const ::onnx::TensorProto& t, const std::string& baseDir);


}  // namespace kiln::onnx
