// The network-definition API, the ONNX parser and the .wts reader: every layer's nodes,
// attributes, shapes and numbers (on the CPU reference, against small hand-written references),
// argument errors, setters, renames, and LeNet-5 by API equal to LeNet-5 from ONNX (on the CPU
// executor and through Builder -> plan bytes -> Runtime).
#include <QtTest>

#include <cmath>
#include <functional>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "common/lenet5_api.h"
#include "core/compare.h"
#include "core/file_io.h"
#include "kiln.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"
#include "plan/plan_format.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

// Collects what the network logs (and keeps the test output quiet).
class CaptureLogger : public Logger {
public:
    void log(Severity, std::string_view m) noexcept override { last = std::string(m); }
    std::string last;
};

HostTensor randomTensor(std::vector<int64_t> dims, uint64_t seed, float lo = -1.f, float hi = 1.f) {
    HostTensor t(DataType::Float32, std::move(dims));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    return t;
}
Weights weightsOf(const HostTensor& t) { return {t.dtype(), t.raw(), t.numel()}; }

Expected<cpu::TensorMap> runCpu(const ir::Graph& g, const cpu::TensorMap& inputs) {
    cpu::CpuExecutor ex(g);
    KILN_RETURN_IF_ERROR(ex.prepare());
    return ex.run(inputs);
}
// Runs the network on the CPU reference and returns output 0.
HostTensor run1(const NetworkDefinition& net, const cpu::TensorMap& inputs) {
    auto out = runCpu(net.graph(), inputs);
    if (!out) qWarning("%s", out.status().toString().c_str());
    return out ? out->at(net.output(0)->name()) : HostTensor();
}
std::vector<std::string> opsOf(const Layer& l) {
    std::vector<std::string> ops;
    for (const ir::Node* n : l.nodes()) ops.push_back(n->opType());
    return ops;
}
double relL2(const HostTensor& a, const HostTensor& b) {
    return a.dims() == b.dims() ? relativeL2(a, b) : 1e9;
}

// out[i] = f(x) over one tensor, and the numpy-broadcast binary reference.
HostTensor mapRef(const HostTensor& x, const std::function<double(double)>& f) {
    HostTensor y(DataType::Float32, x.dims());
    for (int64_t i = 0; i < x.numel(); ++i) y.data<float>()[i] = float(f(x.data<float>()[i]));
    return y;
}
int64_t broadcastIndex(const std::vector<int64_t>& out, int64_t flat, const std::vector<int64_t>& in) {
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
HostTensor binaryRef(const HostTensor& a, const HostTensor& b, std::vector<int64_t> out,
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
HostTensor convRef(const HostTensor& x, const HostTensor& w, const HostTensor& b, const Window2d& g, int64_t groups) {
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
HostTensor poolRef(const HostTensor& x, const Window2d& g, bool max, bool excludePad) {
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
HostTensor matmulRef(int64_t batch, int64_t m, int64_t k, int64_t n, const std::function<double(int64_t, int64_t, int64_t)>& a,
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

}  // namespace

class TestNetworkApi : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Networks built with the default logger report the errors these tests provoke on purpose.
        if (auto* l = dynamic_cast<StderrLogger*>(&defaultLogger())) l->setThreshold(Severity::InternalError);
    }

    void convolutionNodesShapesAndNumbers() {
        CaptureLogger log;
        NetworkDefinition net(log);
        Tensor* x = net.addInput("x", DataType::Float32, {-1, 4, 9, 8});
        const HostTensor w = randomTensor({6, 2, 3, 2}, 1), b = randomTensor({6}, 2);
        auto* conv = net.addConvolution(x, 6, {3, 2}, weightsOf(w), weightsOf(b));
        QVERIFY(conv);
        QCOMPARE(net.validate().code(), StatusCode::InvalidArgument);  // groups still 1 for 2-channel weights
        QVERIFY(QString::fromStdString(net.validate().message()).contains("setNbGroups(2)"));
        QVERIFY(conv->setNbGroups(2) && conv->setStride({2, 1}) && conv->setPrePadding({1, 0}) && conv->setPostPadding({0, 1}) &&
                conv->setDilation({1, 2}));
        conv->setName("conv");
        net.markOutput(*conv->output(0));
        KILN_VERIFY_OK(net.validate());
        const ir::Node* n = conv->nodes().back();
        QCOMPARE(n->name(), std::string("conv"));
        QCOMPARE(n->opType(), std::string("Conv"));
        QCOMPARE(n->attrInts("pads"), (std::vector<int64_t>{1, 0, 0, 1}));
        QCOMPARE(n->attrInt("group", 0), int64_t(2));
        QCOMPARE(n->input(1)->name(), std::string("conv.weight"));
        // [N, 4, 9, 8] -> H (9 + 1 - 3) / 2 + 1 = 4, W (8 + 1 - 3) / 1 + 1 = 7
        QCOMPARE(conv->output(0)->shape().toString(), std::string("[x_dim0, 6, 4, 7]"));
        const HostTensor in = randomTensor({2, 4, 9, 8}, 3);
        Window2d g{.kh = 3, .kw = 2, .sh = 2, .sw = 1, .pt = 1, .pl = 0, .pb = 0, .pr = 1, .dh = 1, .dw = 2};
        QVERIFY(relL2(run1(net, {{"x", in}}), convRef(in, w, b, g, 2)) < 1e-6);
    }

    void samePaddingKeepsSymbolicDims() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {-1, 1, -1, 5});
        const HostTensor w = randomTensor({2, 1, 3, 3}, 4);
        auto* conv = net.addConvolution(x, 2, {3, 3}, weightsOf(w));
        QVERIFY(conv && conv->setPadding({1, 1}));
        QCOMPARE(conv->output(0)->shape().toString(), std::string("[x_dim0, 2, x_dim2, 5]"));
        QCOMPARE(conv->output(0)->dims(), (std::vector<int64_t>{-1, 2, -1, 5}));
        QVERIFY(conv->setPaddingMode(PaddingMode::SameUpper) && conv->setStride({2, 2}));
        QCOMPARE(conv->output(0)->shape().toString(), std::string("[x_dim0, 2, ?, 3]"));
        QVERIFY(!conv->setPaddingMode(PaddingMode::ExplicitRoundUp));
    }

    void pooling_data() {
        QTest::addColumn<bool>("max");
        QTest::addColumn<bool>("excludePad");
        QTest::newRow("max") << true << true;
        QTest::newRow("average excluding padding") << false << true;
        QTest::newRow("average counting padding") << false << false;
    }
    void pooling() {
        QFETCH(bool, max);
        QFETCH(bool, excludePad);
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {2, 3, 7, 6});
        auto* pool = net.addPooling(x, max ? PoolingType::Max : PoolingType::Average, {3, 2});
        QVERIFY(pool && pool->setStride({2, 2}) && pool->setPadding({1, 1}) && pool->setAverageCountExcludesPadding(excludePad));
        net.markOutput(*pool->output(0));
        QCOMPARE(opsOf(*pool), std::vector<std::string>{max ? "MaxPool" : "AveragePool"});
        const HostTensor in = randomTensor({2, 3, 7, 6}, 5);
        Window2d g{.kh = 3, .kw = 2, .sh = 2, .sw = 2, .pt = 1, .pl = 1, .pb = 1, .pr = 1};
        QCOMPARE(pool->output(0)->dims(), (std::vector<int64_t>{2, 3, 4, 4}));
        QVERIFY(relL2(run1(net, {{"x", in}}), poolRef(in, g, max, excludePad)) < 1e-6);
        QVERIFY(pool->setPaddingMode(PaddingMode::ExplicitRoundUp));  // ceil: W (6 + 2 - 2) / 2 + 1 rounds up to 4
        QCOMPARE(pool->nodes().back()->attrInt("ceil_mode", 0), int64_t(1));
    }

    void activations_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<float>("alpha");
        QTest::addColumn<float>("beta");
        QTest::addColumn<int>("nodes");
        auto row = [](ActivationType t, float a, float b, int nodes) {
            QTest::newRow(activationTypeName(t)) << int(t) << a << b << nodes;
        };
        row(ActivationType::Relu, 0, 0, 1);
        row(ActivationType::Sigmoid, 0, 0, 1);
        row(ActivationType::Tanh, 0, 0, 1);
        row(ActivationType::LeakyRelu, 0.1f, 0, 1);
        row(ActivationType::Elu, 0.7f, 0, 1);
        row(ActivationType::Selu, 1.5f, 1.2f, 1);
        row(ActivationType::Softsign, 0, 0, 1);
        row(ActivationType::Softplus, 2.0f, 0.5f, 3);
        row(ActivationType::Clip, -0.3f, 0.4f, 1);
        row(ActivationType::HardSigmoid, 0.3f, 0.4f, 1);
        row(ActivationType::ScaledTanh, 1.5f, 0.5f, 3);
        row(ActivationType::ThresholdedRelu, 0.2f, 0, 1);
        row(ActivationType::GeluErf, 0, 0, 5);
        row(ActivationType::GeluTanh, 0, 0, 8);
    }
    void activations() {
        QFETCH(int, type);
        QFETCH(float, alpha);
        QFETCH(float, beta);
        QFETCH(int, nodes);
        const auto t = ActivationType(type);
        NetworkDefinition net;
        auto* act = net.addActivation(net.addInput("x", DataType::Float32, {3, 5}), t);
        QVERIFY(act);
        if (alpha != 0 || beta != 0) QVERIFY(act->setAlpha(alpha) && act->setBeta(beta));
        net.markOutput(*act->output(0));
        QCOMPARE(int(act->nodes().size()), nodes);
        const double a = act->alpha(), b = act->beta();
        const std::map<ActivationType, std::function<double(double)>> ref = {
            {ActivationType::Relu, [](double x) { return std::max(0.0, x); }},
            {ActivationType::Sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }},
            {ActivationType::Tanh, [](double x) { return std::tanh(x); }},
            {ActivationType::LeakyRelu, [&](double x) { return x >= 0 ? x : a * x; }},
            {ActivationType::Elu, [&](double x) { return x >= 0 ? x : a * (std::exp(x) - 1); }},
            {ActivationType::Selu, [&](double x) { return b * (x > 0 ? x : a * (std::exp(x) - 1)); }},
            {ActivationType::Softsign, [](double x) { return x / (1 + std::abs(x)); }},
            {ActivationType::Softplus, [&](double x) { return a * std::log(std::exp(b * x) + 1); }},
            {ActivationType::Clip, [&](double x) { return std::max(a, std::min(b, x)); }},
            {ActivationType::HardSigmoid, [&](double x) { return std::max(0.0, std::min(1.0, a * x + b)); }},
            {ActivationType::ScaledTanh, [&](double x) { return a * std::tanh(b * x); }},
            {ActivationType::ThresholdedRelu, [&](double x) { return x > a ? x : 0; }},
            {ActivationType::GeluErf, [](double x) { return x / 2 * (1 + std::erf(x / std::sqrt(2.0))); }},
            {ActivationType::GeluTanh, [](double x) {
                 return x / 2 * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
             }},
        };
        const HostTensor in = randomTensor({3, 5}, 6, -3.f, 3.f);
        QVERIFY2(relL2(run1(net, {{"x", in}}), mapRef(in, ref.at(t))) < 1e-5, activationTypeName(t));
    }

    void matrixMultiply_data() {
        QTest::addColumn<int>("opA");
        QTest::addColumn<int>("opB");
        using M = MatrixOperation;
        QTest::newRow("none x none") << int(M::None) << int(M::None);
        QTest::newRow("transpose x none") << int(M::Transpose) << int(M::None);
        QTest::newRow("none x transpose") << int(M::None) << int(M::Transpose);
        QTest::newRow("vector x none") << int(M::Vector) << int(M::None);
        QTest::newRow("none x vector") << int(M::None) << int(M::Vector);
        QTest::newRow("vector x vector") << int(M::Vector) << int(M::Vector);
    }
    void matrixMultiply() {
        QFETCH(int, opA);
        QFETCH(int, opB);
        using M = MatrixOperation;
        const int64_t bt = 2, m = 3, k = 4, n = 5;
        const M oa = M(opA), ob = M(opB);
        // A: [2, 3, 4] (transposed: [2, 4, 3]; vector: [2, 4]); B: [2, 4, 5] ([2, 5, 4]; [2, 4])
        const std::vector<int64_t> da = oa == M::Transpose ? std::vector<int64_t>{bt, k, m} : oa == M::Vector ? std::vector<int64_t>{bt, k} : std::vector<int64_t>{bt, m, k};
        const std::vector<int64_t> db = ob == M::Transpose ? std::vector<int64_t>{bt, n, k} : ob == M::Vector ? std::vector<int64_t>{bt, k} : std::vector<int64_t>{bt, k, n};
        NetworkDefinition net;
        auto* mm = net.addMatrixMultiply(net.addInput("a", DataType::Float32, da), oa, net.addInput("b", DataType::Float32, db), ob);
        QVERIFY(mm);
        net.markOutput(*mm->output(0));
        const HostTensor a = randomTensor(da, 7), b = randomTensor(db, 8);
        const int64_t mm_ = oa == M::Vector ? 1 : m, nn = ob == M::Vector ? 1 : n;
        auto ia = [&](int64_t bi, int64_t i, int64_t p) -> double {
            if (oa == M::Vector) return a.data<float>()[bi * k + p];
            return oa == M::Transpose ? a.data<float>()[(bi * k + p) * m + i] : a.data<float>()[(bi * m + i) * k + p];
        };
        auto ib = [&](int64_t bi, int64_t p, int64_t j) -> double {
            if (ob == M::Vector) return b.data<float>()[bi * k + p];
            return ob == M::Transpose ? b.data<float>()[(bi * n + j) * k + p] : b.data<float>()[(bi * k + p) * n + j];
        };
        std::vector<int64_t> outDims = {bt};
        if (oa != M::Vector) outDims.push_back(m);
        if (ob != M::Vector) outDims.push_back(n);
        QCOMPARE(mm->output(0)->dims(), outDims);
        QVERIFY(relL2(run1(net, {{"a", a}, {"b", b}}), matmulRef(bt, mm_, k, nn, ia, ib, outDims)) < 1e-6);
    }

    void fullyConnectedFlattensThenGemm() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {-1, 3, 2, 2});
        const HostTensor w = randomTensor({7, 12}, 9), b = randomTensor({7}, 10);
        auto* fc = net.addFullyConnected(x, 7, weightsOf(w), weightsOf(b));
        QVERIFY(fc);
        net.markOutput(*fc->output(0));
        QCOMPARE(opsOf(*fc), (std::vector<std::string>{"Flatten", "Gemm"}));
        QCOMPARE(fc->nodes().back()->attrInt("transB", 0), int64_t(1));
        QCOMPARE(fc->output(0)->shape().toString(), std::string("[x_dim0, 7]"));
        const HostTensor in = randomTensor({2, 3, 2, 2}, 11);
        auto ia = [&](int64_t, int64_t i, int64_t p) -> double { return in.data<float>()[i * 12 + p]; };
        auto ib = [&](int64_t, int64_t p, int64_t j) -> double { return w.data<float>()[j * 12 + p]; };
        HostTensor ref = matmulRef(1, 2, 12, 7, ia, ib, {2, 7});
        for (int64_t i = 0; i < 14; ++i) ref.data<float>()[i] += b.data<float>()[i % 7];
        QVERIFY(relL2(run1(net, {{"x", in}}), ref) < 1e-6);
    }

    void elementWise_data() {
        QTest::addColumn<int>("op");
        using E = ElementWiseOperation;
        for (auto [e, name] : std::vector<std::pair<E, const char*>>{{E::Sum, "sum"}, {E::Prod, "prod"}, {E::Max, "max"},
                                                                      {E::Min, "min"}, {E::Sub, "sub"}, {E::Div, "div"},
                                                                      {E::Pow, "pow"}, {E::FloorDiv, "floordiv"},
                                                                      {E::Greater, "greater"}, {E::Less, "less"}})
            QTest::newRow(name) << int(e);
    }
    void elementWise() {
        QFETCH(int, op);
        using E = ElementWiseOperation;
        const E e = E(op);
        NetworkDefinition net;
        auto* layer = net.addElementWise(net.addInput("a", DataType::Float32, {2, 1, 4}), net.addInput("b", DataType::Float32, {3, 1}), e);
        QVERIFY(layer);
        net.markOutput(*layer->output(0));
        QCOMPARE(layer->output(0)->dims(), (std::vector<int64_t>{2, 3, 4}));
        const bool cmp = e == E::Greater || e == E::Less;
        QCOMPARE(layer->output(0)->dataType(), cmp ? DataType::Bool : DataType::Float32);
        const HostTensor a = randomTensor({2, 1, 4}, 12, 0.5f, 2.f), b = randomTensor({3, 1}, 13, 0.5f, 2.f);
        const std::map<E, std::function<double(double, double)>> ref = {
            {E::Sum, std::plus<double>()}, {E::Prod, std::multiplies<double>()},
            {E::Max, [](double x, double y) { return std::max(x, y); }}, {E::Min, [](double x, double y) { return std::min(x, y); }},
            {E::Sub, std::minus<double>()}, {E::Div, std::divides<double>()},
            {E::Pow, [](double x, double y) { return std::pow(x, y); }},
            {E::FloorDiv, [](double x, double y) { return std::floor(float(x) / float(y)); }},
            {E::Greater, [](double x, double y) { return double(x > y); }}, {E::Less, [](double x, double y) { return double(x < y); }},
        };
        HostTensor out = run1(net, {{"a", a}, {"b", b}});
        if (cmp) out = out.castTo(DataType::Float32);
        QVERIFY(relL2(out, binaryRef(a, b, {2, 3, 4}, ref.at(e))) < 1e-6);
    }

    void softmaxConcatShuffle() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {2, 3, 4});
        Tensor* y = net.addInput("y", DataType::Float32, {2, 1, 4});
        auto* sm = net.addSoftMax(x);
        QVERIFY(sm && sm->axes() == 4u && sm->setAxes(2u) && !sm->setAxes(3u));
        auto* cat = net.addConcatenation({sm->output(0), y});
        QVERIFY(cat && cat->axis() == 0);
        QVERIFY(net.markOutput(*cat->output(0)) && !net.validate().isOk());  // inputs differ in dim 1, not 0
        QVERIFY(cat->setAxis(1) && net.unmarkOutput(*cat->output(0)));
        QCOMPARE(cat->output(0)->dims(), (std::vector<int64_t>{2, 4, 4}));
        auto* sh = net.addShuffle(cat->output(0));
        QVERIFY(sh);
        QCOMPARE(opsOf(*sh), std::vector<std::string>{"Identity"});
        QVERIFY(sh->setFirstTranspose({0, 2, 1}) && sh->setReshapeDimensions({0, -1, 2}) && sh->setSecondTranspose({2, 1, 0}));
        QCOMPARE(opsOf(*sh), (std::vector<std::string>{"Transpose", "Reshape", "Transpose"}));
        QCOMPARE(sh->output(0)->dims(), (std::vector<int64_t>{2, 8, 2}));
        net.markOutput(*sh->output(0));
        const HostTensor a = randomTensor({2, 3, 4}, 14), b = randomTensor({2, 1, 4}, 15);
        // softmax over axis 1, concat with y on axis 1 -> c[2, 4, 4]; transpose -> [2, 4(w), 4(c)];
        // reshape -> [2, 8, 2]; transpose (2, 1, 0) -> [2, 8, 2] with out[k][j][i] = r[i][j][k]
        HostTensor c(DataType::Float32, {2, 4, 4});
        for (int64_t n = 0; n < 2; ++n)
            for (int64_t w = 0; w < 4; ++w) {
                double s = 0;
                for (int64_t ch = 0; ch < 3; ++ch) s += std::exp(a.data<float>()[(n * 3 + ch) * 4 + w]);
                for (int64_t ch = 0; ch < 3; ++ch)
                    c.data<float>()[(n * 4 + ch) * 4 + w] = float(std::exp(a.data<float>()[(n * 3 + ch) * 4 + w]) / s);
                c.data<float>()[(n * 4 + 3) * 4 + w] = b.data<float>()[n * 4 + w];
            }
        HostTensor ref(DataType::Float32, {2, 8, 2});
        for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 8; ++j)
                for (int64_t k = 0; k < 2; ++k) {
                    const int64_t flat = j * 2 + k;  // into the [4(w), 4(c)] transposed slab of batch i
                    ref.data<float>()[(k * 8 + j) * 2 + i] = c.data<float>()[(i * 4 + flat % 4) * 4 + flat / 4];
                }
        QVERIFY(relL2(run1(net, {{"x", a}, {"y", b}}), ref) < 1e-6);
    }

    void reduceUnaryScaleConstant() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {2, 3, 4});
        auto* red = net.addReduce(x, ReduceOperation::Avg, 0b101, false);
        QVERIFY(red);
        QCOMPARE(red->output(0)->dims(), std::vector<int64_t>{3});
        QCOMPARE(red->nodes().back()->attrInts("axes"), (std::vector<int64_t>{0, 2}));  // an attribute at opset 17
        QVERIFY(red->setOperation(ReduceOperation::Sum) && red->setKeepDimensions(true));
        QCOMPARE(red->nodes().back()->numInputs(), 2);  // ReduceSum takes axes as an input
        auto* ex = net.addUnary(red->output(0), UnaryOperation::Exp);
        const float scale[3] = {0.5f, -1.f, 2.f}, shift[3] = {1.f, 0.f, -1.f}, one[1] = {0.25f};
        auto* sc = net.addScale(ex->output(0), ScaleMode::Channel, {DataType::Float32, shift, 3}, {DataType::Float32, scale, 3}, {}, 1);
        QVERIFY(sc);
        QCOMPARE(opsOf(*sc), (std::vector<std::string>{"Mul", "Add"}));
        auto* k = net.addConstant({1}, {DataType::Float32, one, 1});
        auto* out = net.addElementWise(sc->output(0), k->output(0), ElementWiseOperation::Prod);
        QVERIFY(k && out);
        net.markOutput(*out->output(0));
        const HostTensor in = randomTensor({2, 3, 4}, 16);
        HostTensor ref(DataType::Float32, {1, 3, 1});
        for (int64_t c = 0; c < 3; ++c) {
            double s = 0;
            for (int64_t n = 0; n < 2; ++n)
                for (int64_t w = 0; w < 4; ++w) s += in.data<float>()[(n * 3 + c) * 4 + w];
            ref.data<float>()[c] = float((std::exp(s) * scale[c] + shift[c]) * 0.25);
        }
        QVERIFY(relL2(run1(net, {{"x", in}}), ref) < 1e-6);
    }

    void normalizationForms_data() {
        QTest::addColumn<uint32_t>("axes");
        QTest::addColumn<QList<qint64>>("paramDims");
        QTest::addColumn<QString>("op");
        QTest::newRow("trailing -> LayerNormalization") << 0b1100u << QList<qint64>{1, 1, 5, 6} << "LayerNormalization";
        QTest::newRow("spatial, per channel -> InstanceNormalization") << 0b1100u << QList<qint64>{1, 3, 1, 1} << "InstanceNormalization";
        QTest::newRow("other axes -> formula") << 0b0101u << QList<qint64>{1, 3, 1, 6} << "Add";
    }
    void normalizationForms() {
        QFETCH(uint32_t, axes);
        QFETCH(QList<qint64>, paramDims);
        QFETCH(QString, op);
        const std::vector<int64_t> pd(paramDims.begin(), paramDims.end());
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {2, 3, 5, 6});
        Tensor* s = net.addInput("s", DataType::Float32, pd);
        Tensor* b = net.addInput("b", DataType::Float32, pd);
        auto* norm = net.addNormalization(x, s, b, axes);
        QVERIFY(norm && norm->setEpsilon(1e-3f));
        QCOMPARE(QString::fromStdString(norm->nodes().back()->opType()), op);
        net.markOutput(*norm->output(0));
        const HostTensor in = randomTensor({2, 3, 5, 6}, 17), sv = randomTensor(pd, 18), bv = randomTensor(pd, 19);
        // reference: mean/var over the axes per remaining index, then scale/bias broadcast
        HostTensor ref(DataType::Float32, {2, 3, 5, 6});
        const std::vector<int64_t> dims = {2, 3, 5, 6};
        auto key = [&](int64_t flat) {  // the flat index with reduced axes zeroed
            int64_t k = 0, mul = 1;
            for (int d = 3; d >= 0; --d) {
                const int64_t c = flat % dims[size_t(d)];
                flat /= dims[size_t(d)];
                k += (axes & (1u << d) ? 0 : c) * mul;
                mul *= dims[size_t(d)];
            }
            return k;
        };
        std::map<int64_t, std::pair<double, int64_t>> sum;
        for (int64_t i = 0; i < in.numel(); ++i) sum[key(i)].first += in.data<float>()[i], ++sum[key(i)].second;
        std::map<int64_t, double> var;
        for (int64_t i = 0; i < in.numel(); ++i) {
            const double m = sum[key(i)].first / double(sum[key(i)].second), d = in.data<float>()[i] - m;
            var[key(i)] += d * d / double(sum[key(i)].second);
        }
        for (int64_t i = 0; i < in.numel(); ++i) {
            const double m = sum[key(i)].first / double(sum[key(i)].second);
            ref.data<float>()[i] = float((in.data<float>()[i] - m) / std::sqrt(var[key(i)] + 1e-3) *
                                             sv.data<float>()[broadcastIndex(dims, i, pd)] +
                                         bv.data<float>()[broadcastIndex(dims, i, pd)]);
        }
        QVERIFY(relL2(run1(net, {{"x", in}, {"s", sv}, {"b", bv}}), ref) < 1e-5);
    }

    void gatherSliceCastTopK() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {4, 6});
        const int64_t idx[3] = {3, 0, 3};
        auto* ci = net.addConstant({3}, {DataType::Int64, idx, 3});
        auto* g = net.addGather(x, ci->output(0), 0);  // rows 3, 0, 3 -> [3, 6]
        auto* sl = net.addSlice(g->output(0), {2, 5}, {2, 3}, {-1, -2});  // rows 2, 1; cols 5, 3, 1
        auto* id = net.addIdentity(sl->output(0));
        auto* tk = net.addTopK(id->output(0), TopKOperation::Min, 2, 0b10);
        auto* cast = net.addCast(tk->output(1), DataType::Int32);
        QVERIFY(g && sl && id && tk && cast);
        QCOMPARE(sl->output(0)->dims(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(tk->output(1)->dataType(), DataType::Int64);
        net.markOutput(*tk->output(0));
        net.markOutput(*cast->output(0));
        const HostTensor in = randomTensor({4, 6}, 20);
        auto out = runCpu(net.graph(), {{"x", in}});
        KILN_VERIFY_EXPECTED(out);
        const HostTensor& vals = out->at(tk->output(0)->name());
        const HostTensor& where = out->at(cast->output(0)->name());
        QCOMPARE(where.dtype(), DataType::Int32);
        const int64_t rows[2] = {3, 0};  // gathered rows 2 and 1 are x rows 3 and 0
        for (int r = 0; r < 2; ++r) {
            std::vector<std::pair<float, int>> v;
            for (int c = 0; c < 3; ++c) v.push_back({in.data<float>()[rows[r] * 6 + 5 - 2 * c], c});
            std::sort(v.begin(), v.end());
            for (int j = 0; j < 2; ++j) {
                QCOMPARE(vals.data<float>()[r * 2 + j], v[size_t(j)].first);
                QCOMPARE(where.data<int32_t>()[r * 2 + j], v[size_t(j)].second);
            }
        }
    }

    void exportedNetworkPassesTheOnnxChecker() {
        // Every node is valid ONNX (opset 17) and ONNX's own shape inference agrees with ours.
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {-1, 3, 8, 8});
        const HostTensor w = randomTensor({4, 3, 3, 3}, 21), fw = randomTensor({5, 16}, 22);
        auto* conv = net.addConvolution(x, 4, {3, 3}, weightsOf(w));
        auto* act = net.addActivation(conv->output(0), ActivationType::GeluErf);
        auto* pool = net.addPooling(act->output(0), PoolingType::Average, {2, 2});
        pool->setStride({2, 2});
        auto* sh = net.addShuffle(pool->output(0));
        sh->setReshapeDimensions({0, 4, -1});
        auto* mm = net.addMatrixMultiply(sh->output(0), MatrixOperation::None, sh->output(0), MatrixOperation::Transpose);
        auto* fc = net.addFullyConnected(mm->output(0), 5, weightsOf(fw));
        auto* red = net.addReduce(fc->output(0), ReduceOperation::Max, 0b10, true);
        QVERIFY(red);
        net.markOutput(*red->output(0));
        // more layer kinds, each marked as an output so the exported graph keeps it
        auto* clip = net.addActivation(pool->output(0), ActivationType::Clip);
        auto* ln = net.addNormalization(clip && clip->setBeta(6.f) ? clip->output(0) : nullptr, net.addInput("s", DataType::Float32, {3, 3}),
                                        net.addInput("b", DataType::Float32, {3}), 0b1100);
        QVERIFY(ln);
        auto* in = net.addNormalization(ln->output(0), net.addInput("cs", DataType::Float32, {1, 4, 1, 1}),
                                        net.addInput("cb", DataType::Float32, {1, 4, 1, 1}), 0b1100);
        const float half = 0.5f;
        auto* k = net.addConstant({}, {DataType::Float32, &half, 1});
        QVERIFY(in && k);
        auto* pw = net.addElementWise(in->output(0), k->output(0), ElementWiseOperation::Pow);
        QVERIFY(pw);
        auto* cat = net.addConcatenation({pw->output(0), pool->output(0)});
        QVERIFY(cat);
        auto* sl = net.addSlice(cat->output(0), {0, 0, 0, 2}, {1, 8, 3, 2}, {1, 1, 1, -1});
        QVERIFY(sl);
        auto* tk = net.addTopK(sl->output(0), TopKOperation::Max, 2, 0b10);
        QVERIFY(tk);
        auto* vec = net.addMatrixMultiply(sh->output(0), MatrixOperation::Vector, sh->output(0), MatrixOperation::Vector);
        QVERIFY(vec);
        auto* cast = net.addCast(tk->output(1), DataType::Int32);
        auto* sm = net.addSoftMax(vec->output(0));
        QVERIFY(cast && sm);
        for (Tensor* t : {tk->output(0), cast->output(0), sm->output(0)}) net.markOutput(*t);
        QCOMPARE(opsOf(*ln).back(), std::string("LayerNormalization"));
        QCOMPARE(opsOf(*in).back(), std::string("InstanceNormalization"));
        QCOMPARE(vec->output(0)->shape().toString(), std::string("[x_dim0, 4]"));
        QCOMPARE(fc->output(0)->shape().toString(), std::string("[x_dim0, 5]"));
        auto bytes = onnx::exportModelBytes(net.graph());
        KILN_VERIFY_EXPECTED(bytes);
        auto back = onnx::importModelBytes(bytes->data(), bytes->size());
        KILN_VERIFY_EXPECTED(back);
        for (const ir::Value* v : net.graph().values()) {
            const ir::Value* u = (*back)->findValue(v->name());
            QVERIFY2(u && !u->shape().conflictsWith(v->shape()),
                     (v->name() + ": ours " + v->shape().toString() + ", ONNX " + (u ? u->shape().toString() : "-")).c_str());
        }
    }

    void invalidArguments() {
        CaptureLogger log;
        NetworkDefinition net(log), other(log);
        Tensor* x = net.addInput("x", DataType::Float32, {1, 3, 8, 8});
        Tensor* foreign = other.addInput("y", DataType::Float32, {1, 3});
        const HostTensor w = randomTensor({4, 3, 3, 3}, 23);
        const float three[3] = {1, 2, 3};
        const int before = net.numLayers();
        auto expectError = [&](bool failed, const char* fragment) {
            QVERIFY2(failed, fragment);
            QVERIFY2(!net.lastError().isOk() && QString::fromStdString(net.lastError().toString()).contains(fragment),
                     net.lastError().toString().c_str());
            QVERIFY(QString::fromStdString(log.last).contains(fragment));
            QCOMPARE(net.numLayers(), before);
            KILN_VERIFY_OK(net.graph().verify());
        };
        expectError(!net.addActivation(nullptr, ActivationType::Relu), "the input is null");
        expectError(!net.addActivation(foreign, ActivationType::Relu), "belongs to another network");
        expectError(!net.addConvolution(x, 4, {3}, weightsOf(w)), "must have rank 3");
        expectError(!net.addConvolution(x, 5, {3, 3}, weightsOf(w)), "not a multiple of 5 maps");
        expectError(!net.addConvolution(x, 4, {3, 3}, weightsOf(w), {DataType::Float32, three, 3}), "bias weights have 3 values, expected 4");
        expectError(!net.addConvolution(x, 4, {3, 3}, {DataType::Float32, nullptr, 108}), "null pointer");
        expectError(!net.addPooling(x, PoolingType::Max, {9, 9}), "exceeds the padded input");
        Tensor* m = net.addInput("m", DataType::Float32, {1, 3, 5, 8});
        expectError(!net.addMatrixMultiply(x, MatrixOperation::None, m, MatrixOperation::None), "inner dims differ");
        expectError(!net.addElementWise(x, net.input(0), ElementWiseOperation::And), "needs Bool inputs");
        expectError(!net.addFullyConnected(x, 2, {DataType::Float32, three, 3}), "expected 384");
        expectError(!net.addReduce(x, ReduceOperation::Sum, 0b10000, false), "bit 4 is set but the input has rank 4");
        expectError(!net.addConstant({2, 2}, {DataType::Float32, three, 3}), "3 values, expected 4");
        expectError(!net.addSlice(x, {0, 0, 6, 0}, {1, 3, 3, 8}, {1, 1, 1, 1}), "outside the input");
        expectError(!net.addGather(x, x, 0), "indices must be Int32 or Int64");
        expectError(!net.addTopK(x, TopKOperation::Max, 9, 0b1000), "exceeds the axis's 8");
        expectError(!net.addConcatenation({x, foreign}), "belongs to another network");
        expectError(!net.addInput("x", DataType::Float32, {1}), "a tensor named 'x' exists");
        expectError(!net.markOutput(*foreign), "belongs to another network");
        auto* sh = net.addShuffle(x);
        QVERIFY(sh);
        const int withShuffle = net.numLayers();
        QVERIFY(!sh->setReshapeDimensions({-1, -1}) && QString::fromStdString(net.lastError().message()).contains("more than one -1"));
        QVERIFY(!sh->setReshapeDimensions({5, -1}) && QString::fromStdString(net.lastError().message()).contains("not a multiple of 5"));
        QVERIFY(!sh->setFirstTranspose({0, 1, 1, 2}) && QString::fromStdString(net.lastError().message()).contains("not a permutation"));
        QCOMPARE(opsOf(*sh), std::vector<std::string>{"Identity"});  // refused setters left it as it was
        QCOMPARE(net.numLayers(), withShuffle);
        QVERIFY(!net.validate().isOk());  // no outputs yet
    }

    void settersThatBreakLaterLayersAreRefused() {
        CaptureLogger log;
        NetworkDefinition net(log);
        const HostTensor w = randomTensor({2, 1, 3, 3}, 24), fw = randomTensor({3, 72}, 25);
        auto* conv = net.addConvolution(net.addInput("x", DataType::Float32, {1, 1, 6, 6}), 2, {3, 3}, weightsOf(w));
        auto* fc = net.addFullyConnected(conv->output(0), 3, weightsOf(fw));  // 2 x 6 x 6 = 72 inputs
        QVERIFY(!fc);
        QVERIFY(conv->setPadding({1, 1}));
        fc = net.addFullyConnected(conv->output(0), 3, weightsOf(fw));
        QVERIFY(fc);
        const int nodes = net.graph().numNodes();
        QVERIFY(!conv->setStride({2, 2}));  // 2 x 3 x 3 would no longer match fc's 72 weights
        QVERIFY(QString::fromStdString(net.lastError().toString()).contains("expected 54"));
        QCOMPARE(conv->stride(), (std::vector<int64_t>{1, 1}));
        QCOMPARE(net.graph().numNodes(), nodes);
        QCOMPARE(conv->output(0)->dims(), (std::vector<int64_t>{1, 2, 6, 6}));
        KILN_VERIFY_OK(net.graph().verify());
    }

    void namesOutputsPrecisionAndInputDims() {
        NetworkDefinition net;
        Tensor* x = net.addInput("x", DataType::Float32, {-1, 4});
        auto* fc = net.addFullyConnected(x, 2, weightsOf(randomTensor({2, 4}, 26)));
        auto* relu = net.addActivation(fc->output(0), ActivationType::Relu);
        QVERIFY(fc->setName("dense") && relu->setName("act") && !relu->setName("dense"));
        QVERIFY(net.findLayer("dense") == fc && net.graph().findNode("dense"));
        QVERIFY(net.markOutput(*relu->output(0)) && net.markOutput(*fc->output(0)));
        QVERIFY(relu->output(0)->setName("probabilities") && !x->setName("probabilities"));
        QCOMPARE(net.numOutputs(), 2);
        QCOMPARE(net.output(0)->name(), std::string("probabilities"));
        QVERIFY(net.unmarkOutput(*fc->output(0)) && !net.unmarkOutput(*fc->output(0)));
        QCOMPARE(net.numOutputs(), 1);
        QVERIFY(fc->setPrecision(DataType::Float16) && !fc->setPrecision(DataType::Int32));
        QCOMPARE(fc->nodes().back()->attrString("kiln_precision", ""), std::string("FP16"));
        fc->resetPrecision();
        QVERIFY(!fc->nodes().back()->hasAttr("kiln_precision"));
        QVERIFY(x->setDimensions({3, 4}));
        QCOMPARE(relu->output(0)->dims(), (std::vector<int64_t>{3, 2}));
        QVERIFY(!x->setDimensions({3, 5}));  // the FC's 8 weights need 4 inputs
        QCOMPARE(x->dims(), (std::vector<int64_t>{3, 4}));
        KILN_VERIFY_OK(net.validate());
        const HostTensor in = randomTensor({3, 4}, 27);
        QCOMPARE(run1(net, {{"x", in}}).dims(), (std::vector<int64_t>{3, 2}));
    }

    void parser() {
        CaptureLogger log;
        NetworkDefinition net(log);
        OnnxParser parser(net, log);
        const std::string path = test::sampleModel("lenet5.onnx");
        KILN_VERIFY_OK(parser.parseFromFile(path));
        QCOMPARE(net.numLayers(), 12);
        QCOMPARE(net.layer(0)->type(), LayerType::Onnx);
        QCOMPARE(net.sourceModelName(), std::string("lenet5.onnx"));
        auto bytes = readWholeFile(path);
        QCOMPARE(net.sourceModelSha256(), plan::sha256Hex(bytes->data(), bytes->size()));
        QCOMPARE(net.input(0)->shape().toString(), std::string("[batch, 1, 28, 28]"));
        // API layers on top of a parsed model, and new input dims through the parsed nodes.
        auto* sm = net.addSoftMax(net.output(0));
        QVERIFY(sm && net.unmarkOutput(*net.output(0)) && net.markOutput(*sm->output(0)));
        QVERIFY(net.input(0)->setDimensions({2, 1, 28, 28}));
        QCOMPARE(sm->output(0)->dims(), (std::vector<int64_t>{2, 10}));
        QVERIFY(net.layer(0)->setName("first_conv") && net.graph().findNode("first_conv") && net.input(0)->setName("image"));
        QCOMPARE(net.layer(0)->nodes().back()->origins(), std::vector<std::string>{"Conv_0"});
        const HostTensor probs = run1(net, {{"image", randomTensor({2, 1, 28, 28}, 28, 0.f, 1.f)}});
        QCOMPARE(probs.dims(), (std::vector<int64_t>{2, 10}));
        double total = 0;
        for (int64_t i = 0; i < 10; ++i) total += probs.data<float>()[i];
        QVERIFY(std::abs(total - 1.0) < 1e-5);
        // errors: a second model into the same network, garbage bytes, a missing file
        QVERIFY(!parser.parseFromFile(path).isOk());
        QVERIFY(QString::fromStdString(parser.error(0).message()).contains("empty network"));
        NetworkDefinition fresh(log);
        OnnxParser p2(fresh, log);
        const std::string junk = "not a model";
        QCOMPARE(p2.parse(junk.data(), junk.size(), "junk.onnx").code(), StatusCode::InvalidModel);
        QCOMPARE(p2.parseFromFile("/nonexistent/model.onnx").code(), StatusCode::NotFound);
        QCOMPARE(p2.numErrors(), 2);
        QCOMPARE(fresh.numLayers(), 0);
    }

    void wtsFiles_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("good") << "2\na 2 3f800000 c0000000\n\nb 1 0\n" << "";
        QTest::newRow("bad count") << "two\na 1 0\n" << "w:1: expected the number of tensors";
        QTest::newRow("bad hex") << "1\na 2 3f800000 3g800000\n" << "w:2: tensor 'a' value 1 is '3g800000'";
        QTest::newRow("too long hex") << "1\na 1 3f8000000\n" << "not a float32 bit pattern";
        QTest::newRow("fewer words") << "1\na 3 0 0\n" << "w:2: tensor 'a' declares 3 values but the line has 2";
        QTest::newRow("trailing words") << "1\na 1 0 0 junk\n" << "w:2: tensor 'a': 2 word(s) after its 1 declared values";
        QTest::newRow("duplicate") << "2\na 1 0\na 1 0\n" << "w:3: tensor 'a' is defined again (first on line 2)";
        QTest::newRow("missing tensor") << "3\na 1 0\nb 1 0\n" << "declares 3 tensors but has 2";
        QTest::newRow("content after") << "1\na 1 0\nb 1 0\n" << "w:3: content after the 1 declared tensors";
        QTest::newRow("bad value count") << "1\na -1\n" << "expected a value count";
        QTest::newRow("empty") << "\n\n" << "the file is empty";
    }
    void wtsFiles() {
        QFETCH(QString, text);
        QFETCH(QString, error);
        auto parsed = parseWts(text.toStdString(), "w");
        if (error.isEmpty()) {
            KILN_VERIFY_EXPECTED(parsed);
            QCOMPARE(parsed->at("a").dims(), std::vector<int64_t>{2});
            QCOMPARE(parsed->at("a").data<float>()[1], -2.0f);
            QCOMPARE(formatWts(*parsed), std::string("2\na 2 3f800000 c0000000\nb 1 00000000\n"));
            return;
        }
        QVERIFY(!parsed);
        QVERIFY2(QString::fromStdString(parsed.status().message()).contains(error), parsed.status().message().c_str());
    }

    void lenetByApiEqualsLenetFromOnnx() {
        auto weights = readWtsFile(test::sourceDir() + "/samples/data/lenet5.wts");
        KILN_VERIFY_EXPECTED(weights);
        NetworkDefinition api;
        KILN_VERIFY_OK(samples::buildLeNet5(api, *weights));
        auto onnxGraph = onnx::importModelFile(test::sampleModel("lenet5.onnx"));
        KILN_VERIFY_EXPECTED(onnxGraph);
        QCOMPARE(api.graph().numNodes(), (*onnxGraph)->numNodes());
        const HostTensor in = randomTensor({5, 1, 28, 28}, 29, 0.f, 1.f);
        auto a = runCpu(api.graph(), {{"input", in}});
        auto b = runCpu(**onnxGraph, {{"input", in}});
        KILN_VERIFY_EXPECTED(a);
        KILN_VERIFY_EXPECTED(b);
        QVERIFY(relL2(a->at("logits"), b->at("logits")) <= 1e-6);
        // and against onnxruntime's output for the stored test input
        auto x = onnx::readTensorFile(test::sourceDir() + "/tests/data/samples/lenet5/input_0.pb");
        auto ref = onnx::readTensorFile(test::sourceDir() + "/tests/data/samples/lenet5/output_0.pb");
        KILN_VERIFY_EXPECTED(ref);
        auto c = runCpu(api.graph(), {{"input", *x}});
        KILN_VERIFY_EXPECTED(c);
        QVERIFY(relL2(c->at("logits"), *ref) <= 1e-5);
    }

    void lenetByApiThroughBuilderAndRuntime() {
        CaptureLogger log;
        auto weights = readWtsFile(test::sourceDir() + "/samples/data/lenet5.wts");
        KILN_VERIFY_EXPECTED(weights);
        Builder builder(log);
        auto api = builder.createNetwork();
        KILN_VERIFY_OK(samples::buildLeNet5(*api, *weights));
        auto onnxNet = builder.createNetwork();
        KILN_VERIFY_OK(OnnxParser(*onnxNet, log).parseFromFile(test::sampleModel("lenet5.onnx")));
        BuilderConfig config;
        OptimizationProfile apiProfile, onnxProfile;
        KILN_VERIFY_OK(apiProfile.setDimensions("input", {1, 1, 28, 28}, {4, 1, 28, 28}, {8, 1, 28, 28}));
        config.profiles = {apiProfile};
        auto apiPlan = builder.buildSerializedNetwork(*api, config);
        KILN_VERIFY_EXPECTED(apiPlan);
        auto onnxPlan = builder.buildSerializedNetwork(*onnxNet, config);
        KILN_VERIFY_EXPECTED(onnxPlan);
        Runtime runtime(log);
        const HostTensor in = randomTensor({6, 1, 28, 28}, 30, 0.f, 1.f);
        std::vector<HostTensor> outs;
        for (const auto* bytes : {&*apiPlan, &*onnxPlan}) {
            auto engine = runtime.deserializeEngine(bytes->data(), bytes->size());
            KILN_VERIFY_EXPECTED(engine);
            auto ctx = (*engine)->createExecutionContext();
            KILN_VERIFY_EXPECTED(ctx);
            KILN_VERIFY_OK((*ctx)->setInputs({{"input", in}}));
            KILN_VERIFY_OK((*ctx)->execute());
            auto out = (*ctx)->output("logits");
            KILN_VERIFY_EXPECTED(out);
            outs.push_back(out->clone());
        }
        auto direct = runCpu(api->graph(), {{"input", in}});
        KILN_VERIFY_EXPECTED(direct);
        QVERIFY(relL2(outs[0], outs[1]) <= 1e-6);
        QVERIFY(relL2(outs[0], direct->at("logits")) <= 1e-6);
        auto passport = plan::readPassport(apiPlan->data(), apiPlan->size());
        KILN_VERIFY_EXPECTED(passport);
        QVERIFY(passport->sourceModelSha256.empty());
        QCOMPARE(passport->sourceModelName, std::string("lenet5_api"));
    }
};

QTEST_GUILESS_MAIN(TestNetworkApi)
#include "test_network_api.moc"
