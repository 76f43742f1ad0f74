// The resampling behind Resize and Upsample: coordinate transforms, per-axis interpolation taps,
// nearest-neighbour gather and separable linear/cubic interpolation. Follows the ONNX spec and,
// where the spec is silent, its reference implementation (onnx/reference/ops/op_resize.py).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/resize_internal.h"

namespace kiln::ops {

namespace {

// x_original for output coordinate x along one axis. length_resized is scale * length_original,
// unrounded, as in the ONNX reference (which generated the conformance data).
double originalCoordinate(const ResizePlan& p, size_t axis, int64_t xOut) {
    const double x = double(xOut), scale = p.scales[axis];
    const double inLen = double(p.inDims[axis]), outLen = scale * inLen;
    switch (p.coord) {
    case CoordMode::HalfPixel: return (x + 0.5) / scale - 0.5;
    case CoordMode::HalfPixelSymmetric: {
        // Keeps the crop centred when the output length was rounded down.
        const double offset = inLen / 2 * (1 - double(p.outDims[axis]) / outLen);
        return offset + (x + 0.5) / scale - 0.5;
    }
    case CoordMode::PytorchHalfPixel: return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case CoordMode::AlignCorners: return outLen == 1 ? 0.0 : x * (inLen - 1) / (outLen - 1);
    case CoordMode::Asymmetric: return x / scale;
    case CoordMode::TfHalfPixelForNearest: return (x + 0.5) / scale;
    case CoordMode::TfCropAndResize: {
        const double start = p.roiStart[axis], end = p.roiEnd[axis];
        return outLen > 1 ? start * (inLen - 1) + x * (end - start) * (inLen - 1) / (outLen - 1)
                          : 0.5 * (start + end) * (inLen - 1);
    }
    }
    return x;
}

// The input index nearest_mode picks for x_original (before clamping to the input).
int64_t nearestIndex(double x, NearestMode mode, bool downsample) {
    const double fl = std::floor(x), frac = x - fl;
    switch (mode) {
    case NearestMode::RoundPreferFloor: return int64_t(frac <= 0.5 ? fl : fl + 1);
    case NearestMode::RoundPreferCeil: return int64_t(frac < 0.5 ? fl : fl + 1);
    case NearestMode::Floor: return int64_t(fl);
    case NearestMode::Ceil: return int64_t(std::ceil(x));
    case NearestMode::Simple: return int64_t(downsample ? std::ceil(x) : fl);
    }
    return int64_t(fl);
}

// Weights of the inputs around x_original, given ratio = x_original - (left neighbour) in (0, 1].
//   linear: [1 - r, r]
//   cubic (Keys, coefficient A): [k(r + 1), k(r), k(1 - r), k(2 - r)] with
//     k(t) = (A + 2)|t|^3 - (A + 3)|t|^2 + 1          for |t| <= 1
//     k(t) = A|t|^3 - 5A|t|^2 + 8A|t| - 4A             for 1 < |t| < 2
void interpolationWeights(const ResizePlan& p, double r, double* w) {
    if (p.mode == ResizeMode::Linear) {
        w[0] = 1 - r;
        w[1] = r;
        return;
    }
    const double a = p.cubicA;
    auto nearK = [a](double t) { return ((a + 2) * t - (a + 3)) * t * t + 1; };
    auto farK = [a](double t) { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a; };
    w[0] = farK(r + 1);
    w[1] = nearK(r);
    w[2] = nearK(1 - r);
    w[3] = farK(2 - r);
}

// One axis of the resampling. Output coordinate j reads inputs index[j * width + k] (already
// clamped into the input: edge padding) with weight[j * width + k]; outside[j] marks
// tf_crop_and_resize coordinates outside the input, which take the extrapolation value.
struct AxisTaps {
    int width = 1;
    std::vector<int64_t> index;
    std::vector<double> weight;
    std::vector<uint8_t> outside;
    bool identity = false;  // output j is exactly input j: the axis can be skipped
};

// Fills the taps of output coordinate j at x_original x (linear or cubic).
void interpolationTaps(const ResizePlan& p, int64_t inLen, double x, int64_t* index, double* weight, int width) {
    // The `width` neighbours prefer the left side: left = ceil(x) - 1, ratio in (0, 1]. The window
    // stays within the edge padding of width / 2 elements, as in the ONNX reference.
    const int64_t pad = width / 2;
    x = std::clamp(x, double(-pad - 1), double(inLen + pad));
    const double left = std::ceil(x) - 1;
    interpolationWeights(p, x - left, weight);
    const int64_t first = std::clamp(int64_t(left) - (pad - 1), -pad, inLen + pad - width);
    double sum = 0.0;
    for (int k = 0; k < width; ++k) {
        const int64_t idx = first + k;
        // exclude_outside: inputs outside the tensor get weight 0, the rest are renormalized.
        if (p.excludeOutside && (idx < 0 || idx >= inLen)) weight[k] = 0.0;
        sum += weight[k];
        index[k] = std::clamp<int64_t>(idx, 0, inLen - 1);
    }
    if (p.excludeOutside && sum != 0.0)
        for (int k = 0; k < width; ++k) weight[k] /= sum;
}

AxisTaps buildAxisTaps(const ResizePlan& p, size_t axis) {
    AxisTaps t;
    t.width = p.mode == ResizeMode::Nearest ? 1 : p.mode == ResizeMode::Linear ? 2 : 4;
    const int64_t inLen = p.inDims[axis], outLen = p.outDims[axis];
    t.index.assign(size_t(outLen * t.width), 0);
    t.weight.assign(size_t(outLen * t.width), 0.0);
    t.outside.assign(size_t(outLen), 0);
    for (int64_t j = 0; j < outLen; ++j) {
        const double x = originalCoordinate(p, axis, j);
        if (p.coord == CoordMode::TfCropAndResize && (x < 0 || x > double(inLen - 1))) {
            t.outside[size_t(j)] = 1;
            continue;
        }
        int64_t* index = &t.index[size_t(j * t.width)];
        double* weight = &t.weight[size_t(j * t.width)];
        if (p.mode == ResizeMode::Nearest) {
            const double xc = std::clamp(x, -1.0, double(inLen));
            index[0] = std::clamp<int64_t>(nearestIndex(xc, p.nearest, p.scales[axis] < 1), 0, inLen - 1);
            weight[0] = 1.0;
        } else {
            interpolationTaps(p, inLen, x, index, weight, t.width);
        }
    }
    t.identity = inLen == outLen;
    for (int64_t j = 0; t.identity && j < outLen; ++j) {
        double own = 0.0, other = 0.0;
        for (int k = 0; k < t.width; ++k) {
            const size_t i = size_t(j * t.width + k);
            (t.index[i] == j ? own : other) += std::abs(t.weight[i]);
        }
        t.identity = !t.outside[size_t(j)] && own == 1.0 && other == 0.0;
    }
    return t;
}

// Nearest: Y[o] = X[index_0[o_0], ..., index_r[o_r]], or the fill value when any axis is outside.
template <typename U>
void gatherNearest(const U* in, U* out, const ResizePlan& p, const std::vector<AxisTaps>& taps, U fill) {
    const size_t rank = p.inDims.size();
    const std::vector<int64_t> inStrides = contiguousStrides(p.inDims);
    std::vector<std::vector<int64_t>> offsets(rank);  // per axis and output coordinate; -1 = outside
    for (size_t a = 0; a < rank; ++a) {
        offsets[a].resize(size_t(p.outDims[a]));
        for (size_t j = 0; j < offsets[a].size(); ++j)
            offsets[a][j] = taps[a].outside[j] ? -1 : taps[a].index[j] * inStrides[a];
    }
    int64_t total = 1;
    for (int64_t d : p.outDims) total *= d;
    std::vector<int64_t> pos(rank, 0);
    for (int64_t i = 0; i < total; ++i) {
        int64_t src = 0;
        bool outside = false;
        for (size_t a = 0; a < rank; ++a) {
            const int64_t o = offsets[a][size_t(pos[a])];
            outside = outside || o < 0;
            src += o;
        }
        out[i] = outside ? fill : in[src];
        for (size_t a = rank; a-- > 0;) {  // row-major odometer
            if (++pos[a] < p.outDims[a]) break;
            pos[a] = 0;
        }
    }
}

// double -> T: floats round to nearest, integers round half away from zero and saturate.
template <typename T>
T toElement(double v) {
    if constexpr (isFloatLike<T>) {
        return static_cast<T>(static_cast<AccType<T>>(v));
    } else {
        if (std::isnan(v)) return T(0);
        const double r = std::round(v);
        if (r <= double(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
        if (r >= double(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
        return static_cast<T>(r);
    }
}

// One axis of separable interpolation: [outer, inLen, inner] -> [outer, outLen, inner],
//   dst[o, j, s] = sum_k weight[j, k] * src[o, index[j, k], s]   (or the extrapolation value).
void interpolateAxis(const std::vector<double>& src, std::vector<double>& dst, int64_t outer, int64_t inLen,
                     int64_t inner, int64_t outLen, const AxisTaps& t, double extrapolation) {
    dst.assign(size_t(outer * outLen * inner), 0.0);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < outLen; ++j) {
            double* d = &dst[size_t((o * outLen + j) * inner)];
            if (t.outside[size_t(j)]) {
                std::fill(d, d + inner, extrapolation);
                continue;
            }
            for (int k = 0; k < t.width; ++k) {
                const double w = t.weight[size_t(j * t.width + k)];
                const double* s = &src[size_t((o * inLen + t.index[size_t(j * t.width + k)]) * inner)];
                for (int64_t i = 0; i < inner; ++i) d[i] += w * s[i];
            }
        }
}

// Linear/cubic: interpolates one axis at a time, innermost first (the reference's order, which
// matters only for where extrapolated values mix in), in double.
template <typename T>
void interpolateSeparable(const HostTensor& x, HostTensor& y, const ResizePlan& p, const std::vector<AxisTaps>& taps) {
    const T* px = x.data<T>();
    std::vector<double> cur(size_t(x.numel())), next;
    for (size_t i = 0; i < cur.size(); ++i) cur[i] = static_cast<double>(static_cast<AccType<T>>(px[i]));
    std::vector<int64_t> dims = p.inDims;
    for (size_t a = dims.size(); a-- > 0;) {
        if (taps[a].identity) continue;
        int64_t outer = 1, inner = 1;
        for (size_t i = 0; i < a; ++i) outer *= dims[i];
        for (size_t i = a + 1; i < dims.size(); ++i) inner *= dims[i];
        interpolateAxis(cur, next, outer, dims[a], inner, p.outDims[a], taps[a], p.extrapolation);
        cur.swap(next);
        dims[a] = p.outDims[a];
    }
    T* py = y.data<T>();
    for (size_t i = 0; i < cur.size(); ++i) py[i] = toElement<T>(cur[i]);
}

}  // namespace

Status runResize(KernelContext& ctx, const ResizePlan& p) {
    const HostTensor& x = ctx.input(0);
    for (size_t a = 0; a < p.inDims.size(); ++a)
        if (p.inDims[a] == 0 && p.outDims[a] > 0)
            return ctx.error("cannot resize axis " + std::to_string(a) + " of length 0 to length " +
                             std::to_string(p.outDims[a]));
    std::vector<AxisTaps> taps;
    for (size_t a = 0; a < p.inDims.size(); ++a) taps.push_back(buildAxisTaps(p, a));
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), p.outDims));
    if (p.mode == ResizeMode::Nearest) {
        const HostTensor fill = HostTensor::scalar(x.dtype(), p.extrapolation);
        return dispatchBySize(ctx, x.dtype(), [&]<typename U>() -> Status {
            U fillBits;
            std::memcpy(&fillBits, fill.raw(), sizeof(U));
            gatherNearest(x.data<U>(), y->data<U>(), p, taps, fillBits);
            return Status::ok();
        });
    }
    Status st = dispatchType(NumericTypes{}, x.dtype(), [&]<typename T>() -> Status {
        interpolateSeparable<T>(x, *y, p, taps);
        return Status::ok();
    });
    if (!st) st.atNode(ctx.node().name(), ctx.node().opType());
    return st;
}

}  // namespace kiln::ops
