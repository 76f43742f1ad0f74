// The memory planner: every activation tensor of a network gets a place in one arena, reusing
// the bytes of tensors that are no longer live. Backend-agnostic: it sees layers in execution
// order, tensor byte sizes (at the profile's max shapes) and which tensors are views of others.
//
// Views (no bytes of their own, they extend the lifetime of what they view):
//   - Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout: the output is its input;
//   - a Concat marked kiln_inplace by concat-elimination: input i lives in the output at the byte
//     offset of its slice, when every slice is one contiguous block (dims before the axis are 1);
//   - a Split marked kiln_view by horizontal fusion: output i lives in the input, likewise.
// Offsets: greedy by size (largest buffer first, into the lowest gap free during its lifetime),
// the "greedy by size" strategy of TFLite's and ncnn's planners, which is within a few percent of
// optimal on convolutional and transformer networks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "ir/graph.h"
#include "plan/plan.h"

namespace kiln {

struct MemoryPlannerOptions {
    int64_t alignment = 256;
    bool reuse = true;          // false: every tensor its own bytes (for comparison and debugging)
    bool viewAliases = true;    // Reshape & co. share their input's bytes
    bool concatAliases = true;  // honour kiln_inplace / kiln_view
};

// Layers whose output 0 is (a view of) input 0: Reshape, Flatten, Squeeze, Unsqueeze, Identity,
// Dropout. The planner gives them no bytes; the runtime gives them no place to write.
bool isViewLayer(const ir::Node& n);

// Byte size of a value at the planned shapes, or -1 when it is only known at run time.
using TensorBytesFn = std::function<int64_t(const ir::Value&)>;

// Plans g's non-constant tensors except graph inputs (those are bound by the caller). Graph
// outputs are live to the end. g must be topologically sorted.
Expected<plan::MemoryPlan> planMemory(const ir::Graph& g, const TensorBytesFn& bytesOf,
                                      const MemoryPlannerOptions& options = {});

// Does any pair of buffers that are live at the same time overlap in the arena? For tests and
// for the plan reader's sanity check. Returns a description of the first conflict, or "".
std::string findMemoryPlanConflict(const plan::MemoryPlan& plan);

}  // namespace kiln
