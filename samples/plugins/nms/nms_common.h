// Scalar rules of BatchedNMS shared by the CPU and CUDA implementations, compiled as host and
// device code from this one source so that both select exactly the same detections:
//   - a (box, class) pair is a candidate when its score > score_threshold (NaN never is);
//   - candidates are ordered by descending score, then ascending box index, then ascending class
//     (-0 counts as +0, so the order is total);
//   - a kept box suppresses a candidate when intersection > iou_threshold * union, each product,
//     sum and difference rounded to float on its own (no fused multiply-add), with corners
//     ordered first (x1 <= x2, y1 <= y2) so flipped boxes have the same area.
// Half values are converted in software here as well, identically on host and device.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define KILN_NMS_HD __host__ __device__ __forceinline__
#else
#define KILN_NMS_HD inline
#endif

namespace kiln::samples::nms {

// box_coding values.
enum class BoxCoding : int32_t {
    kCorners = 0,     // (x1, y1, x2, y2)
    kCenterSize = 1,  // (cx, cy, w, h)
};

struct Corners {
    float x1, y1, x2, y2;
};

// --- float arithmetic without contraction: nvcc would otherwise fuse a*b+c into one FMA ---
KILN_NMS_HD float mulRn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}
KILN_NMS_HD float addRn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}
KILN_NMS_HD float subRn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}
// min/max spelled out: fminf and std::min treat NaN differently.
KILN_NMS_HD float minOf(float a, float b) { return b < a ? b : a; }
KILN_NMS_HD float maxOf(float a, float b) { return a < b ? b : a; }

KILN_NMS_HD uint32_t floatBits(float f) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
#endif
}
KILN_NMS_HD float bitsFloat(uint32_t u) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
#endif
}

// --- IEEE binary16 <-> float ---
KILN_NMS_HD float halfToFloat(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    uint32_t mant = h & 0x3FFu;
    if (exp == 0x1F) return bitsFloat(sign | 0x7F800000u | (mant << 13));  // inf, NaN
    if (exp != 0) return bitsFloat(sign | ((exp + 112u) << 23) | (mant << 13));
    if (mant == 0) return bitsFloat(sign);  // +-0
    // Subnormal: normalize the mantissa.
    uint32_t e = 113;
    while (!(mant & 0x400u)) {
        mant <<= 1;
        --e;
    }
    return bitsFloat(sign | (e << 23) | ((mant & 0x3FFu) << 13));
}

// Round to nearest even; NaN becomes the canonical 0x7FFF with the sign kept.
KILN_NMS_HD uint16_t floatToHalf(float f) {
    const uint32_t u = floatBits(f);
    const uint16_t sign = uint16_t((u >> 16) & 0x8000u);
    const uint32_t absU = u & 0x7FFFFFFFu;
    if (absU > 0x7F800000u) return uint16_t(sign | 0x7FFFu);
    if (absU >= 0x477FF000u) return uint16_t(sign | 0x7C00u);  // rounds to >= 65520: inf
    if (absU < 0x38800000u) {                                  // below the smallest normal half
        if (absU < 0x33000000u) return sign;                   // < 2^-25 rounds to 0
        const uint32_t exp = absU >> 23;
        const uint32_t mant = (absU & 0x7FFFFFu) | 0x800000u;
        const uint32_t shift = 126u - exp;  // 14..24: value / 2^-24, as mantissa bits
        uint32_t half = mant >> shift;
        const uint32_t rest = mant & ((1u << shift) - 1u);
        const uint32_t mid = 1u << (shift - 1u);
        if (rest > mid || (rest == mid && (half & 1u))) ++half;
        return uint16_t(sign | half);
    }
    uint32_t half = ((absU >> 13) - (112u << 10));  // rebias the exponent
    const uint32_t rest = absU & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent
    return uint16_t(sign | half);
}

// --- scores and sort keys ---

// -0 as +0, so that equal scores have equal keys.
KILN_NMS_HD float canonicalScore(float s) { return s == 0.0f ? 0.0f : s; }

// An unsigned integer that orders like the float (for non-NaN values).
KILN_NMS_HD uint32_t orderedBits(float f) {
    const uint32_t u = floatBits(f);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Bits needed to hold the values 0 .. count-1.
KILN_NMS_HD int bitsFor(int64_t count) {
    int bits = 0;
    while ((int64_t(1) << bits) < count) ++bits;
    return bits;
}

// A key whose ascending order is (descending score, ascending index): the score's ordered bits,
// inverted, above `indexBits` bits of index. Sorting [0, 32 + indexBits) bits is enough.
KILN_NMS_HD uint64_t sortKey(float canonical, uint32_t index, int indexBits) {
    return (uint64_t(~orderedBits(canonical)) << indexBits) | index;
}
// No candidate: greater than every key (a key of all ones would need a NaN score).
inline constexpr uint64_t kNoKey = ~uint64_t(0);

// The class a class-agnostic NMS gives box row `scores[0..C)`: the highest score, the lowest
// class on ties, NaN never. -1 when no score beats -inf.
template <typename Load>
KILN_NMS_HD int bestClass(Load load, int numClasses, float* bestScore) {
    float best = bitsFloat(0xFF800000u);  // -inf
    int cls = -1;
    for (int c = 0; c < numClasses; ++c) {
        const float s = load(c);
        if (s > best) {
            best = s;
            cls = c;
        }
    }
    *bestScore = best;
    return cls;
}

// --- boxes ---

// The corners of a box as stored (for the output), from either coding.
KILN_NMS_HD Corners decodeBox(float a, float b, float c, float d, BoxCoding coding) {
    if (coding == BoxCoding::kCorners) return {a, b, c, d};
    const float halfW = mulRn(c, 0.5f), halfH = mulRn(d, 0.5f);
    return {subRn(a, halfW), subRn(b, halfH), addRn(a, halfW), addRn(b, halfH)};
}

// The same corners with x1 <= x2 and y1 <= y2, for the overlap test.
KILN_NMS_HD Corners ordered(const Corners& k) {
    return {minOf(k.x1, k.x2), minOf(k.y1, k.y2), maxOf(k.x1, k.x2), maxOf(k.y1, k.y2)};
}

KILN_NMS_HD float area(const Corners& k) { return mulRn(subRn(k.x2, k.x1), subRn(k.y2, k.y1)); }

// Whether kept box `a` suppresses candidate `b` (both ordered): IoU(a, b) > threshold, decided as
// intersection > threshold * union. Symmetric in a and b.
KILN_NMS_HD bool suppresses(const Corners& a, const Corners& b, float iouThreshold) {
    const float iw = subRn(minOf(a.x2, b.x2), maxOf(a.x1, b.x1));
    const float ih = subRn(minOf(a.y2, b.y2), maxOf(a.y1, b.y1));
    if (!(iw > 0.0f) || !(ih > 0.0f)) return false;
    const float inter = mulRn(iw, ih);
    const float uni = subRn(addRn(area(a), area(b)), inter);
    return inter > mulRn(iouThreshold, uni);
}

}  // namespace kiln::samples::nms
