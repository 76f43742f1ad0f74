// The network-definition API, the ONNX parser and the .wts reader: the ONNX checker round trip,
// argument errors, setters, renames, and LeNet-5 by API equal to LeNet-5 from ONNX (on the CPU
// executor and through Builder -> plan bytes -> Runtime). Per-layer numbers: test_network_layers.cpp.
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
#include "network_test_common.h"

using namespace kiln;
using namespace kiln::nettest;

class TestNetworkApi : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Networks built with the default logger report the errors these tests provoke on purpose.
        if (auto* l = dynamic_cast<StderrLogger*>(&defaultLogger())) l->setThreshold(Severity::InternalError);
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
