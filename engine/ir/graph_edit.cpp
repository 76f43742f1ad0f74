// Graph edits for the optimizer: constants, value replacement that preserves graph-output
// names, pruning and deep copies.
#include <algorithm>
#include <unordered_map>

#include "ir/graph.h"

namespace kiln::ir {

Value* Graph::addConstant(const std::string& nameHint, HostTensor data) {
    Value* v = *addValue(uniqueValueName(nameHint));
    v->setConstant(std::move(data));
    return v;
}

Value* Graph::addIntermediate(const std::string& nameHint) { return *addValue(uniqueValueName(nameHint)); }

void Graph::setOutput(Node* n, int index, Value* v) {
    Value*& slot = n->m_outputs[size_t(index)];
    if (slot && slot->m_producer == n) slot->m_producer = nullptr;
    slot = v;
    if (v) v->m_producer = n;
}

void Graph::removeNodes(const std::unordered_set<const Node*>& nodes) {
    if (nodes.empty()) return;
    std::unordered_set<Value*> touched;
    for (const Node* n : nodes) {
        for (Value* v : n->m_inputs)
            if (v) touched.insert(v);
        for (Value* v : n->m_outputs)
            if (v && v->m_producer == n) v->m_producer = nullptr;
        if (auto it = m_nodeByName.find(n->m_name); it != m_nodeByName.end() && it->second == n) m_nodeByName.erase(it);
    }
    for (Value* v : touched) std::erase_if(v->m_consumers, [&](Node* c) { return nodes.count(c) != 0; });
    std::erase_if(m_nodes, [&](const std::unique_ptr<Node>& p) { return nodes.count(p.get()) != 0; });
}

bool Graph::canReplaceAllUses(const Value* from, const Value* into) const {
    if (from == into) return false;
    if (!from->isGraphOutput()) return true;
    return into->producer() && !into->isGraphInput() && !into->isGraphOutput() && !into->constant();
}

Status Graph::replaceAllUses(Value* from, Value* into) {
    if (!canReplaceAllUses(from, into))
        return invalidArgument("'" + from->name() + "' is a graph output and '" + into->name() + "' cannot take its place");
    if (from->isGraphOutput()) {
        // Keep the output's name: into's producer now produces `from`; into's readers read `from`.
        Node* p = into->m_producer;
        if (from->m_producer) {
            Node* old = from->m_producer;
            for (auto& o : old->m_outputs)
                if (o == from) o = nullptr;
        }
        for (auto& o : p->m_outputs)
            if (o == into) o = from;
        from->m_producer = p;
        into->m_producer = nullptr;
        if (from->dtype() == DataType::Undefined) from->m_dtype = into->m_dtype;
        if (!from->shape().rankKnown()) from->m_shape = into->m_shape;
        std::vector<Node*> readers = into->m_consumers;
        for (Node* n : readers)
            for (int i = 0; i < n->numInputs(); ++i)
                if (n->m_inputs[size_t(i)] == into) replaceInput(n, i, from);
        // any reader of `from` other than the old producer path already reads `from`
        return Status::ok();
    }
    std::vector<Node*> readers = from->m_consumers;
    for (Node* n : readers)
        for (int i = 0; i < n->numInputs(); ++i)
            if (n->m_inputs[size_t(i)] == from) replaceInput(n, i, into);
    return Status::ok();
}

void Graph::removeNodes(const std::vector<Node*>& nodes) {
    removeNodes(std::unordered_set<const Node*>(nodes.begin(), nodes.end()));
}

int Graph::pruneUnusedValues() {
    std::unordered_map<const Value*, bool> used;
    for (auto& n : m_nodes) {
        for (Value* v : n->m_inputs) if (v) used[v] = true;
        for (Value* v : n->m_outputs) if (v) used[v] = true;
    }
    const size_t before = m_values.size();
    std::erase_if(m_values, [&](const std::unique_ptr<Value>& v) {
        if (v->m_isGraphInput || v->m_isGraphOutput || used.count(v.get())) return false;
        m_valueByName.erase(v->m_name);
        return true;
    });
    return static_cast<int>(before - m_values.size());
}

std::unique_ptr<Graph> Graph::clone() const {
    auto g = std::make_unique<Graph>();
    g->m_info = m_info;
    std::unordered_map<const Value*, Value*> map;
    for (auto& v : m_values) {
        Value* c = *g->addValue(v->m_name);
        c->m_dtype = v->m_dtype;
        c->m_shape = v->m_shape;
        c->m_constant = v->m_constant;
        map[v.get()] = c;
    }
    for (auto& n : m_nodes) {
        std::vector<Value*> ins, outs;
        for (Value* v : n->m_inputs) ins.push_back(v ? map.at(v) : nullptr);
        for (Value* v : n->m_outputs) outs.push_back(v ? map.at(v) : nullptr);
        Node* c = g->addNode(n->m_name, n->m_opType, n->m_domain, ins, outs);
        c->m_opset = n->m_opset;
        c->m_doc = n->m_doc;
        c->m_attrs = n->m_attrs;
        c->m_origins = n->m_origins;
    }
    for (Value* v : m_inputs) g->addInput(map.at(v));
    for (Value* v : m_outputs) g->addOutput(map.at(v));
    return g;
}

}  // namespace kiln::ir
