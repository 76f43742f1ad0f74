// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class FuseBiasActivationPass final : public Pass {
public:
    std::string name() const override { return "fuse-bias-activation"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeFuseBiasActivationPass() { return std::make_unique<FuseBiasActivationPass>(); }

}  // namespace kiln::passes
