// The BatchedNMS layer: types, shapes, formats and workspace for the builder; enqueue checks the
// tensors and hands them to the CPU or CUDA implementation.
#include "nms_plugin.h"

#include <cstring>

namespace kiln::samples::nms {

namespace {

// Port order: inputs, then outputs.
enum Port : int32_t {
    kBoxes = 0,
    kScores = 1,
    kNumDetections = 2,
    kDetectionBoxes = 3,
    kDetectionScores = 4,
    kDetectionClasses = 5,
    kNbPorts = 6,
};
constexpr int32_t kNbInputs = 2;
constexpr int32_t kNbOutputs = 4;

bool isFloatType(kp::DataType t) { return t == kp::DataType::kFLOAT || t == kp::DataType::kHALF; }

const char* typeName(kp::DataType t) {
    switch (t) {
    case kp::DataType::kFLOAT: return "float";
    case kp::DataType::kHALF: return "half";
    case kp::DataType::kINT32: return "int32";
    case kp::DataType::kINT64: return "int64";
    case kp::DataType::kINT8: return "int8";
    case kp::DataType::kUINT8: return "uint8";
    case kp::DataType::kBOOL: return "bool";
    }
    return "an unknown type";
}

std::string dimsText(const kp::Dims& d) {
    std::string s = "[";
    for (int32_t i = 0; i < d.nbDims; ++i) s += (i ? ", " : "") + std::to_string(d.d[i]);
    return s + "]";
}

bool dimsAre(const kp::Dims& d, std::initializer_list<int64_t> expected) {
    if (d.nbDims != int32_t(expected.size())) return false;
    int32_t i = 0;
    for (int64_t e : expected)
        if (d.d[i++] != e) return false;
    return true;
}

// Two dims that are known to differ.
bool knownDifferent(const kp::IDimExpr* a, const kp::IDimExpr* b) {
    return a->isConstant() && b->isConstant() && a->getConstantValue() != b->getConstantValue();
}

}  // namespace

BatchedNmsPlugin::BatchedNmsPlugin(std::string layerName, const NmsParams& params)
    : m_layer(std::move(layerName)), m_params(params) {}

int32_t BatchedNmsPlugin::fail(int32_t code, const std::string& why) const {
    m_error = std::string(kPluginType) + " '" + m_layer + "': " + why;
    return code;
}

int32_t BatchedNmsPlugin::getOutputDataTypes(kp::DataType* outputTypes, int32_t nbOutputs,
                                             const kp::DataType* inputTypes, int32_t nbInputs) const {
    if (nbInputs != kNbInputs || nbOutputs != kNbOutputs)
        return fail(kInvalidArgument, "takes 2 inputs (boxes, scores) and gives 4 outputs, not " +
                                          std::to_string(nbInputs) + " and " + std::to_string(nbOutputs));
    const kp::DataType boxes = inputTypes[kBoxes], scores = inputTypes[kScores];
    if (!isFloatType(boxes) || boxes != scores)
        return fail(kInvalidArgument, std::string("boxes and scores must both be float or both be half, not ") +
                                          typeName(boxes) + " and " + typeName(scores));
    outputTypes[kNumDetections - kNbInputs] = kp::DataType::kINT32;
    outputTypes[kDetectionBoxes - kNbInputs] = boxes;
    outputTypes[kDetectionScores - kNbInputs] = scores;
    outputTypes[kDetectionClasses - kNbInputs] = kp::DataType::kINT32;
    return kSuccess;
}

// [B, N, 4], [B, N, C] -> [B, 1], [B, K, 4], [B, K], [B, K]
int32_t BatchedNmsPlugin::getOutputShapes(const kp::DimsExprs* inputs, int32_t nbInputs, kp::DimsExprs* outputs,
                                          int32_t nbOutputs, kp::IExprBuilder& exprBuilder) {
    if (nbInputs != kNbInputs || nbOutputs != kNbOutputs)
        return fail(kInvalidArgument, "takes 2 inputs (boxes, scores) and gives 4 outputs, not " +
                                          std::to_string(nbInputs) + " and " + std::to_string(nbOutputs));
    const kp::DimsExprs& boxes = inputs[kBoxes];
    const kp::DimsExprs& scores = inputs[kScores];
    if (boxes.nbDims != 3 || scores.nbDims != 3)
        return fail(kInvalidArgument, "boxes [B, N, 4] and scores [B, N, C] must have rank 3, not " +
                                          std::to_string(boxes.nbDims) + " and " + std::to_string(scores.nbDims));
    if (boxes.d[2]->isConstant() && boxes.d[2]->getConstantValue() != 4)
        return fail(kInvalidArgument,
                    "boxes must be [B, N, 4]; its last dim is " + std::to_string(boxes.d[2]->getConstantValue()));
    if (knownDifferent(boxes.d[0], scores.d[0]) || knownDifferent(boxes.d[1], scores.d[1]))
        return fail(kInvalidArgument, "boxes [B, N, 4] and scores [B, N, C] disagree on B or N");

    const kp::IDimExpr* batch = boxes.d[0];
    const kp::IDimExpr* maxOut = exprBuilder.constant(m_params.maxOutputBoxes);
    outputs[0] = {2, {batch, exprBuilder.constant(1)}};
    outputs[1] = {3, {batch, maxOut, exprBuilder.constant(4)}};
    outputs[2] = {2, {batch, maxOut}};
    outputs[3] = {2, {batch, maxOut}};
    return kSuccess;
}

bool BatchedNmsPlugin::supportsFormatCombination(int32_t pos, const kp::PortDesc* inOut, int32_t nbInputs,
                                                 int32_t nbOutputs) {
    if (nbInputs != kNbInputs || nbOutputs != kNbOutputs || pos < 0 || pos >= kNbPorts) return false;
    const kp::PortDesc& port = inOut[pos];
    if (port.format != kp::TensorFormat::kLINEAR) return false;
    switch (pos) {
    case kBoxes: return isFloatType(port.type);
    case kNumDetections:
    case kDetectionClasses: return port.type == kp::DataType::kINT32;
    default: return port.type == inOut[kBoxes].type;  // every float port has the boxes' type
    }
}

bool BatchedNmsPlugin::supportsDevice(kp::DeviceKind device) const {
    if (device == kp::DeviceKind::kCPU) return true;
#ifdef KILN_NMS_WITH_CUDA
    return device == kp::DeviceKind::kCUDA;
#else
    return false;
#endif
}

size_t BatchedNmsPlugin::getWorkspaceSize(kp::DeviceKind device, const kp::TensorDesc* inputs, int32_t nbInputs,
                                          const kp::TensorDesc* outputs, int32_t nbOutputs) const {
#ifdef KILN_NMS_WITH_CUDA
    // The CPU path allocates its own scratch.
    if (device != kp::DeviceKind::kCUDA) return 0;
    NmsShape shape;
    if (nbInputs != kNbInputs || nbOutputs != kNbOutputs || checkTensors(inputs, outputs, &shape) != kSuccess) return 0;
    return nmsCudaWorkspaceSize(m_params, shape);
#else
    (void)device, (void)inputs, (void)nbInputs, (void)outputs, (void)nbOutputs;
    return 0;
#endif
}

int32_t BatchedNmsPlugin::checkTensors(const kp::TensorDesc* in, const kp::TensorDesc* out, NmsShape* shape) const {
    const kp::Dims& boxes = in[kBoxes].dims;
    const kp::Dims& scores = in[kScores].dims;
    if (boxes.nbDims != 3 || boxes.d[2] != 4 || scores.nbDims != 3 || scores.d[0] != boxes.d[0] ||
        scores.d[1] != boxes.d[1] || boxes.d[0] < 0 || boxes.d[1] < 0 || scores.d[2] < 0)
        return fail(kInvalidArgument, "boxes must be [B, N, 4] and scores [B, N, C], not " + dimsText(boxes) + " and " +
                                          dimsText(scores));
    const kp::DataType type = in[kBoxes].type;
    if (!isFloatType(type) || in[kScores].type != type || out[kDetectionBoxes - kNbInputs].type != type ||
        out[kDetectionScores - kNbInputs].type != type ||
        out[kNumDetections - kNbInputs].type != kp::DataType::kINT32 ||
        out[kDetectionClasses - kNbInputs].type != kp::DataType::kINT32)
        return fail(kInvalidArgument, std::string("takes float or half boxes and scores, all of one type, with int32 "
                                                  "counts and classes; boxes are ") +
                                          typeName(type));
    for (int32_t i = 0; i < kNbPorts; ++i) {
        const kp::TensorFormat format = i < kNbInputs ? in[i].format : out[i - kNbInputs].format;
        if (format != kp::TensorFormat::kLINEAR) return fail(kInvalidArgument, "takes kLINEAR tensors only");
    }
    *shape = {boxes.d[0], boxes.d[1], scores.d[2]};
    const int64_t b = shape->batch, k = m_params.maxOutputBoxes;
    if (!dimsAre(out[0].dims, {b, 1}) || !dimsAre(out[1].dims, {b, k, 4}) || !dimsAre(out[2].dims, {b, k}) ||
        !dimsAre(out[3].dims, {b, k}))
        return fail(kInvalidArgument, "outputs must be [B, 1], [B, K, 4], [B, K] and [B, K] with B = " +
                                          std::to_string(b) + ", K = " + std::to_string(k));
    if (!withinLimits(m_params, *shape))
        return fail(kUnsupported, "boxes " + dimsText(boxes) + " and scores " + dimsText(scores) +
                                      " exceed the 2^31 candidate slots this implementation indexes");
    return kSuccess;
}

int32_t BatchedNmsPlugin::enqueue(kp::DeviceKind device, const kp::TensorDesc* inputDesc,
                                  const kp::TensorDesc* outputDesc, const void* const* inputs, void* const* outputs,
                                  void* workspace, void* stream) {
    NmsShape shape;
    if (const int32_t st = checkTensors(inputDesc, outputDesc, &shape); st != kSuccess) return st;
    NmsTensors tensors;
    tensors.half = inputDesc[kBoxes].type == kp::DataType::kHALF;
    tensors.boxes = inputs[kBoxes];
    tensors.scores = inputs[kScores];
    tensors.numDetections = static_cast<int32_t*>(outputs[kNumDetections - kNbInputs]);
    tensors.detectionBoxes = outputs[kDetectionBoxes - kNbInputs];
    tensors.detectionScores = outputs[kDetectionScores - kNbInputs];
    tensors.detectionClasses = static_cast<int32_t*>(outputs[kDetectionClasses - kNbInputs]);

    if (device == kp::DeviceKind::kCPU) {
        runNmsCpu(m_params, shape, tensors);
        return kSuccess;
    }
#ifdef KILN_NMS_WITH_CUDA
    if (device == kp::DeviceKind::kCUDA) {
        if (!workspace && nmsCudaWorkspaceSize(m_params, shape) > 0)
            return fail(kInvalidArgument, "enqueue needs the workspace getWorkspaceSize asked for");
        if (const char* why = runNmsCuda(m_params, shape, tensors, workspace, stream))
            return fail(kCudaFailure, std::string("CUDA launch failed: ") + why);
        return kSuccess;
    }
#endif
    return fail(kUnsupported, "this build of the plugin runs on the CPU only");
}

size_t BatchedNmsPlugin::getSerializationSize() const { return serializedSize(); }

void BatchedNmsPlugin::serialize(void* buffer) const { serializeParams(m_params, buffer); }

}  // namespace kiln::samples::nms
