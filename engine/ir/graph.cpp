#include "ir/graph.h"

#include <algorithm>
#include <sstream>

namespace kiln::ir {

const Attribute* Node::attr(const std::string& name) const {
    auto it = m_attrs.find(name);
    return it == m_attrs.end() ? nullptr : &it->second;
}

int64_t Node::attrInt(const std::string& name, int64_t def) const {
    const Attribute* a = attr(name);
    return a && a->is<int64_t>() ? a->get<int64_t>() : def;
}
float Node::attrFloat(const std::string& name, float def) const {
    const Attribute* a = attr(name);
    return a && a->is<float>() ? a->get<float>() : def;
}
std::string Node::attrString(const std::string& name, const std::string& def) const {
    const Attribute* a = attr(name);
    return a && a->is<std::string>() ? a->get<std::string>() : def;
}
std::vector<int64_t> Node::attrInts(const std::string& name, std::vector<int64_t> def) const {
    const Attribute* a = attr(name);
    return a && a->is<std::vector<int64_t>>() ? a->get<std::vector<int64_t>>() : def;
}
std::vector<float> Node::attrFloats(const std::string& name, std::vector<float> def) const {
    const Attribute* a = attr(name);
    return a && a->is<std::vector<float>>() ? a->get<std::vector<float>>() : def;
}

int Graph::opsetFor(const std::string& domain) const {
    auto key = domain == "ai.onnx" ? std::string() : domain;
    auto it = m_info.opsets.find(key);
    return it == m_info.opsets.end() ? 0 : it->second;
}

Expected<Value*> Graph::addValue(const std::string& name) {
    if (m_valueByName.count(name)) return invalidModel("duplicate tensor name '" + name + "'");
    auto v = std::make_unique<Value>();
    v->m_name = name;
    Value* p = v.get();
    m_values.push_back(std::move(v));
    m_valueByName[name] = p;
    return p;
}

Value* Graph::findValue(const std::string& name) const {
    auto it = m_valueByName.find(name);
    return it == m_valueByName.end() ? nullptr : it->second;
}

Value* Graph::getOrAddValue(const std::string& name) {
    if (Value* v = findValue(name)) return v;
    return *addValue(name);
}

std::vector<Value*> Graph::values() const {
    std::vector<Value*> out;
    out.reserve(m_values.size());
    for (auto& v : m_values) out.push_back(v.get());
    return out;
}

std::string Graph::uniqueValueName(const std::string& base) const {
    if (!findValue(base)) return base;
    for (int i = 1;; ++i) {
        std::string n = base + "_" + std::to_string(i);
        if (!findValue(n)) return n;
    }
}

Node* Graph::addNode(std::string name, std::string opType, std::string domain,
                     const std::vector<Value*>& inputs, const std::vector<Value*>& outputs) {
    auto n = std::make_unique<Node>();
    n->m_name = std::move(name);
    n->m_opType = std::move(opType);
    n->m_domain = domain == "ai.onnx" ? std::string() : std::move(domain);
    n->m_opset = opsetFor(n->m_domain);
    n->m_inputs = inputs;
    n->m_outputs = outputs;
    n->m_origins = {n->m_name};
    Node* p = n.get();
    m_nodeByName[p->m_name] = p;
    for (Value* v : inputs)
        if (v) v->m_consumers.push_back(p);
    for (Value* v : outputs)
        if (v) v->m_producer = p;
    m_nodes.push_back(std::move(n));
    return p;
}

Node* Graph::findNode(const std::string& name) const {
    auto it = m_nodeByName.find(name);
    return it == m_nodeByName.end() ? nullptr : it->second;
}

void Graph::removeNode(Node* n) {
    for (Value* v : n->m_inputs)
        if (v) std::erase(v->m_consumers, n);
    for (Value* v : n->m_outputs)
        if (v && v->m_producer == n) v->m_producer = nullptr;
    if (auto it = m_nodeByName.find(n->m_name); it != m_nodeByName.end() && it->second == n) m_nodeByName.erase(it);
    std::erase_if(m_nodes, [n](const std::unique_ptr<Node>& p) { return p.get() == n; });
}

void Graph::replaceInput(Node* n, int index, Value* v) {
    Value*& slot = n->m_inputs[size_t(index)];
    if (slot) {
        auto it = std::find(slot->m_consumers.begin(), slot->m_consumers.end(), n);
        if (it != slot->m_consumers.end()) slot->m_consumers.erase(it);
    }
    slot = v;
    if (v) v->m_consumers.push_back(n);
}

void Graph::addInput(Value* v) {
    v->m_isGraphInput = true;
    m_inputs.push_back(v);
}

void Graph::addOutput(Value* v) {
    v->m_isGraphOutput = true;
    m_outputs.push_back(v);
}

std::vector<Value*> Graph::runtimeInputs() const {
    std::vector<Value*> out;
    for (Value* v : m_inputs)
        if (!v->constant()) out.push_back(v);
    return out;
}

Status Graph::topologicalSort() {
    // Kahn's algorithm, stable: among ready nodes, the earlier one in the current order goes first.
    const size_t n = m_nodes.size();
    std::unordered_map<const Node*, size_t> index;
    for (size_t i = 0; i < n; ++i) index[m_nodes[i].get()] = i;
    std::vector<int> pending(n, 0);
    std::vector<std::vector<size_t>> users(n);
    for (size_t i = 0; i < n; ++i) {
        for (Value* v : m_nodes[i]->m_inputs) {
            if (!v || !v->m_producer) continue;
            auto it = index.find(v->m_producer);
            if (it == index.end()) continue;
            ++pending[i];
            users[it->second].push_back(i);
        }
    }
    std::vector<size_t> ready;
    for (size_t i = n; i-- > 0;)
        if (pending[i] == 0) ready.push_back(i);
    std::vector<std::unique_ptr<Node>> sorted;
    sorted.reserve(n);
    std::vector<bool> done(n, false);
    while (!ready.empty()) {
        // ready is kept sorted descending so back() is the smallest index
        size_t i = ready.back();
        ready.pop_back();
        done[i] = true;
        sorted.push_back(std::move(m_nodes[i]));
        for (size_t u : users[i])
            if (--pending[u] == 0) {
                ready.insert(std::upper_bound(ready.begin(), ready.end(), u, std::greater<size_t>()), u);
            }
    }
    if (sorted.size() != n) {
        const size_t stuck = n - sorted.size();
        std::string names;
        int listed = 0;
        for (size_t i = 0; i < n; ++i) {
            if (done[i]) continue;
            if (listed++ < 8) names += (names.empty() ? "" : ", ") + m_nodes[i]->name() + " (" + m_nodes[i]->opType() + ")";
        }
        // Put the nodes back so the graph stays intact.
        std::vector<std::unique_ptr<Node>> rest;
        for (size_t i = 0; i < n; ++i)
            if (!done[i]) rest.push_back(std::move(m_nodes[i]));
        for (auto& r : rest) sorted.push_back(std::move(r));
        m_nodes = std::move(sorted);
        return invalidModel("the graph has a cycle: " + std::to_string(stuck) +
                            " node(s) depend on each other's outputs, among them " + names);
    }
    m_nodes = std::move(sorted);
    return Status::ok();
}

}  // namespace kiln::ir
