// The steps of a kiln-exec run: get an engine (build from ONNX or load a plan), then run and
// time it. Each prints trtexec-style "[I] ..." lines and returns a Status on failure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "builder/builder.h"
#include "core/logger.h"
#include "exec_options.h"
#include "ir/graph.h"
#include "runtime/report.h"
#include "runtime/runtime.h"

namespace kiln::exec {

struct LoadedEngine {
    std::unique_ptr<Engine> engine;
    std::unique_ptr<ir::Graph> original;  // the imported ONNX graph (null when loaded from a plan)
    std::string source;                   // what was loaded, for messages and the report
    bool built = false;
    BuildTimings timings;
};

Expected<LoadedEngine> obtainEngine(const Options& o, Logger& logger);

// Runs the engine as the options say: inputs, accuracy check, warm-up, timed runs, profile,
// performance summary and the --export* files.
Status runInference(const Options& o, LoadedEngine& loaded, InferenceRecord& record);

// Printing helpers shared by the steps.
std::string humanBytes(int64_t bytes);
void printLayerInfo(const Engine& engine);

}  // namespace kiln::exec
