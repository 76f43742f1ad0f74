// BuilderConfig: how a network is turned into a plan (TensorRT's IBuilderConfig). Precisions,
// optimization level, workspace limit, timing cache, optimization profiles, per-layer precision
// constraints and the backend. Plain data: copy it, compare it, print it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data_type.h"
#include "core/host_tensor.h"
#include "core/status.h"
#include "plan/plan.h"

namespace kiln {

class NetworkDefinition;

// min / opt / max dims for every runtime input with dynamic dims (inputs with static shapes may
// be left out: their profile is their shape).
class OptimizationProfile {
public:
    // Fails unless the three have the same rank, every dim is >= 0 (0 only where allowed by the
    // model) and min <= opt <= max element-wise.
    Status setDimensions(const std::string& input, std::vector<int64_t> min, std::vector<int64_t> opt,
                         std::vector<int64_t> max);
    // One shape for min, opt and max (trtexec's --shapes).
    Status setShape(const std::string& input, const std::vector<int64_t>& dims) {
        return setDimensions(input, dims, dims, dims);
    }
    const plan::ShapeRange* find(const std::string& input) const;
    const std::map<std::string, plan::ShapeRange>& ranges() const { return m_ranges; }
    bool empty() const { return m_ranges.empty(); }

private:
    std::map<std::string, plan::ShapeRange> m_ranges;
};

enum class PrecisionConstraints { None, Prefer, Obey };

// Feeds calibration batches for INT8 builds (TensorRT's IInt8Calibrator). The builder calls
// getBatch until it returns false, runs the FP32 network on each batch and derives per-tensor
// activation scales; a calibration cache lets a rebuild skip that. The CPU backend runs FP32
// only and does not call it; INT8 builds come with the CUDA backend (engine/quant/ will hold the
// dataset readers and the entropy / min-max / percentile / MSE calibrators).
class Calibrator {
public:
    virtual ~Calibrator() = default;
    virtual int batchSize() const = 0;
    // Fills one batch for every network input (by name); false when the dataset is exhausted.
    virtual bool getBatch(std::map<std::string, HostTensor>& batch) = 0;
    // The cache text from an earlier calibration, or "" to calibrate.
    virtual std::string readCalibrationCache() { return {}; }
    virtual void writeCalibrationCache(const std::string& /*cache*/) {}
};

// What the builder reports while it works (for kiln-exec's verbose log and the studio's
// progress bar). Phase names: "import", "optimize", "shapes", "tactics", "memory", "serialize".
struct BuildProgress {
    std::string phase;
    int step = 0, steps = 0;   // e.g. layer k of n while timing tactics
    std::string detail;        // the current layer, ...
};

struct BuilderConfig {
    // Precisions the builder may choose per layer (FP32 is always allowed). TF32 is on by default,
    // as in TensorRT; it only affects CUDA FP32 convolutions and GEMMs.
    bool fp16 = false;
    bool tf32 = true;
    bool int8 = false;
    bool best = false;            // all of the above; pick the fastest per layer
    int optimizationLevel = 3;    // 0..3, see passes/pipeline.h
    int64_t workspaceBytes = 0;   // limit for tactic scratch memory; 0 = no limit
    std::string timingCacheFile;  // read before, written after tactic timing; empty = none
    std::vector<OptimizationProfile> profiles;
    // Per-layer precision requests by layer (or origin node) name: "FP32", "FP16", "INT8".
    std::map<std::string, std::string> layerPrecisions;
    PrecisionConstraints precisionConstraints = PrecisionConstraints::None;
    Calibrator* calibrator = nullptr;  // INT8 without Q/DQ nodes needs one (not owned)
    std::string backend = "cpu";  // "cpu" or "cuda"
    int cpuThreads = 0;           // 0 = every core
    // Optional: progress reports and a cancel flag the builder polls between steps.
    std::function<void(const BuildProgress&)> progress{};
    const std::atomic<bool>* cancel = nullptr;

    // One line, canonical (stable key order), stored in the plan passport:
    // "backend=cpu precisions=fp32,tf32 opt=3 workspace=0 profiles=1 constraints=none".
    std::string toString() const;
};

}  // namespace kiln
