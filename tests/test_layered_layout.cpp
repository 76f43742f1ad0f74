// Kiln's layered layout (views/graph/layered_layout.h) on random DAGs and on the sample models'
// graphs: no overlaps, edges run downwards and touch their nodes, the output is deterministic,
// cancelling works, and the crossing reduction reduces crossings.
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>

#include "graph/layered_layout.h"
#include "graph/layout_runner.h"
#include "ir/graph.h"
#include "onnx/importer.h"

using namespace kiln;
using views::layered::Edge;
using views::layered::Input;
using views::layered::Output;

namespace {

// A random DAG: edges only from a lower to a higher index, sizes like the studio's boxes.
Input randomDag(quint32 seed, int nodes, int edgesPerNode) {
    QRandomGenerator rng(seed);
    Input in;
    for (int i = 0; i < nodes; ++i) {
        in.widths.push_back(40 + rng.bounded(160));
        in.heights.push_back(20 + rng.bounded(60));
    }
    for (int v = 1; v < nodes; ++v)
        for (int k = 0; k < 1 + int(rng.bounded(edgesPerNode)); ++k) {
            const int back = 1 + int(rng.bounded(std::min(v, 12)));
            Edge e;
            e.from = v - back;
            e.to = v;
            e.bundle = int(rng.bounded(2));
            if (rng.bounded(3) == 0) {
                e.labelWidth = 60;
                e.labelHeight = 12;
            }
            in.edges.push_back(e);
        }
    return in;
}

// The boxes and edges GraphScene builds for a model: runtime inputs, nodes, outputs; one edge per
// (non-constant value, distinct consumer). Sizes are estimated from the text.
Input modelInput(const QString& path) {
    onnx::ImportOptions options;
    options.requireSupportedOps = false;
    auto imported = onnx::importModelFile(path.toStdString(), options);
    Input in;
    if (!imported) return in;
    const ir::Graph& g = **imported;
    QHash<const ir::Node*, int> index;
    QHash<const ir::Value*, int> outputs;
    const std::vector<ir::Value*> inputs = g.runtimeInputs();
    auto addBox = [&in](size_t chars, int lines) {
        in.widths.push_back(std::max(80.0, 7.0 * double(chars) + 16));
        in.heights.push_back(18.0 + 14.0 * lines);
    };
    for (const ir::Value* v : inputs) addBox(v->name().size(), 1);
    for (const auto& n : g.nodes()) {
        index.insert(n.get(), int(in.widths.size()));
        addBox(std::max(n->name().size(), n->opType().size()), 1 + int(n->inputs().size()) / 2);
    }
    for (const ir::Value* v : g.outputs()) {
        outputs.insert(v, int(in.widths.size()));
        addBox(v->name().size(), 1);
    }
    auto addEdges = [&](const ir::Value* v, int from) {
        if (!v || v->constant()) return;
        QSet<const ir::Node*> seen;
        for (const ir::Node* c : v->consumers())
            if (!seen.contains(c) && index.contains(c)) {
                seen.insert(c);
                in.edges.push_back({from, index.value(c), int(qHash(QString::fromStdString(v->name())) & 0xffff), 70, 12});
            }
        if (outputs.contains(v)) in.edges.push_back({from, outputs.value(v), 0, 70, 12});
    };
    for (size_t i = 0; i < inputs.size(); ++i) addEdges(inputs[i], int(i));
    for (const auto& n : g.nodes())
        for (const ir::Value* v : n->outputs()) addEdges(v, index.value(n.get()));
    return in;
}

QString modelPath(const char* name) { return QStringLiteral(KILN_SOURCE_DIR "/resources/models/%1.onnx").arg(name); }

}  // namespace

class TestLayeredLayout : public QObject {
    Q_OBJECT
private slots:
    void invariants_data();
    void invariants();
    void deterministic();
    void cancel();
    void crossingReduction();
    void cyclesAndSelfLoops();
    void emptyGraph();
    void runnerChoosesEngine();
    void runnerPaths();
    void runnerCancelAndSupersede();
};

void TestLayeredLayout::invariants_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("nodes");
    QTest::newRow("random-30") << QString() << 1u << 30;
    QTest::newRow("random-200") << QString() << 2u << 200;
    QTest::newRow("random-1500") << QString() << 3u << 1500;
    QTest::newRow("resnet_mini") << modelPath("resnet_mini") << 0u << 0;
    QTest::newRow("encoder_mini") << modelPath("encoder_mini") << 0u << 0;
    QTest::newRow("lenet5") << modelPath("lenet5") << 0u << 0;
}

void TestLayeredLayout::invariants() {
    QFETCH(QString, model);
    QFETCH(quint32, seed);
    QFETCH(int, nodes);
    const Input in = model.isEmpty() ? randomDag(seed, nodes, 3) : modelInput(model);
    QVERIFY(!in.widths.empty());
    const Output out = views::layered::layout(in);
    QVERIFY(!out.cancelled);
    const size_t n = in.widths.size();
    QCOMPARE(out.centers.size(), n);
    QCOMPARE(out.routes.size(), in.edges.size());

    // Inside the bounds; boxes of different layers never overlap vertically (checked below).
    for (size_t v = 0; v < n; ++v) {
        QVERIFY(out.layers[v] >= 0);
        QVERIFY(out.centers[v].x - in.widths[v] / 2 >= -1e-6);
        QVERIFY(out.centers[v].x + in.widths[v] / 2 <= out.width + 1e-6);
    }
    // No two boxes overlap: sweep boxes of each layer sorted by x (boxes of different layers are
    // checked by y below).
    std::map<int, std::vector<size_t>> byLayer;
    for (size_t v = 0; v < n; ++v) byLayer[out.layers[v]].push_back(v);
    double previousBottom = -1;
    for (auto& [layer, members] : byLayer) {
        std::sort(members.begin(), members.end(), [&](size_t a, size_t b) { return out.centers[a].x < out.centers[b].x; });
        double top = 1e300, bottom = -1e300;
        for (size_t k = 0; k < members.size(); ++k) {
            const size_t v = members[k];
            top = std::min(top, out.centers[v].y - in.heights[v] / 2);
            bottom = std::max(bottom, out.centers[v].y + in.heights[v] / 2);
            if (k == 0) continue;
            const size_t u = members[k - 1];
            QVERIFY2(out.centers[u].x + in.widths[u] / 2 <= out.centers[v].x - in.widths[v] / 2 + 1e-6,
                     qPrintable(QStringLiteral("nodes %1 and %2 overlap in layer %3").arg(u).arg(v).arg(layer)));
        }
        QVERIFY2(top > previousBottom, qPrintable(QStringLiteral("layer %1 overlaps the one above").arg(layer)));
        previousBottom = bottom;
    }
    // Every edge goes down and touches its nodes: bottom centre of the source, top centre of the
    // target; a route's points never go up.
    for (size_t i = 0; i < in.edges.size(); ++i) {
        const Edge& e = in.edges[i];
        QVERIFY2(out.layers[size_t(e.from)] < out.layers[size_t(e.to)], qPrintable(QStringLiteral("edge %1").arg(i)));
        const auto& r = out.routes[i];
        QVERIFY(r.size() >= 2);
        QCOMPARE(r.front().x, out.centers[size_t(e.from)].x);
        QCOMPARE(r.front().y, out.centers[size_t(e.from)].y + in.heights[size_t(e.from)] / 2);
        QCOMPARE(r.back().x, out.centers[size_t(e.to)].x);
        QCOMPARE(r.back().y, out.centers[size_t(e.to)].y - in.heights[size_t(e.to)] / 2);
        for (size_t k = 1; k < r.size(); ++k) QVERIFY(r[k].y >= r[k - 1].y);
        if (e.labelWidth <= 0) QVERIFY(std::isnan(out.labelCenters[i].x));
    }
    QVERIFY(out.crossingsAfter <= out.crossingsBefore);
}

void TestLayeredLayout::deterministic() {
    const Input in = randomDag(7, 800, 3);
    const Output a = views::layered::layout(in), b = views::layered::layout(in);
    QCOMPARE(a.layers, b.layers);
    for (size_t v = 0; v < a.centers.size(); ++v) {
        QCOMPARE(a.centers[v].x, b.centers[v].x);
        QCOMPARE(a.centers[v].y, b.centers[v].y);
    }
    QCOMPARE(a.crossingsAfter, b.crossingsAfter);
}

void TestLayeredLayout::cancel() {
    const Input in = randomDag(11, 3000, 3);
    std::atomic<bool> flag{true};
    QVERIFY(views::layered::layout(in, {}, &flag).cancelled);
    // Cancelled from inside, once the layout has reported some progress.
    flag = false;
    int last = -1;
    const Output out = views::layered::layout(in, {}, &flag, [&](int percent) {
        last = percent;
        if (percent >= 20) flag = true;
    });
    QVERIFY(out.cancelled);
    QVERIFY(last >= 20 && last < 100);
    flag = false;
    QVERIFY(!views::layered::layout(in, {}, &flag).cancelled);
}

// root -> a_i (layer 1) and root -> b_(7-i) through one virtual node each, in their own bundles,
// listed first so that the depth-first initial order puts b in reverse; a_i -> b_i then cross
// each other. The sweeps must untangle them.
void TestLayeredLayout::crossingReduction() {
    Input in;
    const int k = 8;
    for (int i = 0; i < 2 * k + 1; ++i) {
        in.widths.push_back(50);
        in.heights.push_back(30);
    }
    const int root = 2 * k;
    for (int i = 0; i < k; ++i) in.edges.push_back({root, k + k - 1 - i, 1 + i});
    for (int i = 0; i < k; ++i) in.edges.push_back({root, i, 100});
    for (int i = 0; i < k; ++i) in.edges.push_back({i, k + i});
    const Output out = views::layered::layout(in);
    QVERIFY2(out.crossingsBefore > 0, qPrintable(QString::number(out.crossingsBefore)));
    QVERIFY2(out.crossingsAfter < out.crossingsBefore,
             qPrintable(QStringLiteral("%1 -> %2").arg(out.crossingsBefore).arg(out.crossingsAfter)));
}

void TestLayeredLayout::cyclesAndSelfLoops() {
    Input in;
    for (int i = 0; i < 4; ++i) {
        in.widths.push_back(60);
        in.heights.push_back(30);
    }
    in.edges = {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 3}, {1, 7}};  // a cycle, a self loop, a bad index
    const Output out = views::layered::layout(in);
    QVERIFY(!out.cancelled);
    QCOMPARE(out.routes.size(), in.edges.size());
    QVERIFY(out.routes[4].empty());
    QVERIFY(out.routes[5].empty());
    QVERIFY(out.routes[0].size() >= 2);
    QVERIFY(out.direct[2]);  // the edge that closes the cycle is drawn as one curve
}

void TestLayeredLayout::emptyGraph() {
    const Output out = views::layered::layout(Input{});
    QVERIFY(!out.cancelled);
    QVERIFY(out.centers.empty());
    QCOMPARE(out.width, 0.0);
}

namespace {

views::LayoutRequest requestFor(const Input& in, quint64 id) {
    views::LayoutRequest r;
    r.id = id;
    for (size_t v = 0; v < in.widths.size(); ++v) r.nodeSizes << QSizeF(in.widths[v], in.heights[v]);
    for (const Edge& e : in.edges) r.edges << views::LayoutEdge{e.from, e.to, e.labelWidth > 0 ? QStringLiteral("1x64 f32") : QString()};
    return r;
}

}  // namespace

void TestLayeredLayout::runnerChoosesEngine() {
    if (!qEnvironmentVariableIsEmpty("KILN_LAYOUT")) QSKIP("KILN_LAYOUT forces an engine");
    QCOMPARE(views::chooseEngine(requestFor(randomDag(1, views::kDotNodeLimit, 2), 1)), views::LayoutEngine::Dot);
    QCOMPARE(views::chooseEngine(requestFor(randomDag(1, views::kDotNodeLimit + 1, 2), 1)), views::LayoutEngine::Layered);
    views::LayoutRequest forced = requestFor(randomDag(1, 10, 2), 1);
    forced.engine = views::LayoutEngine::Layered;
    QCOMPARE(views::chooseEngine(forced), views::LayoutEngine::Layered);
}

// The runner's paths, as the scene gets them: from the bottom centre of the source to the top
// centre of the target.
void TestLayeredLayout::runnerPaths() {
    views::LayoutRequest request = requestFor(randomDag(5, 600, 3), 42);
    request.engine = views::LayoutEngine::Layered;
    const views::LayoutResult result = views::computeLayout(request);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.id, quint64(42));
    QCOMPARE(result.edgePaths.size(), request.edges.size());
    for (qsizetype i = 0; i < request.edges.size(); ++i) {
        const views::LayoutEdge& e = request.edges[i];
        const QSizeF from = request.nodeSizes[e.from], to = request.nodeSizes[e.to];
        const QPointF start = result.edgePaths[i].pointAtPercent(0), end = result.edgePaths[i].pointAtPercent(1);
        QVERIFY(QLineF(start, result.nodeCenters[e.from] + QPointF(0, from.height() / 2)).length() < 0.01);
        QVERIFY(QLineF(end, result.nodeCenters[e.to] - QPointF(0, to.height() / 2)).length() < 0.01);
        QVERIFY(result.bounds.adjusted(-1, -1, 1, 1).contains(start));
    }
}

void TestLayeredLayout::runnerCancelAndSupersede() {
    views::LayoutRequest request = requestFor(randomDag(9, 3000, 3), 1);
    request.engine = views::LayoutEngine::Layered;
    std::atomic<bool> cancelled{true};
    QCOMPARE(views::computeLayout(request, &cancelled).error, QStringLiteral("cancelled"));

    // A second request supersedes the first: only its result arrives.
    views::LayoutRunner runner;
    QSignalSpy ready(&runner, &views::LayoutRunner::layoutReady);
    QSignalSpy progress(&runner, &views::LayoutRunner::layoutProgress);
    runner.request(request);
    request.id = 2;
    runner.request(request);
    QVERIFY(ready.wait(20000));
    QTest::qWait(50);
    QCOMPARE(ready.last().at(0).value<views::LayoutResult>().id, quint64(2));
    for (const QList<QVariant>& r : ready) QVERIFY(r.at(0).value<views::LayoutResult>().ok());
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(1).toInt(), 100);
}

QTEST_GUILESS_MAIN(TestLayeredLayout)
#include "test_layered_layout.moc"
