// kiln-exec, step 1: an engine, built from an ONNX model (file or embedded sample) through the
// public API (NetworkDefinition + OnnxParser + Builder), or deserialized from --loadEngine.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "core/file_io.h"
#include "embedded_models.h"
#include "exec_steps.h"
#include "ir/stats.h"
#include "onnx/exporter.h"
#include "passes/pass_log.h"
#include "plan/plan_format.h"

namespace kiln::exec {

namespace {

std::string withCommas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

void printModelSummary(const ir::Graph& g, const std::string& source) {
    const ir::ModelInfo& info = g.info();
    const ir::GraphStats st = ir::computeStats(g);
    std::cout << "[I] Model: " << source << "\n";
    std::cout << "[I]   producer " << (info.producerName.empty() ? "(none)" : info.producerName + " " + info.producerVersion)
              << ", IR version " << info.irVersion << ", opsets";
    for (auto& [d, v] : info.opsets) std::cout << " " << (d.empty() ? "ai.onnx" : d) << ":" << v;
    std::cout << "\n[I]   " << st.nodes << " nodes, " << withCommas(st.parameters) << " parameters ("
              << humanBytes(st.parameterBytes) << " in " << st.constants << " initializers)\n";
    std::cout << "[I]   operators:";
    for (auto& [op, n] : st.opCounts) std::cout << " " << op << "\u00d7" << n;
    std::cout << "\n";
    for (const ir::Value* v : g.runtimeInputs())
        std::cout << "[I]   input  " << v->name() << ": " << dataTypeName(v->dtype()) << v->shape().toString() << "\n";
    for (const ir::Value* v : g.outputs())
        std::cout << "[I]   output " << v->name() << ": " << dataTypeName(v->dtype()) << v->shape().toString() << "\n";
}

// The optimization profile from --minShapes/--optShapes/--maxShapes/--shapes. A dynamic input
// that none of them names gets its dynamic dims set to 1, with a warning, as trtexec does.
Expected<OptimizationProfile> makeProfile(const Options& o, const ir::Graph& g) {
    KILN_ASSIGN_OR_RETURN(ShapeMap shapes, parseShapes(o.shapes, "--shapes"));
    KILN_ASSIGN_OR_RETURN(ShapeMap mins, parseShapes(o.minShapes, "--minShapes"));
    KILN_ASSIGN_OR_RETURN(ShapeMap opts, parseShapes(o.optShapes, "--optShapes"));
    KILN_ASSIGN_OR_RETURN(ShapeMap maxs, parseShapes(o.maxShapes, "--maxShapes"));
    for (const ShapeMap* m : {&shapes, &mins, &opts, &maxs})
        for (auto& [name, dims] : *m) {
            const ir::Value* v = g.findValue(name);
            if (!v || !v->isGraphInput() || v->constant()) {
                std::string list;
                for (const ir::Value* in : g.runtimeInputs()) list += (list.empty() ? "" : ", ") + in->name();
                return invalidArgument("the model has no input '" + name + "' (inputs: " + list + ")");
            }
        }
    OptimizationProfile profile;
    for (const ir::Value* v : g.runtimeInputs()) {
        const std::string& n = v->name();
        auto pick = [&](const ShapeMap& m) -> const std::vector<int64_t>* {
            auto it = m.find(n);
            return it == m.end() ? nullptr : &it->second;
        };
        const std::vector<int64_t>*mn = pick(mins), *op = pick(opts), *mx = pick(maxs), *sh = pick(shapes);
        if (!mn && !op && !mx && !sh) {
            if (v->shape().isStatic()) continue;
            if (!v->shape().rankKnown()) return invalidArgument("input '" + n + "' has unknown rank: give --shapes " + n + ":...");
            std::vector<int64_t> dims;
            for (const Dim& d : v->shape().dims()) dims.push_back(d.isKnown() ? d.value : 1);
            std::cout << "[W] Dynamic dimensions required for input: " << n << ", but no shapes were provided. "
                      << "Automatically overriding shape to: " << dimsToString(dims) << "\n";
            KILN_RETURN_IF_ERROR(profile.setShape(n, dims));
            continue;
        }
        if (!mn && !op && !mx) {
            KILN_RETURN_IF_ERROR(profile.setShape(n, *sh));
            continue;
        }
        const std::vector<int64_t>& opt = op ? *op : sh ? *sh : mx ? *mx : *mn;
        KILN_RETURN_IF_ERROR(profile.setDimensions(n, mn ? *mn : opt, opt, mx ? *mx : opt));
    }
    return profile;
}

Expected<std::map<std::string, std::string>> parseLayerPrecisions(const std::string& spec) {
    std::map<std::string, std::string> out;
    KILN_ASSIGN_OR_RETURN(auto items, parseNameFileList(spec, "--layerPrecisions"));
    for (auto& [layer, p] : items) {
        std::string up;
        for (char c : p) up += char(std::toupper(static_cast<unsigned char>(c)));
        if (up != "FP32" && up != "FP16" && up != "INT8" && up != "TF32")
            return invalidArgument("--layerPrecisions: '" + p + "' for '" + layer + "' is not fp32, fp16 or int8");
        out[layer] = up;
    }
    return out;
}

Expected<BuilderConfig> makeConfig(const Options& o, const ir::Graph& g) {
    BuilderConfig c;
    c.backend = o.device;
    c.fp16 = o.fp16;
    c.int8 = o.int8;
    c.best = o.best;
    c.tf32 = !o.noTF32;
    c.optimizationLevel = o.optLevel;
    c.timingCacheFile = o.timingCacheFile;
    c.cpuThreads = o.cpuThreads;
    KILN_ASSIGN_OR_RETURN(c.workspaceBytes, parseWorkspace(o.memPoolSize, o.workspaceMiB));
    KILN_ASSIGN_OR_RETURN(c.layerPrecisions, parseLayerPrecisions(o.layerPrecisions));
    c.precisionConstraints = o.precisionConstraints == "obey"     ? PrecisionConstraints::Obey
                             : o.precisionConstraints == "prefer" ? PrecisionConstraints::Prefer
                                                                  : PrecisionConstraints::None;
    KILN_ASSIGN_OR_RETURN(OptimizationProfile profile, makeProfile(o, g));
    if (!profile.empty()) c.profiles.push_back(std::move(profile));
    return c;
}

void printPassTable(const std::string& passLogJson, int before) {
    auto log = passes::PassLog::fromJson(passLogJson);
    if (!log) return;
    int after = before;
    for (const passes::PassRecord& p : log->passes()) after = p.nodesAfter;
    std::printf("[I] Optimizer: %d nodes -> %d layers, %d rewrites\n", before, after, log->totalRewrites());
    for (const passes::PassRecord& p : log->passes())
        if (!p.rewrites.empty() || !p.declines.empty())
            std::printf("[I]   %-24s %4d -> %4d nodes, %3zu rewrite(s), %3zu declined, %.1f ms\n", p.name.c_str(),
                        p.nodesBefore, p.nodesAfter, p.rewrites.size(), p.declines.size(), p.milliseconds);
}

void printEngineSummary(const Engine& e) {
    const plan::Plan& p = e.plan();
    std::printf("[I] Engine: %d layers, weights %s, activation arena %s (%s without reuse, %zu tensors)\n", e.numLayers(),
                humanBytes(e.weightsBytes()).c_str(), humanBytes(p.memory.arenaBytes).c_str(),
                humanBytes(p.memory.noReuseBytes).c_str(), p.memory.buffers.size());
    std::printf("[I] Plan passport: Kiln %s, backend %s on %s, built with \"%s\"\n", p.passport.kilnVersion.c_str(),
                p.passport.backend.c_str(), p.passport.deviceName.c_str(), p.passport.buildOptions.c_str());
    for (int i = 0; i < e.numIOTensors(); ++i) {
        const std::string n = e.ioTensorName(i);
        std::printf("[I]   %s %s: %s%s", e.tensorIOMode(n) == TensorIOMode::Input ? "input " : "output", n.c_str(),
                    dataTypeName(e.tensorDataType(n)), dimsToString(e.tensorShape(n)).c_str());
        for (int k = 0; k < e.numOptimizationProfiles(); ++k)
            if (const plan::ShapeRange* r = e.profileShape(n, k); r && r->min != r->max)
                std::printf("  profile %d: min %s opt %s max %s", k, dimsToString(r->min).c_str(),
                            dimsToString(r->opt).c_str(), dimsToString(r->max).c_str());
        std::printf("\n");
    }
}

Expected<LoadedEngine> loadPlan(const Options& o, Logger& logger) {
    LoadedEngine out;
    out.source = o.loadEngine;
    const auto t0 = std::chrono::steady_clock::now();
    KILN_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(o.loadEngine));
    Runtime runtime(logger, RuntimeOptions{o.allowForeignPlan});
    auto engine = runtime.deserializeEngine(bytes.data(), bytes.size());
    if (!engine) return Status(engine.status()).prefix(o.loadEngine);
    out.engine = std::move(engine).value();
    std::printf("[I] Loaded engine %s (%s) in %.1f ms\n", o.loadEngine.c_str(), humanBytes(int64_t(bytes.size())).c_str(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    return out;
}

}  // namespace

std::string humanBytes(int64_t b) {
    char buf[64];
    if (b >= (int64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", double(b) / double(1 << 20));
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
    else std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
    return buf;
}

void printLayerInfo(const Engine& e) {
    const ir::Graph& g = *e.plan().network;
    std::cout << "[I] Layers (" << g.numNodes() << "):\n";
    for (int i = 0; i < g.numNodes(); ++i) {
        const ir::Node& n = *g.nodes()[size_t(i)];
        const plan::LayerRecord& r = e.plan().layers[size_t(i)];
        std::string type = (n.domain().empty() ? "" : n.domain() + ".") + n.opType();
        std::printf("[I]   [%3d] %-24s %s", i, type.c_str(), n.name().c_str());
        if (const ir::Value* out = n.output(0))
            std::printf("  -> %s%s", dataTypeName(out->dtype()), out->shape().toString().c_str());
        std::printf("  [%s, %s]\n", r.precision.c_str(), r.tactic.c_str());
        std::string origins;
        for (const std::string& s : n.origins()) origins += (origins.empty() ? "" : " + ") + s;
        if (origins != n.name()) std::printf("[I]         origins: %s\n", origins.c_str());
    }
}

Expected<LoadedEngine> obtainEngine(const Options& o, Logger& logger) {
    if (!o.loadEngine.empty()) {
        KILN_ASSIGN_OR_RETURN(LoadedEngine out, loadPlan(o, logger));
        printEngineSummary(*out.engine);
        return out;
    }
    LoadedEngine out;
    Builder builder(logger);
    std::unique_ptr<NetworkDefinition> network = builder.createNetwork();
    OnnxParser parser(*network, logger);
    const auto t0 = std::chrono::steady_clock::now();
    if (!o.onnx.empty()) {
        out.source = o.onnx;
        KILN_RETURN_IF_ERROR(parser.parseFromFile(o.onnx));
    } else {
        const std::string name = o.sample.empty() ? std::string(samples::kDefaultSample) : o.sample;
        const samples::SampleModel* s = samples::findSample(name);
        if (!s) return invalidArgument("no embedded sample '" + name + "' (see --listSamples)");
        out.source = name + " (embedded sample: " + std::string(s->description) + ")";
        KILN_RETURN_IF_ERROR(parser.parse(s->bytes.data(), s->bytes.size(), name + ".onnx"));
    }
    const ir::Graph& g = network->graph();
    printModelSummary(g, out.source);
    std::printf("[I] Import, checker, shape inference and verification: %.1f ms\n",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (o.verbose) std::cout << g.dump();
    if (!o.exportOnnx.empty()) {
        KILN_RETURN_IF_ERROR(onnx::exportModelFile(g, o.exportOnnx));
        std::cout << "[I] Wrote " << o.exportOnnx << "\n";
    }

    KILN_ASSIGN_OR_RETURN(BuilderConfig config, makeConfig(o, g));
    std::cout << "[I] === Build Options ===\n[I] " << config.toString() << "\n";
    KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> planBytes, builder.buildSerializedNetwork(*network, config));
    out.timings = builder.lastTimings();
    out.built = true;
    const BuildTimings& t = out.timings;
    std::printf("[I] Engine built in %.3f s (optimize %.1f ms, shapes %.1f ms, tactics %.1f ms, memory plan %.1f ms, "
                "serialize %.1f ms); plan %s\n",
                t.totalMs / 1000.0, t.optimizeMs, t.shapesMs, t.tacticsMs, t.memoryMs, t.serializeMs,
                humanBytes(int64_t(planBytes.size())).c_str());
    if (!o.saveEngine.empty()) {
        KILN_RETURN_IF_ERROR(writeFileAtomically(o.saveEngine, std::string(planBytes.begin(), planBytes.end())));
        std::cout << "[I] Engine saved to " << o.saveEngine << "\n";
    }
    // As trtexec does: run what a deployment would load, the deserialized plan.
    Runtime runtime(logger, RuntimeOptions{o.allowForeignPlan});
    KILN_ASSIGN_OR_RETURN(out.engine, runtime.deserializeEngine(planBytes.data(), planBytes.size()));
    printPassTable(out.engine->plan().passLogJson, g.numNodes());
    printEngineSummary(*out.engine);
    out.original = g.clone();
    return out;
}

}  // namespace kiln::exec
