#include "support/cuda_test_support.h"

#include <cmath>
#include <random>

namespace kiln::test {

double toleranceFor(cuda::Precision p) {
    switch (p) {
        case cuda::Precision::FP32: return 1e-5;
        case cuda::Precision::TF32: return 1e-3;
        case cuda::Precision::FP16: return 1e-2;
    }
    return 1e-5;
}

std::unique_ptr<cuda::Session> gpuSession(std::string* whyNot) {
    auto s = cuda::Session::create();
    if (!s) {
        if (whyNot) *whyNot = s.status().message();
        return nullptr;
    }
    return std::move(s).value();
}

std::vector<HostTensor> randomInputsFor(const ir::Node& node, const std::vector<std::vector<int64_t>>& dims, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> uf(-1.0f, 1.0f);
    std::uniform_int_distribution<int64_t> ui(0, 7);
    std::vector<HostTensor> out;
    for (int i = 0; i < node.numInputs(); ++i) {
        const ir::Value* v = node.input(i);
        if (!v || v->constant() || size_t(i) >= dims.size()) {
            out.emplace_back();
            continue;
        }
        HostTensor t(v->dtype(), dims[size_t(i)]);
        for (int64_t k = 0; k < t.numel(); ++k) {
            if (v->dtype() == DataType::Float32) t.data<float>()[k] = uf(rng);
            else if (v->dtype() == DataType::Int64) t.data<int64_t>()[k] = ui(rng);
            else if (v->dtype() == DataType::Int32) t.data<int32_t>()[k] = int32_t(ui(rng));
            else if (v->dtype() == DataType::Bool) t.data<bool>()[k] = ui(rng) & 1;
        }
        out.push_back(std::move(t));
    }
    return out;
}

Status checkAllTactics(cuda::Session& s, const ir::Node& node, cuda::Precision p, const std::vector<HostTensor>& inputs,
                       double tolerance, std::vector<TacticCheck>* checks) {
    if (tolerance < 0) tolerance = toleranceFor(p);
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> want, cuda::cpuReference(node, inputs));
    const cuda::LayerShapes shapes = cuda::layerShapes(node, p, inputs, want);
    cuda::TacticQuery q{node, p, shapes, s.device()};
    KILN_ASSIGN_OR_RETURN(std::vector<cuda::Tactic> tactics, cuda::TacticRegistry::builtin().tactics(q));
    for (const cuda::Tactic& t : tactics) {
        auto trial = cuda::runTactic(s, node, p, t, inputs, want);
        if (!trial) return Status(trial.status()).prefix("tactic " + t.name);
        for (size_t i = 0; i < want.size(); ++i) {
            const CompareResult c = compareTensors(trial->outputs[i], want[i], 1.0, 1e30);  // shapes/NaN only
            TacticCheck tc{t.name, relativeL2(trial->outputs[i], want[i]), maxAbsDiff(trial->outputs[i], want[i]),
                           c.nanMismatch};
            if (checks) checks->push_back(tc);
            if (!c.shapesMatch || c.nanMismatch || !(tc.relativeL2 <= tolerance))
                return Status(StatusCode::Internal,
                              "tactic " + t.name + " (" + cuda::precisionName(p) + ") output " + std::to_string(i) +
                                  ": relative L2 " + std::to_string(tc.relativeL2) + " > " + std::to_string(tolerance) +
                                  (c.nanMismatch ? ", NaN/Inf where the reference has none" : "") +
                                  (c.shapesMatch ? "" : ", shape mismatch"),
                              node.name(), node.opType());
        }
    }
    return Status::ok();
}

}  // namespace kiln::test
