#include "builder/onnx_parser.h"

#include <filesystem>

#include "builder/network.h"
#include "core/file_io.h"
#include "plan/plan_format.h"

namespace kiln {

namespace fs = std::filesystem;

OnnxParser::OnnxParser(NetworkDefinition& network, Logger& logger) : m_network(network), m_logger(logger) {}

const Status& OnnxParser::error(int index) const {
    static const Status none;
    return index >= 0 && index < numErrors() ? m_errors[size_t(index)] : none;
}

Status OnnxParser::fail(Status s) {
    m_logger.log(Severity::Error, s.toString());
    m_errors.push_back(s);
    return s;
}

Status OnnxParser::parseFromFile(const std::string& path) {
    auto bytes = readWholeFile(path);
    if (!bytes) return fail(bytes.status());
    const fs::path p(path);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    auto graph = onnx::importModelBytes(bytes->data(), bytes->size(), dir, m_options);
    if (!graph) return fail(Status(graph.status()).prefix(p.filename().string()));
    return finish(std::move(graph), bytes->data(), bytes->size(), p.filename().string());
}

Status OnnxParser::parse(const void* data, size_t size, const std::string& modelName) {
    if (!data && size > 0) return fail(invalidArgument("parse: the model data is null"));
    return finish(onnx::importModelBytes(data, size, {}, m_options), data, size, modelName);
}

Status OnnxParser::finish(Expected<std::unique_ptr<ir::Graph>> graph, const void* data, size_t size,
                          const std::string& modelName) {
    if (!graph) return fail(Status(graph.status()).prefix(modelName));
    const int nodes = (*graph)->numNodes();
    if (Status s = m_network.adoptGraph(std::move(graph).value()); !s.isOk()) return fail(std::move(s));
    m_network.setSourceModel(plan::sha256Hex(data, size), modelName);
    if (m_network.graph().info().graphName.empty()) m_network.setName(fs::path(modelName).stem().string());
    m_logger.log(Severity::Info, "parsed " + modelName + ": " + std::to_string(nodes) + " nodes, " +
                                     std::to_string(m_network.numInputs()) + " inputs, " +
                                     std::to_string(m_network.numOutputs()) + " outputs");
    return Status::ok();
}

}  // namespace kiln
