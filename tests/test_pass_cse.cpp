// common-subexpression-elimination: the same op on the same inputs (small constants compared by
// content) is computed once. Op counts, the log, and the same numbers before and after; negative
// cases for different attributes, different constant data, different inputs and two graph outputs.
#include <QtTest>

#include <cmath>

#include "passes/passes.h"
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
HostTensor floats(std::vector<float> v) { return HostTensor::fromVector<float>({int64_t(v.size())}, v); }

test::PassResult runCse(const ir::Graph& g) {
    auto pass = passes::makeCommonSubexpressionPass();
    return test::runPass(g, *pass);
}

std::string declines(const test::PassResult& r) {
    std::string s;
    for (const auto& d : r.log.passes()[0].declines) s += d.reason + "\n";
    return s;
}

}  // namespace

class TestPassCse : public QObject {
    Q_OBJECT

private slots:
    // BERT's layers each build Where(mask, 0, -inf) from their own two Constants.
    void mergesPerLayerCopiesWithEqualConstants() {
        test::TestGraph t;
        Value* mask = t.input("mask", {2, 1, 1, 5}, DataType::Bool);
        Value* x = t.input("x", {2, 4, 5, 5});
        for (int layer = 0; layer < 3; ++layer) {
            const std::string l = std::to_string(layer);
            Value* add = t.op("Where", {mask, t.constant("zero" + l, floats({0.f})), t.constant("ninf" + l, floats({-INFINITY}))}, {}, "where" + l);
            x = t.op("Softmax", {t.op("Add", {x, add})}, {{"axis", Attribute(int64_t(-1))}});
        }
        t.output(x);
        auto g = t.build();
        QVERIFY(g);
        auto r = runCse(*g);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Where"), 1);
        QCOMPARE(r.graph->numNodes(), g->numNodes() - 2);
        const auto& rewrites = r.log.passes()[0].rewrites;
        QCOMPARE(int(rewrites.size()), 2);
        QCOMPARE(rewrites[1].rule, std::string("f(x) twice => f(x) once"));
        QCOMPARE(rewrites[1].matched, (std::vector<std::string>{"where0", "where2"}));
        QVERIFY(rewrites[1].explanation.find("'where2' computes the same Where of the same inputs as 'where0'") != std::string::npos);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // Shape -> Gather -> Unsqueeze twice: merging the Shapes makes the Gathers equal, and so on.
    void mergesChainsInOneWalk() {
        test::TestGraph t;
        Value* x = t.input("x", {3, 6});
        auto dim0 = [&](const char* tag) {
            Value* s = t.op("Shape", {x}, {}, std::string("shape_") + tag);
            Value* g = t.op("Gather", {s, t.constant("i", ints({0}, true))}, {{"axis", Attribute(int64_t(0))}});
            return t.op("Unsqueeze", {g, t.constant("axes", ints({0}))});
        };
        Value* target = t.op("Concat", {dim0("a"), dim0("b"), t.constant("m1", ints({-1}))}, {{"axis", Attribute(int64_t(0))}});
        t.output(t.op("Reshape", {t.op("Relu", {x}), target}));
        auto g = t.build();
        QVERIFY(g);
        auto r = runCse(*g);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Shape"), 1);
        QCOMPARE(test::countOps(*r.graph, "Gather"), 1);
        QCOMPARE(test::countOps(*r.graph, "Unsqueeze"), 1);
        QCOMPARE(r.log.passes()[0].rewrites.size(), size_t(3));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // A merged node whose output is a graph output keeps the output's name.
    void duplicateGraphOutputKeepsItsName() {
        test::TestGraph t;
        Value* x = t.input("x", {4});
        Value* a = t.op("Relu", {x}, {}, "a");
        t.output(t.op("Neg", {a}));
        t.output(t.op("Relu", {x}, {}, "b"));
        auto g = t.build();
        QVERIFY(g);
        auto r = runCse(*g);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Relu"), 1);
        QCOMPARE(r.graph->outputs()[1]->name(), std::string("b_out"));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void keepsDifferentComputations_data() {
        QTest::addColumn<int>("variant");
        QTest::newRow("different attributes") << 0;
        QTest::newRow("different constant data") << 1;
        QTest::newRow("different inputs") << 2;
        QTest::newRow("attribute lists differing after 16 entries") << 3;
    }
    void keepsDifferentComputations() {
        QFETCH(int, variant);
        test::TestGraph t(variant == 3 ? 11 : 13);
        Value* x = t.input("x", {3, 4});
        Value *a = nullptr, *b = nullptr;
        if (variant == 0) {
            a = t.op("Softmax", {x}, {{"axis", Attribute(int64_t(0))}});
            b = t.op("Softmax", {x}, {{"axis", Attribute(int64_t(1))}});
        } else if (variant == 1) {
            a = t.op("Add", {x, t.constant("c1", floats({1.f}))});
            b = t.op("Add", {x, t.constant("c2", floats({2.f}))});
        } else if (variant == 2) {
            a = t.op("Relu", {x});
            b = t.op("Relu", {t.input("y", {3, 4})});
        } else {
            std::vector<int64_t> axes(17), other(17);
            for (int64_t i = 0; i < 17; ++i) axes[size_t(i)] = i, other[size_t(i)] = i < 16 ? i : 18;
            a = t.op("Unsqueeze", {x}, {{"axes", Attribute(axes)}});
            b = t.op("Unsqueeze", {x}, {{"axes", Attribute(other)}});
        }
        if (variant == 3) {
            t.output(a);
            t.output(b);
        } else {
            t.output(t.op("Sub", {a, b}));
        }
        auto g = t.build();
        QVERIFY(g);
        auto r = runCse(*g);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), g->numNodes());
        QCOMPARE(r.log.totalRewrites(), 0);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void declinesTwoGraphOutputs() {
        test::TestGraph t;
        Value* x = t.input("x", {4});
        t.output(t.op("Relu", {x}, {}, "a"));
        t.output(t.op("Relu", {x}, {}, "b"));
        auto g = t.build();
        QVERIFY(g);
        auto r = runCse(*g);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Relu"), 2);
        QVERIFY2(declines(r).find("both 'b_out' and 'a_out' are graph outputs") != std::string::npos, declines(r).c_str());
    }
};

QTEST_GUILESS_MAIN(TestPassCse)
#include "test_pass_cse.moc"
