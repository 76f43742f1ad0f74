#include "builder/memory_planner.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

namespace kiln {

namespace {

int64_t alignUp(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

// Are the slices of a Concat / Split along `axis` contiguous blocks, i.e. every dim before the
// axis is 1 (known)?
bool slicesContiguous(const ir::Value& whole, int64_t axisAttr) {
    const Shape& s = whole.shape();
    if (!s.rankKnown() || s.rank() == 0) return false;
    const int64_t axis = axisAttr < 0 ? axisAttr + s.rank() : axisAttr;
    if (axis < 0 || axis >= s.rank()) return false;
    for (int i = 0; i < axis; ++i)
        if (!s[i].isKnown() || s[i].value != 1) return false;
    return true;
}

struct Alias {
    const ir::Value* base = nullptr;
    int64_t offset = 0;
};

struct Root {
    const ir::Value* value = nullptr;
    int64_t bytes = 0;   // aligned
    int first = 0, last = 0;
    int64_t offset = -1;
};

class Planner {
public:
    Planner(const ir::Graph& g, const TensorBytesFn& bytesOf, const MemoryPlannerOptions& o)
        : m_g(g), m_bytesOf(bytesOf), m_opt(o), m_end(g.numNodes()) {}

    Expected<plan::MemoryPlan> run() {
        if (m_opt.alignment <= 0 || (m_opt.alignment & (m_opt.alignment - 1)) != 0)
            return invalidArgument("memory plan alignment must be a power of two, not " + std::to_string(m_opt.alignment));
        indexLifetimes();
        findAliases();
        collectRoots();
        assignOffsets();
        return records();
    }

private:
    bool planned(const ir::Value* v) const { return v && !v->constant() && !v->isGraphInput(); }

    void indexLifetimes() {
        for (int k = 0; k < m_g.numNodes(); ++k) {
            const ir::Node& n = *m_g.nodes()[size_t(k)];
            for (const ir::Value* v : n.outputs())
                if (v) { m_first[v] = k; m_last.try_emplace(v, k); m_order.push_back(v); }
            for (const ir::Value* v : n.inputs())
                if (v) m_last[v] = std::max(m_last.count(v) ? m_last[v] : k, k);
        }
        for (const ir::Value* v : m_g.outputs()) m_last[v] = m_end;
    }

    int64_t bytes(const ir::Value* v) {
        auto it = m_bytes.find(v);
        if (it != m_bytes.end()) return it->second;
        return m_bytes[v] = m_bytesOf(*v);
    }

    void findAliases() {
        for (auto& np : m_g.nodes()) {
            const ir::Node& n = *np;
            if (m_opt.viewAliases && isViewLayer(n) && n.output(0) && n.input(0)) {
                m_alias[n.output(0)] = {n.input(0), 0};
                continue;
            }
            if (!m_opt.concatAliases || !n.domain().empty()) continue;
            if (n.opType() == "Split" && n.attrInt("kiln_view", 0) == 1 && planned(n.input(0)) &&
                slicesContiguous(*n.input(0), n.attrInt("axis", 0))) {
                int64_t offset = 0;
                bool known = bytes(n.input(0)) >= 0;
                for (const ir::Value* o : n.outputs()) known = known && o && bytes(o) >= 0;
                if (!known) continue;
                for (const ir::Value* o : n.outputs()) {
                    m_alias[o] = {n.input(0), offset};
                    offset += bytes(o);
                }
                continue;
            }
            if (n.opType() == "Concat" && n.attrInt("kiln_inplace", 0) == 1 && n.output(0) &&
                slicesContiguous(*n.output(0), n.attrInt("axis", 0)) && bytes(n.output(0)) >= 0) {
                int64_t offset = 0;
                std::vector<std::pair<const ir::Value*, int64_t>> pieces;
                bool ok = true;
                for (const ir::Value* in : n.inputs()) {
                    if (!in || bytes(in) < 0) { ok = false; break; }
                    pieces.emplace_back(in, offset);
                    offset += bytes(in);
                }
                if (!ok) continue;
                for (auto& [in, off] : pieces) {
                    // Only tensors computed into their own buffer can live in the slice: not
                    // inputs, constants, views, nor a tensor that appears twice.
                    const bool plain = planned(in) && in->producer() && !m_alias.count(in) &&
                                       std::count_if(pieces.begin(), pieces.end(),
                                                     [&](auto& p) { return p.first == in; }) == 1;
                    if (plain) {
                        m_alias[in] = {n.output(0), off};
                        m_inplaceConcats.insert(&n);
                    }
                }
            }
        }
    }

    // The root a value lives in and its byte offset there.
    Alias resolve(const ir::Value* v) const {
        Alias a{v, 0};
        for (auto it = m_alias.find(v); it != m_alias.end(); it = m_alias.find(a.base)) {
            a.offset += it->second.offset;
            a.base = it->second.base;
        }
        return a;
    }

    void collectRoots() {
        std::unordered_map<const ir::Value*, size_t> index;
        auto touch = [&](const ir::Value* v) {
            const Alias a = resolve(v);
            if (!planned(a.base)) return;
            auto [it, inserted] = index.try_emplace(a.base, m_roots.size());
            if (inserted) {
                const int64_t b = bytes(a.base);
                m_roots.push_back({a.base, b < 0 ? -1 : alignUp(std::max<int64_t>(b, 1), m_opt.alignment),
                                   m_first[a.base], m_last[a.base], -1});
            }
            Root& r = m_roots[it->second];
            r.first = std::min(r.first, m_first.count(v) ? m_first[v] : r.first);
            r.last = std::max(r.last, m_last.count(v) ? m_last[v] : r.last);
        };
        for (const ir::Value* v : m_order) touch(v);
        for (const Root& r : m_roots) m_rootOf[r.value] = &r - m_roots.data();
    }

    void assignOffsets() {
        std::vector<Root*> order;
        for (Root& r : m_roots)
            if (r.bytes > 0) order.push_back(&r);
        std::stable_sort(order.begin(), order.end(), [](const Root* a, const Root* b) {
            return a->bytes != b->bytes ? a->bytes > b->bytes : a->first < b->first;
        });
        int64_t top = 0;
        std::vector<const Root*> placed;
        std::vector<const Root*> live;
        for (Root* r : order) {
            m_noReuse += r->bytes;
            if (!m_opt.reuse) {
                r->offset = top;
                top += r->bytes;
                continue;
            }
            live.clear();
            for (const Root* p : placed)
                if (p->first <= r->last && r->first <= p->last) live.push_back(p);
            std::sort(live.begin(), live.end(), [](const Root* a, const Root* b) { return a->offset < b->offset; });
            // Best fit: the smallest gap between live buffers that holds r; else after the last.
            int64_t cursor = 0, best = -1, bestGap = INT64_MAX;
            for (const Root* p : live) {
                const int64_t gap = p->offset - cursor;
                if (gap >= r->bytes && gap < bestGap) { best = cursor; bestGap = gap; }
                cursor = std::max(cursor, p->offset + p->bytes);
            }
            r->offset = best >= 0 ? best : cursor;
            top = std::max(top, r->offset + r->bytes);
            placed.push_back(r);
        }
        m_arena = top;
    }

    plan::MemoryPlan records() {
        plan::MemoryPlan mp;
        mp.alignment = m_opt.alignment;
        mp.arenaBytes = m_arena;
        mp.noReuseBytes = m_noReuse;
        for (const ir::Value* v : m_order) {
            if (!planned(v)) continue;
            plan::BufferRecord b;
            b.tensor = v->name();
            b.bytes = std::max<int64_t>(bytes(v), 0);
            b.firstLayer = m_first[v];
            b.lastLayer = m_last[v];
            auto al = m_alias.find(v);
            if (al != m_alias.end()) {
                b.aliasOf = al->second.base->name();
                b.aliasOffset = al->second.offset;
            }
            const Alias a = resolve(v);
            auto rit = m_rootOf.find(a.base);
            if (rit != m_rootOf.end()) {
                const Root& r = m_roots[rit->second];
                if (r.offset >= 0 && bytes(v) >= 0) b.offset = r.offset + a.offset;
                if (a.base == v) { b.firstLayer = r.first; b.lastLayer = r.last; }
            }
            mp.buffers.push_back(std::move(b));
        }
        return mp;
    }

    const ir::Graph& m_g;
    const TensorBytesFn& m_bytesOf;
    MemoryPlannerOptions m_opt;
    const int m_end;
    std::vector<const ir::Value*> m_order;  // produced values in execution order
    std::unordered_map<const ir::Value*, int> m_first, m_last;
    std::unordered_map<const ir::Value*, int64_t> m_bytes;
    std::unordered_map<const ir::Value*, Alias> m_alias;
    std::unordered_set<const ir::Node*> m_inplaceConcats;
    std::vector<Root> m_roots;
    std::unordered_map<const ir::Value*, size_t> m_rootOf;
    int64_t m_arena = 0, m_noReuse = 0;
};

}  // namespace

bool isViewLayer(const ir::Node& n) {
    if (!n.domain().empty()) return false;
    const std::string& t = n.opType();
    return t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze" || t == "Identity" ||
           t == "Dropout";
}

Expected<plan::MemoryPlan> planMemory(const ir::Graph& g, const TensorBytesFn& bytesOf,
                                      const MemoryPlannerOptions& options) {
    return Planner(g, bytesOf, options).run();
}

std::string findMemoryPlanConflict(const plan::MemoryPlan& plan) {
    std::vector<const plan::BufferRecord*> roots;
    for (const plan::BufferRecord& b : plan.buffers)
        if (b.aliasOf.empty() && b.offset >= 0 && b.bytes > 0) roots.push_back(&b);
    std::sort(roots.begin(), roots.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 0; i < roots.size(); ++i) {
        const plan::BufferRecord& a = *roots[i];
        if (a.offset + a.bytes > plan.arenaBytes)
            return "'" + a.tensor + "' ends at byte " + std::to_string(a.offset + a.bytes) + ", past the arena of " +
                   std::to_string(plan.arenaBytes);
        for (size_t j = i + 1; j < roots.size() && roots[j]->offset < a.offset + a.bytes; ++j) {
            const plan::BufferRecord& b = *roots[j];
            if (a.firstLayer <= b.lastLayer && b.firstLayer <= a.lastLayer)
                return "'" + a.tensor + "' [" + std::to_string(a.offset) + ", +" + std::to_string(a.bytes) + ") and '" +
                       b.tensor + "' [" + std::to_string(b.offset) + ", +" + std::to_string(b.bytes) +
                       ") overlap while both are live (layers " + std::to_string(a.firstLayer) + ".." +
                       std::to_string(a.lastLayer) + " and " + std::to_string(b.firstLayer) + ".." +
                       std::to_string(b.lastLayer) + ")";
        }
    }
    return {};
}

}  // namespace kiln
