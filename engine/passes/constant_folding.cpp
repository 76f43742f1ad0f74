// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class ConstantFoldingPass final : public Pass {
public:
    std::string name() const override { return "constant-folding"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeConstantFoldingPass() { return std::make_unique<ConstantFoldingPass>(); }

}  // namespace kiln::passes
