#include "builder/builder.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "backends/cpu/cpu_executor.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/cuda_builder.h"
#endif
#include "builder/memory_planner.h"
#include "builder/network.h"
#include "builder/profile_shapes.h"
#include "plan/plan_format.h"
#include "passes/pipeline.h"
#include "plugin/plugin_layer.h"

namespace kiln {

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

// The precisions a CPU build can honour: FP32 only. TensorRT warns and falls back the same way
// when a platform has no fast FP16/INT8; a layer whose precision must be obeyed is an error.
Status checkCpuPrecisions(const BuilderConfig& c, const ir::Graph& g, Logger& log) {
    if (c.fp16 || c.best)
        log.log(Severity::Warning, "the CPU backend runs FP32 only: FP16 was requested and is ignored");
    if (c.int8 || c.best)
        log.log(Severity::Warning, "the CPU backend runs FP32 only: INT8 was requested and is ignored");
    auto requested = [&](const std::string& layer, const std::string& p) -> Status {
        if (p == "FP32" || p == "fp32") return Status::ok();
        if (c.precisionConstraints == PrecisionConstraints::Obey)
            return unsupported("layer '" + layer + "' must run in " + p +
                               " (precision constraints: obey), but the CPU backend runs FP32 only");
        log.log(Severity::Warning, "layer '" + layer + "' asks for " + p + "; the CPU backend runs it in FP32");
        return Status::ok();
    };
    for (auto& [layer, p] : c.layerPrecisions) KILN_RETURN_IF_ERROR(requested(layer, p));
    for (auto& n : g.nodes())
        if (n->hasAttr("kiln_precision")) KILN_RETURN_IF_ERROR(requested(n->name(), n->attrString("kiln_precision", "")));
    return Status::ok();
}

Status checkCancelled(const BuilderConfig& c) {
    if (c.cancel && c.cancel->load()) return Status(StatusCode::Cancelled, "the build was cancelled");
    return Status::ok();
}

void report(const BuilderConfig& c, std::string phase, int step, int steps, std::string detail = {}) {
    if (c.progress) c.progress(BuildProgress{std::move(phase), step, steps, std::move(detail)});
}

// Serializes every plugin layer's parameters onto its node (plugins::stampNode) and returns the
// plugins the plan needs, one record per plugin with the layers that use it.
Expected<std::vector<plan::PluginRecord>> stampPluginLayers(ir::Graph& g) {
    std::vector<plan::PluginRecord> records;
    for (auto& n : g.nodes()) {
        if (!plugins::isPluginNode(*n)) continue;
        KILN_RETURN_IF_ERROR(plugins::stampNode(*n));
        const auto info = plugins::PluginRegistry::global().find(n->domain(), n->opType());
        auto it = std::find_if(records.begin(), records.end(),
                               [&](const plan::PluginRecord& r) { return r.type == info->type && r.domain == info->domain; });
        if (it == records.end()) {
            records.push_back({info->type, info->domain, info->version,
                               std::filesystem::path(info->library).filename().string(), info->libraryHash, {}});
            it = records.end() - 1;
        }
        it->layers.push_back(n->name());
    }
    return records;
}

}  // namespace

Builder::Builder(Logger& logger) : m_logger(logger) {}

std::unique_ptr<NetworkDefinition> Builder::createNetwork() const { return std::make_unique<NetworkDefinition>(m_logger); }

Expected<plan::Plan> Builder::buildPlan(const NetworkDefinition& network, const BuilderConfig& config) {
    m_timings = {};
    const auto tBuild = Clock::now();
    const bool cuda = config.backend == "cuda";
    if (config.backend != "cpu" && !cuda) return invalidArgument("unknown backend '" + config.backend + "' (cpu or cuda)");
#ifndef KILN_HAVE_CUDA
    if (cuda)
        return unsupported("this build of Kiln has no CUDA backend (it was built without the CUDA toolkit); use --device cpu");
#endif
    if (config.optimizationLevel < 0 || config.optimizationLevel > 3)
        return invalidArgument("builder optimization level must be 0..3, not " + std::to_string(config.optimizationLevel));
    if (network.graph().outputs().empty())
        return invalidArgument("the network has no outputs: mark at least one tensor as an output");
    // Mismatches the API lets through while a network is edited (groups, concat axis).
    KILN_RETURN_IF_ERROR(network.validate());

    plan::Plan p;
    p.network = network.graph().clone();
    ir::Graph& g = *p.network;
    KILN_ASSIGN_OR_RETURN(p.profiles, resolveProfiles(g, config.profiles));
    if (!cuda) KILN_RETURN_IF_ERROR(checkCpuPrecisions(config, g, m_logger));

    // 1. The optimizer, with its log kept for the plan (snapshots let the studio step through it).
    report(config, "optimize", 0, 1);
    auto t0 = Clock::now();
    passes::PassLog log(/*recordSnapshots=*/true);
    passes::OptimizeOptions opt;
    opt.level = config.optimizationLevel;
    const int before = g.numNodes();
    KILN_RETURN_IF_ERROR(passes::optimize(g, opt, &log));
    p.passLogJson = log.toJson(0);
    m_timings.optimizeMs = msSince(t0);
    m_logger.log(Severity::Info, "optimizer (level " + std::to_string(opt.level) + "): " + std::to_string(before) +
                                     " nodes -> " + std::to_string(g.numNodes()) + " layers in " +
                                     std::to_string(int(m_timings.optimizeMs)) + " ms");
    KILN_RETURN_IF_ERROR(checkCancelled(config));

    // 2. Every layer must have a kernel on the backend (the CUDA builder checks its own).
    if (!cuda) KILN_RETURN_IF_ERROR(cpu::checkSupported(g));
    // Plugin layers carry the plugin's serialized parameters; the plan lists the plugins it needs.
    KILN_ASSIGN_OR_RETURN(p.plugins, stampPluginLayers(g));

    // 3. Shapes at the profiles' max: what the memory plan is sized for.
    report(config, "shapes", 0, 1);
    t0 = Clock::now();
    KILN_ASSIGN_OR_RETURN(const auto symbols, maxSymbolValues(g, p.profiles));
    m_timings.shapesMs = msSince(t0);

    // 4. Tactics. CUDA: every candidate of every layer timed on the GPU, precisions chosen,
    //    reformat layers inserted. CPU: one implementation per layer, nothing to time.
    t0 = Clock::now();
#ifdef KILN_HAVE_CUDA
    if (cuda) {
        KILN_ASSIGN_OR_RETURN(const auto optSymbols, optSymbolValues(g, p.profiles));
        KILN_RETURN_IF_ERROR(cuda::buildCudaLayers(p, config, optSymbols, m_logger));
        m_timings.tacticsMs = msSince(t0);
    }
#endif
    if (!cuda) p.layers.reserve(size_t(g.numNodes()));
    int k = 0;
    for (auto& n : g.nodes()) {
        if (cuda) break;
        report(config, "tactics", ++k, g.numNodes(), n->name());
        plan::LayerRecord r;
        r.precision = "FP32";
        r.tactic = "cpu." + (n->domain().empty() ? std::string() : n->domain() + ".") + n->opType();
        r.candidates.push_back({r.tactic, -1.0, true, {}, "FP32"});
        p.layers.push_back(std::move(r));
    }
    if (!config.timingCacheFile.empty() && !cuda)
        m_logger.log(Severity::Info, "timing cache '" + config.timingCacheFile +
                                         "' not used: the CPU backend has no tactics to time");
    if (!cuda) m_timings.tacticsMs = msSince(t0);
    KILN_RETURN_IF_ERROR(checkCancelled(config));

    // 5. Memory plan.
    report(config, "memory", 0, 1);
    t0 = Clock::now();
    KILN_ASSIGN_OR_RETURN(p.memory, planMemory(g, [&](const ir::Value& v) { return bytesAtShapes(v, symbols); }));
    m_timings.memoryMs = msSince(t0);
    int dynamicCount = 0;
    for (const plan::BufferRecord& b : p.memory.buffers) dynamicCount += b.offset < 0 && b.aliasOf.empty();
    if (cuda && dynamicCount)
        return unsupported("the CUDA backend needs every activation sized from the profiles, but " +
                           std::to_string(dynamicCount) + " tensors are sized only at run time (data-dependent shapes)");
    m_logger.log(Severity::Info, "memory plan: arena " + mib(p.memory.arenaBytes) + " for " +
                                     std::to_string(p.memory.buffers.size()) + " tensors (" +
                                     mib(p.memory.noReuseBytes) + " without reuse)" +
                                     (dynamicCount ? ", " + std::to_string(dynamicCount) + " sized at run time" : ""));

    // 6. The passport.
    if (!cuda) p.passport = plan::currentCpuPassport();
    p.passport.buildOptions = config.toString();
    p.passport.sourceModelSha256 = network.sourceModelSha256();
    p.passport.sourceModelName = network.sourceModelName().empty() ? network.name() : network.sourceModelName();
    p.passport.createdUnixSeconds = int64_t(std::time(nullptr));
    m_timings.totalMs = msSince(tBuild);
    return p;
}

Expected<std::vector<uint8_t>> Builder::buildSerializedNetwork(const NetworkDefinition& network,
                                                               const BuilderConfig& config) {
    KILN_ASSIGN_OR_RETURN(plan::Plan p, buildPlan(network, config));
    report(config, "serialize", 0, 1);
    const auto t0 = Clock::now();
    auto bytes = plan::serializePlan(p);
    m_timings.serializeMs = msSince(t0);
    m_timings.totalMs += m_timings.serializeMs;
    return bytes;
}

}  // namespace kiln
