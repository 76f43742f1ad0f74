// Opening documents: the request to the ImportRunner, the status bar's progress bar, and
// switching the views to the new document when it arrives; the deferred ONNX checker.
#include <QFileInfo>
#include <QTimer>
#include <QHeaderView>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>
#include <QTreeView>

#include "check_runner.h"
#include "find_bar.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "import_runner.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "main_window.h"
#include "outline/outline_model.h"

namespace kiln::studio {

void MainWindow::createBusyIndicator() {
    m_busyBar = new QProgressBar;
    m_busyBar->setObjectName(QStringLiteral("BusyIndicator"));
    m_busyBar->setRange(0, 100);  // the whole open: bytes read, import, boxes, layout
    m_busyBar->setMaximumWidth(160);
    m_busyBar->setMaximumHeight(16);
    m_busyBar->setTextVisible(true);
    m_busyBar->setFormat(QStringLiteral("%p%"));
    m_cancelButton = new QToolButton;
    m_cancelButton->setObjectName(QStringLiteral("CancelOpenButton"));
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setToolTip(tr("Stop opening the file (the open document stays)"));
    m_cancelButton->setAutoRaise(true);
    connect(m_cancelButton, &QToolButton::clicked, this, &MainWindow::cancelOpen);
    statusBar()->addPermanentWidget(m_busyBar);
    statusBar()->addPermanentWidget(m_cancelButton);
    setBusy(false, false);
    m_checker = new ModelCheckRunner(this);
    connect(m_checker, &ModelCheckRunner::checked, this, &MainWindow::onChecked);
}

void MainWindow::setBusy(bool busy, bool cancellable) {
    if (!busy) m_openProgress = -1;
    m_busyBar->setVisible(busy);
    m_cancelButton->setVisible(busy && cancellable);
}

void MainWindow::setOpenProgress(int percent) {
    // Monotonic within one open: steps report on their own scales.
    if (percent <= m_openProgress) return;
    m_openProgress = percent;
    m_busyBar->setRange(0, 100);
    m_busyBar->setValue(percent);
    emit openProgress(percent);
}

void MainWindow::finishOpenProgress() {
    if (m_openProgress >= 0 && !isOpening()) setOpenProgress(100);
}

void MainWindow::onImportProgress(quint64 id, int percent) {
    // The worker's 100 is the graph laid out; putting it on screen is the rest.
    if (id == m_importId) setOpenProgress(percent * 97 / 100);
}

void MainWindow::onLayoutProgress(int percent) {
    // A layout the scene runs itself: after an open without a prepared scene, or after a collapse.
    if (!m_busyBar->isVisible() || m_openProgress < 0) return;
    setOpenProgress(std::max(m_openProgress, 75 + percent * 22 / 100));
}

void MainWindow::openSample(const QString& name) { openFile(samplePath(name)); }

void MainWindow::openFile(const QString& path) {
    m_openTimer.start();
    m_log->info(tr("Opening %1 ...").arg(path));
    m_importPath = path;
    m_checker->cancel();
    statusBar()->showMessage(tr("Opening %1 ...").arg(QFileInfo(path).fileName()));
    requestImport();  // main_window_plugins.cpp: after the plugins being loaded
    setBusy(true, true);
    m_openProgress = -1;
    setOpenProgress(0);
}

void MainWindow::cancelOpen() {
    if (!isOpening()) return;
    m_importer->cancel();
    m_importId = 0;
    m_log->info(tr("Cancelled opening %1").arg(m_importPath));
    statusBar()->showMessage(tr("Cancelled"), 3000);
    setBusy(false, false);
}

void MainWindow::onImportStage(quint64 id, const QString& stage) {
    if (id == m_importId) statusBar()->showMessage(stage);
}

void MainWindow::onImported(quint64 id, std::shared_ptr<ModelDocument> doc, std::shared_ptr<views::PreparedScene> scene) {
    if (id != m_importId) return;  // superseded or cancelled
    m_importId = 0;
    if (!doc->isSample()) addRecentFile(QFileInfo(doc->path()).absoluteFilePath());
    const bool prepared = scene && scene->graph == &doc->graph();
    showDocument(std::move(doc), !prepared);
    setBusy(true, false);  // until the layout is on screen
    if (!m_doc->checkerProblems().isEmpty())
        m_log->error(tr("The ONNX checker found problems in %1: %2").arg(m_doc->displayName(), m_doc->checkerProblems()));
    reportMissingOps();
    emit documentLoaded(m_doc->path());
    if (!prepared) return;
    // The boxes and their layout are ready: on screen at the next turn of the event loop (after
    // documentLoaded's receivers), unless another document replaced this one meanwhile.
    m_preparedScene = scene;
    QTimer::singleShot(0, this, [this, scene] {
        if (m_preparedScene != scene || !m_doc || scene->graph != &m_doc->graph()) return;
        m_preparedScene.reset();
        m_scene->adopt(scene);
    });
}

void MainWindow::onImportFailed(quint64 id, const QString& path, const QString& message) {
    if (id != m_importId) return;
    m_importId = 0;
    setBusy(false, false);
    // Missing plugins are something the user can fix from here.
    const bool aboutPlugins = message.contains(QLatin1String("plugin"), Qt::CaseInsensitive);
    showError(tr("Cannot open file"), tr("Kiln could not open %1:\n\n%2").arg(QFileInfo(path).fileName(), message), aboutPlugins);
    emit openFailed(path, message);
}

void MainWindow::showDocument(std::shared_ptr<ModelDocument> doc, bool layOut) {
    // Views switch to the new graph before the old one is freed.
    const views::EngineModel* engine = doc ? doc->engine() : nullptr;
    const ir::Graph* graph = doc ? &doc->graph() : nullptr;
    m_preparedScene.reset();
    m_inspector->setEngine(engine);
    // Without layOut the caller hands the scene prepared boxes next; until then it is empty.
    if (!layOut) m_scene->setGraph(nullptr);
    if (engine) {
        if (layOut) m_scene->setEngine(engine);
        m_outline->setEngine(engine);
    } else {
        if (layOut) m_scene->setGraph(graph);
        m_outline->setGraph(graph);
    }
    m_view->setHeatScale(engine && engine->hasLayerTimes() ? engine->maxShare() : 0.0);
    m_findBar->reset();
    m_outlineView->expandToDepth(0);
    QHeaderView* header = m_outlineView->header();
    if (m_outline->hasTimeColumn()) {
        // Times beside the names, which elide (fused layers are named after all their origins),
        // so that a narrow dock still shows them.
        header->setSectionResizeMode(views::OutlineModel::NameColumn, QHeaderView::Interactive);
        header->resizeSection(views::OutlineModel::NameColumn, 140);
        header->setSectionResizeMode(views::OutlineModel::TimeColumn, QHeaderView::ResizeToContents);
        header->moveSection(header->visualIndex(views::OutlineModel::TimeColumn), 1);
    } else {
        header->setSectionResizeMode(QHeaderView::ResizeToContents);
    }
    m_doc = std::move(doc);
    if (m_doc) {
        m_inspector->showModel(graph, m_doc->displayName());
        const QString ms = QString::number(m_doc->readMilliseconds() + m_doc->importMilliseconds(), 'f', 1);
        switch (m_doc->kind()) {
        case ModelDocument::Kind::OnnxModel:
            m_log->info(tr("Imported %1: %2 nodes in %3 ms; laying out ...").arg(m_doc->displayName()).arg(graph->numNodes()).arg(ms));
            break;
        case ModelDocument::Kind::Plan:
            m_log->info(tr("Read plan %1: %2 layers in %3 ms; laying out ...").arg(m_doc->displayName()).arg(graph->numNodes()).arg(ms));
            break;
        case ModelDocument::Kind::Report:
            m_log->info(tr("Read report %1: %2 layers in %3 ms; laying out ...").arg(m_doc->displayName()).arg(graph->numNodes()).arg(ms));
            break;
        }
        statusBar()->showMessage(tr("Laying out %1 ...").arg(m_doc->displayName()));
    } else {
        m_inspector->clear();
    }
    for (QAction* a : m_documentActions) a->setEnabled(m_doc != nullptr);
    updateScopeActions();
    updateTitle();
}

// After the graph is shown: the checker the import skipped, at low priority.
void MainWindow::startDeferredCheck() {
    if (!m_doc || !m_doc->checkerDeferred()) return;
    m_log->info(tr("Running the ONNX checker on %1 in the background ...").arg(m_doc->displayName()));
    m_checkId = m_checker->request(m_doc->path());
}

void MainWindow::onChecked(quint64 id, const QString& path, const QString& problems, double milliseconds) {
    if (id != m_checkId) return;
    m_checkId = 0;
    const QString name = QFileInfo(path).fileName();
    if (problems.isEmpty()) {
        m_log->info(tr("The ONNX checker found no problems in %1 (%2 ms)").arg(name).arg(milliseconds, 0, 'f', 0));
        return;
    }
    m_log->error(tr("The ONNX checker found problems in %1: %2").arg(name, problems));
    statusBar()->showMessage(tr("The ONNX checker found problems in %1 (see the log)").arg(name), 10000);
}

QString MainWindow::loadedMessage() const {
    if (!m_doc) return tr("No model open");
    const int count = m_doc->graph().numNodes();
    if (m_doc->engine()) return tr("%1 — %2 layers").arg(m_doc->displayName()).arg(count);
    // Constant nodes are weight lines, not boxes: say so when that makes the numbers differ.
    const int boxes = int(m_scene->nodeItems().size());
    if (boxes != count) return tr("%1 — %2 nodes in %3 boxes").arg(m_doc->displayName()).arg(count).arg(boxes);
    return tr("%1 — %2 nodes").arg(m_doc->displayName()).arg(count);
}

}  // namespace kiln::studio
