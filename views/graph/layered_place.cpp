// Layered layout, phase 5: x coordinates.
// Minimises sum over segments of omega * (x_u - x_v)^2 (omega 1 between real nodes, 2 between a
// real and a virtual node, 8 between virtual nodes, as dot does, so long edges run straight)
// subject to each layer's order and spacing. One layer at a time, with its neighbours fixed, the
// problem is
//   min sum_i W_i (x_i - d_i)^2  s.t.  x_{i+1} - x_i >= s_i
// (W_i: the node's total omega, d_i: the omega-weighted mean of its neighbours). With
// y_i = x_i - o_i, o_i = s_0 + ... + s_{i-1}, it is isotonic regression of d_i - o_i, solved
// exactly in O(n) by pool adjacent violators. Sweeping the layers down and up is block
// coordinate descent on a convex problem, so it only ever improves.
#include <algorithm>
#include <cmath>

#include "graph/layered_internal.h"

namespace kiln::views::layered::detail {

namespace {

double omega(const LayerGraph& g, int a, int b) {
    const int virtuals = int(g.isVirtual(a)) + int(g.isVirtual(b));
    return virtuals == 0 ? 1.0 : virtuals == 1 ? 2.0 : 8.0;
}

// The smallest distance between the centres of a and b when b is right of a.
double separation(const LayerGraph& g, int a, int b, double spacing) {
    const int virtuals = int(g.isVirtual(a)) + int(g.isVirtual(b));
    const double gap = virtuals == 0 ? spacing : virtuals == 1 ? spacing * 0.6 : spacing * 0.4;
    return g.width[size_t(a)] / 2 + g.rightExtra[size_t(a)] + gap + g.width[size_t(b)] / 2;
}

struct Block {
    double weight = 0;
    double weightedSum = 0;
    int count = 0;
    double mean() const { return weightedSum / weight; }
};

void solveLayer(LayerGraph& g, int l, double spacing, std::vector<Block>& blocks, std::vector<double>& offset) {
    const std::vector<int>& row = g.order[size_t(l)];
    const size_t n = row.size();
    if (n == 0) return;
    offset.assign(n, 0);
    for (size_t i = 1; i < n; ++i) offset[i] = offset[i - 1] + separation(g, row[i - 1], row[i], spacing);
    blocks.clear();
    for (size_t i = 0; i < n; ++i) {
        const int v = row[i];
        double w = 0, sum = 0;
        for (int u : g.up[size_t(v)]) {
            const double o = omega(g, u, v);
            w += o;
            sum += o * g.x[size_t(u)];
        }
        for (int u : g.down[size_t(v)]) {
            const double o = omega(g, u, v);
            w += o;
            sum += o * g.x[size_t(u)];
        }
        // A node without neighbours stays where it is, lightly held.
        const double target = w > 0 ? sum / w : g.x[size_t(v)];
        w = std::max(w, 1e-3);
        Block b{w, w * (target - offset[i]), 1};
        while (!blocks.empty() && blocks.back().mean() >= b.mean()) {
            b.weight += blocks.back().weight;
            b.weightedSum += blocks.back().weightedSum;
            b.count += blocks.back().count;
            blocks.pop_back();
        }
        blocks.push_back(b);
    }
    size_t i = 0;
    for (const Block& b : blocks) {
        const double y = b.mean();
        for (int k = 0; k < b.count; ++k, ++i) g.x[size_t(row[i])] = y + offset[i];
    }
}

// The free interval for v's centre with its layer neighbours where they are.
std::pair<double, double> freeRange(const LayerGraph& g, int v, double spacing) {
    const std::vector<int>& row = g.order[size_t(g.layer[size_t(v)])];
    const int p = g.pos[size_t(v)];
    double lo = -1e300, hi = 1e300;
    if (p > 0) lo = g.x[size_t(row[size_t(p - 1)])] + separation(g, row[size_t(p - 1)], v, spacing);
    if (p + 1 < int(row.size())) hi = g.x[size_t(row[size_t(p + 1)])] - separation(g, v, row[size_t(p + 1)], spacing);
    return {lo, hi};
}

}  // namespace

void straightenChains(LayerGraph& g, double spacing) {
    std::vector<int> run;
    // Greedy: extend a stretch while the free intervals of its virtual nodes still overlap, then
    // put the whole stretch on one x (its mean, clamped into the overlap): fewest jogs.
    auto flush = [&g](const std::vector<int>& stretch, double lo, double hi) {
        if (stretch.empty()) return;
        double mean = 0;
        for (int w : stretch) mean += g.x[size_t(w)];
        const double x = std::clamp(mean / double(stretch.size()), lo, hi);
        for (int w : stretch) g.x[size_t(w)] = x;
    };
    std::vector<int> stretch;
    for (int v = g.realCount; v < g.size(); ++v) {
        // A run starts below a real node and follows the one virtual node under each.
        if (g.up[size_t(v)].size() != 1 || g.isVirtual(g.up[size_t(v)][0])) continue;
        run.clear();
        for (int w = v; w >= 0;) {
            run.push_back(w);
            int next = -1;
            for (int d : g.down[size_t(w)])
                if (g.isVirtual(d)) next = d;
            w = next;
        }
        stretch.clear();
        double lo = -1e300, hi = 1e300;
        for (int w : run) {
            const auto [wlo, whi] = freeRange(g, w, spacing);
            if (std::max(lo, wlo) > std::min(hi, whi)) {
                flush(stretch, lo, hi);
                stretch.clear();
                lo = -1e300;
                hi = 1e300;
            }
            lo = std::max(lo, wlo);
            hi = std::min(hi, whi);
            stretch.push_back(w);
        }
        flush(stretch, lo, hi);
    }
}

bool placeX(LayerGraph& g, double nodeSpacing, int iterations, Clock::time_point deadline,
            const std::atomic<bool>* cancel) {
    g.x.assign(size_t(g.size()), 0);
    // Start packed, each layer centred on 0.
    for (const std::vector<int>& row : g.order) {
        double cursor = 0;
        for (size_t i = 0; i < row.size(); ++i) {
            if (i > 0) cursor += separation(g, row[i - 1], row[i], nodeSpacing);
            g.x[size_t(row[i])] = cursor;
        }
        for (int v : row) g.x[size_t(v)] -= cursor / 2;
    }
    const int layers = int(g.order.size());
    std::vector<Block> blocks;
    std::vector<double> offset;
    for (int it = 0; it < iterations; ++it) {
        const bool downward = it % 2 == 0;
        for (int i = 0; i < layers; ++i) {
            if ((i & 63) == 0 && cancelled(cancel)) return false;
            solveLayer(g, downward ? i : layers - 1 - i, nodeSpacing, blocks, offset);
        }
        if (Clock::now() > deadline) break;
    }
    if (cancelled(cancel)) return false;
    straightenChains(g, nodeSpacing);
    return true;
}

}  // namespace kiln::views::layered::detail
