// BatchedNMS on the CPU: per batch and class (or per batch when class-agnostic), sort the
// candidates and keep greedily, then merge the kept detections of all classes by score. The
// rules (nms_common.h) are the CUDA implementation's, so both select the same detections.
#include <algorithm>
#include <vector>

#include "nms_impl.h"

namespace kiln::samples::nms {

namespace {

struct Detection {
    float score;  // canonical (-0 as +0), for ordering
    int64_t box;
    int32_t cls;
};

// (descending score, ascending box, ascending class): the output order.
bool before(const Detection& a, const Detection& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.box != b.box) return a.box < b.box;
    return a.cls < b.cls;
}

// Reads float or half elements as float.
class Reader {
public:
    Reader(const void* data, bool half) : m_data(data), m_half(half) {}
    float operator[](int64_t i) const {
        return m_half ? halfToFloat(static_cast<const uint16_t*>(m_data)[i]) : static_cast<const float*>(m_data)[i];
    }

private:
    const void* m_data;
    bool m_half;
};

// The candidates of batch b, one list per segment (class, or one list when class-agnostic).
std::vector<std::vector<Detection>> candidates(const NmsParams& p, const NmsShape& s, const Reader& scores, int64_t b) {
    const int64_t numClasses = s.numClasses;
    std::vector<std::vector<Detection>> segments(p.classAgnostic ? 1 : size_t(numClasses));
    for (int64_t n = 0; n < s.numBoxes; ++n) {
        const int64_t row = (b * s.numBoxes + n) * numClasses;
        if (p.classAgnostic) {
            float best = 0.0f;
            const int cls = bestClass([&](int c) { return scores[row + c]; }, int(numClasses), &best);
            best = canonicalScore(best);
            if (cls >= 0 && best > p.scoreThreshold) segments[0].push_back({best, n, cls});
            continue;
        }
        for (int64_t c = 0; c < numClasses; ++c) {
            const float score = canonicalScore(scores[row + c]);
            if (score > p.scoreThreshold) segments[size_t(c)].push_back({score, n, int32_t(c)});
        }
    }
    return segments;
}

}  // namespace

void runNmsCpu(const NmsParams& p, const NmsShape& s, const NmsTensors& t) {
    const Reader boxes(t.boxes, t.half), scores(t.scores, t.half);
    const int64_t maxOut = p.maxOutputBoxes;
    for (int64_t b = 0; b < s.batch; ++b) {
        auto cornersOf = [&](int64_t n) {
            const int64_t at = (b * s.numBoxes + n) * 4;
            return decodeBox(boxes[at], boxes[at + 1], boxes[at + 2], boxes[at + 3], p.boxCoding);
        };
        // Greedy NMS per segment. A segment stops after maxOut kept boxes: any later one is
        // outranked by maxOut detections of the same segment and cannot reach the output.
        std::vector<Detection> kept;
        for (std::vector<Detection>& segment : candidates(p, s, scores, b)) {
            std::sort(segment.begin(), segment.end(), before);
            std::vector<Corners> keptBoxes;
            for (const Detection& d : segment) {
                if (int64_t(keptBoxes.size()) == maxOut) break;
                const Corners box = ordered(cornersOf(d.box));
                const bool suppressed = std::any_of(keptBoxes.begin(), keptBoxes.end(), [&](const Corners& k) {
                    return suppresses(k, box, p.iouThreshold);
                });
                if (suppressed) continue;
                keptBoxes.push_back(box);
                kept.push_back(d);
            }
        }
        std::sort(kept.begin(), kept.end(), before);
        if (int64_t(kept.size()) > maxOut) kept.resize(size_t(maxOut));

        // Outputs; slots after the detections are zero.
        t.numDetections[b] = int32_t(kept.size());
        for (int64_t k = 0; k < maxOut; ++k) {
            const int64_t slot = b * maxOut + k;
            const bool used = k < int64_t(kept.size());
            const Corners box = used ? cornersOf(kept[size_t(k)].box) : Corners{0, 0, 0, 0};
            const float corner[4] = {box.x1, box.y1, box.x2, box.y2};
            // The score as stored in the input (its bits, -0 included).
            const int64_t scoreAt =
                used ? (b * s.numBoxes + kept[size_t(k)].box) * s.numClasses + kept[size_t(k)].cls : 0;
            if (t.half) {
                auto* outBoxes = static_cast<uint16_t*>(t.detectionBoxes);
                for (int i = 0; i < 4; ++i) outBoxes[slot * 4 + i] = floatToHalf(corner[i]);
                static_cast<uint16_t*>(t.detectionScores)[slot] =
                    used ? static_cast<const uint16_t*>(t.scores)[scoreAt] : uint16_t(0);
            } else {
                auto* outBoxes = static_cast<float*>(t.detectionBoxes);
                for (int i = 0; i < 4; ++i) outBoxes[slot * 4 + i] = corner[i];
                static_cast<float*>(t.detectionScores)[slot] =
                    used ? static_cast<const float*>(t.scores)[scoreAt] : 0.0f;
            }
            t.detectionClasses[slot] = used ? kept[size_t(k)].cls : 0;
        }
    }
}

}  // namespace kiln::samples::nms
