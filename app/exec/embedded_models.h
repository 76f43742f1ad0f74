// The sample models compiled into kiln-exec (resources/models/*.onnx).
#pragma once

#include <string_view>
#include <vector>

namespace kiln::samples {

struct SampleModel {
    std::string_view name;         // "resnet_mini"
    std::string_view description;
    std::string_view bytes;        // the serialized ModelProto
};

const std::vector<SampleModel>& sampleModels();
const SampleModel* findSample(std::string_view name);
inline constexpr std::string_view kDefaultSample = "resnet_mini";

}  // namespace kiln::samples
