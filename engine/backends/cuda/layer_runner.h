// Runs single layers on the GPU from host tensors: how the builder times and checks tactics, and
// how the GPU tests compare every tactic with the CPU reference kernel.
#pragma once

#include <memory>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"

namespace kiln::cuda {

// A stream, the library handles and a weight store: what one thread needs to run layers.
class Session {
public:
    static Expected<std::unique_ptr<Session>> create();
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const DeviceInfo& device() const { return m_device; }
    Libraries& libs() { return m_libs; }
    cudaStream_t stream() const { return m_stream.get(); }
    WeightStore& weights() { return *m_weights; }

private:
    Session() = default;
    DeviceInfo m_device;
    Libraries m_libs;
    Stream m_stream;
    std::unique_ptr<WeightStore> m_weights;
};

// Creates the library handles of a context (destroyLibraries frees them).
Status createLibraries(Libraries& libs);
void destroyLibraries(Libraries& libs);

struct TrialOptions {
    int warmupRuns = 2;
    int timedRuns = 0;  // > 0: time this many runs with CUDA events and report the median
    bool readOutputs = true;
};

struct Trial {
    std::vector<HostTensor> outputs;  // in the node's declared output types (float16 storage widened back)
    double medianMs = -1.0;
    size_t workspaceBytes = 0;
};

// The layer shapes of `node` for host inputs and expected outputs (types at precision p).
LayerShapes layerShapes(const ir::Node& node, Precision p, const std::vector<HostTensor>& inputs,
                        const std::vector<HostTensor>& expected);

// The inputs of one layer uploaded once (converted to the storage types of precision p) and its
// outputs allocated, for running many tactics on the same data (the builder's inner loop).
class TrialBench {
public:
    static Expected<std::unique_ptr<TrialBench>> create(Session& s, const ir::Node& node, Precision p,
                                                        const std::vector<HostTensor>& inputs,
                                                        const std::vector<HostTensor>& expected);
    Expected<Trial> run(const Tactic& t, const TrialOptions& options = {});
    const LayerShapes& shapes() const { return m_shapes; }

private:
    TrialBench(Session& s, const ir::Node& node, Precision p) : m_session(s), m_node(node), m_precision(p) {}
    Session& m_session;
    const ir::Node& m_node;
    Precision m_precision;
    LayerShapes m_shapes;
    LaunchArgs m_args;
    std::vector<DeviceBuffer> m_owned;
    std::vector<DataType> m_expectedTypes;
};

// Runs tactic `t` of `node` at precision `p`. `inputs` has one tensor per node input: for a
// constant input pass an invalid HostTensor (the node's constant is used), likewise for an
// omitted optional input. Float inputs are given in float32 and converted to the layer's
// storage type. `expected` gives the output dims and types (the CPU reference's outputs).
Expected<Trial> runTactic(Session& s, const ir::Node& node, Precision p, const Tactic& t,
                          const std::vector<HostTensor>& inputs, const std::vector<HostTensor>& expected,
                          const TrialOptions& options = {});

// The CPU reference kernel's outputs of `node` for the same inputs (constants from the node).
Expected<std::vector<HostTensor>> cpuReference(const ir::Node& node, const std::vector<HostTensor>& inputs);

// Float tensors to another float type (float32 <-> float16), others unchanged.
HostTensor convertFloat(const HostTensor& t, DataType to);

}  // namespace kiln::cuda
