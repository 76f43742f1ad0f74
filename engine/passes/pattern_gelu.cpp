// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class GeluPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-gelu"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeGeluPatternPass() { return std::make_unique<GeluPatternPass>(); }

}  // namespace kiln::passes
