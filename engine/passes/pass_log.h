// PassLog: what the optimizer did and why. Every applied rewrite records its rule, the nodes it
// matched, the layer it produced and an explanation (with the formula where there is one);
// every candidate a pass declined records the reason. With snapshots on, the graph after each
// pass can be rebuilt (GraphSnapshot + one diff per pass). Serializes to and from JSON.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "passes/graph_snapshot.h"

namespace kiln::passes {

struct Rewrite {
    std::string rule;                  // "Conv(x) -> BatchNormalization => Conv'(x)"
    std::vector<std::string> matched;  // the node names it consumed
    std::string result;                // the node (layer) it produced; "" when nodes were only removed
    std::string explanation;           // one sentence, with the formula where there is one
};

struct Decline {
    std::vector<std::string> nodes;    // the candidate's nodes
    std::string reason;                // "Relu has 2 consumers"
};

struct PassRecord {
    std::string name;                  // "fuse-conv-bn"
    std::string description;
    int nodesBefore = 0, nodesAfter = 0;
    double milliseconds = 0.0;
    std::vector<Rewrite> rewrites;
    std::vector<Decline> declines;
    SnapshotDiff diff;                 // empty unless snapshots are recorded
};

class PassLog {
public:
    explicit PassLog(bool recordSnapshots = true) : m_recordSnapshots(recordSnapshots) {}

    // Called by the pipeline.
    void begin(const ir::Graph& g);
    void beginPass(const std::string& name, const std::string& description, const ir::Graph& g);
    void endPass(const ir::Graph& g, double milliseconds);
    // Called by passes (for the pass currently running).
    void applied(Rewrite r);
    void declined(Decline d);

    const std::vector<PassRecord>& passes() const { return m_passes; }
    bool hasSnapshots() const { return m_recordSnapshots; }
    const GraphSnapshot& initial() const { return m_initial; }
    // The graph after pass i (0-based); -1 gives the graph before the first pass.
    Expected<GraphSnapshot> snapshotAfter(int passIndex) const;

    // Every rewrite / decline that mentions a node (for "why (not) fused" in the studio).
    std::vector<std::pair<const PassRecord*, const Rewrite*>> rewritesOf(const std::string& node) const;
    std::vector<std::pair<const PassRecord*, const Decline*>> declinesOf(const std::string& node) const;
    int totalRewrites() const;

    std::string toJson(int indent = 1) const;
    static Expected<PassLog> fromJson(const std::string& text);

private:
    bool m_recordSnapshots;
    GraphSnapshot m_initial, m_current;
    std::vector<PassRecord> m_passes;
};

}  // namespace kiln::passes
