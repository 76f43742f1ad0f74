// kiln-exec's options and the parsing of trtexec-style values (--shapes=input:1x3x224x224,...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace kiln::exec {

struct Options {
    std::string onnx;               // --onnx; empty = the embedded sample
    std::string sample;             // --sample (name of an embedded model)
    std::string shapes;             // --shapes name:AxBxC,...
    int iterations = 10;            // --iterations
    int warmUp = 1;                 // --warmUpRuns (runs, not ms, on the CPU backend)
    unsigned seed = 1;              // --seed for the random inputs
    bool verbose = false;           // --verbose: per-node timings and the graph dump
    bool listSamples = false;
    std::string exportOnnx;         // --exportOnnx: write the imported graph back as ONNX
    int optLevel = 3;               // --builderOptimizationLevel / --optLevel (0..3)
    bool dumpLayerInfo = false;     // --dumpLayerInfo: the layers after optimization, with origins
    std::string exportPassLog;      // --exportPassLog FILE: the optimizer's PassLog as JSON
    std::string exportOptimizedOnnx;// --exportOptimizedOnnx FILE: the optimized graph (kiln domain ops)
};

// "input:1x3x224x224,mask:1x128" -> {"input": [1,3,224,224], "mask": [1,128]}.
Expected<std::map<std::string, std::vector<int64_t>>> parseShapes(const std::string& spec);

struct LatencyStats {
    double min = 0, max = 0, mean = 0, median = 0, p90 = 0, p95 = 0, p99 = 0;
};
LatencyStats summarize(std::vector<double> samplesMs);

}  // namespace kiln::exec
