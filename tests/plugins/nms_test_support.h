// Helpers of the BatchedNMS tests (test_plugin_nms, test_plugin_nms_cuda): the library loaded
// with dlopen as Kiln loads it, attributes as plugin fields, random problems whose boxes overlap
// and whose scores tie often, a plain O(N^2) reference NMS, and an exact comparison.
//
// The reference follows the operator's documented contract (samples/plugins/README.md), written
// independently of the plugin's code: candidates score > score_threshold; order by descending
// score, then box, then class; a kept box suppresses a candidate (same class unless
// class-agnostic) when intersection > iou_threshold * union, in float, corners ordered first.
#pragma once

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kiln_plugin.h"

namespace kiln::test::nms {

namespace kp = kiln::plugin;

// --- the library ---

// KILN_PLUGIN_DIR in the environment overrides the build's folder (for staged GPU runs).
inline std::string pluginPath() {
    const char* dir = std::getenv("KILN_PLUGIN_DIR");
    return std::string(dir && *dir ? dir : KILN_PLUGIN_DIR) + "/libkiln_nms_plugin.so";
}

struct Library {
    void* handle = nullptr;
    kp::IPluginCreator* creator = nullptr;  // BatchedNMS
    std::string error;
};

inline Library loadNms() {
    Library lib;
    lib.handle = dlopen(pluginPath().c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib.handle) {
        lib.error = dlerror();
        return lib;
    }
    auto version = reinterpret_cast<KilnPluginApiVersionFn>(dlsym(lib.handle, "kilnPluginApiVersion"));
    auto creators = reinterpret_cast<KilnGetPluginCreatorsFn>(dlsym(lib.handle, "kilnGetPluginCreators"));
    if (!version || !creators || version() != kp::kPluginApiVersion) {
        lib.error = "missing entry points or another plugin API version";
        return lib;
    }
    int32_t count = 0;
    kp::IPluginCreator* const* list = creators(&count);
    for (int32_t i = 0; i < count; ++i)
        if (std::strcmp(list[i]->getPluginType(), "BatchedNMS") == 0) lib.creator = list[i];
    if (!lib.creator) lib.error = "no BatchedNMS creator";
    return lib;
}

// --- attributes ---

struct Attrs {
    float scoreThreshold = 0.0f;
    float iouThreshold = 0.5f;
    int64_t maxOutputBoxes = 100;
    int64_t classAgnostic = 0;
    int64_t boxCoding = 0;
};

// Plugin fields pointing into this object: keep it alive during createPlugin.
class Fields {
public:
    explicit Fields(const Attrs& a) : m_attrs(a) {
        m_fields = {{"score_threshold", &m_attrs.scoreThreshold, kp::FieldType::kFLOAT32, 1},
                    {"iou_threshold", &m_attrs.iouThreshold, kp::FieldType::kFLOAT32, 1},
                    {"max_output_boxes", &m_attrs.maxOutputBoxes, kp::FieldType::kINT64, 1},
                    {"class_agnostic", &m_attrs.classAgnostic, kp::FieldType::kINT64, 1},
                    {"box_coding", &m_attrs.boxCoding, kp::FieldType::kINT64, 1}};
    }
    void add(const kp::PluginField& f) { m_fields.push_back(f); }
    const kp::PluginFieldCollection* collection() {
        m_collection = {int32_t(m_fields.size()), m_fields.data()};
        return &m_collection;
    }

private:
    Attrs m_attrs;
    std::vector<kp::PluginField> m_fields;
    kp::PluginFieldCollection m_collection;
};

using PluginPtr = std::unique_ptr<kp::IPlugin>;

inline PluginPtr create(kp::IPluginCreator* creator, const Attrs& a) {
    Fields f(a);
    return PluginPtr(creator->createPlugin("nms", f.collection()));
}

// --- problems ---

// Compiler-provided binary16 (GCC's _Float16), independent of the plugin's converter.
inline uint16_t toHalf(float f) {
    const _Float16 h = static_cast<_Float16>(f);
    uint16_t bits;
    std::memcpy(&bits, &h, sizeof bits);
    return bits;
}
inline float fromHalf(uint16_t bits) {
    _Float16 h;
    std::memcpy(&h, &bits, sizeof h);
    return static_cast<float>(h);
}

struct Problem {
    int64_t batch = 1, numBoxes = 0, numClasses = 0;
    bool half = false;
    std::vector<float> boxes;   // [B, N, 4], values as the plugin sees them (half-representable when half)
    std::vector<float> scores;  // [B, N, C]
};

// Boxes in clusters around a few centres (so that many overlap), some with flipped corners when
// coded as corners; scores in steps of 1/64 (so that ties are common), a few exactly 0 or -0.
inline Problem randomProblem(int64_t batch, int64_t numBoxes, int64_t numClasses, int64_t coding, bool half,
                             uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    Problem p{batch, numBoxes, numClasses, half, {}, {}};
    auto representable = [&](float v) { return half ? fromHalf(toHalf(v)) : v; };
    const int clusters = int(std::max<int64_t>(1, numBoxes / 8));
    std::vector<float> centres(size_t(clusters) * 2);
    for (float& c : centres) c = unit(rng) * 100.0f;
    for (int64_t b = 0; b < batch; ++b)
        for (int64_t n = 0; n < numBoxes; ++n) {
            const size_t k = size_t(rng() % uint32_t(clusters));
            const float cx = centres[2 * k] + unit(rng) * 6.0f, cy = centres[2 * k + 1] + unit(rng) * 6.0f;
            const float w = 2.0f + unit(rng) * 12.0f, h = 2.0f + unit(rng) * 12.0f;
            float box[4] = {cx, cy, w, h};
            if (coding == 0) {
                box[0] = cx - w / 2, box[1] = cy - h / 2, box[2] = cx + w / 2, box[3] = cy + h / 2;
                if (rng() % 16 == 0) std::swap(box[0], box[2]);
            }
            for (float v : box) p.boxes.push_back(representable(v));
        }
    for (int64_t i = 0; i < batch * numBoxes * numClasses; ++i) {
        const uint32_t r = rng() % 64;
        p.scores.push_back(r == 0 ? (rng() % 2 ? 0.0f : -0.0f) : float(r) / 64.0f);
    }
    return p;
}

// The problem's input tensors as the plugin takes them (float, or half bits).
inline std::vector<uint8_t> storage(const std::vector<float>& values, bool half) {
    std::vector<uint8_t> bytes(values.size() * (half ? 2 : 4));
    for (size_t i = 0; i < values.size(); ++i) {
        if (half) {
            const uint16_t h = toHalf(values[i]);
            std::memcpy(bytes.data() + 2 * i, &h, 2);
        } else {
            std::memcpy(bytes.data() + 4 * i, &values[i], 4);
        }
    }
    return bytes;
}

// --- outputs ---

struct Outputs {
    std::vector<int32_t> numDetections;  // [B]
    std::vector<uint8_t> boxes;          // [B, K, 4] raw, float or half
    std::vector<uint8_t> scores;         // [B, K] raw
    std::vector<int32_t> classes;        // [B, K]
};

inline kp::TensorDesc desc(kp::DataType type, std::initializer_list<int64_t> dims) {
    kp::TensorDesc d;
    d.type = type;
    for (int64_t v : dims) d.dims.d[d.dims.nbDims++] = v;
    return d;
}

// The six tensor descriptions of a call: boxes, scores, then the four outputs.
struct Descs {
    kp::TensorDesc in[2], out[4];
};

inline Descs descsFor(const Problem& p, int64_t k) {
    const kp::DataType t = p.half ? kp::DataType::kHALF : kp::DataType::kFLOAT;
    return {{desc(t, {p.batch, p.numBoxes, 4}), desc(t, {p.batch, p.numBoxes, p.numClasses})},
            {desc(kp::DataType::kINT32, {p.batch, 1}), desc(t, {p.batch, k, 4}), desc(t, {p.batch, k}),
             desc(kp::DataType::kINT32, {p.batch, k})}};
}

inline Outputs emptyOutputs(const Problem& p, int64_t k) {
    const size_t elem = p.half ? 2 : 4;
    // Filled with a pattern, so that slots the plugin leaves unwritten show up.
    return {std::vector<int32_t>(size_t(p.batch), -7), std::vector<uint8_t>(size_t(p.batch * k * 4) * elem, 0xAB),
            std::vector<uint8_t>(size_t(p.batch * k) * elem, 0xAB), std::vector<int32_t>(size_t(p.batch * k), -7)};
}

// Runs the plugin on the CPU; the enqueue status, or -1000 when a workspace is missing.
inline int32_t runCpu(kp::IPlugin& plugin, const Problem& p, int64_t k, Outputs* out) {
    Descs d = descsFor(p, k);
    const std::vector<uint8_t> boxes = storage(p.boxes, p.half), scores = storage(p.scores, p.half);
    *out = emptyOutputs(p, k);
    std::vector<uint8_t> workspace(plugin.getWorkspaceSize(kp::DeviceKind::kCPU, d.in, 2, d.out, 4));
    const void* ins[2] = {boxes.data(), scores.data()};
    void* outs[4] = {out->numDetections.data(), out->boxes.data(), out->scores.data(), out->classes.data()};
    return plugin.enqueue(kp::DeviceKind::kCPU, d.in, d.out, ins, outs, workspace.data(), nullptr);
}

// --- the reference ---

struct Det {
    float score;
    int64_t box;
    int64_t cls;
};

inline bool refBefore(const Det& a, const Det& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.box != b.box ? a.box < b.box : a.cls < b.cls;
}

struct RefBox {
    float x1, y1, x2, y2;  // as output
};

inline RefBox refCorners(const Problem& p, int64_t b, int64_t n, int64_t coding) {
    const float* v = &p.boxes[size_t((b * p.numBoxes + n) * 4)];
    if (coding == 0) return {v[0], v[1], v[2], v[3]};
    return {v[0] - v[2] * 0.5f, v[1] - v[3] * 0.5f, v[0] + v[2] * 0.5f, v[1] + v[3] * 0.5f};
}

inline bool refOverlaps(RefBox a, RefBox b, float threshold) {
    for (RefBox* r : {&a, &b}) {
        if (r->x2 < r->x1) std::swap(r->x1, r->x2);
        if (r->y2 < r->y1) std::swap(r->y1, r->y2);
    }
    const float w = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
    const float h = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
    if (w <= 0 || h <= 0) return false;
    const float inter = w * h;
    const float areaA = (a.x2 - a.x1) * (a.y2 - a.y1), areaB = (b.x2 - b.x1) * (b.y2 - b.y1);
    return inter > threshold * (areaA + areaB - inter);
}

// Detections of batch b: greedy NMS over all candidates (no early stop), then the top K.
inline std::vector<Det> referenceNms(const Problem& p, const Attrs& a, int64_t b) {
    std::vector<Det> cands;
    for (int64_t n = 0; n < p.numBoxes; ++n) {
        const float* row = &p.scores[size_t((b * p.numBoxes + n) * p.numClasses)];
        if (a.classAgnostic) {
            int64_t best = -1;
            for (int64_t c = 0; c < p.numClasses; ++c)
                if (best < 0 || row[c] > row[best]) best = c;
            if (best >= 0 && row[best] > a.scoreThreshold) cands.push_back({row[best], n, best});
        } else {
            for (int64_t c = 0; c < p.numClasses; ++c)
                if (row[c] > a.scoreThreshold) cands.push_back({row[c], n, c});
        }
    }
    std::sort(cands.begin(), cands.end(), refBefore);
    std::vector<Det> kept;
    for (const Det& d : cands) {
        bool suppressed = false;
        for (const Det& k : kept)
            if ((a.classAgnostic || k.cls == d.cls) &&
                refOverlaps(refCorners(p, b, k.box, a.boxCoding), refCorners(p, b, d.box, a.boxCoding), a.iouThreshold))
                suppressed = true;
        if (!suppressed) kept.push_back(d);
    }
    if (int64_t(kept.size()) > a.maxOutputBoxes) kept.resize(size_t(a.maxOutputBoxes));
    return kept;
}

inline std::vector<uint8_t> rawValue(float v, bool half) {
    std::vector<uint8_t> raw(half ? 2 : 4);
    if (half) {
        const uint16_t h = toHalf(v);
        std::memcpy(raw.data(), &h, 2);
    } else {
        std::memcpy(raw.data(), &v, 4);
    }
    return raw;
}

// The reference's outputs, in the plugin's layout.
inline Outputs referenceOutputs(const Problem& p, const Attrs& a) {
    const int64_t k = a.maxOutputBoxes;
    const size_t elem = p.half ? 2 : 4;
    Outputs o{std::vector<int32_t>(size_t(p.batch)), std::vector<uint8_t>(size_t(p.batch * k * 4) * elem, 0),
              std::vector<uint8_t>(size_t(p.batch * k) * elem, 0), std::vector<int32_t>(size_t(p.batch * k), 0)};
    for (int64_t b = 0; b < p.batch; ++b) {
        const std::vector<Det> dets = referenceNms(p, a, b);
        o.numDetections[size_t(b)] = int32_t(dets.size());
        for (size_t i = 0; i < dets.size(); ++i) {
            const size_t slot = size_t(b * k) + i;
            const RefBox r = refCorners(p, b, dets[i].box, a.boxCoding);
            const float corners[4] = {r.x1, r.y1, r.x2, r.y2};
            for (int c = 0; c < 4; ++c)
                std::memcpy(&o.boxes[(slot * 4 + size_t(c)) * elem], rawValue(corners[c], p.half).data(), elem);
            const float score = p.scores[size_t((b * p.numBoxes + dets[i].box) * p.numClasses + dets[i].cls)];
            std::memcpy(&o.scores[slot * elem], rawValue(score, p.half).data(), elem);
            o.classes[slot] = int32_t(dets[i].cls);
        }
    }
    return o;
}

// Empty when equal, else the first difference.
inline std::string difference(const Outputs& got, const Outputs& want, int64_t k, bool half) {
    const size_t elem = half ? 2 : 4;
    for (size_t b = 0; b < want.numDetections.size(); ++b) {
        if (got.numDetections[b] != want.numDetections[b])
            return "batch " + std::to_string(b) + ": " + std::to_string(got.numDetections[b]) +
                   " detections, expected " + std::to_string(want.numDetections[b]);
        for (size_t i = 0; i < size_t(k); ++i) {
            const size_t slot = b * size_t(k) + i;
            const std::string where = "batch " + std::to_string(b) + " slot " + std::to_string(i) + ": ";
            if (got.classes[slot] != want.classes[slot])
                return where + "class " + std::to_string(got.classes[slot]) + ", expected " +
                       std::to_string(want.classes[slot]);
            if (std::memcmp(&got.boxes[slot * 4 * elem], &want.boxes[slot * 4 * elem], 4 * elem) != 0)
                return where + "box differs";
            if (std::memcmp(&got.scores[slot * elem], &want.scores[slot * elem], elem) != 0)
                return where + "score differs";
        }
    }
    return {};
}

}  // namespace kiln::test::nms
