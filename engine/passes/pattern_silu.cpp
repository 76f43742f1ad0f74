// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class SiluPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-silu"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeSiluPatternPass() { return std::make_unique<SiluPatternPass>(); }

}  // namespace kiln::passes
