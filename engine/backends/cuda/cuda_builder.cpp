#include "backends/cuda/cuda_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "backends/cuda/layer_runner.h"
#include "backends/cuda/layout_nhwc.h"
#include "backends/cuda/tactic_tuner.h"
#include "backends/cuda/timing_cache.h"
#include "passes/symbolic_dims.h"
#include "plan/plan_format.h"

namespace kiln::cuda {

namespace {

using Clock = std::chrono::steady_clock;
using DimsMap = std::map<const ir::Value*, std::vector<int64_t>>;

bool isFloatActivation(const ir::Value* v) {
    return v && !v->constant() && (v->dtype() == DataType::Float32 || v->dtype() == DataType::Float16);
}

int64_t bytesOf(const std::vector<int64_t>& dims, DataType t) {
    int64_t n = int64_t(dataTypeSize(t));
    for (int64_t d : dims) n *= d;
    return n;
}

// A node name not yet in g ("Reformat_x", "Reformat_x_2", ...).
std::string uniqueNodeName(const ir::Graph& g, const std::string& base) {
    std::string name = base;
    for (int k = 2; g.findNode(name); ++k) name = base + "_" + std::to_string(k);
    return name;
}

// What the layer's name (or one of its origin nodes) asks for in config.layerPrecisions, or
// its kiln_precision attribute (NetworkDefinition's setPrecision).
std::string requestedPrecision(const ir::Node& n, const BuilderConfig& c) {
    if (auto it = c.layerPrecisions.find(n.name()); it != c.layerPrecisions.end()) return it->second;
    for (const std::string& o : n.origins())
        if (auto it = c.layerPrecisions.find(o); it != c.layerPrecisions.end()) return it->second;
    if (auto it = c.layerPrecisions.find("*"); it != c.layerPrecisions.end()) return it->second;
    return n.attrString("kiln_precision", "");
}

// The fastest accepted candidate, or null.
const plan::TacticCandidate* fastest(const std::vector<plan::TacticCandidate>& cands) {
    const plan::TacticCandidate* best = nullptr;
    for (const plan::TacticCandidate& c : cands)
        if (c.rejected.empty() && c.milliseconds >= 0 && (!best || c.milliseconds < best->milliseconds)) best = &c;
    return best;
}

std::string rejections(const std::vector<plan::TacticCandidate>& cands) {
    std::string s;
    for (const plan::TacticCandidate& c : cands)
        if (!c.rejected.empty()) s += "\n    " + c.precision + " " + c.tactic + ": " + c.rejected;
    return s;
}

struct LayerChoice {
    Precision precision = Precision::FP32;
    std::vector<plan::TacticCandidate> candidates;  // every precision tried
    const plan::TacticCandidate* chosen = nullptr;
};

class CudaLayerBuilder {
public:
    CudaLayerBuilder(plan::Plan& p, const BuilderConfig& c, const std::map<std::string, int64_t>& sym, Logger& log,
                     Session& s, TimingCache& cache)
        : m_plan(p), m_g(*p.network), m_config(c), m_symbols(sym), m_log(log), m_session(s), m_cache(cache),
          m_tuner(s, cache, log, c.workspaceBytes) {}

    Status run(CudaBuildStats& stats);

private:
    Status computeDims();
    std::vector<Precision> allowedPrecisions(const ir::Node& n, bool libraryLayer) const;
    double reformatMs(int64_t bytes) const { return 0.004 + double(bytes) * 2.0 / m_bytesPerMs; }
    Status measureReformatBandwidth();
    Status choose(const ir::Node& n, int index, LayerChoice& out);
    Status insertReformats();
    void report(int step, int steps, const std::string& detail) const {
        if (m_config.progress) m_config.progress(BuildProgress{"tactics", step, steps, detail});
    }

    plan::Plan& m_plan;
    ir::Graph& m_g;
    const BuilderConfig& m_config;
    const std::map<std::string, int64_t>& m_symbols;
    Logger& m_log;
    Session& m_session;
    TimingCache& m_cache;
    TacticTuner m_tuner;
    DimsMap m_dims;                                    // every value at the opt shapes
    std::map<const ir::Value*, DataType> m_storage;    // float activations: their storage type
    std::map<const ir::Node*, LayerChoice> m_choices;
    double m_bytesPerMs = 2.0e9;                       // reformat bandwidth, measured
};

Status CudaLayerBuilder::computeDims() {
    std::string missing;
    for (ir::Value* v : m_g.values()) {
        if (v->constant()) {
            m_dims[v] = v->constant()->dims();
            continue;
        }
        auto d = passes::evaluateShape(v->shape(), m_symbols);
        if (!d) {
            if (missing.size() < 400) missing += (missing.empty() ? "" : ", ") + v->name() + " " + v->shape().toString();
            continue;
        }
        m_dims[v] = *d;
    }
    if (!missing.empty())
        return unsupported("the CUDA backend needs every tensor's shape to follow from the input shapes, but these do not "
                           "(data-dependent or unknown dims): " + missing);
    return Status::ok();
}

Status CudaLayerBuilder::measureReformatBandwidth() {
    // One float32 -> float16 reformat of 16 Mi elements: what inserting a reformat costs here.
    ir::Graph g;
    ir::Value* x = *g.addValue("x");
    x->setType(DataType::Float32);
    ir::Value* y = *g.addValue("y");
    y->setType(DataType::Float16);
    ir::Node* n = g.addNode("reformat_probe", "Cast", "", {x}, {y});
    n->setAttr("to", ir::Attribute(int64_t(10)));
    const std::vector<int64_t> dims{16, 1024, 1024};
    std::vector<HostTensor> in{HostTensor(DataType::Float32, dims)};
    std::vector<HostTensor> out{HostTensor(DataType::Float16, dims)};
    const LayerShapes shapes = layerShapes(*n, Precision::FP32, in, out);
    TacticQuery q{*n, Precision::FP32, shapes, m_session.device()};
    KILN_ASSIGN_OR_RETURN(std::vector<Tactic> t, TacticRegistry::builtin().tactics(q));
    TrialOptions o;
    o.timedRuns = 5;
    o.readOutputs = false;
    auto trial = runTactic(m_session, *n, Precision::FP32, t.front(), in, out, o);
    if (trial && trial->medianMs > 0) m_bytesPerMs = double(bytesOf(dims, DataType::Float32)) * 1.5 / trial->medianMs;
    m_log.log(Severity::Verbose, "reformat bandwidth: " + std::to_string(int(m_bytesPerMs / 1e6)) + " GB/s");
    return Status::ok();
}

std::vector<Precision> CudaLayerBuilder::allowedPrecisions(const ir::Node& n, bool libraryLayer) const {
    std::vector<Precision> all{Precision::FP32};
    // TF32 changes only what tensor-core libraries compute; other kernels are FP32 kernels.
    if (m_config.tf32 && libraryLayer) all.push_back(Precision::TF32);
    if (m_config.fp16 || m_config.best) all.push_back(Precision::FP16);
    const std::string req = requestedPrecision(n, m_config);
    if (req.empty()) return all;
    auto p = precisionFromName(req);
    if (!p) return all;  // INT8 requests are handled (refused) in choose()
    if (m_config.precisionConstraints == PrecisionConstraints::Obey) return {*p};
    // Prefer (and no constraints, where TensorRT treats it as a hint): try it first.
    std::vector<Precision> ordered{*p};
    for (Precision q : all)
        if (q != *p) ordered.push_back(q);
    return ordered;
}

Status CudaLayerBuilder::choose(const ir::Node& n, int index, LayerChoice& out) {
    const TacticRegistry& reg = TacticRegistry::builtin();
    const std::string req = requestedPrecision(n, m_config);
    if ((req == "INT8" || req == "int8") && m_config.precisionConstraints == PrecisionConstraints::Obey)
        return Status(StatusCode::Unsupported, "must run in INT8 (precision constraints: obey), but the CUDA backend has no INT8 kernels yet",
                      n.name(), n.opType());

    std::vector<Precision> precisions;
    if (reg.precisionRule(n) == PrecisionRule::FollowInput) {
        // Data movement runs in the storage type of its first float activation input; with only
        // constant float inputs (an embedding table) in half when FP16 is allowed.
        DataType t = DataType::Undefined;
        for (const ir::Value* v : n.inputs())
            if (isFloatActivation(v)) {
                t = m_storage.count(v) ? m_storage.at(v) : v->dtype();
                break;
            }
        if (t == DataType::Undefined) t = (m_config.fp16 || m_config.best) ? DataType::Float16 : DataType::Float32;
        precisions = {t == DataType::Float16 ? Precision::FP16 : Precision::FP32};
    } else {
        precisions = allowedPrecisions(n, reg.family(n) == "cudnn" || reg.family(n) == "cublaslt");
    }
    const bool obey = m_config.precisionConstraints == PrecisionConstraints::Obey && !req.empty();
    double bestCost = 1e300;
    Status lastError = Status::ok();
    std::vector<std::pair<Precision, double>> costs;
    for (size_t i = 0; i < precisions.size(); ++i) {
        const Precision p = precisions[i];
        auto cands = m_tuner.tune(n, p, m_dims);
        if (!cands) {
            lastError = cands.status();
            continue;
        }
        const plan::TacticCandidate* best = fastest(*cands);
        if (!best) {
            lastError = Status(StatusCode::Unsupported, std::string("every ") + precisionName(p) + " tactic was rejected:" +
                                                            rejections(*cands), n.name(), n.opType());
            out.candidates.insert(out.candidates.end(), cands->begin(), cands->end());
            continue;
        }
        // What this precision costs: its time plus the reformats its float inputs would need.
        double cost = best->milliseconds;
        for (const ir::Value* v : n.inputs())
            if (isFloatActivation(v)) {
                const DataType have = m_storage.count(v) ? m_storage.at(v) : v->dtype();
                if (have != storageType(p)) cost += reformatMs(bytesOf(m_dims.at(v), storageType(p)));
            }
        const std::string bestName = best->tactic;
        const size_t offset = out.candidates.size();
        out.candidates.insert(out.candidates.end(), cands->begin(), cands->end());
        if (cost < bestCost) {
            bestCost = cost;
            out.precision = p;
            for (size_t k = offset; k < out.candidates.size(); ++k)
                if (out.candidates[k].tactic == bestName && out.candidates[k].rejected.empty()) out.chosen = &out.candidates[k];
        }
        // A preferred precision that works is taken as it is.
        if (i == 0 && !req.empty() && m_config.precisionConstraints == PrecisionConstraints::Prefer) break;
        if (obey) break;
    }
    // Pointers into out.candidates stay valid: nothing is inserted after this point.
    if (!out.chosen) {
        if (!lastError.isOk()) return lastError;
        return Status(StatusCode::Unsupported, "no CUDA tactic", n.name(), n.opType());
    }
    out.chosen = nullptr;
    for (plan::TacticCandidate& c : out.candidates)
        if (c.precision == precisionName(out.precision) && c.rejected.empty() && c.milliseconds >= 0 &&
            (!out.chosen || c.milliseconds < out.chosen->milliseconds))
            out.chosen = &c;
    const_cast<plan::TacticCandidate*>(out.chosen)->chosen = true;
    (void)index;
    return Status::ok();
}

// Every float activation gets the storage type of the layer producing it; a consumer that runs
// in another type reads it through a reformat layer (a Cast, one per value and type), and a
// graph output keeps its declared type (a reformat before it when needed).
Status CudaLayerBuilder::insertReformats() {
    std::map<std::pair<const ir::Value*, DataType>, ir::Value*> reformatted;
    const TacticRegistry& reg = TacticRegistry::builtin();
    auto reformat = [&](ir::Value* v, DataType to) -> ir::Value* {
        auto key = std::make_pair(static_cast<const ir::Value*>(v), to);
        if (auto it = reformatted.find(key); it != reformatted.end()) return it->second;
        ir::Value* r = m_g.addIntermediate(v->name() + (to == DataType::Float16 ? ".fp16" : ".fp32"));
        r->setType(to);
        r->setShape(v->shape());
        ir::Node* c = m_g.addNode(uniqueNodeName(m_g, "Reformat_" + v->name()), "Cast", "", {v}, {r});
        c->setAttr("to", ir::Attribute(int64_t(int64_t(to))));
        c->setAttr("kiln_reformat", ir::Attribute(int64_t(1)));
        c->setOrigins({});
        m_dims[r] = m_dims.at(v);
        m_storage[r] = to;
        LayerChoice lc;
        lc.precision = to == DataType::Float16 ? Precision::FP16 : Precision::FP32;
        m_choices[c] = std::move(lc);
        reformatted[key] = r;
        return r;
    };
    std::vector<ir::Node*> layers;
    for (auto& n : m_g.nodes()) layers.push_back(n.get());
    for (ir::Node* n : layers) {
        if (!m_choices.count(n)) continue;
        const LayerChoice& ch = m_choices.at(n);
        const bool follow = reg.precisionRule(*n) == PrecisionRule::FollowInput;
        const bool isCast = n->domain().empty() && n->opType() == "Cast";
        for (int i = 0; i < n->numInputs(); ++i) {
            ir::Value* v = n->input(i);
            if (!isFloatActivation(v) || isCast) continue;
            const DataType want = storageType(ch.precision);
            const DataType have = m_storage.count(v) ? m_storage.at(v) : v->dtype();
            if (have != want) m_g.replaceInput(n, i, reformat(v, want));
            (void)follow;
        }
    }
    // Outputs: set storage types, keeping graph outputs at their declared type.
    for (ir::Value* out : std::vector<ir::Value*>(m_g.outputs())) {
        const DataType have = m_storage.count(out) ? m_storage.at(out) : out->dtype();
        if (have == out->dtype() || !out->producer()) continue;
        // The producer writes a new value in its storage type; a reformat makes the output.
        ir::Node* prod = out->producer();
        int idx = 0;
        while (prod->output(idx) != out) ++idx;
        ir::Value* inner = m_g.addIntermediate(out->name() + (have == DataType::Float16 ? ".fp16" : ".fp32"));
        inner->setShape(out->shape());
        inner->setType(have);
        m_g.setOutput(prod, idx, inner);
        m_dims[inner] = m_dims.at(out);
        m_storage[inner] = have;
        // Consumers of the output inside the graph read the stored value (same type they chose).
        for (ir::Node* c : std::vector<ir::Node*>(out->consumers()))
            for (int i = 0; i < c->numInputs(); ++i)
                if (c->input(i) == out) m_g.replaceInput(c, i, inner);
        ir::Node* cast = m_g.addNode(uniqueNodeName(m_g, "Reformat_" + out->name()), "Cast", "", {inner}, {out});
        cast->setAttr("to", ir::Attribute(int64_t(int64_t(out->dtype()))));
        cast->setAttr("kiln_reformat", ir::Attribute(int64_t(1)));
        LayerChoice lc;
        lc.precision = have == DataType::Float16 ? Precision::FP16 : Precision::FP32;
        m_choices[cast] = std::move(lc);
        m_storage.erase(out);
    }
    for (auto& [v, t] : m_storage)
        if (!v->isGraphOutput()) const_cast<ir::Value*>(v)->setType(t);
    return m_g.topologicalSort();
}

Status CudaLayerBuilder::run(CudaBuildStats& stats) {
    const auto t0 = Clock::now();
    // Convolutional regions run channels-last (tensor-core convolutions want NHWC); this changes
    // value shapes, so it comes first.
    KILN_RETURN_IF_ERROR(convertConvRegionsToNhwc(m_g, m_log));
    KILN_RETURN_IF_ERROR(computeDims());
    KILN_RETURN_IF_ERROR(measureReformatBandwidth());

    // Every layer must have a kernel; report all that do not at once.
    const TacticRegistry& reg = TacticRegistry::builtin();
    std::string unknown;
    for (auto& n : m_g.nodes())
        if (!reg.knows(*n))
            unknown += "\n  " + n->name() + " (" + (n->domain().empty() ? "" : n->domain() + ".") + n->opType() + ")";
    if (!unknown.empty()) return unsupported("the CUDA backend has no kernel for these layers:" + unknown);

    const int count = m_g.numNodes();
    int k = 0;
    for (auto& node : m_g.nodes()) {
        if (m_config.cancel && m_config.cancel->load()) return Status(StatusCode::Cancelled, "the build was cancelled");
        ir::Node& n = *node;
        report(++k, count, n.name());
        LayerChoice ch;
        KILN_RETURN_IF_ERROR(choose(n, k - 1, ch));
        for (const ir::Value* v : n.outputs())
            if (isFloatActivation(v))
                m_storage[v] = n.domain().empty() && n.opType() == "Cast" ? v->dtype() : storageType(ch.precision);
        char line[256];
        std::snprintf(line, sizeof line, "%s %-6s %-40s %.4f ms (%zu candidates)", n.name().c_str(), precisionName(ch.precision),
                      ch.chosen->tactic.c_str(), ch.chosen->milliseconds, ch.candidates.size());
        m_log.log(Severity::Verbose, line);
        m_choices[&n] = std::move(ch);
    }
    KILN_RETURN_IF_ERROR(insertReformats());

    // Reformat layers: their one tactic, timed for the report.
    m_plan.layers.clear();
    for (auto& node : m_g.nodes()) {
        ir::Node& n = *node;
        LayerChoice& ch = m_choices.at(&n);
        plan::LayerRecord r;
        r.precision = precisionName(ch.precision);
        if (!ch.chosen) {
            KILN_ASSIGN_OR_RETURN(ch.candidates, m_tuner.tune(n, ch.precision, m_dims));
            const plan::TacticCandidate* best = fastest(ch.candidates);
            if (!best) return Status(StatusCode::Internal, "the reformat layer's cast was rejected:" + rejections(ch.candidates), n.name(), "Cast");
            for (plan::TacticCandidate& c : ch.candidates) c.chosen = (&c == best);
            ch.chosen = best;
            ++stats.reformats;
        }
        r.tactic = ch.chosen->tactic;
        r.milliseconds = ch.chosen->milliseconds;
        r.candidates = ch.candidates;
        m_plan.layers.push_back(std::move(r));
    }
    stats.layers = m_g.numNodes();
    stats.tacticsTimed = m_tuner.tacticsTimed();
    stats.cacheHits = m_cache.hits();
    stats.signatures = int(m_cache.size());
    stats.tuningMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    return Status::ok();
}

}  // namespace

Status fillCudaPassport(plan::Passport& p) {
    KILN_ASSIGN_OR_RETURN(DeviceInfo d, currentDevice());
    p.backend = "cuda";
    p.deviceName = d.name;
    p.computeCapabilityMajor = d.major;
    p.computeCapabilityMinor = d.minor;
    p.multiprocessorCount = d.multiprocessors;
    p.cudaVersion = d.runtimeVersion;
    p.cudnnVersion = d.cudnnVersion;
    p.cublasVersion = d.cublasVersion;
    p.kilnVersion = KILN_VERSION;
    return Status::ok();
}

Expected<plan::Passport> currentCudaPassport() {
    plan::Passport p;
    KILN_RETURN_IF_ERROR(fillCudaPassport(p));
    return p;
}

Status buildCudaLayers(plan::Plan& p, const BuilderConfig& config, const std::map<std::string, int64_t>& optSymbols,
                       Logger& log, CudaBuildStats* stats) {
    auto session = Session::create();
    if (!session) return Status(session.status()).prefix("the CUDA backend needs a GPU");
    TimingCache cache(TimingCache::deviceKey((*session)->device()));
    if (!config.timingCacheFile.empty()) KILN_RETURN_IF_ERROR(cache.load(config.timingCacheFile, log));
    CudaBuildStats local;
    CudaLayerBuilder b(p, config, optSymbols, log, **session, cache);
    KILN_RETURN_IF_ERROR(b.run(local));
    if (!config.timingCacheFile.empty()) {
        KILN_RETURN_IF_ERROR(cache.save(config.timingCacheFile));
        log.log(Severity::Info, "timing cache '" + config.timingCacheFile + "' written: " + std::to_string(cache.size()) +
                                    " layer signatures (" + std::to_string(local.cacheHits) + " found in it this build)");
    }
    log.log(Severity::Info, "CUDA tactics: " + std::to_string(local.tacticsTimed) + " trials for " +
                                std::to_string(local.signatures) + " layer signatures in " + std::to_string(int(local.tuningMs)) +
                                " ms; " + std::to_string(local.reformats) + " reformat layers");
    KILN_RETURN_IF_ERROR(fillCudaPassport(p.passport));
    if (stats) *stats = local;
    return Status::ok();
}

}  // namespace kiln::cuda
