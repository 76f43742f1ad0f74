// Opening documents: the request to the ImportRunner, the status bar's busy indicator, and
// switching the views to the new document when it arrives.
#include <QFileInfo>
#include <QHeaderView>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>
#include <QTreeView>

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
    m_busyBar->setRange(0, 0);  // no known end while importing; the layout reports percent
    m_busyBar->setMaximumWidth(140);
    m_busyBar->setMaximumHeight(16);
    m_busyBar->setTextVisible(false);
    m_cancelButton = new QToolButton;
    m_cancelButton->setObjectName(QStringLiteral("CancelOpenButton"));
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setToolTip(tr("Stop opening the file (the open document stays)"));
    m_cancelButton->setAutoRaise(true);
    connect(m_cancelButton, &QToolButton::clicked, this, &MainWindow::cancelOpen);
    statusBar()->addPermanentWidget(m_busyBar);
    statusBar()->addPermanentWidget(m_cancelButton);
    setBusy(false, false);
}

void MainWindow::setBusy(bool busy, bool cancellable) {
    m_busyBar->setRange(0, 0);
    m_busyBar->setVisible(busy);
    m_cancelButton->setVisible(busy && cancellable);
}

void MainWindow::openSample(const QString& name) { openFile(samplePath(name)); }

void MainWindow::openFile(const QString& path) {
    m_openTimer.start();
    m_log->info(tr("Opening %1 ...").arg(path));
    m_importPath = path;
    m_importId = m_importer->request(path);
    statusBar()->showMessage(tr("Opening %1 ...").arg(QFileInfo(path).fileName()));
    setBusy(true, true);
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

void MainWindow::onImported(quint64 id, std::shared_ptr<ModelDocument> doc) {
    if (id != m_importId) return;  // superseded or cancelled
    m_importId = 0;
    if (!doc->isSample()) addRecentFile(QFileInfo(doc->path()).absoluteFilePath());
    showDocument(std::move(doc));
    setBusy(true, false);  // until the layout is on screen
    emit documentLoaded(m_doc->path());
}

void MainWindow::onImportFailed(quint64 id, const QString& path, const QString& message) {
    if (id != m_importId) return;
    m_importId = 0;
    setBusy(false, false);
    showError(tr("Cannot open file"), tr("Kiln could not open %1:\n\n%2").arg(QFileInfo(path).fileName(), message));
    emit openFailed(path, message);
}

void MainWindow::showDocument(std::shared_ptr<ModelDocument> doc) {
    // Views switch to the new graph before the old one is freed.
    const views::EngineModel* engine = doc ? doc->engine() : nullptr;
    const ir::Graph* graph = doc ? &doc->graph() : nullptr;
    m_inspector->setEngine(engine);
    if (engine) {
        m_scene->setEngine(engine);
        m_outline->setEngine(engine);
    } else {
        m_scene->setGraph(graph);
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
        const QString ms = QString::number(m_doc->importMilliseconds(), 'f', 1);
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
    updateTitle();
}

QString MainWindow::loadedMessage() const {
    if (!m_doc) return tr("No model open");
    const int count = int(m_scene->nodeItems().size());
    if (m_doc->engine()) return tr("%1 — %2 layers").arg(m_doc->displayName()).arg(count);
    return tr("%1 — %2 nodes").arg(m_doc->displayName()).arg(count);
}

}  // namespace kiln::studio
