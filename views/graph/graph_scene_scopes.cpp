// GraphScene: collapsing and expanding name scopes — the scene's API for it, double-click, the
// [+] marker and the canvas' context menu.
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMenu>

#include "graph/graph_scene.h"

namespace kiln::views {

namespace {

// A box's own rectangle (without the room its bounding rectangle keeps for borders and badges).
QRectF boxRect(const BoxItem* item) {
    const QSizeF s = item->size();
    return QRectF(item->pos() - QPointF(s.width() / 2, s.height() / 2), s);
}

}  // namespace

bool GraphScene::isCollapsed(int scope) const {
    return scope > NameScopes::kRoot && scope < int(m_collapsed.size()) && m_collapsed[size_t(scope)];
}

int GraphScene::collapsedCount() const {
    int n = 0;
    for (char c : m_collapsed) n += c ? 1 : 0;
    return n;
}

void GraphScene::setCollapsed(int scope, bool collapsed, Anchor anchor) {
    if (scope <= NameScopes::kRoot || scope >= int(m_collapsed.size()) || isCollapsed(scope) == collapsed) return;
    m_collapsed[size_t(scope)] = collapsed ? 1 : 0;
    if (anchor.isNull()) anchor.scope = scope;
    requestLayout(anchor);
    emit collapsedScopesChanged();
}

void GraphScene::toggleScope(int scope, Anchor anchor) { setCollapsed(scope, !isCollapsed(scope), anchor); }

void GraphScene::collapseAll() {
    const std::vector<int> blocks = m_scopes.repeatedBlocks();
    bool changed = false;
    for (int s : blocks)
        if (!m_collapsed[size_t(s)]) {
            m_collapsed[size_t(s)] = 1;
            changed = true;
        }
    if (!changed) return;
    // The selected node (or its block) stays where it is on screen.
    Anchor anchor;
    if (NodeItem* item = selectedNodeItem()) anchor.node = item->node();
    else if (ScopeItem* item = selectedScopeItem()) anchor.scope = item->scope();
    requestLayout(anchor);
    emit collapsedScopesChanged();
}

void GraphScene::setCollapsedScopes(const std::vector<int>& scopes) {
    std::fill(m_collapsed.begin(), m_collapsed.end(), 0);
    for (int s : scopes)
        if (s > NameScopes::kRoot && s < int(m_collapsed.size())) m_collapsed[size_t(s)] = 1;
    emit collapsedScopesChanged();
}

void GraphScene::expandAll() {
    if (collapsedCount() == 0) return;
    Anchor anchor;
    if (NodeItem* item = selectedNodeItem()) anchor.node = item->node();
    else if (ScopeItem* item = selectedScopeItem()) anchor.scope = item->scope();
    std::fill(m_collapsed.begin(), m_collapsed.end(), 0);
    requestLayout(anchor);
    emit collapsedScopesChanged();
}

bool GraphScene::reveal(const ir::Node* node) {
    if (!m_graph || !m_byNode.contains(node)) return false;
    bool changed = false;
    for (int s = m_scopes.scopeOf(node); s > NameScopes::kRoot; s = m_scopes.scope(s).parent)
        if (m_collapsed[size_t(s)]) {
            m_collapsed[size_t(s)] = 0;
            changed = true;
        }
    if (!changed && (!m_pending || isShown(itemForNode(node)))) return false;
    m_revealNode = node;
    if (changed) {
        requestLayout(Anchor{node, -1});
        emit collapsedScopesChanged();
    }
    return true;
}

ScopeItem* GraphScene::itemForScope(int scope) const {
    ScopeItem* item = m_scopeItems.value(scope);
    return isShown(item) ? item : nullptr;
}

QList<ScopeItem*> GraphScene::scopeItems() const {
    QList<ScopeItem*> out;
    for (BoxItem* b : m_shownBoxes)
        if (b->type() == ScopeItem::Type) out << static_cast<ScopeItem*>(b);
    return out;
}

ScopeSummary GraphScene::summaryOf(int scope) const { return summarizeNodes(m_scopes.nodesUnder(scope)); }

// Where the anchor is drawn now (call before and after a relayout is applied).
QRectF GraphScene::anchorRect(const Anchor& anchor) const {
    if (anchor.node) {
        const BoxItem* box = boxForNode(anchor.node);
        return box ? boxRect(box) : QRectF();
    }
    if (anchor.scope < 0) return {};
    if (ScopeItem* item = itemForScope(anchor.scope)) return boxRect(item);
    // Expanded (or inside a collapsed parent): the region of the boxes that show its nodes.
    QRectF region;
    QSet<const BoxItem*> seen;
    for (const ir::Node* n : m_scopes.nodesUnder(anchor.scope)) {
        const BoxItem* box = boxForNode(n);
        if (!box || seen.contains(box)) continue;
        seen.insert(box);
        region = region.isNull() ? boxRect(box) : region.united(boxRect(box));
    }
    return region;
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    // The [+] marker of a collapsed scope expands it.
    if (event->button() == Qt::LeftButton) {
        for (QGraphicsItem* item : items(event->scenePos()))
            if (item->type() == ScopeItem::Type) {
                auto* scope = static_cast<ScopeItem*>(item);
                if (scope->markerRect().contains(scope->mapFromScene(event->scenePos()))) {
                    setCollapsed(scope->scope(), false);
                    event->accept();
                    return;
                }
                break;
            }
    }
    QGraphicsScene::mousePressEvent(event);
}

// Double-click: a collapsed scope expands; a node collapses the scope it is in.
void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
    for (QGraphicsItem* item : items(event->scenePos())) {
        if (item->type() == ScopeItem::Type) {
            setCollapsed(static_cast<ScopeItem*>(item)->scope(), false);
            event->accept();
            return;
        }
        if (item->type() == NodeItem::Type) {
            const ir::Node* node = static_cast<NodeItem*>(item)->node();
            const int scope = m_scopes.scopeOf(node);
            if (scope > NameScopes::kRoot) {
                setCollapsed(scope, true, Anchor{node, -1});
                event->accept();
                return;
            }
            break;
        }
    }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* event) {
    if (!hasScopes()) return;
    QMenu menu;
    int scope = NameScopes::kRoot;
    const ir::Node* node = nullptr;
    for (QGraphicsItem* item : items(event->scenePos())) {
        if (item->type() == ScopeItem::Type) {
            scope = static_cast<ScopeItem*>(item)->scope();
            const NameScopes::Scope& s = m_scopes.scope(scope);
            menu.addAction(tr("Expand \u201C%1\u201D").arg(s.label), this, [this, scope] { setCollapsed(scope, false); });
            scope = s.parent;
            break;
        }
        if (item->type() == NodeItem::Type) {
            node = static_cast<NodeItem*>(item)->node();
            scope = m_scopes.scopeOf(node);
            break;
        }
    }
    // Every scope around the box, innermost first.
    for (int s = scope; s > NameScopes::kRoot; s = m_scopes.scope(s).parent) {
        const QString label = m_scopes.scope(s).label;
        menu.addAction(tr("Collapse \u201C%1\u201D").arg(label), this, [this, s, node] { setCollapsed(s, true, Anchor{node, node ? -1 : s}); });
    }
    if (!menu.isEmpty()) menu.addSeparator();
    menu.addAction(tr("Collapse All Scopes"), this, &GraphScene::collapseAll);
    QAction* expand = menu.addAction(tr("Expand All"), this, &GraphScene::expandAll);
    expand->setEnabled(collapsedCount() > 0);
    menu.exec(event->screenPos());
    event->accept();
}

}  // namespace kiln::views
