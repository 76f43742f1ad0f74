// Shared parts of the test plugin libraries: one float input, one output of the same shape and
// type, CPU only. Written against the public kiln_plugin.h alone, as any plugin library is.
#pragma once

#include <cstring>
#include <string>

#include "kiln_plugin.h"

namespace kiln::test_plugins {

namespace kp = kiln::plugin;

inline const kp::PluginField* findField(const kp::PluginFieldCollection* fc, const char* name) {
    for (int32_t i = 0; fc && i < fc->nbFields; ++i)
        if (fc->fields[i].name && std::strcmp(fc->fields[i].name, name) == 0) return &fc->fields[i];
    return nullptr;
}

class UnaryFloatPlugin : public kp::IPlugin {
public:
    int32_t getNbOutputs() const override { return 1; }
    int32_t getOutputDataTypes(kp::DataType* out, int32_t nbOut, const kp::DataType* in, int32_t nbIn) const override {
        if (nbIn != 1 || nbOut != 1 || in[0] != kp::DataType::kFLOAT) return fail("takes one float input");
        out[0] = kp::DataType::kFLOAT;
        return 0;
    }
    int32_t getOutputShapes(const kp::DimsExprs* in, int32_t nbIn, kp::DimsExprs* out, int32_t nbOut,
                            kp::IExprBuilder&) override {
        if (nbIn != 1 || nbOut != 1) return fail("takes one input");
        out[0] = in[0];
        return 0;
    }
    bool supportsFormatCombination(int32_t pos, const kp::PortDesc* inOut, int32_t, int32_t) override {
        return inOut[pos].type == kp::DataType::kFLOAT && inOut[pos].format == kp::TensorFormat::kLINEAR;
    }
    bool supportsDevice(kp::DeviceKind device) const override { return device == kp::DeviceKind::kCPU; }
    const char* getLastError() const override { return m_error.c_str(); }

protected:
    int32_t fail(const std::string& why) const {
        m_error = why;
        return 1;
    }
    static int64_t volume(const kp::Dims& d) {
        int64_t n = 1;
        for (int32_t i = 0; i < d.nbDims; ++i) n *= d.d[i];
        return n;
    }

    mutable std::string m_error;
};

}  // namespace kiln::test_plugins
