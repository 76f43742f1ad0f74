// kiln-exec: the headless twin of the studio, with trtexec's flag names. Builds a plan from an
// ONNX model (or loads one), runs it and prints trtexec's performance summary. With neither
// --onnx nor --loadEngine it builds and times the embedded sample model (the project's default job).
#include <CLI/CLI.hpp>

#include <iostream>

#include "core/file_io.h"
#include "embedded_models.h"
#include "exec_options.h"
#include "exec_steps.h"
#include "onnx/exporter.h"
#include "ops/parallel.h"
#include "plugin/plugin_registry.h"

using namespace kiln;

namespace {

std::string commandLine(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

int fail(const std::string& cmd, const Status& st) {
    std::cerr << "[E] " << st.toString() << "\n";
    std::cout << "&&&& FAILED Kiln.kiln-exec # " << cmd << std::endl;
    return 1;
}

Status exportEngineFiles(const exec::Options& o, const Engine& e) {
    if (o.dumpLayerInfo) exec::printLayerInfo(e);
    if (!o.exportLayerInfo.empty()) {
        KILN_RETURN_IF_ERROR(writeFileAtomically(o.exportLayerInfo, e.layerInformationJson()));
        std::cout << "[I] Wrote the layer information to " << o.exportLayerInfo << "\n";
    }
    if (!o.exportPassLog.empty()) {
        if (e.plan().passLogJson.empty()) return invalidArgument("--exportPassLog: the plan carries no PassLog");
        KILN_RETURN_IF_ERROR(writeFileAtomically(o.exportPassLog, e.plan().passLogJson));
        std::cout << "[I] Wrote the pass log to " << o.exportPassLog << "\n";
    }
    if (!o.exportOptimizedOnnx.empty()) {
        KILN_RETURN_IF_ERROR(onnx::exportModelFile(*e.plan().network, o.exportOptimizedOnnx));
        std::cout << "[I] Wrote the optimized graph to " << o.exportOptimizedOnnx << "\n";
    }
    return Status::ok();
}

int run(const exec::Options& o, const std::string& cmd) {
    StderrLogger logger(o.verbose ? Severity::Verbose : Severity::Warning);
    if (o.cpuThreads > 0) ops::setCpuThreadCount(o.cpuThreads);
    if (o.device != "cpu" && o.device != "cuda") return fail(cmd, invalidArgument("--device must be cpu or cuda, not '" + o.device + "'"));
    if (!o.onnx.empty() && !o.loadEngine.empty())
        return fail(cmd, invalidArgument("--onnx and --loadEngine exclude each other: build from a model or load a plan"));
    if (o.precisionConstraints != "none" && o.precisionConstraints != "prefer" && o.precisionConstraints != "obey")
        return fail(cmd, invalidArgument("--precisionConstraints must be none, prefer or obey"));

    for (const std::string& lib : o.plugins) {
        auto plugins = plugins::PluginRegistry::global().loadLibrary(lib);
        if (!plugins) return fail(cmd, plugins.status());
        for (const plugins::PluginInfo& p : *plugins) std::cout << "[I] Loaded plugin " << p.describe() << "\n";
    }

    auto loaded = exec::obtainEngine(o, logger);
    if (!loaded) return fail(cmd, loaded.status());
    if (Status st = exportEngineFiles(o, *loaded->engine); !st.isOk()) return fail(cmd, st);

    InferenceRecord record;
    if (o.skipInference) {
        std::cout << "[I] Skipped inference (--skipInference)\n";
    } else if (Status st = exec::runInference(o, *loaded, record); !st.isOk()) {
        return fail(cmd, st);
    }
    if (!o.exportReport.empty()) {
        ReportInputs in;
        in.generator = "kiln-exec " KILN_VERSION;
        in.sourcePath = loaded->source;
        in.buildTimings = loaded->built ? &loaded->timings : nullptr;
        in.inference = o.skipInference ? nullptr : &record;
        if (Status st = writeFileAtomically(o.exportReport, makeReportJson(*loaded->engine, in)); !st.isOk())
            return fail(cmd, st);
        std::cout << "[I] Wrote the report to " << o.exportReport << "\n";
    }
    std::cout << "&&&& PASSED Kiln.kiln-exec # " << cmd << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    exec::Options o;
    CLI::App app{"kiln-exec: build an ONNX model into a Kiln plan (or load a plan), run it and time it.\n"
                 "Flags follow trtexec where the meaning is the same. With neither --onnx nor --loadEngine it\n"
                 "builds and runs the embedded sample model."};
    app.get_formatter()->column_width(36);
    auto* model = "Model and plan";
    app.add_option("--onnx", o.onnx, "ONNX model to build")->check(CLI::ExistingFile)->group(model);
    app.add_option("--sample", o.sample, "Embedded sample to build when --onnx is not given (default resnet_mini)")->group(model);
    app.add_flag("--listSamples", o.listSamples, "List the embedded sample models")->group(model);
    app.add_option("--saveEngine", o.saveEngine, "Write the built plan to this file")->group(model);
    app.add_option("--loadEngine", o.loadEngine, "Load a plan file instead of building one")->check(CLI::ExistingFile)->group(model);
    app.add_flag("--allowForeignPlan", o.allowForeignPlan,
                 "Run a plan built on another GPU of the same compute capability")->group(model);
    app.add_option("--device", o.device, "Backend: cpu or cuda (default cpu)")->group(model);
    app.add_option("--plugins,--dynamicPlugins", o.plugins,
                   "Plugin library to load before building or loading (repeatable): custom layers for ops Kiln does "
                   "not implement")
        ->group(model);

    auto* build = "Build";
    app.add_flag("--fp16", o.fp16, "Allow FP16 layers (CUDA; the CPU backend runs FP32 and warns)")->group(build);
    app.add_flag("--int8", o.int8, "Allow INT8 layers (CUDA, with calibration)")->group(build);
    app.add_flag("--best", o.best, "Allow every precision and pick the fastest per layer")->group(build);
    app.add_flag("--noTF32", o.noTF32, "Disable TF32 for FP32 convolutions and GEMMs (CUDA)")->group(build);
    app.add_option("--builderOptimizationLevel,--optLevel", o.optLevel,
                   "Optimizer level: 0 none, 1 cleanup and folding, 2 + vertical fusion, 3 everything (default 3)")
        ->check(CLI::Range(0, 3))->group(build);
    app.add_option("--shapes", o.shapes, "Input shapes to run (and to build for when no min/opt/max are given), "
                                         "e.g. input:1x3x224x224,mask:1x128")->group(build);
    app.add_option("--minShapes", o.minShapes, "Optimization profile minimum shapes, name:AxBxC,...")->group(build);
    app.add_option("--optShapes", o.optShapes, "Optimization profile optimum shapes")->group(build);
    app.add_option("--maxShapes", o.maxShapes, "Optimization profile maximum shapes")->group(build);
    app.add_option("--timingCacheFile", o.timingCacheFile, "Tactic timing cache to read and update")->group(build);
    app.add_option("--memPoolSize", o.memPoolSize, "Workspace limit, workspace:SIZE in MiB (or with K/M/G)")->group(build);
    app.add_option("--workspace", o.workspaceMiB, "Workspace limit in MiB (older spelling of --memPoolSize)")
        ->check(CLI::NonNegativeNumber)->group(build);
    app.add_option("--layerPrecisions", o.layerPrecisions, "Per-layer precisions, layer:fp16,other:fp32")->group(build);
    app.add_option("--precisionConstraints", o.precisionConstraints, "none, prefer or obey (--layerPrecisions)")->group(build);
    app.add_option("--cpuThreads", o.cpuThreads, "Threads of the CPU backend (default: every core)")
        ->check(CLI::Range(0, 4096))->group(build);
    app.add_flag("--skipInference", o.skipInference, "Build (and save) only")->group(build);

    auto* inference = "Inference";
    app.add_option("--iterations", o.iterations, "Run at least this many timed iterations (default 10)")
        ->check(CLI::Range(1, 100000000))->group(inference);
    app.add_option("--duration", o.duration, "Run for at least this many seconds (default 3)")
        ->check(CLI::Range(0.0, 86400.0))->group(inference);
    app.add_option("--warmUp", o.warmUp, "Warm up for this many milliseconds before timing (default 200)")
        ->check(CLI::Range(0.0, 3600000.0))->group(inference);
    app.add_option("--avgRuns", o.avgRuns, "Print averages over this many consecutive runs with --verbose (default 10)")
        ->check(CLI::Range(1, 1000000))->group(inference);
    app.add_option("--percentile", o.percentile, "Latency percentiles to report (default 90,95,99)")->group(inference);
    app.add_option("--loadInputs", o.loadInputs, "Raw binary input files, name:file.bin,... (default: random)")->group(inference);
    app.add_option("--seed", o.seed, "Seed of the random inputs (default 1)")->group(inference);
    app.add_flag("--separateProfileRun", o.separateProfileRun,
                 "Collect the per-layer profile in separate runs after the timed ones")->group(inference);
    app.add_flag("--useCudaGraph", o.useCudaGraph,
                 "Capture the layers in a CUDA graph and replay it (CUDA; layer timing runs without it)")->group(inference);
    app.add_flag("--noDataTransfers", o.noDataTransfers,
                 "Time without host<->device copies: inputs are uploaded once, outputs read once at the end (CUDA)")
        ->group(inference);
    app.add_flag("--skipAccuracyCheck", o.noAccuracyCheck,
                 "Do not compare the engine's outputs with the unoptimized ONNX graph")->group(inference);

    auto* reporting = "Reporting";
    app.add_flag("--dumpLayerInfo", o.dumpLayerInfo, "Print the engine's layers with their origins")->group(reporting);
    app.add_option("--exportLayerInfo", o.exportLayerInfo, "Write the layer information (JSON)")->group(reporting);
    app.add_flag("--dumpProfile", o.dumpProfile, "Print the per-layer profile")->group(reporting);
    app.add_option("--exportProfile", o.exportProfile, "Write the per-layer profile (JSON)")->group(reporting);
    app.add_option("--exportTimes", o.exportTimes, "Write every iteration's timing (JSON)")->group(reporting);
    app.add_option("--exportOutput", o.exportOutput, "Write the outputs of the last run (JSON)")->group(reporting);
    app.add_option("--exportReport", o.exportReport,
                   "Write the build report: layers, origins, precisions, tactics, memory plan, PassLog, device "
                   "passport and the run's timings (JSON, docs/report-schema.md)")->group(reporting);
    app.add_option("--exportPassLog", o.exportPassLog, "Write the optimizer's PassLog (JSON)")->group(reporting);
    app.add_option("--exportOnnx", o.exportOnnx, "Write the imported model back out as ONNX")->group(reporting);
    app.add_option("--exportOptimizedOnnx", o.exportOptimizedOnnx, "Write the engine's graph as ONNX (kiln domain)")->group(reporting);
    app.add_flag("-v,--verbose", o.verbose, "Verbose logging, the graph dump and running averages")->group(reporting);
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
