// libkiln_test_scale_v1.so / libkiln_test_scale_v2.so: op Scale2 (kiln.test), y = x * 2 on the
// CPU, version KILN_TEST_SCALE_VERSION (one source, two libraries: for plan-version tests). It
// takes a fused Relu: created with kiln_activation = "relu" it gives max(x * 2, 0), and the
// activation is part of its serialized parameters. Other attributes are ignored.
#include <iterator>
#include <string_view>

#include "test_plugin_base.h"

#ifndef KILN_TEST_SCALE_VERSION
#error "define KILN_TEST_SCALE_VERSION (\"1\" or \"2\")"
#endif

namespace kiln::test_plugins {

namespace {

constexpr uint8_t kSerialVersion = 1;

class ScalePlugin final : public UnaryFloatPlugin {
public:
    explicit ScalePlugin(bool relu) : m_relu(relu) {}
    const char* getPluginType() const override { return "Scale2"; }
    const char* getPluginVersion() const override { return KILN_TEST_SCALE_VERSION; }
    const char* getPluginNamespace() const override { return "kiln.test"; }
    bool supportsFusedActivation(kp::ActivationKind kind) const override { return kind == kp::ActivationKind::kRELU; }

    int32_t enqueue(kp::DeviceKind device, const kp::TensorDesc* inputDesc, const kp::TensorDesc*,
                    const void* const* inputs, void* const* outputs, void*, void*) override {
        if (device != kp::DeviceKind::kCPU) return fail("Scale2 runs on the CPU only");
        const auto* x = static_cast<const float*>(inputs[0]);
        auto* y = static_cast<float*>(outputs[0]);
        for (int64_t i = 0, n = volume(inputDesc[0].dims); i < n; ++i) {
            const float v = x[i] * 2.0f;
            y[i] = m_relu && v < 0.0f ? 0.0f : v;
        }
        return 0;
    }

    // version byte, relu byte
    size_t getSerializationSize() const override { return 2; }
    void serialize(void* buffer) const override {
        auto* at = static_cast<uint8_t*>(buffer);
        at[0] = kSerialVersion;
        at[1] = m_relu ? 1 : 0;
    }
    kp::IPlugin* clone() const override { return new ScalePlugin(*this); }

private:
    bool m_relu;
};

class ScaleCreator final : public kp::IPluginCreator {
public:
    const char* getPluginType() const override { return "Scale2"; }
    const char* getPluginVersion() const override { return KILN_TEST_SCALE_VERSION; }
    const char* getPluginNamespace() const override { return "kiln.test"; }
    const kp::PluginFieldCollection* getFieldNames() override { return &m_names; }

    kp::IPlugin* createPlugin(const char*, const kp::PluginFieldCollection* fields) override {
        bool relu = false;
        if (const kp::PluginField* f = findField(fields, "kiln_activation")) {
            const std::string_view kind = f->type == kp::FieldType::kCHAR && f->data
                                              ? std::string_view(static_cast<const char*>(f->data), size_t(f->length))
                                              : std::string_view();
            if (kind != "relu") return refuse("Scale2 fuses relu only, not '" + std::string(kind) + "'");
            relu = true;
        }
        return new ScalePlugin(relu);
    }

    kp::IPlugin* deserializePlugin(const char*, const void* data, size_t length) override {
        const auto* at = static_cast<const uint8_t*>(data);
        if (!data || length != 2 || at[0] != kSerialVersion || at[1] > 1) return refuse("Scale2: bad serialized data");
        return new ScalePlugin(at[1] == 1);
    }

    const char* getLastError() const override { return m_error.c_str(); }

private:
    kp::IPlugin* refuse(const std::string& why) {
        m_error = why;
        return nullptr;
    }

    kp::PluginFieldCollection m_names{0, nullptr};
    std::string m_error;
};

ScaleCreator g_creator;
kp::IPluginCreator* const g_creators[] = {&g_creator};

}  // namespace

}  // namespace kiln::test_plugins

KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return kiln::plugin::kPluginApiVersion; }

KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count) {
    *count = int32_t(std::size(kiln::test_plugins::g_creators));
    return kiln::test_plugins::g_creators;
}
