// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class ConcatEliminationPass final : public Pass {
public:
    std::string name() const override { return "concat-elimination"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeConcatEliminationPass() { return std::make_unique<ConcatEliminationPass>(); }

}  // namespace kiln::passes
