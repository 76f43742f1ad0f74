// OnnxParser: fills a NetworkDefinition from an ONNX model (TensorRT's nvonnxparser::IParser).
// The importer (onnx/importer.h) checks, shape-infers and converts the model; every node becomes
// an Onnx layer of the network, and the network records the model's SHA-256 and name for the
// plan's passport.
//
//   kiln::NetworkDefinition network(logger);
//   kiln::OnnxParser parser(network, logger);
//   if (kiln::Status s = parser.parseFromFile("model.onnx"); !s.isOk()) { ... s.toString() ... }
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/status.h"
#include "onnx/importer.h"

namespace kiln {

class NetworkDefinition;

class OnnxParser {
public:
    explicit OnnxParser(NetworkDefinition& network, Logger& logger = defaultLogger());

    // Reads and imports an .onnx file; external data files are read from its folder. The
    // network must be empty. Errors name the file.
    Status parseFromFile(const std::string& path);
    // Imports a serialized model (external data is refused: there is no folder to read it from).
    Status parse(const void* data, size_t size, const std::string& modelName = "model");

    // What the importer is asked to do (checker, shape inference, supported-op check).
    onnx::ImportOptions& importOptions() { return m_options; }

    // Errors of the parse calls so far, oldest first (each also went to the logger).
    int numErrors() const { return static_cast<int>(m_errors.size()); }
    const Status& error(int index) const;
    void clearErrors() { m_errors.clear(); }

private:
    Status finish(Expected<std::unique_ptr<ir::Graph>> graph, const void* data, size_t size, const std::string& modelName);
    Status fail(Status s);

    NetworkDefinition& m_network;
    Logger& m_logger;
    onnx::ImportOptions m_options;
    std::vector<Status> m_errors;
};

}  // namespace kiln
