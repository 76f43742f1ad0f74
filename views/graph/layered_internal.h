// Shared state of the layered layout's phases (layered_layout.cpp, layered_order.cpp,
// layered_place.cpp). Not part of the public interface.
#pragma once

#include <atomic>
#include <chrono>
#include <vector>

#include "graph/layered_layout.h"

namespace kiln::views::layered::detail {

using Clock = std::chrono::steady_clock;

// The proper layered graph: real nodes first (same indices as the input), then virtual ones.
// Every segment joins two adjacent layers.
struct LayerGraph {
    int realCount = 0;
    std::vector<int> layer;
    std::vector<double> width;       // virtual nodes: 0
    std::vector<double> rightExtra;  // room for an edge label hanging right of the node's centre
    std::vector<std::vector<int>> up;    // neighbours in layer - 1, one entry per segment
    std::vector<std::vector<int>> down;  // neighbours in layer + 1
    std::vector<std::vector<int>> order; // per layer, left to right
    std::vector<int> pos;                // index of a node inside its layer
    std::vector<double> x;

    int size() const { return int(layer.size()); }
    bool isVirtual(int v) const { return v >= realCount; }
    int addNode(int l, double w) {
        layer.push_back(l);
        width.push_back(w);
        rightExtra.push_back(0);
        up.emplace_back();
        down.emplace_back();
        return size() - 1;
    }
    void addSegment(int from, int to) {
        down[size_t(from)].push_back(to);
        up[size_t(to)].push_back(from);
    }
};

inline bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

// layered_order.cpp
void initialOrder(LayerGraph& g);
long long countCrossings(const LayerGraph& g);
// Returns false when cancelled. Keeps the best order found before the deadline.
bool reduceCrossings(LayerGraph& g, int maxSweeps, Clock::time_point deadline, const std::atomic<bool>* cancel);

// layered_place.cpp: sets g.x (node centres). Returns false when cancelled.
bool placeX(LayerGraph& g, double nodeSpacing, int iterations, Clock::time_point deadline,
            const std::atomic<bool>* cancel);

// Sets each run of virtual nodes below a real node to one x where that fits between its layer
// neighbours, so that long edges run straight instead of jogging a little at every layer.
void straightenChains(LayerGraph& g, double spacing);

}  // namespace kiln::views::layered::detail
