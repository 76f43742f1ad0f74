#include "graph/graph_scene.h"

#include <QSet>

#include "engine/engine_model.h"
#include "graph/labels.h"

namespace kiln::views {

GraphScene::GraphScene(QObject* parent) : QGraphicsScene(parent) {
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    connect(&m_runner, &LayoutRunner::layoutReady, this, &GraphScene::applyLayout);
    connect(&m_runner, &LayoutRunner::layoutProgress, this, [this](quint64 id, int percent) {
        if (id == m_requestId) emit layoutProgress(percent);
    });
    connect(this, &QGraphicsScene::selectionChanged, this, &GraphScene::onSelectionChanged);
}

GraphScene::~GraphScene() {
    // Items point into the graph; drop them before anything else goes.
    blockSignals(true);
    deleteItems();
}

void GraphScene::setGraph(const ir::Graph* graph, bool startLayout) { setContent(graph, nullptr, startLayout); }

void GraphScene::setEngine(const EngineModel* engine, bool startLayout) {
    setContent(engine ? &engine->network() : nullptr, engine, startLayout);
}

void GraphScene::setContent(const ir::Graph* graph, const EngineModel* engine, bool startLayout) {
    m_runner.cancel();
    std::unique_ptr<PreparedScene> prepared = prepareScene(graph, engine, false);
    takeItems(*prepared);
    if (!m_graph || !startLayout) return;
    requestLayout({});
}

void GraphScene::adopt(const std::shared_ptr<PreparedScene>& prepared) {
    m_runner.cancel();
    takeItems(*prepared);
    if (!m_graph) return;
    if (!prepared->laidOut) {
        if (!prepared->layout.error.isEmpty()) emit layoutFailed(prepared->layout.error);
        else requestLayout({});
        return;
    }
    LayoutResult result = prepared->layout;
    Pending p;
    p.id = result.id = ++m_requestId;
    p.structure = std::move(prepared->structure);
    p.layoutMs = prepared->layoutMs;
    m_pending = std::move(p);
    m_since.start();
    applyLayout(result);
}

bool GraphScene::layoutNow(QString* error) {
    if (!m_graph) return false;
    const LayoutRequest request = prepare({});
    LayoutResult result = computeLayout(request);
    if (!result.ok()) {
        m_pending.reset();
        if (error) *error = result.error;
        return false;
    }
    applyLayout(result);
    return true;
}

// Items outside the scene (nodes inside collapsed scopes, scope boxes not shown) are ours to free.
void GraphScene::deleteItems() {
    for (NodeItem* n : m_nodes)
        if (!isShown(n)) delete n;
    for (IoItem* io : m_ioItems)
        if (!isShown(io)) delete io;
    for (ScopeItem* s : m_scopeItems)
        if (!isShown(s)) delete s;
    clear();
    m_nodes.clear();
    m_ioItems.clear();
    m_scopeItems.clear();
    m_edges.clear();
    m_shownBoxes.clear();
}

void GraphScene::takeItems(PreparedScene& prepared) {
    blockSignals(true);
    deleteItems();
    blockSignals(false);
    m_graph = prepared.graph;
    m_engine = prepared.engine;
    m_byNode.clear();
    m_inputs.clear();
    m_outputs.clear();
    m_shown = {};
    m_contentRect = {};
    m_pending.reset();
    m_revealNode = nullptr;
    m_laidOut = false;
    // Items join the scene when the layout places them: added at the origin first, thousands of
    // them would make a BSP index degenerate (seconds to build and query); see placeItems.
    setItemIndexMethod(QGraphicsScene::NoIndex);
    ++m_requestId;
    m_scopes = std::move(prepared.scopes);
    m_collapsed.assign(size_t(m_scopes.size()), 0);
    m_labels = std::move(prepared.labels);
    m_nodes = std::move(prepared.nodes);
    prepared.nodes.clear();
    for (NodeItem* item : m_nodes) m_byNode.insert(item->node(), item);
    for (IoItem* item : prepared.inputs) m_inputs.insert(item->value(), item);
    for (IoItem* item : prepared.outputs) m_outputs.insert(item->value(), item);
    m_ioItems = prepared.inputs + prepared.outputs;
    prepared.inputs.clear();
    prepared.outputs.clear();
}

ScopeItem* GraphScene::scopeItem(int scope) {
    if (ScopeItem* item = m_scopeItems.value(scope)) return item;
    const NameScopes::Scope& s = m_scopes.scope(scope);
    auto* item = new ScopeItem(scope, s.path, s.label, summaryOf(scope));
    m_scopeItems.insert(scope, item);
    return item;
}

BoxItem* GraphScene::itemFor(const CanvasBox& box) {
    switch (box.kind) {
    case CanvasBox::Kind::Input: return m_inputs.value(box.value);
    case CanvasBox::Kind::Output: return m_outputs.value(box.value);
    case CanvasBox::Kind::Node: return m_byNode.value(box.node);
    case CanvasBox::Kind::Scope: return scopeItem(box.scope);
    }
    return nullptr;
}

const QString& GraphScene::labelOf(const ir::Value* value) {
    auto it = m_labels.find(value);
    if (it == m_labels.end()) it = m_labels.insert(value, valueLabel(*value));
    return it.value();
}

BoxItem* GraphScene::boxForNode(const ir::Node* node) const {
    const int box = m_shown.boxOfNode.value(node, -1);
    return box >= 0 ? m_shownBoxes.value(box) : nullptr;
}

// The structure for the current collapsed scopes, and the layout request for it.
LayoutRequest GraphScene::prepare(Anchor anchor) {
    Pending p;
    p.id = ++m_requestId;
    p.initial = !m_laidOut;
    p.structure = buildCanvasStructure(*m_graph, m_scopes, m_collapsed);
    p.anchor = anchor;
    p.anchorBefore = m_laidOut ? anchorRect(anchor) : QRectF();
    LayoutRequest r;
    r.id = p.id;
    // dot draws the fan-out of a tensor to many collapsed blocks (a BERT's attention mask) as a
    // staircase; the layered layout keeps the blocks in one column.
    if (collapsedCount() > 0) r.engine = LayoutEngine::Layered;
    r.nodeSizes.reserve(qsizetype(p.structure.boxes.size()));
    for (const CanvasBox& box : p.structure.boxes) r.nodeSizes << itemFor(box)->size();
    r.edges.reserve(qsizetype(p.structure.edges.size()));
    for (const CanvasEdge& e : p.structure.edges) r.edges << LayoutEdge{e.from, e.to, labelOf(e.value)};
    m_pending = std::move(p);
    m_since.start();
    return r;
}

void GraphScene::requestLayout(Anchor anchor) {
    if (!m_graph) return;
    m_runner.request(prepare(anchor));
}

void GraphScene::applyLayout(const LayoutResult& result) {
    if (!m_pending || result.id != m_pending->id) return;  // for a graph or a structure that is gone
    Pending p = std::move(*m_pending);
    m_pending.reset();
    if (!result.ok()) {
        emit layoutFailed(result.error);
        return;
    }
    if (!p.initial) emit relayoutAboutToApply(p.anchorBefore);
    QGraphicsItem* selected = selectedItems().value(0);
    const ir::Node* selectedNode = selected && selected->type() == NodeItem::Type ? static_cast<NodeItem*>(selected)->node() : nullptr;
    blockSignals(true);
    placeItems(p.structure, result);
    m_shown = std::move(p.structure);
    // A selected node now inside a collapsed scope: its scope's box is selected instead.
    if (selected && !isShown(selected) && selectedNode) {
        if (BoxItem* box = boxForNode(selectedNode)) box->setSelected(true);
    }
    blockSignals(false);
    // Outside the blocked signals: views learn the new extent from sceneRectChanged.
    m_contentRect = result.bounds;
    setSceneRect(result.bounds.adjusted(-40, -40, 40, 40));
    m_laidOut = true;
    const double ms = p.layoutMs >= 0 ? p.layoutMs : double(m_since.nsecsElapsed()) / 1e6;
    if (p.initial) emit layoutFinished(ms);
    else emit relayoutFinished(anchorRect(p.anchor), ms);
    if (m_revealNode) {
        NodeItem* item = itemForNode(m_revealNode);
        m_revealNode = nullptr;
        if (isShown(item)) {
            selectOnly(item);
            emit nodeRevealed(item);
            return;
        }
    }
    if (selectedItems().value(0) != selected) onSelectionChanged();
}

void GraphScene::placeItems(const CanvasStructure& structure, const LayoutResult& result) {
    // Moving thousands of items one by one through the BSP index is quadratic (every new item
    // sits in one leaf at the origin: minutes for a 1,700-node BERT); move them unindexed and
    // build the index once.
    setItemIndexMethod(QGraphicsScene::NoIndex);
    for (BoxItem* b : m_shownBoxes) b->clearEdges();  // before the edges go: selection changes touch them
    for (EdgeItem* e : m_edges) delete e;
    m_edges.clear();
    QList<BoxItem*> boxes;
    boxes.reserve(qsizetype(structure.boxes.size()));
    QSet<BoxItem*> keep;
    for (size_t i = 0; i < structure.boxes.size(); ++i) {
        BoxItem* b = itemFor(structure.boxes[i]);
        b->setLayoutIndex(int(i));
        b->clearEdges();
        b->setPos(result.nodeCenters.value(qsizetype(i)));
        boxes << b;
        keep.insert(b);
    }
    for (BoxItem* b : m_shownBoxes)
        if (!keep.contains(b)) {
            b->setSelected(false);
            removeItem(b);
        }
    for (BoxItem* b : boxes)
        if (b->scene() != this) addItem(b);
    m_edges.reserve(qsizetype(structure.edges.size()));
    for (size_t i = 0; i < structure.edges.size(); ++i) {
        const CanvasEdge& ce = structure.edges[i];
        auto* e = new EdgeItem(boxes[ce.from], boxes[ce.to], ce.value, labelOf(ce.value));
        e->setRoute(result.edgePaths.value(qsizetype(i)), result.labelCenters.value(qsizetype(i)));
        e->setHighlighted(boxes[ce.from]->isSelected() || boxes[ce.to]->isSelected());
        addItem(e);
        m_edges << e;
    }
    m_shownBoxes = boxes;
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
}

bool GraphScene::refreshCategories() {
    bool changed = false;
    for (NodeItem* item : m_nodes) changed |= item->refreshCategory();
    return changed;
}

NodeItem* GraphScene::selectedNodeItem() const {
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == NodeItem::Type) return static_cast<NodeItem*>(item);
    return nullptr;
}

ScopeItem* GraphScene::selectedScopeItem() const {
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == ScopeItem::Type) return static_cast<ScopeItem*>(item);
    return nullptr;
}

void GraphScene::selectOnly(QGraphicsItem* item) {
    blockSignals(true);
    clearSelection();
    blockSignals(false);
    if (item && isShown(item)) item->setSelected(true);
    else onSelectionChanged();
}

void GraphScene::onSelectionChanged() {
    if (ScopeItem* scope = selectedScopeItem()) {
        emit scopeSelected(scope->scope());
        return;
    }
    NodeItem* item = selectedNodeItem();
    emit nodeSelected(item ? item->node() : nullptr);
}

QList<NodeItem*> GraphScene::find(const QString& text) {
    clearFindHits();
    QList<NodeItem*> hits;
    if (text.trimmed().isEmpty()) return hits;
    const QString needle = text.trimmed();
    auto matches = [&needle](const std::string& s) { return qs(s).contains(needle, Qt::CaseInsensitive); };
    for (NodeItem* item : m_nodes) {
        const ir::Node* n = item->node();
        bool hit = matches(n->name()) || qualifiedOpType(*n).contains(needle, Qt::CaseInsensitive);
        // An engine layer is also found by the ONNX nodes it came from.
        for (const std::string& o : n->origins()) hit = hit || matches(o);
        for (const ir::Value* v : n->inputs()) hit = hit || (v && matches(v->name()));
        for (const ir::Value* v : n->outputs()) hit = hit || (v && matches(v->name()));
        if (!hit) continue;
        item->setFindHit(true);
        hits << item;
        if (BoxItem* box = boxForNode(n); box && box->type() == ScopeItem::Type) {
            auto* scope = static_cast<ScopeItem*>(box);
            scope->setFindHits(scope->findHits() + 1);
        }
    }
    return hits;
}

void GraphScene::clearFindHits() {
    for (NodeItem* item : m_nodes) item->setFindHit(false);
    for (ScopeItem* item : m_scopeItems) item->setFindHits(0);
}

QRectF canvasRect(const QGraphicsScene* scene) {
    if (auto* graph = qobject_cast<const GraphScene*>(scene)) return graph->contentRect();
    return scene ? scene->itemsBoundingRect() : QRectF();
}

QList<BoxItem*> canvasBoxes(const QGraphicsScene* scene) {
    if (auto* graph = qobject_cast<const GraphScene*>(scene)) return graph->shownBoxes();
    QList<BoxItem*> boxes;
    if (!scene) return boxes;
    for (QGraphicsItem* item : scene->items(Qt::AscendingOrder))
        if (item->type() == NodeItem::Type || item->type() == IoItem::Type || item->type() == ScopeItem::Type)
            boxes << static_cast<BoxItem*>(item);
    return boxes;
}

}  // namespace kiln::views
