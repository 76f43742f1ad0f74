// Layout passes: horizontal fusion, concat elimination, pointwise fusion (and the kiln.Pointwise
// kernel). Each positive test checks op counts, the log and numeric equivalence; each negative
// test checks that nothing changed and, for real candidates, the recorded reason.
#include <QtTest>

#include <chrono>

#include "onnx/importer.h"
#include "ops/activation_fn.h"
#include "ops/pointwise_program.h"
#include "passes/passes.h"
#include "passes/pipeline.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using test::Attrs;

namespace {

const ir::Node* firstOp(const ir::Graph& g, const std::string& opType, const std::string& domain = "") {
    for (auto& n : g.nodes())
        if (n->opType() == opType && n->domain() == domain) return n.get();
    return nullptr;
}

// Every decline reason of the last pass, joined (for QVERIFY2 messages and substring checks).
std::string declines(const test::PassResult& r) {
    std::string s;
    for (const passes::Decline& d : r.log.passes().back().declines) s += d.reason + "\n";
    return s;
}
bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ir::Value* scalar(test::TestGraph& t, const std::string& name, float v) {
    return t.constant(name, HostTensor::scalar(DataType::Float32, v));
}

#define VERIFY_EQUIVALENT(before, after, tol)                                                   \
    do {                                                                                        \
        const std::string _diff = test::checkEquivalent(before, after, tol);                    \
        QVERIFY2(_diff.empty(), _diff.c_str());                                                 \
    } while (0)

#define VERIFY_CONTAINS(text, part) QVERIFY2(mentions(text, part), (std::string(text) + " lacks: " + part).c_str())

// Q/K/V projections as PyTorch exports nn.Linear: MatMul(x, W^T) + bias.
std::unique_ptr<ir::Graph> qkv(int opset = 13) {
    test::TestGraph t(opset);
    ir::Value* x = t.input("x", {2, 5, 16});
    const std::vector<std::pair<std::string, int64_t>> heads{{"q", 8}, {"k", 8}, {"v", 12}};
    for (auto& [h, n] : heads) {
        ir::Value* y = t.op("MatMul", {x, t.randomConstant("W" + h, {16, n})}, {}, "mm_" + h);
        t.output(t.op("Add", {y, t.randomConstant("b" + h, {n})}, {}, "add_" + h));
    }
    return t.build();
}

}  // namespace

class TestPassLayout : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<passes::Pass> m_horizontal = passes::makeHorizontalFusionPass();
    std::unique_ptr<passes::Pass> m_concat = passes::makeConcatEliminationPass();
    std::unique_ptr<passes::Pass> m_pointwise = passes::makePointwiseFusionPass();

private slots:
    // ---- horizontal fusion -----------------------------------------------------------------

    void horizontalMergesQkvMatMuls_data() {
        QTest::addColumn<int>("opset");
        QTest::newRow("opset 13 (split input)") << 13;
        QTest::newRow("opset 11 (split attribute)") << 11;
    }
    void horizontalMergesQkvMatMuls() {
        QFETCH(int, opset);
        auto g = qkv(opset);
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "MatMul"), 1);
        QCOMPARE(test::countOps(*r.graph, "Split"), 1);
        QCOMPARE(test::countOps(*r.graph, "Add"), 3);
        const ir::Node* split = firstOp(*r.graph, "Split");
        QCOMPARE(split->attrInt("kiln_view", 0), int64_t(1));
        QCOMPARE(split->attrInt("axis", -1), int64_t(2));
        QCOMPARE(split->output(0)->name(), std::string("mm_q_out"));  // consumers keep their values
        const ir::Node* mm = firstOp(*r.graph, "MatMul");
        QCOMPARE(mm->output(0)->shape().toString(), std::string("[2, 5, 28]"));
        QCOMPARE(mm->origins(), (std::vector<std::string>{"mm_q", "mm_k", "mm_v"}));
        QCOMPARE(r.log.totalRewrites(), 1);
        const std::string& why = r.log.passes().back().rewrites[0].explanation;
        VERIFY_CONTAINS(why, "Merged 3 MatMuls reading 'x' into one [16 x 28] GEMM (8 + 8 + 12)");
        VERIFY_CONTAINS(why, "'x' read once instead of 3 times");
        QVERIFY(declines(r).empty());
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void horizontalMergesOneByOneConvsAndZeroFillsBias() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {1, 8, 6, 6});
        const Attrs k1{{"kernel_shape", std::vector<int64_t>{1, 1}}};
        t.output(t.op("Conv", {x, t.randomConstant("w1", {4, 8, 1, 1}), t.randomConstant("b1", {4})}, k1, "c1"));
        t.output(t.op("Relu", {t.op("Conv", {x, t.randomConstant("w2", {6, 8, 1, 1})}, k1, "c2")}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Conv"), 1);
        const ir::Node* conv = firstOp(*r.graph, "Conv");
        QCOMPARE(conv->numInputs(), 3);
        QCOMPARE(conv->input(1)->shape().toString(), std::string("[10, 8, 1, 1]"));
        QCOMPARE(firstOp(*r.graph, "Split")->attrInt("axis", -1), int64_t(1));
        VERIFY_CONTAINS(r.log.passes().back().rewrites[0].explanation, "one Conv with 10 output channels (4 + 6)");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void horizontalMergesGemmsWithTransposedWeights() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {3, 10});
        const Attrs attrs{{"transB", int64_t(1)}, {"alpha", 0.5f}};
        t.output(t.op("Gemm", {x, t.randomConstant("w1", {7, 10}), t.randomConstant("b1", {7})}, attrs, "g1"));
        t.output(t.op("Gemm", {x, t.randomConstant("w2", {5, 10}), t.randomConstant("b2", {5})}, attrs, "g2"));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Gemm"), 1);
        QCOMPARE(firstOp(*r.graph, "Gemm")->input(1)->shape().toString(), std::string("[12, 10]"));
        VERIFY_CONTAINS(r.log.passes().back().rewrites[0].explanation, "one [10 x 12] GEMM");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    // Siblings already fused by fuse-bias-activation: kiln.FusedGemm(x, W, b) + Relu epilogue.
    void horizontalMergesFusedGemms() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 6});
        ir::Value* res = t.input("res", {2, 3, 5});
        for (auto [name, n] : {std::pair{"a", 4}, {"b", 5}, {"c", 5}}) {
            const std::string s = name;
            ir::Value* y = t.op("Add", {t.op("MatMul", {x, t.randomConstant("W" + s, {6, n})}), t.randomConstant("b" + s, {n})});
            if (s == "c") y = t.op("Add", {y, res});
            t.output(t.op("Relu", {y}, {}, "relu_" + s));
        }
        auto g = t.build();
        QVERIFY(g);
        // Rewrite each MatMul -> Add (-> Add residual) -> Relu into one kiln.FusedGemm by hand.
        auto fusedGraph = g->clone();
        ir::Graph& f = *fusedGraph;
        for (const char* name : {"a", "b", "c"}) {
            ir::Node* relu = f.findNode(std::string("relu_") + name);
            std::vector<ir::Node*> chain{relu};
            while (chain.back()->input(0)->producer()) chain.push_back(chain.back()->input(0)->producer());
            ir::Node* mm = chain.back();
            std::vector<ir::Value*> in{mm->input(0), mm->input(1), chain[chain.size() - 2]->input(1)};
            if (chain.size() == 4) in.push_back(chain[1]->input(1));
            ir::Value* out = relu->output(0);
            f.removeNodes(chain);
            ir::Node* fg = f.addNode(std::string("fg_") + name, "FusedGemm", "kiln", in, {out});
            fg->setAttr("matmul", int64_t(1));
            ops::setActivationAttrs(*fg, ops::Activation{ops::ActivationKind::Relu});
        }
        f.info().opsets["kiln"] = 1;
        for (auto& n : f.nodes()) n->setOpsetVersion(f.opsetFor(n->domain()));
        KILN_VERIFY_OK(f.topologicalSort());
        VERIFY_EQUIVALENT(*g, f, 1e-5);
        auto r = test::runPass(f, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "FusedGemm", "kiln"), 2);  // a+b merged, c has a residual
        QCOMPARE(r.log.totalRewrites(), 1);
        VERIFY_CONTAINS(declines(r), "FusedGemm 'fg_c' cannot join its 2 sibling(s) reading 'x': it adds a residual input");
        const ir::Node* merged = r.graph->findNode("fg_a + fg_b");
        QVERIFY(merged);
        QCOMPARE(merged->input(2)->shape().toString(), std::string("[9]"));
        QCOMPARE(merged->attrString("activation", ""), std::string("Relu"));
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void horizontalDeclinesDifferentAttributes() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {1, 4, 8, 8});
        t.output(t.op("Conv", {x, t.randomConstant("w1", {4, 4, 3, 3})}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}, "c1"));
        t.output(t.op("Conv", {x, t.randomConstant("w2", {4, 4, 3, 3})}, {{"strides", std::vector<int64_t>{2, 2}}}, "c2"));
        t.output(t.op("Conv", {x, t.randomConstant("w3", {4, 2, 3, 3})}, {{"group", int64_t(2)}}, "c3"));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Conv"), 3);
        QCOMPARE(r.log.totalRewrites(), 0);
        const std::string d = declines(r);
        VERIFY_CONTAINS(d, "attribute 'pads' differs");
        VERIFY_CONTAINS(d, "grouped convolution (group = 2)");
    }

    void horizontalDeclinesNonConstantWeightsAndKeepsTheRest() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4, 6});
        ir::Value* w = t.input("w", {6, 3});
        t.output(t.op("MatMul", {x, w}, {}, "dyn"));
        t.output(t.op("MatMul", {x, t.randomConstant("w1", {6, 3})}, {}, "m1"));
        t.output(t.op("MatMul", {x, t.randomConstant("w2", {6, 2})}, {}, "m2"));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "MatMul"), 2);  // dyn + the merged m1/m2
        QCOMPARE(r.log.totalRewrites(), 1);
        VERIFY_CONTAINS(declines(r), "its weight 'w' is not a constant");
        QCOMPARE(int(r.log.declinesOf("dyn").size()), 1);
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void horizontalLeavesALoneMatMul() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4, 6});
        t.output(t.op("MatMul", {x, t.randomConstant("w1", {6, 3})}, {}, "m1"));
        t.output(t.op("MatMul", {t.op("Relu", {x}), t.randomConstant("w2", {6, 3})}, {}, "m2"));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_horizontal);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "MatMul"), 2);
        QCOMPARE(r.log.totalRewrites(), 0);
        QVERIFY(declines(r).empty());  // no siblings: not a candidate
    }

    // ---- concat elimination ----------------------------------------------------------------

    void concatProducersWriteInPlace() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {1, 3, 4});
        ir::Value* y = t.op("Concat", {t.op("Relu", {x}), t.op("Sigmoid", {x})}, {{"axis", int64_t(1)}}, "cat");
        t.output(t.op("Exp", {y}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_concat);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Concat"), 1);
        QCOMPARE(r.graph->findNode("cat")->attrInt("kiln_inplace", 0), int64_t(1));
        QCOMPARE(r.log.totalRewrites(), 1);
        const std::string& why = r.log.passes().back().rewrites[0].explanation;
        VERIFY_CONTAINS(why, "producers write into their slices of 'cat_out'");
        VERIFY_CONTAINS(why, "the copy of 96 bytes disappears");
        VERIFY_CONTAINS(why, "one contiguous block");
        VERIFY_EQUIVALENT(*g, *r.graph, 0.0);
    }

    void concatDeclines_data() {
        QTest::addColumn<QString>("kase");
        QTest::addColumn<QString>("reason");
        QTest::newRow("graph input") << "input" << "is a graph input";
        QTest::newRow("operand twice") << "twice" << "is concatenated twice";
        QTest::newRow("shared operand") << "shared" << "has 2 consumers";
        QTest::newRow("constant") << "constant" << "is a constant";
        QTest::newRow("graph output") << "output" << "is a graph output";
    }
    void concatDeclines() {
        QFETCH(QString, kase);
        QFETCH(QString, reason);
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3});
        ir::Value* r1 = t.op("Relu", {x});
        std::vector<ir::Value*> in{r1, t.op("Tanh", {x})};
        if (kase == "input") in[1] = x;
        if (kase == "twice") in[1] = r1;
        if (kase == "constant") in[1] = t.randomConstant("c", {2, 3});
        if (kase == "shared") t.output(t.op("Neg", {r1}));
        ir::Value* y = t.op("Concat", in, {{"axis", int64_t(0)}}, "cat");
        t.output(kase == "output" ? y : t.op("Exp", {y}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_concat);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.log.totalRewrites(), 0);
        QVERIFY(!r.graph->findNode("cat")->hasAttr("kiln_inplace"));
        VERIFY_CONTAINS(declines(r), reason.toStdString());
        QCOMPARE(int(r.log.declinesOf("cat").size()), 1);
    }

    // ---- pointwise fusion ------------------------------------------------------------------

    void pointwiseFusesChainWithBroadcasting() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 4});
        ir::Value* s = t.input("s", {4});
        ir::Value* b = t.randomConstant("b", {3, 1});
        ir::Value* y = t.op("Relu", {t.op("Add", {t.op("Mul", {x, s}), b})});
        t.output(t.op("Softmax", {t.op("Sigmoid", {y})}, {{"axis", int64_t(-1)}}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Pointwise", "kiln"), 1);
        QCOMPARE(r.graph->numNodes(), 2);  // Pointwise + Softmax
        const ir::Node* p = firstOp(*r.graph, "Pointwise", "kiln");
        QCOMPARE(p->attrString("expr", ""), std::string("sigmoid(relu(x0 * x1 + x2))"));
        QCOMPARE(p->numInputs(), 3);
        QCOMPARE(p->attrInts("args"), (std::vector<int64_t>{0, 1, 3, 2, 4, 0, 5, 0}));
        const std::string& why = r.log.passes().back().rewrites[0].explanation;
        VERIFY_CONTAINS(why, "Fused 4 elementwise ops (Mul, Add, Relu, Sigmoid)");
        VERIFY_CONTAINS(why, "3 intermediate tensors (288 bytes)");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseBakesScalarsAsImmediates() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {5, 7});
        ir::Value* y = t.op("Mul", {t.op("Sub", {x, scalar(t, "half", 0.5f)}), scalar(t, "two", 2.f)});
        t.output(t.op("Div", {scalar(t, "one", 1.f), t.op("Add", {y, t.randomConstant("row", {7}, 2.f, 3.f)})}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        const ir::Node* p = firstOp(*r.graph, "Pointwise", "kiln");
        QVERIFY(p);
        QCOMPARE(p->numInputs(), 2);  // x and the [7] row; the scalars are immediates
        QCOMPARE(p->attrFloats("imms"), (std::vector<float>{1.f, 0.5f, 2.f}));  // in order of appearance
        QCOMPARE(p->attrString("expr", ""), std::string("1 / ((x0 - 0.5) * 2 + x1)"));
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseScalarOfHigherRankStaysAnInput() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        ir::Value* c = t.constant("c", HostTensor::fromVector<float>({1, 1}, {3.f}));
        t.output(t.op("Exp", {t.op("Add", {x, c})}));  // [4] + [1, 1] -> [1, 4]
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(firstOp(*r.graph, "Pointwise", "kiln")->numInputs(), 2);
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseSplitsAtASharedValue() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {3, 4});
        ir::Value* a = t.op("Add", {t.op("Mul", {x, x}, {}, "sq"), scalar(t, "one", 1.f)}, {}, "shared");
        ir::Value* y = t.op("Add", {t.op("Relu", {a}), t.op("Tanh", {a})});
        t.output(t.op("Sqrt", {y}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Pointwise", "kiln"), 2);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(r.log.totalRewrites(), 2);
        const auto d = r.log.declinesOf("shared");
        QCOMPARE(int(d.size()), 1);
        VERIFY_CONTAINS(d[0].second->reason, "has 2 consumers");
        VERIFY_CONTAINS(d[0].second->reason, "chain is split there");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseKeepsGraphOutputIntermediates() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {6});
        ir::Value* a = t.op("Relu", {x}, {}, "visible");
        t.output(a);
        t.output(t.op("Sigmoid", {t.op("Exp", {a})}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QVERIFY(r.graph->findNode("visible"));
        QCOMPARE(test::countOps(*r.graph, "Pointwise", "kiln"), 1);
        QCOMPARE(firstOp(*r.graph, "Pointwise", "kiln")->origins().size(), size_t(2));
        VERIFY_CONTAINS(declines(r), "is also a graph output");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseLeavesOtherOpsAlone() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 5});
        ir::Value* s = t.op("Softmax", {t.op("Relu", {x})}, {{"axis", int64_t(1)}});
        t.output(t.op("ReduceSum", {t.op("Exp", {s})}, {{"keepdims", int64_t(1)}}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.log.totalRewrites(), 0);
        QVERIFY(declines(r).empty());
        QCOMPARE(r.graph->numNodes(), 4);
    }

    void pointwiseCoversParamsClipAndCasts() {
        test::TestGraph t(14);
        ir::Value* x = t.input("x", {4, 8});
        ir::Value* lo = t.input("lo", {});
        ir::Value* v = t.op("Clip", {x, scalar(t, "cmin", -0.5f), scalar(t, "cmax", 0.75f)});
        v = t.op("LeakyRelu", {t.op("Sub", {v, scalar(t, "q", 0.25f)})}, {{"alpha", 0.2f}});
        v = t.op("HardSigmoid", {t.op("Elu", {v}, {{"alpha", 0.7f}})}, {{"alpha", 0.3f}, {"beta", 0.4f}});
        v = t.op("Cast", {t.op("Cast", {v}, {{"to", int64_t(10)}})}, {{"to", int64_t(1)}});
        v = t.op("Max", {t.op("HardSwish", {v}), t.op("Softplus", {x})});
        v = t.op("Pow", {t.op("Abs", {v}), scalar(t, "p", 1.5f)});
        v = t.op("Erf", {t.op("Log", {t.op("Add", {v, scalar(t, "eps", 1.f)})})});
        t.output(t.op("Clip", {t.op("Neg", {v}), lo}, {}, "dynclip"));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Pointwise", "kiln"), 1);
        QCOMPARE(r.graph->numNodes(), 2);
        VERIFY_CONTAINS(declines(r), "Clip 'dynclip' cannot join a pointwise layer");
        const std::string expr = firstOp(*r.graph, "Pointwise", "kiln")->attrString("expr", "");
        VERIFY_CONTAINS(expr, "cast_f32(cast_f16(hard_sigmoid(elu(leaky_relu(clip(x0, -0.5, 0.75) - 0.25, 0.2), 0.7), 0.3, 0.4)))");
        VERIFY_EQUIVALENT(*g, *r.graph, 1e-5);
    }

    void pointwiseFloat64AndFloat16_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("float64") << int(DataType::Float64) << 1e-12;
        QTest::newRow("float16") << int(DataType::Float16) << 2e-3;  // fused: no rounding between steps
    }
    void pointwiseFloat64AndFloat16() {
        QFETCH(int, type);
        QFETCH(double, tolerance);
        const DataType dt = DataType(type);
        test::TestGraph t;
        ir::Value* x = t.input("x", {3, 5}, dt);
        ir::Value* y = t.input("y", {5}, dt);
        ir::Value* c = t.constant("c", HostTensor::scalar(dt, 0.5));
        t.output(t.op("Tanh", {t.op("Mul", {t.op("Add", {x, y}), c})}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *m_pointwise);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Pointwise", "kiln"), 1);
        QCOMPARE(r.graph->outputs()[0]->dtype(), dt);
        VERIFY_EQUIVALENT(*g, *r.graph, tolerance);
    }

    void pointwiseProgramRejectsBadEncodings() {
        ir::Graph g;
        ir::Node* n = g.addNode("p", "Pointwise", "kiln", {}, {});
        n->setAttr("ops", std::vector<std::string>{"relu", "bogus"});
        n->setAttr("args", std::vector<int64_t>{0, 0, 1, 0});
        n->setAttr("params", std::vector<float>{0, 0, 0, 0});
        QVERIFY(!ops::pointwise::readProgram(*n, 1).hasValue());
        n->setAttr("ops", std::vector<std::string>{"relu", "add"});
        n->setAttr("args", std::vector<int64_t>{0, 0, 1, 2});  // step 1 reads itself
        QVERIFY(!ops::pointwise::readProgram(*n, 1).hasValue());
        n->setAttr("args", std::vector<int64_t>{0, 0, 1, -1});
        n->setAttr("imms", std::vector<float>{2.f});
        auto p = ops::pointwise::readProgram(*n, 1);
        KILN_VERIFY_EXPECTED(p);
        QCOMPARE(ops::pointwise::describe(*p), std::string("relu(x0) + 2"));
    }

    // ---- sample models and scale -----------------------------------------------------------

    void sampleModels_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("mergedMatMuls");
        QTest::newRow("encoder_mini") << "encoder_mini.onnx" << 2;
        QTest::newRow("resnet_mini") << "resnet_mini.onnx" << 0;
    }
    void sampleModels() {
        QFETCH(QString, model);
        QFETCH(int, mergedMatMuls);
        auto g = onnx::importModelFile(test::sampleModel(model.toStdString()));
        KILN_VERIFY_EXPECTED(g);
        const ir::Graph& before = **g;
        auto h = test::runPass(before, *m_horizontal);
        KILN_VERIFY_OK(h.status);
        for (const passes::Decline& d : h.log.passes().back().declines) qInfo("  declined: %s", d.reason.c_str());
        QCOMPARE(test::countOps(*h.graph, "MatMul"), test::countOps(before, "MatMul") - 2 * mergedMatMuls);
        int views = 0;
        for (auto& n : h.graph->nodes()) views += n->attrInt("kiln_view", 0) == 1;
        QCOMPARE(views, mergedMatMuls);
        VERIFY_EQUIVALENT(before, *h.graph, 1e-5);
        auto c = test::runPass(*h.graph, *m_concat);
        KILN_VERIFY_OK(c.status);
        for (const passes::Decline& d : c.log.passes().back().declines) qInfo("  declined: %s", d.reason.c_str());
        auto p = test::runPass(*c.graph, *m_pointwise);
        KILN_VERIFY_OK(p.status);
        VERIFY_EQUIVALENT(before, *p.graph, 1e-5);
        qInfo("%s: %d nodes (%d MatMul, %d Conv) -> horizontal %d nodes (%d MatMul, %d Conv, %d rewrites) -> "
              "concat %d in place, %d declined -> pointwise %d nodes (%d kiln.Pointwise)",
              qPrintable(model), before.numNodes(), test::countOps(before, "MatMul"), test::countOps(before, "Conv"),
              h.graph->numNodes(), test::countOps(*h.graph, "MatMul"), test::countOps(*h.graph, "Conv"),
              h.log.totalRewrites(), c.log.totalRewrites(), int(c.log.passes().back().declines.size()),
              p.graph->numNodes(), test::countOps(*p.graph, "Pointwise", "kiln"));
        for (const passes::Rewrite& rw : p.log.passes().back().rewrites) qInfo("  %s", rw.explanation.c_str());
        // And the whole pipeline, with the other helpers' passes.
        auto full = before.clone();
        passes::PassLog log(false);
        KILN_VERIFY_OK(passes::optimize(*full, {.level = 3, .disabledPasses = {}}, &log));
        VERIFY_EQUIVALENT(before, *full, 1e-4);
        qInfo("%s: full pipeline %d -> %d nodes", qPrintable(model), before.numNodes(), full->numNodes());
        for (const passes::PassRecord& pr : log.passes())
            qInfo("  %-22s %3d -> %3d nodes, %d rewrites, %d declines", pr.name.c_str(), pr.nodesBefore, pr.nodesAfter,
                  int(pr.rewrites.size()), int(pr.declines.size()));
    }

    // 10,000 nodes through the three passes: linear work only.
    void largeGraphIsFast() {
        test::TestGraph t;
        ir::Value* h = t.input("x", {1, 8});
        for (int b = 0; b < 1000; ++b) {
            const std::string p = std::string("b").append(std::to_string(b));
            ir::Value* u = t.op("MatMul", {h, t.randomConstant(p + ".wu", {8, 4})});
            ir::Value* v = t.op("MatMul", {h, t.randomConstant(p + ".wv", {8, 4})});
            ir::Value* cat = t.op("Concat", {t.op("Relu", {u}), t.op("Sigmoid", {v})}, {{"axis", int64_t(1)}});
            ir::Value* y = t.op("Add", {t.op("Mul", {cat, scalar(t, p + ".s", 0.5f)}), h});
            h = t.op("Tanh", {t.op("Exp", {t.op("Neg", {y})})});  // 10 nodes per block
        }
        t.output(h);
        auto g = t.build();
        QVERIFY(g);
        QCOMPARE(g->numNodes(), 10000);
        const auto t0 = std::chrono::steady_clock::now();
        auto a = test::runPass(*g, *m_horizontal);
        auto b = test::runPass(*a.graph, *m_concat);
        auto c = test::runPass(*b.graph, *m_pointwise);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        KILN_VERIFY_OK(a.status);
        KILN_VERIFY_OK(b.status);
        KILN_VERIFY_OK(c.status);
        QCOMPARE(a.log.totalRewrites(), 1000);
        QCOMPARE(c.log.totalRewrites(), 1000);
        qInfo("3 layout passes on 10,000 nodes: %.0f ms; %d -> %d nodes", ms, g->numNodes(), c.graph->numNodes());
        QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));
        VERIFY_EQUIVALENT(*g, *c.graph, 1e-5);
        // The whole pipeline (every helper's passes), for information.
        auto full = g->clone();
        const auto t1 = std::chrono::steady_clock::now();
        KILN_VERIFY_OK(passes::optimize(*full, {.level = 3, .disabledPasses = {}}));
        qInfo("full pipeline on 10,000 nodes: %.0f ms; %d -> %d nodes",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count(), g->numNodes(),
              full->numNodes());
    }
};

QTEST_GUILESS_MAIN(TestPassLayout)
#include "test_pass_layout.moc"
