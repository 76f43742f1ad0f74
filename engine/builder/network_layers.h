// The handles of a NetworkDefinition (network.h): Weights, Tensor, Layer and one Layer class per
// layer kind, with TensorRT's setters. Setters return false (and record the error on the
// network) when refused; see network.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/data_type.h"
#include "core/host_tensor.h"
#include "core/logger.h"
#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln {

class NetworkDefinition;
namespace detail { class LayerBuilder; }

// Weights in caller memory, copied into the network when a layer is added or a setter is called
// (so, unlike TensorRT, the caller's buffer may be freed right away). count == 0 means "none".
struct Weights {
    DataType type = DataType::Float32;
    const void* values = nullptr;
    int64_t count = 0;
};

// What a layer computes. Onnx: a node imported by OnnxParser (its op type is on node()).
enum class LayerType {
    Convolution, Activation, Pooling, MatrixMultiply, FullyConnected, ElementWise, SoftMax,
    Concatenation, Shuffle, Reduce, Normalization, Constant, Unary, Scale, Gather, Slice,
    Identity, Cast, TopK, Onnx, Plugin,
};
const char* layerTypeName(LayerType t);  // "Convolution", ...

enum class ActivationType {
    Relu, Sigmoid, Tanh,
    LeakyRelu,        // x >= 0 ? x : alpha * x                   (alpha 0.01)
    Elu,              // x >= 0 ? x : alpha * (exp(x) - 1)        (alpha 1)
    Selu,             // beta * (x >= 0 ? x : alpha * (exp(x) - 1))  (alpha 1.67326, beta 1.0507)
    Softsign,         // x / (1 + |x|)
    Softplus,         // alpha * log(exp(beta * x) + 1)           (alpha 1, beta 1)
    Clip,             // max(alpha, min(beta, x))                 (alpha -inf, beta +inf)
    HardSigmoid,      // max(0, min(1, alpha * x + beta))          (alpha 0.2, beta 0.5)
    ScaledTanh,       // alpha * tanh(beta * x)                   (alpha 1, beta 1)
    ThresholdedRelu,  // x > alpha ? x : 0                        (alpha 1)
    GeluErf,          // x / 2 * (1 + erf(x / sqrt(2)))
    GeluTanh,         // x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))
};
const char* activationTypeName(ActivationType t);

// ExplicitRoundDown / RoundUp: the explicit paddings, output size rounded down (floor) or up
// (ceil, pooling only). SameUpper / SameLower: output = ceil(input / stride), the extra padding
// at the end (upper) or the start (lower); explicit paddings are ignored.
enum class PaddingMode { ExplicitRoundDown, ExplicitRoundUp, SameUpper, SameLower };
enum class PoolingType { Max, Average };
// None: the operand as is; Transpose: its last two dims swapped; Vector: its last dim is a vector
// (the other dims are batch dims).
enum class MatrixOperation { None, Transpose, Vector };
enum class ElementWiseOperation { Sum, Prod, Max, Min, Sub, Div, Pow, FloorDiv, And, Or, Xor, Equal, Greater, Less };
enum class ReduceOperation { Sum, Prod, Max, Min, Avg };
enum class UnaryOperation {
    Exp, Log, Sqrt, Recip, Abs, Neg, Sin, Cos, Tan, Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh,
    Atanh, Ceil, Floor, Erf, Not, Sign, Round,
};
// Uniform: one value for the whole tensor; Channel: one per channel (the dim at channelAxis);
// Elementwise: one per element of the dims from channelAxis on.
enum class ScaleMode { Uniform, Channel, Elementwise };
enum class TopKOperation { Max, Min };

// A tensor of the network: a network input, a layer output or a constant. Owned by the network.
class Tensor {
public:
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    const std::string& name() const;
    // Names are unique in the network; a clash is refused.
    bool setName(const std::string& name);
    DataType dataType() const;
    // Network inputs only (other tensors' types follow from their layers).
    bool setType(DataType type);
    // -1 for dynamic or unknown dims; empty with rank() == -1 when even the rank is unknown.
    std::vector<int64_t> dims() const;
    int rank() const;
    // The dims with their symbols ("input_dim0").
    const Shape& shape() const;
    // Network inputs only; -1 makes a dim dynamic. Every layer is re-checked against the new dims.
    bool setDimensions(std::vector<int64_t> dims);

    bool isNetworkInput() const;
    bool isNetworkOutput() const;
    bool isConstant() const;  // an initializer of a parsed model

    NetworkDefinition& network() const { return *m_network; }
    const ir::Value* value() const { return m_value; }

private:
    friend class NetworkDefinition;
    friend class detail::LayerBuilder;
    Tensor(NetworkDefinition& network, ir::Value* value) : m_network(&network), m_value(value) {}
    NetworkDefinition* m_network;
    ir::Value* m_value;
};

class Layer {
public:
    virtual ~Layer();
    Layer(const Layer&) = delete;
    Layer& operator=(const Layer&) = delete;

    LayerType type() const { return m_type; }
    const std::string& name() const { return m_name; }
    // Renames the layer and its nodes; names are unique in the network.
    bool setName(const std::string& name);

    int numInputs() const { return static_cast<int>(m_inputs.size()); }
    Tensor* input(int index) const;   // null when out of range (or an omitted optional input)
    int numOutputs() const { return static_cast<int>(m_outputs.size()); }
    Tensor* output(int index) const;

    // A per-layer precision request for the builder (TensorRT's setPrecision): Float32, Float16
    // or Int8. Stored as the string attribute "kiln_precision" ("FP32", "FP16", "INT8") on every
    // node of the layer.
    bool setPrecision(DataType precision);
    DataType precision() const { return m_precision; }
    bool precisionIsSet() const { return m_precision != DataType::Undefined; }
    void resetPrecision();

    // The graph nodes of this layer, the one producing its outputs (named after the layer) last.
    const std::vector<ir::Node*>& nodes() const { return m_nodes; }
    NetworkDefinition& network() const { return *m_network; }

protected:
    Layer(NetworkDefinition& network, LayerType type, std::vector<Tensor*> inputs);
    // Checks the parameters against the inputs, then emits the nodes and types/shapes the outputs.
    virtual Status build(detail::LayerBuilder& b) const = 0;
    // A problem that does not stop the layer from being built but would stop the builder (a
    // convolution whose groups do not match its weights yet); empty when none.
    virtual std::string pendingProblem() const { return {}; }
    // Applies a parameter change and rebuilds; on failure undoes it, records and logs the error.
    bool change(const std::function<void()>& apply, const std::function<void()>& undo);
    // Records and logs an invalid setter argument; returns false.
    bool reject(const std::string& message) const;

private:
    friend class NetworkDefinition;
    friend class detail::LayerBuilder;
    NetworkDefinition* m_network;
    LayerType m_type;
    std::string m_name;
    std::vector<Tensor*> m_inputs;
    std::vector<Tensor*> m_outputs;
    std::vector<ir::Node*> m_nodes;
    DataType m_precision = DataType::Undefined;
};

class ConvolutionLayer : public Layer {
public:
    int64_t nbOutputMaps() const { return m_nbOutputMaps; }
    const std::vector<int64_t>& kernelSize() const { return m_kernelSize; }
    bool setStride(std::vector<int64_t> stride);
    const std::vector<int64_t>& stride() const { return m_stride; }
    // Symmetric padding (pre = post).
    bool setPadding(std::vector<int64_t> padding);
    bool setPrePadding(std::vector<int64_t> padding);
    bool setPostPadding(std::vector<int64_t> padding);
    const std::vector<int64_t>& prePadding() const { return m_prePadding; }
    const std::vector<int64_t>& postPadding() const { return m_postPadding; }
    bool setPaddingMode(PaddingMode mode);  // ExplicitRoundUp is refused (ONNX Conv has no ceil mode)
    PaddingMode paddingMode() const { return m_paddingMode; }
    bool setDilation(std::vector<int64_t> dilation);
    const std::vector<int64_t>& dilation() const { return m_dilation; }
    bool setNbGroups(int64_t groups);
    int64_t nbGroups() const { return m_groups; }
    // Kernel weights: nbOutputMaps x (C / groups) x kernel dims, in that order.
    bool setKernelWeights(Weights w);
    bool setBiasWeights(Weights w);  // nbOutputMaps values, or none
    const HostTensor& kernelWeights() const { return m_kernel; }
    const HostTensor& biasWeights() const { return m_bias; }

private:
    friend class NetworkDefinition;
    ConvolutionLayer(NetworkDefinition& n, Tensor* input, int64_t k, std::vector<int64_t> kernelSize,
                     HostTensor kernel, HostTensor bias);
    Status build(detail::LayerBuilder& b) const override;
    std::string pendingProblem() const override;
    int64_t m_nbOutputMaps;
    std::vector<int64_t> m_kernelSize, m_stride, m_prePadding, m_postPadding, m_dilation;
    PaddingMode m_paddingMode = PaddingMode::ExplicitRoundDown;
    int64_t m_groups = 1;
    HostTensor m_kernel, m_bias;
};

class ActivationLayer : public Layer {
public:
    // Also resets alpha and beta to the new type's defaults.
    bool setActivationType(ActivationType t);
    ActivationType activationType() const { return m_activation; }
    bool setAlpha(float alpha);
    bool setBeta(float beta);
    float alpha() const { return m_alpha; }
    float beta() const { return m_beta; }

private:
    friend class NetworkDefinition;
    ActivationLayer(NetworkDefinition& n, Tensor* input, ActivationType t);
    Status build(detail::LayerBuilder& b) const override;
    ActivationType m_activation;
    float m_alpha = 0, m_beta = 0;
};

class PoolingLayer : public Layer {
public:
    bool setPoolingType(PoolingType t);
    PoolingType poolingType() const { return m_pooling; }
    bool setWindowSize(std::vector<int64_t> window);
    const std::vector<int64_t>& windowSize() const { return m_window; }
    bool setStride(std::vector<int64_t> stride);  // default 1 in every dim
    const std::vector<int64_t>& stride() const { return m_stride; }
    bool setPadding(std::vector<int64_t> padding);
    bool setPrePadding(std::vector<int64_t> padding);
    bool setPostPadding(std::vector<int64_t> padding);
    const std::vector<int64_t>& prePadding() const { return m_prePadding; }
    const std::vector<int64_t>& postPadding() const { return m_postPadding; }
    bool setPaddingMode(PaddingMode mode);
    PaddingMode paddingMode() const { return m_paddingMode; }
    // Average pooling: divide by the number of non-padding elements (default true).
    bool setAverageCountExcludesPadding(bool exclude);
    bool averageCountExcludesPadding() const { return m_excludePadding; }

private:
    friend class NetworkDefinition;
    PoolingLayer(NetworkDefinition& n, Tensor* input, PoolingType t, std::vector<int64_t> window);
    Status build(detail::LayerBuilder& b) const override;
    PoolingType m_pooling;
    std::vector<int64_t> m_window, m_stride, m_prePadding, m_postPadding;
    PaddingMode m_paddingMode = PaddingMode::ExplicitRoundDown;
    bool m_excludePadding = true;
};

class MatrixMultiplyLayer : public Layer {
public:
    bool setOperation(int index, MatrixOperation op);  // index 0 (A) or 1 (B)
    MatrixOperation operation(int index) const { return m_ops[index == 0 ? 0 : 1]; }

private:
    friend class NetworkDefinition;
    MatrixMultiplyLayer(NetworkDefinition& n, Tensor* a, MatrixOperation opA, Tensor* b, MatrixOperation opB);
    Status build(detail::LayerBuilder& b) const override;
    MatrixOperation m_ops[2];
};

// TensorRT's classic fully connected layer: the dims after the first are flattened to
// D = product, then y[N, K] = x[N, D] * W^T + b with W K x D.
class FullyConnectedLayer : public Layer {
public:
    int64_t nbOutputChannels() const { return m_nbOutputs; }
    bool setKernelWeights(Weights w);
    bool setBiasWeights(Weights w);
    const HostTensor& kernelWeights() const { return m_kernel; }
    const HostTensor& biasWeights() const { return m_bias; }

private:
    friend class NetworkDefinition;
    FullyConnectedLayer(NetworkDefinition& n, Tensor* input, int64_t k, HostTensor kernel, HostTensor bias);
    Status build(detail::LayerBuilder& b) const override;
    int64_t m_nbOutputs;
    HostTensor m_kernel, m_bias;
};

// Binary operations with numpy broadcasting. Equal/Greater/Less give Bool; And/Or/Xor take Bool.
class ElementWiseLayer : public Layer {
public:
    bool setOperation(ElementWiseOperation op);
    ElementWiseOperation operation() const { return m_op; }

private:
    friend class NetworkDefinition;
    ElementWiseLayer(NetworkDefinition& n, Tensor* a, Tensor* b, ElementWiseOperation op);
    Status build(detail::LayerBuilder& b) const override;
    ElementWiseOperation m_op;
};

class SoftMaxLayer : public Layer {
public:
    // A mask with exactly one bit: the axis. Default: the last axis.
    bool setAxes(uint32_t axes);
    uint32_t axes() const;

private:
    friend class NetworkDefinition;
    SoftMaxLayer(NetworkDefinition& n, Tensor* input);
    Status build(detail::LayerBuilder& b) const override;
    int m_axis = -1;  // -1: the last axis
};

class ConcatenationLayer : public Layer {
public:
    // Default (as in TensorRT): rank - 3, or 0 for ranks below 3 (the channel axis of NCHW).
    // With the default, inputs that differ in another dim are accepted until setAxis() (the
    // network's validate() names the mismatch until then).
    bool setAxis(int axis);
    int axis() const;

private:
    friend class NetworkDefinition;
    ConcatenationLayer(NetworkDefinition& n, std::vector<Tensor*> inputs);
    Status build(detail::LayerBuilder& b) const override;
    std::string pendingProblem() const override;
    int m_axis = -1;  // -1: the default
};

// First transpose, then reshape, then second transpose; each step only when set (and not the
// identity). Reshape dims: 0 copies the input dim at that position (unless setZeroIsPlaceholder
// (false)), -1 is inferred.
class ShuffleLayer : public Layer {
public:
    bool setFirstTranspose(std::vector<int64_t> perm);
    const std::vector<int64_t>& firstTranspose() const { return m_first; }
    bool setReshapeDimensions(std::vector<int64_t> dims);
    const std::vector<int64_t>& reshapeDimensions() const { return m_reshape; }
    bool hasReshape() const { return m_hasReshape; }
    bool setSecondTranspose(std::vector<int64_t> perm);
    const std::vector<int64_t>& secondTranspose() const { return m_second; }
    bool setZeroIsPlaceholder(bool zeroIsPlaceholder);
    bool zeroIsPlaceholder() const { return m_zeroIsPlaceholder; }

private:
    friend class NetworkDefinition;
    ShuffleLayer(NetworkDefinition& n, Tensor* input);
    Status build(detail::LayerBuilder& b) const override;
    std::vector<int64_t> m_first, m_reshape, m_second;
    bool m_hasReshape = false;
    bool m_zeroIsPlaceholder = true;
};

class ReduceLayer : public Layer {
public:
    bool setOperation(ReduceOperation op);
    ReduceOperation operation() const { return m_op; }
    bool setReduceAxes(uint32_t axes);  // bit i: reduce axis i (at least one)
    uint32_t reduceAxes() const { return m_axes; }
    bool setKeepDimensions(bool keep);
    bool keepDimensions() const { return m_keep; }

private:
    friend class NetworkDefinition;
    ReduceLayer(NetworkDefinition& n, Tensor* input, ReduceOperation op, uint32_t axes, bool keep);
    Status build(detail::LayerBuilder& b) const override;
    ReduceOperation m_op;
    uint32_t m_axes;
    bool m_keep;
};

// y = (x - mean) / sqrt(var + epsilon) * scale + bias, mean and var over the axes in the mask.
// Trailing axes with scale/bias over the normalized dims: LayerNormalization; the spatial axes
// of [N, C, ...] with per-channel scale/bias: InstanceNormalization; anything else: the
// formula as Reduce/elementwise nodes.
class NormalizationLayer : public Layer {
public:
    bool setEpsilon(float eps);
    float epsilon() const { return m_epsilon; }
    bool setAxes(uint32_t axes);
    uint32_t axes() const { return m_axes; }

private:
    friend class NetworkDefinition;
    NormalizationLayer(NetworkDefinition& n, Tensor* input, Tensor* scale, Tensor* bias, uint32_t axes);
    Status build(detail::LayerBuilder& b) const override;
    uint32_t m_axes;
    float m_epsilon = 1e-5f;
};

class ConstantLayer : public Layer {
public:
    bool setWeights(Weights w);  // count must match the dims
    bool setDimensions(std::vector<int64_t> dims);  // element count must match the weights
    const HostTensor& weights() const { return m_value; }

private:
    friend class NetworkDefinition;
    ConstantLayer(NetworkDefinition& n, HostTensor value);
    Status build(detail::LayerBuilder& b) const override;
    HostTensor m_value;
};

class UnaryLayer : public Layer {
public:
    bool setOperation(UnaryOperation op);
    UnaryOperation operation() const { return m_op; }

private:
    friend class NetworkDefinition;
    UnaryLayer(NetworkDefinition& n, Tensor* input, UnaryOperation op);
    Status build(detail::LayerBuilder& b) const override;
    UnaryOperation m_op;
};

// y = (x * scale + shift) ^ power; weights with count 0 are left out (scale 1, shift 0, power 1).
class ScaleLayer : public Layer {
public:
    bool setMode(ScaleMode mode);
    ScaleMode mode() const { return m_mode; }
    bool setShift(Weights w);
    bool setScale(Weights w);
    bool setPower(Weights w);
    bool setChannelAxis(int axis);
    int channelAxis() const { return m_channelAxis; }

private:
    friend class NetworkDefinition;
    ScaleLayer(NetworkDefinition& n, Tensor* input, ScaleMode mode, HostTensor shift, HostTensor scale,
               HostTensor power, int channelAxis);
    Status build(detail::LayerBuilder& b) const override;
    ScaleMode m_mode;
    HostTensor m_shift, m_scale, m_power;
    int m_channelAxis;
};

class GatherLayer : public Layer {
public:
    bool setGatherAxis(int axis);
    int gatherAxis() const { return m_axis; }

private:
    friend class NetworkDefinition;
    GatherLayer(NetworkDefinition& n, Tensor* data, Tensor* indices, int axis);
    Status build(detail::LayerBuilder& b) const override;
    int m_axis;
};

// out[i] = in[start + i * stride] per dim, with the output dims `size` (static slicing).
class SliceLayer : public Layer {
public:
    bool setStart(std::vector<int64_t> start);
    bool setSize(std::vector<int64_t> size);
    bool setStride(std::vector<int64_t> stride);
    const std::vector<int64_t>& start() const { return m_start; }
    const std::vector<int64_t>& size() const { return m_size; }
    const std::vector<int64_t>& stride() const { return m_stride; }

private:
    friend class NetworkDefinition;
    SliceLayer(NetworkDefinition& n, Tensor* input, std::vector<int64_t> start, std::vector<int64_t> size,
               std::vector<int64_t> stride);
    Status build(detail::LayerBuilder& b) const override;
    std::vector<int64_t> m_start, m_size, m_stride;
};

class IdentityLayer : public Layer {
private:
    friend class NetworkDefinition;
    IdentityLayer(NetworkDefinition& n, Tensor* input);
    Status build(detail::LayerBuilder& b) const override;
};

class CastLayer : public Layer {
public:
    bool setToType(DataType t);
    DataType toType() const { return m_to; }

private:
    friend class NetworkDefinition;
    CastLayer(NetworkDefinition& n, Tensor* input, DataType to);
    Status build(detail::LayerBuilder& b) const override;
    DataType m_to;
};

// Output 0: the k largest (Max) or smallest (Min) values along the axis, sorted; output 1: their
// indices (Int64).
class TopKLayer : public Layer {
public:
    bool setOperation(TopKOperation op);
    TopKOperation operation() const { return m_op; }
    bool setK(int64_t k);
    int64_t k() const { return m_k; }
    bool setReduceAxes(uint32_t axes);  // exactly one bit
    uint32_t reduceAxes() const { return uint32_t(1) << m_axis; }

private:
    friend class NetworkDefinition;
    TopKLayer(NetworkDefinition& n, Tensor* input, TopKOperation op, int64_t k, int axis);
    Status build(detail::LayerBuilder& b) const override;
    TopKOperation m_op;
    int64_t m_k;
    int m_axis;
};

// A layer a loaded plugin runs (plugin/kiln_plugin.h): its op type and domain name the plugin, its
// attributes are what the plugin's creator receives as fields. Output types and shapes come from
// the plugin.
class PluginLayer : public Layer {
public:
    const std::string& pluginType() const { return m_opType; }
    const std::string& pluginDomain() const { return m_domain; }
    const std::map<std::string, ir::Attribute>& attributes() const { return m_attrs; }

private:
    friend class NetworkDefinition;
    PluginLayer(NetworkDefinition& n, std::vector<Tensor*> inputs, std::string opType, std::string domain,
                std::map<std::string, ir::Attribute> attrs);
    Status build(detail::LayerBuilder& b) const override;
    std::string m_opType, m_domain;
    std::map<std::string, ir::Attribute> m_attrs;
};

// A node imported from ONNX, kept as it is (inputs may include initializers; omitted optional
// inputs and outputs are null).
class OnnxNodeLayer : public Layer {
public:
    const std::string& opType() const { return m_opType; }

private:
    friend class NetworkDefinition;
    OnnxNodeLayer(NetworkDefinition& n, const ir::Node& node, std::vector<Tensor*> inputs);
    Status build(detail::LayerBuilder& b) const override;
    std::string m_opType, m_domain, m_doc;
    int m_opset;
    std::map<std::string, ir::Attribute> m_attrs;
    std::vector<std::string> m_origins;
};

}  // namespace kiln
