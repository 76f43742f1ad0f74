// The playground's teaching model, built in code so that a student can change it from the GUI and
// watch fusions appear and disappear. One residual block:
//
//   input [1, 3, 16, 16]
//   conv1 (3x3, 8 ch, bias) -> [bn1] -> act1 ----------------------.
//                              `-> [tap: GlobalAveragePool]         | (residual)
//   conv2 (3x3, 8 ch, bias) -> [bn2] -> [add (+ act1's output)] -> relu2 -> pool -> flatten -> fc -> logits
//
// Qt-free. Every weight is deterministic, so two builds of one option set are equal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::views {

enum class PlaygroundActivation {
    None,       // conv1 feeds conv2 directly
    Relu,
    LeakyRelu,  // alpha 0.1
    Sigmoid,
    Tanh,
    Relu6,      // Clip(0, 6)
    HardSwish,
    Silu,       // x · Sigmoid(x), two nodes (recognize-silu makes one of them)
    Gelu,       // x · 0.5 · (1 + erf(x / √2)), five nodes (recognize-gelu)
    Softsign,   // has no fused epilogue: the fusion is declined
};

struct PlaygroundOptions {
    PlaygroundActivation activation = PlaygroundActivation::Relu;
    bool batchNorm = true;        // bn1 and bn2
    bool secondConsumer = false;  // a second reader (tap) of act1's input: blocks conv1's fusion
    bool residual = true;         // the Add of act1's output before relu2
    bool operator==(const PlaygroundOptions&) const = default;
};

// Name shown in the GUI, in English (the panel translates its own labels).
const char* activationName(PlaygroundActivation a);
std::vector<PlaygroundActivation> allPlaygroundActivations();

// The model for the options: typed, shaped, sorted and verified.
Expected<std::unique_ptr<ir::Graph>> buildPlaygroundModel(const PlaygroundOptions& options);

}  // namespace kiln::views
