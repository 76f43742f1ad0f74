// Conv in float: per batch index n and group g one GEMM over an implicit im2col matrix,
//   Y[n, g*Mg .. g*Mg + Mg, P] = W_g [Mg, Cg*K] x col [Cg*K, P]
//   col[c*K + kf, p] = X[n, g*Cg + c, o(p) * s - pb + k(kf) * d]   (0 outside the input: padding)
// The columns are built straight into the GEMM's packed panels (ColumnPanels), never stored
// whole. A 1x1 conv with stride 1 and no padding reads X[n, g] as B directly; a depthwise 2-D
// conv (one input channel per group) runs as a direct loop instead, the GEMM being one row tall.
#include <algorithm>
#include <vector>

#include "ops/conv_internal.h"
#include "ops/fused_epilogue.h"
#include "ops/gemm_kernel.h"
#include "ops/parallel.h"

namespace kiln::ops {

namespace {

// The im2col geometry shared by every (n, g). Output positions are walked as rows along the last
// spatial axis; `outer` numbers those rows.
struct ColumnGeometry {
    explicit ColumnGeometry(const SpatialGeometry& g);

    const SpatialGeometry& g;
    int rank;
    int64_t K, inP, lastOut;
    std::vector<int64_t> inStride;       // [rank]
    std::vector<int64_t> kernelOffsets;  // [K, rank]: k_i * d_i
    std::vector<int64_t> outerBase;      // [outP / lastOut, rank - 1]: o_i * s_i - pb_i of each row
};

ColumnGeometry::ColumnGeometry(const SpatialGeometry& geo)
    : g(geo), rank(geo.rank()), K(product(geo.kernel)), inP(product(geo.inDims)), lastOut(geo.outDims.back()) {
    const size_t n = size_t(rank);
    inStride.assign(n, 1);
    for (int i = rank - 2; i >= 0; --i) inStride[size_t(i)] = inStride[size_t(i) + 1] * g.inDims[size_t(i) + 1];
    kernelOffsets.resize(size_t(K) * n);
    std::vector<int64_t> k(n, 0);
    for (int64_t kf = 0; kf < K; ++kf) {
        for (size_t i = 0; i < n; ++i) kernelOffsets[size_t(kf) * n + i] = k[i] * g.dilations[i];
        for (int i = rank - 1; i >= 0 && ++k[size_t(i)] == g.kernel[size_t(i)]; --i) k[size_t(i)] = 0;
    }
    const int64_t rows = lastOut > 0 ? product(g.outDims) / lastOut : 0;
    outerBase.resize(size_t(rows) * (n - 1));
    std::vector<int64_t> o(n - 1, 0);
    for (int64_t r = 0; r < rows; ++r) {
        for (size_t i = 0; i + 1 < n; ++i) outerBase[size_t(r) * (n - 1) + i] = o[i] * g.strides[i] - g.padBegin[i];
        for (int i = rank - 2; i >= 0 && ++o[size_t(i)] == g.outDims[size_t(i)]; --i) o[size_t(i)] = 0;
    }
}

// B of one (n, g): the im2col matrix [Cg*K, P] of the input channels xg [Cg, D...].
class ColumnPanels final : public gemm::PanelSource {
public:
    ColumnPanels(const ColumnGeometry& geo, const float* xg) : m_geo(geo), m_x(xg) {}
    void packPanel(int64_t k0, int64_t kc, int64_t j0, int64_t cols, int nr, float* dst) const override;

private:
    // Consecutive output positions on one row: panel columns at .. at + len, last-axis output
    // coordinates from o0.
    struct Run {
        int64_t at, len, row, o0;
    };
    void packRun(const Run& run, const int64_t* koff, const float* xc, float* __restrict d) const;

    const ColumnGeometry& m_geo;
    const float* m_x;
};

void ColumnPanels::packPanel(int64_t k0, int64_t kc, int64_t j0, int64_t cols, int nr, float* dst) const {
    constexpr int64_t kInlineRuns = 64;  // >= every NR: no allocation in practice
    Run inlineRuns[kInlineRuns];
    std::vector<Run> heapRuns;
    Run* runs = inlineRuns;
    if (cols > kInlineRuns) {
        heapRuns.resize(size_t(cols));
        runs = heapRuns.data();
    }
    int64_t numRuns = 0;
    for (int64_t j = 0; j < cols;) {
        const int64_t pos = j0 + j, row = pos / m_geo.lastOut, o0 = pos % m_geo.lastOut;
        const int64_t len = std::min(cols - j, m_geo.lastOut - o0);
        runs[numRuns++] = {j, len, row, o0};
        j += len;
    }
    const size_t rank = size_t(m_geo.rank);
    int64_t c = k0 / m_geo.K, kf = k0 % m_geo.K;  // row k0 + p of col is (c, kf)
    for (int64_t p = 0; p < kc; ++p) {
        const int64_t* koff = &m_geo.kernelOffsets[size_t(kf) * rank];
        const float* xc = m_x + c * m_geo.inP;
        float* d = dst + p * nr;
        for (int64_t r = 0; r < numRuns; ++r) packRun(runs[r], koff, xc, d + runs[r].at);
        for (int64_t j = cols; j < nr; ++j) d[j] = 0.f;
        if (++kf == m_geo.K) {
            kf = 0;
            ++c;
        }
    }
}

// d[t] = xc[input coordinates of output position (run.row, run.o0 + t) + koff], 0 in the padding.
void ColumnPanels::packRun(const Run& run, const int64_t* koff, const float* xc, float* __restrict d) const {
    const SpatialGeometry& g = m_geo.g;
    const size_t last = size_t(m_geo.rank - 1);
    int64_t off = 0;
    for (size_t i = 0; i < last; ++i) {
        const int64_t ci = m_geo.outerBase[size_t(run.row) * last + i] + koff[i];
        if (ci < 0 || ci >= g.inDims[i]) {
            for (int64_t t = 0; t < run.len; ++t) d[t] = 0.f;
            return;
        }
        off += ci * m_geo.inStride[i];
    }
    const float* __restrict xr = xc + off;
    const int64_t s = g.strides[last], in = g.inDims[last];
    const int64_t first = run.o0 * s - g.padBegin[last] + koff[last];  // input coordinate of d[0]
    // d[lo, hi) read the input, the rest is padding: first + t * s in [0, in). This runs for
    // every element of col, so no division for stride 1.
    int64_t lo = 0, hi = 0;
    if (s == 1) {
        lo = std::clamp<int64_t>(-first, 0, run.len);
        hi = std::clamp<int64_t>(in - first, 0, run.len);
    } else {
        lo = std::min(run.len, first >= 0 ? 0 : (-first + s - 1) / s);
        hi = in - 1 - first < 0 ? 0 : std::min(run.len, (in - 1 - first) / s + 1);
    }
    for (int64_t t = 0; t < lo; ++t) d[t] = 0.f;
    if (s == 1) {
        for (int64_t t = lo; t < hi; ++t) d[t] = xr[first + t];
    } else if (s == 2) {  // a constant stride lets the compiler vectorize the gather with shuffles
        for (int64_t t = lo; t < hi; ++t) d[t] = xr[first + 2 * t];
    } else {
        for (int64_t t = lo; t < hi; ++t) d[t] = xr[first + t * s];
    }
    for (int64_t t = std::max(lo, hi); t < run.len; ++t) d[t] = 0.f;
}

// y = ep(acc + bias[channel]) on a finished block of one (n, g) product, rows = output channels
// of the group, columns = output positions.
class ConvEpilogue final : public gemm::TileEpilogue {
public:
    // bias: the group's first channel (or null); firstIndex: Y's flat index of the group's
    // first channel at position 0.
    ConvEpilogue(const float* bias, const Epilogue& ep, int64_t firstIndex, int64_t outP)
        : m_bias(bias), m_ep(ep), m_firstIndex(firstIndex), m_outP(outP) {}

    void apply(float* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0, int64_t cols) const override {
        for (int64_t r = 0; r < rows; ++r) applyRow(c + r * ldc, i0 + r, j0, cols);
    }
    void applyRow(float* y, int64_t channel, int64_t j0, int64_t cols) const {
        if (!m_bias && m_ep.isIdentity()) return;
        m_ep.applyRow(y, cols, m_firstIndex + channel * m_outP + j0, m_bias ? m_bias[channel] : 0.f);
    }

private:
    const float* m_bias;
    const Epilogue& m_ep;
    int64_t m_firstIndex, m_outP;
};

int64_t ceilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Depthwise 2-D (Cg = 1): each output channel oc reads input channel oc / Mg.
//   Y[n, oc, oh, ow] = sum_{kh, kw} X[n, oc / Mg, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw] * W[oc, 0, kh, kw]
// summed per output row, kernel position by kernel position (the order of the GEMM path).
void depthwise2d(const float* x, const float* w, const float* bias, const ConvShape& s, const Epilogue& ep, float* y) {
    const SpatialGeometry& g = s.g;
    const int64_t H = g.inDims[0], W = g.inDims[1], OH = g.outDims[0], OW = g.outDims[1];
    const int64_t KH = g.kernel[0], KW = g.kernel[1], sw = g.strides[1];
    const int64_t mg = s.mPerGroup(), planes = s.N * s.M;
    [[maybe_unused]] const int threads = kernelThreads(double(planes) * double(OH * OW) * double(KH * KW));
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t plane = 0; plane < planes; ++plane) {
        const int64_t n = plane / s.M, oc = plane % s.M;
        const float* xp = x + (n * s.C + oc / mg) * H * W;
        const float* wk = w + oc * KH * KW;
        float* yp = y + plane * OH * OW;
        const ConvEpilogue rowEp(bias, ep, n * s.M * OH * OW, OH * OW);
        for (int64_t oh = 0; oh < OH; ++oh) {
            float* yr = yp + oh * OW;
            std::fill_n(yr, OW, 0.f);
            for (int64_t kh = 0; kh < KH; ++kh) {
                const int64_t ih = oh * g.strides[0] - g.padBegin[0] + kh * g.dilations[0];
                if (ih < 0 || ih >= H) continue;
                const float* xr = xp + ih * W;
                for (int64_t kw = 0; kw < KW; ++kw) {
                    const float wv = wk[kh * KW + kw];
                    const int64_t off = kw * g.dilations[1] - g.padBegin[1];  // iw = ow * sw + off
                    const int64_t lo = std::max<int64_t>(0, ceilDiv(-off, sw));
                    const int64_t hi = W - 1 - off < 0 ? -1 : std::min(OW - 1, (W - 1 - off) / sw);
                    if (sw == 1) {
                        for (int64_t ow = lo; ow <= hi; ++ow) yr[ow] += wv * xr[ow + off];
                    } else {
                        for (int64_t ow = lo; ow <= hi; ++ow) yr[ow] += wv * xr[ow * sw + off];
                    }
                }
            }
            rowEp.applyRow(yr, oc, oh * OW, OW);
        }
    }
}

}  // namespace

void convFloat(const float* x, const float* w, const float* bias, const ConvShape& s, const Epilogue& ep, float* y) {
    const SpatialGeometry& g = s.g;
    const int64_t outP = product(g.outDims), inP = product(g.inDims);
    if (s.N == 0 || s.M == 0 || outP == 0) return;
    if (s.cPerGroup() == 1 && g.rank() == 2) return depthwise2d(x, w, bias, s, ep, y);
    const int64_t cg = s.cPerGroup(), mg = s.mPerGroup(), depth = cg * product(g.kernel);
    bool pointwise = true;  // 1x1, stride 1, no padding: col is X[n, g] itself
    for (int i = 0; i < g.rank(); ++i) {
        const size_t a = size_t(i);
        pointwise = pointwise && g.kernel[a] == 1 && g.strides[a] == 1 && g.padBegin[a] == 0 && g.padEnd[a] == 0;
    }
    const ColumnGeometry geo(g);
    // [Mg, Cg*K] x [Cg*K, P] -> [Mg, P] for task t = n * group + grp
    auto runTask = [&](int64_t t) {
        const int64_t n = t / s.group, grp = t % s.group;
        const float* xg = x + (n * s.C + grp * cg) * inP;
        const int64_t first = (n * s.M + grp * mg) * outP;
        const ConvEpilogue cep(bias ? bias + grp * mg : nullptr, ep, first, outP);
        const gemm::MatrixRef wg{w + grp * mg * depth, depth, 1};
        const gemm::Output out{.c = y + first, .ldc = outP, .epilogue = &cep};
        if (pointwise) gemm::sgemm(mg, outP, depth, wg, gemm::MatrixRef{xg, inP, 1}, out);
        else gemm::sgemm(mg, outP, depth, wg, ColumnPanels(geo, xg), out);
    };
    const int64_t tasks = s.N * s.group;
    const int threads = taskThreads(tasks, double(mg) * double(depth) * double(outP));
    if (threads <= 1) {
        for (int64_t t = 0; t < tasks; ++t) runTask(t);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic)
    for (int64_t t = 0; t < tasks; ++t) runTask(t);
}

}  // namespace kiln::ops
