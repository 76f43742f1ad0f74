// The CUDA backend's execution context (used by runtime/execution_context.cpp): one activation
// arena in device memory laid out by the plan's memory plan, one LayerKernel per layer created
// from the plan's tactic names, launch arguments recomputed when input shapes or bindings change,
// optional CUDA-graph capture and replay, and per-layer timing with CUDA events.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"
#include "plan/plan.h"

namespace kiln::cuda {

// What an engine shares between its contexts: the device and the weights uploaded once.
struct EngineState {
    DeviceInfo device;
    WeightStore weights;
};
Expected<std::shared_ptr<EngineState>> createEngineState();

struct ContextTiming {
    double h2dMs = 0, computeMs = 0, d2hMs = 0;
    std::vector<double> layerMs;  // filled when layer timing is on (not with CUDA graphs)
};

class CudaContext {
public:
    static Expected<std::unique_ptr<CudaContext>> create(const plan::Plan& plan, std::shared_ptr<EngineState> engine);
    ~CudaContext();
    CudaContext(const CudaContext&) = delete;
    CudaContext& operator=(const CudaContext&) = delete;

    // Input shapes (every runtime input, checked by the caller against the profile).
    Status setInputShapes(const std::map<std::string, std::vector<int64_t>>& shapes);
    // Caller device memory for an IO tensor (TensorRT's setTensorAddress).
    Status setDeviceAddress(const std::string& name, void* data, size_t bytes);
    // Host data for an input: copied to the device at the start of execute().
    Status setHostInput(const std::string& name, const HostTensor& t);

    void setUseCudaGraph(bool on) { m_useGraph = on; m_graphDirty = true; }
    void setLayerTiming(bool on) { m_layerTiming = on; }
    void setDataTransfers(bool on) { m_transfers = on; }

    // The layers, on `stream` (null: the context's own stream). Needs device addresses (or
    // staged host inputs, already copied) for every input.
    Status enqueue(cudaStream_t stream);
    // Staged host inputs to the device, the layers, outputs back to the host, and wait.
    Status execute(ContextTiming& timing);

    // The last execute()'s output on the host, and an output's current dims.
    Expected<HostTensor> output(const std::string& name) const;
    std::vector<int64_t> dims(const std::string& tensor) const;

private:
    CudaContext(const plan::Plan& plan, std::shared_ptr<EngineState> engine) : m_plan(plan), m_engine(std::move(engine)) {}
    Status prepare();
    Status refreshLaunches();
    Status launchLayers(cudaStream_t s, bool timeLayers);
    Expected<const void*> constantFor(const ir::Value& v, int layer);

    const plan::Plan& m_plan;
    std::shared_ptr<EngineState> m_engine;
    Libraries m_libs;
    Stream m_stream;
    DeviceBuffer m_arena, m_workspace;
    std::vector<std::unique_ptr<LayerKernel>> m_kernels;   // per layer
    std::vector<Precision> m_precisions;                   // per layer
    std::vector<bool> m_skip;                              // view layers whose output is their input
    std::vector<LaunchArgs> m_launches;                    // per layer, for the current shapes and bindings
    std::map<std::string, int64_t> m_symbols;              // from the current input shapes
    std::map<const ir::Value*, std::vector<int64_t>> m_dims;
    struct Binding {
        void* data = nullptr;
        size_t bytes = 0;
        DeviceBuffer owned;  // staged host input
        HostTensor host;     // its host data, copied at execute()
    };
    std::map<std::string, Binding> m_bindings;
    std::map<std::string, HostTensor> m_outputs;           // host copies after execute()
    std::vector<Event> m_events;                           // layer timing: numLayers + 1
    Event m_h2d0, m_h2d1, m_d2h1;
    bool m_dirty = true;
    bool m_useGraph = false, m_graphDirty = true, m_layerTiming = false, m_transfers = true;
    cudaGraphExec_t m_graphExec = nullptr;
    cudaStream_t m_graphStream = nullptr;
};

}  // namespace kiln::cuda
