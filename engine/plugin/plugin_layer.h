// Plugin layers inside Kiln: how a node whose op a registered plugin provides is turned into an
// IPlugin, asked for its output types and shapes, serialized into a plan and run on the CPU.
// Every call into plugin code goes through guarded(), which turns error codes, null results and
// exceptions into a Status that names the plugin and the layer.
//
// Attributes Kiln keeps on a plugin node (they start with "kiln_" and are never handed to the
// plugin as fields, except the kiln_activation* ones of a fused activation):
//   kiln_plugin_version  the creator's version when the plan was built (string)
//   kiln_plugin_data     the plugin's serialized parameters (uint8 tensor), set by the builder;
//                        when present the runtime deserializes the plugin from it
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data_type.h"
#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"
#include "plugin/kiln_plugin.h"
#include "plugin/plugin_registry.h"

namespace kiln::passes {
class DimAlgebra;
}
namespace kiln::ops {
struct OpDef;
}

namespace kiln::plugins {

inline constexpr const char* kVersionAttr = "kiln_plugin_version";
inline constexpr const char* kDataAttr = "kiln_plugin_data";

// Whether a registered plugin serves n's (domain, op type) and no built-in op does.
bool isPluginNode(const ir::Node& n);
// Whether the node was built as a plugin layer (it carries kiln_plugin_version), whether or not
// the plugin is loaded in this process: for plans opened without their plugins.
bool isBuiltPluginNode(const ir::Node& n);

// A plugin instance for one node, destroyed with the handle.
struct PluginInstance {
    std::unique_ptr<plugin::IPlugin> plugin;
    PluginInfo info;
    std::string layer;  // node name
};

// Makes the plugin for n: from kiln_plugin_data when the node has it, else from its attributes.
Expected<PluginInstance> instantiate(const ir::Node& n);

// Runs f(), catching what a plugin may throw: "plugin BatchedNMS 1 (lib.so), layer 'nms':
// <what>". f returns a Status.
template <typename F>
Status guarded(const PluginInstance& p, const char* what, F&& f);

// The status of a plugin call that returned `code` (non-zero = failure), with its getLastError().
Status callStatus(const PluginInstance& p, const char* what, int32_t code);

// Output element types from the input types (Undefined inputs are passed as kFLOAT).
Expected<std::vector<DataType>> outputTypes(PluginInstance& p, const std::vector<DataType>& inputTypes);
// Output shapes from symbolic input shapes (inputs of unknown rank fail).
Expected<std::vector<Shape>> outputShapes(PluginInstance& p, const std::vector<Shape>& inputs,
                                          passes::DimAlgebra& dims);
// Output types and shapes for the node's inputs (each present; shapes may be symbolic), checked
// against the node's output count: what import checks and what the network API types outputs with.
struct LayerOutputs {
    std::vector<DataType> types;
    std::vector<Shape> shapes;
};
Expected<LayerOutputs> layerOutputs(PluginInstance& p, const ir::Node& n, passes::DimAlgebra& dims);
// Output dims at concrete input dims.
Expected<std::vector<std::vector<int64_t>>> outputDims(PluginInstance& p,
                                                       const std::vector<std::vector<int64_t>>& inputs);

// Builder step: stores the plugin's version and serialized parameters on the node (replacing
// earlier ones) so the plan carries them.
Status stampNode(ir::Node& n);

// The Kiln <-> plugin type mapping; nullopt for types the plugin API does not have.
std::optional<plugin::DataType> toPluginType(DataType t);
DataType fromPluginType(plugin::DataType t);
plugin::TensorDesc tensorDesc(DataType t, const std::vector<int64_t>& dims);

// The CPU reference OpDef for plugin ops of (domain, type): created on first use, stable.
const ops::OpDef* cpuOpDef(const std::string& domain, const std::string& type);

// The names of fusable activations ("Relu" -> kRELU); nullopt for others.
std::optional<plugin::ActivationKind> activationKind(const std::string& onnxOpType);

// --- template implementation ---
template <typename F>
Status guarded(const PluginInstance& p, const char* what, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        return Status(StatusCode::Internal,
                      "plugin " + p.info.describe() + " threw in " + what + ": " + e.what(), p.layer,
                      p.info.type);
    } catch (...) {
        return Status(StatusCode::Internal, "plugin " + p.info.describe() + " threw an unknown exception in " + what,
                      p.layer, p.info.type);
    }
}

}  // namespace kiln::plugins
