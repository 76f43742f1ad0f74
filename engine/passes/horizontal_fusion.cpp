// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class HorizontalFusionPass final : public Pass {
public:
    std::string name() const override { return "horizontal-fusion"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeHorizontalFusionPass() { return std::make_unique<HorizontalFusionPass>(); }

}  // namespace kiln::passes
