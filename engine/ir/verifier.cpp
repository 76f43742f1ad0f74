// Graph::verify: structural and type checks that every later stage relies on.
//  - node names are unique (non-empty), every value has at most one producer
//  - every node input is produced earlier, is a graph input or is constant (no dangling inputs)
//  - nodes are in topological order (so a cycle is reported, not looped on)
//  - graph outputs are produced, constant or graph inputs
//  - declared shapes and types agree with constant data
#include <unordered_map>
#include <unordered_set>

#include "ir/graph.h"

namespace kiln::ir {

Status Graph::verify() const {
    std::unordered_set<std::string> nodeNames;
    std::unordered_set<const Value*> available;
    for (Value* v : m_inputs) available.insert(v);
    for (auto& v : m_values) {
        if (v->constant()) available.insert(v.get());
        const HostTensor* c = v->constant();
        if (c && v->dtype() != c->dtype())
            return invalidModel("tensor '" + v->name() + "' is declared " + dataTypeName(v->dtype()) +
                                " but its data is " + dataTypeName(c->dtype()));
        if (c && v->shape().conflictsWith(c->shape()))
            return invalidModel("tensor '" + v->name() + "' is declared with shape " + v->shape().toString() +
                                " but its data has shape " + dimsToString(c->dims()));
    }
    std::unordered_map<const Value*, const Node*> producedBy;
    for (auto& np : m_nodes) {
        const Node& n = *np;
        if (!n.name().empty() && !nodeNames.insert(n.name()).second)
            return Status(StatusCode::InvalidModel, "duplicate node name", n.name(), n.opType());
        for (int i = 0; i < n.numInputs(); ++i) {
            const Value* v = n.input(i);
            if (!v || available.count(v)) continue;
            if (v->producer() && !producedBy.count(v))
                return Status(StatusCode::InvalidModel,
                              "input '" + v->name() + "' is produced by a later node '" + v->producer()->name() +
                                  "' (the graph is not in topological order or has a cycle)",
                              n.name(), n.opType());
            return Status(StatusCode::InvalidModel,
                          "input " + std::to_string(i) + " '" + v->name() +
                              "' is not produced by any node, nor a graph input or initializer",
                          n.name(), n.opType());
        }
        for (const Value* v : n.outputs()) {
            if (!v) continue;
            if (producedBy.count(v) || (v->constant() && !v->isGraphInput()) || v->isGraphInput())
                return Status(StatusCode::InvalidModel, "output '" + v->name() + "' is also produced elsewhere",
                              n.name(), n.opType());
            producedBy[v] = &n;
            available.insert(v);
        }
    }
    for (const Value* v : m_outputs)
        if (!available.count(v))
            return invalidModel("graph output '" + v->name() + "' is never produced");
    return Status::ok();
}

}  // namespace kiln::ir
