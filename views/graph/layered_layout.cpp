// Layered layout: phases 1-3 and 6, and the driver. See layered_layout.h.
#include "graph/layered_layout.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>

#include "graph/layered_internal.h"

namespace kiln::views::layered {

namespace {

using detail::LayerGraph;

// Edges as laid out: `from` above `to`. Self loops and reversed edges (cycles) are marked.
struct Oriented {
    int from = 0;
    int to = 0;
    bool reversed = false;
    bool selfLoop = false;
    bool valid = true;
};

// Kahn's algorithm in input order; when only cycles are left, the lowest-numbered remaining node
// goes next, which breaks them. Returns each node's place in that order.
std::vector<int> topologicalRank(int n, const std::vector<Edge>& edges) {
    std::vector<int> indegree(size_t(n), 0);
    std::vector<std::vector<int>> out(static_cast<size_t>(n));
    for (const Edge& e : edges) {
        if (e.from < 0 || e.to < 0 || e.from >= n || e.to >= n || e.from == e.to) continue;
        out[size_t(e.from)].push_back(e.to);
        ++indegree[size_t(e.to)];
    }
    std::vector<int> rank(size_t(n), -1);
    std::deque<int> ready;
    for (int v = 0; v < n; ++v)
        if (indegree[size_t(v)] == 0) ready.push_back(v);
    int next = 0, scan = 0;
    while (next < n) {
        if (ready.empty()) {
            while (rank[size_t(scan)] >= 0) ++scan;
            ready.push_back(scan);
            indegree[size_t(scan)] = 0;
        }
        const int v = ready.front();
        ready.pop_front();
        if (rank[size_t(v)] >= 0) continue;
        rank[size_t(v)] = next++;
        for (int w : out[size_t(v)])
            if (rank[size_t(w)] < 0 && --indegree[size_t(w)] == 0) ready.push_back(w);
    }
    return rank;
}

// Longest path from the sources, then (bottom-up) a node with more outgoing than incoming edges
// moves down to just above its nearest consumer: it shortens more edges than it lengthens.
std::vector<int> assignLayers(int n, const std::vector<Oriented>& edges, const std::vector<int>& rank) {
    std::vector<int> byRank(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v) byRank[size_t(rank[size_t(v)])] = v;
    std::vector<std::vector<int>> in(static_cast<size_t>(n)), out(static_cast<size_t>(n));
    for (const Oriented& e : edges) {
        if (!e.valid || e.selfLoop) continue;
        out[size_t(e.from)].push_back(e.to);
        in[size_t(e.to)].push_back(e.from);
    }
    std::vector<int> layer(size_t(n), 0);
    for (int v : byRank)
        for (int u : in[size_t(v)]) layer[size_t(v)] = std::max(layer[size_t(v)], layer[size_t(u)] + 1);
    for (auto it = byRank.rbegin(); it != byRank.rend(); ++it) {
        const int v = *it;
        const auto& succ = out[size_t(v)];
        if (succ.empty() || succ.size() <= in[size_t(v)].size()) continue;
        int nearest = std::numeric_limits<int>::max();
        for (int w : succ) nearest = std::min(nearest, layer[size_t(w)]);
        layer[size_t(v)] = std::max(layer[size_t(v)], nearest - 1);
    }
    const int lowest = n ? *std::min_element(layer.begin(), layer.end()) : 0;
    for (int& l : layer) l -= lowest;
    return layer;
}

// Phase 3: virtual nodes. Edges leaving one node with one bundle key share one chain. Fills
// `via` (the virtual nodes an edge passes, top to bottom) and `direct`.
void addVirtualNodes(LayerGraph& g, const Input& input, const std::vector<Oriented>& edges, const Options& options,
                     std::vector<std::vector<int>>& via, std::vector<bool>& direct) {
    const size_t m = edges.size();
    via.assign(m, {});
    direct.assign(m, false);
    std::vector<int> chained;
    for (size_t i = 0; i < m; ++i) {
        const Oriented& e = edges[i];
        if (!e.valid || e.selfLoop) continue;
        const int span = g.layer[size_t(e.to)] - g.layer[size_t(e.from)];
        if (e.reversed || span > options.maxSpan) direct[i] = true;
        else chained.push_back(int(i));
    }
    std::stable_sort(chained.begin(), chained.end(), [&](int a, int b) {
        const Oriented &ea = edges[size_t(a)], &eb = edges[size_t(b)];
        if (ea.from != eb.from) return ea.from < eb.from;
        if (input.edges[size_t(a)].bundle != input.edges[size_t(b)].bundle)
            return input.edges[size_t(a)].bundle < input.edges[size_t(b)].bundle;
        return g.layer[size_t(ea.to)] < g.layer[size_t(eb.to)];
    });
    const long long cap = 8LL * (g.realCount + static_cast<long long>(m)) + 1000;
    std::vector<int> chain;  // the current group's virtual nodes, top to bottom
    for (size_t k = 0; k < chained.size(); ++k) {
        const int i = chained[k];
        const Oriented& e = edges[size_t(i)];
        const bool newGroup = k == 0 || edges[size_t(chained[k - 1])].from != e.from ||
                              input.edges[size_t(chained[k - 1])].bundle != input.edges[size_t(i)].bundle;
        if (newGroup) chain.clear();
        const int base = g.layer[size_t(e.from)];
        const int span = g.layer[size_t(e.to)] - base;
        while (int(chain.size()) < span - 1) {
            if (g.size() - g.realCount >= cap) break;
            const int v = g.addNode(base + int(chain.size()) + 1, 0);
            g.addSegment(chain.empty() ? e.from : chain.back(), v);
            chain.push_back(v);
        }
        if (int(chain.size()) < span - 1) {
            direct[size_t(i)] = true;
            continue;
        }
        via[size_t(i)].assign(chain.begin(), chain.begin() + (span - 1));
        g.addSegment(span == 1 ? e.from : chain[size_t(span - 2)], e.to);
    }
}

// Phase 1: every edge points from an earlier to a later node of the topological order.
std::vector<Oriented> orientEdges(const std::vector<Edge>& input, int n, const std::vector<int>& rank) {
    std::vector<Oriented> edges(input.size());
    for (size_t i = 0; i < input.size(); ++i) {
        const Edge& e = input[i];
        Oriented& o = edges[i];
        o.valid = e.from >= 0 && e.to >= 0 && e.from < n && e.to < n;
        if (!o.valid) continue;
        o.selfLoop = e.from == e.to;
        o.reversed = !o.selfLoop && rank[size_t(e.from)] > rank[size_t(e.to)];
        o.from = o.reversed ? e.to : e.from;
        o.to = o.reversed ? e.from : e.to;
    }
    return edges;
}

// Phase 6: each layer as tall as its tallest box; labels sit in the gap between layers, with
// some air above and below.
struct Vertical {
    std::vector<double> top;
    std::vector<double> height;
    double gap = 0;
};

Vertical placeY(const LayerGraph& g, const Input& input, double labelHeight, double layerSpacing) {
    Vertical v;
    const size_t layers = g.order.size();
    v.top.assign(layers, 0);
    v.height.assign(layers, 0);
    for (int n = 0; n < g.realCount; ++n) {
        double& h = v.height[size_t(g.layer[size_t(n)])];
        h = std::max(h, input.heights[size_t(n)]);
    }
    v.gap = std::max(layerSpacing, labelHeight > 0 ? labelHeight + 16 : 0.0);
    for (size_t l = 1; l < layers; ++l) v.top[l] = v.top[l - 1] + v.height[l - 1] + v.gap;
    return v;
}

// Shifts the drawing to start at x = 0 and fills the node outputs.
void finishNodes(LayerGraph& g, const Vertical& vertical, Output& out) {
    double left = std::numeric_limits<double>::max(), right = std::numeric_limits<double>::lowest();
    for (int v = 0; v < g.size(); ++v) {
        left = std::min(left, g.x[size_t(v)] - g.width[size_t(v)] / 2);
        right = std::max(right, g.x[size_t(v)] + g.width[size_t(v)] / 2 + g.rightExtra[size_t(v)]);
    }
    if (g.size() == 0) left = right = 0;
    for (double& x : g.x) x -= left;
    out.width = right - left;
    out.height = vertical.top.empty() ? 0 : vertical.top.back() + vertical.height.back();
    out.layers.assign(g.layer.begin(), g.layer.begin() + g.realCount);
    out.centers.resize(size_t(g.realCount));
    for (int v = 0; v < g.realCount; ++v) {
        const size_t l = size_t(g.layer[size_t(v)]);
        out.centers[size_t(v)] = {g.x[size_t(v)], vertical.top[l] + vertical.height[l] / 2};
    }
}

// Edges: bottom centre of the source, straight down through each virtual node's layer, top
// centre of the target. One label per (source, bundle), below the source, right of the lines.
bool routeEdges(const Input& input, const std::vector<Oriented>& edges, const LayerGraph& g,
                const std::vector<std::vector<int>>& via, const Vertical& vertical, const std::atomic<bool>* cancel,
                Output& out) {
    const size_t m = edges.size();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.routes.assign(m, {});
    out.labelCenters.assign(m, Point{nan, nan});
    // (source, bundle) -> the first labelled edge, and how far right its bundle's lines run at the
    // label's height (the middle of the first gap, where each S-curve is half-way across).
    std::map<std::pair<int, int>, std::pair<size_t, double>> labels;
    for (size_t i = 0; i < m; ++i) {
        if ((i & 1023) == 0 && detail::cancelled(cancel)) return false;
        const Edge& e = input.edges[i];
        if (!edges[i].valid || edges[i].selfLoop) continue;
        const Point tail{out.centers[size_t(e.from)].x, out.centers[size_t(e.from)].y + input.heights[size_t(e.from)] / 2};
        const Point head{out.centers[size_t(e.to)].x, out.centers[size_t(e.to)].y - input.heights[size_t(e.to)] / 2};
        std::vector<Point>& route = out.routes[i];
        route.push_back(tail);
        for (int v : via[i]) {
            const size_t l = size_t(g.layer[size_t(v)]);
            route.push_back({g.x[size_t(v)], vertical.top[l]});
            if (vertical.height[l] > 0) route.push_back({g.x[size_t(v)], vertical.top[l] + vertical.height[l]});
        }
        route.push_back(head);
        if (e.labelWidth <= 0 || edges[i].reversed) continue;
        const double midX = std::max(tail.x, (tail.x + route[1].x) / 2);
        const auto [it, added] = labels.try_emplace({e.from, e.bundle}, i, midX);
        if (!added) it->second.second = std::max(it->second.second, midX);
    }
    for (const auto& [key, label] : labels) {
        const auto [i, rightmost] = label;
        const size_t l = size_t(g.layer[size_t(key.first)]);
        const double gapTop = out.routes[i].front().y;
        const double gapBottom = l + 1 < vertical.top.size() ? vertical.top[l + 1] : gapTop + vertical.gap;
        out.labelCenters[i] = {rightmost + 4 + input.edges[i].labelWidth / 2, (gapTop + gapBottom) / 2};
    }
    return true;
}
}  // namespace

Output layout(const Input& input, const Options& options, const std::atomic<bool>* cancel, const Progress& progress) {
    const auto start = detail::Clock::now();
    const auto budget = std::chrono::duration<double, std::milli>(options.timeBudgetMs);
    auto report = [&progress](int percent) {
        if (progress) progress(percent);
    };
    Output out;
    const int n = int(input.widths.size());
    const size_t m = input.edges.size();
    auto stop = [&out] {
        out.cancelled = true;
        return out;
    };
    if (detail::cancelled(cancel)) return stop();
    report(0);

    // Phases 1 and 2.
    const std::vector<int> rank = topologicalRank(n, input.edges);
    const std::vector<Oriented> edges = orientEdges(input.edges, n, rank);
    LayerGraph g;
    g.realCount = n;
    g.layer = assignLayers(n, edges, rank);
    g.width = input.widths;
    g.rightExtra.assign(size_t(n), 0);
    g.up.assign(size_t(n), {});
    g.down.assign(size_t(n), {});
    double labelHeight = 0;
    for (size_t i = 0; i < m; ++i) {
        const Edge& e = input.edges[i];
        if (!edges[i].valid || e.labelWidth <= 0) continue;
        labelHeight = std::max(labelHeight, e.labelHeight);
        double& extra = g.rightExtra[size_t(e.from)];
        extra = std::max(extra, e.labelWidth + 8 - input.widths[size_t(e.from)] / 2);
    }
    if (detail::cancelled(cancel)) return stop();
    report(10);

    // Phase 3.
    std::vector<std::vector<int>> via;
    addVirtualNodes(g, input, edges, options, via, out.direct);
    out.virtualNodes = g.size() - n;
    if (detail::cancelled(cancel)) return stop();
    report(20);

    // Phase 4.
    detail::initialOrder(g);
    out.crossingsBefore = detail::countCrossings(g);
    const auto orderDeadline = start + std::chrono::duration_cast<detail::Clock::duration>(budget * 0.6);
    if (!detail::reduceCrossings(g, options.maxSweeps, orderDeadline, cancel)) return stop();
    out.crossingsAfter = detail::countCrossings(g);
    report(60);

    // Phase 5.
    const auto placeDeadline = start + std::chrono::duration_cast<detail::Clock::duration>(budget);
    if (!detail::placeX(g, options.nodeSpacing, options.placementIterations, placeDeadline, cancel)) return stop();
    report(90);

    // Phase 6.
    const Vertical vertical = placeY(g, input, labelHeight, options.layerSpacing);
    finishNodes(g, vertical, out);
    if (!routeEdges(input, edges, g, via, vertical, cancel, out)) return stop();
    report(100);
    return out;
}

}  // namespace kiln::views::layered
