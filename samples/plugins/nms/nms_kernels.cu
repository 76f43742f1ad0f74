// BatchedNMS on CUDA. A segment is one (batch, class) pair, or one batch when class-agnostic.
//   1. init:    segment cursors (segment s owns key slots [s*N, s*N + N)) and merge offsets.
//   2. filter:  each score above the threshold appends a sort key (descending score, ascending
//               box) to its segment's slots; atomics pick the slot, the sort restores the order.
//   3. sort:    CUB segmented radix sort of the keys, over 32 + log2(N) bits.
//   4. nms:     one block per segment walks its sorted candidates in chunks of 256: a candidate
//               is tested against the boxes kept so far in parallel, then against the earlier
//               candidates of its chunk through a bitmask resolved in order by one thread. A
//               segment stops at max_output_boxes kept boxes (later ones cannot reach the output).
//   5. merge:   the kept detections of all segments of a batch are sorted again by (descending
//               score, ascending box, ascending class).
//   6. gather:  the first max_output_boxes of each batch become the outputs; the rest are zero.
// Scratch comes from the plugin's workspace; nothing allocates or synchronizes.
#include <cuda_runtime.h>

#include <algorithm>
#include <cub/device/device_segmented_radix_sort.cuh>

#include "nms_impl.h"

namespace kiln::samples::nms {

namespace {

constexpr int kThreads = 256;  // elementwise kernels
constexpr int kChunk = 256;    // candidates an NMS block takes per step: one per thread
constexpr int kMaskWords = kChunk / 32;

// Problem sizes derived from the shape.
struct Plan {
    int64_t batch, numBoxes, numClasses, maxOut;
    int64_t segmentsPerBatch, segments;
    int boxBits, mergeBits;  // index bits of the candidate keys and of the merge keys
    int64_t keyItems() const { return segments * numBoxes; }
    int64_t keptItems() const { return segments * maxOut; }
};

Plan planFor(const NmsParams& p, const NmsShape& s) {
    Plan plan{s.batch, s.numBoxes, s.numClasses, p.maxOutputBoxes, p.classAgnostic ? 1 : s.numClasses, 0, 0, 0};
    plan.segments = s.batch * plan.segmentsPerBatch;
    plan.boxBits = bitsFor(s.numBoxes);
    plan.mergeBits = bitsFor(s.numBoxes * s.numClasses);
    return plan;
}

// Workspace layout: byte offsets, each 256-aligned.
struct Layout {
    size_t segBegin, segEnd, mergeOffsets, keys[2], keptKeys[2], keptBoxes, bestClass, cubTemp, total;
};

Layout layoutFor(const Plan& plan, size_t cubBytes) {
    Layout l{};
    size_t at = 0;
    auto take = [&](size_t bytes) {
        const size_t offset = at;
        at += (bytes + 255) / 256 * 256;
        return offset;
    };
    l.segBegin = take(size_t(plan.segments) * sizeof(int));
    l.segEnd = take(size_t(plan.segments) * sizeof(int));
    l.mergeOffsets = take(size_t(plan.batch + 1) * sizeof(int));
    for (size_t& k : l.keys) k = take(size_t(plan.keyItems()) * sizeof(uint64_t));
    for (size_t& k : l.keptKeys) k = take(size_t(plan.keptItems()) * sizeof(uint64_t));
    l.keptBoxes = take(size_t(plan.keptItems()) * sizeof(Corners));
    l.bestClass = take(plan.segmentsPerBatch == 1 ? size_t(plan.batch * plan.numBoxes) * sizeof(int) : 0);
    l.cubTemp = take(cubBytes);
    l.total = at;
    return l;
}

// CUB's scratch for the larger of the two sorts (double-buffered sorts need little).
cudaError_t cubTempBytes(const Plan& plan, size_t* bytes) {
    cub::DoubleBuffer<uint64_t> keys(nullptr, nullptr);
    size_t sortBytes = 0, mergeBytes = 0;
    cudaError_t err = cub::DeviceSegmentedRadixSort::SortKeys(nullptr, sortBytes, keys, int(plan.keyItems()),
                                                              int(plan.segments), static_cast<int*>(nullptr),
                                                              static_cast<int*>(nullptr), 0, 32 + plan.boxBits);
    if (err == cudaSuccess)
        err = cub::DeviceSegmentedRadixSort::SortKeys(nullptr, mergeBytes, keys, int(plan.keptItems()), int(plan.batch),
                                                      static_cast<int*>(nullptr), static_cast<int*>(nullptr), 0,
                                                      32 + plan.mergeBits);
    *bytes = std::max(sortBytes, mergeBytes);
    return err;
}

// Element access for float and half (uint16_t bits) tensors.
__device__ __forceinline__ float load(const float* p, int64_t i) { return p[i]; }
__device__ __forceinline__ float load(const uint16_t* p, int64_t i) { return halfToFloat(p[i]); }
__device__ __forceinline__ void store(float* p, int64_t i, float v) { p[i] = v; }
__device__ __forceinline__ void store(uint16_t* p, int64_t i, float v) { p[i] = floatToHalf(v); }

template <typename T>
__device__ Corners loadBox(const T* boxes, int64_t box, BoxCoding coding) {
    const T* b = boxes + box * 4;
    return decodeBox(load(b, 0), load(b, 1), load(b, 2), load(b, 3), coding);
}

// Segment s's key slots start at s*N; its end cursor starts there too and grows in filter.
__global__ void initKernel(int* segBegin, int* segEnd, int* mergeOffsets, Plan plan) {
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < plan.segments; i += stride)
        segBegin[i] = segEnd[i] = int(i * plan.numBoxes);
    for (int64_t b = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; b <= plan.batch; b += stride)
        mergeOffsets[b] = int(b * plan.segmentsPerBatch * plan.maxOut);
}

// Per class: every (box, class) score above the threshold is a candidate of segment (b, class).
template <typename T>
__global__ void filterKernel(const T* scores, float threshold, Plan plan, int* segEnd, uint64_t* keys) {
    const int64_t total = plan.batch * plan.numBoxes * plan.numClasses;
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += stride) {
        const float score = canonicalScore(load(scores, i));
        if (!(score > threshold)) continue;
        const int64_t c = i % plan.numClasses, bn = i / plan.numClasses;
        const int64_t b = bn / plan.numBoxes, n = bn % plan.numBoxes;
        const int slot = atomicAdd(&segEnd[b * plan.numClasses + c], 1);
        keys[slot] = sortKey(score, uint32_t(n), plan.boxBits);
    }
}

// Class-agnostic: each box is a candidate with its best class, in segment b.
template <typename T>
__global__ void filterBestKernel(const T* scores, float threshold, Plan plan, int* segEnd, uint64_t* keys,
                                 int* bestClassOf) {
    const int64_t total = plan.batch * plan.numBoxes;
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += stride) {
        const T* row = scores + i * plan.numClasses;
        float best = 0.0f;
        const int cls = bestClass([&](int c) { return load(row, c); }, int(plan.numClasses), &best);
        best = canonicalScore(best);
        if (cls < 0 || !(best > threshold)) continue;
        bestClassOf[i] = cls;
        const int slot = atomicAdd(&segEnd[i / plan.numBoxes], 1);
        keys[slot] = sortKey(best, uint32_t(i % plan.numBoxes), plan.boxBits);
    }
}

// Greedy NMS of one segment (one block), on its candidates sorted by key. Writes up to maxOut
// merge keys (the rest kNoKey) and the ordered corners of the kept boxes.
template <typename T>
__global__ void __launch_bounds__(kChunk)
    nmsKernel(const uint64_t* sortedKeys, const int* segBegin, const int* segEnd, const T* boxes,
              const int* bestClassOf, BoxCoding coding, float iouThreshold, Plan plan, uint64_t* keptKeys,
              Corners* keptBoxes) {
    __shared__ Corners cand[kChunk];
    __shared__ uint32_t mask[kChunk][kMaskWords];  // row t: earlier candidates of the chunk that suppress t
    __shared__ bool alive[kChunk];                 // not suppressed by an earlier chunk's kept box
    __shared__ int keepAt[kChunk];                 // its index among the kept boxes, or -1
    __shared__ int numKept;

    const int64_t seg = blockIdx.x;
    const int64_t b = seg / plan.segmentsPerBatch;
    const int count = segEnd[seg] - segBegin[seg];
    const uint64_t* keys = sortedKeys + segBegin[seg];
    Corners* kept = keptBoxes + seg * plan.maxOut;
    uint64_t* keptOut = keptKeys + seg * plan.maxOut;
    const uint64_t boxMask = (uint64_t(1) << plan.boxBits) - 1;
    const int t = threadIdx.x;
    if (t == 0) numKept = 0;
    __syncthreads();

    // Every thread runs the same iterations: numKept only changes between barriers.
    for (int start = 0; start < count && numKept < plan.maxOut; start += kChunk) {
        const bool valid = start + t < count;
        const uint64_t key = valid ? keys[start + t] : kNoKey;
        const int64_t box = int64_t(key & boxMask);
        const Corners mine = valid ? ordered(loadBox(boxes, b * plan.numBoxes + box, coding)) : Corners{0, 0, 0, 0};
        bool live = valid;
        for (int k = 0; live && k < numKept; ++k) live = !suppresses(kept[k], mine, iouThreshold);
        cand[t] = mine;
        alive[t] = live;
        __syncthreads();

        for (int w = 0; w < kMaskWords; ++w) {
            uint32_t bits = 0;
            for (int j = w * 32; live && j < min(w * 32 + 32, t); ++j)
                if (alive[j] && suppresses(cand[j], mine, iouThreshold)) bits |= 1u << (j - w * 32);
            mask[t][w] = bits;
        }
        __syncthreads();

        if (t == 0) {  // greedy, in score order: keep j unless a kept candidate of the chunk suppresses it
            uint32_t keptBits[kMaskWords] = {};
            int n = numKept;
            const int last = min(kChunk, count - start);
            for (int j = 0; j < last; ++j) {
                keepAt[j] = -1;
                if (!alive[j] || n == plan.maxOut) continue;
                bool hit = false;
                for (int w = 0; w < kMaskWords; ++w) hit |= (mask[j][w] & keptBits[w]) != 0;
                if (hit) continue;
                keptBits[j / 32] |= 1u << (j % 32);
                keepAt[j] = n++;
            }
            numKept = n;
        }
        __syncthreads();

        if (valid && keepAt[t] >= 0) {
            const int64_t cls =
                plan.segmentsPerBatch == 1 ? bestClassOf[b * plan.numBoxes + box] : seg % plan.segmentsPerBatch;
            const uint64_t invertedScore = key >> plan.boxBits;
            kept[keepAt[t]] = mine;
            keptOut[keepAt[t]] = (invertedScore << plan.mergeBits) | uint64_t(box * plan.numClasses + cls);
        }
        __syncthreads();
    }
    for (int64_t k = numKept + t; k < plan.maxOut; k += blockDim.x) keptOut[k] = kNoKey;
}

// One block per batch: the first maxOut merged detections, then zeros.
template <typename T>
__global__ void gatherKernel(const uint64_t* mergedKeys, const T* boxes, const T* scores, BoxCoding coding, Plan plan,
                             int32_t* numDetections, T* detectionBoxes, T* detectionScores, int32_t* detectionClasses) {
    const int64_t b = blockIdx.x;
    const int64_t perBatch = plan.segmentsPerBatch * plan.maxOut;
    const uint64_t* keys = mergedKeys + b * perBatch;
    const uint64_t indexMask = (uint64_t(1) << plan.mergeBits) - 1;
    auto used = [&](int64_t k) { return k < perBatch && keys[k] != kNoKey; };  // kept keys form a prefix
    for (int64_t k = threadIdx.x; k < plan.maxOut; k += blockDim.x) {
        const int64_t slot = b * plan.maxOut + k;
        const bool here = used(k);
        if (here && (k + 1 == plan.maxOut || !used(k + 1))) numDetections[b] = int32_t(k + 1);
        if (k == 0 && !here) numDetections[b] = 0;
        Corners box{0, 0, 0, 0};
        T score{};
        int32_t cls = 0;
        if (here) {
            const int64_t index = int64_t(keys[k] & indexMask);
            const int64_t n = index / plan.numClasses;
            cls = int32_t(index % plan.numClasses);
            box = loadBox(boxes, b * plan.numBoxes + n, coding);
            score = scores[(b * plan.numBoxes + n) * plan.numClasses + cls];
        }
        store(detectionBoxes, slot * 4 + 0, box.x1);
        store(detectionBoxes, slot * 4 + 1, box.y1);
        store(detectionBoxes, slot * 4 + 2, box.x2);
        store(detectionBoxes, slot * 4 + 3, box.y2);
        detectionScores[slot] = score;
        detectionClasses[slot] = cls;
    }
}

int blocksFor(int64_t items) { return int(std::clamp<int64_t>((items + kThreads - 1) / kThreads, 1, 4096)); }

template <typename T>
cudaError_t launch(const NmsParams& p, const Plan& plan, const NmsTensors& t, char* ws, cudaStream_t stream) {
    size_t cubBytes = 0;
    cudaError_t err = cubTempBytes(plan, &cubBytes);
    if (err != cudaSuccess) return err;
    const Layout l = layoutFor(plan, cubBytes);
    int* segBegin = reinterpret_cast<int*>(ws + l.segBegin);
    int* segEnd = reinterpret_cast<int*>(ws + l.segEnd);
    int* mergeOffsets = reinterpret_cast<int*>(ws + l.mergeOffsets);
    int* bestClassOf = reinterpret_cast<int*>(ws + l.bestClass);
    Corners* keptBoxes = reinterpret_cast<Corners*>(ws + l.keptBoxes);
    const T* boxes = static_cast<const T*>(t.boxes);
    const T* scores = static_cast<const T*>(t.scores);

    initKernel<<<blocksFor(std::max(plan.segments, plan.batch + 1)), kThreads, 0, stream>>>(segBegin, segEnd,
                                                                                            mergeOffsets, plan);
    cub::DoubleBuffer<uint64_t> keys(reinterpret_cast<uint64_t*>(ws + l.keys[0]),
                                     reinterpret_cast<uint64_t*>(ws + l.keys[1]));
    if (plan.segmentsPerBatch == 1)
        filterBestKernel<<<blocksFor(plan.batch * plan.numBoxes), kThreads, 0, stream>>>(
            scores, p.scoreThreshold, plan, segEnd, keys.Current(), bestClassOf);
    else
        filterKernel<<<blocksFor(plan.batch * plan.numBoxes * plan.numClasses), kThreads, 0, stream>>>(
            scores, p.scoreThreshold, plan, segEnd, keys.Current());
    err = cub::DeviceSegmentedRadixSort::SortKeys(ws + l.cubTemp, cubBytes, keys, int(plan.keyItems()),
                                                  int(plan.segments), segBegin, segEnd, 0, 32 + plan.boxBits, stream);
    if (err != cudaSuccess) return err;

    cub::DoubleBuffer<uint64_t> kept(reinterpret_cast<uint64_t*>(ws + l.keptKeys[0]),
                                     reinterpret_cast<uint64_t*>(ws + l.keptKeys[1]));
    if (plan.segments > 0)
        nmsKernel<T><<<unsigned(plan.segments), kChunk, 0, stream>>>(keys.Current(), segBegin, segEnd, boxes,
                                                                     bestClassOf, p.boxCoding, p.iouThreshold, plan,
                                                                     kept.Current(), keptBoxes);
    err =
        cub::DeviceSegmentedRadixSort::SortKeys(ws + l.cubTemp, cubBytes, kept, int(plan.keptItems()), int(plan.batch),
                                                mergeOffsets, mergeOffsets + 1, 0, 32 + plan.mergeBits, stream);
    if (err != cudaSuccess) return err;

    gatherKernel<T><<<unsigned(plan.batch), kThreads, 0, stream>>>(
        kept.Current(), boxes, scores, p.boxCoding, plan, t.numDetections, static_cast<T*>(t.detectionBoxes),
        static_cast<T*>(t.detectionScores), t.detectionClasses);
    return cudaGetLastError();
}

}  // namespace

size_t nmsCudaWorkspaceSize(const NmsParams& p, const NmsShape& s) {
    const Plan plan = planFor(p, s);
    size_t cubBytes = 0;
    if (cubTempBytes(plan, &cubBytes) != cudaSuccess) {
        cudaGetLastError();  // clear the error so that it does not surface in the caller's next check
        return 0;
    }
    return layoutFor(plan, cubBytes).total;
}

const char* runNmsCuda(const NmsParams& p, const NmsShape& s, const NmsTensors& t, void* workspace, void* stream) {
    if (s.batch == 0) return nullptr;
    const Plan plan = planFor(p, s);
    auto* ws = static_cast<char*>(workspace);
    auto* st = static_cast<cudaStream_t>(stream);
    const cudaError_t err = t.half ? launch<uint16_t>(p, plan, t, ws, st) : launch<float>(p, plan, t, ws, st);
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace kiln::samples::nms
