// The studio window (issue 7): outline model, graph scene, find, inspector, errors, export.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set by CTest).
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "find_bar.h"
#include "graph/graph_scene.h"
#include "inspector/histogram_plot.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "main_window.h"
#include "model_document.h"
#include "onnx/importer.h"
#include "outline/outline_model.h"

using namespace kiln;

namespace {

QString modelPath(const QString& name) { return QStringLiteral(KILN_SOURCE_DIR "/resources/models/%1.onnx").arg(name); }

std::unique_ptr<ir::Graph> importGraph(const QString& name) {
    onnx::ImportOptions options;
    options.requireSupportedOps = false;
    auto g = onnx::importModelFile(modelPath(name).toStdString(), options);
    if (!g) qWarning("%s", g.status().toString().c_str());
    return g ? std::move(g).value() : nullptr;
}

// (producer -> consumer) links of non-constant values, one per distinct consumer node.
int countNodeLinks(const ir::Graph& g) {
    int links = 0;
    for (const auto& n : g.nodes())
        for (const ir::Value* v : n->outputs()) {
            if (!v || v->constant()) continue;
            QSet<const ir::Node*> consumers;
            for (const ir::Node* c : v->consumers()) consumers.insert(c);
            links += int(consumers.size());
        }
    return links;
}

bool openAndWait(studio::MainWindow& w, const QString& path) {
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    if (!w.openFile(path)) return false;
    return shown.wait(20000);
}

}  // namespace

class TestStudio : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void outlineModel_data();
    void outlineModel();
    void openSample_data();
    void openSample();
    void embeddedSample();
    void find();
    void selectionFillsInspector();
    void modelPropertiesWhenNothingSelected();
    void badFileKeepsDocument();
    void exportImage_data();
    void exportImage();
    void exportImageFailsOnBadModel();
};

void TestStudio::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("KilnTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_studio"));
}

void TestStudio::outlineModel_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("resnet_mini") << "resnet_mini";
    QTest::newRow("encoder_mini") << "encoder_mini";
    QTest::newRow("lenet5") << "lenet5";
}

void TestStudio::outlineModel() {
    QFETCH(QString, model);
    auto graph = importGraph(model);
    QVERIFY(graph);
    views::OutlineModel outline;
    QAbstractItemModelTester tester(&outline, QAbstractItemModelTester::FailureReportingMode::QtTest);
    outline.setGraph(graph.get());
    QCOMPARE(outline.rowCount(), 3);  // Inputs, Outputs, Nodes
    QCOMPARE(outline.rowCount(outline.index(0, 0)), int(graph->runtimeInputs().size()));
    QCOMPARE(outline.rowCount(outline.index(1, 0)), int(graph->outputs().size()));
    const QModelIndex nodes = outline.index(2, 0);
    int total = 0;
    for (int i = 0; i < outline.rowCount(nodes); ++i) total += outline.rowCount(outline.index(i, 0, nodes));
    QCOMPARE(total, graph->numNodes());
    const ir::Node* first = graph->nodes().front().get();
    const QModelIndex idx = outline.indexOfNode(first);
    QVERIFY(idx.isValid());
    QCOMPARE(idx.data().toString(), QString::fromStdString(first->name()));
    outline.setGraph(nullptr);
    QCOMPARE(outline.rowCount(), 0);
}

void TestStudio::openSample_data() { outlineModel_data(); }

void TestStudio::openSample() {
    QFETCH(QString, model);
    studio::MainWindow w;
    w.resize(1400, 900);
    QVERIFY(openAndWait(w, modelPath(model)));
    const ir::Graph& g = w.document()->graph();
    views::GraphScene* scene = w.scene();
    QVERIFY(scene->isLaidOut());
    QCOMPARE(int(scene->nodeItems().size()), g.numNodes());
    int nodeEdges = 0;
    for (views::EdgeItem* e : scene->edgeItems()) nodeEdges += e->isIoEdge() ? 0 : 1;
    QCOMPARE(nodeEdges, countNodeLinks(g));
    // The layout must not overlap boxes.
    const auto& items = scene->nodeItems();
    for (int i = 0; i < items.size(); ++i)
        for (int j = i + 1; j < items.size(); ++j) {
            const QRectF a(items[i]->pos() - QPointF(items[i]->size().width() / 2, items[i]->size().height() / 2), items[i]->size());
            const QRectF b(items[j]->pos() - QPointF(items[j]->size().width() / 2, items[j]->size().height() / 2), items[j]->size());
            QVERIFY2(!a.intersects(b), qPrintable(QStringLiteral("%1 overlaps %2").arg(i).arg(j)));
        }
}

void TestStudio::embeddedSample() {
    studio::MainWindow w;
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    QVERIFY(w.openSample(QStringLiteral("lenet5")));
    QVERIFY(shown.wait(20000));
    QVERIFY(w.document()->isSample());
    QVERIFY(w.document()->graph().numNodes() > 0);
}

void TestStudio::find() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("resnet_mini"))));
    const ir::Graph& g = w.document()->graph();
    studio::FindBar* bar = w.findBar();
    int convs = 0;
    for (const auto& n : g.nodes()) convs += n->opType() == "Conv";
    QVERIFY(convs > 1);
    bar->setText(QStringLiteral("conv"));  // op type, case-insensitive (names may also hold "conv")
    QVERIFY(bar->matchCount() >= convs);
    // By exact node name.
    const ir::Node* last = g.nodes().back().get();
    bar->setText(QString::fromStdString(last->name()));
    QVERIFY(bar->matchCount() >= 1);
    bool found = false;
    for (int i = 0; i < bar->matchCount(); ++i, bar->findNext()) found = found || bar->currentItem()->node() == last;
    QVERIFY(found);
    // By tensor name: the graph output is written by the last node.
    const QString tensor = QString::fromStdString(g.outputs().front()->name());
    bar->setText(tensor);
    QVERIFY(bar->matchCount() >= 1);
    QCOMPARE(w.scene()->selectedNodeItem(), bar->currentItem());
    // Next / previous wrap around.
    bar->setText(QStringLiteral("conv"));
    const int n = bar->matchCount();
    QCOMPARE(bar->currentIndex(), 0);
    bar->findPrevious();
    QCOMPARE(bar->currentIndex(), n - 1);
    bar->findNext();
    QCOMPARE(bar->currentIndex(), 0);
    for (int i = 0; i < n; ++i) bar->findNext();
    QCOMPARE(bar->currentIndex(), 0);
    bar->setText(QStringLiteral("no-such-thing-anywhere"));
    QCOMPARE(bar->matchCount(), 0);
    QVERIFY(!bar->currentItem());
}

void TestStudio::selectionFillsInspector() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("resnet_mini"))));
    views::NodeItem* conv = nullptr;
    for (views::NodeItem* item : w.scene()->nodeItems())
        if (item->node()->opType() == "Conv" && item->node()->input(1) && item->node()->input(1)->constant()) {
            conv = item;
            break;
        }
    QVERIFY(conv);
    QVERIFY(conv->weightLines().first().startsWith(QStringLiteral("W \u27E8")));
    w.scene()->selectOnly(conv);
    for (views::EdgeItem* e : conv->edges()) QVERIFY(e->isHighlighted());
    const QString text = w.inspector()->plainText();
    QVERIFY2(text.contains(QStringLiteral("Conv")), qPrintable(text));
    QVERIFY2(text.contains(QString::fromStdString(conv->node()->name())), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("kernel_shape")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("std")), qPrintable(text));
    // The statistics match the weights.
    const HostTensor& wt = *conv->node()->input(1)->constant();
    const views::WeightStats& s = w.inspector()->currentStats();
    QCOMPARE(s.count, wt.numel());
    double mn = 1e30, mx = -1e30, sum = 0;
    for (int64_t i = 0; i < wt.numel(); ++i) {
        mn = std::min(mn, wt.getDouble(i));
        mx = std::max(mx, wt.getDouble(i));
        sum += wt.getDouble(i);
    }
    QCOMPARE(s.min, mn);
    QCOMPARE(s.max, mx);
    QVERIFY(std::abs(s.mean - sum / double(wt.numel())) < 1e-9);
    QVERIFY(s.std > 0);
    QVERIFY(s.zeroShare >= 0 && s.zeroShare <= 1);
    QVERIFY(w.inspector()->histogram()->barCount() > 1);
    double binned = 0;
    for (double c : s.binCounts) binned += c;
    QCOMPARE(int64_t(binned), wt.numel());
    // Deselecting brings the model properties back.
    w.scene()->selectOnly(nullptr);
    for (views::EdgeItem* e : conv->edges()) QVERIFY(!e->isHighlighted());
    QVERIFY(w.inspector()->plainText().contains(QStringLiteral("IR version")));
}

void TestStudio::modelPropertiesWhenNothingSelected() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("encoder_mini"))));
    const QString text = w.inspector()->plainText();
    QVERIFY2(text.contains(QStringLiteral("Opsets")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Parameters")));
    QVERIFY(text.contains(QStringLiteral("encoder_mini.onnx")));
}

void TestStudio::badFileKeepsDocument() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("lenet5"))));
    const int nodes = w.scene()->nodeItems().size();
    QTemporaryDir dir;
    QFile good(modelPath(QStringLiteral("lenet5")));
    QVERIFY(good.open(QIODevice::ReadOnly));
    const QByteArray bytes = good.readAll();
    const QString bad = dir.filePath(QStringLiteral("truncated.onnx"));
    QFile out(bad);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes.left(bytes.size() / 3));
    out.close();
    QVERIFY(!w.openFile(bad));
    QVERIFY(!w.openFile(dir.filePath(QStringLiteral("missing.onnx"))));
    auto* box = w.findChild<QMessageBox*>(QStringLiteral("ErrorMessageBox"));
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QVERIFY(box->text().contains(QStringLiteral("truncated.onnx")) || box->text().contains(QStringLiteral("missing.onnx")));
    QVERIFY(w.logPanel()->toPlainText().contains(QStringLiteral("truncated.onnx")));
    QVERIFY(w.document());
    QVERIFY(w.document()->path().endsWith(QStringLiteral("lenet5.onnx")));
    QCOMPARE(int(w.scene()->nodeItems().size()), nodes);
    QVERIFY(w.windowTitle().contains(QStringLiteral("lenet5")));
}

void TestStudio::exportImage_data() { outlineModel_data(); }

void TestStudio::exportImage() {
    QFETCH(QString, model);
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("graph.png"));
    QProcess p;
    p.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln"), {QStringLiteral("--export-image"), png, modelPath(model)});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 200 && image.height() >= 400);
    QVERIFY(image.width() < 20000 && image.height() < 40000);
    int64_t ink = 0;
    const QRgb bg = qRgb(255, 255, 255);
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) ink += (image.pixel(x, y) | 0xff000000) != bg;
    const double share = double(ink) / (double((image.width() + 1) / 2) * double((image.height() + 1) / 2));
    QVERIFY2(share > 0.02 && share < 0.7, qPrintable(QString::number(share)));
    const QString svg = dir.filePath(QStringLiteral("graph.svg"));
    p.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln"), {QStringLiteral("--export-image"), svg, modelPath(model)});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("<svg"));
}

void TestStudio::exportImageFailsOnBadModel() {
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.onnx"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("definitely not a model");
    f.close();
    QProcess p;
    p.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln"), {QStringLiteral("--export-image"), dir.filePath(QStringLiteral("x.png")), bad});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY(p.exitCode() != 0);
    QVERIFY(!p.readAllStandardError().isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.png"))));
}

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
