// The in-memory form of a plan: everything the builder decided, everything the runtime needs to
// run it, and everything a report or the studio shows about it. plan_format.cpp writes and reads
// it as a .plan file (docs/plan-format.md): versioned, checksummed, every offset bounds-checked.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::plan {

// Bumped on every incompatible change of the file layout; readers refuse other versions.
inline constexpr uint32_t kFormatVersion = 1;

// Where and how a plan was built. The runtime compares it with the device it runs on.
struct Passport {
    std::string kilnVersion;        // KILN_VERSION of the builder
    std::string backend;            // "cpu" or "cuda"
    std::string deviceName;         // CPU model name or GPU name
    int computeCapabilityMajor = 0; // CUDA only
    int computeCapabilityMinor = 0;
    int multiprocessorCount = 0;    // SMs (CUDA) or logical cores (CPU)
    std::string cudaVersion;        // "13.0"; empty for CPU plans
    std::string cudnnVersion;
    std::string cublasVersion;
    std::string buildOptions;       // the BuilderConfig in its canonical one-line text form
    std::string sourceModelSha256;  // hex SHA-256 of the .onnx bytes; empty for API-built networks
    std::string sourceModelName;    // file name of the source model, or the network's name
    int64_t createdUnixSeconds = 0;
};

// One timed implementation candidate of a layer.
struct TacticCandidate {
    std::string tactic;            // e.g. "cpu.reference", "cudnn.conv.algo3.nhwc.fp16"
    double milliseconds = -1.0;    // median time; < 0 when not timed
    bool chosen = false;
    std::string rejected;          // why it was not usable ("NaN in output", "needs 2 GiB workspace"), or ""
    std::string precision;         // the precision it was timed at ("FP16"); empty = the layer's
};

// What the builder chose for one layer; parallel to Plan::network->nodes() (same order).
// The layer's type, attributes, inputs, outputs and origin nodes live on the graph node.
struct LayerRecord {
    std::string precision = "FP32";   // "FP32", "TF32", "FP16", "INT8"
    std::string tactic;               // the chosen candidate's name
    double milliseconds = -1.0;       // its time, when timed
    std::vector<TacticCandidate> candidates;
};

// Where one activation tensor lives in the arena. A buffer either owns bytes
// [offset, offset + bytes) or aliases `aliasOf` at aliasOffset (a view: Reshape, a Concat slice,
// a Split piece), in which case offset is the resolved absolute offset.
struct BufferRecord {
    std::string tensor;
    int64_t offset = -1;       // -1: sized at run time (data-dependent shape), not in the arena
    int64_t bytes = 0;         // at the profile's max shapes
    int firstLayer = -1;       // index of the producing layer (-1: bound by the caller)
    int lastLayer = -1;        // index of the last consumer (numLayers for graph outputs)
    std::string aliasOf;       // empty unless a view
    int64_t aliasOffset = 0;   // bytes into aliasOf
};

struct MemoryPlan {
    int64_t alignment = 256;
    int64_t arenaBytes = 0;    // one arena for all activations at max shapes
    int64_t noReuseBytes = 0;  // what separate buffers for every tensor would take
    std::vector<BufferRecord> buffers;
};

// min / opt / max dims of one input in one optimization profile.
struct ShapeRange {
    std::vector<int64_t> min, opt, max;
};
struct Profile {
    std::vector<std::pair<std::string, ShapeRange>> inputs;  // every runtime input, in IO order
};

// An INT8 activation scale from calibration or a Q/DQ model.
struct CalibrationRecord {
    std::string tensor;
    float scale = 0.0f;
    float amax = 0.0f;
};

// A plugin the plan needs (plugin/kiln_plugin.h). The runtime refuses the plan when no plugin of
// this op type, namespace and version is loaded; a library of another hash only gets a warning
// (a rebuilt library of the same version).
struct PluginRecord {
    std::string type;         // op type
    std::string domain;       // namespace ("" = ai.onnx)
    std::string version;
    std::string library;      // file name of the library it was built with ("" = in-process)
    std::string libraryHash;  // XXH64 of that file, 16 hex digits
    std::vector<std::string> layers;  // the layers that use it
};

struct Plan {
    Passport passport;
    // The engine network: nodes are layers (ONNX or kiln-domain op types with attributes and
    // origins), values carry dtype and (symbolic) shape, constants are the weights, graph
    // inputs/outputs are the IO tensors in binding order. Topologically sorted.
    std::unique_ptr<ir::Graph> network;
    std::vector<LayerRecord> layers;
    MemoryPlan memory;
    std::vector<Profile> profiles;
    std::vector<CalibrationRecord> calibration;
    std::vector<PluginRecord> plugins;  // empty for plans without plugin layers
    std::string passLogJson;  // the optimizer's PassLog ("kiln-passlog" JSON), may be empty
};

}  // namespace kiln::plan
