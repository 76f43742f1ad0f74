// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class PointwiseFusionPass final : public Pass {
public:
    std::string name() const override { return "pointwise-fusion"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makePointwiseFusionPass() { return std::make_unique<PointwiseFusionPass>(); }

}  // namespace kiln::passes
