// kiln-exec, step 2: inputs, accuracy check, warm-up, timed runs, the trtexec-style performance
// summary, the per-layer profile and the --export* files.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "backends/cpu/cpu_executor.h"
#include "core/compare.h"
#include "core/file_io.h"
#include "exec_steps.h"

namespace kiln::exec {

namespace {

using Clock = std::chrono::steady_clock;
double msBetween(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// The shape each input runs at: --shapes, else the profile's opt, else the static shape.
Expected<ShapeMap> runtimeShapes(const Options& o, const Engine& e) {
    KILN_ASSIGN_OR_RETURN(ShapeMap given, parseShapes(o.shapes, "--shapes"));
    ShapeMap out;
    for (int i = 0; i < e.numIOTensors(); ++i) {
        const std::string n = e.ioTensorName(i);
        if (e.tensorIOMode(n) != TensorIOMode::Input) continue;
        if (auto it = given.find(n); it != given.end()) out[n] = it->second;
        else if (const plan::ShapeRange* r = e.profileShape(n, 0)) out[n] = r->opt;
        else out[n] = e.tensorShape(n);
        given.erase(n);
    }
    if (!given.empty()) return invalidArgument("--shapes: the engine has no input '" + given.begin()->first + "'");
    return out;
}

// Random inputs (seeded), or raw binary files from --loadInputs (trtexec's format: the tensor's
// bytes, nothing else).
Expected<std::map<std::string, HostTensor>> makeInputs(const Options& o, const Engine& e, const ShapeMap& shapes) {
    KILN_ASSIGN_OR_RETURN(auto files, parseNameFileList(o.loadInputs, "--loadInputs"));
    std::map<std::string, HostTensor> out;
    uint64_t seed = o.seed;
    for (auto& [name, dims] : shapes) {
        const DataType type = e.tensorDataType(name);
        KILN_ASSIGN_OR_RETURN(HostTensor t, HostTensor::create(type, dims));
        if (auto f = files.find(name); f != files.end()) {
            KILN_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(f->second));
            if (bytes.size() != t.byteSize())
                return invalidArgument("--loadInputs: '" + f->second + "' has " + std::to_string(bytes.size()) +
                                       " bytes, but input '" + name + "' (" + dataTypeName(type) + dimsToString(dims) +
                                       ") needs " + std::to_string(t.byteSize()));
            std::memcpy(t.raw(), bytes.data(), bytes.size());
            std::cout << "[I] Input " << name << ": " << dataTypeName(type) << dimsToString(dims) << " from " << f->second << "\n";
            files.erase(f);
        } else {
            // The same generator the tests use: floats in [-1, 1), integers in [0, 8).
            ir::Graph scratch;
            ir::Value* v = *scratch.addValue(name);
            v->setType(type);
            v->setShape(Shape::fromDims(dims));
            scratch.addInput(v);
            KILN_ASSIGN_OR_RETURN(cpu::TensorMap r, cpu::makeRandomInputs(scratch, seed++));
            t = r.at(name);
            std::cout << "[I] Input " << name << ": " << dataTypeName(type) << dimsToString(dims) << " (random, seed "
                      << seed - 1 << ")\n";
        }
        out[name] = std::move(t);
    }
    if (!files.empty()) return invalidArgument("--loadInputs: the engine has no input '" + files.begin()->first + "'");
    return out;
}

void printStats(const char* what, const SampleStats& s, const char* unit = "ms") {
    std::printf("[I] %s: min = %g %s, max = %g %s, mean = %g %s, median = %g %s", what, s.min, unit, s.max, unit, s.mean,
                unit, s.median, unit);
    for (auto& [pct, v] : s.percentiles) std::printf(", percentile(%g%%) = %g %s", pct, v, unit);
    std::printf("\n");
}

void printOutputs(const std::map<std::string, HostTensor>& outs) {
    for (auto& [name, t] : outs) {
        std::cout << "[I] Output " << name << ": " << dataTypeName(t.dtype()) << dimsToString(t.dims()) << " = [";
        for (int64_t i = 0; i < std::min<int64_t>(t.numel(), 6); ++i) std::cout << (i ? ", " : "") << t.getDouble(i);
        std::cout << (t.numel() > 6 ? ", ...]" : "]") << (hasNanOrInf(t) ? "  (contains NaN/Inf!)" : "") << "\n";
    }
}

void printProfile(const std::vector<LayerProfile>& layers, int iterations) {
    std::printf("[I] === Profile (%d iterations) ===\n", iterations);
    std::printf("[I]    Time(ms)     Avg.(ms)   Median(ms)   Time(%%)   Layer\n");
    double total = 0, avg = 0, med = 0;
    for (const LayerProfile& l : layers) {
        std::printf("[I] %11.2f %12.4f %12.4f %9.1f   %s\n", l.totalMs, l.averageMs, l.medianMs, l.percentage, l.name.c_str());
        total += l.totalMs, avg += l.averageMs, med += l.medianMs;
    }
    std::printf("[I] %11.2f %12.4f %12.4f %9.1f   Total\n", total, avg, med, 100.0);
}

Status writeExport(const std::string& path, const std::string& text, const char* what) {
    KILN_RETURN_IF_ERROR(writeFileAtomically(path, text));
    std::cout << "[I] Wrote " << what << " to " << path << "\n";
    return Status::ok();
}

// The optimized engine must compute what the unoptimized model computes.
Status checkAccuracy(const ir::Graph& original, const std::map<std::string, HostTensor>& inputs, ExecutionContext& ctx) {
    cpu::CpuExecutor reference(original);
    KILN_ASSIGN_OR_RETURN(cpu::TensorMap want, reference.run(inputs));
    double worst = 0;
    for (auto& [name, t] : want) {
        KILN_ASSIGN_OR_RETURN(HostTensor got, ctx.output(name));
        worst = std::max(worst, compareTensors(got, t).relativeL2);
    }
    std::printf("[I] Accuracy: engine vs the unoptimized ONNX graph on the same inputs: max relative L2 = %.3g\n", worst);
    return Status::ok();
}

}  // namespace

Status runInference(const Options& o, LoadedEngine& loaded, InferenceRecord& rec) {
    const Engine& e = *loaded.engine;
    KILN_ASSIGN_OR_RETURN(std::unique_ptr<ExecutionContext> ctx, e.createExecutionContext());
    const bool gpu = e.passport().backend != "cpu";
    const bool wantProfile = o.dumpProfile || !o.exportProfile.empty() || !o.exportReport.empty();
    // Per-layer CUDA events would break the graph into layers: with --useCudaGraph the profile
    // comes from separate runs, as trtexec does.
    const bool separateProfile = o.separateProfileRun || (gpu && o.useCudaGraph && wantProfile);
    if (gpu && o.useCudaGraph && wantProfile && !o.separateProfileRun)
        std::cout << "[I] --useCudaGraph: the per-layer profile is collected in separate runs after the timed ones\n";
    ctx->setUseCudaGraph(o.useCudaGraph);
    ctx->setLayerTimingEnabled(wantProfile && !separateProfile);
    KILN_ASSIGN_OR_RETURN(ShapeMap shapes, runtimeShapes(o, e));
    KILN_ASSIGN_OR_RETURN(auto inputs, makeInputs(o, e, shapes));
    KILN_RETURN_IF_ERROR(ctx->setInputs(inputs));
    KILN_ASSIGN_OR_RETURN(std::vector<double> percents, parsePercentiles(o.percentile));
    rec.device = e.passport().backend;
    rec.percents = percents;
    rec.inputShapes = shapes;

    KILN_RETURN_IF_ERROR(ctx->execute());
    if (loaded.original && (o.optLevel > 0 || gpu) && !o.noAccuracyCheck)
        KILN_RETURN_IF_ERROR(checkAccuracy(*loaded.original, inputs, *ctx));
    if (gpu && o.noDataTransfers) ctx->setDataTransfers(false);

    std::cout << "[I] === Inference Options ===\n";
    std::printf("[I] Device: %s (%s); warm-up %g ms, at least %d iterations and %g s, averaged over %d runs\n",
                e.passport().backend.c_str(), e.passport().deviceName.c_str(), o.warmUp, o.iterations, o.duration, o.avgRuns);
    const auto warm0 = Clock::now();
    int warmRuns = 0;
    do {
        KILN_RETURN_IF_ERROR(ctx->execute());
        ++warmRuns;
    } while (msBetween(warm0, Clock::now()) < o.warmUp);
    std::printf("[I] Warm-up: %d run(s) in %.1f ms\n", warmRuns, msBetween(warm0, Clock::now()));

    const auto wall0 = Clock::now();
    double avgHost = 0, avgCompute = 0, avgEnq = 0;
    int inWindow = 0;
    while (int(rec.latencyMs.size()) < o.iterations || msBetween(wall0, Clock::now()) < o.duration * 1000.0) {
        const auto a = Clock::now();
        KILN_RETURN_IF_ERROR(ctx->execute());
        const auto b = Clock::now();
        const ExecutionTiming& t = ctx->lastTiming();
        rec.latencyMs.push_back(msBetween(a, b));
        rec.enqueueMs.push_back(t.enqueueMs);
        rec.computeMs.push_back(t.computeMs);
        rec.h2dMs.push_back(t.h2dMs);
        rec.d2hMs.push_back(t.d2hMs);
        if (!separateProfile && !ctx->lastLayerTimes().empty()) rec.layerMs.push_back(ctx->lastLayerTimes());
        avgHost += rec.latencyMs.back(), avgCompute += t.computeMs, avgEnq += t.enqueueMs;
        if (++inWindow == o.avgRuns && o.verbose) {
            std::printf("[I] Average on %d runs - CPU latency: %g ms - Host latency: %g ms (enqueue %g ms)\n", inWindow,
                        avgCompute / inWindow, avgHost / inWindow, avgEnq / inWindow);
            avgHost = avgCompute = avgEnq = 0, inWindow = 0;
        }
        if (rec.latencyMs.size() >= 10000000) break;
    }
    rec.walltimeSeconds = msBetween(wall0, Clock::now()) / 1000.0;
    if (separateProfile && wantProfile) {
        ctx->setLayerTimingEnabled(true);
        for (size_t i = 0; i < std::min<size_t>(rec.latencyMs.size(), 1000); ++i) {
            KILN_RETURN_IF_ERROR(ctx->execute());
            rec.layerMs.push_back(ctx->lastLayerTimes());
        }
        ctx->setLayerTimingEnabled(false);
    }

    const size_t n = rec.latencyMs.size();
    SampleStats compute = summarizeSamples(rec.computeMs, percents);
    std::cout << "[I] === Performance summary ===\n";
    std::printf("[I] Throughput: %g qps\n", rec.walltimeSeconds > 0 ? double(n) / rec.walltimeSeconds : 0.0);
    printStats("Latency", summarizeSamples(rec.latencyMs, percents));
    printStats("Enqueue Time", summarizeSamples(rec.enqueueMs, percents));
    printStats("H2D Latency", summarizeSamples(rec.h2dMs, percents));
    printStats(rec.device == "cpu" ? "CPU Compute Time" : "GPU Compute Time", compute);
    printStats("D2H Latency", summarizeSamples(rec.d2hMs, percents));
    std::printf("[I] Total Host Walltime: %g s\n", rec.walltimeSeconds);
    std::printf("[I] Total %s Compute Time: %g s\n", rec.device == "cpu" ? "CPU" : "GPU", compute.total / 1000.0);
    if (gpu && o.noDataTransfers)
        std::cout << "[I] (--noDataTransfers: inputs were uploaded once, before timing; the outputs shown are the first run's; H2D and D2H are zero)\n";
    if (rec.device == "cpu")
        std::cout << "[I] (CPU backend: inputs and outputs live in host memory, so H2D and D2H are zero; latency is the "
                     "host wall time of one synchronous execute())\n";

    std::map<std::string, HostTensor> outs;
    for (int i = 0; i < e.numIOTensors(); ++i) {
        const std::string name = e.ioTensorName(i);
        if (e.tensorIOMode(name) != TensorIOMode::Output) continue;
        KILN_ASSIGN_OR_RETURN(outs[name], ctx->output(name));
    }
    printOutputs(outs);
    const std::vector<LayerProfile> profile = summarizeLayerTimes(e, rec);
    if (o.dumpProfile) printProfile(profile, int(rec.layerMs.size()));
    if (o.dumpProfile && !profile.empty()) {
        double sum = 0;
        for (const LayerProfile& l : profile) sum += l.medianMs;
        std::printf("[I] Sum of the per-layer medians: %.4f ms; end-to-end %s compute median: %.4f ms (%s)\n", sum,
                    gpu ? "GPU" : "CPU", compute.median,
                    gpu ? (o.useCudaGraph ? "per-layer events add gaps between kernels the CUDA graph run does not have"
                                          : "per-layer events add a little time between kernels")
                        : "the host measures each layer; the difference is the executor's own work");
    }
    if (!o.exportProfile.empty())
        KILN_RETURN_IF_ERROR(writeExport(o.exportProfile, profileJson(profile, int(rec.layerMs.size())), "the profile"));
    if (!o.exportTimes.empty()) KILN_RETURN_IF_ERROR(writeExport(o.exportTimes, timesJson(rec), "the timing trace"));
    if (!o.exportOutput.empty()) KILN_RETURN_IF_ERROR(writeExport(o.exportOutput, outputsJson(outs), "the outputs"));
    return Status::ok();
}

}  // namespace kiln::exec
