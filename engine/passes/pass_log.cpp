#include "passes/pass_log.h"

#include <algorithm>

namespace kiln::passes {

void PassLog::begin(const ir::Graph& g) {
    m_passes.clear();
    if (m_recordSnapshots) m_initial = m_current = GraphSnapshot::of(g);
}

void PassLog::beginPass(const std::string& name, const std::string& description, const ir::Graph& g) {
    PassRecord r;
    r.name = name;
    r.description = description;
    r.nodesBefore = g.numNodes();
    m_passes.push_back(std::move(r));
}

void PassLog::endPass(const ir::Graph& g, double milliseconds) {
    PassRecord& r = m_passes.back();
    r.nodesAfter = g.numNodes();
    r.milliseconds = milliseconds;
    if (m_recordSnapshots) {
        GraphSnapshot after = GraphSnapshot::of(g);
        r.diff = diffSnapshots(m_current, after);
        m_current = std::move(after);
    }
}

void PassLog::applied(Rewrite r) {
    if (!m_passes.empty()) m_passes.back().rewrites.push_back(std::move(r));
}

void PassLog::declined(Decline d) {
    if (!m_passes.empty()) m_passes.back().declines.push_back(std::move(d));
}

Expected<GraphSnapshot> PassLog::snapshotAfter(int passIndex) const {
    if (!m_recordSnapshots) return invalidArgument("this pass log was recorded without graph snapshots");
    if (passIndex < -1 || passIndex >= static_cast<int>(m_passes.size()))
        return outOfRange("pass index " + std::to_string(passIndex) + " is out of range");
    GraphSnapshot s = m_initial;
    for (int i = 0; i <= passIndex; ++i) {
        KILN_ASSIGN_OR_RETURN(s, applyDiff(s, m_passes[size_t(i)].diff));
    }
    return s;
}

std::vector<std::pair<const PassRecord*, const Rewrite*>> PassLog::rewritesOf(const std::string& node) const {
    std::vector<std::pair<const PassRecord*, const Rewrite*>> out;
    for (const PassRecord& p : m_passes)
        for (const Rewrite& r : p.rewrites)
            if (r.result == node || std::find(r.matched.begin(), r.matched.end(), node) != r.matched.end())
                out.emplace_back(&p, &r);
    return out;
}

std::vector<std::pair<const PassRecord*, const Decline*>> PassLog::declinesOf(const std::string& node) const {
    std::vector<std::pair<const PassRecord*, const Decline*>> out;
    for (const PassRecord& p : m_passes)
        for (const Decline& d : p.declines)
            if (std::find(d.nodes.begin(), d.nodes.end(), node) != d.nodes.end()) out.emplace_back(&p, &d);
    return out;
}

int PassLog::totalRewrites() const {
    int n = 0;
    for (const PassRecord& p : m_passes) n += static_cast<int>(p.rewrites.size());
    return n;
}

}  // namespace kiln::passes
