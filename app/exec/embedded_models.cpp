#include "embedded_models.h"

extern "C" {
extern const char kiln_sample_resnet_mini[], kiln_sample_resnet_mini_end[];
extern const char kiln_sample_encoder_mini[], kiln_sample_encoder_mini_end[];
extern const char kiln_sample_lenet5[], kiln_sample_lenet5_end[];
}

namespace kiln::samples {

namespace {
std::string_view span(const char* begin, const char* end) { return {begin, static_cast<size_t>(end - begin)}; }
}  // namespace

const std::vector<SampleModel>& sampleModels() {
    static const std::vector<SampleModel> models = {
        {"resnet_mini", "ResNet-style CNN, 3x64x64 -> 10 classes",
         span(kiln_sample_resnet_mini, kiln_sample_resnet_mini_end)},
        {"encoder_mini", "2-layer transformer encoder (PyTorch export patterns)",
         span(kiln_sample_encoder_mini, kiln_sample_encoder_mini_end)},
        {"lenet5", "LeNet-5, 1x28x28 -> 10 classes", span(kiln_sample_lenet5, kiln_sample_lenet5_end)},
    };
    return models;
}

const SampleModel* findSample(std::string_view name) {
    for (const SampleModel& m : sampleModels())
        if (m.name == name) return &m;
    return nullptr;
}

}  // namespace kiln::samples
