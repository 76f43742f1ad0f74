#include "passes/pattern_match.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "passes/pattern_utils.h"

namespace kiln::passes::pattern {

namespace {

std::optional<double> uniformOf(const HostTensor& t) {
    if (t.numel() == 0) return std::nullopt;
    const double first = t.getDouble(0);
    for (int64_t i = 1; i < t.numel(); ++i)
        if (t.getDouble(i) != first) return std::nullopt;
    return first;
}

}  // namespace

std::optional<double> scalarOf(const ir::Value* v) {
    if (!v) return std::nullopt;
    if (const HostTensor* t = constantOf(v)) return uniformOf(*t);
    // Before constant folding runs, exporters' Constant nodes hold the scalars.
    const ir::Node* p = v->producer();
    if (!isOp(p, "Constant")) return std::nullopt;
    if (const ir::Attribute* a = p->attr("value"); a && a->is<HostTensor>()) return uniformOf(a->get<HostTensor>());
    if (const ir::Attribute* a = p->attr("value_float"); a && a->is<float>()) return double(a->get<float>());
    return std::nullopt;
}

std::optional<ScalarOperand> scalarOperand(const ir::Node* n) {
    if (!n || n->numInputs() != 2) return std::nullopt;
    if (auto c = scalarOf(n->input(1))) return ScalarOperand{n->input(0), *c, false};
    if (auto c = scalarOf(n->input(0))) return ScalarOperand{n->input(1), *c, true};
    return std::nullopt;
}

ir::Value* otherInput(const ir::Node* n, const ir::Value* v) {
    if (!n || n->numInputs() != 2) return nullptr;
    if (n->input(0) == v && n->input(1) != v) return n->input(1);
    if (n->input(1) == v && n->input(0) != v) return n->input(0);
    return nullptr;
}

bool near(double value, double expected, double tol) { return std::fabs(value - expected) <= tol * std::fabs(expected); }

ir::Node* nextOp(const ir::Value* v, const char* opType, std::string& why) {
    const std::string busy = whyNotFusable(v, v->producer());
    if (!busy.empty()) {
        why = busy;
        return nullptr;
    }
    ir::Node* c = soleConsumer(v);
    if (!c) {
        why = "'" + v->name() + "' has no consumer";
        return nullptr;
    }
    if (!isOp(c, opType)) {
        why = "'" + v->name() + "' is followed by " + c->opType() + " '" + c->name() + "', not " + opType;
        return nullptr;
    }
    return c;
}

std::string whyIntermediatesEscape(const std::vector<const ir::Node*>& matched, const ir::Node* last) {
    auto inChain = [&](const ir::Node* n) { return std::find(matched.begin(), matched.end(), n) != matched.end(); };
    for (const ir::Node* n : matched) {
        if (n == last) continue;
        for (const ir::Value* v : n->outputs()) {
            if (!v) continue;
            const std::string who = n->opType() + " '" + n->name() + "'";
            if (v->isGraphOutput()) return "the output of " + who + " is also a graph output";
            for (const ir::Node* c : v->consumers())
                if (!inChain(c)) return "the output of " + who + " is also read by " + c->opType() + " '" + c->name() + "'";
        }
    }
    return {};
}

std::string opChain(const std::vector<const ir::Node*>& nodes) {
    std::string s;
    for (const ir::Node* n : nodes) s += (s.empty() ? "" : " -> ") + n->opType();
    return s;
}

std::string formatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string shapeText(const ir::Value* v) { return v->shape().toString(); }

}  // namespace kiln::passes::pattern
