#include "passes/pattern_utils.h"

#include <algorithm>

#include "passes/pass.h"

namespace kiln::passes {

ir::Node* soleConsumer(const ir::Value* v) {
    if (!v || v->isGraphOutput() || v->consumers().size() != 1) return nullptr;
    return v->consumers()[0];
}

bool isOp(const ir::Node* n, const char* opType) { return n && n->domain().empty() && n->opType() == opType; }

ir::Node* producerOfType(const ir::Value* v, const char* opType) {
    ir::Node* p = v ? v->producer() : nullptr;
    return isOp(p, opType) ? p : nullptr;
}

std::optional<double> uniformConstant(const ir::Value* v) {
    const HostTensor* t = constantOf(v);
    if (!t || t->numel() == 0) return std::nullopt;
    const double first = t->getDouble(0);
    for (int64_t i = 1; i < t->numel(); ++i)
        if (t->getDouble(i) != first) return std::nullopt;
    return first;
}

std::string fusedName(const std::vector<const ir::Node*>& nodes) {
    std::string s;
    for (const ir::Node* n : nodes) s += (s.empty() ? "" : " + ") + n->name();
    return s;
}

std::vector<std::string> mergedOrigins(const std::vector<const ir::Node*>& nodes) {
    std::vector<std::string> out;
    for (const ir::Node* n : nodes)
        for (const std::string& o : n->origins())
            if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
    return out;
}

std::string whyNotFusable(const ir::Value* v, const ir::Node* producer) {
    const std::string who = producer ? producer->opType() + " '" + producer->name() + "'" : "'" + v->name() + "'";
    if (v->isGraphOutput()) return "the output of " + who + " is also a graph output";
    if (v->consumers().size() > 1)
        return "the output of " + who + " has " + std::to_string(v->consumers().size()) + " consumers";
    return {};
}

ir::Node* addFusedNode(ir::Graph& g, const std::vector<const ir::Node*>& from, const std::string& opType,
                       const std::string& domain, const std::vector<ir::Value*>& inputs,
                       const std::vector<ir::Value*>& outputs) {
    if (!domain.empty() && g.opsetFor(domain) == 0) g.info().opsets[domain] = 1;
    std::vector<std::string> origins = mergedOrigins(from);
    std::string name = fusedName(from);
    for (int k = 1; g.findNode(name); ++k) name = fusedName(from) + " #" + std::to_string(k);
    ir::Node* n = g.addNode(name, opType, domain, inputs, outputs);
    n->setOrigins(std::move(origins));
    return n;
}

std::vector<ir::Node*> nodeSnapshot(const ir::Graph& g) {
    std::vector<ir::Node*> out;
    out.reserve(g.nodes().size());
    for (const auto& n : g.nodes()) out.push_back(n.get());
    return out;
}

void NodeSweeper::detach(ir::Node* n) {
    if (!m_gone.insert(n).second) return;
    for (int i = 0; i < n->numInputs(); ++i)
        if (n->input(i)) m_g.replaceInput(n, i, nullptr);
    for (int i = 0; i < n->numOutputs(); ++i)
        if (n->output(i)) m_g.setOutput(n, i, nullptr);
    m_nodes.push_back(n);
}

void NodeSweeper::sweep() {
    if (!m_nodes.empty()) m_g.removeNodes(m_nodes);
    m_nodes.clear();
    m_gone.clear();
}

void PassContext::applied(std::string rule, const std::vector<const ir::Node*>& matched, const ir::Node* result,
                          std::string explanation) {
    Rewrite r;
    r.rule = std::move(rule);
    for (const ir::Node* n : matched) r.matched.push_back(n->name());
    r.result = result ? result->name() : std::string();
    r.explanation = std::move(explanation);
    ++m_rewrites;
    m_log.applied(std::move(r));
}

void PassContext::declined(const std::vector<const ir::Node*>& nodes, std::string reason) {
    Decline d;
    for (const ir::Node* n : nodes) d.nodes.push_back(n->name());
    d.reason = std::move(reason);
    m_log.declined(std::move(d));
}

}  // namespace kiln::passes
