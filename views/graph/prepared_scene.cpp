#include "graph/prepared_scene.h"

#include <QElapsedTimer>

#include "graph/labels.h"

namespace kiln::views {

PreparedScene::~PreparedScene() {
    // Adopted items were taken out of these lists.
    qDeleteAll(nodes);
    qDeleteAll(inputs);
    qDeleteAll(outputs);
}

LayoutRequest PreparedScene::request() const {
    LayoutRequest r;
    r.nodeSizes.reserve(qsizetype(structure.boxes.size()));
    QHash<const ir::Value*, const IoItem*> io;
    for (const IoItem* item : inputs) io.insert(item->value(), item);
    QHash<const ir::Value*, const IoItem*> out;
    for (const IoItem* item : outputs) out.insert(item->value(), item);
    QHash<const ir::Node*, const NodeItem*> byNode;
    byNode.reserve(nodes.size());
    for (const NodeItem* item : nodes) byNode.insert(item->node(), item);
    for (const CanvasBox& box : structure.boxes) {
        const BoxItem* item = box.kind == CanvasBox::Kind::Input    ? static_cast<const BoxItem*>(io.value(box.value))
                              : box.kind == CanvasBox::Kind::Output ? static_cast<const BoxItem*>(out.value(box.value))
                                                                    : byNode.value(box.node);
        r.nodeSizes << (item ? item->size() : QSizeF(80, 30));
    }
    r.edges.reserve(qsizetype(structure.edges.size()));
    for (const CanvasEdge& e : structure.edges) r.edges << LayoutEdge{e.from, e.to, labels.value(e.value)};
    return r;
}

std::unique_ptr<PreparedScene> prepareScene(const ir::Graph* graph, const EngineModel* engine, bool layout,
                                            const std::atomic<bool>* cancel, const PrepareProgress& progress) {
    auto cancelled = [cancel] { return cancel && cancel->load(); };
    QElapsedTimer timer;
    timer.start();
    auto p = std::make_unique<PreparedScene>();
    p->graph = graph;
    p->engine = engine;
    if (!graph) return p;
    p->scopes = NameScopes(*graph);
    for (const ir::Value* v : graph->runtimeInputs()) p->inputs << new IoItem(v, true, 0);
    const int total = graph->numNodes();
    int done = 0;
    // Progress every few hundred nodes: often enough for a bar, rarely enough to cost nothing.
    const int step = std::max(64, total / 50);
    for (const auto& n : graph->nodes()) {
        if (++done % step == 0) {
            if (cancelled()) return nullptr;
            if (progress.boxes) progress.boxes(done, total);
        }
        if (isFoldedConstant(*n)) continue;
        p->nodes << new NodeItem(n.get(), 0, engine);
    }
    for (const ir::Value* v : graph->outputs()) p->outputs << new IoItem(v, false, 0);
    p->structure = buildCanvasStructure(*graph, p->scopes, {});
    for (const CanvasEdge& e : p->structure.edges)
        if (!p->labels.contains(e.value)) p->labels.insert(e.value, valueLabel(*e.value));
    if (progress.boxes) progress.boxes(total, total);
    p->itemsMs = double(timer.nsecsElapsed()) / 1e6;
    if (!layout) return p;
    if (cancelled()) return nullptr;
    p->layout = computeLayout(p->request(), cancel, progress.layout);
    if (cancelled()) return nullptr;
    p->laidOut = p->layout.ok();
    p->layoutMs = p->layout.milliseconds;
    return p;
}

}  // namespace kiln::views
