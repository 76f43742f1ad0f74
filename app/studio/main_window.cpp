#include "main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTreeView>
#include <QVBoxLayout>

#include "find_bar.h"
#include "graph/graph_scene.h"
#include "import_runner.h"
#include "graph/graph_view.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "outline/outline_model.h"
#include "plugin_manager.h"

namespace kiln::studio {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_scene(new views::GraphScene(this)), m_view(new views::GraphView),
      m_inspector(new views::InspectorWidget), m_log(new views::LogPanel), m_outline(new views::OutlineModel(this)),
      m_findBar(new FindBar(m_scene, m_view)), m_importer(new ImportRunner(this)), m_plugins(new PluginManager(this)) {
    setObjectName(QStringLiteral("MainWindow"));
    m_view->setGraphScene(m_scene);
    auto* centre = new QWidget;
    auto* layout = new QVBoxLayout(centre);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_findBar);
    layout->addWidget(m_view, 1);
    setCentralWidget(centre);
    setAcceptDrops(true);
    createDocks();
    createMenus();
    createToolBar();
    createTeachActions();
    connect(m_scene, &views::GraphScene::layoutFinished, this, &MainWindow::onLayoutFinished);
    connect(m_scene, &views::GraphScene::layoutProgress, this, &MainWindow::onLayoutProgress);
    connect(m_scene, &views::GraphScene::layoutFailed, this,
            [this](const QString& message) { m_log->error(tr("Layout failed: %1").arg(message)); });
    connect(m_scene, &views::GraphScene::nodeSelected, this, &MainWindow::onNodeSelected);
    connect(m_importer, &ImportRunner::stageChanged, this, &MainWindow::onImportStage);
    connect(m_importer, &ImportRunner::progress, this, &MainWindow::onImportProgress);
    connect(m_importer, &ImportRunner::imported, this, &MainWindow::onImported);
    connect(m_importer, &ImportRunner::failed, this, &MainWindow::onImportFailed);
    connect(m_plugins, &PluginManager::loadStarted, this, &MainWindow::onPluginLoadStarted);
    connect(m_plugins, &PluginManager::pathLoaded, this, &MainWindow::onPluginPathLoaded);
    connect(m_plugins, &PluginManager::idle, this, &MainWindow::onPluginsIdle);
    createBusyIndicator();
    readSettings();
    updateTitle();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() {
    // The scene's items, the outline's rows and the inspector point into the document's graph:
    // drop them first (the document, a member, goes before the child widgets).
    m_scene->setGraph(nullptr);
    m_outline->setGraph(nullptr);
    m_inspector->setEngine(nullptr);
    m_importer->cancel();  // its destructor (a child's) aborts and waits
}

void MainWindow::createDocks() {
    m_outlineView = new QTreeView;
    m_outlineView->setModel(m_outline);
    m_outlineView->setUniformRowHeights(true);
    m_outlineView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_outlineView, &QTreeView::clicked, this, &MainWindow::onOutlineClicked);
    auto addDock = [this](QWidget* widget, const QString& title, const QString& name, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);  // saveState() needs it
        dock->setWidget(widget);
        addDockWidget(area, dock);
        return dock;
    };
    addDock(m_outlineView, tr("Outline"), QStringLiteral("OutlineDock"), Qt::LeftDockWidgetArea);
    QDockWidget* inspector = addDock(m_inspector, tr("Inspector"), QStringLiteral("InspectorDock"), Qt::RightDockWidgetArea);
    QDockWidget* log = addDock(m_log, tr("Log"), QStringLiteral("LogDock"), Qt::BottomDockWidgetArea);
    resizeDocks({log}, {110}, Qt::Vertical);
    resizeDocks({inspector}, {330}, Qt::Horizontal);  // engine pages hold long values (build options, hashes)
}

void MainWindow::closeDocument() {
    if (!m_doc) return;
    m_log->info(tr("Closed %1").arg(m_doc->displayName()));
    showDocument(nullptr);
    statusBar()->showMessage(tr("No model open"));
}

void MainWindow::onLayoutFinished(double layoutMs) {
    m_view->showDefaultView();
    m_view->refreshMinimap();
    finishOpenProgress();
    if (!isOpening()) setBusy(false, false);
    const double total = double(m_openTimer.nsecsElapsed()) / 1e6;
    const QString name = m_doc ? m_doc->displayName() : QString();
    m_log->info(tr("Showing %1: layout %2 ms, %3 ms from open to graph on screen")
                    .arg(name).arg(layoutMs, 0, 'f', 1).arg(total, 0, 'f', 1));
    statusBar()->showMessage(loadedMessage());
    emit documentShown(total);
}

void MainWindow::onNodeSelected(const ir::Node* node) {
    if (!node) {
        m_inspector->showModel(m_doc ? &m_doc->graph() : nullptr, m_doc ? m_doc->displayName() : QString());
        return;
    }
    m_inspector->showNode(node);
    const QModelIndex index = m_outline->indexOfNode(node);
    if (index.isValid()) {
        const QSignalBlocker blocker(m_outlineView);
        m_outlineView->setCurrentIndex(index);
        m_outlineView->scrollTo(index);
    }
}

void MainWindow::onOutlineClicked(const QModelIndex& index) {
    if (onOutlineScopeClicked(index)) return;
    const QVariant v = index.siblingAtColumn(0).data(views::OutlineModel::NodeRole);
    if (!v.isValid()) return;
    auto* node = reinterpret_cast<const ir::Node*>(v.value<quintptr>());
    if (m_scene->reveal(node)) return;  // inside a collapsed scope: selected once expanded
    if (views::NodeItem* item = m_scene->itemForNode(node)) {
        m_scene->selectOnly(item);
        m_view->centerOnItem(item);
    }
}

void MainWindow::showError(const QString& title, const QString& message, bool offerPluginFolder) {
    m_log->error(QString(message).replace(QLatin1String("\n\n"), QLatin1String(" ")));
    statusBar()->showMessage(title);
    if (offerPluginFolder) {
        showPluginHelp(title, message, QStringLiteral("ErrorMessageBox"));
        return;
    }
    // Window-modal and non-blocking: the studio (and a test driving it) keeps running.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("ErrorMessageBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::updateTitle() {
    setWindowTitle(m_doc ? tr("%1 — Kiln").arg(m_doc->displayName()) : tr("Kiln"));
}

void MainWindow::readSettings() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_view->setLegendVisible(settings.value(QStringLiteral("view/legend"), true).toBool());
    updateRecentMenu();
}

void MainWindow::writeSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    writeSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    // .onnx, .plan and report .json alike: the file's first bytes say which it is.
    event->acceptProposedAction();
    openFile(urls.first().toLocalFile());
}

QStringList MainWindow::recentFiles() const {
    return QSettings().value(QStringLiteral("recentFiles")).toStringList();
}

}  // namespace kiln::studio
