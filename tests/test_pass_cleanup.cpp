// The cleanup passes: constant-folding, noop-elimination, dead-layer-elimination. Every rule has
// a positive test (op counts, log, same numbers before and after) and negative tests.
#include <QtTest>

#include <chrono>

#include "backends/cpu/cpu_executor.h"
#include "onnx/importer.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using test::Attrs;

namespace {

using Maker = std::unique_ptr<passes::Pass> (*)();

HostTensor ints(std::vector<int64_t> values, bool scalar = false) {
    std::vector<int64_t> dims;
    if (!scalar) dims.push_back(int64_t(values.size()));
    return HostTensor::fromVector<int64_t>(dims, values);
}
HostTensor floats(std::vector<int64_t> dims, std::vector<float> values) { return HostTensor::fromVector<float>(dims, values); }
ir::Attribute intsAttr(std::vector<int64_t> v) { return ir::Attribute(std::move(v)); }
ir::Attribute intAttr(int64_t v) { return ir::Attribute(v); }

// [batch, seq, 64] with symbolic batch and seq.
ir::Value* symbolicInput(test::TestGraph& t, const std::string& name, int64_t last = 64) {
    ir::Value* x = t.input(name, {1, 1, last});
    x->setShape(Shape({Dim::symbolic("batch"), Dim::symbolic("seq"), Dim(last)}));
    return x;
}

// Shape(x)[i] as a [1] tensor: Unsqueeze(Gather(Shape(x), i), [0]).
ir::Value* dimOf(test::TestGraph& t, ir::Value* x, int64_t i, const std::string& tag) {
    ir::Value* shape = t.op("Shape", {x}, {}, "shape_" + tag);
    ir::Value* d = t.op("Gather", {shape, t.constant("idx_" + tag, ints({i}, true))}, {{"axis", intAttr(0)}}, "gather_" + tag);
    return t.op("Unsqueeze", {d, t.constant("axes_" + tag, ints({0}))}, {}, "unsqueeze_" + tag);
}

struct Run {
    test::PassResult r;
    std::string equivalence;
};

Run runOne(const ir::Graph& g, Maker make) {
    auto pass = make();
    Run run{test::runPass(g, *pass), {}};
    if (run.r.status.isOk()) run.equivalence = test::checkEquivalent(g, *run.r.graph);
    return run;
}

const passes::PassRecord& record(const test::PassResult& r) { return r.log.passes().at(0); }

bool hasRule(const test::PassResult& r, const std::string& rule) {
    for (const passes::Rewrite& w : record(r).rewrites)
        if (w.rule == rule) return true;
    return false;
}

std::string declineOf(const test::PassResult& r, const std::string& node) {
    auto d = r.log.declinesOf(node);
    return d.empty() ? std::string() : d[0].second->reason;
}

#define VERIFY_RUN(run)                                                                    \
    do {                                                                                   \
        KILN_VERIFY_OK((run).r.status);                                                    \
        QCOMPARE(QString::fromStdString((run).equivalence), QString());                    \
    } while (0)

// Runs the three cleanup passes in pipeline order.
std::unique_ptr<ir::Graph> cleanup(const ir::Graph& g, int* rewrites = nullptr) {
    std::unique_ptr<ir::Graph> cur = g.clone();
    for (Maker m : {passes::makeConstantFoldingPass, passes::makeNoOpEliminationPass, passes::makeDeadLayerEliminationPass}) {
        auto p = m();
        auto r = test::runPass(*cur, *p);
        if (!r.status.isOk()) {
            qWarning("%s: %s", p->name().c_str(), r.status.toString().c_str());
            return nullptr;
        }
        if (rewrites) *rewrites += r.log.totalRewrites();
        cur = std::move(r.graph);
    }
    return cur;
}

std::string equivalentWith(const ir::Graph& before, const ir::Graph& after, std::map<std::string, int64_t> symbols) {
    auto inputs = cpu::makeRandomInputs(before, 7, symbols, 1);
    if (!inputs) return inputs.status().toString();
    cpu::CpuExecutor a(before), b(after);
    auto ra = a.run(*inputs);
    auto rb = b.run(*inputs);
    if (!ra || !rb) return (ra ? rb.status() : ra.status()).toString();
    for (auto& [name, t] : *ra) {
        CompareResult c = compareTensors(rb->at(name), t, 0, 0);
        if (!c.shapesMatch || !c.typesMatch || c.relativeL2 > 1e-5) return name + ": " + c.toString();
    }
    return {};
}

}  // namespace

class TestPassCleanup : public QObject {
    Q_OBJECT

private slots:
    // ---------------------------------------------------------------- constant-folding
    void foldsConstantSubgraphIntoOneRewrite() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3});
        ir::Value* a = t.op("Add", {t.randomConstant("a", {2, 3}), t.randomConstant("b", {3})}, {}, "add");
        ir::Value* s = t.op("Sqrt", {t.op("Abs", {a}, {}, "abs")}, {}, "sqrt");
        t.output(t.op("Mul", {x, s}, {}, "mul"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QCOMPARE(record(run.r).rewrites.size(), size_t(1));
        const passes::Rewrite& w = record(run.r).rewrites[0];
        QCOMPARE(w.rule, std::string("f(constants) => constant"));
        QCOMPARE(w.matched, (std::vector<std::string>{"add", "abs", "sqrt"}));
        QVERIFY(w.explanation.find("3 nodes") != std::string::npos);
        QVERIFY(w.explanation.find("'sqrt_out'") != std::string::npos);
        QVERIFY(run.r.graph->findValue("sqrt_out")->constant());
    }

    void foldedConstantNodeBecomesInitializer() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {3});
        ir::Value* c = t.op("Constant", {}, {{"value", ir::Attribute(floats({3}, {1, 2, 3}))}}, "const");
        t.output(t.op("Add", {x, c}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Constant"), 0);
        QVERIFY(hasRule(run.r, "Constant => initializer"));
        QCOMPARE(run.r.graph->findNode("add")->input(1)->constant()->getDouble(2), 3.0);
    }

    void foldsAGraphOutputUnderItsName() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {3});
        t.output(t.op("Relu", {x}, {}, "relu"));
        t.output(t.op("Neg", {t.randomConstant("c", {3})}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QCOMPARE(run.r.graph->outputs()[1]->name(), std::string("neg_out"));
        QVERIFY(run.r.graph->outputs()[1]->constant());
    }

    void doesNotFoldRuntimeInputs() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3});
        t.output(t.op("Add", {x, t.randomConstant("c", {3})}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QCOMPARE(run.r.log.totalRewrites(), 0);
        QVERIFY(record(run.r).declines.empty());  // not a candidate: nothing to explain
    }

    void declinesOverridableInitializer() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {3});
        ir::Value* w = t.input("w", {3});
        w->setConstant(floats({3}, {1, 2, 3}));  // an initializer listed among the inputs
        ir::Value* n = t.op("Neg", {w}, {}, "neg");
        t.output(t.op("Add", {x, n}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        QVERIFY(g->findValue("w")->isGraphInput() && g->findValue("w")->constant());
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        KILN_VERIFY_OK(run.r.status);
        QCOMPARE(run.r.graph->numNodes(), 2);
        QVERIFY(declineOf(run.r, "neg").find("overridden at run time") != std::string::npos);
    }

    void declinesHugeFold() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4096, 2048});
        ir::Value* big = t.op("Expand", {t.constant("one", HostTensor::scalar(DataType::Float32, 1.0)),
                                         t.constant("shape", ints({4096, 2048}))}, {}, "expand");
        t.output(t.op("Add", {x, big}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        auto pass = passes::makeConstantFoldingPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Expand"), 1);
        const std::string why = declineOf(r, "expand");
        QVERIFY2(why.find("32 MB") != std::string::npos && why.find("16 MB") != std::string::npos, why.c_str());
    }

    void foldsStaticShapeArithmetic() {
        // Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) with static x: all of it folds.
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 4});
        ir::Value* target = t.op("Concat", {dimOf(t, x, 0, "b"), t.constant("minus1", ints({-1}))}, {{"axis", intAttr(0)}}, "concat");
        t.output(t.op("Reshape", {x, target}, {}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        const HostTensor* c = run.r.graph->findNode("reshape")->input(1)->constant();
        QVERIFY(c);
        QCOMPARE(*c->toInt64Vector(), (std::vector<int64_t>{2, -1}));
        // One rewrite for the folded arithmetic, one summary of what shape inference gained (the
        // Reshape output, which ONNX could not infer before the target was known).
        QCOMPARE(record(run.r).rewrites.size(), size_t(2));
        QCOMPARE(record(run.r).rewrites[0].rule, std::string("Shape arithmetic => constant"));
        QCOMPARE(record(run.r).rewrites[0].matched.size(), size_t(4));
        QCOMPARE(record(run.r).rewrites[1].rule, std::string("symbolic shape inference"));
        QCOMPARE(run.r.graph->findValue("reshape_out")->shape().toString(), std::string("[2, 12]"));
    }

    void foldsKnownDimsOfSymbolicShapes() {
        // x: [batch, seq, 64]: Shape(x)[2] and Shape(x)[2:] fold, Shape(x)[0] cannot.
        test::TestGraph t;
        ir::Value* x = symbolicInput(t, "x");
        ir::Value* shape = t.op("Shape", {x}, {}, "shape");
        ir::Value* hidden = t.op("Gather", {shape, t.constant("i2", ints({2}, true))}, {{"axis", intAttr(0)}}, "gather_hidden");
        ir::Value* batch = t.op("Gather", {shape, t.constant("i0", ints({0}, true))}, {{"axis", intAttr(0)}}, "gather_batch");
        ir::Value* tail = t.op("Slice", {shape, t.constant("s", ints({2})), t.constant("e", ints({INT64_MAX}))}, {}, "slice");
        ir::Value* all = t.op("Slice", {shape, t.constant("s1", ints({1})), t.constant("e1", ints({3}))}, {}, "slice_seq");
        t.output(t.op("Add", {hidden, batch}, {}, "add"));
        t.output(t.op("Mul", {tail, all}, {}, "mul"));
        auto g = t.build();
        QVERIFY(g);
        QVERIFY(g->findValue("x")->shape()[0].isSymbolic());
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QVERIFY(!run.r.graph->findNode("gather_hidden"));
        QVERIFY(!run.r.graph->findNode("slice"));
        QVERIFY(run.r.graph->findNode("gather_batch"));
        QVERIFY(run.r.graph->findNode("slice_seq"));
        QCOMPARE(*run.r.graph->findValue("gather_hidden_out")->constant()->toInt64Vector(), std::vector<int64_t>{64});
        QCOMPARE(*run.r.graph->findValue("slice_out")->constant()->toInt64Vector(), std::vector<int64_t>{64});
        QCOMPARE(equivalentWith(*g, *run.r.graph, {{"batch", 3}, {"seq", 5}}), std::string());
    }

    void reshapeTargetCopiesSymbolicDims() {
        // Reshape(x, [batch(x), seq(x), 4, 16]) => Reshape(x, [0, 0, 4, 16]); the chain is then dead.
        test::TestGraph t;
        ir::Value* x = symbolicInput(t, "x");
        ir::Value* target = t.op("Concat", {dimOf(t, x, 0, "b"), dimOf(t, x, 1, "s"), t.constant("heads", ints({4})),
                                            t.constant("hd", ints({16}))}, {{"axis", intAttr(0)}}, "concat");
        t.output(t.op("Reshape", {x, target}, {}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        std::unique_ptr<ir::Graph> after = cleanup(*g);
        QVERIFY(after);
        QCOMPARE(after->numNodes(), 1);
        QCOMPARE(*after->findNode("reshape")->input(1)->constant()->toInt64Vector(), (std::vector<int64_t>{0, 0, 4, 16}));
        QCOMPARE(equivalentWith(*g, *after, {{"batch", 2}, {"seq", 7}}), std::string());

        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QVERIFY(hasRule(run.r, "Reshape(x, [dim0(x), ..., c]) => Reshape(x, [0, ..., c])"));
        QVERIFY(run.r.log.rewritesOf("reshape")[0].second->explanation.find("[0, 0, 4, 16]") != std::string::npos);
    }

    void reshapeTargetMatchesDimsBySymbolAndInfersOne() {
        // y = Transpose(x): [seq, batch, 64]; Reshape(y, [seq(x), batch(x) * 64]) => Reshape(y, [0, -1])
        test::TestGraph t;
        ir::Value* x = symbolicInput(t, "x");
        ir::Value* y = t.op("Transpose", {x}, {{"perm", intsAttr({1, 0, 2})}}, "transpose");
        ir::Value* b64 = t.op("Mul", {dimOf(t, x, 0, "b"), t.constant("c64", ints({64}))}, {}, "mul");
        ir::Value* target = t.op("Concat", {dimOf(t, x, 1, "s"), b64}, {{"axis", intAttr(0)}}, "concat");
        t.output(t.op("Reshape", {y, target}, {}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        std::unique_ptr<ir::Graph> after = cleanup(*g);
        QVERIFY(after);
        QCOMPARE(after->numNodes(), 2);
        QCOMPARE(*after->findNode("reshape")->input(1)->constant()->toInt64Vector(), (std::vector<int64_t>{0, -1}));
        QCOMPARE(equivalentWith(*g, *after, {{"batch", 2}, {"seq", 7}}), std::string());
    }

    void reshapeTargetWithSwappedDimsIsDeclined() {
        // Reshape(x, [seq, batch, 64]): neither run-time element is x's dim at its position.
        test::TestGraph t;
        ir::Value* x = symbolicInput(t, "x");
        ir::Value* target = t.op("Concat", {dimOf(t, x, 1, "s"), dimOf(t, x, 0, "b"), t.constant("h", ints({64}))},
                                 {{"axis", intAttr(0)}}, "concat");
        t.output(t.op("Reshape", {x, target}, {}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeConstantFoldingPass);
        VERIFY_RUN(run);
        QVERIFY(!run.r.graph->findNode("reshape")->input(1)->constant());
        QVERIFY(declineOf(run.r, "reshape").find("[seq, batch, 64]") != std::string::npos);
        QCOMPARE(equivalentWith(*g, *run.r.graph, {{"batch", 2}, {"seq", 7}}), std::string());
    }

    // ---------------------------------------------------------------- noop-elimination
    void removesNoOps_data() {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"Identity", "Dropout", "Reshape", "Flatten", "Expand", "Cast", "Transpose", "Pad", "Mul", "Add0x",
                              "Sub", "Div", "Concat", "Split", "Slice"})
            QTest::newRow(k) << QString(k);
    }
    void removesNoOps() {
        QFETCH(QString, kind);
        const std::string k = kind.toStdString();
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 6});
        ir::Value* h = t.op("Relu", {x}, {}, "relu");
        ir::Value* y = nullptr;
        std::string rule;
        if (k == "Identity") y = t.op("Identity", {h}, {}, "n"), rule = "Identity(x) => x";
        if (k == "Dropout") y = t.op("Dropout", {h, t.constant("ratio", HostTensor::scalar(DataType::Float32, 0.5))}, {}, "n"), rule = "Dropout(x) => x";
        if (k == "Reshape") y = t.op("Reshape", {h, t.constant("shape", ints({2, -1}))}, {}, "n"), rule = "Reshape(x) => x when the shape is unchanged";
        if (k == "Expand") y = t.op("Expand", {h, t.constant("shape", ints({1, 6}))}, {}, "n"), rule = "Expand(x) => x when the shape is unchanged";
        if (k == "Flatten") y = t.op("Flatten", {h}, {{"axis", intAttr(1)}}, "n"), rule = "Flatten(x) => x when the shape is unchanged";
        if (k == "Cast") y = t.op("Cast", {h}, {{"to", intAttr(1)}}, "n"), rule = "Cast(x, to=T) => x when x is T";
        if (k == "Transpose") y = t.op("Transpose", {h}, {{"perm", intsAttr({0, 1})}}, "n"), rule = "Transpose(x, identity) => x";
        if (k == "Pad") y = t.op("Pad", {h, t.constant("pads", ints({0, 0, 0, 0}))}, {}, "n"), rule = "Pad(x, pads=0) => x";
        if (k == "Mul") y = t.op("Mul", {h, t.constant("one", floats({2, 6}, std::vector<float>(12, 1.f)))}, {}, "n"), rule = "Mul(x, 1) => x";
        if (k == "Add0x") y = t.op("Add", {t.constant("zero", HostTensor::scalar(DataType::Float32, 0)), h}, {}, "n"), rule = "Add(0, x) => x";
        if (k == "Sub") y = t.op("Sub", {h, t.constant("zero", floats({6}, std::vector<float>(6, 0.f)))}, {}, "n"), rule = "Sub(x, 0) => x";
        if (k == "Div") y = t.op("Div", {h, t.constant("one", HostTensor::scalar(DataType::Float32, 1))}, {}, "n"), rule = "Div(x, 1) => x";
        if (k == "Concat") y = t.op("Concat", {h}, {{"axis", intAttr(1)}}, "n"), rule = "Concat(x) => x";
        if (k == "Split") y = t.op("Split", {h}, {{"axis", intAttr(1)}}, "n"), rule = "Split(x) => x";
        if (k == "Slice") y = t.op("Slice", {h, t.constant("st", ints({0, -6})), t.constant("en", ints({INT64_MAX, 6}))}, {}, "n"), rule = "Slice(x) over the whole tensor => x";
        QVERIFY(y);
        t.output(t.op("Sigmoid", {y}, {}, "sigmoid"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 2);
        QVERIFY(!run.r.graph->findNode("n"));
        QCOMPARE(run.r.graph->findNode("sigmoid")->input(0)->name(), std::string("relu_out"));
        QVERIFY2(hasRule(run.r, rule), rule.c_str());
    }

    void keepsNodesThatChangeSomething_data() {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"Reshape", "Cast", "Transpose", "Pad", "Mul2", "Sub0x", "Slice", "Split2"})
            QTest::newRow(k) << QString(k);
    }
    void keepsNodesThatChangeSomething() {
        QFETCH(QString, kind);
        const std::string k = kind.toStdString();
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 6});
        ir::Value* y = nullptr;
        if (k == "Reshape") y = t.op("Reshape", {x, t.constant("shape", ints({3, 4}))}, {}, "n");
        if (k == "Cast") y = t.op("Cast", {x}, {{"to", intAttr(10)}}, "n");  // float16
        if (k == "Transpose") y = t.op("Transpose", {x}, {{"perm", intsAttr({1, 0})}}, "n");
        if (k == "Pad") y = t.op("Pad", {x, t.constant("pads", ints({0, 1, 0, 0}))}, {}, "n");
        if (k == "Mul2") y = t.op("Mul", {x, t.constant("two", HostTensor::scalar(DataType::Float32, 2))}, {}, "n");
        if (k == "Sub0x") y = t.op("Sub", {t.constant("zero", HostTensor::scalar(DataType::Float32, 0)), x}, {}, "n");
        if (k == "Slice") y = t.op("Slice", {x, t.constant("st", ints({1})), t.constant("en", ints({6})), t.constant("ax", ints({1}))}, {}, "n");
        if (k == "Split2") y = t.opN("Split", {x}, 2, {{"axis", intAttr(1)}}, "n")[0];
        QVERIFY(y);
        t.output(t.op("Neg", {y}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QVERIFY(run.r.graph->findNode("n"));
        QCOMPARE(run.r.log.totalRewrites(), 0);
        QVERIFY(record(run.r).declines.empty());
    }

    void declinesGraphOutputFedByGraphInput() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        t.output(t.op("Identity", {x}, {}, "passthrough"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QCOMPARE(declineOf(run.r, "passthrough"), std::string("Identity output is a graph output and its input a graph input"));
    }

    void removesNoOpProducingAGraphOutput() {
        // The graph output keeps its name: Relu now produces it.
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        t.output(t.op("Mul", {t.op("Relu", {x}, {}, "relu"), t.constant("one", HostTensor::scalar(DataType::Float32, 1))}, {}, "mul"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QCOMPARE(run.r.graph->outputs()[0]->name(), std::string("mul_out"));
        QCOMPARE(run.r.graph->outputs()[0]->producer()->name(), std::string("relu"));
    }

    void noOpWithSeveralConsumersIsRemoved() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        ir::Value* id = t.op("Identity", {t.op("Relu", {x}, {}, "relu")}, {}, "id");
        t.output(t.op("Add", {t.op("Neg", {id}, {}, "neg"), t.op("Exp", {id}, {}, "exp")}, {}, "add"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Identity"), 0);
        QCOMPARE(run.r.graph->findNode("exp")->input(0)->name(), std::string("relu_out"));
    }

    void declinesDropoutWithUsedMask() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        auto outs = t.opN("Dropout", {x}, 2, {}, "dropout");
        t.output(t.op("Relu", {outs[0]}, {}, "relu"));
        t.output(outs[1]);
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Dropout"), 1);
        QCOMPARE(declineOf(run.r, "dropout"), std::string("Dropout's mask output is used"));
    }

    void declinesBroadcastingMulByOne() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {6});
        t.output(t.op("Mul", {x, t.constant("ones", floats({2, 6}, std::vector<float>(12, 1.f)))}, {}, "mul"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 1);
        QVERIFY(declineOf(run.r, "mul").find("broadcasts x [6] float32 to [2, 6] float32") != std::string::npos);
    }

    void transposeOfTransposeIdentityRemovesBoth() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 4});
        ir::Value* a = t.op("Transpose", {t.op("Relu", {x}, {}, "relu")}, {{"perm", intsAttr({1, 2, 0})}}, "t1");
        ir::Value* b = t.op("Transpose", {a}, {{"perm", intsAttr({2, 0, 1})}}, "t2");
        t.output(t.op("Neg", {b}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Transpose"), 0);
        QVERIFY(hasRule(run.r, "Transpose(Transpose(x)) => x"));
    }

    void transposeOfTransposeMergesIntoOne() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 4});
        ir::Value* a = t.op("Transpose", {x}, {{"perm", intsAttr({1, 0, 2})}}, "t1");
        ir::Value* b = t.op("Transpose", {a}, {{"perm", intsAttr({0, 2, 1})}}, "t2");
        ir::Value* c = t.op("Transpose", {b}, {}, "t3");  // default perm: reversed
        t.output(t.op("Neg", {c}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Transpose"), 1);
        // q = p1[p2] = [1, 2, 0], then q[reverse] = [0, 2, 1]
        QCOMPARE(run.r.graph->findNode("t3")->attrInts("perm"), (std::vector<int64_t>{0, 2, 1}));
        QCOMPARE(run.r.graph->findNode("t3")->input(0)->name(), std::string("x"));
        QCOMPARE(record(run.r).rewrites.size(), size_t(2));
        QVERIFY(record(run.r).rewrites[0].explanation.find("q = [1, 2, 0]") != std::string::npos);
    }

    void transposeWithSeveralConsumersStillMerges() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {2, 3, 4});
        ir::Value* a = t.op("Transpose", {x}, {{"perm", intsAttr({1, 0, 2})}}, "t1");
        ir::Value* b = t.op("Transpose", {a}, {{"perm", intsAttr({2, 1, 0})}}, "t2");
        t.output(t.op("Neg", {b}, {}, "neg"));
        t.output(t.op("Exp", {a}, {}, "exp"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeNoOpEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(test::countOps(*run.r.graph, "Transpose"), 2);  // t1 still feeds exp
        QCOMPARE(run.r.graph->findNode("t2")->input(0)->name(), std::string("x"));
        QCOMPARE(run.r.graph->findNode("t2")->attrInts("perm"), (std::vector<int64_t>{2, 0, 1}));
    }

    // ---------------------------------------------------------------- dead-layer-elimination
    void removesLayersThatReachNoOutput() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        ir::Value* r = t.op("Relu", {x}, {}, "relu");
        t.op("Tanh", {t.op("Sigmoid", {r}, {}, "sigmoid")}, {}, "tanh");  // read by nobody
        t.output(t.op("Neg", {r}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeDeadLayerEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 2);
        QCOMPARE(record(run.r).rewrites.size(), size_t(1));
        QCOMPARE(record(run.r).rewrites[0].matched, (std::vector<std::string>{"sigmoid", "tanh"}));
        QVERIFY(record(run.r).rewrites[0].explanation.find("2 layers reach no graph output") != std::string::npos);
    }

    void keepsEverythingLive() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        auto parts = t.opN("Split", {x}, 2, {{"axis", intAttr(0)}}, "split");  // one output unused: still live
        t.output(t.op("Neg", {parts[0]}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        Run run = runOne(*g, passes::makeDeadLayerEliminationPass);
        VERIFY_RUN(run);
        QCOMPARE(run.r.graph->numNodes(), 2);
        QCOMPARE(run.r.log.totalRewrites(), 0);
    }

    // ---------------------------------------------------------------- sample models, speed
    void sampleModels_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("encoder_mini") << "encoder_mini.onnx";
        QTest::newRow("resnet_mini") << "resnet_mini.onnx";
        QTest::newRow("lenet5") << "lenet5.onnx";
    }
    void sampleModels() {
        QFETCH(QString, file);
        auto g = onnx::importModelFile(test::sampleModel(file.toStdString()));
        KILN_VERIFY_EXPECTED(g);
        int rewrites = 0;
        std::unique_ptr<ir::Graph> after = cleanup(**g, &rewrites);
        QVERIFY(after);
        qInfo("%s: %d nodes -> %d after constant-folding, noop-elimination, dead-layer-elimination (%d rewrites)",
              qPrintable(file), (*g)->numNodes(), after->numNodes(), rewrites);
        QCOMPARE(equivalentWith(**g, *after, {{"batch", 2}, {"sequence", 7}}), std::string());
        if (file == "encoder_mini.onnx") {
            for (const char* op : {"Shape", "Gather", "Unsqueeze", "Concat", "Range"})
                qInfo("  %s: %d -> %d", op, test::countOps(**g, op), test::countOps(*after, op));
            QCOMPARE(test::countOps(*after, "Shape"), 1);    // position ids: Range(0, seq)
            QCOMPARE(test::countOps(*after, "Concat"), 0);
            QCOMPARE(test::countOps(*after, "Unsqueeze"), 1);  // the attention mask's
            for (auto& n : after->nodes())
                if (n->opType() == "Reshape") QVERIFY(n->input(1)->constant());
        }
    }

    void tenThousandNodesInUnderTwoSeconds() {
        // 2,000 blocks of 5 nodes: a foldable constant, a no-op, a dead branch and a real op.
        test::TestGraph t;
        ir::Value* y = t.input("x", {8});
        for (int i = 0; i < 2000; ++i) {
            const std::string s = std::to_string(i);
            ir::Value* c = t.op("Neg", {t.randomConstant("c" + s, {8})}, {}, "neg" + s);
            y = t.op("Identity", {t.op("Add", {y, c}, {}, "add" + s)}, {}, "id" + s);
            t.op("Exp", {t.op("Relu", {y}, {}, "relu" + s)}, {}, "exp" + s);
        }
        t.output(y);
        auto g = t.build();
        QVERIFY(g);
        QCOMPARE(g->numNodes(), 10000);
        auto t0 = std::chrono::steady_clock::now();
        std::unique_ptr<ir::Graph> after = cleanup(*g);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QVERIFY(after);
        qInfo("10,000 nodes -> %d in %.3f s (including the test's clones and verification)", after->numNodes(), seconds);
        QCOMPARE(after->numNodes(), 2000);
        QVERIFY(seconds < 2.0);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *after)), QString());
    }
};

QTEST_GUILESS_MAIN(TestPassCleanup)
#include "test_pass_cleanup.moc"
