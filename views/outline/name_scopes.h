// The name scopes of a graph: PyTorch exports name nodes by module path
// ("/m/encoder/layer.3/attention/self/MatMul"); the scopes form a tree in graph order. A chain of
// scopes that each hold one scope and no node is one scope here ("layer.2/attn"), as the outline
// shows it and as the canvas collapses it. An engine layer is filed under its first origin's
// scope. Shared by the outline's Name scopes tree and the canvas' collapsed boxes; reads the
// graph and never changes it.
#pragma once

#include <QHash>
#include <QString>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln::views {

class NameScopes {
public:
    struct Scope {
        QString path;   // "m/encoder/layer.2/attn": the full path of the chain's deepest scope
        QString label;  // "layer.2/attn": the chain's names joined
        int parent = -1;
        int depth = 0;                       // 0 for the root, 1 for its children ...
        std::vector<int> children{};         // in graph order
        std::vector<const ir::Node*> nodes{};  // directly in this scope, in graph order
        int count = 0;                       // nodes under it, at any depth
    };

    NameScopes() = default;
    explicit NameScopes(const ir::Graph& graph);

    // True when no node has a scoped name (then there is only the root).
    bool empty() const { return m_scopes.size() <= 1; }
    int size() const { return int(m_scopes.size()); }
    static constexpr int kRoot = 0;
    const Scope& scope(int index) const { return m_scopes[size_t(index)]; }
    // The innermost scope of a node (kRoot when it has none, or is not in the graph).
    int scopeOf(const ir::Node* node) const { return m_scopeOf.value(node, kRoot); }
    int find(const QString& path) const { return m_byPath.value(path, -1); }
    // True when `scope` is `ancestor` or lies under it.
    bool contains(int ancestor, int scope) const;
    // Every node under a scope, in graph order.
    std::vector<const ir::Node*> nodesUnder(int scope) const;
    // The scopes of repeated blocks: numbered siblings with one stem ("layer.0", "layer.1", ...,
    // or "0", "1", ...), outermost first; where there are none, the children of the first scope
    // with more than one child. Scopes of fewer than two nodes are left out.
    std::vector<int> repeatedBlocks() const;

    // "/encoder/layer.3/attention/MatMul" -> {"encoder", "layer.3", "attention", "MatMul"}.
    static std::vector<std::string> splitPath(const std::string& name);

private:
    std::vector<Scope> m_scopes;
    QHash<const ir::Node*, int> m_scopeOf;
    QHash<const ir::Node*, int> m_order;  // place in the graph's node list
    QHash<QString, int> m_byPath;
};

}  // namespace kiln::views
