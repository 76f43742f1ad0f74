// A pass: one small rewrite over the graph (ONNX Runtime's GraphTransformer / RewriteRule
// shape). A pass reports every rewrite it applies, and every candidate it declines with the
// reason, through its PassContext. "Does not apply" is not an error: errors are for bugs and
// for graphs that cannot be processed at all.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "ops/op_registry.h"
#include "passes/pass_log.h"

namespace kiln::passes {

class PassContext {
public:
    PassContext(PassLog& log, const ops::OpRegistry& registry) : m_log(log), m_registry(registry) {}

    const ops::OpRegistry& registry() const { return m_registry; }
    PassLog& log() { return m_log; }

    void applied(std::string rule, const std::vector<const ir::Node*>& matched, const ir::Node* result,
                 std::string explanation);
    void applied(Rewrite r) { m_log.applied(std::move(r)); }
    void declined(const std::vector<const ir::Node*>& nodes, std::string reason);
    int rewrites() const { return m_rewrites; }

private:
    PassLog& m_log;
    const ops::OpRegistry& m_registry;
    int m_rewrites = 0;
};

class Pass {
public:
    virtual ~Pass() = default;
    virtual std::string name() const = 0;         // "fuse-conv-bn"
    virtual std::string description() const = 0;  // one line for the studio's timeline
    // Rewrites g in place. The pipeline re-sorts and verifies the graph after each pass.
    virtual Status run(ir::Graph& g, PassContext& ctx) = 0;
};

// The domain of Kiln's own layer types (fused layers, recognized patterns).
inline constexpr const char* kKilnDomain = "kiln";

}  // namespace kiln::passes
