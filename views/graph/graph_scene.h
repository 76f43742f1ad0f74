// The graph canvas' scene: one NodeItem per IR node, IoItems for graph inputs/outputs, one
// EdgeItem per (producer -> consumer) link of a non-constant value. Constant inputs (weights)
// are listed inside their node. The scene reads the graph and never changes it.
#pragma once

#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QHash>
#include <QList>

#include "graph/graph_items.h"
#include "graph/layout_runner.h"
#include "ir/graph.h"

namespace kiln::views {

class EngineModel;

class GraphScene : public QGraphicsScene {
    Q_OBJECT
public:
    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    // Rebuilds the items for `graph` (not owned; it must outlive its use here, or be replaced
    // by setGraph(nullptr) first) and, unless told not to, starts a layout in the worker thread.
    void setGraph(const ir::Graph* graph, bool startLayout = true);
    // The same for an engine's network: its boxes also show origins, precision and run times.
    void setEngine(const EngineModel* engine, bool startLayout = true);
    // Lays out on the calling thread (the headless export).
    bool layoutNow(QString* error = nullptr);
    const ir::Graph* graph() const { return m_graph; }
    const EngineModel* engine() const { return m_engine; }
    bool isLaidOut() const { return m_laidOut; }

    const QList<NodeItem*>& nodeItems() const { return m_nodes; }
    const QList<EdgeItem*>& edgeItems() const { return m_edges; }
    NodeItem* itemForNode(const ir::Node* node) const { return m_byNode.value(node); }
    NodeItem* selectedNodeItem() const;
    void selectOnly(QGraphicsItem* item);

    // Nodes whose name, op type ("kiln.FusedConv") or origin contains `text`, or that read or
    // write a tensor whose name contains it (case-insensitive), in graph order. Marks them as
    // find hits.
    QList<NodeItem*> find(const QString& text);
    void clearFindHits();

signals:
    void nodeSelected(const kiln::ir::Node* node);  // null when no node is selected
    void layoutFinished(double milliseconds);
    void layoutProgress(int percent);  // of the current layout, 0..100
    void layoutFailed(const QString& message);

private:
    void setContent(const ir::Graph* graph, const EngineModel* engine, bool startLayout);
    void buildItems();
    void addEdgesOf(const ir::Value* value, BoxItem* from);
    LayoutRequest makeRequest();
    void applyLayout(const LayoutResult& result);
    void onSelectionChanged();

    const ir::Graph* m_graph = nullptr;
    const EngineModel* m_engine = nullptr;
    LayoutRunner m_runner;
    quint64 m_requestId = 0;
    bool m_laidOut = false;
    QElapsedTimer m_since;
    QList<BoxItem*> m_boxes;  // index = layout index
    QList<NodeItem*> m_nodes;
    QList<EdgeItem*> m_edges;
    QHash<const ir::Node*, NodeItem*> m_byNode;
    QHash<const ir::Value*, IoItem*> m_outputs;
};

}  // namespace kiln::views
