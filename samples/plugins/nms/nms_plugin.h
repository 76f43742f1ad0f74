// BatchedNMS (kiln.samples, version 1): batched non-max suppression with a fixed-size output,
// like TensorRT's EfficientNMS_TRT. See samples/plugins/README.md for the operator's contract.
//
//   boxes  [B, N, 4] float|half, scores [B, N, C] float|half
//   -> num_detections [B, 1] int32, detection_boxes [B, K, 4], detection_scores [B, K],
//      detection_classes [B, K] int32          (K = max_output_boxes)
#pragma once

#include <string>
#include <vector>

#include "kiln_plugin.h"
#include "nms_impl.h"

namespace kiln::samples::nms {

namespace kp = kiln::plugin;

inline constexpr const char* kPluginType = "BatchedNMS";
inline constexpr const char* kPluginVersion = "1";
inline constexpr const char* kPluginNamespace = "kiln.samples";

// Status codes of the plugin's methods (0 = success).
enum StatusCode : int32_t {
    kSuccess = 0,
    kInvalidArgument = 1,  // shapes, types or pointers that the operator does not take
    kUnsupported = 2,      // a device or size this build cannot run
    kCudaFailure = 3,      // a launch failed
};

class BatchedNmsPlugin final : public kp::IPlugin {
public:
    BatchedNmsPlugin(std::string layerName, const NmsParams& params);

    const char* getPluginType() const override { return kPluginType; }
    const char* getPluginVersion() const override { return kPluginVersion; }
    const char* getPluginNamespace() const override { return kPluginNamespace; }

    int32_t getNbOutputs() const override { return 4; }
    int32_t getOutputDataTypes(kp::DataType* outputTypes, int32_t nbOutputs, const kp::DataType* inputTypes,
                               int32_t nbInputs) const override;
    int32_t getOutputShapes(const kp::DimsExprs* inputs, int32_t nbInputs, kp::DimsExprs* outputs, int32_t nbOutputs,
                            kp::IExprBuilder& exprBuilder) override;
    bool supportsFormatCombination(int32_t pos, const kp::PortDesc* inOut, int32_t nbInputs,
                                   int32_t nbOutputs) override;
    bool supportsDevice(kp::DeviceKind device) const override;

    size_t getWorkspaceSize(kp::DeviceKind device, const kp::TensorDesc* inputs, int32_t nbInputs,
                            const kp::TensorDesc* outputs, int32_t nbOutputs) const override;
    int32_t enqueue(kp::DeviceKind device, const kp::TensorDesc* inputDesc, const kp::TensorDesc* outputDesc,
                    const void* const* inputs, void* const* outputs, void* workspace, void* stream) override;

    size_t getSerializationSize() const override;
    void serialize(void* buffer) const override;
    kp::IPlugin* clone() const override { return new BatchedNmsPlugin(*this); }

    const char* getLastError() const override { return m_error.c_str(); }

private:
    int32_t fail(int32_t code, const std::string& why) const;
    // Checks the tensors of an enqueue and reads the problem's shape from them.
    int32_t checkTensors(const kp::TensorDesc* in, const kp::TensorDesc* out, NmsShape* shape) const;

    std::string m_layer;
    NmsParams m_params;
    mutable std::string m_error;
};

class BatchedNmsCreator final : public kp::IPluginCreator {
public:
    BatchedNmsCreator();

    const char* getPluginType() const override { return kPluginType; }
    const char* getPluginVersion() const override { return kPluginVersion; }
    const char* getPluginNamespace() const override { return kPluginNamespace; }
    const kp::PluginFieldCollection* getFieldNames() override { return &m_fieldNames; }

    kp::IPlugin* createPlugin(const char* layerName, const kp::PluginFieldCollection* fields) override;
    kp::IPlugin* deserializePlugin(const char* layerName, const void* data, size_t length) override;

    const char* getLastError() const override { return m_error.c_str(); }

private:
    kp::IPlugin* fail(const std::string& why);

    std::vector<kp::PluginField> m_fields;
    kp::PluginFieldCollection m_fieldNames;
    std::string m_error;
};

// The parameters' serialized form: a format version byte, then the fields in host byte order.
size_t serializedSize();
void serializeParams(const NmsParams& params, void* buffer);
// False (and why) on data of another length or format version, or with invalid values.
bool deserializeParams(const void* data, size_t length, NmsParams* params, std::string* why);
// Empty when the parameters are valid, else what is wrong.
std::string validate(const NmsParams& params);

}  // namespace kiln::samples::nms
