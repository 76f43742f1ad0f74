// dead-layer-elimination: removes the layers none of whose outputs reach a graph output.
//   live = the producers of the graph outputs, and the producers of every live layer's inputs
// One summary rewrite per run lists the removed layers.
#include <unordered_set>

#include "passes/passes.h"

namespace kiln::passes {

namespace {

class DeadLayerEliminationPass final : public Pass {
public:
    std::string name() const override { return "dead-layer-elimination"; }
    std::string description() const override { return "removes layers whose outputs reach no graph output"; }

    Status run(ir::Graph& g, PassContext& ctx) override {
        std::unordered_set<const ir::Node*> live;
        std::vector<const ir::Node*> stack;
        auto reach = [&](const ir::Value* v) {
            const ir::Node* p = v ? v->producer() : nullptr;
            if (p && live.insert(p).second) stack.push_back(p);
        };
        for (const ir::Value* v : g.outputs()) reach(v);
        while (!stack.empty()) {
            const ir::Node* n = stack.back();
            stack.pop_back();
            for (const ir::Value* v : n->inputs()) reach(v);
        }
        std::unordered_set<const ir::Node*> dead;
        std::vector<const ir::Node*> deadInOrder;
        for (auto& n : g.nodes())
            if (!live.count(n.get()) && dead.insert(n.get()).second) deadInOrder.push_back(n.get());
        if (dead.empty()) return Status::ok();
        std::string list;
        constexpr size_t kListed = 12;
        for (size_t i = 0; i < deadInOrder.size() && i < kListed; ++i)
            list += (i ? ", " : "") + deadInOrder[i]->name() + " (" + deadInOrder[i]->opType() + ")";
        if (deadInOrder.size() > kListed) list += " and " + std::to_string(deadInOrder.size() - kListed) + " more";
        ctx.applied("unreachable layer => removed", deadInOrder, nullptr,
                    std::to_string(deadInOrder.size()) + (deadInOrder.size() == 1 ? " layer reaches" : " layers reach") +
                        " no graph output: " + list + ".");
        g.removeNodes(dead);
        return Status::ok();
    }
};

}  // namespace

std::unique_ptr<Pass> makeDeadLayerEliminationPass() { return std::make_unique<DeadLayerEliminationPass>(); }

}  // namespace kiln::passes
