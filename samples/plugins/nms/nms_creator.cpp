// The BatchedNMS creator (attributes -> parameters, serialized bytes -> parameters) and the
// library's two entry points.
#include <cmath>
#include <cstring>
#include <iterator>

#include "nms_plugin.h"

namespace kiln::samples::nms {

namespace {

constexpr uint8_t kSerialVersion = 1;
constexpr int32_t kMaxOutputBoxesLimit = 1 << 20;

// Serialized layout (15 bytes): version u8, score_threshold f32, iou_threshold f32,
// max_output_boxes i32, class_agnostic u8, box_coding u8.
constexpr size_t kSerializedSize = 1 + 4 + 4 + 4 + 1 + 1;

template <typename T>
void put(uint8_t*& at, T value) {
    std::memcpy(at, &value, sizeof value);
    at += sizeof value;
}

template <typename T>
T get(const uint8_t*& at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    at += sizeof value;
    return value;
}

const char* const kFieldNames[] = {"score_threshold", "iou_threshold", "max_output_boxes", "class_agnostic",
                                   "box_coding"};

// One scalar attribute as float (ints are taken too: onnx.helper writes 0 as an int).
bool readFloat(const kp::PluginField& f, float* value) {
    if (f.length != 1 || !f.data) return false;
    if (f.type == kp::FieldType::kFLOAT32)
        *value = *static_cast<const float*>(f.data);
    else if (f.type == kp::FieldType::kINT64)
        *value = float(*static_cast<const int64_t*>(f.data));
    else
        return false;
    return true;
}

bool readInt(const kp::PluginField& f, int64_t* value) {
    if (f.length != 1 || !f.data || f.type != kp::FieldType::kINT64) return false;
    *value = *static_cast<const int64_t*>(f.data);
    return true;
}

std::string maxOutputBoxesError(int64_t v) {
    return "max_output_boxes must be in [1, " + std::to_string(kMaxOutputBoxesLimit) + "], got " + std::to_string(v);
}

// Fills params from the fields; empty or what is wrong. Ints are range-checked before they are
// narrowed, so that 2^32 + 1 is not taken for 1.
std::string parseFields(const kp::PluginFieldCollection* fields, NmsParams* params) {
    for (int32_t i = 0; fields && i < fields->nbFields; ++i) {
        const kp::PluginField& f = fields->fields[i];
        const std::string name = f.name ? f.name : "";
        int64_t v = 0;
        if (name == "score_threshold" || name == "iou_threshold") {
            if (!readFloat(f, name == "score_threshold" ? &params->scoreThreshold : &params->iouThreshold))
                return "attribute '" + name + "' must be one float";
            continue;
        }
        if (name.rfind("kiln_activation", 0) == 0) return "takes no fused activation";
        if (name != "max_output_boxes" && name != "class_agnostic" && name != "box_coding")
            return "unknown attribute '" + name +
                   "' (it takes score_threshold, iou_threshold, max_output_boxes, class_agnostic, box_coding)";
        if (!readInt(f, &v)) return "attribute '" + name + "' must be one int";
        if (name == "max_output_boxes") {
            if (v < 1 || v > kMaxOutputBoxesLimit) return maxOutputBoxesError(v);
            params->maxOutputBoxes = int32_t(v);
        } else if (name == "class_agnostic") {
            if (v != 0 && v != 1) return "class_agnostic must be 0 or 1, got " + std::to_string(v);
            params->classAgnostic = v == 1;
        } else {
            if (v != 0 && v != 1)
                return "box_coding must be 0 (x1, y1, x2, y2) or 1 (cx, cy, w, h), got " + std::to_string(v);
            params->boxCoding = BoxCoding(v);
        }
    }
    return validate(*params);
}

}  // namespace

std::string validate(const NmsParams& p) {
    if (!(p.iouThreshold >= 0.0f && p.iouThreshold <= 1.0f))
        return "iou_threshold must be in [0, 1], got " + std::to_string(p.iouThreshold);
    if (!std::isfinite(p.scoreThreshold)) return "score_threshold must be a finite number";
    if (p.maxOutputBoxes < 1 || p.maxOutputBoxes > kMaxOutputBoxesLimit) return maxOutputBoxesError(p.maxOutputBoxes);
    if (p.boxCoding != BoxCoding::kCorners && p.boxCoding != BoxCoding::kCenterSize)
        return "box_coding must be 0 or 1, got " + std::to_string(int32_t(p.boxCoding));
    return {};
}

size_t serializedSize() { return kSerializedSize; }

void serializeParams(const NmsParams& p, void* buffer) {
    auto* at = static_cast<uint8_t*>(buffer);
    put(at, kSerialVersion);
    put(at, p.scoreThreshold);
    put(at, p.iouThreshold);
    put(at, p.maxOutputBoxes);
    put(at, uint8_t(p.classAgnostic));
    put(at, uint8_t(p.boxCoding));
}

bool deserializeParams(const void* data, size_t length, NmsParams* p, std::string* why) {
    if (!data || length != kSerializedSize) {
        *why = "serialized parameters are " + std::to_string(length) + " bytes, expected " +
               std::to_string(kSerializedSize);
        return false;
    }
    const auto* at = static_cast<const uint8_t*>(data);
    if (const uint8_t version = get<uint8_t>(at); version != kSerialVersion) {
        *why = "serialized parameters have format version " + std::to_string(version) + ", expected " +
               std::to_string(kSerialVersion);
        return false;
    }
    p->scoreThreshold = get<float>(at);
    p->iouThreshold = get<float>(at);
    p->maxOutputBoxes = get<int32_t>(at);
    const uint8_t agnostic = get<uint8_t>(at);
    p->boxCoding = BoxCoding(get<uint8_t>(at));
    p->classAgnostic = agnostic == 1;
    *why = agnostic > 1 ? "class_agnostic must be 0 or 1, got " + std::to_string(agnostic) : validate(*p);
    return why->empty();
}

BatchedNmsCreator::BatchedNmsCreator() {
    const kp::FieldType types[] = {kp::FieldType::kFLOAT32, kp::FieldType::kFLOAT32, kp::FieldType::kINT64,
                                   kp::FieldType::kINT64, kp::FieldType::kINT64};
    for (size_t i = 0; i < std::size(kFieldNames); ++i) m_fields.push_back({kFieldNames[i], nullptr, types[i], 1});
    m_fieldNames.nbFields = int32_t(m_fields.size());
    m_fieldNames.fields = m_fields.data();
}

kp::IPlugin* BatchedNmsCreator::fail(const std::string& why) {
    m_error = std::string(kPluginType) + ": " + why;
    return nullptr;
}

kp::IPlugin* BatchedNmsCreator::createPlugin(const char* layerName, const kp::PluginFieldCollection* fields) {
    NmsParams params;
    if (std::string why = parseFields(fields, &params); !why.empty()) return fail(why);
    m_error.clear();
    return new BatchedNmsPlugin(layerName ? layerName : "", params);
}

kp::IPlugin* BatchedNmsCreator::deserializePlugin(const char* layerName, const void* data, size_t length) {
    NmsParams params;
    if (std::string why; !deserializeParams(data, length, &params, &why)) return fail(why);
    m_error.clear();
    return new BatchedNmsPlugin(layerName ? layerName : "", params);
}

}  // namespace kiln::samples::nms

namespace {
kiln::samples::nms::BatchedNmsCreator g_creator;
kiln::plugin::IPluginCreator* const g_creators[] = {&g_creator};
}  // namespace

KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return kiln::plugin::kPluginApiVersion; }

KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count) {
    *count = int32_t(std::size(g_creators));
    return g_creators;
}
