// Plugins in the window: Edit ▸ Preferences, loading the plugin folder and --plugins (a file
// opened meanwhile is opened after them), recolouring the canvas and refreshing the inspector
// when plugins arrive, and the message about ops that neither Kiln nor a loaded plugin implements.
#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHash>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTreeView>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/labels.h"
#include "graph/node_category.h"
#include "import_runner.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "main_window.h"
#include "plugin_manager.h"
#include "preferences_dialog.h"

namespace kiln::studio {

namespace {

// "Mystery (acme.ops) ×2" for each op that neither Kiln nor a loaded plugin implements, in graph order.
QStringList missingOps(const ir::Graph& graph) {
    QStringList order;
    QHash<QString, int> counts;
    for (const auto& n : graph.nodes()) {
        if (views::categoryOfNode(*n, false) != views::NodeCategory::Unsupported) continue;
        const QString op = QStringLiteral("%1 (%2)").arg(views::qs(n->opType()),
                                                         n->domain().empty() ? QStringLiteral("ai.onnx") : views::qs(n->domain()));
        if (!counts.contains(op)) order << op;
        counts[op] += 1;
    }
    QStringList out;
    for (const QString& op : order) out << (counts[op] > 1 ? QStringLiteral("%1 \u00D7%2").arg(op).arg(counts[op]) : op);
    return out;
}

}  // namespace

void MainWindow::createPluginActions(QMenu* edit) {
    edit->addSeparator();
    QAction* preferences = edit->addAction(tr("&Preferences..."), this, [this] { showPreferences(); });
    preferences->setObjectName(QStringLiteral("actionPreferences"));
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);
}

PreferencesDialog* MainWindow::showPreferences() {
    if (!m_preferences) {
        m_preferences = new PreferencesDialog(m_plugins, this);
        m_preferences->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_preferences->open();
    m_preferences->raise();
    return m_preferences;
}

void MainWindow::choosePluginFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Plugin Folder"), PluginManager::folder());
    if (!dir.isEmpty()) m_plugins->setFolder(dir);
}

QMessageBox* MainWindow::showPluginHelp(const QString& title, const QString& message, const QString& objectName) {
    // Window-modal and non-blocking, like every error box of the studio.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Close, this);
    box->setObjectName(objectName);
    QPushButton* folder = box->addButton(tr("Plugin Folder..."), QMessageBox::ActionRole);
    folder->setObjectName(QStringLiteral("PluginFolderButton"));
    folder->setToolTip(tr("Choose the folder of plugin libraries; Kiln loads it now and at every start"));
    // Queued: the box closes before the folder dialog opens.
    connect(folder, &QPushButton::clicked, this, &MainWindow::choosePluginFolder, Qt::QueuedConnection);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

void MainWindow::requestImport() {
    if (m_plugins->isLoading()) {
        m_importId = kAwaitingPlugins;  // onPluginsIdle starts it
        statusBar()->showMessage(tr("Loading plugins before opening %1 ...").arg(QFileInfo(m_importPath).fileName()));
        return;
    }
    m_importId = m_importer->request(m_importPath, /*prepareScene=*/true);
}

void MainWindow::onPluginLoadStarted(const QString& path) { m_log->info(tr("Loading plugins from %1 ...").arg(path)); }

void MainWindow::onPluginPathLoaded(const QString& path, const QStringList& plugins, const QStringList& errors) {
    for (const QString& p : plugins) m_log->info(tr("Loaded plugin %1").arg(p));
    for (const QString& e : errors) m_log->error(tr("Plugin not loaded: %1").arg(e));
    if (plugins.isEmpty() && errors.isEmpty()) m_log->info(tr("No new plugin libraries in %1").arg(path));
    if (!errors.isEmpty()) statusBar()->showMessage(tr("Some plugins could not be loaded (see the log)"), 10000);
}

void MainWindow::onPluginsIdle() {
    refreshPluginViews();
    if (m_importId == kAwaitingPlugins) requestImport();
}

void MainWindow::refreshPluginViews() {
    // A node a new plugin provides becomes a plugin layer; the legend follows the canvas.
    if (m_scene->refreshCategories()) m_view->refreshMinimap();
    m_outlineView->viewport()->update();
    if (!m_doc) return;
    if (views::NodeItem* item = m_scene->selectedNodeItem()) m_inspector->showNode(item->node());
    else if (!m_scene->selectedScopeItem()) m_inspector->showModel(&m_doc->graph(), m_doc->displayName());
}

void MainWindow::reportMissingOps() {
    if (!m_doc || m_doc->engine()) return;  // engines were built: their layers all have an implementation
    const QStringList ops = missingOps(m_doc->graph());
    if (ops.isEmpty()) return;
    const QString message = tr("%1 uses ops that neither Kiln nor a loaded plugin implements: %2.\n\n"
                               "The graph shows their nodes with a dashed red outline. Kiln cannot build or run the model "
                               "until a plugin library provides them: choose the folder of plugin libraries to load them.")
                                .arg(m_doc->displayName(), ops.join(QStringLiteral(", ")));
    m_log->error(QString(message).replace(QLatin1String("\n\n"), QLatin1String(" ")));
    showPluginHelp(tr("Ops without an implementation"), message, QStringLiteral("MissingOpsMessageBox"));
}

}  // namespace kiln::studio
