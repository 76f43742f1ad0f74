// Small helpers for writing passes: consumers, constants, names and origins of fused layers.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"

namespace kiln::passes {

// The only consumer of v, or null when v has none, several, or is a graph output.
ir::Node* soleConsumer(const ir::Value* v);
// The producer of v when it has the given op type (default domain), else null.
ir::Node* producerOfType(const ir::Value* v, const char* opType);
bool isOp(const ir::Node* n, const char* opType);  // default domain

// Constant data of v (initializer), or null.
inline const HostTensor* constantOf(const ir::Value* v) { return v ? v->constant() : nullptr; }
// The value of a constant whose elements are all equal (a scalar, or a broadcast scalar).
std::optional<double> uniformConstant(const ir::Value* v);

// "Conv_57 + BatchNormalization_58 + Relu_59": the name of a layer fused from nodes.
std::string fusedName(const std::vector<const ir::Node*>& nodes);
// The ONNX nodes a layer fused from `nodes` came from, in order, without repeats.
std::vector<std::string> mergedOrigins(const std::vector<const ir::Node*>& nodes);
// Why v cannot be fused away, or "" if it can: several consumers, or it is a graph output.
std::string whyNotFusable(const ir::Value* v, const ir::Node* producer);

// Creates a node in g named after the fused nodes, with their merged origins, and the opset
// of its domain registered in the graph's model info.
ir::Node* addFusedNode(ir::Graph& g, const std::vector<const ir::Node*>& from, const std::string& opType,
                       const std::string& domain, const std::vector<ir::Value*>& inputs,
                       const std::vector<ir::Value*>& outputs);

// The nodes of g at the start of a pass (passes add and remove nodes while they walk).
std::vector<ir::Node*> nodeSnapshot(const ir::Graph& g);

// Matched nodes leave the graph at once: their inputs and outputs are detached, so consumer
// counts stay exact for the candidates that follow. They are deleted in one sweep at the end,
// because Graph::removeNode is linear per call (quadratic over a 10,000-node graph).
class NodeSweeper {
public:
    explicit NodeSweeper(ir::Graph& g) : m_g(g) {}
    ~NodeSweeper() { sweep(); }
    void detach(ir::Node* n);
    void detach(const std::vector<ir::Node*>& nodes) {
        for (ir::Node* n : nodes) detach(n);
    }
    // Matches are recorded as const nodes (for the log); the graph owns them.
    void detach(const std::vector<const ir::Node*>& nodes) {
        for (const ir::Node* n : nodes) detach(const_cast<ir::Node*>(n));
    }
    bool gone(const ir::Node* n) const { return m_gone.count(n) != 0; }
    void sweep();

private:
    ir::Graph& m_g;
    std::vector<ir::Node*> m_nodes;
    std::unordered_set<const ir::Node*> m_gone;
};

}  // namespace kiln::passes
