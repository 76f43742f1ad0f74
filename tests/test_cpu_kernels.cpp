// The CPU backend's heavy kernels (MatMul, Gemm, Conv, ConvTranspose, kiln.FusedConv /
// FusedGemm / FusedConvTranspose, kiln.Attention, pooling), run through the op registry with
// CpuExecutor on random data, against naive loops summed in double kept here (relative L2
// <= 1e-6), and at 1, 2, 3 threads and all cores: every element of an output is summed by
// one thread in a fixed order, so the results must be bitwise identical whatever the count.
// MatMul, Gemm, Conv and ConvTranspose run once per micro-kernel variant the CPU has (generic,
// AVX2, AVX-512).
#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "core/compare.h"
#include "ops/activation_fn.h"
#include "ops/gemm_kernel.h"
#include "ops/parallel.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

using Dims = std::vector<int64_t>;
using Ints = std::vector<int64_t>;

HostTensor randomTensor(const Dims& dims, uint32_t seed) {
    HostTensor t(DataType::Float32, dims);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    return t;
}

int64_t numel(const Dims& d) {
    int64_t n = 1;
    for (int64_t v : d) n *= v;
    return n;
}

// Row-major multi-index of flat index i.
Dims unravel(int64_t i, const Dims& dims) {
    Dims idx(dims.size());
    for (int a = int(dims.size()) - 1; a >= 0; --a) {
        idx[size_t(a)] = i % dims[size_t(a)];
        i /= dims[size_t(a)];
    }
    return idx;
}

int64_t ravel(const Dims& idx, const Dims& dims) {
    int64_t off = 0;
    for (size_t a = 0; a < dims.size(); ++a) off = off * dims[a] + idx[a];
    return off;
}

// One node whose inputs are all graph inputs ("" = an omitted optional input).
struct NodeSpec {
    std::string opType, domain;
    std::vector<std::pair<std::string, HostTensor>> inputs;
    std::vector<std::pair<std::string, ir::Attribute>> attrs;
};

// Runs the node through CpuExecutor at the current thread count.
HostTensor runNode(const NodeSpec& spec) {
    ir::Graph g;
    g.info().opsets[""] = 17;
    g.info().opsets["kiln"] = 1;
    std::vector<ir::Value*> ins;
    cpu::TensorMap feeds;
    for (const auto& [name, t] : spec.inputs) {
        if (name.empty()) {
            ins.push_back(nullptr);
            continue;
        }
        ir::Value* v = *g.addValue(name);
        v->setType(t.dtype());
        v->setShape(t.shape());
        g.addInput(v);
        ins.push_back(v);
        feeds[name] = t;
    }
    ir::Value* y = *g.addValue("y");
    ir::Node* n = g.addNode("node", spec.opType, spec.domain, ins, {y});
    for (const auto& [name, a] : spec.attrs) n->setAttr(name, a);
    g.addOutput(y);
    cpu::CpuExecutor exec(g);
    Expected<cpu::TensorMap> out = exec.run(feeds);
    if (!out) {
        qWarning("%s", out.status().toString().c_str());
        return {};
    }
    return out->at("y");
}

bool bitwiseEqual(const HostTensor& a, const HostTensor& b) {
    return a.dims() == b.dims() && std::memcmp(a.raw(), b.raw(), a.byteSize()) == 0;
}

// Runs at 1 thread, then at 2, 3 and all threads, which must give the same bits; checks the
// result against the reference. Call through VERIFY_KERNEL.
QString checkKernel(const NodeSpec& spec, const HostTensor& expected, double maxRelL2 = 1e-6) {
    ops::setCpuThreadCount(1);
    const HostTensor one = runNode(spec);
    if (!one.isValid()) return "the node failed to run";
    if (one.dims() != expected.dims())
        return QString("output %1, expected %2")
            .arg(QString::fromStdString(dimsToString(one.dims())), QString::fromStdString(dimsToString(expected.dims())));
    for (int threads : {2, 3, 0}) {
        ops::setCpuThreadCount(threads);
        const HostTensor many = runNode(spec);
        if (!bitwiseEqual(one, many))
            return QString("%1 threads differ from 1 thread (rel L2 %2)").arg(ops::cpuThreadCount()).arg(relativeL2(many, one));
    }
    ops::setCpuThreadCount(0);
    const double rel = relativeL2(one, expected);
    if (!(rel <= maxRelL2)) return QString("rel L2 %1 > %2").arg(rel).arg(maxRelL2);
    return {};
}

#define VERIFY_KERNEL(...) QCOMPARE(checkKernel(__VA_ARGS__), QString())

// ---------------------------------------------------------------- naive references (double)

// numpy matmul of A [..., M, K] and B [..., K, N] (rank >= 2 each), batch dims broadcast.
HostTensor naiveMatMul(const HostTensor& a, const HostTensor& b) {
    const Dims& da = a.dims();
    const Dims& db = b.dims();
    const int64_t m = da[da.size() - 2], k = da.back(), n = db.back();
    const size_t rank = std::max(da.size(), db.size());
    Dims batch(rank - 2, 1), ba(rank - 2, 1), bb(rank - 2, 1);
    for (size_t i = 0; i < da.size() - 2; ++i) ba[rank - da.size() + i] = da[i];
    for (size_t i = 0; i < db.size() - 2; ++i) bb[rank - db.size() + i] = db[i];
    for (size_t i = 0; i < batch.size(); ++i) batch[i] = std::max(ba[i], bb[i]);
    Dims outDims = batch;
    outDims.push_back(m);
    outDims.push_back(n);
    HostTensor y(DataType::Float32, outDims);
    for (int64_t bi = 0; bi < numel(batch); ++bi) {
        const Dims idx = unravel(bi, batch);
        Dims ia(idx.size()), ib(idx.size());
        for (size_t i = 0; i < idx.size(); ++i) {
            ia[i] = ba[i] == 1 ? 0 : idx[i];
            ib[i] = bb[i] == 1 ? 0 : idx[i];
        }
        const float* pa = a.data<float>() + ravel(ia, ba) * m * k;
        const float* pb = b.data<float>() + ravel(ib, bb) * k * n;
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
                double s = 0;
                for (int64_t p = 0; p < k; ++p) s += double(pa[i * k + p]) * double(pb[p * n + j]);
                y.data<float>()[(bi * m + i) * n + j] = float(s);
            }
    }
    return y;
}

// Gemm: alpha * A' B' + beta * C, C broadcast to [M, N] (rank <= 2, right-aligned).
HostTensor naiveGemm(const HostTensor& a, const HostTensor& b, const HostTensor* c, bool transA, bool transB,
                     float alpha, float beta) {
    const int64_t m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
    const int64_t n = transB ? b.dim(0) : b.dim(1);
    HostTensor y(DataType::Float32, {m, n});
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p)
                s += double(a.data<float>()[transA ? p * m + i : i * k + p]) *
                     double(b.data<float>()[transB ? j * k + p : p * n + j]);
            double cv = 0;
            if (c) {
                const int64_t rows = c->rank() == 2 ? c->dim(0) : 1, cols = c->rank() >= 1 ? c->dim(-1) : 1;
                cv = c->data<float>()[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
            }
            y.data<float>()[i * n + j] = float(double(alpha) * s + double(beta) * cv);
        }
    return y;
}

struct ConvParams {
    Ints strides, pads, dilations;  // empty = defaults
    int64_t group = 1;
    Ints outputPadding;             // ConvTranspose only
};

ConvParams cp(Ints strides = {}, Ints pads = {}, Ints dilations = {}, int64_t group = 1, Ints outputPadding = {}) {
    return {std::move(strides), std::move(pads), std::move(dilations), group, std::move(outputPadding)};
}

Ints orDefault(const Ints& v, size_t n, int64_t def) { return v.empty() ? Ints(n, def) : v; }

// Conv, N-D: Y[n, m, o] = B[m] + sum_{c, k} X[n, g*Cg + c, o*s - pb + k*d] * W[m, c, k].
HostTensor naiveConv(const HostTensor& x, const HostTensor& w, const HostTensor* b, const ConvParams& p) {
    const size_t r = size_t(x.rank() - 2);
    const Ints s = orDefault(p.strides, r, 1), d = orDefault(p.dilations, r, 1), pads = orDefault(p.pads, 2 * r, 0);
    const int64_t N = x.dim(0), C = x.dim(1), M = w.dim(0), cg = C / p.group, mg = M / p.group;
    Dims in(x.dims().begin() + 2, x.dims().end()), kernel(w.dims().begin() + 2, w.dims().end()), out(r);
    for (size_t i = 0; i < r; ++i) out[i] = (in[i] + pads[i] + pads[r + i] - (kernel[i] - 1) * d[i] - 1) / s[i] + 1;
    Dims yDims{N, M};
    yDims.insert(yDims.end(), out.begin(), out.end());
    HostTensor y(DataType::Float32, yDims);
    for (int64_t e = 0; e < y.numel(); ++e) {
        const Dims yi = unravel(e, yDims);
        const int64_t n = yi[0], m = yi[1], grp = m / mg;
        double sum = b ? b->data<float>()[m] : 0.0;
        for (int64_t c = 0; c < cg; ++c)
            for (int64_t kf = 0; kf < numel(kernel); ++kf) {
                const Dims k = unravel(kf, kernel);
                Dims xi{n, grp * cg + c};
                bool inside = true;
                for (size_t i = 0; i < r; ++i) {
                    const int64_t ci = yi[2 + i] * s[i] - pads[i] + k[i] * d[i];
                    inside = inside && ci >= 0 && ci < in[i];
                    xi.push_back(ci);
                }
                if (!inside) continue;
                Dims wi{m, c};
                wi.insert(wi.end(), k.begin(), k.end());
                sum += double(x.data<float>()[ravel(xi, x.dims())]) * double(w.data<float>()[ravel(wi, w.dims())]);
            }
        y.data<float>()[e] = float(sum);
    }
    return y;
}

// ConvTranspose, N-D: Y[n, g*Mg + m, i*s - pb + k*d] += X[n, g*Cg + c, i] * W[g*Cg + c, m, k], + B.
HostTensor naiveConvTranspose(const HostTensor& x, const HostTensor& w, const HostTensor* b, const ConvParams& p) {
    const size_t r = size_t(x.rank() - 2);
    const Ints s = orDefault(p.strides, r, 1), d = orDefault(p.dilations, r, 1), pads = orDefault(p.pads, 2 * r, 0);
    const Ints op = orDefault(p.outputPadding, r, 0);
    const int64_t N = x.dim(0), C = x.dim(1), mg = w.dim(1), M = mg * p.group, cg = C / p.group;
    Dims in(x.dims().begin() + 2, x.dims().end()), kernel(w.dims().begin() + 2, w.dims().end()), out(r);
    for (size_t i = 0; i < r; ++i) out[i] = s[i] * (in[i] - 1) + op[i] + (kernel[i] - 1) * d[i] + 1 - pads[i] - pads[r + i];
    Dims yDims{N, M};
    yDims.insert(yDims.end(), out.begin(), out.end());
    std::vector<double> acc(size_t(numel(yDims)), 0.0);
    for (int64_t e = 0; e < x.numel(); ++e) {
        const Dims xi = unravel(e, x.dims());
        const int64_t n = xi[0], c = xi[1], grp = c / cg;
        for (int64_t m = 0; m < mg; ++m)
            for (int64_t kf = 0; kf < numel(kernel); ++kf) {
                const Dims k = unravel(kf, kernel);
                Dims yi{n, grp * mg + m};
                bool inside = true;
                for (size_t i = 0; i < r; ++i) {
                    const int64_t o = xi[2 + i] * s[i] - pads[i] + k[i] * d[i];
                    inside = inside && o >= 0 && o < out[i];
                    yi.push_back(o);
                }
                if (!inside) continue;
                Dims wi{c, m};
                wi.insert(wi.end(), k.begin(), k.end());
                acc[size_t(ravel(yi, yDims))] += double(x.data<float>()[e]) * double(w.data<float>()[ravel(wi, w.dims())]);
            }
    }
    HostTensor y(DataType::Float32, yDims);
    const int64_t outP = numel(out);
    for (int64_t e = 0; e < y.numel(); ++e)
        y.data<float>()[e] = float(acc[size_t(e)] + (b ? b->data<float>()[(e / outP) % M] : 0.0));
    return y;
}

// y = act(y + residual), the fused layers' epilogue, in place on a reference result.
void applyEpilogue(HostTensor& y, const HostTensor& residual, const ops::Activation& act) {
    for (int64_t i = 0; i < y.numel(); ++i)
        y.data<float>()[i] = ops::applyActivation(act, y.data<float>()[i] + residual.data<float>()[i]);
}

std::vector<std::pair<std::string, ir::Attribute>> convAttrs(const ConvParams& p) {
    std::vector<std::pair<std::string, ir::Attribute>> a{{"group", ir::Attribute(p.group)}};
    if (!p.strides.empty()) a.push_back({"strides", ir::Attribute(p.strides)});
    if (!p.pads.empty()) a.push_back({"pads", ir::Attribute(p.pads)});
    if (!p.dilations.empty()) a.push_back({"dilations", ir::Attribute(p.dilations)});
    if (!p.outputPadding.empty()) a.push_back({"output_padding", ir::Attribute(p.outputPadding)});
    return a;
}

}  // namespace

Q_DECLARE_METATYPE(Dims)
Q_DECLARE_METATYPE(ConvParams)

class TestCpuKernels : public QObject {
    Q_OBJECT

private slots:
    void cleanup() {
        ops::setCpuThreadCount(0);
        ops::gemm::setIsa(ops::gemm::Isa::Auto);
    }

    void threadCountSetting() {
        ops::setCpuThreadCount(4);
        QCOMPARE(ops::cpuThreadCount(), 4);
        QCOMPARE(ops::kernelThreads(1e12), 4);
        QCOMPARE(ops::kernelThreads(1.0), 1);       // too little work to wake a team
        QCOMPARE(ops::taskThreads(100, 1e6), 4);    // many pieces: one per thread
        QCOMPARE(ops::taskThreads(3, 1e9), 1);      // few large pieces: each split over the threads
        QCOMPARE(ops::taskThreads(8, 1e6), 4);      // small pieces that could not use 4 threads each
        QCOMPARE(ops::taskThreads(1, 1e9), 1);
        ops::setCpuThreadCount(0);
        QVERIFY(ops::cpuThreadCount() >= 1);
    }

    // ---------------------------------------------------------------- MatMul
    void matMul_data() {
        QTest::addColumn<Dims>("a");
        QTest::addColumn<Dims>("b");
        QTest::newRow("1x1x1") << Dims{1, 1} << Dims{1, 1};
        QTest::newRow("7x13x5") << Dims{7, 5} << Dims{5, 13};
        QTest::newRow("65x129x33") << Dims{65, 33} << Dims{33, 129};
        QTest::newRow("256^3") << Dims{256, 256} << Dims{256, 256};
        QTest::newRow("row x matrix") << Dims{1, 300} << Dims{300, 70};
        QTest::newRow("matrix x column") << Dims{70, 300} << Dims{300, 1};
        QTest::newRow("N past one block of B") << Dims{9, 40} << Dims{40, 4500};
        QTest::newRow("K past one block") << Dims{20, 700} << Dims{700, 30};
        QTest::newRow("broadcast batch") << Dims{2, 1, 7, 13} << Dims{3, 13, 5};
        QTest::newRow("many small products") << Dims{24, 16, 8} << Dims{24, 8, 16};
        QTest::newRow("shared B") << Dims{4, 3, 50, 64} << Dims{64, 40};
    }
    void matMul() {
        QFETCH(Dims, a);
        QFETCH(Dims, b);
        const HostTensor ta = randomTensor(a, 1), tb = randomTensor(b, 2);
        for (ops::gemm::Isa isa : ops::gemm::availableIsas()) {
            ops::gemm::setIsa(isa);
            VERIFY_KERNEL({"MatMul", "", {{"a", ta}, {"b", tb}}, {}}, naiveMatMul(ta, tb));
        }
    }

    void matMulVectors() {
        // [K] x [B, K, N] -> [B, N] and [B, M, K] x [K] -> [B, M]: the 1-D operand's dim is dropped
        const HostTensor v = randomTensor({33}, 3), b3 = randomTensor({2, 33, 17}, 4), a3 = randomTensor({2, 19, 33}, 5);
        HostTensor left = naiveMatMul(*v.reshaped({1, 33}), b3), right = naiveMatMul(a3, *v.reshaped({33, 1}));
        VERIFY_KERNEL({"MatMul", "", {{"a", v}, {"b", b3}}, {}}, *left.reshaped({2, 17}));
        VERIFY_KERNEL({"MatMul", "", {{"a", a3}, {"b", v}}, {}}, *right.reshaped({2, 19}));
    }

    // ---------------------------------------------------------------- Gemm
    void gemm_data() {
        QTest::addColumn<Dims>("mnk");
        QTest::addColumn<bool>("transA");
        QTest::addColumn<bool>("transB");
        QTest::addColumn<float>("alpha");
        QTest::addColumn<float>("beta");
        QTest::addColumn<Dims>("c");  // {} = no C, {0} = none either; else C's dims
        for (const Dims& mnk : {Dims{1, 1, 1}, Dims{7, 13, 5}, Dims{65, 129, 33}, Dims{256, 256, 256}, Dims{1, 40, 64}})
            for (int t = 0; t < 4; ++t) {
                const QByteArray name = QByteArray::number(mnk[0]) + "x" + QByteArray::number(mnk[1]) + "x" +
                                        QByteArray::number(mnk[2]) + (t & 1 ? " A^T" : "") + (t & 2 ? " B^T" : "");
                QTest::newRow((name + " C[M,N]").constData()) << mnk << bool(t & 1) << bool(t & 2) << 1.f << 1.f << Dims{mnk[0], mnk[1]};
                QTest::newRow((name + " C[N] 0.5 2").constData()) << mnk << bool(t & 1) << bool(t & 2) << .5f << 2.f << Dims{mnk[1]};
            }
        QTest::newRow("C[M,1] -1.5 0.25") << Dims{17, 9, 31} << false << true << -1.5f << .25f << Dims{17, 1};
        QTest::newRow("C scalar") << Dims{8, 9, 10} << true << false << 1.f << -1.f << Dims{1};
        QTest::newRow("no C, alpha 3") << Dims{30, 20, 10} << false << false << 3.f << 1.f << Dims{};
    }
    void gemm() {
        QFETCH(Dims, mnk);
        QFETCH(bool, transA);
        QFETCH(bool, transB);
        QFETCH(float, alpha);
        QFETCH(float, beta);
        QFETCH(Dims, c);
        const int64_t m = mnk[0], n = mnk[1], k = mnk[2];
        const HostTensor a = randomTensor(transA ? Dims{k, m} : Dims{m, k}, 6);
        const HostTensor b = randomTensor(transB ? Dims{n, k} : Dims{k, n}, 7);
        const HostTensor tc = c.empty() ? HostTensor() : randomTensor(c, 8);
        NodeSpec spec{"Gemm", "", {{"a", a}, {"b", b}}, {}};
        if (!c.empty()) spec.inputs.push_back({"c", tc});
        spec.attrs = {{"transA", ir::Attribute(int64_t(transA))}, {"transB", ir::Attribute(int64_t(transB))},
                      {"alpha", ir::Attribute(alpha)}, {"beta", ir::Attribute(beta)}};
        const HostTensor expected = naiveGemm(a, b, c.empty() ? nullptr : &tc, transA, transB, alpha, beta);
        for (ops::gemm::Isa isa : ops::gemm::availableIsas()) {
            ops::gemm::setIsa(isa);
            VERIFY_KERNEL(spec, expected);
        }
    }

    // ---------------------------------------------------------------- Conv
    void conv_data() {
        QTest::addColumn<Dims>("x");
        QTest::addColumn<Dims>("w");
        QTest::addColumn<ConvParams>("p");
        QTest::newRow("1x1") << Dims{1, 16, 9, 11} << Dims{24, 16, 1, 1} << cp();
        QTest::newRow("1x1 stride 2") << Dims{2, 8, 10, 9} << Dims{12, 8, 1, 1} << cp({2, 2});
        QTest::newRow("3x3 pad 1") << Dims{1, 16, 13, 17} << Dims{32, 16, 3, 3} << cp({}, {1, 1, 1, 1});
        QTest::newRow("3x3 64ch 28x28") << Dims{1, 64, 28, 28} << Dims{64, 64, 3, 3} << cp({}, {1, 1, 1, 1});
        QTest::newRow("7x7 stride 2") << Dims{1, 3, 31, 29} << Dims{16, 3, 7, 7} << cp({2, 2}, {3, 3, 3, 3});
        QTest::newRow("batch 3") << Dims{3, 8, 15, 15} << Dims{8, 8, 3, 3} << cp({}, {1, 1, 1, 1});
        QTest::newRow("batch 3 groups 4") << Dims{3, 16, 11, 7} << Dims{12, 4, 3, 3} << cp({}, {1, 0, 1, 0}, {}, 4);
        QTest::newRow("groups 2 stride 2") << Dims{2, 8, 12, 13} << Dims{12, 4, 3, 3} << cp({2, 2}, {1, 1, 1, 1}, {}, 2);
        QTest::newRow("depthwise") << Dims{2, 16, 14, 15} << Dims{16, 1, 3, 3} << cp({}, {1, 1, 1, 1}, {}, 16);
        QTest::newRow("depthwise stride 2") << Dims{1, 8, 15, 16} << Dims{8, 1, 3, 3} << cp({2, 2}, {1, 1, 1, 1}, {}, 8);
        QTest::newRow("depthwise x2 5x5 dilated") << Dims{1, 6, 17, 13} << Dims{12, 1, 5, 5} << cp({1, 2}, {4, 2, 3, 1}, {2, 1}, 6);
        QTest::newRow("dilation 2") << Dims{1, 4, 16, 15} << Dims{6, 4, 3, 3} << cp({}, {2, 2, 2, 2}, {2, 2});
        QTest::newRow("asymmetric pads") << Dims{1, 5, 9, 8} << Dims{7, 5, 3, 2} << cp({1, 2}, {0, 1, 2, 0});
        QTest::newRow("output 1x1") << Dims{2, 6, 5, 5} << Dims{10, 6, 5, 5} << cp();
        QTest::newRow("many channels") << Dims{1, 300, 6, 7} << Dims{40, 300, 3, 3} << cp({}, {1, 1, 1, 1});
        QTest::newRow("1-D") << Dims{2, 4, 37} << Dims{6, 4, 5} << cp({2}, {2, 1});
        QTest::newRow("1-D depthwise") << Dims{1, 5, 20} << Dims{5, 1, 3} << cp({}, {1, 1}, {}, 5);
        QTest::newRow("3-D") << Dims{1, 3, 5, 6, 7} << Dims{4, 3, 3, 3, 3} << cp({1, 2, 1}, {1, 1, 1, 1, 0, 1});
    }
    void conv() {
        QFETCH(Dims, x);
        QFETCH(Dims, w);
        QFETCH(ConvParams, p);
        const HostTensor tx = randomTensor(x, 11), tw = randomTensor(w, 12), tb = randomTensor({w[0]}, 13);
        const HostTensor withBias = naiveConv(tx, tw, &tb, p), noBias = naiveConv(tx, tw, nullptr, p);
        for (ops::gemm::Isa isa : ops::gemm::availableIsas()) {  // the im2col panels are NR wide
            ops::gemm::setIsa(isa);
            VERIFY_KERNEL({"Conv", "", {{"x", tx}, {"w", tw}, {"b", tb}}, convAttrs(p)}, withBias);
            VERIFY_KERNEL({"Conv", "", {{"x", tx}, {"w", tw}}, convAttrs(p)}, noBias);
        }
    }

    void convAutoPadSameUpper() {
        // out = ceil(13 / 2) = 7, total pad = 6 * 2 + 3 - 13 = 2: one each side
        const HostTensor x = randomTensor({1, 3, 13, 13}, 14), w = randomTensor({5, 3, 3, 3}, 15);
        VERIFY_KERNEL({"Conv", "", {{"x", x}, {"w", w}},
                       {{"auto_pad", ir::Attribute(std::string("SAME_UPPER"))}, {"strides", ir::Attribute(Ints{2, 2})}}},
                      naiveConv(x, w, nullptr, cp({2, 2}, {1, 1, 1, 1})));
    }

    // ---------------------------------------------------------------- ConvTranspose
    void convTranspose_data() {
        QTest::addColumn<Dims>("x");
        QTest::addColumn<Dims>("w");
        QTest::addColumn<ConvParams>("p");
        QTest::newRow("stride 2 pad 1 out pad 1") << Dims{2, 4, 5, 6} << Dims{4, 3, 3, 3} << cp({2, 2}, {1, 1, 1, 1}, {}, 1, {1, 1});
        QTest::newRow("groups 2 4x4 stride 2") << Dims{1, 4, 5, 5} << Dims{4, 2, 4, 4} << cp({2, 2}, {1, 1, 1, 1}, {}, 2);
        QTest::newRow("1x1") << Dims{3, 8, 7, 5} << Dims{8, 6, 1, 1} << cp();
        QTest::newRow("64ch 2x2 stride 2") << Dims{1, 64, 14, 14} << Dims{64, 32, 2, 2} << cp({2, 2});
        QTest::newRow("1-D dilated stride 3") << Dims{1, 3, 7} << Dims{3, 2, 5} << cp({3}, {0, 2}, {2});
        QTest::newRow("3-D") << Dims{1, 2, 3, 4, 3} << Dims{2, 3, 2, 3, 2} << cp({2, 1, 2});
    }
    void convTranspose() {
        QFETCH(Dims, x);
        QFETCH(Dims, w);
        QFETCH(ConvParams, p);
        const HostTensor tx = randomTensor(x, 21), tw = randomTensor(w, 22), tb = randomTensor({w[1] * p.group}, 23);
        const HostTensor expected = naiveConvTranspose(tx, tw, &tb, p);
        for (ops::gemm::Isa isa : ops::gemm::availableIsas()) {
            ops::gemm::setIsa(isa);
            VERIFY_KERNEL({"ConvTranspose", "", {{"x", tx}, {"w", tw}, {"b", tb}}, convAttrs(p)}, expected);
        }
    }

    // ---------------------------------------------------------------- fused layers
    void fusedConv_data() {
        QTest::addColumn<Dims>("x");
        QTest::addColumn<Dims>("w");
        QTest::addColumn<ConvParams>("p");
        QTest::addColumn<QString>("activation");
        QTest::newRow("3x3 Relu") << Dims{2, 8, 11, 9} << Dims{16, 8, 3, 3} << cp({}, {1, 1, 1, 1}) << "Relu";
        QTest::newRow("1x1 LeakyRelu") << Dims{1, 32, 7, 7} << Dims{16, 32, 1, 1} << cp() << "LeakyRelu";
        QTest::newRow("depthwise Clip") << Dims{1, 12, 9, 10} << Dims{12, 1, 3, 3} << cp({2, 2}, {1, 1, 1, 1}, {}, 12) << "Clip";
        QTest::newRow("groups Sigmoid") << Dims{3, 6, 8, 8} << Dims{9, 2, 3, 3} << cp({}, {1, 1, 1, 1}, {}, 3) << "Sigmoid";
    }
    void fusedConv() {
        QFETCH(Dims, x);
        QFETCH(Dims, w);
        QFETCH(ConvParams, p);
        QFETCH(QString, activation);
        const ops::Activation act{activation == "Relu"        ? ops::ActivationKind::Relu
                                  : activation == "LeakyRelu" ? ops::ActivationKind::LeakyRelu
                                  : activation == "Clip"      ? ops::ActivationKind::Clip
                                                              : ops::ActivationKind::Sigmoid,
                                  activation == "Clip" ? -0.5f : 0.1f, 0.75f};
        const HostTensor tx = randomTensor(x, 31), tw = randomTensor(w, 32), tb = randomTensor({w[0]}, 33);
        HostTensor expected = naiveConv(tx, tw, &tb, p);
        const HostTensor residual = randomTensor(expected.dims(), 34);
        applyEpilogue(expected, residual, act);
        auto attrs = convAttrs(p);
        attrs.push_back({"activation", ir::Attribute(activation.toStdString())});
        attrs.push_back({"activation_alpha", ir::Attribute(act.alpha)});
        attrs.push_back({"activation_beta", ir::Attribute(act.beta)});
        VERIFY_KERNEL({"FusedConv", "kiln", {{"x", tx}, {"w", tw}, {"b", tb}, {"r", residual}}, attrs}, expected);
    }

    void fusedConvTranspose() {
        const ConvParams p{{2, 2}, {1, 1, 1, 1}, {}, 1, {1, 1}};
        const HostTensor x = randomTensor({2, 6, 5, 4}, 41), w = randomTensor({6, 5, 3, 3}, 42), b = randomTensor({5}, 43);
        HostTensor expected = naiveConvTranspose(x, w, &b, p);
        const HostTensor residual = randomTensor(expected.dims(), 44);
        applyEpilogue(expected, residual, {ops::ActivationKind::Relu});
        auto attrs = convAttrs(p);
        attrs.push_back({"activation", ir::Attribute(std::string("Relu"))});
        VERIFY_KERNEL({"FusedConvTranspose", "kiln", {{"x", x}, {"w", w}, {"b", b}, {"r", residual}}, attrs}, expected);
    }

    void fusedGemm() {
        // a Gemm: act(alpha * A B^T + beta * bias + residual), bias [N]
        const HostTensor a = randomTensor({37, 64}, 51), b = randomTensor({48, 64}, 52), bias = randomTensor({48}, 53);
        HostTensor expected = naiveGemm(a, b, &bias, false, true, 0.5f, 2.f);
        const HostTensor residual = randomTensor({37, 48}, 54);
        applyEpilogue(expected, residual, {ops::ActivationKind::Gelu});
        VERIFY_KERNEL({"FusedGemm", "kiln", {{"a", a}, {"b", b}, {"bias", bias}, {"r", residual}},
                       {{"transB", ir::Attribute(int64_t(1))}, {"alpha", ir::Attribute(0.5f)}, {"beta", ir::Attribute(2.f)},
                        {"activation", ir::Attribute(std::string("Gelu"))}}},
                      expected);
        // a MatMul: [2, 5, 16] x [16, 24] + bias [24], Tanh, no residual
        const HostTensor a3 = randomTensor({2, 5, 16}, 55), w = randomTensor({16, 24}, 56), bias2 = randomTensor({24}, 57);
        HostTensor mm = naiveMatMul(a3, w);
        for (int64_t i = 0; i < mm.numel(); ++i)
            mm.data<float>()[i] = std::tanh(mm.data<float>()[i] + bias2.data<float>()[i % 24]);
        VERIFY_KERNEL({"FusedGemm", "kiln", {{"a", a3}, {"b", w}, {"bias", bias2}},
                       {{"matmul", ir::Attribute(int64_t(1))}, {"activation", ir::Attribute(std::string("Tanh"))}}},
                      mm);
    }

    // ---------------------------------------------------------------- Attention
    void attention() {
        const int64_t B = 2, Sq = 70, Sk = 45, H = 4, D = 8, Dv = 6;
        const HostTensor q = randomTensor({B, Sq, H * D}, 61), k = randomTensor({B, Sk, H * D}, 62);
        const HostTensor v = randomTensor({B, Sk, H * Dv}, 63), mask = randomTensor({B, 1, Sq, Sk}, 64);
        const float scale = 0.35f;
        HostTensor y(DataType::Float32, {B, Sq, H * Dv});
        for (int64_t b = 0; b < B; ++b)
            for (int64_t h = 0; h < H; ++h)
                for (int64_t i = 0; i < Sq; ++i) {
                    std::vector<double> p(static_cast<size_t>(Sk));
                    double mx = -INFINITY, sum = 0;
                    for (int64_t j = 0; j < Sk; ++j) {
                        double dot = 0;
                        for (int64_t e = 0; e < D; ++e)
                            dot += double(q.data<float>()[(b * Sq + i) * H * D + h * D + e]) *
                                   double(k.data<float>()[(b * Sk + j) * H * D + h * D + e]);
                        p[size_t(j)] = dot * scale + mask.data<float>()[(b * Sq + i) * Sk + j];
                        mx = std::max(mx, p[size_t(j)]);
                    }
                    for (double& pj : p) sum += (pj = std::exp(pj - mx));
                    for (int64_t e = 0; e < Dv; ++e) {
                        double acc = 0;
                        for (int64_t j = 0; j < Sk; ++j) acc += p[size_t(j)] * v.data<float>()[(b * Sk + j) * H * Dv + h * Dv + e];
                        y.data<float>()[(b * Sq + i) * H * Dv + h * Dv + e] = float(acc / sum);
                    }
                }
        VERIFY_KERNEL({"Attention", "kiln", {{"q", q}, {"k", k}, {"v", v}, {"mask", mask}},
                       {{"num_heads", ir::Attribute(H)}, {"scale", ir::Attribute(scale)}}},
                      y);
    }

    // ---------------------------------------------------------------- pooling (threads only:
    // the values are covered by the ONNX conformance cases)
    void poolingThreads() {
        const HostTensor x = randomTensor({2, 6, 17, 15}, 71);
        for (const char* op : {"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"}) {
            NodeSpec spec{op, "", {{"x", x}}, {}};
            if (std::strncmp(op, "Global", 6) != 0)
                spec.attrs = {{"kernel_shape", ir::Attribute(Ints{3, 3})}, {"strides", ir::Attribute(Ints{2, 2})},
                              {"pads", ir::Attribute(Ints{1, 1, 1, 1})}};
            ops::setCpuThreadCount(1);
            const HostTensor one = runNode(spec);
            QVERIFY2(one.isValid(), op);
            ops::setCpuThreadCount(0);
            QVERIFY2(bitwiseEqual(one, runNode(spec)), op);
        }
    }
};

QTEST_GUILESS_MAIN(TestCpuKernels)
#include "test_cpu_kernels.moc"
