// The graph canvas' scene: what canvas_structure.h says to draw — a NodeItem per node (Constant
// nodes are weight lines in their consumers instead), IoItems for graph inputs and outputs, a
// ScopeItem per collapsed name scope, one EdgeItem per tensor and box it goes to. Every layout
// (the first one, and after each collapse or expand) runs in the worker thread; the new boxes and
// edges replace the old ones only when it lands. The scene reads the graph and never changes it.
#pragma once

#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QHash>
#include <QList>
#include <optional>
#include <vector>

#include "graph/canvas_structure.h"
#include "graph/graph_items.h"
#include "graph/layout_runner.h"
#include "graph/prepared_scene.h"
#include "graph/scope_item.h"
#include "ir/graph.h"
#include "outline/name_scopes.h"

namespace kiln::views {

class EngineModel;

// What a relayout keeps in place on screen: a node (its box, or the box of the scope that now
// holds it), or a scope (its box, or the region of its nodes once expanded).
struct LayoutAnchor {
    const ir::Node* node = nullptr;
    int scope = -1;
    bool isNull() const { return !node && scope < 0; }
};

class GraphScene : public QGraphicsScene {
    Q_OBJECT
public:
    using Anchor = LayoutAnchor;

    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    // Rebuilds the items for `graph` (not owned; it must outlive its use here, or be replaced
    // by setGraph(nullptr) first) and, unless told not to, starts a layout in the worker thread.
    void setGraph(const ir::Graph* graph, bool startLayout = true);
    // The same for an engine's network: its boxes also show origins, precision and run times.
    void setEngine(const EngineModel* engine, bool startLayout = true);
    // Takes the boxes (and first layout) an import worker prepared (prepared_scene.h); without a
    // layout, one starts in the worker thread.
    void adopt(const std::shared_ptr<PreparedScene>& prepared);
    // Lays out on the calling thread (the headless export).
    bool layoutNow(QString* error = nullptr);
    const ir::Graph* graph() const { return m_graph; }
    const EngineModel* engine() const { return m_engine; }
    bool isLaidOut() const { return m_laidOut; }
    // A layout (first or after a collapse / expand) is running.
    bool isLayoutPending() const { return m_pending.has_value(); }

    // The box of every node but folded Constants, on the canvas or inside a collapsed scope.
    const QList<NodeItem*>& nodeItems() const { return m_nodes; }
    // The edges on the canvas now.
    const QList<EdgeItem*>& edgeItems() const { return m_edges; }
    // The boxes on the canvas now, in layout order.
    const QList<BoxItem*>& shownBoxes() const { return m_shownBoxes; }
    const CanvasStructure& structure() const { return m_shown; }
    // Where the layout put the boxes and edges (empty before it).
    QRectF contentRect() const { return m_contentRect; }
    NodeItem* itemForNode(const ir::Node* node) const { return m_byNode.value(node); }
    // The box that shows `node` now: its own, or its collapsed scope's (null before the layout).
    BoxItem* boxForNode(const ir::Node* node) const;
    bool isShown(const QGraphicsItem* item) const { return item && item->scene() == this; }
    // Recolours the boxes whose category changed because plugins were loaded; true if any did.
    bool refreshCategories();
    NodeItem* selectedNodeItem() const;
    ScopeItem* selectedScopeItem() const;
    void selectOnly(QGraphicsItem* item);

    // --- name scopes (graph_scene_scopes.cpp) ---
    const NameScopes& scopes() const { return m_scopes; }
    bool hasScopes() const { return !m_scopes.empty(); }
    bool isCollapsed(int scope) const;
    int collapsedCount() const;
    // Collapses or expands a scope and lays out again in the worker; GraphView keeps the anchor
    // (by default the scope) where it was on screen.
    void setCollapsed(int scope, bool collapsed, Anchor anchor = Anchor());
    void toggleScope(int scope, Anchor anchor = Anchor());
    // Collapses the repeated blocks (NameScopes::repeatedBlocks), or expands everything.
    void collapseAll();
    void expandAll();
    // Marks exactly these scopes collapsed without laying out (layoutNow follows: the headless export).
    void setCollapsedScopes(const std::vector<int>& scopes);
    // Expands the collapsed scopes around `node`; once laid out it is selected and nodeRevealed
    // is emitted. False when it is on the canvas already (nothing to do).
    bool reveal(const ir::Node* node);
    // The box of a collapsed scope on the canvas, or null.
    ScopeItem* itemForScope(int scope) const;
    QList<ScopeItem*> scopeItems() const;
    ScopeSummary summaryOf(int scope) const;

    // Nodes whose name, op type ("kiln.FusedConv") or origin contains `text`, or that read or
    // write a tensor whose name contains it (case-insensitive), in graph order — inside collapsed
    // scopes too (their boxes are marked). Marks them as find hits.
    QList<NodeItem*> find(const QString& text);
    void clearFindHits();

signals:
    void nodeSelected(const kiln::ir::Node* node);  // null when no node is selected
    void scopeSelected(int scope);                  // a collapsed scope's box was selected
    void layoutFinished(double milliseconds);       // the document's first layout is on screen
    void layoutProgress(int percent);               // of the current layout, 0..100
    void layoutFailed(const QString& message);
    // A relayout after a collapse or expand: about to move the boxes (they are still where the
    // anchor's rectangle says), then done (the anchor's new rectangle; null without an anchor).
    void relayoutAboutToApply(const QRectF& anchorBefore);
    void relayoutFinished(const QRectF& anchorAfter, double milliseconds);
    void nodeRevealed(kiln::views::NodeItem* item);
    void collapsedScopesChanged();

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;

private:
    struct Pending {
        quint64 id = 0;
        bool initial = true;
        CanvasStructure structure;
        Anchor anchor;
        QRectF anchorBefore;
        double layoutMs = -1;  // measured elsewhere (a prepared scene's layout)
    };
    void setContent(const ir::Graph* graph, const EngineModel* engine, bool startLayout);
    void deleteItems();
    void takeItems(PreparedScene& prepared);
    BoxItem* itemFor(const CanvasBox& box);
    ScopeItem* scopeItem(int scope);
    const QString& labelOf(const ir::Value* value);
    LayoutRequest prepare(Anchor anchor);
    void requestLayout(Anchor anchor);
    void applyLayout(const LayoutResult& result);
    void placeItems(const CanvasStructure& structure, const LayoutResult& result);
    QRectF anchorRect(const Anchor& anchor) const;
    void onSelectionChanged();

    const ir::Graph* m_graph = nullptr;
    const EngineModel* m_engine = nullptr;
    LayoutRunner m_runner;
    quint64 m_requestId = 0;
    bool m_laidOut = false;
    QElapsedTimer m_since;
    NameScopes m_scopes;
    std::vector<char> m_collapsed;  // per scope
    std::optional<Pending> m_pending;
    CanvasStructure m_shown;
    QList<BoxItem*> m_shownBoxes;  // index = layout index
    QList<NodeItem*> m_nodes;      // all, owned (in the scene or not)
    QList<IoItem*> m_ioItems;      // all, owned
    QList<EdgeItem*> m_edges;
    QHash<const ir::Node*, NodeItem*> m_byNode;
    QHash<const ir::Value*, IoItem*> m_inputs, m_outputs;
    QHash<int, ScopeItem*> m_scopeItems;  // made on first collapse, owned
    QHash<const ir::Value*, QString> m_labels;
    const ir::Node* m_revealNode = nullptr;
    QRectF m_contentRect;
};

// The boxes on a canvas: a GraphScene's shown boxes (cheap), else every box item of `scene`.
QList<BoxItem*> canvasBoxes(const QGraphicsScene* scene);
// The extent of what is drawn: a GraphScene's layout bounds (cheap), else itemsBoundingRect().
QRectF canvasRect(const QGraphicsScene* scene);

}  // namespace kiln::views
