// GPU test helpers (tests with the CTest label "gpu"): skip without a device, and check every
// tactic of a node against the CPU reference kernel on the same random inputs.
//
//   void TestCudaKernels::softmax() {
//       KILN_SKIP_WITHOUT_GPU();
//       ir::Graph g; ... one node ...
//       auto inputs = randomInputsFor(node, seed);           // constants come from the node
//       KILN_VERIFY_OK(checkAllTactics(*session, node, Precision::FP16, inputs));
//   }
#pragma once

#include <QTest>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/layer_runner.h"
#include "core/compare.h"

namespace kiln::test {

// The tolerances: FP32 rel-L2 <= 1e-5, TF32 <= 1e-3, FP16 <= 1e-2.
double toleranceFor(cuda::Precision p);

// A session on the current device, or null (and the reason) when there is no GPU.
std::unique_ptr<cuda::Session> gpuSession(std::string* whyNot = nullptr);

// Random float inputs in [-1, 1) (integers in [0, 8)) for the node's non-constant inputs, with the
// dims given (one entry per node input; ignored for constant inputs).
std::vector<HostTensor> randomInputsFor(const ir::Node& node, const std::vector<std::vector<int64_t>>& dims, uint64_t seed);

struct TacticCheck {
    std::string tactic;
    double relativeL2 = 0;
    double maxAbs = 0;
    bool nan = false;
};

// Runs every tactic the builtin registry lists for the node at precision p and compares each
// output with the CPU reference (relative L2 within `tolerance`, or toleranceFor(p) when < 0,
// no NaN/Inf unless the reference has it at the same place). Fails naming the first tactic and
// output that disagrees; `checks` (optional) receives every tactic's numbers. At least one
// tactic must exist.
Status checkAllTactics(cuda::Session& s, const ir::Node& node, cuda::Precision p, const std::vector<HostTensor>& inputs,
                       double tolerance = -1, std::vector<TacticCheck>* checks = nullptr);

}  // namespace kiln::test

#define KILN_SKIP_WITHOUT_GPU()                                                                      \
    std::string kiln_gpu_why_;                                                                       \
    auto kiln_gpu_session_ = ::kiln::test::gpuSession(&kiln_gpu_why_);                               \
    if (!kiln_gpu_session_) QSKIP(("no CUDA device: " + kiln_gpu_why_).c_str());                     \
    ::kiln::cuda::Session& gpu = *kiln_gpu_session_
