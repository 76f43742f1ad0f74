// Builder: NetworkDefinition + BuilderConfig -> serialized plan (TensorRT's IBuilder /
// buildSerializedNetwork). The build runs: optimizer passes (PassLog kept), shape
// specialization for each profile, precision and tactic choice per layer (the CPU backend has
// one tactic per layer; the CUDA backend times its candidates), memory planning, serialization.
//
//   kiln::Builder builder(logger);
//   auto network = builder.createNetwork();
//   kiln::OnnxParser parser(*network, logger);
//   KILN_RETURN_IF_ERROR(parser.parseFromFile("model.onnx"));
//   kiln::BuilderConfig config;
//   KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> plan, builder.buildSerializedNetwork(*network, config));
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "builder/build_config.h"
#include "core/logger.h"
#include "core/status.h"
#include "plan/plan.h"

namespace kiln {

class NetworkDefinition;

// Timings of one build, by phase, in milliseconds.
struct BuildTimings {
    double optimizeMs = 0, shapesMs = 0, tacticsMs = 0, memoryMs = 0, serializeMs = 0, totalMs = 0;
};

class Builder {
public:
    explicit Builder(Logger& logger = defaultLogger());

    std::unique_ptr<NetworkDefinition> createNetwork() const;

    // Builds and serializes. The network is not modified (the builder works on a copy).
    Expected<std::vector<uint8_t>> buildSerializedNetwork(const NetworkDefinition& network,
                                                          const BuilderConfig& config);
    // The same, stopping before serialization (the studio and tests look at the Plan directly).
    Expected<plan::Plan> buildPlan(const NetworkDefinition& network, const BuilderConfig& config);

    const BuildTimings& lastTimings() const { return m_timings; }

private:
    Logger& m_logger;
    BuildTimings m_timings;
};

}  // namespace kiln
