// A graph scene's boxes and first layout, built off the GUI thread: the import worker makes them
// right after reading the file (QGraphicsItems belong to no thread until they join a scene, and
// font metrics work on any thread), so the GUI thread only adds finished, placed boxes to the
// scene (GraphScene::adopt). Nodes converted to boxes and the layout's progress are reported.
#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <atomic>
#include <functional>
#include <memory>

#include "graph/canvas_structure.h"
#include "graph/graph_items.h"
#include "graph/layout_runner.h"
#include "outline/name_scopes.h"

namespace kiln::views {

class EngineModel;

class PreparedScene {
public:
    PreparedScene() = default;
    PreparedScene(const PreparedScene&) = delete;
    PreparedScene& operator=(const PreparedScene&) = delete;
    ~PreparedScene();  // frees the items unless a scene adopted them

    const ir::Graph* graph = nullptr;
    const EngineModel* engine = nullptr;
    NameScopes scopes;
    QList<NodeItem*> nodes;  // every node but folded Constants, in graph order
    QList<IoItem*> inputs, outputs;
    QHash<const ir::Value*, QString> labels;  // edge labels of the tensors between boxes
    CanvasStructure structure;                // nothing collapsed
    LayoutResult layout;                      // of `structure`, when laidOut
    bool laidOut = false;
    double itemsMs = 0, layoutMs = 0;

    // The layout request for `structure` (sizes of the boxes, labelled edges).
    LayoutRequest request() const;
};

// What prepareScene reports while it works (from its thread).
struct PrepareProgress {
    std::function<void(int done, int total)> boxes;  // nodes converted to boxes
    std::function<void(int percent)> layout;         // 0..100
};
// Builds the boxes and, with `layout`, lays them out (the automatic engine; a failure leaves
// laidOut false and the error in layout.error). Null when *cancel turned true. Any thread.
std::unique_ptr<PreparedScene> prepareScene(const ir::Graph* graph, const EngineModel* engine, bool layout,
                                            const std::atomic<bool>* cancel = nullptr, const PrepareProgress& progress = {});

}  // namespace kiln::views

Q_DECLARE_METATYPE(std::shared_ptr<kiln::views::PreparedScene>)
