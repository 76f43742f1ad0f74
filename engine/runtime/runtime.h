// Runtime -> Engine -> ExecutionContext (TensorRT's IRuntime / ICudaEngine / IExecutionContext).
// A Runtime deserializes a plan (checked: format, checksums, bounds, device passport) into an
// Engine, which is immutable and can create several ExecutionContexts; each context owns its
// activation arena and runs one inference at a time.
//
//   kiln::Runtime runtime(logger);
//   KILN_ASSIGN_OR_RETURN(auto engine, runtime.deserializeEngine(bytes.data(), bytes.size()));
//   KILN_ASSIGN_OR_RETURN(auto context, engine->createExecutionContext());
//   KILN_RETURN_IF_ERROR(context->setInputShape("input", {1, 3, 224, 224}));
//   KILN_RETURN_IF_ERROR(context->setTensorAddress("input", inputData, inputBytes));
//   KILN_RETURN_IF_ERROR(context->setTensorAddress("output", outputData, outputBytes));
//   KILN_RETURN_IF_ERROR(context->execute());
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/host_tensor.h"
#include "core/logger.h"
#include "core/status.h"
#include "plan/plan.h"

namespace kiln {

class ExecutionContext;

enum class TensorIOMode { None, Input, Output };

struct RuntimeOptions {
    // Run a plan built for another GPU of the same compute capability (see plan/passport).
    bool allowForeignDevice = false;
};

// Per-layer timing callbacks (TensorRT's IProfiler): called after every layer of every
// execute() while set, on the executing thread.
class Profiler {
public:
    virtual ~Profiler() = default;
    virtual void reportLayerTime(int layerIndex, const std::string& layerName, float milliseconds) noexcept = 0;
};

class Engine {
public:
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // IO tensors in binding order: inputs first, then outputs.
    int numIOTensors() const;
    std::string ioTensorName(int index) const;
    TensorIOMode tensorIOMode(const std::string& name) const;
    DataType tensorDataType(const std::string& name) const;
    // Declared dims; -1 for dynamic dims.
    std::vector<int64_t> tensorShape(const std::string& name) const;

    int numOptimizationProfiles() const;
    // Profile bounds of an input; null when the input is unknown or the profile does not exist.
    const plan::ShapeRange* profileShape(const std::string& input, int profile) const;

    int numLayers() const;
    const plan::Plan& plan() const { return *m_plan; }
    const plan::Passport& passport() const { return m_plan->passport; }
    // Bytes of activation memory a context allocates (the memory plan's arena).
    int64_t deviceMemorySize() const;
    int64_t weightsBytes() const;

    // TensorRT-style layer information as JSON (what --exportLayerInfo writes).
    std::string layerInformationJson() const;

    Expected<std::unique_ptr<ExecutionContext>> createExecutionContext() const;

private:
    friend class Runtime;
    friend class ExecutionContext;
    Engine(std::unique_ptr<plan::Plan> p, Logger& logger);
    struct Impl;
    std::unique_ptr<plan::Plan> m_plan;
    std::unique_ptr<Impl> m_impl;
    Logger& m_logger;
};

class Runtime {
public:
    explicit Runtime(Logger& logger = defaultLogger(), RuntimeOptions options = {});
    Expected<std::unique_ptr<Engine>> deserializeEngine(const void* data, size_t size) const;
    Expected<std::unique_ptr<Engine>> deserializeEngineFile(const std::string& path) const;
    // From an in-memory plan (the builder's result, without a serialize round trip).
    Expected<std::unique_ptr<Engine>> createEngine(plan::Plan plan) const;

private:
    Logger& m_logger;
    RuntimeOptions m_options;
};

// Timing of one execute(): host-side phases, in milliseconds.
struct ExecutionTiming {
    double enqueueMs = 0;   // time until execute/enqueue returned
    double computeMs = 0;   // all layers
    double h2dMs = 0, d2hMs = 0;  // input/output copies (0 on the CPU backend: it reads and writes caller memory)
};

class ExecutionContext {
public:
    ~ExecutionContext();
    ExecutionContext(const ExecutionContext&) = delete;
    ExecutionContext& operator=(const ExecutionContext&) = delete;

    const Engine& engine() const { return m_engine; }

    Status setOptimizationProfile(int profile);
    int optimizationProfile() const { return m_profile; }
    // Checks rank, static dims and the profile's [min, max] bounds, naming the offending dim.
    Status setInputShape(const std::string& name, const std::vector<int64_t>& dims);
    // Current dims of an IO tensor: inputs as set; outputs as computed by the last execute()
    // or, before that, the declared shape with -1 for unknown dims.
    std::vector<int64_t> tensorShape(const std::string& name) const;
    bool allInputShapesSpecified() const;

    // Binds caller memory of at least `bytes` bytes: host memory for the CPU backend, device
    // memory for the CUDA backend (as TensorRT's setTensorAddress).
    // Unbound outputs are kept by the context and available through output().
    Status setTensorAddress(const std::string& name, void* data, size_t bytes);
    // Binds inputs from HostTensors (shapes taken from them) - a convenience for tools and tests.
    Status setInputs(const std::map<std::string, HostTensor>& inputs);
    // The last execute()'s value of an output (a view of bound memory or context-owned).
    Expected<HostTensor> output(const std::string& name) const;

    // Runs once, synchronously.
    Status execute();
    // Runs on a stream (CUDA backend: a cudaStream_t; null = the context's own; inputs and
    // outputs must be device addresses from setTensorAddress, or inputs staged by setInputs and
    // one execute()); the CPU backend runs synchronously on the calling thread and ignores it.
    Status enqueue(void* stream);
    // CUDA backend: capture the layers into a CUDA graph on the first enqueue/execute for the
    // current shapes and addresses, and replay it after (trtexec --useCudaGraph).
    void setUseCudaGraph(bool on);
    // Per-layer times in lastLayerTimes() (CUDA: events between layers, so no CUDA graph for
    // those runs; the CPU backend always times layers).
    void setLayerTimingEnabled(bool on);
    // CUDA backend: execute() without the host<->device copies (inputs staged by setInputs stay
    // on the device from the last run with copies; output() keeps returning that run's outputs).
    void setDataTransfers(bool on);

    void setProfiler(Profiler* p) { m_profiler = p; }
    const ExecutionTiming& lastTiming() const { return m_timing; }
    // Per-layer times of the last execute(), parallel to the engine's layers (ms).
    const std::vector<double>& lastLayerTimes() const { return m_layerTimes; }

private:
    friend class Engine;
    explicit ExecutionContext(const Engine& engine);
    Status prepare();
    Status bindPlacements();
    struct Impl;
    const Engine& m_engine;
    std::unique_ptr<Impl> m_impl;
    int m_profile = 0;
    Profiler* m_profiler = nullptr;
    ExecutionTiming m_timing;
    std::vector<double> m_layerTimes;
};

}  // namespace kiln
