// Plugins linked into a test (registered with PluginRegistry::registerCreator), written against
// the public kiln_plugin.h exactly as a library would be:
//   kiln.test.inproc::Gain   y = act(x * scale [+ bias]); version settable; CPU only; takes a
//                            fused Relu / LeakyRelu when `fusable` is 1
//   kiln.test.inproc::Trim   y = x[..., :ceildiv(n, 2)] along the last axis (symbolic shapes)
//   kiln.test.inproc::Broken fails where its `mode` attribute says (1 enqueue error, 2 throw in
//                            enqueue, 3 throw in getOutputShapes)
#pragma once

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugin/kiln_plugin.h"

namespace kiln::test {

namespace kp = kiln::plugin;

inline const kp::PluginField* findField(const kp::PluginFieldCollection* fc, const char* name) {
    for (int32_t i = 0; fc && i < fc->nbFields; ++i)
        if (std::strcmp(fc->fields[i].name, name) == 0) return &fc->fields[i];
    return nullptr;
}

// Parameters shared by the three ops (serialized as plain bytes).
struct InprocParams {
    float scale = 1.0f;
    int32_t fusable = 0;
    int32_t mode = 0;
    int32_t activation = -1;  // -1 none, else ActivationKind
    float alpha = 0.0f;
};

class InprocPlugin : public kp::IPlugin {
public:
    InprocPlugin(std::string type, std::string version, std::string ns, InprocParams p)
        : m_type(std::move(type)), m_version(std::move(version)), m_ns(std::move(ns)), m_p(p) {}
    const char* getPluginType() const override { return m_type.c_str(); }
    const char* getPluginVersion() const override { return m_version.c_str(); }
    const char* getPluginNamespace() const override { return m_ns.c_str(); }
    int32_t getNbOutputs() const override { return 1; }
    int32_t getOutputDataTypes(kp::DataType* out, int32_t, const kp::DataType* in, int32_t nbIn) const override {
        if (nbIn != 1 || in[0] != kp::DataType::kFLOAT) return m_error = "takes one float input", 1;
        out[0] = kp::DataType::kFLOAT;
        return 0;
    }
    int32_t getOutputShapes(const kp::DimsExprs* in, int32_t nbIn, kp::DimsExprs* out, int32_t,
                            kp::IExprBuilder& b) override {
        if (m_p.mode == 3) throw std::runtime_error("broken plugin: getOutputShapes throws on purpose");
        if (nbIn != 1 || in[0].nbDims < 1) return m_error = "needs one input of rank >= 1", 2;
        out[0] = in[0];
        if (m_type == "Trim") {
            const int last = in[0].nbDims - 1;
            out[0].d[last] = b.operation(kp::DimOp::kCEIL_DIV, *in[0].d[last], *b.constant(2));
        }
        return 0;
    }
    bool supportsFormatCombination(int32_t pos, const kp::PortDesc* io, int32_t, int32_t) override {
        return io[pos].type == kp::DataType::kFLOAT && io[pos].format == kp::TensorFormat::kLINEAR;
    }
    bool supportsDevice(kp::DeviceKind d) const override { return d == kp::DeviceKind::kCPU; }
    bool supportsFusedActivation(kp::ActivationKind k) const override {
        return m_p.fusable && (k == kp::ActivationKind::kRELU || k == kp::ActivationKind::kLEAKY_RELU);
    }
    int32_t enqueue(kp::DeviceKind, const kp::TensorDesc* inDesc, const kp::TensorDesc* outDesc,
                    const void* const* inputs, void* const* outputs, void*, void*) override {
        if (m_p.mode == 1) return m_error = "broken plugin: enqueue fails on purpose", 7;
        if (m_p.mode == 2) throw std::runtime_error("broken plugin: enqueue throws on purpose");
        const float* x = static_cast<const float*>(inputs[0]);
        float* y = static_cast<float*>(outputs[0]);
        const int last = inDesc[0].dims.nbDims - 1;
        const int64_t n = inDesc[0].dims.d[last], m = outDesc[0].dims.d[last];
        int64_t rows = 1;
        for (int i = 0; i < last; ++i) rows *= inDesc[0].dims.d[i];
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = 0; j < m; ++j) {
                float v = x[r * n + j] * m_p.scale;
                if (m_p.activation == int32_t(kp::ActivationKind::kRELU)) v = v > 0 ? v : 0;
                if (m_p.activation == int32_t(kp::ActivationKind::kLEAKY_RELU)) v = v > 0 ? v : v * m_p.alpha;
                y[r * m + j] = v;
            }
        return 0;
    }
    size_t getSerializationSize() const override { return sizeof(InprocParams); }
    void serialize(void* buffer) const override { std::memcpy(buffer, &m_p, sizeof(m_p)); }
    kp::IPlugin* clone() const override { return new InprocPlugin(*this); }
    const char* getLastError() const override { return m_error.c_str(); }

private:
    std::string m_type, m_version, m_ns;
    InprocParams m_p;
    mutable std::string m_error;
};

class InprocCreator : public kp::IPluginCreator {
public:
    // ns "" puts the op in the default ONNX domain, as TensorRT-style plugin ops are.
    InprocCreator(std::string type, std::string version, std::string ns = "kiln.test.inproc")
        : m_type(std::move(type)), m_version(std::move(version)), m_ns(std::move(ns)) {
        m_fields = {{"scale", nullptr, kp::FieldType::kFLOAT32, 1},
                    {"fusable", nullptr, kp::FieldType::kINT64, 1},
                    {"mode", nullptr, kp::FieldType::kINT64, 1}};
        m_collection = {int32_t(m_fields.size()), m_fields.data()};
    }
    const char* getPluginType() const override { return m_type.c_str(); }
    const char* getPluginVersion() const override { return m_version.c_str(); }
    const char* getPluginNamespace() const override { return m_ns.c_str(); }
    const kp::PluginFieldCollection* getFieldNames() override { return &m_collection; }
    kp::IPlugin* createPlugin(const char*, const kp::PluginFieldCollection* fc) override {
        InprocParams p;
        const kp::PluginField* s = findField(fc, "scale");
        if (m_type == "Gain" && !s) return m_error = "Gain needs a 'scale' attribute", nullptr;
        if (s && (s->type != kp::FieldType::kFLOAT32 || s->length != 1))
            return m_error = "'scale' must be one float", nullptr;
        if (s) p.scale = *static_cast<const float*>(s->data);
        if (auto* f = findField(fc, "fusable"); f && f->type == kp::FieldType::kINT64) p.fusable = int32_t(*static_cast<const int64_t*>(f->data));
        if (auto* f = findField(fc, "mode"); f && f->type == kp::FieldType::kINT64) p.mode = int32_t(*static_cast<const int64_t*>(f->data));
        if (auto* f = findField(fc, "kiln_activation"); f && f->type == kp::FieldType::kCHAR) {
            const std::string a(static_cast<const char*>(f->data), size_t(f->length));
            p.activation = a == "relu" ? int32_t(kp::ActivationKind::kRELU)
                         : a == "leaky_relu" ? int32_t(kp::ActivationKind::kLEAKY_RELU) : -2;
            if (p.activation == -2) return m_error = "unexpected activation " + a, nullptr;
        }
        if (auto* f = findField(fc, "kiln_activation_alpha"); f && f->type == kp::FieldType::kFLOAT32)
            p.alpha = *static_cast<const float*>(f->data);
        return new InprocPlugin(m_type, m_version, m_ns, p);
    }
    kp::IPlugin* deserializePlugin(const char*, const void* data, size_t length) override {
        if (length != sizeof(InprocParams)) return m_error = "serialized data has the wrong length", nullptr;
        InprocParams p;
        std::memcpy(&p, data, sizeof(p));
        return new InprocPlugin(m_type, m_version, m_ns, p);
    }
    const char* getLastError() const override { return m_error.c_str(); }

private:
    std::string m_type, m_version, m_ns;
    std::vector<kp::PluginField> m_fields;
    kp::PluginFieldCollection m_collection;
    std::string m_error;
};

}  // namespace kiln::test
