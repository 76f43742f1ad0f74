// The vertical-fusion passes (fold-batchnorm, fuse-bias-activation, fuse-residual) and the
// kernels of the layers they produce (kiln.FusedConv, FusedConvTranspose, FusedGemm): counts
// after each pass, the log's rule and explanation, numeric equivalence with the CPU reference,
// declines with their reasons, the sample models and a 10,000-node graph.
#include <QtTest>

#include <chrono>

#include "onnx/importer.h"
#include "ops/activation_fn.h"
#include "passes/passes.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using test::Attrs;
using test::countOps;
using test::PassResult;
using test::TestGraph;

namespace {

ir::Attribute ints(std::vector<int64_t> v) { return ir::Attribute(std::move(v)); }
ir::Attribute i64(int64_t v) { return ir::Attribute(v); }
ir::Attribute f32(float v) { return ir::Attribute(v); }

Attrs conv3x3() { return {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}; }

ir::Value* batchNorm(TestGraph& t, ir::Value* x, int64_t c, const std::string& name) {
    return t.op("BatchNormalization",
                {x, t.randomConstant(name + ".scale", {c}, 0.5f, 1.5f), t.randomConstant(name + ".B", {c}),
                 t.randomConstant(name + ".mean", {c}, -0.5f, 0.5f), t.randomConstant(name + ".var", {c}, 0.5f, 1.5f)},
                {{"epsilon", f32(1e-3f)}}, name);
}

PassResult run(const ir::Graph& g, std::unique_ptr<passes::Pass> p) { return test::runPass(g, *p); }

// Milliseconds of the pass's run() alone, on a clone of g.
double runOnlyMs(const ir::Graph& g, std::unique_ptr<passes::Pass> p) {
    auto c = g.clone();
    passes::PassLog log(false);
    passes::PassContext ctx(log, ops::OpRegistry::builtin());
    const auto t0 = std::chrono::steady_clock::now();
    const Status st = p->run(*c, ctx);
    const auto t1 = std::chrono::steady_clock::now();
    return st.isOk() ? std::chrono::duration<double, std::milli>(t1 - t0).count() : -1.0;
}

const std::vector<passes::Rewrite>& rewrites(const PassResult& r) { return r.log.passes().at(0).rewrites; }
const std::vector<passes::Decline>& declines(const PassResult& r) { return r.log.passes().at(0).declines; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The reasons of every decline, one per line (for failure messages).
QByteArray reasons(const PassResult& r) {
    std::string s;
    for (const passes::Decline& d : declines(r)) s += d.reason + "\n";
    return QByteArray::fromStdString(s);
}

bool declinedWith(const PassResult& r, const std::string& part) {
    for (const passes::Decline& d : declines(r))
        if (contains(d.reason, part)) return true;
    return false;
}

std::string activationOf(const ir::Graph& g, const std::string& opType) {
    for (const auto& n : g.nodes())
        if (n->opType() == opType && n->domain() == "kiln") return n->attrString("activation", "?");
    return "(none)";
}

#define VERIFY_EQUIVALENT(before, after) \
    QCOMPARE(QString::fromStdString(test::checkEquivalent(before, after)), QString())

}  // namespace

class TestPassFusion : public QObject {
    Q_OBJECT

private slots:
    // ---------------------------------------------------------------- fold-batchnorm
    void foldConvBn() {
        TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 8, 8});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3}), t.randomConstant("b", {4})}, conv3x3(), "conv");
        t.output(t.op("Relu", {batchNorm(t, y, 4, "bn")}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        const HostTensor w = g->findValue("w")->constant()->clone();
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 0);
        QCOMPARE(countOps(*r.graph, "Conv"), 1);
        QCOMPARE(int(rewrites(r).size()), 1);
        // the shared weight buffer is untouched: the folded weights are a new constant
        QVERIFY(std::equal(w.data<float>(), w.data<float>() + w.numel(), g->findValue("w")->constant()->data<float>()));
        QVERIFY(!r.graph->findValue("w"));
        const passes::Rewrite& rw = rewrites(r)[0];
        QCOMPARE(rw.rule, std::string("Conv(x) -> BatchNormalization => Conv'(x)"));
        QCOMPARE(rw.result, std::string("conv + bn"));
        QVERIFY(contains(rw.explanation, "w' = w * gamma / sqrt(var + eps); b' = (b - mean) * gamma / sqrt(var + eps) + beta"));
        const ir::Node* conv = r.graph->findNode("conv + bn");
        QVERIFY(conv);
        QCOMPARE(conv->origins(), (std::vector<std::string>{"conv", "bn"}));
        QCOMPARE(conv->attrInts("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void foldConvWithoutBiasBnIntoGraphOutput() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 2, 5, 5});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {6, 1, 3, 3})},
                            {{"kernel_shape", ints({3, 3})}, {"group", i64(2)}, {"strides", ints({2, 2})}}, "conv");
        t.output(batchNorm(t, y, 6, "bn"));  // the BN output is the graph output: kept by name
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(r.graph->outputs()[0]->name(), std::string("bn_out"));
        QCOMPARE(r.graph->outputs()[0]->producer()->numInputs(), 3);  // a bias was added
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void foldGroupedConvTransposeBn() {
        TestGraph t;
        ir::Value* x = t.input("x", {2, 4, 5, 5});
        // W [C_in = 4, C_out / group = 3, 3, 3], group 2 -> 6 output channels
        ir::Value* y = t.op("ConvTranspose", {x, t.randomConstant("w", {4, 3, 3, 3}), t.randomConstant("b", {6})},
                            {{"group", i64(2)}, {"strides", ints({2, 2})}, {"pads", ints({1, 1, 1, 1})}}, "deconv");
        t.output(batchNorm(t, y, 6, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "ConvTranspose"), 1);
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 0);
        QCOMPARE(rewrites(r)[0].rule, std::string("ConvTranspose(x) -> BatchNormalization => ConvTranspose'(x)"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void foldGemmBn_data() {
        QTest::addColumn<bool>("transB");
        QTest::addColumn<bool>("withC");
        QTest::newRow("transB, C") << true << true;
        QTest::newRow("B, no C") << false << false;
    }
    void foldGemmBn() {
        QFETCH(bool, transB);
        QFETCH(bool, withC);
        TestGraph t;
        ir::Value* a = t.input("a", {3, 8});
        std::vector<ir::Value*> in{a, t.randomConstant("w", transB ? std::vector<int64_t>{5, 8} : std::vector<int64_t>{8, 5})};
        if (withC) in.push_back(t.randomConstant("c", {5}));
        ir::Value* y = t.op("Gemm", in, {{"transB", i64(transB)}, {"beta", f32(0.5f)}, {"alpha", f32(2.f)}}, "gemm");
        t.output(batchNorm(t, y, 5, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "Gemm"), 1);
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 0);
        QCOMPARE(rewrites(r)[0].rule, std::string("Gemm(a) -> BatchNormalization => Gemm'(a)"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void foldMatMulBnIntoGemm() {
        TestGraph t;
        ir::Value* a = t.input("a", {4, 6});
        ir::Value* y = t.op("MatMul", {a, t.randomConstant("w", {6, 3})}, {}, "mm");
        t.output(batchNorm(t, y, 3, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "Gemm"), 1);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(rewrites(r)[0].rule, std::string("MatMul(a, B) -> BatchNormalization => Gemm(a, B', b')"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void dontFoldBnOverMatMulRowsOf3dOutput() {
        TestGraph t;
        ir::Value* a = t.input("a", {2, 4, 6});
        ir::Value* y = t.op("MatMul", {a, t.randomConstant("w", {6, 3})}, {}, "mm");
        t.output(batchNorm(t, y, 4, "bn"));  // BN's channels are axis 1 (4), not N (3)
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "N dimension"), reasons(r).constData());
    }

    void foldConvPerChannelMulAdd() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3}), t.randomConstant("b", {4})}, conv3x3(), "conv");
        y = t.op("Mul", {y, t.randomConstant("s", {4, 1, 1})}, {}, "mul");
        y = t.op("Add", {t.randomConstant("c", {1, 4, 1, 1}), y}, {}, "add");
        y = t.op("Mul", {y, t.constant("half", HostTensor::scalar(DataType::Float32, 0.5))}, {}, "scalar_mul");
        t.output(t.op("Relu", {y}));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(int(rewrites(r).size()), 3);
        QCOMPARE(rewrites(r)[0].rule, std::string("Conv(x) -> Mul(s) => Conv'(x)"));
        QVERIFY(contains(rewrites(r)[0].explanation, "w' = w * s; b' = b * s"));
        QCOMPARE(rewrites(r)[1].rule, std::string("Conv(x) -> Add(c) => Conv'(x)"));
        QVERIFY(contains(rewrites(r)[1].explanation, "b' = b + c"));
        QCOMPARE(r.graph->findValue("Relu_0_out")->producer()->input(0)->producer()->origins(),
                 (std::vector<std::string>{"conv", "mul", "add", "scalar_mul"}));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void dontFoldConvMulAlongWidth() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("Mul", {y, t.randomConstant("s", {6})}, {}, "mul"));  // [6] broadcasts along W
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "Mul"), 1);
        QVERIFY2(declinedWith(r, "does not broadcast per output channel"), reasons(r).constData());
    }

    void dontFoldConvWithBnWithTwoConsumers() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(batchNorm(t, y, 4, "bn"));
        t.output(t.op("Relu", {y}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "has 2 consumers"), reasons(r).constData());
        QCOMPARE(int(r.log.declinesOf("bn").size()), 1);
    }

    void dontFoldConvWhoseOutputIsAGraphOutput() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(y);
        t.output(batchNorm(t, y, 4, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "is also a graph output"), reasons(r).constData());
    }

    void dontFoldNonConstantWeights() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* w = t.input("w", {4, 3, 3, 3});
        t.output(batchNorm(t, t.op("Conv", {x, w}, conv3x3(), "conv"), 4, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "Conv weights are not constant"), reasons(r).constData());
    }

    void dontFoldBnWithNonConstantStatistics() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* mean = t.input("mean", {4});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("BatchNormalization", {y, t.randomConstant("g", {4}), t.randomConstant("b", {4}), mean,
                                             t.randomConstant("v", {4}, 0.5f, 1.f)}, {}, "bn"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "BatchNormalization mean is not constant"), reasons(r).constData());
    }

    void dontFoldConvWithBnWithTrainingOutputs() {
        TestGraph t(15);
        ir::Value* x = t.input("x", {2, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        auto outs = t.opN("BatchNormalization",
                          {y, t.randomConstant("g", {4}), t.randomConstant("b", {4}), t.randomConstant("m", {4}),
                           t.randomConstant("v", {4}, 0.5f, 1.f)},
                          3, {{"training_mode", i64(1)}}, "bn");
        for (ir::Value* o : outs) t.output(o);
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFoldBatchNormPass());
        QCOMPARE(countOps(*r.graph, "BatchNormalization"), 1);
        QVERIFY2(declinedWith(r, "BatchNormalization has training outputs"), reasons(r).constData());
    }

    // ---------------------------------------------------------------- fuse-bias-activation
    void fuseConvBiasRelu() {
        TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 7, 7});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {5, 3, 3, 3}), t.randomConstant("b", {5})}, conv3x3(), "conv");
        t.output(t.op("Relu", {y}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(countOps(*r.graph, "FusedConv", "kiln"), 1);
        QCOMPARE(activationOf(*r.graph, "FusedConv"), std::string("Relu"));
        const passes::Rewrite& rw = rewrites(r)[0];
        QCOMPARE(rw.rule, std::string("Conv(x) -> Relu => kiln.FusedConv(x)"));
        QCOMPARE(rw.result, std::string("conv + relu"));
        QVERIFY2(contains(rw.explanation, "y = Relu(conv(x, W) + b)"), rw.explanation.c_str());
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseConvAddBiasClip() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3}, -2.f, 2.f)}, conv3x3(), "conv");
        y = t.op("Add", {y, t.randomConstant("c", {4, 1, 1})}, {}, "bias");
        t.output(t.op("Clip", {y, t.constant("lo", HostTensor::scalar(DataType::Float32, 0.0)),
                               t.constant("hi", HostTensor::scalar(DataType::Float32, 0.5))}, {}, "relu6"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(activationOf(*r.graph, "FusedConv"), std::string("Clip"));
        QCOMPARE(rewrites(r)[0].rule, std::string("Conv(x) -> Add(c) -> Clip => kiln.FusedConv(x)"));
        QVERIFY2(contains(rewrites(r)[0].explanation, "Clip(0, 0.5)(conv(x, W) + c)"), rewrites(r)[0].explanation.c_str());
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseConvTransposeLeakyRelu() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 4, 4});
        ir::Value* y = t.op("ConvTranspose", {x, t.randomConstant("w", {4, 2, 3, 3}), t.randomConstant("b", {2})},
                            {{"strides", ints({2, 2})}}, "deconv");
        y = t.op("Add", {y, t.randomConstant("c", {1, 2, 1, 1})}, {}, "bias");
        t.output(t.op("LeakyRelu", {y}, {{"alpha", f32(0.2f)}}, "lrelu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(countOps(*r.graph, "FusedConvTranspose", "kiln"), 1);
        QVERIFY(contains(rewrites(r)[0].explanation, "b' = b + c"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseGemmBiasActivation_data() {
        QTest::addColumn<bool>("withC");
        QTest::addColumn<QString>("activation");
        QTest::newRow("C + Add + Sigmoid") << true << "Sigmoid";
        QTest::newRow("Add + HardSigmoid") << false << "HardSigmoid";
        QTest::newRow("C + Tanh") << true << "Tanh";
    }
    void fuseGemmBiasActivation() {
        QFETCH(bool, withC);
        QFETCH(QString, activation);
        TestGraph t;
        ir::Value* a = t.input("a", {8, 3});
        std::vector<ir::Value*> in{a, t.randomConstant("w", {5, 8})};
        if (withC) in.push_back(t.randomConstant("c", {1, 5}));
        ir::Value* y = t.op("Gemm", in, {{"transA", i64(1)}, {"transB", i64(1)}, {"beta", f32(0.5f)}}, "gemm");
        const bool add = activation != "Tanh";
        if (add) y = t.op("Add", {y, t.randomConstant("bias", {5})}, {}, "bias");
        t.output(t.op(activation.toStdString(), {y}, {}, "act"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(countOps(*r.graph, "FusedGemm", "kiln"), 1);
        QCOMPARE(activationOf(*r.graph, "FusedGemm"), activation.toStdString());
        if (withC && add) QVERIFY(contains(rewrites(r)[0].explanation, "C' = beta * C + c"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseBertStyleMatMulBiasElu() {
        // [B, S, K] x [K, N] + [N] -> Elu: the N-D MatMul form of FusedGemm (matmul = 1)
        TestGraph t;
        ir::Value* x = t.input("x", {2, 5, 8});
        ir::Value* y = t.op("MatMul", {x, t.randomConstant("w", {8, 6})}, {}, "mm");
        y = t.op("Add", {t.randomConstant("b", {6}), y}, {}, "bias");
        t.output(t.op("Elu", {y}, {{"alpha", f32(0.7f)}}, "elu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        const ir::Node* n = r.graph->findNode("mm + bias + elu");
        QVERIFY(n);
        QCOMPARE(n->attrInt("matmul", 0), int64_t(1));
        QCOMPARE(n->attrFloat("activation_alpha", 0.f), 0.7f);
        QCOMPARE(rewrites(r)[0].rule, std::string("MatMul(x) -> Add(c) -> Elu => kiln.FusedGemm(x)"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseMatMulBiasWithoutActivation() {
        TestGraph t;
        ir::Value* x = t.input("x", {3, 4, 8});
        ir::Value* y = t.op("MatMul", {x, t.randomConstant("w", {8, 6})}, {}, "mm");
        t.output(t.op("Add", {y, t.randomConstant("b", {1, 6})}, {}, "bias"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "FusedGemm", "kiln"), 1);
        QCOMPARE(activationOf(*r.graph, "FusedGemm"), std::string());
        QCOMPARE(r.graph->outputs()[0]->name(), std::string("bias_out"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void dontFuseConvWithSoftsign() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("Softsign", {y}, {}, "softsign"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(int(rewrites(r).size()), 0);
        QVERIFY2(declinedWith(r, "activation Softsign cannot be fused"), reasons(r).constData());
        QCOMPARE(int(r.log.declinesOf("softsign").size()), 1);
    }

    void fuseBiasButNotSoftsign() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        y = t.op("Add", {y, t.randomConstant("c", {1, 4, 1, 1})}, {}, "bias");
        t.output(t.op("Softsign", {y}, {}, "softsign"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(countOps(*r.graph, "FusedConv", "kiln"), 1);
        QCOMPARE(countOps(*r.graph, "Softsign"), 1);
        QVERIFY2(declinedWith(r, "activation Softsign cannot be fused"), reasons(r).constData());
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void dontFuseActivationOfConvWithTwoConsumers() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("Relu", {y}, {}, "relu"));
        t.output(t.op("MaxPool", {y}, {{"kernel_shape", ints({2, 2})}}, "pool"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        QCOMPARE(r.graph->numNodes(), 3);
        QVERIFY2(declinedWith(r, "the output of Conv 'conv' has 2 consumers"), reasons(r).constData());
    }

    void dontFuseMatMulOfTwoActivations() {
        TestGraph t;
        ir::Value* q = t.input("q", {2, 4, 8});
        ir::Value* k = t.input("k", {2, 8, 4});
        t.output(t.op("Relu", {t.op("MatMul", {q, k}, {}, "mm")}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        QCOMPARE(countOps(*r.graph, "MatMul"), 1);
        QVERIFY2(declinedWith(r, "not a constant 2-D weight"), reasons(r).constData());
    }

    void dontFuseAddThatIsNotPerChannel() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 3, 3, 3})}, conv3x3(), "conv");
        y = t.op("Add", {y, t.randomConstant("c", {6})}, {}, "add");  // along W, not C
        t.output(t.op("Relu", {y}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseBiasActivationPass());
        QCOMPARE(r.graph->numNodes(), 3);
        QVERIFY2(declinedWith(r, "is not a per-channel bias"), reasons(r).constData());
    }

    // ---------------------------------------------------------------- fuse-residual
    void fuseConvAddRelu() {
        TestGraph t;
        ir::Value* x = t.input("x", {2, 4, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 4, 3, 3})}, conv3x3(), "conv");
        y = t.op("Add", {x, y}, {}, "add");  // the residual is the first operand
        t.output(t.op("Relu", {y}, {}, "relu"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        const ir::Node* n = r.graph->findNode("conv + add + relu");
        QVERIFY(n);
        QCOMPARE(n->opType(), std::string("FusedConv"));
        QCOMPARE(n->numInputs(), 4);
        QVERIFY(!n->input(2));
        QCOMPARE(n->input(3)->name(), std::string("x"));
        QCOMPARE(n->attrString("activation", ""), std::string("Relu"));
        QCOMPARE(rewrites(r)[0].rule, std::string("Conv(x) -> Add(r) -> Relu => kiln.FusedConv(x, r)"));
        QVERIFY(contains(rewrites(r)[0].explanation, "y = Relu(Conv(x) + r)"));
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void fuseResidualBlockAfterBiasActivation() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w1", {4, 4, 3, 3}), t.randomConstant("b1", {4})}, conv3x3(), "conv1");
        y = t.op("Relu", {y}, {}, "relu1");
        y = t.op("Conv", {y, t.randomConstant("w2", {4, 4, 3, 3}), t.randomConstant("b2", {4})}, conv3x3(), "conv2");
        y = t.op("Add", {y, x}, {}, "add");
        t.output(t.op("Relu", {y}, {}, "relu2"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r1 = run(*g, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r1.status);
        QCOMPARE(countOps(*r1.graph, "FusedConv", "kiln"), 1);
        PassResult r2 = run(*r1.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r2.status);
        QCOMPARE(r2.graph->numNodes(), 2);
        QCOMPARE(countOps(*r2.graph, "FusedConv", "kiln"), 2);
        VERIFY_EQUIVALENT(*g, *r2.graph);
    }

    void fuseFusedGemmResidual() {
        // BERT's output projection: x [B, S, H] -> MatMul + bias -> + x
        TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 8});
        ir::Value* y = t.op("MatMul", {x, t.randomConstant("w", {8, 8})}, {}, "mm");
        y = t.op("Add", {y, t.randomConstant("b", {8})}, {}, "bias");
        t.output(t.op("Add", {y, x}, {}, "residual"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r1 = run(*g, passes::makeFuseBiasActivationPass());
        PassResult r2 = run(*r1.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r2.status);
        QCOMPARE(r2.graph->numNodes(), 1);
        QCOMPARE(countOps(*r2.graph, "FusedGemm", "kiln"), 1);
        QCOMPARE(rewrites(r2)[0].rule, std::string("FusedGemm(x) -> Add(r) => kiln.FusedGemm(x, r)"));
        VERIFY_EQUIVALENT(*g, *r2.graph);
    }

    void fuseConvTransposeAndGemmResidual() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 2, 3, 3});
        ir::Value* skip = t.input("skip", {1, 2, 6, 6});
        ir::Value* y = t.op("ConvTranspose", {x, t.randomConstant("w", {2, 2, 2, 2})}, {{"strides", ints({2, 2})}}, "up");
        t.output(t.op("Sigmoid", {t.op("Add", {y, skip}, {}, "add")}, {}, "sig"));
        ir::Value* a = t.input("a", {3, 4});
        ir::Value* z = t.op("Gemm", {a, t.randomConstant("gw", {4, 5}), t.randomConstant("gc", {5})}, {}, "gemm");
        t.output(t.op("Add", {t.input("r", {3, 5}), z}, {}, "gadd"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(countOps(*r.graph, "FusedConvTranspose", "kiln"), 1);
        QCOMPARE(countOps(*r.graph, "FusedGemm", "kiln"), 1);
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    void dontFuseResidualAfterActivation() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 6, 6});
        ir::Value* y = t.op("Relu", {t.op("Conv", {x, t.randomConstant("w", {4, 4, 3, 3})}, conv3x3(), "conv")}, {}, "relu");
        t.output(t.op("Add", {y, x}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r1 = run(*g, passes::makeFuseBiasActivationPass());
        PassResult r2 = run(*r1.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r2.status);
        QCOMPARE(countOps(*r2.graph, "Add"), 1);
        QVERIFY2(declinedWith(r2, "already applies Relu, and the residual would have to be added before it"),
                 reasons(r2).constData());
        QCOMPARE(int(r2.log.declinesOf("add").size()), 1);
    }

    void dontFuseBroadcastingAdd() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 6, 6});
        ir::Value* s = t.input("s", {1, 4, 1, 1});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 4, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("Add", {y, s}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseResidualPass());
        QCOMPARE(countOps(*r.graph, "Add"), 1);
        QVERIFY2(declinedWith(r, "the Add broadcasts"), reasons(r).constData());
    }

    void dontFuseResidualIntoConvWithTwoConsumers() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 4, 3, 3})}, conv3x3(), "conv");
        t.output(t.op("Add", {y, x}, {}, "add"));
        t.output(y);
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseResidualPass());
        QCOMPARE(countOps(*r.graph, "Add"), 1);
        QVERIFY2(declinedWith(r, "is also a graph output"), reasons(r).constData());
    }

    void fuseResidualButNotSoftsign() {
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 6, 6});
        ir::Value* y = t.op("Conv", {x, t.randomConstant("w", {4, 4, 3, 3}), t.randomConstant("b", {4})}, conv3x3(), "conv");
        t.output(t.op("Softsign", {t.op("Add", {y, x}, {}, "add")}, {}, "softsign"));
        auto g = t.build();
        QVERIFY(g);
        PassResult r = run(*g, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(countOps(*r.graph, "FusedConv", "kiln"), 1);
        QVERIFY2(declinedWith(r, "activation Softsign cannot be fused"), reasons(r).constData());
        VERIFY_EQUIVALENT(*g, *r.graph);
    }

    // ---------------------------------------------------------------- sample models, scale
    void resnetMini() {
        auto g = onnx::importModelFile(test::sampleModel("resnet_mini.onnx"));
        KILN_VERIFY_EXPECTED(g);
        const ir::Graph& before = **g;
        QCOMPARE(countOps(before, "BatchNormalization"), 11);
        QCOMPARE(countOps(before, "Conv"), 11);
        PassResult r1 = run(before, passes::makeFoldBatchNormPass());
        KILN_VERIFY_OK(r1.status);
        QCOMPARE(countOps(*r1.graph, "BatchNormalization"), 0);
        QCOMPARE(int(rewrites(r1).size()), 11);
        PassResult r2 = run(*r1.graph, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r2.status);
        PassResult r3 = run(*r2.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r3.status);
        const ir::Graph& after = *r3.graph;
        // 9 FusedConv (stem, 4 x conv .0 + Relu, 4 x conv .1 + residual + Relu) and the two 1x1
        // downsample Convs, whose outputs are the residuals of their blocks.
        QCOMPARE(countOps(after, "FusedConv", "kiln"), 9);
        QCOMPARE(countOps(after, "Conv"), 2);
        QCOMPARE(countOps(after, "Add"), 0);
        QCOMPARE(countOps(after, "Relu"), 0);
        QCOMPARE(int(rewrites(r3).size()), 4);
        qInfo("resnet_mini: %d nodes before, %d after fold-batchnorm, %d after fuse-bias-activation, %d after "
              "fuse-residual",
              before.numNodes(), r1.graph->numNodes(), r2.graph->numNodes(), after.numNodes());
        VERIFY_EQUIVALENT(before, after);
    }

    void lenet5() {
        auto g = onnx::importModelFile(test::sampleModel("lenet5.onnx"));
        KILN_VERIFY_EXPECTED(g);
        const ir::Graph& before = **g;
        PassResult r1 = run(before, passes::makeFoldBatchNormPass());
        PassResult r2 = run(*r1.graph, passes::makeFuseBiasActivationPass());
        PassResult r3 = run(*r2.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r3.status);
        const ir::Graph& after = *r3.graph;
        QCOMPARE(countOps(after, "FusedConv", "kiln"), 2);
        QCOMPARE(countOps(after, "FusedGemm", "kiln"), 2);
        QCOMPARE(countOps(after, "Gemm"), 1);  // the logits: nothing to fuse
        QCOMPARE(countOps(after, "Relu"), 0);
        qInfo("lenet5: %d nodes before, %d after", before.numNodes(), after.numNodes());
        VERIFY_EQUIVALENT(before, after);
    }

    void encoderMini() {
        auto g = onnx::importModelFile(test::sampleModel("encoder_mini.onnx"));
        KILN_VERIFY_EXPECTED(g);
        const ir::Graph& before = **g;
        PassResult r1 = run(before, passes::makeFuseBiasActivationPass());
        KILN_VERIFY_OK(r1.status);
        for (const passes::Decline& d : declines(r1)) qInfo("  declined: %s", d.reason.c_str());
        QCOMPARE(countOps(*r1.graph, "FusedGemm", "kiln"), 12);  // 6 Linear (MatMul + Add) per layer
        QCOMPARE(countOps(*r1.graph, "MatMul"), 4);              // Q.K^T and P.V stay MatMuls
        PassResult r2 = run(*r1.graph, passes::makeFuseResidualPass());
        KILN_VERIFY_OK(r2.status);
        qInfo("encoder_mini: %d nodes before, %d after fuse-bias-activation, %d after fuse-residual (%d residuals)",
              before.numNodes(), r1.graph->numNodes(), r2.graph->numNodes(), int(rewrites(r2).size()));
        for (const passes::Decline& d : declines(r2)) qInfo("  declined: %s", d.reason.c_str());
        VERIFY_EQUIVALENT(before, *r2.graph);
    }

    void tenThousandNodesInTime() {
        // 2,000 blocks of Conv -> BatchNormalization -> Relu -> Conv -> Add(block input): 10,000 nodes.
        constexpr int kBlocks = 2000;
        TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 4, 4});
        const Attrs k1{{"kernel_shape", ints({1, 1})}};
        for (int i = 0; i < kBlocks; ++i) {
            std::string p = "b";
            p += std::to_string(i);
            ir::Value* y = t.op("Conv", {x, t.randomConstant(p + ".w1", {4, 4, 1, 1}, -0.5f, 0.5f)}, k1, p + ".conv1");
            y = t.op("Relu", {batchNorm(t, y, 4, p + ".bn")}, {}, p + ".relu");
            y = t.op("Conv", {y, t.randomConstant(p + ".w2", {4, 4, 1, 1}, -0.5f, 0.5f), t.randomConstant(p + ".b2", {4})},
                     k1, p + ".conv2");
            x = t.op("Add", {y, x}, {}, p + ".add");
        }
        t.output(x);
        auto g = t.build();
        QVERIFY(g);
        QCOMPARE(g->numNodes(), 5 * kBlocks);
        const auto t0 = std::chrono::steady_clock::now();
        PassResult r1 = run(*g, passes::makeFoldBatchNormPass());
        const auto t1 = std::chrono::steady_clock::now();
        PassResult r2 = run(*r1.graph, passes::makeFuseBiasActivationPass());
        const auto t2 = std::chrono::steady_clock::now();
        PassResult r3 = run(*r2.graph, passes::makeFuseResidualPass());
        const auto t3 = std::chrono::steady_clock::now();
        KILN_VERIFY_OK(r3.status);
        QCOMPARE(r3.graph->numNodes(), 2 * kBlocks);
        QCOMPARE(countOps(*r3.graph, "FusedConv", "kiln"), 2 * kBlocks);
        auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
        qInfo("%d nodes: fold-batchnorm %.0f ms, fuse-bias-activation %.0f ms, fuse-residual %.0f ms "
              "(each with clone, sort, verify and snapshots); the passes' run() alone: %.0f, %.0f, %.0f ms",
              g->numNodes(), ms(t0, t1), ms(t1, t2), ms(t2, t3), runOnlyMs(*g, passes::makeFoldBatchNormPass()),
              runOnlyMs(*r1.graph, passes::makeFuseBiasActivationPass()),
              runOnlyMs(*r2.graph, passes::makeFuseResidualPass()));
        QVERIFY(ms(t0, t3) < 2000.0);
    }
};

QTEST_GUILESS_MAIN(TestPassFusion)
#include "test_pass_fusion.moc"
