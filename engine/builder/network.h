// NetworkDefinition: build a network layer by layer (TensorRT's INetworkDefinition), or fill it
// from an ONNX model with OnnxParser. The network owns an ir::Graph of ONNX-domain nodes (opset
// 17), so everything it builds runs on the CPU reference kernels and flows through the
// optimizer; each layer is one node or a short chain of nodes, the node producing the layer's
// outputs carrying the layer's name.
//
//   kiln::NetworkDefinition net(logger);
//   kiln::Tensor* x = net.addInput("input", kiln::DataType::Float32, {-1, 1, 28, 28});
//   auto* conv = net.addConvolution(x, 6, {5, 5}, kernel, bias);
//   conv->setPadding({2, 2});
//   auto* relu = net.addActivation(conv->output(0), kiln::ActivationType::Relu);
//   net.markOutput(*relu->output(0));
//
// Errors never throw: an add* that gets bad arguments returns nullptr, a setter returns false;
// either records the Status in lastError() and reports it through the network's Logger.
// Output types and (symbolic) shapes are inferred as layers are added; a setter re-checks the
// layers after the one it changes and is refused when it would make one of them invalid.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "builder/network_layers.h"
#include "core/logger.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln {

class NetworkDefinition {
public:
    explicit NetworkDefinition(Logger& logger = defaultLogger());
    ~NetworkDefinition();
    NetworkDefinition(const NetworkDefinition&) = delete;
    NetworkDefinition& operator=(const NetworkDefinition&) = delete;

    // --- what the builder reads ---
    const ir::Graph& graph() const { return *m_graph; }
    ir::Graph& graph() { return *m_graph; }
    const std::string& name() const { return m_name; }
    void setName(std::string name);  // also the graph's name (ModelInfo::graphName)
    // Set by OnnxParser; empty for networks built through the API.
    const std::string& sourceModelSha256() const { return m_sourceSha256; }
    const std::string& sourceModelName() const { return m_sourceName; }
    void setSourceModel(std::string sha256Hex, std::string modelName);
    // Everything that would stop a build: no outputs, a layer left inconsistent (a convolution's
    // groups that do not match its weights), a graph that does not verify.
    Status validate() const;

    // Takes an imported graph as the network's content (OnnxParser does this). Only on an empty
    // network; each node becomes an Onnx layer. Later add* calls may extend it (ai.onnx opset >= 13).
    Status adoptGraph(std::unique_ptr<ir::Graph> graph);

    // --- inputs and outputs ---
    // dims: -1 for a dynamic dim, which becomes the symbol "<name>_dim<k>".
    Tensor* addInput(const std::string& name, DataType type, std::vector<int64_t> dims);
    bool markOutput(Tensor& tensor);
    bool unmarkOutput(Tensor& tensor);
    int numInputs() const;
    Tensor* input(int index) const;
    int numOutputs() const;
    Tensor* output(int index) const;
    int numLayers() const { return static_cast<int>(m_layers.size()); }
    Layer* layer(int index) const;
    Layer* findLayer(const std::string& name) const;
    Tensor* findTensor(const std::string& name) const;

    // --- layers (each returns nullptr on invalid arguments; see lastError()) ---
    ConvolutionLayer* addConvolution(Tensor* input, int64_t nbOutputMaps, std::vector<int64_t> kernelSize,
                                     Weights kernel, Weights bias = {});
    ActivationLayer* addActivation(Tensor* input, ActivationType type);
    PoolingLayer* addPooling(Tensor* input, PoolingType type, std::vector<int64_t> windowSize);
    MatrixMultiplyLayer* addMatrixMultiply(Tensor* a, MatrixOperation opA, Tensor* b, MatrixOperation opB);
    FullyConnectedLayer* addFullyConnected(Tensor* input, int64_t nbOutputs, Weights kernel, Weights bias = {});
    ElementWiseLayer* addElementWise(Tensor* a, Tensor* b, ElementWiseOperation op);
    SoftMaxLayer* addSoftMax(Tensor* input);
    ConcatenationLayer* addConcatenation(const std::vector<Tensor*>& inputs);
    ShuffleLayer* addShuffle(Tensor* input);
    ReduceLayer* addReduce(Tensor* input, ReduceOperation op, uint32_t reduceAxes, bool keepDimensions);
    NormalizationLayer* addNormalization(Tensor* input, Tensor* scale, Tensor* bias, uint32_t axesMask);
    ConstantLayer* addConstant(std::vector<int64_t> dims, Weights weights);
    UnaryLayer* addUnary(Tensor* input, UnaryOperation op);
    ScaleLayer* addScale(Tensor* input, ScaleMode mode, Weights shift, Weights scale, Weights power,
                         int channelAxis = 1);
    GatherLayer* addGather(Tensor* data, Tensor* indices, int axis);
    SliceLayer* addSlice(Tensor* input, std::vector<int64_t> start, std::vector<int64_t> size,
                         std::vector<int64_t> stride);
    IdentityLayer* addIdentity(Tensor* input);
    CastLayer* addCast(Tensor* input, DataType toType);
    TopKLayer* addTopK(Tensor* input, TopKOperation op, int64_t k, uint32_t reduceAxes);
    // A layer run by the loaded plugin for (domain, opType) (TensorRT's addPluginV3): the
    // attributes go to its creator; null with lastError() when no plugin provides the op or it
    // refuses the attributes or inputs.
    PluginLayer* addPlugin(const std::vector<Tensor*>& inputs, const std::string& opType, const std::string& domain,
                           std::map<std::string, ir::Attribute> attributes = {});

    // --- errors ---
    // The most recent error (Ok when there has been none since the last clearErrors()).
    const Status& lastError() const { return m_lastError; }
    int numErrors() const { return m_numErrors; }
    void clearErrors();
    Logger& logger() const { return m_logger; }

private:
    friend class Tensor;
    friend class Layer;
    friend class detail::LayerBuilder;

    Status checkTensor(const Tensor* t, const char* what) const;
    std::string defaultLayerName(LayerType type) const;
    // Adds a layer with numOutputs new output tensors and builds it; nullptr (and the error
    // recorded) when the build fails.
    template <typename L> L* addLayer(std::unique_ptr<L> layer, int numOutputs);
    Layer* addLayerImpl(std::unique_ptr<Layer> layer, int numOutputs);
    Status buildLayer(Layer& layer);
    // Removes the nodes of layers [first, end) and builds them again; prunes what they left.
    Status rebuildFrom(size_t first);
    Status rebuildOne(size_t index);
    size_t indexOf(const Layer& layer) const;
    // Re-creates the graph with some values renamed and/or one graph output dropped (the graph
    // has no in-place rename), keeping every handle valid.
    Status recreateGraph(const std::map<const ir::Value*, std::string>& renames, const ir::Value* dropOutput);
    Tensor* tensorFor(ir::Value* v);
    Tensor* tensorOf(const ir::Value* v) const;
    // After an input's type or dims changed: every layer typed again (parsed nodes by ONNX inference).
    Status refreshAfterInputChange();
    Tensor* recordNull(Status s) const;
    bool recordFalse(Status s) const;
    void record(Status s) const;

    Logger& m_logger;
    std::unique_ptr<ir::Graph> m_graph;
    std::string m_name = "network";
    std::string m_sourceSha256, m_sourceName;
    std::vector<std::unique_ptr<Tensor>> m_tensors;
    std::unordered_map<const ir::Value*, Tensor*> m_tensorOf;
    std::vector<std::unique_ptr<Layer>> m_layers;
    mutable Status m_lastError;
    mutable int m_numErrors = 0;
};

}  // namespace kiln
