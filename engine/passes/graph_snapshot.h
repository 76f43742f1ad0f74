// A structural picture of a graph (nodes, value types/shapes, graph inputs/outputs; no weight
// data), and diffs between two pictures. The PassLog stores the picture before the first pass
// and one diff per pass, so the graph after any pass can be rebuilt for the studio's stepper.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/data_type.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln::passes {

struct NodeSnapshot {
    std::string name, opType, domain;
    std::vector<std::string> inputs, outputs, origins;  // "" for omitted optional inputs
    std::vector<std::pair<std::string, std::string>> attributes;  // name -> readable value
    bool operator==(const NodeSnapshot&) const = default;
};

struct ValueSnapshot {
    std::string name;
    DataType dtype = DataType::Undefined;
    std::string shape;              // "[batch, 3, 224, 224]"
    bool constant = false;
    bool operator==(const ValueSnapshot&) const = default;
};

struct GraphSnapshot {
    std::vector<NodeSnapshot> nodes;            // topological order
    std::map<std::string, ValueSnapshot> values;
    std::vector<std::string> inputs, outputs;

    static GraphSnapshot of(const ir::Graph& g);
    const NodeSnapshot* findNode(const std::string& name) const;
};

struct SnapshotDiff {
    std::vector<std::string> removedNodes;
    std::vector<NodeSnapshot> upsertedNodes;    // new, or changed in place
    std::vector<std::string> order;             // node order afterwards (names)
    std::vector<std::string> removedValues;
    std::vector<ValueSnapshot> upsertedValues;
    std::vector<std::string> inputs, outputs;
};

SnapshotDiff diffSnapshots(const GraphSnapshot& before, const GraphSnapshot& after);
// Fails when the diff does not fit the snapshot (e.g. a hand-edited or corrupted log).
Expected<GraphSnapshot> applyDiff(const GraphSnapshot& before, const SnapshotDiff& diff);

}  // namespace kiln::passes
