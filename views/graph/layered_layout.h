// Kiln's own layered (Sugiyama-style) layout for directed graphs, top to bottom. Qt-free so it
// can be tested and timed on its own; LayoutRunner uses it above a node count where graphviz dot
// gets too slow.
//
// Phases (each checks the cancel flag and reports progress):
//   1. cycles are broken along a topological order (ONNX graphs are DAGs; this is a safety net);
//   2. layering: longest path from the sources, then nodes move down towards their consumers
//      while that does not lengthen more edges than it shortens;
//   3. edges spanning several layers get virtual nodes; edges leaving one node with one bundle key
//      (the same tensor) share them, so a tensor read by many far consumers costs one chain;
//   4. crossing reduction: barycenter sweeps down and up, best order kept, within a time budget;
//   5. x: block coordinate descent on sum(omega * (x_u - x_v)^2) over edges, each layer solved
//      exactly under the no-overlap constraints by isotonic regression (pool adjacent violators);
//   6. y by layer (the layer's tallest node), edges as polylines through their virtual nodes.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

namespace kiln::views::layered {

struct Point {
    double x = 0;
    double y = 0;
};

struct Edge {
    int from = 0;
    int to = 0;
    int bundle = 0;         // edges from one node with one bundle key share their virtual nodes
    double labelWidth = 0;  // 0: no label
    double labelHeight = 0;
};

struct Options {
    double nodeSpacing = 25;   // horizontal gap between boxes
    double layerSpacing = 25;  // vertical gap between layers (labels add their height)
    // Edges spanning more layers are drawn as direct curves. Edges of one bundle share their
    // virtual nodes, so long ones are cheap; beyond 8 * (nodes + edges) virtual nodes in all, the
    // remaining long edges are drawn direct too.
    int maxSpan = 1 << 20;
    int maxSweeps = 12;        // crossing-reduction sweeps (down + up counts as two)
    int placementIterations = 24;
    double timeBudgetMs = 1500;  // for the crossing reduction and x placement together
};

struct Input {
    std::vector<double> widths;
    std::vector<double> heights;
    std::vector<Edge> edges;
};

struct Output {
    std::vector<Point> centers;              // per node
    std::vector<int> layers;                 // per node
    std::vector<std::vector<Point>> routes;  // per edge: tail (bottom centre of the source) to head
                                             // (top centre of the target); empty for a self loop
    std::vector<bool> direct;                // per edge: drawn as one curve (very long or reversed)
    std::vector<Point> labelCenters;         // per edge; NaN where there is no label
    double width = 0;
    double height = 0;
    long long crossingsBefore = 0;  // between adjacent layers, after the initial (DFS) order
    long long crossingsAfter = 0;   // after the crossing reduction
    int virtualNodes = 0;
    bool cancelled = false;
};

// percent in [0, 100]; called from the calling thread.
using Progress = std::function<void(int percent)>;

Output layout(const Input& input, const Options& options = {}, const std::atomic<bool>* cancel = nullptr,
              const Progress& progress = {});

}  // namespace kiln::views::layered
