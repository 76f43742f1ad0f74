// The two implementations of BatchedNMS behind the plugin: the CPU one (nms_cpu.cpp) and the
// CUDA one (nms_kernels.cu, when built with KILN_NMS_WITH_CUDA). Plain C++: no CUDA types here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nms_common.h"

namespace kiln::samples::nms {

// The node's attributes, validated by the creator.
struct NmsParams {
    float scoreThreshold = 0.0f;
    float iouThreshold = 0.5f;
    int32_t maxOutputBoxes = 100;
    bool classAgnostic = false;
    BoxCoding boxCoding = BoxCoding::kCorners;
};

// boxes [batch, numBoxes, 4], scores [batch, numBoxes, numClasses].
struct NmsShape {
    int64_t batch = 0;
    int64_t numBoxes = 0;
    int64_t numClasses = 0;
};

// The tensors of one call, all on the same device. boxes, scores, detectionBoxes and
// detectionScores hold float, or IEEE half (uint16_t bits) when `half`.
struct NmsTensors {
    bool half = false;
    const void* boxes = nullptr;
    const void* scores = nullptr;
    int32_t* numDetections = nullptr;     // [batch, 1]
    void* detectionBoxes = nullptr;       // [batch, maxOutputBoxes, 4]
    void* detectionScores = nullptr;      // [batch, maxOutputBoxes]
    int32_t* detectionClasses = nullptr;  // [batch, maxOutputBoxes]
};

// The largest problem either implementation takes: sort keys and offsets are 32-bit indices.
// Segments are the classes (one per batch when class-agnostic).
inline bool withinLimits(const NmsParams& p, const NmsShape& s) {
    constexpr int64_t kMax = INT32_MAX;
    const int64_t segmentsPerBatch = p.classAgnostic ? 1 : s.numClasses;
    if (s.batch > kMax || s.numBoxes > kMax || s.numClasses > kMax || s.numBoxes * s.numClasses > kMax) return false;
    return s.batch * segmentsPerBatch * s.numBoxes <= kMax &&
           s.batch * segmentsPerBatch * int64_t(p.maxOutputBoxes) <= kMax;
}

// Synchronous, on host memory. Allocates its own scratch.
void runNmsCpu(const NmsParams& params, const NmsShape& shape, const NmsTensors& tensors);

#ifdef KILN_NMS_WITH_CUDA
// Device workspace bytes runNmsCuda needs at this shape; 0 when the CUDA runtime cannot say (no
// device: then only the CPU path runs, and it needs none).
size_t nmsCudaWorkspaceSize(const NmsParams& params, const NmsShape& shape);

// Launches on `stream` (a cudaStream_t) without synchronizing or allocating. Returns null, or
// why the launch failed.
const char* runNmsCuda(const NmsParams& params, const NmsShape& shape, const NmsTensors& tensors, void* workspace,
                       void* stream);
#endif

}  // namespace kiln::samples::nms
