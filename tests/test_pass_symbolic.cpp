// Symbolic shape and value inference (passes/symbolic_shapes.h) and what constant-folding does
// with it: every rule on a one-op graph whose shapes were forgotten (the way libonnx loses them
// after a computed Reshape target), the dim algebra, folding of values that become numbers, and
// the Reshape-target rewrite, positive and negative, with the same numbers before and after.
#include <QtTest>

#include <cmath>
#include <functional>

#include "passes/passes.h"
#include "passes/symbolic_dims.h"
#include "passes/symbolic_shapes.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using ir::Attribute;
using ir::Value;

namespace {

HostTensor ints(std::vector<int64_t> v, bool scalar = false) {
    std::vector<int64_t> dims;
    if (!scalar) dims.push_back(int64_t(v.size()));
    return HostTensor::fromVector<int64_t>(dims, v);
}
HostTensor scalarF(float v) { return HostTensor::scalar(DataType::Float32, v); }
Attribute intsAttr(std::vector<int64_t> v) { return Attribute(std::move(v)); }
Attribute intAttr(int64_t v) { return Attribute(v); }

Value* symbolicInput(test::TestGraph& t, const std::string& name, std::vector<Dim> dims, DataType type = DataType::Float32) {
    std::vector<int64_t> placeholder(dims.size(), 1);
    Value* x = t.input(name, placeholder, type);
    x->setShape(Shape(std::move(dims)));
    return x;
}
// x: [batch, seq, 64]
Value* hiddenInput(test::TestGraph& t, const std::string& name = "x") {
    return symbolicInput(t, name, {Dim::symbolic("batch"), Dim::symbolic("seq"), Dim(64)});
}

// Shape(x)[i] as a [1] tensor, the way PyTorch exports x.size(i): Unsqueeze(Gather(Shape(x), i), [0]).
Value* dimOf(test::TestGraph& t, Value* x, int64_t i) {
    Value* shape = t.op("Shape", {x});
    Value* d = t.op("Gather", {shape, t.constant("idx", ints({i}, true))}, {{"axis", intAttr(0)}});
    if (t.opset() < 13) return t.op("Unsqueeze", {d}, {{"axes", intsAttr({0})}});
    return t.op("Unsqueeze", {d, t.constant("axes", ints({0}))});
}

Value* cat(test::TestGraph& t, std::vector<Value*> parts) { return t.op("Concat", std::move(parts), {{"axis", intAttr(0)}}); }

// The shape inference gives `v` in g after every computed shape was forgotten.
std::string inferredShape(ir::Graph& g, const std::string& value) {
    test::forgetShapes(g);
    passes::inferSymbolicShapes(g);
    return g.findValue(value)->shape().toString();
}

struct RuleCase {
    const char* name;
    int opset;
    std::function<Value*(test::TestGraph&)> build;  // returns the value to check
    const char* expected;
};

std::vector<RuleCase> ruleCases() {
    auto c = [](test::TestGraph& t, std::vector<int64_t> v) { return t.constant("c", ints(std::move(v))); };
    return {
        {"Reshape 0 and -1", 13, [=](test::TestGraph& t) { return t.op("Reshape", {hiddenInput(t), c(t, {0, 0, -1, 16})}); },
         "[batch, seq, 4, 16]"},
        {"Reshape -1 is a product", 13, [=](test::TestGraph& t) { return t.op("Reshape", {hiddenInput(t), c(t, {-1, 64})}); },
         "[batch*seq, 64]"},
        {"Reshape back from symbolic dims", 13,
         [=](test::TestGraph& t) {
             Value* x = hiddenInput(t);
             Value* flat = t.op("Reshape", {x, c(t, {-1, 64})});
             return t.op("Reshape", {flat, cat(t, {dimOf(t, x, 0), dimOf(t, x, 1), c(t, {4}), c(t, {-1})})});
         },
         "[batch, seq, 4, 16]"},
        {"Flatten", 13, [](test::TestGraph& t) { return t.op("Flatten", {hiddenInput(t)}, {{"axis", intAttr(2)}}); }, "[batch*seq, 64]"},
        {"Unsqueeze and Squeeze (inputs)", 13,
         [=](test::TestGraph& t) {
             Value* u = t.op("Unsqueeze", {hiddenInput(t), c(t, {0, -1})});
             return t.op("Squeeze", {u, c(t, {0})});
         },
         "[batch, seq, 64, 1]"},
        {"Unsqueeze (attribute)", 11, [](test::TestGraph& t) { return t.op("Unsqueeze", {hiddenInput(t)}, {{"axes", intsAttr({1})}}); },
         "[batch, 1, seq, 64]"},
        {"Concat adds dims", 13, [](test::TestGraph& t) { Value* x = hiddenInput(t); return t.op("Concat", {x, x}, {{"axis", intAttr(1)}}); },
         "[batch, 2*seq, 64]"},
        {"Split", 13, [=](test::TestGraph& t) { return t.opN("Split", {hiddenInput(t), c(t, {16, 48})}, 2, {{"axis", intAttr(2)}})[1]; },
         "[batch, seq, 48]"},
        {"Slice to a symbolic end", 13,
         [=](test::TestGraph& t) {
             Value* x = hiddenInput(t);
             Value* pos = t.randomConstant("pos", {1, 128});
             return t.op("Slice", {pos, c(t, {0}), dimOf(t, x, 1), c(t, {1})});
         },
         "[1, min(seq, 128)]"},
        {"broadcast with a slice of itself", 13,
         [=](test::TestGraph& t) {
             Value* x = hiddenInput(t);
             Value* pos = t.op("Slice", {t.randomConstant("pos", {1, 128, 64}), c(t, {0}), dimOf(t, x, 1), c(t, {1})});
             return t.op("Add", {x, pos});
         },
         "[batch, seq, 64]"},
        {"Gather of embeddings", 13,
         [](test::TestGraph& t) {
             Value* ids = symbolicInput(t, "ids", {Dim::symbolic("batch"), Dim::symbolic("seq")}, DataType::Int64);
             return t.op("Gather", {t.randomConstant("emb", {100, 64}), ids});
         },
         "[batch, seq, 64]"},
        {"Expand to a symbolic shape", 13,
         [=](test::TestGraph& t) {
             Value* x = hiddenInput(t);
             return t.op("Expand", {t.randomConstant("one", {1, 1}), cat(t, {dimOf(t, x, 0), dimOf(t, x, 1)})});
         },
         "[batch, seq]"},
        {"Range(0, seq)", 13,
         [](test::TestGraph& t) {
             Value* x = hiddenInput(t);
             Value* seq = t.op("Gather", {t.op("Shape", {x}), t.constant("i1", ints({1}, true))}, {{"axis", intAttr(0)}});
             return t.op("Range", {t.constant("zero", ints({0}, true)), seq, t.constant("one", ints({1}, true))});
         },
         "[seq]"},
        {"ConstantOfShape(Shape(x))", 13, [](test::TestGraph& t) { return t.op("ConstantOfShape", {t.op("Shape", {hiddenInput(t)})}); },
         "[batch, seq, 64]"},
        {"Where of an additive mask", 13,
         [=](test::TestGraph& t) {
             Value* m = symbolicInput(t, "mask", {Dim::symbolic("batch"), Dim::symbolic("seq")}, DataType::Int64);
             Value* b = t.op("Cast", {t.op("Unsqueeze", {m, c(t, {1, 2})})}, {{"to", intAttr(9)}});
             return t.op("Where", {b, t.constant("zero", scalarF(0.f)), t.constant("ninf", scalarF(-INFINITY))});
         },
         "[batch, 1, 1, seq]"},
        {"ReduceMean keepdims", 13, [](test::TestGraph& t) { return t.op("ReduceMean", {hiddenInput(t)}, {{"axes", intsAttr({-1})}}); },
         "[batch, seq, 1]"},
        {"ReduceSum axes input, no keepdims", 13,
         [=](test::TestGraph& t) { return t.op("ReduceSum", {hiddenInput(t), c(t, {1})}, {{"keepdims", intAttr(0)}}); }, "[batch, 64]"},
        {"MatMul of heads", 13,
         [=](test::TestGraph& t) {
             Value* h = t.op("Reshape", {hiddenInput(t), c(t, {0, 0, 4, 16})});
             Value* q = t.op("Transpose", {h}, {{"perm", intsAttr({0, 2, 1, 3})}});
             Value* k = t.op("Transpose", {h}, {{"perm", intsAttr({0, 2, 3, 1})}});
             return t.op("MatMul", {q, k});
         },
         "[batch, 4, seq, seq]"},
        {"Gemm transB", 13,
         [](test::TestGraph& t) {
             Value* a = symbolicInput(t, "a", {Dim::symbolic("batch"), Dim(64)});
             return t.op("Gemm", {a, t.randomConstant("w", {10, 64})}, {{"transB", intAttr(1)}});
         },
         "[batch, 10]"},
        {"Conv stride 2", 13,
         [](test::TestGraph& t) {
             Value* img = symbolicInput(t, "img", {Dim::symbolic("batch"), Dim(3), Dim(32), Dim(32)});
             return t.op("Conv", {img, t.randomConstant("w", {8, 3, 3, 3})}, {{"pads", intsAttr({1, 1, 1, 1})}, {"strides", intsAttr({2, 2})}});
         },
         "[batch, 8, 16, 16]"},
        {"MaxPool ceil_mode", 13,
         [](test::TestGraph& t) {
             Value* img = symbolicInput(t, "img", {Dim::symbolic("batch"), Dim(3), Dim(33), Dim(33)});
             return t.op("MaxPool", {img}, {{"kernel_shape", intsAttr({2, 2})}, {"strides", intsAttr({2, 2})}, {"ceil_mode", intAttr(1)}});
         },
         "[batch, 3, 17, 17]"},
        {"LayerNormalization", 17,
         [](test::TestGraph& t) {
             return t.op("LayerNormalization", {hiddenInput(t), t.randomConstant("g", {64}), t.randomConstant("b", {64})});
         },
         "[batch, seq, 64]"},
        {"Shape start", 15, [](test::TestGraph& t) { return t.op("Shape", {hiddenInput(t)}, {{"start", intAttr(1)}}); }, "[2]"},
        {"Tile", 13, [=](test::TestGraph& t) { return t.op("Tile", {hiddenInput(t), c(t, {2, 1, 3})}); }, "[2*batch, seq, 192]"},
        {"Pad", 13,
         [=](test::TestGraph& t) {
             Value* img = symbolicInput(t, "img", {Dim::symbolic("batch"), Dim(3), Dim(32), Dim::symbolic("w")});
             return t.op("Pad", {img, c(t, {0, 0, 1, 1, 0, 0, 1, 2})});
         },
         "[batch, 3, 34, 3+w]"},
        {"Transpose default perm", 13, [](test::TestGraph& t) { return t.op("Transpose", {hiddenInput(t)}); }, "[64, seq, batch]"},
    };
}

}  // namespace

class TestPassSymbolic : public QObject {
    Q_OBJECT

private slots:
    void dimAlgebra() {
        passes::DimAlgebra a;
        const Dim b = Dim::symbolic("batch"), s = Dim::symbolic("seq");
        QCOMPARE(a.mul(b, s).toString(), std::string("batch*seq"));
        QCOMPARE(a.mul(Dim(4), a.mul(s, b)).toString(), std::string("4*batch*seq"));
        QCOMPARE(a.div(a.mul(Dim(4), a.mul(s, b)), a.mul(b, Dim(2)))->toString(), std::string("2*seq"));
        QVERIFY(!a.div(b, s));            // not known to divide
        QVERIFY(!a.div(Dim(6), Dim(4)));  // not exactly
        QCOMPARE(a.add(s, s).toString(), std::string("2*seq"));
        QCOMPARE(a.add(s, b).toString(), std::string("batch+seq"));
        QCOMPARE(a.broadcast(s, Dim(1))->toString(), std::string("seq"));
        QCOMPARE(a.broadcast(s, Dim(7))->toString(), std::string("7"));  // the symbol must be 1 or 7
        QVERIFY(!a.broadcast(Dim(3), Dim(7)));
        QCOMPARE(a.broadcast(s, b)->toString(), std::string("bcast(batch, seq)"));
        QCOMPARE(a.broadcast(a.minWith(s, 128), s)->toString(), std::string("seq"));
        QCOMPARE(a.minWith(Dim(300), 128).toString(), std::string("128"));
        QVERIFY(passes::DimAlgebra::isFresh(passes::DimAlgebra::fresh("NonZero_3", 0, 1)));
        QVERIFY(!passes::DimAlgebra::isFresh(s));
    }

    void rules_data() {
        QTest::addColumn<int>("index");
        const auto cases = ruleCases();
        for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
    }
    // Each rule on a one-op graph (plus its shape arithmetic): the shape it infers after every
    // computed shape was forgotten, and the same numbers as the declared shape where ONNX knew it.
    void rules() {
        QFETCH(int, index);
        const RuleCase rc = ruleCases()[size_t(index)];
        test::TestGraph t(rc.opset);
        Value* v = rc.build(t);
        const std::string name = v->name();
        t.output(v);
        auto g = t.build();
        QVERIFY(g);
        const Shape declared = g->findValue(name)->shape();
        QCOMPARE(inferredShape(*g, name), std::string(rc.expected));
        QVERIFY2(!declared.conflictsWith(g->findValue(name)->shape()), declared.toString().c_str());
    }

    // PyTorch's per-head Reshapes: the second layer's target is read from Shape of the first
    // layer's output, whose rank libonnx has lost. One walk infers both; nothing is left unknown.
    void exporterStyleGraphGetsStaticRanks() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* h = t.op("MatMul", {x, t.randomConstant("w", {64, 64})});
        Value* r1 = t.op("Reshape", {h, cat(t, {dimOf(t, h, 0), dimOf(t, h, 1), t.constant("m1", ints({-1})), t.constant("hd", ints({16}))})}, {}, "split_heads");
        Value* tr = t.op("Transpose", {r1}, {{"perm", intsAttr({0, 2, 1, 3})}}, "transpose");
        Value* back = t.op("Transpose", {tr}, {{"perm", intsAttr({0, 2, 1, 3})}});
        Value* r2 = t.op("Reshape", {back, cat(t, {dimOf(t, r1, 0), dimOf(t, r1, 1), t.constant("hidden", ints({64}))})}, {}, "merge_heads");
        t.output(t.op("Add", {r2, x}, {}, "residual"));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        QVERIFY(passes::inferSymbolicShapes(*g) > 0);
        QCOMPARE(g->findValue("split_heads_out")->shape().toString(), std::string("[batch, seq, 4, 16]"));
        QCOMPARE(g->findValue("transpose_out")->shape().toString(), std::string("[batch, 4, seq, 16]"));
        QCOMPARE(g->findValue("merge_heads_out")->shape().toString(), std::string("[batch, seq, 64]"));
        QCOMPARE(g->findValue("residual_out")->shape().toString(), std::string("[batch, seq, 64]"));
        for (const ir::Value* v : g->values()) QVERIFY2(v->shape().rankKnown(), v->name().c_str());
    }

    // A dim nothing can compute gets a fresh symbol named after its node, so Shape() of it still
    // matches: NonZero's count.
    void freshSymbolsForDataDependentDims() {
        test::TestGraph t;
        Value* x = symbolicInput(t, "x", {Dim::symbolic("n")});
        Value* nz = t.op("NonZero", {x}, {}, "nonzero");
        Value* target = cat(t, {dimOf(t, nz, 1), t.constant("one", ints({1}))});
        t.output(t.op("Reshape", {t.op("Cast", {nz}, {{"to", intAttr(1)}}, "cast"), target}, {}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        passes::inferSymbolicShapes(*g);
        QCOMPARE(g->findValue("nonzero_out")->shape().toString(), std::string("[1, ?nonzero:1]"));
        QCOMPARE(g->findValue("reshape_out")->shape().toString(), std::string("[?nonzero:1, 1]"));
    }

    // ---- constant-folding with symbolic values ----

    // The Reshape targets of two layers, the second read from the first's output whose rank
    // libonnx lost, become constants in one pass; the log explains each.
    void reshapeTargetsFromLostRanks() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* h = t.op("MatMul", {x, t.randomConstant("w", {64, 64})});
        Value* r1 = t.op("Reshape", {h, cat(t, {dimOf(t, h, 0), dimOf(t, h, 1), t.constant("m1", ints({-1})), t.constant("hd", ints({16}))})}, {}, "split_heads");
        Value* tr = t.op("Transpose", {r1}, {{"perm", intsAttr({0, 2, 1, 3})}});
        Value* back = t.op("Transpose", {tr}, {{"perm", intsAttr({0, 2, 1, 3})}});
        Value* r2 = t.op("Reshape", {back, cat(t, {dimOf(t, r1, 0), dimOf(t, r1, 1), t.constant("hidden", ints({64}))})}, {}, "merge_heads");
        t.output(t.op("Add", {r2, x}));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        auto pass = passes::makeConstantFoldingPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        const HostTensor* t1 = r.graph->findNode("split_heads")->input(1)->constant();
        const HostTensor* t2 = r.graph->findNode("merge_heads")->input(1)->constant();
        QVERIFY(t1 && t2);
        QCOMPARE(*t1->toInt64Vector(), (std::vector<int64_t>{0, 0, -1, 16}));
        QCOMPARE(*t2->toInt64Vector(), (std::vector<int64_t>{0, 0, 64}));
        const std::string why = r.log.rewritesOf("merge_heads")[0].second->explanation;
        QVERIFY2(why.find("Reshape target [batch, seq, 64] taken from the input [batch, seq, 4, 16]'s own dims: written as [0, 0, 64]") !=
                     std::string::npos, why.c_str());
        bool summary = false;
        for (const passes::Rewrite& w : r.log.passes()[0].rewrites)
            summary = summary || (w.rule == "symbolic shape inference" && w.explanation.find("got better shapes") != std::string::npos);
        QVERIFY(summary);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void reshapeTargetDeclines_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("reason");
        QTest::newRow("two run-time elements to infer") << 0 << "Reshape target [seq, batch, 64] has run-time elements that are not the input";
        QTest::newRow("allowzero = 1") << 1 << "with allowzero = 1 a 0 cannot stand for the input's dim";
    }
    void reshapeTargetDeclines() {
        QFETCH(int, variant);
        QFETCH(QString, reason);
        test::TestGraph t(14);
        Value* x = hiddenInput(t);
        Value* target = variant == 0 ? cat(t, {dimOf(t, x, 1), dimOf(t, x, 0), t.constant("h", ints({64}))})
                                     : cat(t, {dimOf(t, x, 0), dimOf(t, x, 1), t.constant("h", ints({4})), t.constant("d", ints({16}))});
        t.output(t.op("Reshape", {x, target}, {{"allowzero", intAttr(variant)}}, "reshape"));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        auto pass = passes::makeConstantFoldingPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QVERIFY(!r.graph->findNode("reshape")->input(1)->constant());
        const auto d = r.log.declinesOf("reshape");
        QVERIFY(!d.empty());
        QVERIFY2(d[0].second->reason.find(reason.toStdString()) != std::string::npos, d[0].second->reason.c_str());
        // Its output still gets its shape from the symbolic target.
        QCOMPARE(r.graph->findValue("reshape_out")->shape().toString(),
                 std::string(variant == 0 ? "[seq, batch, 64]" : "[batch, seq, 4, 16]"));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // PyTorch's expand(-1) trick, Where(Equal(shape, -1), 1, shape): Equal folds (a dim is
    // never -1), Where keeps the symbolic dims, and the Expand gets its shape from them.
    void valuesFoldWhereKnown() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* shape = cat(t, {dimOf(t, x, 0), t.constant("m1", ints({-1})), dimOf(t, x, 1)});
        Value* eq = t.op("Equal", {shape, t.constant("minus1", ints({-1, -1, -1}))}, {}, "equal");
        Value* fixed = t.op("Where", {eq, t.constant("ones", ints({1, 1, 1})), shape}, {}, "where");
        t.output(t.op("Expand", {t.randomConstant("c", {1, 4, 1}), fixed}, {}, "expand"));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        auto pass = passes::makeConstantFoldingPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QVERIFY(!r.graph->findNode("equal"));
        QCOMPARE(*r.graph->findValue("equal_out")->constant()->toInt64Vector(), (std::vector<int64_t>{0, 1, 0}));
        QVERIFY(r.graph->findNode("where"));
        QCOMPARE(r.graph->findValue("expand_out")->shape().toString(), std::string("[batch, 4, seq]"));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // Shape arithmetic on dims that are known although the tensor's shape is not static folds:
    // Shape(x)[2] * 4 = 256 for x [batch, seq, 64].
    void arithmeticOnKnownDimsFolds() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* hidden4 = t.op("Mul", {dimOf(t, x, 2), t.constant("four", ints({4}))}, {}, "mul");
        Value* bs = t.op("Mul", {dimOf(t, x, 0), dimOf(t, x, 1)}, {}, "batch_times_seq");
        Value* target = cat(t, {bs, hidden4});
        Value* y = t.op("Reshape", {t.op("Tile", {x, t.constant("rep", ints({1, 1, 4}))}), target}, {}, "reshape");
        t.output(y);
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        auto pass = passes::makeConstantFoldingPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(*r.graph->findValue("mul_out")->constant()->toInt64Vector(), std::vector<int64_t>{256});
        QCOMPARE(*r.graph->findNode("reshape")->input(1)->constant()->toInt64Vector(), (std::vector<int64_t>{-1, 256}));
        QCOMPARE(r.graph->findValue("reshape_out")->shape().toString(), std::string("[batch*seq, 256]"));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // ---- noop-elimination: Reshape-like chains, read off the inferred shapes ----

    void composesReshapeLikeChains_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("target");
        QTest::newRow("Unsqueeze x 3: [batch] -> [batch, 1, 1, 1]") << 0 << "[0, 1, 1, 1]";
        QTest::newRow("Unsqueeze x 3: [seq] -> [1, 1, seq, 1]") << 1 << "[1, 1, -1, 1]";
        QTest::newRow("Reshape([-1]) then a computed target") << 2 << "[0, 1, 1, 0]";
    }
    void composesReshapeLikeChains() {
        QFETCH(int, variant);
        QFETCH(QString, target);
        test::TestGraph t;
        Value* x = variant == 2 ? symbolicInput(t, "x", {Dim::symbolic("batch"), Dim(1), Dim(1), Dim::symbolic("seq"), Dim(1)})
                                : symbolicInput(t, "x", {Dim::symbolic(variant == 0 ? "batch" : "seq")});
        Value* y = t.op("Relu", {x});
        if (variant < 2) {
            for (int64_t axis : variant == 0 ? std::vector<int64_t>{1, 2, 3} : std::vector<int64_t>{0, 1, 3})
                y = t.op("Unsqueeze", {y, t.constant("axes", ints({axis}))});
        } else {
            Value* flat = t.op("Reshape", {y, t.constant("m1", ints({-1}))});
            Value* shape = t.op("Slice", {t.op("Shape", {y}), t.constant("s", ints({0})), t.constant("e", ints({4}))});
            y = t.op("Reshape", {flat, shape});
        }
        t.output(t.op("Neg", {y}, {}, "neg"));
        auto g = t.build();
        QVERIFY(g);
        test::forgetShapes(*g);
        auto folded = test::runPass(*g, *passes::makeConstantFoldingPass());
        KILN_VERIFY_OK(folded.status);
        auto r = test::runPass(*folded.graph, *passes::makeNoOpEliminationPass());
        KILN_VERIFY_OK(r.status);
        auto clean = test::runPass(*r.graph, *passes::makeDeadLayerEliminationPass());
        KILN_VERIFY_OK(clean.status);
        QCOMPARE(test::countOps(*clean.graph, "Unsqueeze"), 0);
        QCOMPARE(test::countOps(*clean.graph, "Reshape"), 1);
        const ir::Node* reshape = clean.graph->findValue("neg_out")->producer()->input(0)->producer();
        QVERIFY(reshape && reshape->opType() == "Reshape");
        QCOMPARE(QString::fromStdString(dimsToString(*reshape->input(1)->constant()->toInt64Vector())), target);
        QVERIFY(r.log.passes()[0].rewrites.back().explanation.find("is one Reshape to " + target.toStdString()) != std::string::npos);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *clean.graph)), QString());
    }

    void squeezeOfUnsqueezeIsRemoved() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* u = t.op("Unsqueeze", {t.op("Relu", {x}), t.constant("a", ints({1}))});
        t.output(t.op("Neg", {t.op("Squeeze", {u, t.constant("a", ints({1}))})}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *passes::makeNoOpEliminationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(r.log.passes()[0].rewrites[0].rule, std::string("Squeeze(Unsqueeze(x)) => x"));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // The first Reshape's output is read elsewhere too: composing would not save a layer.
    void keepsReshapeChainWithSharedMiddle() {
        test::TestGraph t;
        Value* x = hiddenInput(t);
        Value* mid = t.op("Unsqueeze", {t.op("Relu", {x}), t.constant("a", ints({0}))});
        t.output(t.op("Unsqueeze", {mid, t.constant("b", ints({0}))}));
        t.output(t.op("Neg", {mid}));
        auto g = t.build();
        QVERIFY(g);
        auto r = test::runPass(*g, *passes::makeNoOpEliminationPass());
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Unsqueeze"), 2);
        QCOMPARE(r.log.totalRewrites(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPassSymbolic)
#include "test_pass_symbolic.moc"
