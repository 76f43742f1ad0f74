// The studio canvas' view model (issue 7): Constant nodes drawn as weight lines, name scopes
// collapsed into one box and expanded again (the boundary edges, the relayout keeping the box in
// place, the inspector's summary), Find inside a collapsed scope, and the open's progress.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set by CTest).
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFileInfo>
#include <QProgressBar>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <set>
#include <tuple>

#include "find_bar.h"
#include "graph/canvas_structure.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/scope_item.h"
#include "import_runner.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "main_window.h"
#include "onnx/exporter.h"
#include "outline/name_scopes.h"
#include "outline/outline_model.h"

using namespace kiln;

namespace {

constexpr int kLayers = 3;

// A PyTorch-style encoder: an embedding Add, a mask, kLayers blocks named
// /m/encoder/layer.N/{attn,ffn}/..., each with a Constant node and a residual, and a head whose
// weight is shared through an Identity (as torch.onnx.export writes reused parameters).
// `headWidth` sizes the head's weight (a large one makes the file big).
std::unique_ptr<ir::Graph> makeEncoder(int headWidth = 8) {
    auto g = std::make_unique<ir::Graph>();
    g->info().opsets[""] = 14;
    auto value = [&g](const std::string& name, std::vector<int64_t> dims) {
        ir::Value* v = *g->addValue(name);
        v->setType(DataType::Float32);
        v->setShape(Shape::fromDims(dims));
        return v;
    };
    auto weight = [&g](const std::string& name, std::vector<int64_t> dims, float seed) {
        HostTensor t(DataType::Float32, dims);
        for (int64_t i = 0; i < t.numel(); ++i) t.setDouble(i, seed + 0.01 * double(i % 97));
        return g->addConstant(name, std::move(t));
    };
    ir::Value* x = value("x", {2, 8});
    g->addInput(x);
    ir::Value* h = value("/m/embed/Add_output_0", {2, 8});
    g->addNode("/m/embed/Add", "Add", "", {x, weight("m.embed.bias", {8}, 0.1f)}, {h});
    ir::Value* mask = value("/m/mask/Sigmoid_output_0", {2, 8});
    g->addNode("/m/mask/Sigmoid", "Sigmoid", "", {x}, {mask});
    for (int i = 0; i < kLayers; ++i) {
        const std::string p = "/m/encoder/layer." + std::to_string(i);
        auto out = [&](const std::string& name) { return value(p + name + "_output_0", {2, 8}); };
        ir::Value* mm = out("/attn/MatMul");
        g->addNode(p + "/attn/MatMul", "MatMul", "", {h, weight("m.layer" + std::to_string(i) + ".q", {8, 8}, 0.2f)}, {mm});
        ir::Value* half = *g->addValue(p + "/attn/Constant_output_0");
        ir::Node* c = g->addNode(p + "/attn/Constant", "Constant", "", {}, {half});
        c->setAttr("value", ir::Attribute(HostTensor::scalar(DataType::Float32, 0.5)));
        half->setType(DataType::Float32);
        half->setShape(Shape{});
        ir::Value* scaled = out("/attn/Mul");
        g->addNode(p + "/attn/Mul", "Mul", "", {mm, half}, {scaled});
        ir::Value* masked = out("/attn/Add");
        g->addNode(p + "/attn/Add", "Add", "", {scaled, mask}, {masked});
        ir::Value* sm = out("/attn/Softmax");
        g->addNode(p + "/attn/Softmax", "Softmax", "", {masked}, {sm});
        ir::Value* ff = out("/ffn/MatMul");
        g->addNode(p + "/ffn/MatMul", "MatMul", "", {sm, weight("m.layer" + std::to_string(i) + ".ffn", {8, 8}, 0.3f)}, {ff});
        ir::Value* relu = out("/ffn/Relu");
        g->addNode(p + "/ffn/Relu", "Relu", "", {ff}, {relu});
        ir::Value* res = out("/Add");
        g->addNode(p + "/Add", "Add", "", {relu, h}, {res});  // the residual reads h a second time
        h = res;
    }
    ir::Value* shared = value("/m/head/Identity_output_0", {8, headWidth});
    g->addNode("Identity_7", "Identity", "", {weight("m.head.weight", {8, headWidth}, 0.4f)}, {shared});
    ir::Value* y = value("y", {2, headWidth});
    g->addNode("/m/head/MatMul", "MatMul", "", {h, shared}, {y});
    g->addOutput(y);
    if (!g->verify().isOk()) qWarning("%s", g->verify().toString().c_str());
    return g;
}

const ir::Node* nodeNamed(const ir::Graph& g, const std::string& name) { return g.findNode(name); }

// (from box, to box, tensor) of every edge, boxes named by their node, scope or value.
using EdgeKey = std::tuple<std::string, std::string, std::string>;
std::string boxName(const views::CanvasStructure& s, const views::NameScopes& scopes, int box) {
    const views::CanvasBox& b = s.boxes[size_t(box)];
    switch (b.kind) {
    case views::CanvasBox::Kind::Node: return b.node->name();
    case views::CanvasBox::Kind::Scope: return "scope:" + scopes.scope(b.scope).path.toStdString();
    default: return "io:" + b.value->name();
    }
}
std::set<EdgeKey> edgeKeys(const views::CanvasStructure& s, const views::NameScopes& scopes) {
    std::set<EdgeKey> keys;
    for (const views::CanvasEdge& e : s.edges) keys.insert({boxName(s, scopes, e.from), boxName(s, scopes, e.to), e.value->name()});
    return keys;
}

QString writeModel(const QTemporaryDir& dir, const QString& name, const ir::Graph& g) {
    const QString path = dir.filePath(name);
    const Status st = onnx::exportModelFile(g, path.toStdString());
    if (!st.isOk()) qWarning("%s", st.toString().c_str());
    return st.isOk() ? path : QString();
}

bool openAndWait(studio::MainWindow& w, const QString& path) {
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    QSignalSpy failed(&w, &studio::MainWindow::openFailed);
    w.openFile(path);
    if (!QTest::qWaitFor([&] { return !shown.isEmpty() || !failed.isEmpty(); }, 60000)) return false;
    if (!failed.isEmpty()) qWarning("%s", qPrintable(failed.first().at(1).toString()));
    return !shown.isEmpty();
}

// Viewport pixel of a box's top centre.
QPoint topCentreOnScreen(const views::GraphView& view, const views::BoxItem* box) {
    return view.mapFromScene(box->pos() - QPointF(0, box->size().height() / 2));
}

}  // namespace

class TestStudioScopes : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void nameScopes();
    void constantsAreWeightLines();
    void collapseReplacesNodesByOneBox();
    void sceneCollapsesAndExpands();
    void collapseKeepsTheBoxInPlace();
    void scopeSummaryInInspector();
    void findInsideCollapsedScopeExpandsIt();
    void progressIsMonotonicAndComplete();
    void largeModelIsCheckedInTheBackground();
};

void TestStudioScopes::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings of the window go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("Kiln"));
    QCoreApplication::setApplicationName(QStringLiteral("test_studio_scopes"));
}

void TestStudioScopes::nameScopes() {
    auto g = makeEncoder();
    const views::NameScopes scopes(*g);
    QVERIFY(!scopes.empty());
    const int layer1 = scopes.find(QStringLiteral("m/encoder/layer.1"));
    QVERIFY(layer1 > 0);
    QCOMPARE(scopes.scope(layer1).label, QStringLiteral("layer.1"));
    QCOMPARE(scopes.scope(layer1).count, 8);  // attn: MatMul, Constant, Mul, Add, Softmax; ffn: MatMul, Relu; Add
    QCOMPARE(int(scopes.nodesUnder(layer1).size()), 8);
    QCOMPARE(scopes.nodesUnder(layer1).front()->name(), std::string("/m/encoder/layer.1/attn/MatMul"));
    QCOMPARE(scopes.scopeOf(nodeNamed(*g, "/m/encoder/layer.1/ffn/Relu")), scopes.find(QStringLiteral("m/encoder/layer.1/ffn")));
    QCOMPARE(scopes.scopeOf(nodeNamed(*g, "Identity_7")), views::NameScopes::kRoot);
    // The repeated blocks are the numbered layers, in graph order.
    std::vector<QString> blocks;
    for (int s : scopes.repeatedBlocks()) blocks.push_back(scopes.scope(s).path);
    QCOMPARE(blocks, (std::vector<QString>{QStringLiteral("m/encoder/layer.0"), QStringLiteral("m/encoder/layer.1"),
                                           QStringLiteral("m/encoder/layer.2")}));
    // The outline names the same scopes.
    views::OutlineModel outline;
    QAbstractItemModelTester tester(&outline, QAbstractItemModelTester::FailureReportingMode::QtTest);
    outline.setGraph(g.get());
    const QModelIndex row = outline.indexOfScope(QStringLiteral("m/encoder/layer.1"));
    QVERIFY(row.isValid());
    QCOMPARE(row.data().toString(), QStringLiteral("layer.1"));
    QCOMPARE(row.data(views::OutlineModel::ScopeRole).toString(), QStringLiteral("m/encoder/layer.1"));
}

// Constant nodes (and an Identity of an initializer) are no boxes: their consumers list them.
void TestStudioScopes::constantsAreWeightLines() {
    auto g = makeEncoder();
    const ir::Node* constant = nodeNamed(*g, "/m/encoder/layer.0/attn/Constant");
    const ir::Node* identity = nodeNamed(*g, "Identity_7");
    QVERIFY(views::isFoldedConstant(*constant));
    QVERIFY(views::isFoldedConstant(*identity));
    QVERIFY(!views::isFoldedConstant(*nodeNamed(*g, "/m/encoder/layer.0/attn/Mul")));
    QVERIFY(views::isWeight(constant->output(0)));
    QVERIFY(views::weightData(identity->output(0)) == g->findValue("m.head.weight")->constant());
    views::GraphScene scene;
    scene.setGraph(g.get(), false);
    QVERIFY(scene.layoutNow());
    QCOMPARE(int(scene.nodeItems().size()), g->numNodes() - kLayers - 1);
    QVERIFY(!scene.itemForNode(constant));
    QVERIFY(!scene.itemForNode(identity));
    // No edge leaves a folded node; the Mul shows the Constant's value, the head the shared weight.
    for (views::EdgeItem* e : scene.edgeItems()) QVERIFY(!views::isWeight(e->value()));
    const views::NodeItem* mul = scene.itemForNode(nodeNamed(*g, "/m/encoder/layer.0/attn/Mul"));
    QVERIFY(mul);
    QVERIFY2(mul->weightLines().contains(QStringLiteral("B = 0.5")), qPrintable(mul->weightLines().join(QLatin1Char('|'))));
    const views::NodeItem* head = scene.itemForNode(nodeNamed(*g, "/m/head/MatMul"));
    QCOMPARE(head->weightLines(), QStringList{QStringLiteral("B \u27E88\u00D78\u27E9")});
    // Edges: one per (tensor, consumer box), none for weights.
    int links = 0;
    for (const auto& n : g->nodes())
        for (const ir::Value* v : n->outputs()) {
            if (views::isWeight(v)) continue;
            QSet<const ir::Node*> consumers(v->consumers().begin(), v->consumers().end());
            links += int(consumers.size()) + (v->isGraphOutput() ? 1 : 0);
        }
    links += int(g->inputs().front()->consumers().size());
    QCOMPARE(int(scene.edgeItems().size()), links);
}

// Collapsing layer.1 replaces its 7 boxes by one whose edges are the tensors crossing its
// boundary; expanding restores the original boxes and edges.
void TestStudioScopes::collapseReplacesNodesByOneBox() {
    auto g = makeEncoder();
    const views::NameScopes scopes(*g);
    const int layer1 = scopes.find(QStringLiteral("m/encoder/layer.1"));
    const views::CanvasStructure open = views::buildCanvasStructure(*g, scopes, {});
    std::vector<char> collapsed(size_t(scopes.size()), 0);
    collapsed[size_t(layer1)] = 1;
    const views::CanvasStructure closed = views::buildCanvasStructure(*g, scopes, collapsed);
    QCOMPARE(closed.boxes.size(), open.boxes.size() - 7 + 1);
    QVERIFY(closed.boxOfScope.contains(layer1));
    const int box = closed.boxOfScope.value(layer1);
    for (const ir::Node* n : scopes.nodesUnder(layer1))
        if (!views::isFoldedConstant(*n)) QCOMPARE(closed.boxOfNode.value(n), box);
    std::set<EdgeKey> touching;
    for (const EdgeKey& e : edgeKeys(closed, scopes))
        if (std::get<0>(e).rfind("scope:", 0) == 0 || std::get<1>(e).rfind("scope:", 0) == 0) touching.insert(e);
    const std::string scope = "scope:m/encoder/layer.1";
    const std::set<EdgeKey> expected = {
        // In: layer.0's output (read twice inside: one edge) and the mask.
        {"/m/encoder/layer.0/Add", scope, "/m/encoder/layer.0/Add_output_0"},
        {"/m/mask/Sigmoid", scope, "/m/mask/Sigmoid_output_0"},
        // Out: its output, to the two nodes of layer.2 that read it.
        {scope, "/m/encoder/layer.2/attn/MatMul", "/m/encoder/layer.1/Add_output_0"},
        {scope, "/m/encoder/layer.2/Add", "/m/encoder/layer.1/Add_output_0"},
    };
    QCOMPARE(touching, expected);
    // Edges not touching the scope are the same as before.
    std::set<EdgeKey> rest;
    for (const EdgeKey& e : edgeKeys(open, scopes))
        if (std::get<0>(e).find("/layer.1/") == std::string::npos && std::get<1>(e).find("/layer.1/") == std::string::npos) rest.insert(e);
    std::set<EdgeKey> closedRest = edgeKeys(closed, scopes);
    for (const EdgeKey& e : expected) closedRest.erase(e);
    QCOMPARE(closedRest, rest);
    // Nested: collapsing layer.1/attn inside a collapsed layer.1 changes nothing; the outer wins.
    collapsed[size_t(scopes.find(QStringLiteral("m/encoder/layer.1/attn")))] = 1;
    QCOMPARE(edgeKeys(views::buildCanvasStructure(*g, scopes, collapsed), scopes), edgeKeys(closed, scopes));
    // Expanded again: the original.
    std::fill(collapsed.begin(), collapsed.end(), 0);
    QCOMPARE(edgeKeys(views::buildCanvasStructure(*g, scopes, collapsed), scopes), edgeKeys(open, scopes));
}

void TestStudioScopes::sceneCollapsesAndExpands() {
    auto g = makeEncoder();
    views::GraphScene scene;
    QSignalSpy relaid(&scene, &views::GraphScene::relayoutFinished);
    QSignalSpy changed(&scene, &views::GraphScene::collapsedScopesChanged);
    scene.setGraph(g.get(), false);
    QVERIFY(scene.layoutNow());
    const int boxes = int(scene.shownBoxes().size()), edges = int(scene.edgeItems().size());
    const int layer1 = scene.scopes().find(QStringLiteral("m/encoder/layer.1"));
    scene.setCollapsed(layer1, true);
    QCOMPARE(changed.size(), 1);
    QVERIFY(scene.isLayoutPending());
    QVERIFY(relaid.wait(20000));
    QVERIFY(scene.isCollapsed(layer1));
    QCOMPARE(int(scene.shownBoxes().size()), boxes - 6);
    views::ScopeItem* box = scene.itemForScope(layer1);
    QVERIFY(box && scene.isShown(box));
    QCOMPARE(scene.scopeItems().size(), 1);
    QCOMPARE(box->edges().size(), 4);
    QCOMPARE(box->summary().nodes, 8);
    QCOMPARE(box->summary().constants, 1);
    QCOMPARE(box->summary().parameters, 128);  // two 8x8 MatMul weights
    QCOMPARE(box->summary().dominantOp, QStringLiteral("MatMul"));
    QCOMPARE(box->category(), views::NodeCategory::Math);
    const ir::Node* relu = nodeNamed(*g, "/m/encoder/layer.1/ffn/Relu");
    QVERIFY(!scene.isShown(scene.itemForNode(relu)));
    QCOMPARE(scene.boxForNode(relu), static_cast<views::BoxItem*>(box));
    for (views::EdgeItem* e : scene.edgeItems()) QVERIFY(scene.isShown(e->from()) && scene.isShown(e->to()));
    // The scene holds exactly the boxes and edges on the canvas.
    int inScene = 0;
    for (QGraphicsItem* item : scene.items()) inScene += dynamic_cast<views::BoxItem*>(item) ? 1 : 0;
    QCOMPARE(inScene, int(scene.shownBoxes().size()));
    // Selecting the box reports the scope.
    QSignalSpy scopeSelected(&scene, &views::GraphScene::scopeSelected);
    scene.selectOnly(box);
    QCOMPARE(scopeSelected.size(), 1);
    QCOMPARE(scopeSelected.first().at(0).toInt(), layer1);
    // Expand: back to the original boxes and edges, the nodes on the canvas again.
    scene.setCollapsed(layer1, false);
    QVERIFY(relaid.wait(20000));
    QCOMPARE(int(scene.shownBoxes().size()), boxes);
    QCOMPARE(int(scene.edgeItems().size()), edges);
    QVERIFY(scene.isShown(scene.itemForNode(relu)));
    QVERIFY(!scene.itemForScope(layer1));
    // Collapse All collapses the three layers; Expand All undoes it.
    scene.collapseAll();
    QVERIFY(relaid.wait(20000));
    QCOMPARE(scene.scopeItems().size(), kLayers);
    QCOMPARE(scene.collapsedCount(), kLayers);
    scene.expandAll();
    QVERIFY(relaid.wait(20000));
    QCOMPARE(scene.collapsedCount(), 0);
    QCOMPARE(int(scene.shownBoxes().size()), boxes);
}

// Double-clicking a node collapses its scope; the new box's top sits where the node's was.
void TestStudioScopes::collapseKeepsTheBoxInPlace() {
    QTemporaryDir dir;
    auto g = makeEncoder();
    const QString path = writeModel(dir, QStringLiteral("encoder.onnx"), *g);
    QVERIFY(!path.isEmpty());
    studio::MainWindow w;
    w.resize(900, 600);
    w.show();
    QVERIFY(openAndWait(w, path));
    views::GraphScene* scene = w.scene();
    views::GraphView* view = w.graphView();
    view->resetZoom();
    const ir::Node* mm = w.document()->graph().findNode("/m/encoder/layer.1/ffn/MatMul");
    views::NodeItem* item = scene->itemForNode(mm);
    QVERIFY(item);
    view->centerOn(item);
    const QPoint before = topCentreOnScreen(*view, item);
    QSignalSpy relaid(scene, &views::GraphScene::relayoutFinished);
    // The double-click collapses the innermost scope, layer.1/ffn.
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(item->pos()));
    QVERIFY(relaid.wait(20000));
    const int ffn = scene->scopes().find(QStringLiteral("m/encoder/layer.1/ffn"));
    QVERIFY(scene->isCollapsed(ffn));
    views::ScopeItem* box = scene->itemForScope(ffn);
    QVERIFY(box);
    const QPoint after = topCentreOnScreen(*view, box);
    QVERIFY2(std::abs(after.y() - before.y()) <= 2, qPrintable(QStringLiteral("%1 -> %2").arg(before.y()).arg(after.y())));
    QVERIFY2(std::abs(after.x() - before.x()) <= 40, qPrintable(QStringLiteral("%1 -> %2").arg(before.x()).arg(after.x())));
    // Its [+] marker expands it; the first of its nodes comes back where the box was.
    const QPointF marker = box->mapToScene(box->markerRect().center());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(marker));
    QVERIFY(relaid.wait(20000));
    QVERIFY(!scene->isCollapsed(ffn));
    const QPoint back = topCentreOnScreen(*view, scene->itemForNode(mm));
    QVERIFY2(std::abs(back.y() - after.y()) <= 2, qPrintable(QStringLiteral("%1 -> %2").arg(after.y()).arg(back.y())));
}

void TestStudioScopes::scopeSummaryInInspector() {
    QTemporaryDir dir;
    auto g = makeEncoder();
    const QString path = writeModel(dir, QStringLiteral("encoder.onnx"), *g);
    studio::MainWindow w;
    QVERIFY(openAndWait(w, path));
    QAction* collapseAll = w.findChild<QAction*>(QStringLiteral("actionCollapseAll"));
    QAction* expandAll = w.findChild<QAction*>(QStringLiteral("actionExpandAll"));
    QVERIFY(collapseAll && expandAll);
    QVERIFY(collapseAll->isEnabled());
    QVERIFY(!expandAll->isEnabled());
    QSignalSpy relaid(w.scene(), &views::GraphScene::relayoutFinished);
    collapseAll->trigger();
    QVERIFY(relaid.wait(20000));
    QVERIFY(expandAll->isEnabled());
    const int layer2 = w.scene()->scopes().find(QStringLiteral("m/encoder/layer.2"));
    w.scene()->selectOnly(w.scene()->itemForScope(layer2));
    const QString text = w.inspector()->plainText();
    QVERIFY2(text.contains(QStringLiteral("m/encoder/layer.2")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("MatMul")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Parameters")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("FLOPs")), qPrintable(text));
    // 2 x (2*8 outputs x 8) for the MatMuls, 16 each for Mul, Add, Relu, Add and 5 x 16 for Softmax.
    QVERIFY2(text.contains(QStringLiteral("656")), qPrintable(text));
    // The outline's row follows the selection.
    QCOMPARE(w.outlineModel()->indexOfScope(QStringLiteral("m/encoder/layer.2")).data().toString(), QStringLiteral("layer.2"));
}

// Find reaches nodes inside collapsed scopes: the scope expands and the match is selected.
void TestStudioScopes::findInsideCollapsedScopeExpandsIt() {
    QTemporaryDir dir;
    auto g = makeEncoder();
    const QString path = writeModel(dir, QStringLiteral("encoder.onnx"), *g);
    studio::MainWindow w;
    w.resize(1000, 700);
    w.show();
    QVERIFY(openAndWait(w, path));
    views::GraphScene* scene = w.scene();
    QSignalSpy relaid(scene, &views::GraphScene::relayoutFinished);
    scene->collapseAll();
    QVERIFY(relaid.wait(20000));
    const int layer1 = scene->scopes().find(QStringLiteral("m/encoder/layer.1"));
    QVERIFY(scene->isCollapsed(layer1));
    QSignalSpy revealed(scene, &views::GraphScene::nodeRevealed);
    studio::FindBar* bar = w.findBar();
    bar->activate();
    bar->setText(QStringLiteral("layer.1/ffn/Relu"));
    QCOMPARE(bar->matchCount(), 2);  // the Relu, and the Add that reads its output
    QCOMPARE(bar->currentItem()->node()->name(), std::string("/m/encoder/layer.1/ffn/Relu"));
    QVERIFY(revealed.wait(20000));
    QVERIFY(!scene->isCollapsed(layer1));
    QVERIFY(scene->isCollapsed(scene->scopes().find(QStringLiteral("m/encoder/layer.0"))));  // the others stay
    views::NodeItem* relu = bar->currentItem();
    QVERIFY(relu && scene->isShown(relu));
    QCOMPARE(scene->selectedNodeItem(), relu);
    const QRectF visible = w.graphView()->mapToScene(w.graphView()->viewport()->rect()).boundingRect();
    QVERIFY2(visible.contains(relu->pos()), qPrintable(QStringLiteral("%1,%2 %3x%4 / %5,%6").arg(visible.x()).arg(visible.y()).arg(visible.width()).arg(visible.height()).arg(relu->pos().x()).arg(relu->pos().y())));
    // Another match inside another collapsed scope.
    bar->setText(QStringLiteral("layer.2/attn/Softmax"));
    QVERIFY(!scene->isCollapsed(scene->scopes().find(QStringLiteral("m/encoder/layer.2"))));  // laid out next
    QVERIFY(revealed.wait(20000));
    QVERIFY(scene->isShown(bar->currentItem()));
}

// The busy bar's value only grows and ends at 100 when the graph is shown; the runner's own
// progress too.
void TestStudioScopes::progressIsMonotonicAndComplete() {
    QTemporaryDir dir;
    auto g = makeEncoder();
    const QString path = writeModel(dir, QStringLiteral("encoder.onnx"), *g);
    studio::MainWindow w;
    QSignalSpy progress(&w, &studio::MainWindow::openProgress);
    QVERIFY(openAndWait(w, path));
    QVERIFY(progress.size() >= 4);
    int last = -1;
    for (const QList<QVariant>& args : progress) {
        QVERIFY2(args.at(0).toInt() > last, qPrintable(QString::number(args.at(0).toInt())));
        last = args.at(0).toInt();
    }
    QCOMPARE(last, 100);
    QCOMPARE(progress.first().at(0).toInt(), 0);
    QVERIFY(w.findChild<QProgressBar*>(QStringLiteral("BusyIndicator"))->isHidden());

    studio::ImportRunner runner;
    QSignalSpy runnerProgress(&runner, &studio::ImportRunner::progress);
    QSignalSpy imported(&runner, &studio::ImportRunner::imported);
    runner.request(path, /*prepareScene=*/true);
    QVERIFY(imported.wait(20000));
    last = -1;
    QList<int> values;
    for (const QList<QVariant>& args : runnerProgress) {
        QVERIFY(args.at(1).toInt() > last);
        last = args.at(1).toInt();
        values << last;
    }
    QCOMPARE(last, 100);
    // Reading (by bytes) and the import and boxes steps each moved it.
    QVERIFY2(values.contains(studio::ImportRunner::kReadShare), qPrintable(QString::number(values.size())));
    QVERIFY(values.contains(studio::ImportRunner::kReadShare + studio::ImportRunner::kImportShare));
    auto scene = imported.first().at(2).value<std::shared_ptr<views::PreparedScene>>();
    QVERIFY(scene && scene->laidOut);
    QCOMPARE(int(scene->nodes.size()), g->numNodes() - kLayers - 1);
}

// Over ModelDocument::kInlineCheckBytes the checker runs after the graph is shown, into the log.
void TestStudioScopes::largeModelIsCheckedInTheBackground() {
    QTemporaryDir dir;
    auto g = makeEncoder(40000);  // a 8 x 40000 head: 1.28 MB
    const QString path = writeModel(dir, QStringLiteral("big.onnx"), *g);
    QVERIFY(QFileInfo(path).size() > studio::ModelDocument::kInlineCheckBytes);
    studio::MainWindow w;
    QVERIFY(openAndWait(w, path));
    QVERIFY(w.document()->checkerDeferred());
    QVERIFY(QTest::qWaitFor([&] { return w.logPanel()->toPlainText().contains(QStringLiteral("checker found no problems")); }, 30000));
    // A small model is checked during the import.
    QVERIFY(openAndWait(w, writeModel(dir, QStringLiteral("small.onnx"), *makeEncoder())));
    QVERIFY(!w.document()->checkerDeferred());
}

QTEST_MAIN(TestStudioScopes)
#include "test_studio_scopes.moc"
