// The main window's part in collapsing name scopes: View > Collapse All Scopes / Expand All, the
// outline's context menu on a scope ("Collapse on Canvas" / "Expand"), a collapsed scope's summary
// in the inspector, and centring a node that was revealed inside a collapsed scope.
#include <QAction>
#include <QMenu>
#include <QStatusBar>
#include <QTreeView>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "inspector/inspector_widget.h"
#include "main_window.h"
#include "outline/outline_model.h"

namespace kiln::studio {

void MainWindow::addScopeActions(QMenu* viewMenu) {
    m_collapseAllAction = viewMenu->addAction(tr("&Collapse All Scopes"), m_scene, &views::GraphScene::collapseAll);
    m_collapseAllAction->setObjectName(QStringLiteral("actionCollapseAll"));
    m_collapseAllAction->setStatusTip(tr("Draw each repeated block (such as every /encoder/layer.N) as one box"));
    m_expandAllAction = viewMenu->addAction(tr("E&xpand All"), m_scene, &views::GraphScene::expandAll);
    m_expandAllAction->setObjectName(QStringLiteral("actionExpandAll"));
    m_expandAllAction->setStatusTip(tr("Draw every node of every collapsed name scope again"));
    connect(m_scene, &views::GraphScene::collapsedScopesChanged, this, [this] {
        updateScopeActions();
        if (m_scene->isLayoutPending()) statusBar()->showMessage(tr("Laying out ..."));
    });
    connect(m_scene, &views::GraphScene::layoutFinished, this, &MainWindow::updateScopeActions);
    connect(m_scene, &views::GraphScene::scopeSelected, this, &MainWindow::onScopeSelected);
    connect(m_scene, &views::GraphScene::nodeRevealed, m_view, &views::GraphView::centerOnItem);
    connect(m_scene, &views::GraphScene::relayoutFinished, this, [this](const QRectF&, double ms) {
        statusBar()->showMessage(tr("Laid out again in %1 ms: %2 boxes on the canvas")
                                     .arg(ms, 0, 'f', 0)
                                     .arg(m_scene->shownBoxes().size()),
                                 5000);
    });
    m_outlineView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_outlineView, &QWidget::customContextMenuRequested, this, &MainWindow::showOutlineMenu);
    // The checker a large model's import skipped runs once the graph is on screen.
    connect(this, &MainWindow::documentShown, this, &MainWindow::startDeferredCheck);
    updateScopeActions();
}

void MainWindow::updateScopeActions() {
    if (!m_collapseAllAction) return;
    const bool scopes = m_doc && m_scene->hasScopes();
    m_collapseAllAction->setEnabled(scopes);
    m_expandAllAction->setEnabled(scopes && m_scene->collapsedCount() > 0);
}

void MainWindow::onScopeSelected(int scope) {
    const views::NameScopes::Scope& s = m_scene->scopes().scope(scope);
    if (views::ScopeItem* item = m_scene->itemForScope(scope)) m_inspector->showScope(s.path, item->summary());
    else m_inspector->showScope(s.path, m_scene->summaryOf(scope));
    const QModelIndex index = m_outline->indexOfScope(s.path);
    if (index.isValid()) {
        const QSignalBlocker blocker(m_outlineView);
        m_outlineView->setCurrentIndex(index);
        m_outlineView->scrollTo(index);
    }
}

// A Name scopes row: a collapsed scope's box is selected and centred.
bool MainWindow::onOutlineScopeClicked(const QModelIndex& index) {
    const QString path = index.siblingAtColumn(0).data(views::OutlineModel::ScopeRole).toString();
    if (path.isEmpty()) return false;
    if (views::ScopeItem* item = m_scene->itemForScope(m_scene->scopes().find(path))) {
        m_scene->selectOnly(item);
        m_view->centerOnItem(item);
    }
    return true;
}

void MainWindow::showOutlineMenu(const QPoint& pos) {
    const QModelIndex index = m_outlineView->indexAt(pos);
    const QString path = index.siblingAtColumn(0).data(views::OutlineModel::ScopeRole).toString();
    const int scope = path.isEmpty() ? -1 : m_scene->scopes().find(path);
    if (scope <= views::NameScopes::kRoot) return;
    QMenu menu;
    QAction* collapse = menu.addAction(tr("Collapse on Canvas"), this, [this, scope] { m_scene->setCollapsed(scope, true); });
    QAction* expand = menu.addAction(tr("Expand"), this, [this, scope] { m_scene->setCollapsed(scope, false); });
    collapse->setEnabled(!m_scene->isCollapsed(scope));
    expand->setEnabled(m_scene->isCollapsed(scope));
    menu.addSeparator();
    menu.addAction(m_collapseAllAction);
    menu.addAction(m_expandAllAction);
    menu.exec(m_outlineView->viewport()->mapToGlobal(pos));
}

}  // namespace kiln::studio
