// kiln-exec: import an ONNX model, verify it, run it and print a trtexec-style summary.
// With no --onnx it runs the embedded sample model (the project's default job).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "backends/cpu/cpu_executor.h"
#include "core/compare.h"
#include "embedded_models.h"
#include "exec_options.h"
#include "ir/stats.h"
#include "core/file_io.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"
#include "passes/pipeline.h"

using namespace kiln;

namespace {

std::string commandLine(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

void fail(const std::string& cmd, const Status& st) {
    std::cerr << "[E] " << st.toString() << "\n";
    std::cout << "&&&& FAILED Kiln.kiln-exec # " << cmd << std::endl;
}

std::string humanBytes(int64_t b) {
    char buf[64];
    if (b >= (int64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", double(b) / double(1 << 20));
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
    else std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
    return buf;
}

std::string withCommas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

void printSummary(const ir::Graph& g, const std::string& source) {
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

// Random inputs, with --shapes overriding dynamic (or any) dims of the named inputs.
Expected<cpu::TensorMap> makeInputs(const ir::Graph& g, const exec::Options& o) {
    KILN_ASSIGN_OR_RETURN(auto shapes, exec::parseShapes(o.shapes));
    for (auto& [name, dims] : shapes) {
        const ir::Value* v = g.findValue(name);
        if (!v || !v->isGraphInput() || v->constant()) return invalidArgument("--shapes: the model has no input '" + name + "'");
        if (v->shape().rankKnown() && v->shape().rank() != static_cast<int>(dims.size()))
            return invalidArgument("--shapes: input '" + name + "' has rank " + std::to_string(v->shape().rank()) +
                                   ", got " + dimsToString(dims));
    }
    KILN_ASSIGN_OR_RETURN(cpu::TensorMap inputs, cpu::makeRandomInputs(g, o.seed));
    for (auto& [name, dims] : shapes) {
        HostTensor& cur = inputs.at(name);
        KILN_ASSIGN_OR_RETURN(HostTensor t, HostTensor::create(cur.dtype(), dims));
        for (int64_t i = 0; i < t.numel(); ++i) t.setDouble(i, cur.numel() ? cur.getDouble(i % cur.numel()) : 0.0);
        cur = std::move(t);
    }
    return inputs;
}

void printLatency(const char* what, const exec::LatencyStats& s) {
    std::printf("[I] %s: min = %.4f ms, max = %.4f ms, mean = %.4f ms, median = %.4f ms, percentile(90%%) = %.4f ms, "
                "percentile(95%%) = %.4f ms, percentile(99%%) = %.4f ms\n",
                what, s.min, s.max, s.mean, s.median, s.p90, s.p95, s.p99);
}

void printOutputs(const cpu::TensorMap& outs) {
    for (auto& [name, t] : outs) {
        std::cout << "[I] Output " << name << ": " << dataTypeName(t.dtype()) << dimsToString(t.dims()) << " = [";
        for (int64_t i = 0; i < std::min<int64_t>(t.numel(), 6); ++i) std::cout << (i ? ", " : "") << t.getDouble(i);
        std::cout << (t.numel() > 6 ? ", ...]" : "]") << (hasNanOrInf(t) ? "  (contains NaN/Inf!)" : "") << "\n";
    }
}

void printNodeProfile(const cpu::CpuExecutor& exec) {
    double total = 0;
    for (auto& t : exec.timings()) total += t.milliseconds;
    std::printf("[I] Per-node time of the last run (%.3f ms in total):\n", total);
    for (auto& t : exec.timings())
        std::printf("[I]   %8.4f ms %5.1f%%  %s (%s)\n", t.milliseconds, total > 0 ? 100.0 * t.milliseconds / total : 0.0,
                    t.node->name().c_str(), t.node->opType().c_str());
}

void printLayerInfo(const ir::Graph& g) {
    std::cout << "[I] Layers after optimization (" << g.numNodes() << "):\n";
    int i = 0;
    for (auto& n : g.nodes()) {
        std::string type = (n->domain().empty() ? "" : n->domain() + ".") + n->opType();
        std::printf("[I]   [%3d] %-24s %s", i++, type.c_str(), n->name().c_str());
        if (const ir::Value* out = n->output(0))
            std::printf("  -> %s%s", dataTypeName(out->dtype()), out->shape().toString().c_str());
        std::printf("\n");
        std::string o;
        for (const std::string& s : n->origins()) o += (o.empty() ? "" : " + ") + s;
        if (o != n->name()) std::printf("[I]         origins: %s\n", o.c_str());
    }
}

// Runs the optimizer on a copy; the original stays for the numeric check.
Expected<std::unique_ptr<ir::Graph>> optimizeGraph(const ir::Graph& g, const exec::Options& o) {
    auto optimized = g.clone();
    passes::PassLog log(/*recordSnapshots=*/!o.exportPassLog.empty());
    auto t0 = std::chrono::steady_clock::now();
    KILN_RETURN_IF_ERROR(passes::optimize(*optimized, {.level = o.optLevel}, &log));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[I] Optimizer (level %d): %d nodes -> %d layers, %d rewrites, %.1f ms\n", o.optLevel, g.numNodes(),
                optimized->numNodes(), log.totalRewrites(), ms);
    for (const passes::PassRecord& p : log.passes())
        if (!p.rewrites.empty() || !p.declines.empty())
            std::printf("[I]   %-24s %4d -> %4d nodes, %3zu rewrite(s), %3zu declined\n", p.name.c_str(), p.nodesBefore,
                        p.nodesAfter, p.rewrites.size(), p.declines.size());
    if (!o.exportPassLog.empty()) {
        KILN_RETURN_IF_ERROR(writeFileAtomically(o.exportPassLog, log.toJson()));
        std::cout << "[I] Wrote the pass log to " << o.exportPassLog << "\n";
    }
    return optimized;
}

int run(const exec::Options& o, const std::string& cmd) {
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    Expected<std::unique_ptr<ir::Graph>> graph = Status(StatusCode::Internal, "not loaded");
    std::string source;
    if (!o.onnx.empty()) {
        source = o.onnx;
        graph = onnx::importModelFile(o.onnx);
    } else {
        std::string name = o.sample.empty() ? std::string(samples::kDefaultSample) : o.sample;
        const samples::SampleModel* s = samples::findSample(name);
        if (!s) return fail(cmd, invalidArgument("no embedded sample '" + name + "' (see --listSamples)")), 1;
        source = name + " (embedded sample: " + std::string(s->description) + ")";
        graph = onnx::importModelBytes(s->bytes.data(), s->bytes.size());
    }
    if (!graph) return fail(cmd, graph.status()), 1;
    const ir::Graph& g = **graph;
    auto t1 = Clock::now();
    printSummary(g, source);
    std::printf("[I] Import, checker, shape inference and verification: %.1f ms\n",
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (o.verbose) std::cout << g.dump();
    if (!o.exportOnnx.empty()) {
        if (Status st = onnx::exportModelFile(g, o.exportOnnx); !st.isOk()) return fail(cmd, st), 1;
        std::cout << "[I] Wrote " << o.exportOnnx << "\n";
    }

    auto optimized = optimizeGraph(g, o);
    if (!optimized) return fail(cmd, optimized.status()), 1;
    const ir::Graph& engineGraph = **optimized;
    if (o.dumpLayerInfo) printLayerInfo(engineGraph);
    if (!o.exportOptimizedOnnx.empty()) {
        if (Status st = onnx::exportModelFile(engineGraph, o.exportOptimizedOnnx); !st.isOk()) return fail(cmd, st), 1;
        std::cout << "[I] Wrote " << o.exportOptimizedOnnx << "\n";
    }

    auto inputs = makeInputs(g, o);
    if (!inputs) return fail(cmd, inputs.status()), 1;
    for (auto& [name, t] : *inputs)
        std::cout << "[I] Input " << name << ": " << dataTypeName(t.dtype()) << dimsToString(t.dims()) << " (random, seed "
                  << o.seed << ")\n";
    cpu::CpuExecutor exec(engineGraph);
    if (Status st = exec.prepare(); !st.isOk()) return fail(cmd, st), 1;
    if (o.optLevel > 0) {  // the optimized graph must compute what the model computes
        cpu::CpuExecutor reference(g);
        auto want = reference.run(*inputs);
        auto got = exec.run(*inputs);
        if (!want) return fail(cmd, want.status()), 1;
        if (!got) return fail(cmd, got.status()), 1;
        double worst = 0;
        for (auto& [name, t] : *want) worst = std::max(worst, compareTensors(got->at(name), t).relativeL2);
        std::printf("[I] Optimized vs original graph on the same inputs: max relative L2 = %.3g\n", worst);
    }

    std::cout << "[I] Backend: CPU reference; " << o.warmUp << " warm-up run(s), " << o.iterations << " timed iteration(s)\n";
    Expected<cpu::TensorMap> outs = Status(StatusCode::Internal, "not run");
    for (int i = 0; i < o.warmUp; ++i)
        if (!(outs = exec.run(*inputs))) return fail(cmd, outs.status()), 1;
    std::vector<double> latencies;
    auto wall0 = Clock::now();
    for (int i = 0; i < o.iterations; ++i) {
        auto a = Clock::now();
        outs = exec.run(*inputs);
        auto b = Clock::now();
        if (!outs) return fail(cmd, outs.status()), 1;
        latencies.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    }
    double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
    if (o.iterations > 0) {
        std::cout << "[I] === Performance summary ===\n";
        std::printf("[I] Throughput: %.2f qps\n", wall > 0 ? o.iterations / wall : 0.0);
        printLatency("Latency", exec::summarize(latencies));
        std::printf("[I] Total Host Walltime: %.4f s\n", wall);
    }
    if (outs) printOutputs(*outs);
    if (o.verbose) printNodeProfile(exec);
    std::cout << "&&&& PASSED Kiln.kiln-exec # " << cmd << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    exec::Options o;
    CLI::App app{"kiln-exec: import an ONNX model, check it and run it (trtexec's flag names)"};
    app.add_option("--onnx", o.onnx, "ONNX model to load (default: the embedded sample)")->check(CLI::ExistingFile);
    app.add_option("--sample", o.sample, "Embedded sample to run when --onnx is not given (default resnet_mini)");
    app.add_flag("--listSamples", o.listSamples, "List the embedded sample models");
    app.add_option("--shapes", o.shapes, "Input shapes, e.g. input:1x3x224x224,mask:1x128 (dynamic dims default to 1)");
    app.add_option("--iterations", o.iterations, "Timed inference runs")->check(CLI::Range(0, 1000000));
    app.add_option("--warmUpRuns", o.warmUp, "Untimed runs before timing")->check(CLI::Range(0, 1000000));
    app.add_option("--seed", o.seed, "Seed of the random inputs");
    app.add_option("--exportOnnx", o.exportOnnx, "Write the imported model back out as ONNX");
    app.add_option("--builderOptimizationLevel,--optLevel", o.optLevel,
                   "Optimizer level: 0 none, 1 cleanup and folding, 2 + vertical fusion, 3 everything")
        ->check(CLI::Range(0, 3));
    app.add_flag("--dumpLayerInfo", o.dumpLayerInfo, "Print the layers after optimization with their origins");
    app.add_option("--exportPassLog", o.exportPassLog, "Write the optimizer's PassLog (JSON) to this file");
    app.add_option("--exportOptimizedOnnx", o.exportOptimizedOnnx, "Write the optimized graph as ONNX (kiln domain)");
    app.add_flag("-v,--verbose", o.verbose, "Print the graph and per-node times");
    CLI11_PARSE(app, argc, argv);

    const std::string cmd = commandLine(argc, argv);
    if (o.listSamples) {
        for (const auto& s : samples::sampleModels())
            std::cout << s.name << "\t" << s.description << " (" << s.bytes.size() / 1024 << " KiB)\n";
        return 0;
    }
    std::cout << "&&&& RUNNING Kiln.kiln-exec [Kiln " KILN_VERSION "] # " << cmd << std::endl;
    return run(o, cmd);
}
