// The graph IR: Values (tensors) flow between Nodes (operators). A Graph owns both.
// Node inputs may be null for omitted optional inputs (ONNX's empty name).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/host_tensor.h"
#include "core/shape.h"
#include "core/status.h"
#include "ir/attribute.h"

namespace kiln::ir {

class Node;

class Value {
public:
    const std::string& name() const { return m_name; }
    DataType dtype() const { return m_dtype; }
    const Shape& shape() const { return m_shape; }
    void setType(DataType t) { m_dtype = t; }
    void setShape(Shape s) { m_shape = std::move(s); }

    Node* producer() const { return m_producer; }
    const std::vector<Node*>& consumers() const { return m_consumers; }

    // Constant data (an ONNX initializer). Null for computed values and plain graph inputs.
    const HostTensor* constant() const { return m_constant ? &*m_constant : nullptr; }
    void setConstant(HostTensor t) { m_constant = std::move(t); m_dtype = m_constant->dtype(); m_shape = m_constant->shape(); }
    bool isGraphInput() const { return m_isGraphInput; }
    bool isGraphOutput() const { return m_isGraphOutput; }

private:
    friend class Graph;
    friend class Node;
    std::string m_name;
    DataType m_dtype = DataType::Undefined;
    Shape m_shape = Shape::unknownRank();
    Node* m_producer = nullptr;
    std::vector<Node*> m_consumers;
    std::optional<HostTensor> m_constant;
    bool m_isGraphInput = false;
    bool m_isGraphOutput = false;
};

class Node {
public:
    const std::string& name() const { return m_name; }
    const std::string& opType() const { return m_opType; }
    const std::string& domain() const { return m_domain; }  // "" for the default ONNX domain
    int opsetVersion() const { return m_opset; }            // of the node's domain in the model
    void setOpsetVersion(int v) { m_opset = v; }
    const std::string& docString() const { return m_doc; }
    void setDocString(std::string d) { m_doc = std::move(d); }

    const std::vector<Value*>& inputs() const { return m_inputs; }
    const std::vector<Value*>& outputs() const { return m_outputs; }
    int numInputs() const { return static_cast<int>(m_inputs.size()); }
    int numOutputs() const { return static_cast<int>(m_outputs.size()); }
    // Null when absent or omitted.
    Value* input(int i) const { return i < numInputs() ? m_inputs[size_t(i)] : nullptr; }
    Value* output(int i) const { return i < numOutputs() ? m_outputs[size_t(i)] : nullptr; }

    const std::map<std::string, Attribute>& attributes() const { return m_attrs; }
    bool hasAttr(const std::string& name) const { return m_attrs.count(name) != 0; }
    const Attribute* attr(const std::string& name) const;
    void setAttr(const std::string& name, Attribute a) { m_attrs[name] = std::move(a); }
    void removeAttr(const std::string& name) { m_attrs.erase(name); }
    // Typed getters with a default (wrong kinds count as absent; the checker catches those).
    int64_t attrInt(const std::string& name, int64_t def) const;
    float attrFloat(const std::string& name, float def) const;
    std::string attrString(const std::string& name, const std::string& def) const;
    std::vector<int64_t> attrInts(const std::string& name, std::vector<int64_t> def = {}) const;
    std::vector<float> attrFloats(const std::string& name, std::vector<float> def = {}) const;

    // Later passes record which ONNX nodes a (fused) layer came from; an imported node is its own origin.
    const std::vector<std::string>& origins() const { return m_origins; }
    void setOrigins(std::vector<std::string> o) { m_origins = std::move(o); }

private:
    friend class Graph;
    std::string m_name, m_opType, m_domain, m_doc;
    int m_opset = 0;
    std::vector<Value*> m_inputs, m_outputs;
    std::map<std::string, Attribute> m_attrs;
    std::vector<std::string> m_origins;
};

struct ModelInfo {
    int64_t irVersion = 8;
    std::string producerName, producerVersion, domain, docString, graphName;
    int64_t modelVersion = 0;
    std::map<std::string, int> opsets;                 // domain -> version ("" is ai.onnx)
    std::vector<std::pair<std::string, std::string>> metadata;
};

class Graph {
public:
    Graph() = default;
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    ModelInfo& info() { return m_info; }
    const ModelInfo& info() const { return m_info; }
    int opsetFor(const std::string& domain) const;  // 0 when not imported

    // Values. Names are unique; addValue fails on a duplicate.
    Expected<Value*> addValue(const std::string& name);
    Value* findValue(const std::string& name) const;
    Value* getOrAddValue(const std::string& name);
    std::vector<Value*> values() const;
    std::string uniqueValueName(const std::string& base) const;

    // Nodes keep insertion order until topologicalSort() reorders them.
    Node* addNode(std::string name, std::string opType, std::string domain,
                  const std::vector<Value*>& inputs, const std::vector<Value*>& outputs);
    const std::vector<std::unique_ptr<Node>>& nodes() const { return m_nodes; }
    int numNodes() const { return static_cast<int>(m_nodes.size()); }
    Node* findNode(const std::string& name) const;
    void removeNode(Node* n);
    void replaceInput(Node* n, int index, Value* v);

    // --- edits used by the optimizer passes (graph_edit.cpp) ---
    // A new constant value named after nameHint (made unique).
    Value* addConstant(const std::string& nameHint, HostTensor data);
    // A new value with a unique name derived from nameHint.
    Value* addIntermediate(const std::string& nameHint);
    void setOutput(Node* n, int index, Value* v);
    // Removes many nodes at once in O(nodes + their edges) (removeNode is O(nodes) per call).
    void removeNodes(const std::unordered_set<const Node*>& nodes);
    void removeNodes(const std::vector<Node*>& nodes);
    // Can every use of `from` be served by `into`? Not when `from` is a graph output that
    // `into` cannot take over (into is a graph input, constant or another graph output).
    bool canReplaceAllUses(const Value* from, const Value* into) const;
    // Makes every consumer of `from` read `into`. When `from` is a graph output, the graph
    // output keeps its name: `into`'s producer is made to produce `from` instead.
    Status replaceAllUses(Value* from, Value* into);
    // Drops values nobody produces or uses (and that are not graph inputs or outputs).
    int pruneUnusedValues();
    // A deep copy (constant buffers are shared: passes never modify constant data in place).
    std::unique_ptr<Graph> clone() const;

    void addInput(Value* v);
    void addOutput(Value* v);
    const std::vector<Value*>& inputs() const { return m_inputs; }
    const std::vector<Value*>& outputs() const { return m_outputs; }
    // Graph inputs that have no constant data (the tensors a caller must feed).
    std::vector<Value*> runtimeInputs() const;

    // Orders nodes so every node comes after the producers of its inputs. Fails on a cycle,
    // naming the nodes on it.
    Status topologicalSort();
    // Checks structure and types: see verifier.cpp.
    Status verify() const;
    // A readable text form, one line per node.
    std::string dump() const;

private:
    ModelInfo m_info;
    std::vector<std::unique_ptr<Node>> m_nodes;
    std::unordered_map<std::string, Node*> m_nodeByName;
    std::vector<std::unique_ptr<Value>> m_values;
    std::unordered_map<std::string, Value*> m_valueByName;
    std::vector<Value*> m_inputs, m_outputs;
};

}  // namespace kiln::ir
