// The inspector's plugin sections, as HTML: for an ONNX node a loaded plugin provides, the plugin
// (type, version, namespace), its library and hash and the attributes it reads; for a node whose
// op nobody implements, what to do about it; for an engine layer built as a plugin layer, the
// plugin's version, library and the size of its serialized parameters; for a plan, the plugins it
// needs, each loaded, missing or loaded in another version in this process.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "plan/plan.h"

namespace kiln::views {

class EngineModel;

// A plugin a plan needs, compared with what the registry has loaded.
struct RequiredPlugin {
    enum class State { Loaded, OtherBuild, OtherVersion, Missing };
    plan::PluginRecord record;
    State state = State::Missing;
    std::string loadedVersion;  // the registry's, when loaded in any version
    std::string loadedLibrary;  // its library path ("" in-process)
};

// The plan's plugin records; for a report (whose plan lists none) the ones its layers name.
std::vector<RequiredPlugin> requiredPlugins(const EngineModel& engine);
RequiredPlugin::State pluginState(const plan::PluginRecord& record, std::string* loadedVersion = nullptr,
                                  std::string* loadedLibrary = nullptr);

class PluginText {
    Q_DECLARE_TR_FUNCTIONS(PluginText)
public:
    // "BatchedNMS 1 (kiln.samples)"
    static QString title(const std::string& type, const std::string& version, const std::string& domain);
    // An ONNX model: the plugins its nodes use and the ops nobody implements; empty when neither.
    static QString modelSection(const ir::Graph& graph);
    // An ONNX node: the plugin that provides it, or why it cannot run; empty for ordinary ops.
    static QString nodeSection(const ir::Node& node);
    // An engine layer built as a plugin layer; empty for other layers.
    static QString layerSection(const EngineModel& engine, const ir::Node& node);
    // The engine's plugins; empty when it needs none.
    static QString engineSection(const EngineModel& engine);
    // Attributes Kiln keeps on plugin layers (version, serialized data): shown by layerSection.
    static bool isInternalAttribute(const std::string& name);

private:
    static QString stateText(const RequiredPlugin& p);
    static QString libraryName(const std::string& path);
};

}  // namespace kiln::views
