// libkiln_test_faulty.so: op Faulty (kiln.test, version 1), one float input x, y = x * 2, failing
// where its int attribute `mode` says:
//   0 works (CPU only)
//   1 enqueue returns 3, getLastError "faulty plugin: enqueue failed on purpose"
//   2 enqueue throws std::runtime_error("faulty plugin: thrown on purpose")
//   3 getOutputShapes throws std::runtime_error("faulty plugin: getOutputShapes throws on purpose")
//   4 createPlugin returns null, getLastError "faulty plugin: mode 4 refuses to be created"
// Other attributes are ignored.
#include <iterator>
#include <stdexcept>

#include "test_plugin_base.h"

namespace kiln::test_plugins {

namespace {

enum Mode : int32_t {
    kWorks = 0,
    kEnqueueError = 1,
    kEnqueueThrows = 2,
    kShapesThrow = 3,
    kRefusesCreation = 4,
};
constexpr int32_t kEnqueueErrorCode = 3;
constexpr uint8_t kSerialVersion = 1;

class FaultyPlugin final : public UnaryFloatPlugin {
public:
    explicit FaultyPlugin(int32_t mode) : m_mode(mode) {}
    const char* getPluginType() const override { return "Faulty"; }
    const char* getPluginVersion() const override { return "1"; }
    const char* getPluginNamespace() const override { return "kiln.test"; }

    int32_t getOutputShapes(const kp::DimsExprs* in, int32_t nbIn, kp::DimsExprs* out, int32_t nbOut,
                            kp::IExprBuilder& b) override {
        if (m_mode == kShapesThrow) throw std::runtime_error("faulty plugin: getOutputShapes throws on purpose");
        return UnaryFloatPlugin::getOutputShapes(in, nbIn, out, nbOut, b);
    }

    int32_t enqueue(kp::DeviceKind device, const kp::TensorDesc* inputDesc, const kp::TensorDesc*,
                    const void* const* inputs, void* const* outputs, void*, void*) override {
        if (m_mode == kEnqueueError) {
            m_error = "faulty plugin: enqueue failed on purpose";
            return kEnqueueErrorCode;
        }
        if (m_mode == kEnqueueThrows) throw std::runtime_error("faulty plugin: thrown on purpose");
        if (device != kp::DeviceKind::kCPU) return fail("faulty plugin: runs on the CPU only");
        const auto* x = static_cast<const float*>(inputs[0]);
        auto* y = static_cast<float*>(outputs[0]);
        for (int64_t i = 0, n = volume(inputDesc[0].dims); i < n; ++i) y[i] = x[i] * 2.0f;
        return 0;
    }

    size_t getSerializationSize() const override { return 1 + sizeof(int32_t); }
    void serialize(void* buffer) const override {
        auto* at = static_cast<uint8_t*>(buffer);
        at[0] = kSerialVersion;
        std::memcpy(at + 1, &m_mode, sizeof m_mode);
    }
    kp::IPlugin* clone() const override { return new FaultyPlugin(*this); }

private:
    int32_t m_mode;
};

class FaultyCreator final : public kp::IPluginCreator {
public:
    const char* getPluginType() const override { return "Faulty"; }
    const char* getPluginVersion() const override { return "1"; }
    const char* getPluginNamespace() const override { return "kiln.test"; }
    const kp::PluginFieldCollection* getFieldNames() override { return &m_names; }

    kp::IPlugin* createPlugin(const char*, const kp::PluginFieldCollection* fields) override {
        int64_t mode = kWorks;
        if (const kp::PluginField* f = findField(fields, "mode")) {
            if (f->type != kp::FieldType::kINT64 || f->length != 1 || !f->data)
                return refuse("faulty plugin: mode must be one int");
            mode = *static_cast<const int64_t*>(f->data);
        }
        if (mode == kRefusesCreation) return refuse("faulty plugin: mode 4 refuses to be created");
        if (mode < kWorks || mode > kRefusesCreation) return refuse("faulty plugin: mode must be 0..4");
        return new FaultyPlugin(int32_t(mode));
    }

    kp::IPlugin* deserializePlugin(const char*, const void* data, size_t length) override {
        const auto* at = static_cast<const uint8_t*>(data);
        int32_t mode = 0;
        if (!data || length != 1 + sizeof mode || at[0] != kSerialVersion)
            return refuse("faulty plugin: bad serialized data");
        std::memcpy(&mode, at + 1, sizeof mode);
        if (mode < kWorks || mode >= kRefusesCreation) return refuse("faulty plugin: bad serialized mode");
        return new FaultyPlugin(mode);
    }

    const char* getLastError() const override { return m_error.c_str(); }

private:
    kp::IPlugin* refuse(const char* why) {
        m_error = why;
        return nullptr;
    }

    kp::PluginField m_field{"mode", nullptr, kp::FieldType::kINT64, 1};
    kp::PluginFieldCollection m_names{1, &m_field};
    std::string m_error;
};

FaultyCreator g_creator;
kp::IPluginCreator* const g_creators[] = {&g_creator};

}  // namespace

}  // namespace kiln::test_plugins

KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return kiln::plugin::kPluginApiVersion; }

KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count) {
    *count = int32_t(std::size(kiln::test_plugins::g_creators));
    return kiln::test_plugins::g_creators;
}
