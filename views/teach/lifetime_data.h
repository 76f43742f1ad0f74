// The memory lesson's data: every activation buffer of a built engine as a bar over the layer
// timeline, at its arena offset, with the arena slot it shares (buffers placed at one offset share
// a slot: the planner reused those bytes). Read straight from the plan's MemoryPlan.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>

#include "core/status.h"
#include "ir/graph.h"
#include "plan/plan.h"

namespace kiln::views {

struct LifetimeBar {
    QString tensor;
    int firstLayer = 0, lastLayer = 0;  // the producing layer .. the last reader (numLayers: graph output)
    int64_t offset = 0, bytes = 0;
    int slot = 0;                       // index of the distinct offset, in address order
    QString aliasOf;                    // a view of this buffer (Reshape & co.), or empty
};

struct LifetimeData {
    QList<LifetimeBar> bars;            // the plan's buffers in plan order, minus unplanned ones
    QStringList layers;                 // layer names in execution order
    int64_t arenaBytes = 0, noReuseBytes = 0;
    int numSlots = 0;
    int unplanned = 0;                  // buffers sized at run time (not in the arena)
};

LifetimeData lifetimeData(const plan::Plan& plan);

// Builds a plan for a model with the CPU backend (every symbolic dim set to 1), to show the
// memory plan of a model that was opened as ONNX. Stops between the builder's steps when
// *cancel turns true.
Expected<plan::Plan> buildTeachingPlan(const ir::Graph& model, const std::atomic<bool>* cancel = nullptr);

}  // namespace kiln::views
