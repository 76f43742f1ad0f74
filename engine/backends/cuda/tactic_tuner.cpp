#include "backends/cuda/tactic_tuner.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "core/compare.h"

namespace kiln::cuda {

namespace {

std::string dimsText(const std::vector<int64_t>& d) {
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
    return s + "]";
}

std::string mib(double bytes) {
    char b[48];
    std::snprintf(b, sizeof b, "%.1f MiB", bytes / (1024.0 * 1024.0));
    return b;
}

// Attributes that name things rather than change the computation.
bool ignoredInSignature(const std::string& attr) { return attr == "kiln_precision" || attr == "expr"; }

// Every k-th element of a large float tensor (at most ~1M): checking a batch-64 layer's 50M
// outputs on the host for every tactic would dominate the build; a strided sample catches a
// wrong kernel just as well (wrong elements come in rows, tiles or whole channels).
HostTensor sampled(const HostTensor& t) {
    constexpr int64_t kMax = int64_t(1) << 20;
    if (t.numel() <= kMax || t.dtype() != DataType::Float32) return t;
    const int64_t stride = (t.numel() + kMax - 1) / kMax | 1;  // odd: not aligned with rows
    HostTensor s(DataType::Float32, {(t.numel() + stride - 1) / stride});
    for (int64_t i = 0, j = 0; i < t.numel(); i += stride, ++j) s.data<float>()[j] = t.data<float>()[i];
    return s;
}

HostTensor randomTensor(DataType t, const std::vector<int64_t>& dims, std::mt19937_64& rng) {
    HostTensor h(t, dims);
    std::uniform_real_distribution<float> uf(-1.0f, 1.0f);
    std::uniform_int_distribution<int> ui(0, 7);
    for (int64_t i = 0; i < h.numel(); ++i) {
        switch (t) {
            case DataType::Float32: h.data<float>()[i] = uf(rng); break;
            case DataType::Int64: h.data<int64_t>()[i] = ui(rng); break;
            case DataType::Int32: h.data<int32_t>()[i] = ui(rng); break;
            case DataType::Bool: h.data<bool>()[i] = ui(rng) & 1; break;
            default: break;  // other types stay zero
        }
    }
    return h;
}

}  // namespace

double acceptanceTolerance(Precision p) {
    switch (p) {
        case Precision::FP32: return 1e-4;
        case Precision::TF32: return 5e-3;
        case Precision::FP16: return 2e-2;
    }
    return 1e-4;
}

std::string TacticTuner::signature(const ir::Node& n, Precision p, const LayerShapes& s) {
    std::string sig = n.domain() + "::" + n.opType() + "/" + std::to_string(n.opsetVersion()) + " " + precisionName(p) + " (";
    for (size_t i = 0; i < s.inputs.size(); ++i) {
        const ir::Value* v = n.input(int(i));
        sig += (i ? " " : "") + std::string(v && v->constant() ? "w" : "") + dataTypeName(s.inputTypes[i]) + dimsText(s.inputs[i]);
        // Small integer constants (axes, pads, shapes, starts) change what a layer does.
        if (v && v->constant() && v->constant()->numel() <= 16 && isInteger(v->dtype())) {
            sig += "=";
            for (int64_t k = 0; k < v->constant()->numel(); ++k) sig += (k ? "," : "") + std::to_string(int64_t(v->constant()->getDouble(k)));
        }
    }
    sig += ") -> (";
    for (size_t i = 0; i < s.outputs.size(); ++i) sig += (i ? " " : "") + std::string(dataTypeName(s.outputTypes[i])) + dimsText(s.outputs[i]);
    sig += ")";
    for (auto& [name, a] : n.attributes())
        if (!ignoredInSignature(name)) sig += " " + name + "=" + a.toString();
    return sig;
}

const TacticTuner::Reference& TacticTuner::reference(const ir::Node& node,
                                                    const std::map<const ir::Value*, std::vector<int64_t>>& dims) {
    LayerShapes s;
    for (const ir::Value* v : node.inputs()) {
        s.inputs.push_back(v ? dims.at(v) : std::vector<int64_t>{});
        s.inputTypes.push_back(v ? v->dtype() : DataType::Undefined);
    }
    for (const ir::Value* v : node.outputs()) {
        s.outputs.push_back(v ? dims.at(v) : std::vector<int64_t>{});
        s.outputTypes.push_back(v ? v->dtype() : DataType::Undefined);
    }
    const std::string key = signature(node, Precision::FP32, s);
    if (auto it = m_references.find(key); it != m_references.end()) return it->second;
    Reference r;
    std::mt19937_64 rng(std::hash<std::string>{}(key));
    for (int i = 0; i < node.numInputs(); ++i) {
        const ir::Value* v = node.input(i);
        // A float input of a layer whose graph already stores it in half is fed as float here:
        // runTactic converts it to the layer's storage type.
        const DataType t = v && v->dtype() == DataType::Float16 ? DataType::Float32 : (v ? v->dtype() : DataType::Undefined);
        r.inputs.push_back(v && !v->constant() ? randomTensor(t, dims.at(v), rng) : HostTensor());
    }
    auto out = cpuReference(node, r.inputs);
    if (out) r.outputs = std::move(out).value();
    else r.status = out.status();
    return m_references.emplace(key, std::move(r)).first->second;
}

Expected<std::vector<plan::TacticCandidate>> TacticTuner::tune(const ir::Node& node, Precision p,
                                                              const std::map<const ir::Value*, std::vector<int64_t>>& dims) {
    // The signature first, from the dims alone: a timing-cache hit needs no reference run.
    {
        std::vector<HostTensor> in, out;
        for (const ir::Value* v : node.inputs())
            in.push_back(v && !v->constant() ? HostTensor(v->dtype() == DataType::Float16 ? DataType::Float32 : v->dtype(),
                                                          std::vector<int64_t>(dims.at(v).size(), 0))
                                             : HostTensor());
        for (const ir::Value* v : node.outputs())
            out.emplace_back(v ? (v->dtype() == DataType::Float16 ? DataType::Float32 : v->dtype()) : DataType::Float32,
                             std::vector<int64_t>(v ? dims.at(v).size() : 0, 0));
        LayerShapes s = layerShapes(node, p, in, out);
        for (size_t i = 0; i < s.inputs.size(); ++i)
            if (const ir::Value* v = node.input(int(i)); v && !v->constant()) s.inputs[i] = dims.at(v);
        for (size_t i = 0; i < s.outputs.size(); ++i)
            if (const ir::Value* v = node.output(int(i))) s.outputs[i] = dims.at(v);
        std::vector<plan::TacticCandidate> cached;
        if (m_cache.find(signature(node, p, s), cached)) return cached;
    }
    const Reference& ref = reference(node, dims);
    std::vector<HostTensor> expected = ref.outputs;
    if (!ref.status.isOk()) {
        // No CPU numbers to compare with (e.g. random indices out of range for this layer):
        // tactics are still timed and checked for NaN/Inf, at the declared output shapes.
        m_log.log(Severity::Verbose, "layer '" + node.name() + "': no CPU reference on random inputs (" +
                                         ref.status.message() + "); tactics are checked for NaN/Inf only");
        expected.clear();
        for (const ir::Value* v : node.outputs())
            expected.emplace_back(v ? (v->dtype() == DataType::Float16 ? DataType::Float32 : v->dtype()) : DataType::Float32,
                                  v ? dims.at(v) : std::vector<int64_t>{});
    }
    const LayerShapes shapes = layerShapes(node, p, ref.inputs, expected);
    const std::string sig = signature(node, p, shapes);
    TacticQuery q{node, p, shapes, m_session.device()};
    KILN_ASSIGN_OR_RETURN(std::vector<Tactic> tactics, TacticRegistry::builtin().tactics(q));
    // The reference reads float32 inputs; a layer reading or writing float16 sees them rounded
    // to half first, so it is held to the FP16 limit whatever its precision (a reformat).
    double tolerance = acceptanceTolerance(p);
    for (DataType t : shapes.inputTypes)
        if (t == DataType::Float16) tolerance = std::max(tolerance, acceptanceTolerance(Precision::FP16));
    for (DataType t : shapes.outputTypes)
        if (t == DataType::Float16) tolerance = std::max(tolerance, acceptanceTolerance(Precision::FP16));
    std::vector<plan::TacticCandidate> out;
    // Inputs uploaded once for every tactic (at batch 64 a ResNet layer's input is 200 MB).
    auto bench = TrialBench::create(m_session, node, p, ref.inputs, expected);
    if (!bench) {
        cudaGetLastError();
        for (const Tactic& t : tactics) out.push_back({t.name, -1.0, false, bench.status().message(), precisionName(p)});
        m_cache.insert(sig, out);
        return out;
    }
    for (const Tactic& t : tactics) {
        plan::TacticCandidate c;
        c.tactic = t.name;
        c.precision = precisionName(p);
        // Workspace first: a tactic over the limit is not run at all.
        {
            std::unique_ptr<LayerKernel> k = t.create();
            PrepareArgs pa{node, p, shapes, m_session.weights(), m_session.libs(), m_session.device()};
            const Status st = k->prepare(pa);
            if (!st.isOk()) {
                c.rejected = "prepare failed: " + st.message();
                out.push_back(std::move(c));
                continue;
            }
            const size_t ws = k->workspaceBytes(shapes);
            if (m_workspaceLimit > 0 && int64_t(ws) > m_workspaceLimit) {
                c.rejected = "needs " + mib(double(ws)) + " of workspace, over the limit of " + mib(double(m_workspaceLimit));
                out.push_back(std::move(c));
                continue;
            }
        }
        TrialOptions opt;
        opt.warmupRuns = 2;
        opt.timedRuns = 10;
        ++m_tacticsTimed;
        auto trial = (*bench)->run(t, opt);
        if (!trial) {
            c.rejected = trial.status().message();
            cudaGetLastError();  // a failed launch must not poison the next tactic
            out.push_back(std::move(c));
            continue;
        }
        for (size_t i = 0; i < trial->outputs.size() && c.rejected.empty(); ++i) {
            const HostTensor& got = trial->outputs[i];
            if (!ref.status.isOk()) {
                if (hasNanOrInf(got)) c.rejected = "NaN/Inf in output " + std::to_string(i);
                continue;
            }
            const HostTensor g = sampled(got), e = sampled(expected[i]);
            const CompareResult cmp = compareTensors(g, e, 1.0, 1e30);
            const double err = relativeL2(g, e);
            if (cmp.nanMismatch) c.rejected = "NaN/Inf in output " + std::to_string(i) + " where the reference has none";
            else if (!(err <= tolerance)) {
                char b[160];
                std::snprintf(b, sizeof b, "disagrees with the CPU reference: relative L2 %.3g > %.3g", err, tolerance);
                c.rejected = b;
            }
        }
        if (c.rejected.empty()) c.milliseconds = trial->medianMs;
        out.push_back(std::move(c));
    }
    m_cache.insert(sig, out);
    return out;
}

}  // namespace kiln::cuda
