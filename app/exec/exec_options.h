// kiln-exec's options (trtexec's flag names where the meaning is the same) and the parsing of
// trtexec-style values: --shapes=input:1x3x224x224,mask:1x128, --loadInputs=name:file, ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace kiln::exec {

using ShapeMap = std::map<std::string, std::vector<int64_t>>;

struct Options {
    // Model and plan
    std::string onnx;                // --onnx; empty (and no --loadEngine) = the embedded sample
    std::string sample;              // --sample (name of an embedded model)
    bool listSamples = false;
    std::string saveEngine;          // --saveEngine FILE
    std::string loadEngine;          // --loadEngine FILE
    bool allowForeignPlan = false;   // --allowForeignPlan
    std::string device = "cpu";      // --device cpu|cuda
    std::vector<std::string> plugins; // --plugins / --dynamicPlugins LIB (repeatable)
    // Build
    bool fp16 = false, int8 = false, best = false, noTF32 = false;
    int optLevel = 3;                // --builderOptimizationLevel / --optLevel
    std::string timingCacheFile;     // --timingCacheFile
    std::string memPoolSize;         // --memPoolSize workspace:1024 (MiB)
    double workspaceMiB = 0;         // --workspace (MiB, older trtexec spelling)
    std::string shapes, minShapes, optShapes, maxShapes;
    std::string layerPrecisions;     // --layerPrecisions name:fp16,...
    std::string precisionConstraints = "none";  // --precisionConstraints none|prefer|obey
    int cpuThreads = 0;              // --cpuThreads
    bool skipInference = false;      // --skipInference
    // Inference
    int iterations = 10;             // --iterations (at least)
    double duration = 3.0;           // --duration seconds (at least)
    double warmUp = 200.0;           // --warmUp milliseconds
    int avgRuns = 10;                // --avgRuns
    std::string percentile = "90,95,99";  // --percentile
    std::string loadInputs;          // --loadInputs name:file,...
    unsigned seed = 1;               // --seed for random inputs
    bool separateProfileRun = false; // --separateProfileRun
    bool useCudaGraph = false;       // --useCudaGraph
    bool noDataTransfers = false;    // --noDataTransfers
    bool noAccuracyCheck = false;    // --skipAccuracyCheck
    // Reporting
    bool dumpLayerInfo = false;      // --dumpLayerInfo
    std::string exportLayerInfo;     // --exportLayerInfo FILE
    bool dumpProfile = false;        // --dumpProfile
    std::string exportProfile;       // --exportProfile FILE
    std::string exportTimes;         // --exportTimes FILE
    std::string exportOutput;        // --exportOutput FILE
    bool dumpOutput = false;         // --dumpOutput
    std::string exportReport;        // --exportReport FILE
    std::string exportPassLog;       // --exportPassLog FILE
    std::string exportOnnx;          // --exportOnnx FILE (the imported graph)
    std::string exportOptimizedOnnx; // --exportOptimizedOnnx FILE
    bool verbose = false;
};

// "input:1x3x224x224,mask:1x128" -> {"input": [1,3,224,224], "mask": [1,128]}. `flag` names the
// option in error messages.
Expected<ShapeMap> parseShapes(const std::string& spec, const std::string& flag = "--shapes");
// "a:x.bin,b:y.bin" -> {"a": "x.bin", "b": "y.bin"}.
Expected<std::map<std::string, std::string>> parseNameFileList(const std::string& spec, const std::string& flag);
// "90,95,99" -> {90, 95, 99}, each in (0, 100].
Expected<std::vector<double>> parsePercentiles(const std::string& spec);
// "workspace:1024" (MiB) or "workspace:1G" -> bytes.
Expected<int64_t> parseWorkspace(const std::string& memPoolSize, double workspaceMiB);

}  // namespace kiln::exec
