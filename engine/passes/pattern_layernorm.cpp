// PLACEHOLDER until its pass is written: does nothing.
#include "passes/passes.h"

namespace kiln::passes {

namespace {
class LayerNormPatternPass final : public Pass {
public:
    std::string name() const override { return "recognize-layernorm"; }
    std::string description() const override { return "(not written yet)"; }
    Status run(ir::Graph&, PassContext&) override { return Status::ok(); }
};
}  // namespace

std::unique_ptr<Pass> makeLayerNormPatternPass() { return std::make_unique<LayerNormPatternPass>(); }

}  // namespace kiln::passes
