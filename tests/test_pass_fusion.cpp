// The folding and bias/activation passes (fold-batchnorm, fuse-bias-activation) and the
// kernels of the layers they produce (kiln.FusedConv, FusedConvTranspose, FusedGemm): counts
// after each pass, the log's rule and explanation, numeric equivalence with the CPU reference
// and declines with their reasons. Residual fusion and whole samples: test_pass_residual.cpp.
#include "fusion_test_common.h"

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

};

QTEST_GUILESS_MAIN(TestPassFusion)
#include "test_pass_fusion.moc"
