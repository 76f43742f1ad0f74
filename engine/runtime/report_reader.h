// Reads a "kiln-report" (docs/report-schema.md) back, for display: the studio opens reports that
// kiln-exec wrote on another machine, so the analysis needs no local device.
//
// The network it rebuilds has every layer with its type, origins and attributes (kept as the
// report's text: the report does not record attribute kinds), and every tensor with its dtype
// and shape. Weights keep dtype and shape but carry no data (reports hold none), so the network
// can be shown, never run. Malformed JSON, another schema or version, and missing or mistyped
// fields give a Status that names the field; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builder/builder.h"
#include "plan/plan.h"
#include "runtime/report.h"

namespace kiln {

// The report's `inference` object: the timed run.
struct ReportRun {
    std::string device;
    int64_t iterations = 0;
    double walltimeSeconds = 0, throughputQps = 0;
    std::vector<std::pair<std::string, std::vector<int64_t>>> inputShapes;
    SampleStats latency, enqueue, compute, h2d, d2h;
    std::vector<double> latencySamples, computeSamples;  // per iteration (ms)
};

struct Report {
    std::string generator, created, source;
    // passport, network (display only, see above), layer records, memory plan, profiles and the
    // PassLog JSON. Attribute values on the network's nodes are strings holding the report text.
    plan::Plan plan;
    int64_t weightsBytes = 0;
    std::optional<BuildTimings> buildTimings;  // present when the writer built the plan itself
    std::vector<LayerProfile> layerProfiles;   // parallel to plan.layers; empty without a run
    std::optional<ReportRun> run;
};

// Parses report text. Fails with InvalidModel (naming the field) or Unsupported (another
// schema version).
Expected<Report> parseReport(std::string_view json);
Expected<Report> readReportFile(const std::string& path);

}  // namespace kiln
