// Layered layout, phase 4: the order of nodes inside each layer (crossing reduction).
#include <algorithm>

#include "graph/layered_internal.h"

namespace kiln::views::layered::detail {

namespace {

void syncPositions(LayerGraph& g, int l) {
    const std::vector<int>& row = g.order[size_t(l)];
    for (size_t i = 0; i < row.size(); ++i) g.pos[size_t(row[i])] = int(i);
}

// Inversions of `values` (pairs i < j with values[i] > values[j]) with a Fenwick tree over
// [0, range): O(n log range).
long long inversions(const std::vector<int>& values, int range, std::vector<int>& tree) {
    tree.assign(size_t(range) + 1, 0);
    long long count = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        int seenNotAbove = 0;  // earlier values <= values[i]
        for (int k = values[i] + 1; k > 0; k -= k & -k) seenNotAbove += tree[size_t(k)];
        count += static_cast<long long>(i) - seenNotAbove;
        for (int k = values[i] + 1; k <= range; k += k & -k) ++tree[size_t(k)];
    }
    return count;
}

// Barycenter of a node's neighbours in the adjacent layer, both measured as a fraction of their
// layer's width so that layers of different sizes compare; a node without neighbours keeps its
// place.
void sortLayer(LayerGraph& g, int l, bool useUp) {
    std::vector<int>& row = g.order[size_t(l)];
    if (row.size() < 2) return;
    const int other = useUp ? l - 1 : l + 1;
    const double otherSize = double(g.order[size_t(other)].size());
    const double size = double(row.size());
    std::vector<std::pair<double, int>> keyed;
    keyed.reserve(row.size());
    for (int v : row) {
        const std::vector<int>& nbrs = useUp ? g.up[size_t(v)] : g.down[size_t(v)];
        double key = (g.pos[size_t(v)] + 0.5) / size;
        if (!nbrs.empty()) {
            double sum = 0;
            for (int n : nbrs) sum += g.pos[size_t(n)] + 0.5;
            key = sum / double(nbrs.size()) / otherSize;
        }
        keyed.emplace_back(key, v);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed.size(); ++i) row[i] = keyed[i].second;
    syncPositions(g, l);
}

}  // namespace

void initialOrder(LayerGraph& g) {
    int layers = 0;
    for (int l : g.layer) layers = std::max(layers, l + 1);
    g.order.assign(size_t(layers), {});
    g.pos.assign(size_t(g.size()), 0);
    std::vector<char> seen(size_t(g.size()), 0);
    std::vector<int> stack;
    // Depth first from the sources in input order: a chain stays together, left to right.
    auto visitFrom = [&](int root) {
        stack.push_back(root);
        while (!stack.empty()) {
            const int v = stack.back();
            stack.pop_back();
            if (seen[size_t(v)]) continue;
            seen[size_t(v)] = 1;
            g.pos[size_t(v)] = int(g.order[size_t(g.layer[size_t(v)])].size());
            g.order[size_t(g.layer[size_t(v)])].push_back(v);
            const std::vector<int>& next = g.down[size_t(v)];
            for (auto it = next.rbegin(); it != next.rend(); ++it)
                if (!seen[size_t(*it)]) stack.push_back(*it);
        }
    };
    for (int v = 0; v < g.size(); ++v)
        if (g.up[size_t(v)].empty() && !seen[size_t(v)]) visitFrom(v);
    for (int v = 0; v < g.size(); ++v)
        if (!seen[size_t(v)]) visitFrom(v);
}

long long countCrossings(const LayerGraph& g) {
    long long total = 0;
    std::vector<int> values, tree, targets;
    for (size_t l = 0; l + 1 < g.order.size(); ++l) {
        values.clear();
        for (int u : g.order[l]) {
            targets.clear();
            for (int v : g.down[size_t(u)]) targets.push_back(g.pos[size_t(v)]);
            std::sort(targets.begin(), targets.end());
            values.insert(values.end(), targets.begin(), targets.end());
        }
        total += inversions(values, int(g.order[l + 1].size()), tree);
    }
    return total;
}

bool reduceCrossings(LayerGraph& g, int maxSweeps, Clock::time_point deadline, const std::atomic<bool>* cancel) {
    const int layers = int(g.order.size());
    long long best = countCrossings(g);
    std::vector<std::vector<int>> bestOrder = g.order;
    int sinceBetter = 0;
    for (int sweep = 0; sweep < maxSweeps && best > 0; ++sweep) {
        const bool downward = sweep % 2 == 0;
        for (int i = 1; i < layers; ++i) {
            if ((i & 63) == 0 && cancelled(cancel)) return false;
            sortLayer(g, downward ? i : layers - 1 - i, downward);
        }
        const long long crossings = countCrossings(g);
        if (crossings < best) {
            best = crossings;
            bestOrder = g.order;
            sinceBetter = 0;
        } else if (++sinceBetter >= 3) {
            break;
        }
        if (cancelled(cancel)) return false;
        if (Clock::now() > deadline) break;
    }
    g.order = std::move(bestOrder);
    for (int l = 0; l < layers; ++l) syncPositions(g, l);
    return true;
}

}  // namespace kiln::views::layered::detail
