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
    clear();
}

void GraphScene::setGraph(const ir::Graph* graph, bool startLayout) { setContent(graph, nullptr, startLayout); }

void GraphScene::setEngine(const EngineModel* engine, bool startLayout) {
    setContent(engine ? &engine->network() : nullptr, engine, startLayout);
}

void GraphScene::setContent(const ir::Graph* graph, const EngineModel* engine, bool startLayout) {
    m_runner.cancel();
    m_graph = graph;
    m_engine = engine;
    buildItems();
    if (!m_graph || !startLayout) return;
    m_since.start();
    m_runner.request(makeRequest());
}

bool GraphScene::layoutNow(QString* error) {
    LayoutRequest request = makeRequest();
    m_since.start();
    LayoutResult result = computeLayout(request);
    if (!result.ok()) {
        if (error) *error = result.error;
        return false;
    }
    applyLayout(result);
    return true;
}

void GraphScene::buildItems() {
    blockSignals(true);
    clear();
    blockSignals(false);
    m_boxes.clear();
    m_nodes.clear();
    m_edges.clear();
    m_byNode.clear();
    m_outputs.clear();
    m_laidOut = false;
    // Until the layout places them every item sits at the origin, where a BSP index degenerates
    // (seconds to build and query for a few thousand items); applyLayout turns it back on.
    setItemIndexMethod(QGraphicsScene::NoIndex);
    ++m_requestId;
    if (!m_graph) return;
    auto addBox = [this](BoxItem* item) {
        item->setVisible(false);  // shown once the layout places it
        addItem(item);
        m_boxes << item;
    };
    QList<IoItem*> inputs;
    for (const ir::Value* v : m_graph->runtimeInputs()) {
        inputs << new IoItem(v, true, int(m_boxes.size()));
        addBox(inputs.back());
    }
    for (const auto& n : m_graph->nodes()) {
        auto* item = new NodeItem(n.get(), int(m_boxes.size()), m_engine);
        addBox(item);
        m_nodes << item;
        m_byNode.insert(n.get(), item);
    }
    for (const ir::Value* v : m_graph->outputs()) {
        auto* io = new IoItem(v, false, int(m_boxes.size()));
        addBox(io);
        m_outputs.insert(v, io);
    }
    for (IoItem* io : inputs) addEdgesOf(io->value(), io);  // consumers exist now
    QSet<const ir::Value*> done;
    for (const auto& n : m_graph->nodes())
        for (const ir::Value* v : n->outputs())
            if (v && !done.contains(v)) {
                done.insert(v);
                addEdgesOf(v, m_byNode.value(n.get()));
            }
}

void GraphScene::addEdgesOf(const ir::Value* value, BoxItem* from) {
    if (value->constant()) return;
    QSet<const ir::Node*> seen;  // a node reading one value twice (Mul(x, x)) gets one edge
    for (const ir::Node* consumer : value->consumers()) {
        if (seen.contains(consumer)) continue;
        seen.insert(consumer);
        if (NodeItem* to = m_byNode.value(consumer)) {
            auto* e = new EdgeItem(from, to, value);
            addItem(e);
            m_edges << e;
        }
    }
    if (IoItem* out = m_outputs.value(value)) {
        auto* e = new EdgeItem(from, out, value);
        addItem(e);
        m_edges << e;
    }
}

LayoutRequest GraphScene::makeRequest() {
    LayoutRequest r;
    r.id = m_requestId;
    for (BoxItem* b : m_boxes) r.nodeSizes << b->size();
    for (EdgeItem* e : m_edges) r.edges << LayoutEdge{e->from()->layoutIndex(), e->to()->layoutIndex(), e->label()};
    return r;
}

void GraphScene::applyLayout(const LayoutResult& result) {
    if (result.id != m_requestId) return;  // for a graph that is gone
    if (!result.ok()) {
        emit layoutFailed(result.error);
        return;
    }
    // Moving thousands of items one by one through the BSP index is quadratic (every item still
    // sits in one leaf at the origin: minutes for a 1,700-node BERT); move them unindexed and
    // build the index once.
    setItemIndexMethod(QGraphicsScene::NoIndex);
    for (BoxItem* b : m_boxes) {
        b->setPos(result.nodeCenters.value(b->layoutIndex()));
        b->setVisible(true);
    }
    for (int i = 0; i < m_edges.size(); ++i) m_edges[i]->setRoute(result.edgePaths.value(i), result.labelCenters.value(i));
    setSceneRect(result.bounds.adjusted(-40, -40, 40, 40));
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    m_laidOut = true;
    emit layoutFinished(double(m_since.nsecsElapsed()) / 1e6);
}

NodeItem* GraphScene::selectedNodeItem() const {
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == NodeItem::Type) return static_cast<NodeItem*>(item);
    return nullptr;
}

void GraphScene::selectOnly(QGraphicsItem* item) {
    blockSignals(true);
    clearSelection();
    blockSignals(false);
    if (item) item->setSelected(true);
    else onSelectionChanged();
}

void GraphScene::onSelectionChanged() {
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
        if (hit) {
            item->setFindHit(true);
            hits << item;
        }
    }
    return hits;
}

void GraphScene::clearFindHits() {
    for (NodeItem* item : m_nodes) item->setFindHit(false);
}

}  // namespace kiln::views
