// Build and profiling reports: JSON with a versioned schema (docs/report-schema.md), written by
// kiln-exec --exportReport and opened by the studio, so the analysis needs no local device.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "builder/builder.h"
#include "runtime/runtime.h"

namespace kiln {

inline constexpr const char* kReportSchema = "kiln-report";
inline constexpr int kReportVersion = 1;

// min / mean / median / max and the requested percentiles of a set of samples.
struct SampleStats {
    int count = 0;
    double min = 0, max = 0, mean = 0, median = 0, total = 0;
    std::vector<std::pair<double, double>> percentiles;  // (percent, value), e.g. (99, 1.23)
};
// Percentiles by the nearest-rank method, as trtexec reports them.
SampleStats summarizeSamples(std::vector<double> samples, const std::vector<double>& percents = {90, 95, 99});

// Timings of an inference run, one entry per iteration (ms).
struct InferenceRecord {
    std::string device;                    // "cpu"
    double walltimeSeconds = 0;
    std::vector<double> latencyMs;         // host latency: H2D + compute + D2H
    std::vector<double> enqueueMs;
    std::vector<double> computeMs;
    std::vector<double> h2dMs, d2hMs;
    std::vector<std::vector<double>> layerMs;  // per profiled iteration, per layer
    std::vector<double> percents{90, 95, 99};
    std::map<std::string, std::vector<int64_t>> inputShapes;
};

// Per-layer profile over the profiled iterations: total, average and median ms and the share.
struct LayerProfile {
    std::string name;
    double totalMs = 0, averageMs = 0, medianMs = 0, percentage = 0;
};
std::vector<LayerProfile> summarizeLayerTimes(const Engine& engine, const InferenceRecord& run);

struct ReportInputs {
    std::string generator;                 // "kiln-exec 0.1.0"
    std::string sourcePath;                // the model or plan file
    const BuildTimings* buildTimings = nullptr;  // when this process built the plan
    const InferenceRecord* inference = nullptr;  // when it also ran it
};

// The whole report as JSON text (pretty-printed with one-space indent).
std::string makeReportJson(const Engine& engine, const ReportInputs& inputs);

// trtexec's --exportProfile / --exportTimes / --exportOutput formats.
std::string profileJson(const std::vector<LayerProfile>& layers, int iterations);
std::string timesJson(const InferenceRecord& run);
std::string outputsJson(const std::map<std::string, HostTensor>& outputs);

}  // namespace kiln
