#include "runtime/runtime.h"

#include <nlohmann/json.hpp>

#include "builder/memory_planner.h"
#include "plan/plan_format.h"
#include "plugin/plugin_registry.h"
#include "runtime/engine_impl.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/cuda_builder.h"
#endif

namespace kiln {

namespace {

// Every plugin the plan needs must be loaded, in the version it was built with. A library of
// another hash (a rebuild of the same version) runs with a warning.
Status checkPlugins(const std::vector<plan::PluginRecord>& needed, Logger& logger) {
    std::string missing;
    for (const plan::PluginRecord& r : needed) {
        const std::string op = r.type + " (" + (r.domain.empty() ? std::string("ai.onnx") : r.domain) + ")";
        const std::string from = r.library.empty() ? std::string() : " from " + r.library;
        auto loaded = plugins::PluginRegistry::global().find(r.domain, r.type);
        if (!loaded) {
            missing += "\n  plugin " + op + " version " + r.version + from + " is not loaded";
            continue;
        }
        if (loaded->version != r.version) {
            missing += "\n  plugin " + op + " is loaded in version " + loaded->version + " (" + loaded->describe() +
                       "), but the plan was built with version " + r.version + from;
            continue;
        }
        if (!r.libraryHash.empty() && !loaded->libraryHash.empty() && r.libraryHash != loaded->libraryHash)
            logger.log(Severity::Warning, "plugin " + op + ": the loaded library (" + loaded->describe() +
                                              ") is not the file the plan was built with (" + r.library + ", xxh64 " +
                                              r.libraryHash + "); same version, so the plan runs");
    }
    if (missing.empty()) return Status::ok();
    return unsupported("the plan needs plugins that are not available (load them with --plugins):" + missing);
}

}  // namespace

// --- Runtime ----------------------------------------------------------------------------------

Runtime::Runtime(Logger& logger, RuntimeOptions options) : m_logger(logger), m_options(options) {}

Expected<std::unique_ptr<Engine>> Runtime::deserializeEngine(const void* data, size_t size) const {
    KILN_ASSIGN_OR_RETURN(plan::Plan p, plan::deserializePlan(data, size));
    return createEngine(std::move(p));
}

Expected<std::unique_ptr<Engine>> Runtime::deserializeEngineFile(const std::string& path) const {
    auto p = plan::readPlanFile(path);
    if (!p) return Status(p.status()).prefix(path);
    return createEngine(std::move(p).value());
}

Expected<std::unique_ptr<Engine>> Runtime::createEngine(plan::Plan p) const {
    if (!p.network) return invalidArgument("the plan has no network");
    if (p.passport.backend != "cpu") {
        plan::Passport here = plan::currentCpuPassport();
#ifdef KILN_HAVE_CUDA
        // A CUDA plan needs this machine's GPU; without one, the CPU passport makes the message.
        if (p.passport.backend == "cuda")
            if (auto gpu = cuda::currentCudaPassport()) here = *gpu;
#endif
        KILN_RETURN_IF_ERROR(plan::checkPassportCompatible(p.passport, here, m_options.allowForeignDevice));
    }
    if (p.passport.kilnVersion != KILN_VERSION)
        m_logger.log(Severity::Warning, "the plan was built by Kiln " + p.passport.kilnVersion + "; this is Kiln " +
                                            KILN_VERSION + " (same plan format, so it loads)");
    KILN_RETURN_IF_ERROR(checkPlugins(p.plugins, m_logger));
    if (p.layers.size() != size_t(p.network->numNodes()))
        return invalidModel("the plan lists " + std::to_string(p.layers.size()) + " layer records for " +
                            std::to_string(p.network->numNodes()) + " layers");
    if (std::string conflict = findMemoryPlanConflict(p.memory); !conflict.empty())
        return invalidModel("the plan's memory plan is inconsistent: " + conflict);
    auto plan = std::make_unique<plan::Plan>(std::move(p));
    return std::unique_ptr<Engine>(new Engine(std::move(plan), m_logger));
}

// --- Engine -----------------------------------------------------------------------------------

Engine::Engine(std::unique_ptr<plan::Plan> p, Logger& logger)
    : m_plan(std::move(p)), m_impl(std::make_unique<Impl>()), m_logger(logger) {
    const ir::Graph& g = *m_plan->network;
    for (const ir::Value* v : g.runtimeInputs()) m_impl->io.push_back({v->name(), TensorIOMode::Input, v});
    for (const ir::Value* v : g.outputs()) m_impl->io.push_back({v->name(), TensorIOMode::Output, v});
    for (size_t i = 0; i < m_impl->io.size(); ++i) m_impl->ioIndex[m_impl->io[i].name] = i;
    for (const plan::BufferRecord& b : m_plan->memory.buffers) m_impl->buffers[b.tensor] = &b;
    for (const ir::Value* v : g.values())
        if (v->constant()) m_impl->weightsBytes += int64_t(v->constant()->byteSize());
}

Engine::~Engine() = default;

int Engine::numIOTensors() const { return int(m_impl->io.size()); }

std::string Engine::ioTensorName(int index) const {
    return index >= 0 && index < numIOTensors() ? m_impl->io[size_t(index)].name : std::string();
}

TensorIOMode Engine::tensorIOMode(const std::string& name) const {
    auto it = m_impl->ioIndex.find(name);
    return it == m_impl->ioIndex.end() ? TensorIOMode::None : m_impl->io[it->second].mode;
}

DataType Engine::tensorDataType(const std::string& name) const {
    auto it = m_impl->ioIndex.find(name);
    return it == m_impl->ioIndex.end() ? DataType::Undefined : m_impl->io[it->second].value->dtype();
}

std::vector<int64_t> Engine::tensorShape(const std::string& name) const {
    auto it = m_impl->ioIndex.find(name);
    if (it == m_impl->ioIndex.end()) return {};
    const Shape& s = m_impl->io[it->second].value->shape();
    std::vector<int64_t> dims;
    for (const Dim& d : s.dims()) dims.push_back(d.isKnown() ? d.value : -1);
    return dims;
}

int Engine::numOptimizationProfiles() const { return int(m_plan->profiles.size()); }

const plan::ShapeRange* Engine::profileShape(const std::string& input, int profile) const {
    if (profile < 0 || profile >= numOptimizationProfiles()) return nullptr;
    for (auto& [name, range] : m_plan->profiles[size_t(profile)].inputs)
        if (name == input) return &range;
    return nullptr;
}

int Engine::numLayers() const { return m_plan->network->numNodes(); }
int64_t Engine::deviceMemorySize() const { return m_plan->memory.arenaBytes; }
int64_t Engine::weightsBytes() const { return m_impl->weightsBytes; }

std::string Engine::layerInformationJson() const {
    using nlohmann::json;
    const ir::Graph& g = *m_plan->network;
    auto tensorJson = [&](const ir::Value* v) {
        json t{{"Name", v->name()}, {"Dimensions", v->shape().toString()}, {"DataType", dataTypeName(v->dtype())}};
        if (v->constant()) t["Location"] = "Weights";
        else if (v->isGraphInput() || v->isGraphOutput()) t["Location"] = "Binding";
        else t["Location"] = "Arena";
        return t;
    };
    json layers = json::array();
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        const plan::LayerRecord& r = m_plan->layers[size_t(k)];
        json l{{"Name", n.name()},
               {"LayerType", n.domain().empty() ? n.opType() : n.domain() + "." + n.opType()},
               {"Origin", n.origins()},
               {"Precision", r.precision},
               {"TacticName", r.tactic}};
        json ins = json::array(), outs = json::array();
        for (const ir::Value* v : n.inputs())
            if (v) ins.push_back(tensorJson(v));
        for (const ir::Value* v : n.outputs())
            if (v) outs.push_back(tensorJson(v));
        l["Inputs"] = ins;
        l["Outputs"] = outs;
        json attrs = json::object();
        for (auto& [name, a] : n.attributes()) attrs[name] = a.toString();
        l["Attributes"] = attrs;
        if (r.milliseconds >= 0) l["TacticTimeMs"] = r.milliseconds;
        layers.push_back(std::move(l));
    }
    json bindings = json::array();
    for (const IoTensor& t : m_impl->io) bindings.push_back(t.name);
    return json{{"Layers", layers}, {"Bindings", bindings}}.dump(1, ' ', false, json::error_handler_t::replace);
}

Expected<std::unique_ptr<ExecutionContext>> Engine::createExecutionContext() const {
    auto ctx = std::unique_ptr<ExecutionContext>(new ExecutionContext(*this));
    KILN_RETURN_IF_ERROR(ctx->prepare());
    return ctx;
}

}  // namespace kiln
