// NetworkDefinition::add*: the checks that do not depend on shapes (null or foreign tensors,
// weights that cannot be copied, counts and sizes out of range), then the layer is built, which
// checks it against its inputs' types and shapes (see the build() of each layer).
#include "builder/network.h"
#include "builder/network_internal.h"
#include "plugin/plugin_layer.h"

namespace kiln {

namespace {

Status check(bool ok, const std::string& message) { return ok ? Status::ok() : invalidArgument(message); }

Status checkPositive(const std::vector<int64_t>& v, const char* what) {
    if (v.empty()) return invalidArgument(std::string(what) + " must not be empty");
    for (int64_t x : v)
        if (x <= 0) return invalidArgument(std::string(what) + " " + dimsToString(v) + " must be positive");
    return Status::ok();
}

}  // namespace

template <typename L>
L* NetworkDefinition::addLayer(std::unique_ptr<L> layer, int numOutputs) {
    return static_cast<L*>(addLayerImpl(std::move(layer), numOutputs));
}

// Records `s` prefixed with the add* call it came from and returns nullptr when it is an error.
#define KILN_ADD_CHECK(call, expr)                                      \
    do {                                                               \
        ::kiln::Status _s = (expr);                                    \
        if (!_s.isOk()) {                                              \
            record(std::move(_s.prefix(call)));                        \
            return nullptr;                                            \
        }                                                              \
    } while (0)

ConvolutionLayer* NetworkDefinition::addConvolution(Tensor* input, int64_t nbOutputMaps, std::vector<int64_t> kernelSize,
                                                    Weights kernel, Weights bias) {
    KILN_ADD_CHECK("addConvolution", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addConvolution", check(nbOutputMaps > 0, "nbOutputMaps must be positive, got " + std::to_string(nbOutputMaps)));
    KILN_ADD_CHECK("addConvolution", checkPositive(kernelSize, "the kernel size"));
    KILN_ADD_CHECK("addConvolution", check(kernelSize.size() <= 3, "kernels of 1 to 3 spatial dims are supported, got " +
                                                                        dimsToString(kernelSize)));
    auto k = detail::copyWeights(kernel, "kernel");
    KILN_ADD_CHECK("addConvolution", k.status());
    auto b = detail::copyWeights(bias, "bias");
    KILN_ADD_CHECK("addConvolution", b.status());
    return addLayer(std::unique_ptr<ConvolutionLayer>(new ConvolutionLayer(
                        *this, input, nbOutputMaps, std::move(kernelSize), std::move(*k), std::move(*b))),
                    1);
}

ActivationLayer* NetworkDefinition::addActivation(Tensor* input, ActivationType type) {
    KILN_ADD_CHECK("addActivation", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<ActivationLayer>(new ActivationLayer(*this, input, type)), 1);
}

PoolingLayer* NetworkDefinition::addPooling(Tensor* input, PoolingType type, std::vector<int64_t> windowSize) {
    KILN_ADD_CHECK("addPooling", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addPooling", checkPositive(windowSize, "the window size"));
    return addLayer(std::unique_ptr<PoolingLayer>(new PoolingLayer(*this, input, type, std::move(windowSize))), 1);
}

MatrixMultiplyLayer* NetworkDefinition::addMatrixMultiply(Tensor* a, MatrixOperation opA, Tensor* b, MatrixOperation opB) {
    KILN_ADD_CHECK("addMatrixMultiply", checkTensor(a, "input A"));
    KILN_ADD_CHECK("addMatrixMultiply", checkTensor(b, "input B"));
    return addLayer(std::unique_ptr<MatrixMultiplyLayer>(new MatrixMultiplyLayer(*this, a, opA, b, opB)), 1);
}

FullyConnectedLayer* NetworkDefinition::addFullyConnected(Tensor* input, int64_t nbOutputs, Weights kernel, Weights bias) {
    KILN_ADD_CHECK("addFullyConnected", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addFullyConnected", check(nbOutputs > 0, "nbOutputs must be positive, got " + std::to_string(nbOutputs)));
    auto k = detail::copyWeights(kernel, "kernel");
    KILN_ADD_CHECK("addFullyConnected", k.status());
    auto b = detail::copyWeights(bias, "bias");
    KILN_ADD_CHECK("addFullyConnected", b.status());
    return addLayer(std::unique_ptr<FullyConnectedLayer>(
                        new FullyConnectedLayer(*this, input, nbOutputs, std::move(*k), std::move(*b))),
                    1);
}

ElementWiseLayer* NetworkDefinition::addElementWise(Tensor* a, Tensor* b, ElementWiseOperation op) {
    KILN_ADD_CHECK("addElementWise", checkTensor(a, "input A"));
    KILN_ADD_CHECK("addElementWise", checkTensor(b, "input B"));
    return addLayer(std::unique_ptr<ElementWiseLayer>(new ElementWiseLayer(*this, a, b, op)), 1);
}

SoftMaxLayer* NetworkDefinition::addSoftMax(Tensor* input) {
    KILN_ADD_CHECK("addSoftMax", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<SoftMaxLayer>(new SoftMaxLayer(*this, input)), 1);
}

ConcatenationLayer* NetworkDefinition::addConcatenation(const std::vector<Tensor*>& inputs) {
    KILN_ADD_CHECK("addConcatenation", check(!inputs.empty(), "at least one input is needed"));
    for (size_t i = 0; i < inputs.size(); ++i)
        KILN_ADD_CHECK("addConcatenation", checkTensor(inputs[i], ("input " + std::to_string(i)).c_str()));
    return addLayer(std::unique_ptr<ConcatenationLayer>(new ConcatenationLayer(*this, inputs)), 1);
}

ShuffleLayer* NetworkDefinition::addShuffle(Tensor* input) {
    KILN_ADD_CHECK("addShuffle", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<ShuffleLayer>(new ShuffleLayer(*this, input)), 1);
}

ReduceLayer* NetworkDefinition::addReduce(Tensor* input, ReduceOperation op, uint32_t reduceAxes, bool keepDimensions) {
    KILN_ADD_CHECK("addReduce", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addReduce", check(reduceAxes != 0, "the axes mask is empty: set the bit of every axis to reduce"));
    return addLayer(std::unique_ptr<ReduceLayer>(new ReduceLayer(*this, input, op, reduceAxes, keepDimensions)), 1);
}

NormalizationLayer* NetworkDefinition::addNormalization(Tensor* input, Tensor* scale, Tensor* bias, uint32_t axesMask) {
    KILN_ADD_CHECK("addNormalization", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addNormalization", checkTensor(scale, "the scale"));
    KILN_ADD_CHECK("addNormalization", checkTensor(bias, "the bias"));
    KILN_ADD_CHECK("addNormalization", check(axesMask != 0, "the axes mask is empty: set the bit of every axis to normalize over"));
    return addLayer(std::unique_ptr<NormalizationLayer>(new NormalizationLayer(*this, input, scale, bias, axesMask)), 1);
}

ConstantLayer* NetworkDefinition::addConstant(std::vector<int64_t> dims, Weights weights) {
    auto numel = checkedNumel(dims);
    KILN_ADD_CHECK("addConstant", numel.status());
    auto w = detail::copyWeights(weights, "constant");
    KILN_ADD_CHECK("addConstant", w.status());
    if (!w->isValid() && *numel == 0) w = HostTensor(weights.type, {0});
    KILN_ADD_CHECK("addConstant", detail::checkCount(*w, *numel, ("the constant of dims " + dimsToString(dims)).c_str(), false));
    return addLayer(std::unique_ptr<ConstantLayer>(new ConstantLayer(*this, *w->reshaped(std::move(dims)))), 1);
}

UnaryLayer* NetworkDefinition::addUnary(Tensor* input, UnaryOperation op) {
    KILN_ADD_CHECK("addUnary", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<UnaryLayer>(new UnaryLayer(*this, input, op)), 1);
}

ScaleLayer* NetworkDefinition::addScale(Tensor* input, ScaleMode mode, Weights shift, Weights scale, Weights power,
                                        int channelAxis) {
    KILN_ADD_CHECK("addScale", checkTensor(input, "the input"));
    auto sh = detail::copyWeights(shift, "shift");
    KILN_ADD_CHECK("addScale", sh.status());
    auto sc = detail::copyWeights(scale, "scale");
    KILN_ADD_CHECK("addScale", sc.status());
    auto pw = detail::copyWeights(power, "power");
    KILN_ADD_CHECK("addScale", pw.status());
    return addLayer(std::unique_ptr<ScaleLayer>(new ScaleLayer(*this, input, mode, std::move(*sh), std::move(*sc),
                                                               std::move(*pw), channelAxis)),
                    1);
}

GatherLayer* NetworkDefinition::addGather(Tensor* data, Tensor* indices, int axis) {
    KILN_ADD_CHECK("addGather", checkTensor(data, "the data"));
    KILN_ADD_CHECK("addGather", checkTensor(indices, "the indices"));
    return addLayer(std::unique_ptr<GatherLayer>(new GatherLayer(*this, data, indices, axis)), 1);
}

SliceLayer* NetworkDefinition::addSlice(Tensor* input, std::vector<int64_t> start, std::vector<int64_t> size,
                                        std::vector<int64_t> stride) {
    KILN_ADD_CHECK("addSlice", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<SliceLayer>(
                        new SliceLayer(*this, input, std::move(start), std::move(size), std::move(stride))),
                    1);
}

IdentityLayer* NetworkDefinition::addIdentity(Tensor* input) {
    KILN_ADD_CHECK("addIdentity", checkTensor(input, "the input"));
    return addLayer(std::unique_ptr<IdentityLayer>(new IdentityLayer(*this, input)), 1);
}

CastLayer* NetworkDefinition::addCast(Tensor* input, DataType toType) {
    KILN_ADD_CHECK("addCast", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addCast", check(toType != DataType::Undefined, "the target type is undefined"));
    return addLayer(std::unique_ptr<CastLayer>(new CastLayer(*this, input, toType)), 1);
}

TopKLayer* NetworkDefinition::addTopK(Tensor* input, TopKOperation op, int64_t k, uint32_t reduceAxes) {
    KILN_ADD_CHECK("addTopK", checkTensor(input, "the input"));
    KILN_ADD_CHECK("addTopK", check(k > 0, "k must be positive, got " + std::to_string(k)));
    KILN_ADD_CHECK("addTopK", check(reduceAxes != 0 && (reduceAxes & (reduceAxes - 1)) == 0,
                                    "the axes mask must have exactly one bit set, got " + std::to_string(reduceAxes)));
    int axis = 0;
    while (!(reduceAxes & (uint32_t(1) << axis))) ++axis;
    return addLayer(std::unique_ptr<TopKLayer>(new TopKLayer(*this, input, op, k, axis)), 2);
}


PluginLayer* NetworkDefinition::addPlugin(const std::vector<Tensor*>& inputs, const std::string& opType,
                                          const std::string& domain, std::map<std::string, ir::Attribute> attributes) {
    for (const Tensor* t : inputs) KILN_ADD_CHECK("addPlugin", checkTensor(t, "an input"));
    auto info = plugins::PluginRegistry::global().find(domain, opType);
    KILN_ADD_CHECK("addPlugin", check(info.has_value(), "no loaded plugin provides " + opType + " (" +
                                                           (domain.empty() ? std::string("ai.onnx") : domain) + ")"));
    // The number of outputs, from a plugin made on a scratch node with the same attributes.
    int numOutputs = 0;
    {
        ir::Graph scratch;
        ir::Node* n = scratch.addNode("probe", opType, domain, {}, {});
        for (const auto& [k, a] : attributes) n->setAttr(k, a);
        auto p = plugins::instantiate(*n);
        KILN_ADD_CHECK("addPlugin", p.status());
        KILN_ADD_CHECK("addPlugin", plugins::guarded(*p, "getNbOutputs", [&] {
            numOutputs = p->plugin->getNbOutputs();
            return numOutputs >= 1 && numOutputs <= 64 ? Status::ok()
                                                       : internalError("getNbOutputs returned " + std::to_string(numOutputs));
        }));
    }
    if (!domain.empty() && domain != "ai.onnx") m_graph->info().opsets.emplace(domain, 1);
    return addLayer(std::unique_ptr<PluginLayer>(new PluginLayer(*this, inputs, opType, domain, std::move(attributes))),
                    numOutputs);
}

#undef KILN_ADD_CHECK

}  // namespace kiln
