// fuse-residual (TensorRT's Conv + Add + Relu), and the three vertical-fusion passes together on
// the sample models and on a 10,000-node graph.
#include "fusion_test_common.h"

class TestPassResidual : public QObject {
    Q_OBJECT

private slots:
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
        // Not a speed measurement (bench/run_optimizer_bench.sh is): a bound ten times the
        // benchmark's figure that only quadratic behaviour would break, even on a loaded machine.
        QVERIFY(ms(t0, t3) < 20000.0);
    }
};

QTEST_GUILESS_MAIN(TestPassResidual)
#include "test_pass_residual.moc"
