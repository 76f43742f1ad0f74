// Helpers shared by the network-definition API tests (test_network_api.cpp and
// test_network_layers.cpp): random tensors, a CPU run of a network, and naive references for
// convolution, pooling, matmul and broadcast math.
#pragma once

#include <QtTest>

#include <cmath>
#include <functional>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "core/compare.h"
#include "kiln.h"

namespace kiln::nettest {


// Collects what the network logs (and keeps the test output quiet).
class CaptureLogger : public Logger {
public:
    void log(Severity, std::string_view m) noexcept override { last = std::string(m); }
    std::string last;
};

inline HostTensor randomTensor(std::vector<int64_t> dims, uint64_t seed, float lo = -1.f, float hi = 1.f) {
    HostTensor t(DataType::Float32, std::move(dims));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    return t;
}
inline Weights weightsOf(const HostTensor& t) { return {t.dtype(), t.raw(), t.numel()}; }

inline Expected<cpu::TensorMap> runCpu(const ir::Graph& g, const cpu::TensorMap& inputs) {
    cpu::CpuExecutor ex(g);
    KILN_RETURN_IF_ERROR(ex.prepare());
    return ex.run(inputs);
}
// Runs the network on the CPU reference and returns output 0.
inline HostTensor run1(const NetworkDefinition& net, const cpu::TensorMap& inputs) {
    auto out = runCpu(net.graph(), inputs);
    if (!out) qWarning("%s", out.status().toString().c_str());
    return out ? out->at(net.output(0)->name()) : HostTensor();
}
inline std::vector<std::string> opsOf(const Layer& l) {
    std::vector<std::string> ops;
    for (const ir::Node* n : l.nodes()) ops.push_back(n->opType());
    return ops;
}
inline double relL2(const HostTensor& a, const HostTensor& b) {
    return a.dims() == b.dims() ? relativeL2(a, b) : 1e9;
}

// out[i] = f(x) over one tensor, and the numpy-broadcast binary reference.
inline HostTensor mapRef(const HostTensor& x, const std::function<double(double)>& f) {
    HostTensor y(DataType::Float32, x.dims());
    for (int64_t i = 0; i < x.numel(); ++i) y.data<float>()[i] = float(f(x.data<float>()[i]));
    return y;
}
inline int64_t broadcastIndex(const std::vector<int64_t>& out, int64_t flat, const std::vector<int64_t>& in) {
    int64_t idx = 0, stride = 1;
    for (int d = int(out.size()) - 1, e = int(in.size()) - 1; d >= 0; --d, --e) {
        const int64_t coord = flat % out[size_t(d)];
        flat /= out[size_t(d)];
        if (e >= 0) {
            idx += (in[size_t(e)] == 1 ? 0 : coord) * stride;
            stride *= in[size_t(e)];
        }
    }
    return idx;
}
inline HostTensor binaryRef(const HostTensor& a, const HostTensor& b, std::vector<int64_t> out,
                     const std::function<double(double, double)>& f) {
    HostTensor y(DataType::Float32, out);
    for (int64_t i = 0; i < y.numel(); ++i)
        y.data<float>()[i] = float(f(a.getDouble(broadcastIndex(out, i, a.dims())), b.getDouble(broadcastIndex(out, i, b.dims()))));
    return y;
}

// Naive 2-D convolution / pooling over [N, C, H, W].
struct Window2d {
    int64_t kh, kw, sh = 1, sw = 1, pt = 0, pl = 0, pb = 0, pr = 0, dh = 1, dw = 1;
    int64_t outH(int64_t h) const { return (h + pt + pb - (dh * (kh - 1) + 1)) / sh + 1; }
    int64_t outW(int64_t w) const { return (w + pl + pr - (dw * (kw - 1) + 1)) / sw + 1; }
};
inline HostTensor convRef(const HostTensor& x, const HostTensor& w, const HostTensor& b, const Window2d& g, int64_t groups) {
    const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), k = w.dim(0), cg = c / groups;
    HostTensor y(DataType::Float32, {n, k, g.outH(h), g.outW(wd)});
    for (int64_t ni = 0; ni < n; ++ni)
        for (int64_t ki = 0; ki < k; ++ki)
            for (int64_t oy = 0; oy < y.dim(2); ++oy)
                for (int64_t ox = 0; ox < y.dim(3); ++ox) {
                    double s = b.isValid() ? b.data<float>()[ki] : 0.0;
                    const int64_t g0 = (ki / (k / groups)) * cg;
                    for (int64_t ci = 0; ci < cg; ++ci)
                        for (int64_t ky = 0; ky < g.kh; ++ky)
                            for (int64_t kx = 0; kx < g.kw; ++kx) {
                                const int64_t iy = oy * g.sh - g.pt + ky * g.dh, ix = ox * g.sw - g.pl + kx * g.dw;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                s += x.data<float>()[((ni * c + g0 + ci) * h + iy) * wd + ix] *
                                     w.data<float>()[((ki * cg + ci) * g.kh + ky) * g.kw + kx];
                            }
                    y.data<float>()[((ni * k + ki) * y.dim(2) + oy) * y.dim(3) + ox] = float(s);
                }
    return y;
}
inline HostTensor poolRef(const HostTensor& x, const Window2d& g, bool max, bool excludePad) {
    const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
    HostTensor y(DataType::Float32, {n, c, g.outH(h), g.outW(wd)});
    for (int64_t p = 0; p < n * c; ++p)
        for (int64_t oy = 0; oy < y.dim(2); ++oy)
            for (int64_t ox = 0; ox < y.dim(3); ++ox) {
                double acc = max ? -1e30 : 0.0;
                int64_t count = 0;
                for (int64_t ky = 0; ky < g.kh; ++ky)
                    for (int64_t kx = 0; kx < g.kw; ++kx) {
                        const int64_t iy = oy * g.sh - g.pt + ky, ix = ox * g.sw - g.pl + kx;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                        const double v = x.data<float>()[(p * h + iy) * wd + ix];
                        acc = max ? std::max(acc, v) : acc + v;
                        ++count;
                    }
                y.data<float>()[(p * y.dim(2) + oy) * y.dim(3) + ox] =
                    float(max ? acc : acc / double(excludePad ? count : g.kh * g.kw));
            }
    return y;
}
// Batched [B, M, K] x [B, K, N] (transposes applied by the caller's index functions).
inline HostTensor matmulRef(int64_t batch, int64_t m, int64_t k, int64_t n, const std::function<double(int64_t, int64_t, int64_t)>& a,
                     const std::function<double(int64_t, int64_t, int64_t)>& b, std::vector<int64_t> outDims) {
    HostTensor y(DataType::Float32, std::move(outDims));
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
                double s = 0;
                for (int64_t p = 0; p < k; ++p) s += a(bi, i, p) * b(bi, p, j);
                y.data<float>()[(bi * m + i) * n + j] = float(s);
            }
    return y;
}


}  // namespace kiln::nettest
