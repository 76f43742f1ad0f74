// The whole optimizer pipeline on the bundled samples: numbers unchanged at every level, layers
// that keep their origins, the PassLog of the ResNet-style sample, and the graph after each
// pass rebuilt from the log (what the studio's stepper shows).
#include <QtTest>

#include <set>

#include "onnx/importer.h"
#include "passes/pipeline.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

std::unique_ptr<ir::Graph> load(const QString& name) {
    auto g = kiln::onnx::importModelFile(test::sampleModel(name.toStdString() + ".onnx"));
    return g ? std::move(g).value() : nullptr;
}

int countDomain(const ir::Graph& g, const std::string& domain) {
    int n = 0;
    for (auto& node : g.nodes()) n += node->domain() == domain;
    return n;
}

const passes::PassRecord* findPass(const passes::PassLog& log, const std::string& name) {
    for (const auto& p : log.passes())
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace

class TestPipeline : public QObject {
    Q_OBJECT

private slots:
    void everyLevelKeepsTheNumbers_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("level");
        for (const char* m : {"resnet_mini", "encoder_mini", "lenet5"})
            for (int level = 0; level <= 3; ++level)
                QTest::newRow(qPrintable(QString("%1 level %2").arg(m).arg(level))) << QString(m) << level;
    }
    void everyLevelKeepsTheNumbers() {
        QFETCH(QString, model);
        QFETCH(int, level);
        auto original = load(model);
        QVERIFY(original);
        auto g = original->clone();
        passes::PassLog log;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = level}, &log));
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*original, *g)), QString());
        if (level == 0) QCOMPARE(g->numNodes(), original->numNodes());
        if (level <= 1) QCOMPARE(countDomain(*g, "kiln"), 0);  // level 1 only cleans up and folds
        if (level >= 2) QVERIFY(g->numNodes() < original->numNodes());

        // every original node is either inside a layer's origins or was removed by a logged rewrite
        std::set<std::string> accounted;
        for (auto& n : g->nodes())
            for (const std::string& o : n->origins()) accounted.insert(o);
        for (const auto& p : log.passes())
            for (const auto& r : p.rewrites) accounted.insert(r.matched.begin(), r.matched.end());
        for (auto& n : original->nodes()) QVERIFY2(accounted.count(n->name()), n->name().c_str());
    }

    void layerCountsFallWithLevel() {
        for (const char* m : {"resnet_mini", "encoder_mini", "lenet5"}) {
            auto original = load(m);
            int previous = original->numNodes();
            for (int level = 1; level <= 3; ++level) {
                auto g = original->clone();
                KILN_VERIFY_OK(passes::optimize(*g, {.level = level}));
                QVERIFY2(g->numNodes() <= previous, m);
                previous = g->numNodes();
            }
            qInfo("%s: %d nodes -> %d layers at level 3", m, original->numNodes(), previous);
        }
    }

    void resnetPassLogExplainsTheRewrites() {
        auto g = load("resnet_mini");
        passes::PassLog log;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = 3}, &log));
        const passes::PassRecord* bn = findPass(log, "fold-batchnorm");
        QVERIFY(bn);
        QCOMPARE(int(bn->rewrites.size()), 11);  // every BatchNormalization folds into its Conv
        for (const auto& r : bn->rewrites) {
            QVERIFY2(r.explanation.find("gamma") != std::string::npos, r.explanation.c_str());
            QCOMPARE(int(r.matched.size()), 2);
        }
        QCOMPARE(test::countOps(*g, "BatchNormalization"), 0);
        const passes::PassRecord* res = findPass(log, "fuse-residual");
        QVERIFY(res);
        QCOMPARE(int(res->rewrites.size()), 4);  // the four residual Adds (+ Relu) join their convs
        QCOMPARE(test::countOps(*g, "Add"), 0);
        QCOMPARE(test::countOps(*g, "Relu"), 0);
        // TensorRT's "Conv + Add + Relu" shape: one layer with all its origins
        bool found = false;
        for (auto& n : g->nodes())
            if (n->opType() == "FusedConv" && n->origins().size() == 4 && n->origins()[2].rfind("Add", 0) == 0) found = true;
        QVERIFY(found);
    }

    void stepperRebuildsEveryPass() {
        auto original = load("encoder_mini");
        auto g = original->clone();
        passes::PassLog log;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = 3}, &log));
        const int last = static_cast<int>(log.passes().size()) - 1;
        QVERIFY(last >= 0);
        auto before = log.snapshotAfter(-1);
        KILN_VERIFY_EXPECTED(before);
        QCOMPARE(int(before->nodes.size()), original->numNodes());
        for (int i = 0; i <= last; ++i) {
            auto s = log.snapshotAfter(i);
            KILN_VERIFY_EXPECTED(s);
            QCOMPARE(int(s->nodes.size()), log.passes()[size_t(i)].nodesAfter);
        }
        auto end = log.snapshotAfter(last);
        QVERIFY(end->nodes == passes::GraphSnapshot::of(*g).nodes);
        auto back = passes::PassLog::fromJson(log.toJson());
        KILN_VERIFY_EXPECTED(back);
        auto end2 = back->snapshotAfter(last);
        KILN_VERIFY_EXPECTED(end2);
        QVERIFY(end2->nodes == end->nodes);
        QCOMPARE(back->totalRewrites(), log.totalRewrites());
    }

    void disabledPassesDoNotRun() {
        auto g = load("resnet_mini");
        passes::PassLog log;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = 3, .disabledPasses = {"fold-batchnorm"}}, &log));
        QVERIFY(!findPass(log, "fold-batchnorm"));
        QCOMPARE(test::countOps(*g, "BatchNormalization"), 11);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
