// The CUDA backend's kernel interface. A *tactic* is one way to run a layer on the GPU (a cuDNN
// algorithm, a cuBLASLt algorithm, one of Kiln's own kernels); the builder times every tactic
// of every layer and keeps the fastest, and the plan records its name. At run time the same
// name creates the same LayerKernel again (TacticRegistry::create).
//
// Life of a LayerKernel:
//   prepare()        once per execution context, before any enqueue: reads the node's
//                    attributes and weights, uploads or packs weights through the engine's
//                    WeightStore (so they are uploaded once per engine), creates descriptors.
//   workspaceBytes() device scratch it needs at given shapes (the context allocates the largest).
//   enqueue()        launches on args.stream. It never synchronizes and never allocates, so a
//                    sequence of enqueues can be captured into a CUDA graph.
//
// Precisions: a layer runs in FP32, TF32 (FP32 storage, TF32 tensor-core math) or FP16. Its
// float activations (inputs and outputs) are stored in float16 exactly when it runs FP16; the
// builder inserts reformat layers where neighbours disagree. Float weights reach enqueue in the
// storage type too (the executor uploads them converted); a kernel may keep its own packed copy.
// Integer tensors (indices, shapes) are never converted. Accumulation is always in float.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_type.h"
#include "core/host_tensor.h"
#include "core/status.h"
#include "ir/graph.h"

struct cudnnContext;
struct cublasLtContext;

namespace kiln::cuda {

struct DeviceInfo;
class WeightStore;

enum class Precision { FP32, TF32, FP16 };
const char* precisionName(Precision p);  // "FP32", "TF32", "FP16"
std::optional<Precision> precisionFromName(std::string_view name);
// The storage type of float activations at this precision (Float32 or Float16).
DataType storageType(Precision p);

// One input of a launch: device memory with its element type and (logical, row-major) dims.
struct DeviceTensor {
    const void* data = nullptr;  // null: an omitted optional input
    DataType type = DataType::Undefined;
    std::vector<int64_t> dims;
    bool present() const { return data != nullptr; }
    int64_t numel() const;
    template <typename T> const T* as() const { return static_cast<const T*>(data); }
};

struct DeviceOutput {
    void* data = nullptr;  // null: an optional output nobody reads
    DataType type = DataType::Undefined;
    std::vector<int64_t> dims;  // computed by the executor from the plan's shapes
    int64_t numel() const;
    template <typename T> T* as() const { return static_cast<T*>(data); }
};

// Library handles of one execution context. Kernels set the stream on them before use.
struct Libraries {
    cudnnContext* cudnn = nullptr;
    cublasLtContext* cublasLt = nullptr;
};

struct LaunchArgs {
    std::vector<DeviceTensor> inputs;   // parallel to node.inputs(); constants are the uploaded weights
    std::vector<DeviceOutput> outputs;  // parallel to node.outputs()
    void* workspace = nullptr;
    size_t workspaceBytes = 0;
    cudaStream_t stream = nullptr;
    Libraries* libs = nullptr;
};

// Concrete dims and storage types of a layer's inputs and outputs at some shapes.
struct LayerShapes {
    std::vector<std::vector<int64_t>> inputs, outputs;
    std::vector<DataType> inputTypes, outputTypes;
};

struct PrepareArgs {
    const ir::Node& node;
    Precision precision;
    const LayerShapes& shapes;  // at the shapes the layer was tuned for (the profile's opt)
    WeightStore& weights;
    Libraries& libs;
    const DeviceInfo& device;
};

class LayerKernel {
public:
    virtual ~LayerKernel() = default;
    virtual Status prepare(const PrepareArgs& args) = 0;
    virtual size_t workspaceBytes(const LayerShapes& shapes) const { return 0; }
    virtual Status enqueue(const LaunchArgs& args) = 0;
};

// Device copies of weights, owned by an engine and shared by its contexts. Thread-safe.
class WeightStore {
public:
    WeightStore();
    ~WeightStore();
    WeightStore(const WeightStore&) = delete;
    WeightStore& operator=(const WeightStore&) = delete;

    // The constant value v on the device in `type` (its own type, or Float16/Float32 converted
    // from a float tensor). Uploaded on the first request.
    Expected<const void*> constant(const ir::Value& v, DataType type);
    // Any host bytes a kernel derived from weights (a packed filter, a folded bias), uploaded
    // once under `key` (callers make the key unique: node name + what it is).
    Expected<const void*> upload(const std::string& key, const void* data, size_t bytes);
    int64_t bytes() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// What a tactic source is asked: can it run this node at this precision, and how?
struct TacticQuery {
    const ir::Node& node;
    Precision precision;
    const LayerShapes& shapes;  // at the profile's opt shapes
    const DeviceInfo& device;
};

struct Tactic {
    std::string name;  // unique for the node: "cudnn.conv.algo1", "kiln.softmax.warp"
    std::function<std::unique_ptr<LayerKernel>()> create;
};

// Returns the tactics for the query (several: each is timed), or an error that says why the
// node cannot run at this precision ("Resize mode 'cubic' is not implemented on CUDA").
using TacticSource = std::function<Expected<std::vector<Tactic>>(const TacticQuery&)>;

// How a layer's precision is chosen.
enum class PrecisionRule {
    Compute,      // FP32 / TF32 / FP16 as the builder decides (convolutions, GEMMs, norms, pointwise)
    FollowInput,  // moves data (Transpose, Concat, Gather, ...): runs in its first float input's storage type
};

class TacticRegistry {
public:
    // One source per (op type, domain); `family` names the code behind it ("cudnn", "cublaslt",
    // "kiln", "nvrtc") for the docs and the build report.
    void add(std::string opType, std::string domain, std::string family, PrecisionRule rule, TacticSource source);
    bool knows(const ir::Node& n) const;
    PrecisionRule precisionRule(const ir::Node& n) const;
    std::string family(const ir::Node& n) const;  // "" when unknown
    Expected<std::vector<Tactic>> tactics(const TacticQuery& q) const;
    // The tactic called `name` for the query, as the builder listed it.
    Expected<std::unique_ptr<LayerKernel>> create(const TacticQuery& q, const std::string& name) const;
    // Every (op type, domain, family), for the docs.
    std::vector<std::tuple<std::string, std::string, std::string>> entries() const;

    static const TacticRegistry& builtin();

private:
    struct Entry {
        std::string family;
        PrecisionRule rule;
        TacticSource source;
    };
    std::map<std::pair<std::string, std::string>, Entry> m_entries;  // (domain, op type)
};

// One registration function per tactic family (their own files), all called by builtin().
void registerCudnnTactics(TacticRegistry& r);       // conv_cudnn.cpp: Conv, kiln.FusedConv
void registerCublasLtTactics(TacticRegistry& r);    // gemm_cublaslt.cpp: MatMul, Gemm, kiln.FusedGemm
void registerPointwiseTactics(TacticRegistry& r);   // pointwise_nvrtc.cpp: kiln.Pointwise and the elementwise ops
void registerOwnKernelTactics(TacticRegistry& r);   // own_tactics.cpp: pooling, softmax, norms, attention, reductions
void registerDataMovementTactics(TacticRegistry& r); // data_tactics.cpp: transpose, concat, split, slice, gather, resize, ...
void registerReformatTactics(TacticRegistry& r);    // reformat.cu: Cast and kiln.Reformat
// Plugin layers (plugin/plugin_layer.h) are not registered: the registry asks this for any node a
// loaded plugin provides (plugin_tactic.cpp).
Expected<std::vector<Tactic>> pluginTactics(const TacticQuery& q);

}  // namespace kiln::cuda
