// What a collapsed name scope holds, for its box on the canvas and for the inspector: node
// counts by op type, the dominant op (most FLOPs, else the commonest computing op), weights and
// FLOPs.
#pragma once

#include <QString>
#include <QStringList>
#include <utility>
#include <vector>

#include "graph/node_category.h"
#include "ir/graph.h"

namespace kiln::views {

struct ScopeSummary {
    int nodes = 0;      // every node under the scope, Constant nodes included (as the outline counts)
    int constants = 0;  // Constant nodes drawn as weight lines
    std::vector<std::pair<QString, int>> opCounts;  // op type -> nodes, most first (Constant left out)
    QString dominantOp;
    NodeCategory dominantCategory = NodeCategory::Other;
    int weightTensors = 0;  // distinct initializers read inside (Constant nodes' tensors are not parameters)
    qint64 parameters = 0;  // their elements
    qint64 parameterBytes = 0;
    double flops = 0;      // sum over the nodes whose FLOPs are known (symbolic dims as 1)
    int flopsUnknown = 0;  // nodes whose shapes were not enough to tell
};

ScopeSummary summarizeNodes(const std::vector<const ir::Node*>& nodes);

// "MatMul 6 · Add 4 · Reshape 4 · …": the commonest op types, at most `max`.
QString opSummaryText(const ScopeSummary& summary, int max = 3);
// "1.2 M", "3.4 G": a count in a short form.
QString shortCount(double count);

}  // namespace kiln::views
