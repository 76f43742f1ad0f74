// The studio window (issue 7): outline model, graph scene, find, inspector, errors, export;
// plans and reports (written by the built kiln-exec) and opening files off the GUI thread.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set by CTest).
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QSet>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/engine_model.h"
#include "find_bar.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/minimap.h"
#include "import_runner.h"
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

// Opens in the worker and waits for the graph on screen (true) or the failure (false).
bool openAndWait(studio::MainWindow& w, const QString& path) {
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    QSignalSpy failed(&w, &studio::MainWindow::openFailed);
    w.openFile(path);
    if (!QTest::qWaitFor([&] { return !shown.isEmpty() || !failed.isEmpty(); }, 60000)) return false;
    if (!failed.isEmpty()) qWarning("%s", qPrintable(failed.first().at(1).toString()));
    return !shown.isEmpty();
}

// Opens a file that must fail; returns the engine's message (empty if it did not fail).
QString openAndFail(studio::MainWindow& w, const QString& path) {
    QSignalSpy loaded(&w, &studio::MainWindow::documentLoaded);
    QSignalSpy failed(&w, &studio::MainWindow::openFailed);
    w.openFile(path);
    if (!QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, 60000)) return QString();
    return failed.isEmpty() ? QString() : failed.first().at(1).toString();
}

// Runs the built kiln-exec (the files a user would open); false with its output on failure.
bool runKilnExec(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln-exec"), args);
    const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!ok) qWarning("kiln-exec failed: %s", p.readAll().constData());
    return ok;
}

const views::NodeItem* fusedItem(const views::GraphScene& scene) {
    for (const views::NodeItem* item : scene.nodeItems())
        if (item->node()->domain() == "kiln" && item->node()->origins().size() > 1) return item;
    return nullptr;
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
    void openPlan();
    void openReport();
    void badPlanOrReportKeepsDocument();
    void importRunsOffGuiThread();
    void cancelOpenKeepsDocument();
    void exportImageOfPlanAndReport();
    void overviewMovesTheView();
    void outlineByNameScope();

private:
    QTemporaryDir m_files;  // plans and reports written by kiln-exec
    QString m_plan, m_report;
};

void TestStudio::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("KilnTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_studio"));
    m_plan = m_files.filePath(QStringLiteral("resnet_mini.plan"));
    m_report = m_files.filePath(QStringLiteral("encoder_mini.json"));
    QVERIFY(runKilnExec({QStringLiteral("--sample"), QStringLiteral("resnet_mini"), QStringLiteral("--saveEngine"), m_plan,
                         QStringLiteral("--skipInference")}));
    QVERIFY(runKilnExec({QStringLiteral("--sample"), QStringLiteral("encoder_mini"), QStringLiteral("--shapes"),
                         QStringLiteral("input_ids:2x16,attention_mask:2x16"), QStringLiteral("--iterations"), QStringLiteral("5"),
                         QStringLiteral("--duration"), QStringLiteral("0"), QStringLiteral("--warmUp"), QStringLiteral("0"),
                         QStringLiteral("--exportReport"), m_report}));
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
    w.openSample(QStringLiteral("lenet5"));
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
    QVERIFY(!openAndFail(w, bad).isEmpty());
    QVERIFY(!openAndFail(w, dir.filePath(QStringLiteral("missing.onnx"))).isEmpty());
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

void TestStudio::openPlan() {
    studio::MainWindow w;
    w.resize(1400, 900);
    QVERIFY(openAndWait(w, m_plan));
    const studio::ModelDocument* doc = w.document();
    QCOMPARE(doc->kind(), studio::ModelDocument::Kind::Plan);
    const views::EngineModel* engine = doc->engine();
    QVERIFY(engine);
    QCOMPARE(int(w.scene()->nodeItems().size()), engine->numLayers());
    QCOMPARE(w.outlineModel()->columnCount(), 2);  // no run, no time column
    // A fused layer shows its type, the "N nodes" badge and its origins.
    const views::NodeItem* fused = fusedItem(*w.scene());
    QVERIFY(fused);
    QVERIFY(fused->title().startsWith(QStringLiteral("kiln.")));
    const int origins = int(fused->node()->origins().size());
    QCOMPARE(fused->badgeText(), QStringLiteral("%1 nodes").arg(origins));
    // The origins line only when the layer's name does not already list them.
    const QString all = views::originsText(*fused->node());
    QVERIFY(all.contains(QStringLiteral(" + ")));
    QCOMPARE(fused->originsLine().isEmpty(), all == QString::fromStdString(fused->node()->name()));
    QVERIFY(fused->timeText().isEmpty());
    w.scene()->selectOnly(const_cast<views::NodeItem*>(fused));
    const QString layer = w.inspector()->plainText();
    for (const char* key : {"Precision", "FP32", "Tactic", "Fused from", "arena offset", "Attributes"})
        QVERIFY2(layer.contains(QLatin1String(key)), qPrintable(QStringLiteral("%1 missing in\n%2").arg(QLatin1String(key), layer)));
    for (const std::string& o : fused->node()->origins()) QVERIFY(layer.contains(QString::fromStdString(o)));
    QVERIFY(w.inspector()->currentStats().valid());  // plans carry their weights
    w.scene()->selectOnly(nullptr);
    const QString props = w.inspector()->plainText();
    for (const char* key : {"Passport", "Kiln version", "Backend", "cpu", "Build options", "Optimization profiles",
                            "Activation arena", "without reuse", "Weights"})
        QVERIFY2(props.contains(QLatin1String(key)), qPrintable(QStringLiteral("%1 missing in\n%2").arg(QLatin1String(key), props)));
    QFile model(modelPath(QStringLiteral("resnet_mini")));
    QVERIFY(model.open(QIODevice::ReadOnly));
    QVERIFY(props.contains(QString::fromLatin1(QCryptographicHash::hash(model.readAll(), QCryptographicHash::Sha256).toHex())));
    QVERIFY(w.recentFiles().contains(QFileInfo(m_plan).absoluteFilePath()));
}

void TestStudio::openReport() {
    studio::MainWindow w;
    w.resize(1400, 900);
    QVERIFY(openAndWait(w, m_report));
    QCOMPARE(w.document()->kind(), studio::ModelDocument::Kind::Report);
    const views::EngineModel* engine = w.document()->engine();
    QVERIFY(engine && engine->hasLayerTimes());
    QCOMPARE(int(w.scene()->nodeItems().size()), engine->numLayers());
    double hottest = 0;
    for (const views::NodeItem* item : w.scene()->nodeItems()) {
        QVERIFY(!item->timeText().isEmpty());
        QVERIFY(item->heat() >= 0 && item->heat() <= 1);
        hottest = std::max(hottest, item->heat());
    }
    QCOMPARE(hottest, 1.0);
    // The outline's time column.
    views::OutlineModel* outline = w.outlineModel();
    QCOMPARE(outline->columnCount(), 3);
    const QModelIndex first = outline->indexOfNode(w.scene()->nodeItems().first()->node());
    QVERIFY(first.siblingAtColumn(views::OutlineModel::TimeColumn).data().toString().contains(QStringLiteral(" ms (")));
    const QString props = w.inspector()->plainText();
    for (const char* key : {"Inference run", "Latency", "p99", "Throughput", "Slowest layers", "Kiln report", "Input shapes"})
        QVERIFY2(props.contains(QLatin1String(key)), qPrintable(QStringLiteral("%1 missing in\n%2").arg(QLatin1String(key), props)));
    const views::NodeItem* fused = fusedItem(*w.scene());
    QVERIFY(fused);
    w.scene()->selectOnly(const_cast<views::NodeItem*>(fused));
    const QString layer = w.inspector()->plainText();
    QVERIFY2(layer.contains(QStringLiteral("Run time")) && layer.contains(QStringLiteral("of the layer time")), qPrintable(layer));
    QVERIFY(!w.inspector()->currentStats().valid());  // reports carry no weights
    // Find matches engine layers by their qualified type and by the ONNX nodes they came from.
    w.findBar()->setText(QStringLiteral("kiln.Fused"));
    QVERIFY(w.findBar()->matchCount() >= 1);
    const std::string origin = fused->node()->origins().back();
    w.findBar()->setText(QString::fromStdString(origin));
    QVERIFY(w.findBar()->matchCount() >= 1);
    bool found = false;
    for (int i = 0; i < w.findBar()->matchCount(); ++i, w.findBar()->findNext()) found = found || w.findBar()->currentItem() == fused;
    QVERIFY(found);
}

void TestStudio::badPlanOrReportKeepsDocument() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("lenet5"))));
    QFile planFile(m_plan);
    QVERIFY(planFile.open(QIODevice::ReadOnly));
    const QByteArray plan = planFile.readAll();
    QByteArray flipped = plan;
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x5a);
    const QList<QPair<QString, QByteArray>> files = {
        {QStringLiteral("truncated.plan"), plan.left(plan.size() / 2)},
        {QStringLiteral("flipped.plan"), flipped},
        {QStringLiteral("foreign.plan"), QByteArray("MZ\x90\x00 definitely not a plan", 25)},
        {QStringLiteral("other.json"), QByteArray(R"({"schema": "something-else", "version": 1})")},
        {QStringLiteral("future.json"), QByteArray(R"({"schema": "kiln-report", "version": 9})")},
        {QStringLiteral("broken.json"), QByteArray(R"({"schema": "kiln-report", "version": 1, "passport": )")},
    };
    QTemporaryDir dir;
    for (const auto& [name, bytes] : files) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        const QString message = openAndFail(w, f.fileName());
        QVERIFY2(!message.isEmpty(), qPrintable(name));
        if (name.endsWith(QLatin1String(".json"))) QVERIFY2(message.contains(QStringLiteral("report")) || message.contains(QStringLiteral("JSON")), qPrintable(message));
        const auto boxes = w.findChildren<QMessageBox*>(QStringLiteral("ErrorMessageBox"));
        QVERIFY(!boxes.isEmpty() && boxes.last()->text().contains(name));
        QVERIFY(w.logPanel()->toPlainText().contains(name));
        QVERIFY(w.document()->path().endsWith(QStringLiteral("lenet5.onnx")));
        QCOMPARE(w.document()->kind(), studio::ModelDocument::Kind::OnnxModel);
    }
}

void TestStudio::importRunsOffGuiThread() {
    QTemporaryDir dir;
    const QString big = dir.filePath(QStringLiteral("bert24.onnx"));
    QProcess gen;
    gen.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(KILN_SOURCE_DIR "/tools/make_sample_models.py"),
                                                   QStringLiteral("--bert-style"), QStringLiteral("24"), big});
    if (!gen.waitForFinished(120000) || gen.exitCode() != 0) QSKIP("python3 with onnx is needed to generate the large model");
    // The GUI thread's event loop must keep turning while the worker imports.
    studio::ImportRunner runner;
    QSignalSpy imported(&runner, &studio::ImportRunner::imported);
    QSignalSpy stages(&runner, &studio::ImportRunner::stageChanged);
    QThread* workThread = nullptr;
    connect(&runner, &studio::ImportRunner::stageChanged, this, [&] { workThread = QThread::currentThread(); }, Qt::DirectConnection);
    QElapsedTimer clock;
    QList<qint64> ticks;
    QTimer timer;
    timer.setInterval(2);
    connect(&timer, &QTimer::timeout, this, [&] { ticks << clock.elapsed(); });
    clock.start();
    timer.start();
    const quint64 id = runner.request(big);
    QVERIFY(clock.elapsed() < 50);  // request() only queues
    QVERIFY(imported.wait(120000));
    const qint64 importMs = clock.elapsed();
    timer.stop();
    QCOMPARE(imported.first().at(0).toULongLong(), id);
    auto doc = imported.first().at(1).value<std::shared_ptr<studio::ModelDocument>>();
    QVERIFY(doc && doc->graph().numNodes() > 1000);
    QVERIFY(stages.size() >= 2);  // reading, checking and inferring shapes
    QVERIFY(workThread && workThread != QThread::currentThread());
    qint64 worstGap = ticks.isEmpty() ? importMs : ticks.first();
    for (int i = 1; i < ticks.size(); ++i) worstGap = std::max(worstGap, ticks[i] - ticks[i - 1]);
    qInfo("import %lld ms, %lld timer ticks, longest gap %lld ms", importMs, qlonglong(ticks.size()), worstGap);
    QVERIFY2(ticks.size() >= importMs / 20, qPrintable(QString::number(ticks.size())));
    QVERIFY2(worstGap < 250, qPrintable(QString::number(worstGap)));

    // The window: openFile returns at once with the busy indicator on; the old document stays
    // until the new one arrives. (A smaller model: dot needs minutes to lay out the large one,
    // and the window's destructor would wait for it.)
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("lenet5"))));
    QSignalSpy loaded(&w, &studio::MainWindow::documentLoaded);
    clock.restart();
    w.openFile(modelPath(QStringLiteral("encoder_mini")));
    QVERIFY(clock.elapsed() < 50);
    QVERIFY(w.isOpening());
    QVERIFY(!w.findChild<QProgressBar*>(QStringLiteral("BusyIndicator"))->isHidden());
    QVERIFY(w.document()->path().endsWith(QStringLiteral("lenet5.onnx")));
    QVERIFY(loaded.wait(60000));
    QVERIFY(w.document()->path().endsWith(QStringLiteral("encoder_mini.onnx")));
    QVERIFY(!w.isOpening());
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    QVERIFY(shown.wait(60000));
    QVERIFY(w.findChild<QProgressBar*>(QStringLiteral("BusyIndicator"))->isHidden());
}

void TestStudio::cancelOpenKeepsDocument() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("lenet5"))));
    QSignalSpy loaded(&w, &studio::MainWindow::documentLoaded);
    QSignalSpy failed(&w, &studio::MainWindow::openFailed);
    w.openFile(m_plan);
    QVERIFY(w.isOpening());
    w.cancelOpen();
    QVERIFY(!w.isOpening());
    QVERIFY(w.findChild<QProgressBar*>(QStringLiteral("BusyIndicator"))->isHidden());
    QTest::qWait(1500);  // the worker finishes the read; its result must be dropped
    QVERIFY(loaded.isEmpty() && failed.isEmpty());
    QVERIFY(w.document()->path().endsWith(QStringLiteral("lenet5.onnx")));
    // A newer request supersedes an older one: only the last file arrives.
    w.openFile(m_plan);
    QVERIFY(openAndWait(w, m_report));
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(w.document()->kind(), studio::ModelDocument::Kind::Report);
}

void TestStudio::exportImageOfPlanAndReport() {
    QTemporaryDir dir;
    for (const QString& file : {m_plan, m_report}) {
        const QString png = dir.filePath(QFileInfo(file).fileName() + QStringLiteral(".png"));
        QProcess p;
        p.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln"), {QStringLiteral("--export-image"), png, file});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QImage image(png);
        QVERIFY(!image.isNull() && image.height() >= 400);
    }
}

QTEST_MAIN(TestStudio)
#include "test_studio.moc"

// The overview shows when the graph does not fit; a click in its lower part scrolls the view down.
void TestStudio::overviewMovesTheView() {
    studio::MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(openAndWait(w, modelPath(QStringLiteral("encoder_mini"))));
    views::GraphView* view = w.graphView();
    view->setMinimapVisible(true);
    view->resetZoom();
    view->centerOn(view->scene()->itemsBoundingRect().center().x(), view->scene()->itemsBoundingRect().top());
    view->refreshMinimap();
    views::Minimap* map = view->minimap();
    QVERIFY(map->isVisible());
    const QRectF before = map->viewportRect();
    QVERIFY(!before.isEmpty());
    QVERIFY(before.height() < map->height());  // the view shows part of the graph
    const int scroll = view->verticalScrollBar()->value();
    QTest::mouseClick(map, Qt::LeftButton, {}, QPoint(map->width() / 2, map->height() - 8));
    QVERIFY(view->verticalScrollBar()->value() > scroll);
    QVERIFY(map->viewportRect().center().y() > before.center().y());
    view->setMinimapVisible(false);
    QVERIFY(!map->isVisible());
    // Zoomed to fit, there is nothing to overview.
    view->setMinimapVisible(true);
    view->zoomToFit();
    QVERIFY(!map->isVisible());
}

// PyTorch-style names ("/encoder/layer.0/attention/MatMul") give a Name scopes tree in graph
// order, single-child chains joined, each scope counting the nodes under it.
void TestStudio::outlineByNameScope() {
    ir::Graph g;
    ir::Value* x = *g.addValue("x");
    x->setType(DataType::Float32);
    x->setShape(Shape{1, 4});
    g.addInput(x);
    const std::vector<std::string> names{"/m/embed/Add",           "/m/encoder/layer.0/attn/MatMul",
                                         "/m/encoder/layer.0/attn/Softmax", "/m/encoder/layer.0/ffn/Relu",
                                         "/m/encoder/layer.2/attn/MatMul", "/m/encoder/layer.10/attn/MatMul",
                                         "Identity_7"};
    ir::Value* cur = x;
    for (const std::string& n : names) {
        ir::Value* y = *g.addValue(n + "_out");
        g.addNode(n, "Relu", "", {cur}, {y});
        cur = y;
    }
    g.addOutput(cur);
    views::OutlineModel outline;
    QAbstractItemModelTester tester(&outline, QAbstractItemModelTester::FailureReportingMode::QtTest);
    outline.setGraph(&g);
    QCOMPARE(outline.rowCount(), 4);  // Inputs, Outputs, Nodes, Name scopes
    const QModelIndex scopes = outline.index(3, 0);
    QCOMPARE(scopes.data().toString(), QStringLiteral("Name scopes"));
    QCOMPARE(scopes.siblingAtColumn(1).data().toString(), QStringLiteral("7"));
    // "m" holds embed and encoder; the unscoped node sits at the top.
    QCOMPARE(outline.rowCount(scopes), 2);
    const QModelIndex m = outline.index(0, 0, scopes);
    QCOMPARE(m.data().toString(), QStringLiteral("m"));
    QCOMPARE(m.siblingAtColumn(1).data().toString(), QStringLiteral("6"));
    QCOMPARE(outline.index(1, 0, scopes).data().toString(), QStringLiteral("Identity_7"));
    const QModelIndex encoder = outline.index(1, 0, m);
    QCOMPARE(encoder.data().toString(), QStringLiteral("encoder"));
    QCOMPARE(outline.rowCount(encoder), 3);
    // Graph order, not text order: layer.2 before layer.10; a one-child chain is one row.
    QCOMPARE(outline.index(0, 0, encoder).data().toString(), QStringLiteral("layer.0"));
    QCOMPARE(outline.index(1, 0, encoder).data().toString(), QStringLiteral("layer.2/attn"));
    QCOMPARE(outline.index(2, 0, encoder).data().toString(), QStringLiteral("layer.10/attn"));
    const QModelIndex layer0 = outline.index(0, 0, encoder);
    QCOMPARE(layer0.siblingAtColumn(1).data().toString(), QStringLiteral("3"));
    const QModelIndex attn = outline.index(0, 0, layer0);
    QCOMPARE(attn.data().toString(), QStringLiteral("attn"));
    QCOMPARE(outline.rowCount(attn), 2);
    QCOMPARE(outline.index(1, 0, attn).data().toString(), QStringLiteral("/m/encoder/layer.0/attn/Softmax"));
    QVERIFY(outline.index(1, 0, attn).data(views::OutlineModel::NodeRole).isValid());
    // A model without scoped names has no such group.
    ir::Graph plain;
    ir::Value* a = *plain.addValue("a");
    a->setType(DataType::Float32);
    a->setShape(Shape{2});
    plain.addInput(a);
    ir::Value* b = *plain.addValue("b");
    plain.addNode("Relu_0", "Relu", "", {a}, {b});
    plain.addOutput(b);
    outline.setGraph(&plain);
    QCOMPARE(outline.rowCount(), 3);
}
