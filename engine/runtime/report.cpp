#include "runtime/report.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>

#include <nlohmann/json.hpp>

namespace kiln {

using nlohmann::json;

namespace {

json dimsJson(const std::vector<int64_t>& d) { return json(d); }

json shapeJson(const Shape& s) {
    if (!s.rankKnown()) return nullptr;
    json a = json::array();
    for (const Dim& d : s.dims()) {
        if (d.isKnown()) a.push_back(d.value);
        else a.push_back(d.symbol.empty() ? "?" : d.symbol);
    }
    return a;
}

json tensorJson(const ir::Value* v) {
    return json{{"name", v->name()}, {"dtype", dataTypeName(v->dtype())}, {"shape", shapeJson(v->shape())}};
}

json statsJson(const SampleStats& s) {
    json p = json::object();
    for (auto& [pct, v] : s.percentiles) {
        char key[32];
        std::snprintf(key, sizeof key, "%g", pct);
        p[key] = v;
    }
    return json{{"count", s.count}, {"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"median", s.median},
                {"total", s.total}, {"percentiles", p}};
}

std::string isoNow() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json passportJson(const plan::Passport& p) {
    return json{{"kilnVersion", p.kilnVersion},
                {"backend", p.backend},
                {"deviceName", p.deviceName},
                {"computeCapability", std::to_string(p.computeCapabilityMajor) + "." + std::to_string(p.computeCapabilityMinor)},
                {"multiprocessorCount", p.multiprocessorCount},
                {"cudaVersion", p.cudaVersion},
                {"cudnnVersion", p.cudnnVersion},
                {"cublasVersion", p.cublasVersion},
                {"buildOptions", p.buildOptions},
                {"sourceModelSha256", p.sourceModelSha256},
                {"sourceModelName", p.sourceModelName},
                {"createdUnixSeconds", p.createdUnixSeconds}};
}

}  // namespace

SampleStats summarizeSamples(std::vector<double> s, const std::vector<double>& percents) {
    SampleStats r;
    r.count = int(s.size());
    if (s.empty()) return r;
    std::sort(s.begin(), s.end());
    r.min = s.front();
    r.max = s.back();
    r.total = std::accumulate(s.begin(), s.end(), 0.0);
    r.mean = r.total / double(s.size());
    r.median = s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
    for (double pct : percents) {
        const size_t rank = size_t(std::ceil(pct / 100.0 * double(s.size())));
        r.percentiles.emplace_back(pct, s[std::min(s.size() - 1, rank == 0 ? 0 : rank - 1)]);
    }
    return r;
}

std::vector<LayerProfile> summarizeLayerTimes(const Engine& engine, const InferenceRecord& run) {
    const ir::Graph& g = *engine.plan().network;
    std::vector<LayerProfile> out(size_t(g.numNodes()));
    double all = 0;
    for (size_t k = 0; k < out.size(); ++k) {
        std::vector<double> samples;
        for (const auto& it : run.layerMs)
            if (k < it.size()) samples.push_back(it[k]);
        SampleStats s = summarizeSamples(samples, {});
        out[k].name = g.nodes()[k]->name();
        out[k].totalMs = s.total;
        out[k].averageMs = s.mean;
        out[k].medianMs = s.median;
        all += s.total;
    }
    for (LayerProfile& l : out) l.percentage = all > 0 ? 100.0 * l.totalMs / all : 0.0;
    return out;
}

std::string makeReportJson(const Engine& engine, const ReportInputs& in) {
    const plan::Plan& p = engine.plan();
    const ir::Graph& g = *p.network;
    json r;
    r["schema"] = kReportSchema;
    r["version"] = kReportVersion;
    r["generator"] = in.generator;
    r["created"] = isoNow();
    r["source"] = in.sourcePath;
    r["passport"] = passportJson(p.passport);

    json build{{"options", p.passport.buildOptions}, {"layerCount", g.numNodes()}};
    if (in.buildTimings) {
        const BuildTimings& t = *in.buildTimings;
        build["timingsMs"] = json{{"optimize", t.optimizeMs}, {"shapes", t.shapesMs},     {"tactics", t.tacticsMs},
                                  {"memory", t.memoryMs},     {"serialize", t.serializeMs}, {"total", t.totalMs}};
    }
    r["build"] = build;

    json io = json::array();
    for (int i = 0; i < engine.numIOTensors(); ++i) {
        const std::string name = engine.ioTensorName(i);
        json t = tensorJson(g.findValue(name));
        t["mode"] = engine.tensorIOMode(name) == TensorIOMode::Input ? "input" : "output";
        json profiles = json::array();
        for (int k = 0; k < engine.numOptimizationProfiles(); ++k)
            if (const plan::ShapeRange* sr = engine.profileShape(name, k))
                profiles.push_back(json{{"min", dimsJson(sr->min)}, {"opt", dimsJson(sr->opt)}, {"max", dimsJson(sr->max)}});
        if (!profiles.empty()) t["profiles"] = profiles;
        io.push_back(std::move(t));
    }
    r["io"] = io;

    std::vector<LayerProfile> prof;
    if (in.inference && !in.inference->layerMs.empty()) prof = summarizeLayerTimes(engine, *in.inference);
    json layers = json::array();
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        const plan::LayerRecord& rec = p.layers[size_t(k)];
        json l{{"index", k},
               {"name", n.name()},
               {"type", n.domain().empty() ? n.opType() : n.domain() + "." + n.opType()},
               {"origins", n.origins()},
               {"precision", rec.precision},
               {"tactic", rec.tactic},
               {"tacticMs", rec.milliseconds >= 0 ? json(rec.milliseconds) : json(nullptr)}};
        json cands = json::array();
        for (const plan::TacticCandidate& c : rec.candidates)
            cands.push_back(json{{"tactic", c.tactic},
                                 {"precision", c.precision.empty() ? rec.precision : c.precision},
                                 {"ms", c.milliseconds >= 0 ? json(c.milliseconds) : json(nullptr)},
                                 {"chosen", c.chosen},
                                 {"rejected", c.rejected}});
        l["candidates"] = cands;
        json ins = json::array(), outs = json::array(), attrs = json::object();
        for (const ir::Value* v : n.inputs())
            if (v) ins.push_back(tensorJson(v)), ins.back()["weights"] = v->constant() != nullptr;
        for (const ir::Value* v : n.outputs())
            if (v) outs.push_back(tensorJson(v));
        for (auto& [name, a] : n.attributes()) attrs[name] = a.toString();
        l["inputs"] = ins;
        l["outputs"] = outs;
        l["attributes"] = attrs;
        if (!prof.empty())
            l["profile"] = json{{"totalMs", prof[size_t(k)].totalMs}, {"averageMs", prof[size_t(k)].averageMs},
                                {"medianMs", prof[size_t(k)].medianMs}, {"percentage", prof[size_t(k)].percentage}};
        layers.push_back(std::move(l));
    }
    r["layers"] = layers;

    if (!p.plugins.empty()) {
        json plugins = json::array();
        for (const plan::PluginRecord& pr : p.plugins)
            plugins.push_back(json{{"type", pr.type}, {"domain", pr.domain}, {"version", pr.version},
                                   {"library", pr.library}, {"libraryHash", pr.libraryHash}, {"layers", pr.layers}});
        r["plugins"] = plugins;
    }

    json buffers = json::array();
    for (const plan::BufferRecord& b : p.memory.buffers)
        buffers.push_back(json{{"tensor", b.tensor}, {"offset", b.offset}, {"bytes", b.bytes}, {"firstLayer", b.firstLayer},
                               {"lastLayer", b.lastLayer}, {"aliasOf", b.aliasOf}, {"aliasOffset", b.aliasOffset}});
    r["memory"] = json{{"arenaBytes", p.memory.arenaBytes}, {"noReuseBytes", p.memory.noReuseBytes},
                       {"alignment", p.memory.alignment}, {"weightsBytes", engine.weightsBytes()}, {"buffers", buffers}};

    json passLog = nullptr;
    if (!p.passLogJson.empty()) {
        passLog = json::parse(p.passLogJson, nullptr, /*allow_exceptions=*/false);
        if (passLog.is_discarded()) passLog = nullptr;
    }
    r["passLog"] = passLog;

    if (const InferenceRecord* inf = in.inference) {
        json shapes = json::object();
        for (auto& [name, d] : inf->inputShapes) shapes[name] = d;
        const double qps = inf->walltimeSeconds > 0 ? double(inf->latencyMs.size()) / inf->walltimeSeconds : 0.0;
        r["inference"] = json{{"device", inf->device},
                              {"iterations", inf->latencyMs.size()},
                              {"walltimeSeconds", inf->walltimeSeconds},
                              {"throughputQps", qps},
                              {"inputShapes", shapes},
                              {"latencyMs", statsJson(summarizeSamples(inf->latencyMs, inf->percents))},
                              {"enqueueMs", statsJson(summarizeSamples(inf->enqueueMs, inf->percents))},
                              {"computeMs", statsJson(summarizeSamples(inf->computeMs, inf->percents))},
                              {"h2dMs", statsJson(summarizeSamples(inf->h2dMs, inf->percents))},
                              {"d2hMs", statsJson(summarizeSamples(inf->d2hMs, inf->percents))},
                              {"samples", json{{"latencyMs", inf->latencyMs}, {"computeMs", inf->computeMs}}}};
    } else {
        r["inference"] = nullptr;
    }
    return r.dump(1, ' ', false, json::error_handler_t::replace);
}

std::string profileJson(const std::vector<LayerProfile>& layers, int iterations) {
    json a = json::array();
    a.push_back(json{{"count", iterations}});
    for (const LayerProfile& l : layers)
        a.push_back(json{{"name", l.name}, {"timeMs", l.totalMs}, {"averageMs", l.averageMs}, {"medianMs", l.medianMs},
                         {"percentage", l.percentage}});
    return a.dump(1, ' ', false, json::error_handler_t::replace);
}

std::string timesJson(const InferenceRecord& run) {
    json a = json::array();
    double t = 0;
    for (size_t i = 0; i < run.latencyMs.size(); ++i) {
        const double enq = i < run.enqueueMs.size() ? run.enqueueMs[i] : 0, comp = i < run.computeMs.size() ? run.computeMs[i] : 0;
        const double h2d = i < run.h2dMs.size() ? run.h2dMs[i] : 0, d2h = i < run.d2hMs.size() ? run.d2hMs[i] : 0;
        a.push_back(json{{"startEnqMs", t},           {"endEnqMs", t + enq},         {"startH2DMs", t},
                         {"endH2DMs", t + h2d},       {"startComputeMs", t + h2d},   {"endComputeMs", t + h2d + comp},
                         {"startD2HMs", t + h2d + comp}, {"endD2HMs", t + h2d + comp + d2h},
                         {"h2dMs", h2d},              {"computeMs", comp},           {"d2hMs", d2h},
                         {"latencyMs", run.latencyMs[i]}, {"enqMs", enq}});
        t += run.latencyMs[i];
    }
    return a.dump(1, ' ', false, json::error_handler_t::replace);
}

std::string outputsJson(const std::map<std::string, HostTensor>& outputs) {
    json a = json::array();
    for (auto& [name, t] : outputs) {
        std::string dims;
        for (int64_t d : t.dims()) dims += (dims.empty() ? "" : "x") + std::to_string(d);
        json values = json::array();
        for (int64_t i = 0; i < t.numel(); ++i) {
            const double v = t.getDouble(i);
            values.push_back(std::isfinite(v) ? json(v) : json(std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"));
        }
        a.push_back(json{{"name", name}, {"dimensions", dims}, {"dtype", dataTypeName(t.dtype())}, {"values", values}});
    }
    return a.dump(1, ' ', false, json::error_handler_t::replace);
}

}  // namespace kiln
