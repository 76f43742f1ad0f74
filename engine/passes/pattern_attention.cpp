// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class AttentionPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-attention"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeAttentionPatternPass() { return std::make_unique<AttentionPatternPass>(); }

}  // namespace kiln::passes
