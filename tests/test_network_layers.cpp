// The network-definition API, layer by layer: each add* layer's nodes, attributes, shapes and
// numbers on the CPU reference against small hand-written references.
#include <QtTest>

#include "network_test_common.h"
#include "support/test_support.h"

using namespace kiln;
using namespace kiln::nettest;

class TestNetworkLayers : public QObject {
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

};

QTEST_GUILESS_MAIN(TestNetworkLayers)
#include "test_network_layers.moc"
