// What the canvas draws of a graph — its view model: which boxes (graph inputs, nodes, collapsed
// name scopes, graph outputs) and which edges between them. The graph itself is never changed:
//  - ONNX Constant nodes are not boxes; like initializers, their tensors are weight lines in the
//    boxes of their consumers (as Netron draws them). So are Identity nodes that only pass a
//    weight on (PyTorch exports one per reused parameter: 120 in a 12-layer BERT).
//  - A collapsed name scope is one box in place of every node under it; its edges are the tensors
//    that cross its boundary, one per (tensor, box it goes to).
#pragma once

#include <QHash>
#include <vector>

#include "ir/graph.h"
#include "outline/name_scopes.h"

namespace kiln::views {

// A node its consumers show as a weight line: a Constant (ONNX domain, no inputs), or an Identity
// of a weight; read by some node and not a graph output.
bool isFoldedConstant(const ir::Node& node);
// An initializer, or the output of a folded Constant node.
bool isWeight(const ir::Value* value);
// A weight's data: the initializer's, or the Constant node's `value` tensor (through Identities);
// null when there is none (a report's weights, a Constant given as value_float and the like).
const HostTensor* weightData(const ir::Value* value);

struct CanvasBox {
    enum class Kind { Input, Node, Scope, Output };
    Kind kind = Kind::Node;
    const ir::Node* node = nullptr;    // Node
    const ir::Value* value = nullptr;  // Input, Output
    int scope = -1;                    // Scope: index into NameScopes
};

struct CanvasEdge {
    int from = 0;  // box indices
    int to = 0;
    const ir::Value* value = nullptr;
};

struct CanvasStructure {
    std::vector<CanvasBox> boxes;  // inputs, then nodes and scopes in graph order, then outputs
    std::vector<CanvasEdge> edges;
    QHash<const ir::Node*, int> boxOfNode;  // a node's own box or its collapsed scope's; folded constants are absent
    QHash<int, int> boxOfScope;             // collapsed scope -> its box
};

// The outermost collapsed scope that holds `scope` (itself included), or -1.
int outermostCollapsed(const NameScopes& scopes, const std::vector<char>& collapsed, int scope);

// `collapsed` has one flag per scope of `scopes` (or is empty: nothing collapsed).
CanvasStructure buildCanvasStructure(const ir::Graph& graph, const NameScopes& scopes, const std::vector<char>& collapsed);

}  // namespace kiln::views
