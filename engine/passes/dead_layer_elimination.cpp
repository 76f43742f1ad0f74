// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class DeadLayerEliminationPass final : public Pass {
public:
    std::string name() const override { return "dead-layer-elimination"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeDeadLayerEliminationPass() { return std::make_unique<DeadLayerEliminationPass>(); }

}  // namespace kiln::passes
