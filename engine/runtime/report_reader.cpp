#include "runtime/report_reader.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

#include <nlohmann/json.hpp>

#include "core/file_io.h"

namespace kiln {

using nlohmann::json;

namespace {

Status fieldError(const std::string& where, const std::string& what) {
    return invalidModel("kiln-report: " + where + ": " + what);
}

const char* jsonTypeName(const json& j) { return j.type_name(); }

// Typed access to one JSON object's fields; errors name the field's path ("layers[3].name").
class Fields {
public:
    Fields(const json& object, std::string where) : m_j(object), m_where(std::move(where)) {}

    const std::string& where() const { return m_where; }
    std::string at(const char* key) const { return m_where.empty() ? key : m_where + "." + key; }

    // Absent or null optional fields leave `out` unchanged.
    Status str(const char* key, std::string& out, bool required = false) const {
        const json* v = find(key);
        if (!v) return required ? missing(key) : Status::ok();
        if (!v->is_string()) return wrongType(key, *v, "a string");
        out = v->get<std::string>();
        return Status::ok();
    }
    Status num(const char* key, double& out, bool required = false) const {
        const json* v = find(key);
        if (!v) return required ? missing(key) : Status::ok();
        if (!v->is_number()) return wrongType(key, *v, "a number");
        out = v->get<double>();
        return Status::ok();
    }
    Status integer(const char* key, int64_t& out, bool required = false) const {
        const json* v = find(key);
        if (!v) return required ? missing(key) : Status::ok();
        if (!v->is_number_integer()) return wrongType(key, *v, "an integer");
        out = v->get<int64_t>();
        return Status::ok();
    }
    Status boolean(const char* key, bool& out) const {
        const json* v = find(key);
        if (!v) return Status::ok();
        if (!v->is_boolean()) return wrongType(key, *v, "true or false");
        out = v->get<bool>();
        return Status::ok();
    }
    // Null when absent (or null) and not required.
    Expected<const json*> array(const char* key, bool required = false) const { return typed(key, required, true); }
    Expected<const json*> object(const char* key, bool required = false) const { return typed(key, required, false); }

private:
    const json* find(const char* key) const {
        auto it = m_j.find(key);
        return it == m_j.end() || it->is_null() ? nullptr : &*it;
    }
    Status missing(const char* key) const { return fieldError(at(key), "missing"); }
    Status wrongType(const char* key, const json& v, const char* want) const {
        return fieldError(at(key), std::string("must be ") + want + ", not " + jsonTypeName(v));
    }
    Expected<const json*> typed(const char* key, bool required, bool isArray) const {
        const json* v = find(key);
        if (!v) {
            if (required) return missing(key);
            return static_cast<const json*>(nullptr);
        }
        if (isArray ? !v->is_array() : !v->is_object()) return wrongType(key, *v, isArray ? "an array" : "an object");
        return v;
    }

    const json& m_j;
    std::string m_where;
};

std::string indexed(const std::string& where, size_t i) { return where + "[" + std::to_string(i) + "]"; }

Expected<Fields> element(const json& array, size_t i, const std::string& where) {
    const json& e = array[i];
    if (!e.is_object()) return fieldError(indexed(where, i), std::string("must be an object, not ") + jsonTypeName(e));
    return Fields(e, indexed(where, i));
}

// [1, "batch", "?"] -> Shape; null -> unknown rank.
Expected<Shape> readShape(const Fields& f) {
    KILN_ASSIGN_OR_RETURN(const json* a, f.array("shape"));
    if (!a) return Shape::unknownRank();
    std::vector<Dim> dims;
    for (const json& d : *a) {
        if (d.is_number_integer() && d.get<int64_t>() >= 0) dims.emplace_back(d.get<int64_t>());
        else if (d.is_string() && d.get<std::string>() != "?") dims.push_back(Dim::symbolic(d.get<std::string>()));
        else if (d.is_string()) dims.push_back(Dim::unknown());
        else return fieldError(f.at("shape"), "dims must be non-negative integers or names, not " + d.dump());
    }
    return Shape(std::move(dims));
}

Expected<DataType> readDtype(const Fields& f) {
    std::string name = "undefined";
    KILN_RETURN_IF_ERROR(f.str("dtype", name));
    if (name == "undefined") return DataType::Undefined;
    auto t = dataTypeFromName(name);
    if (!t) return fieldError(f.at("dtype"), "unknown data type '" + name + "'");
    return *t;
}

Expected<std::vector<int64_t>> readInts(const json& a, const std::string& where) {
    if (!a.is_array()) return fieldError(where, std::string("must be an array, not ") + jsonTypeName(a));
    std::vector<int64_t> out;
    for (const json& d : a) {
        if (!d.is_number_integer()) return fieldError(where, "must hold integers, not " + d.dump());
        out.push_back(d.get<int64_t>());
    }
    return out;
}

Expected<std::vector<double>> readDoubles(const json& a, const std::string& where) {
    if (!a.is_array()) return fieldError(where, std::string("must be an array, not ") + jsonTypeName(a));
    std::vector<double> out;
    for (const json& d : a) {
        if (!d.is_number()) return fieldError(where, "must hold numbers, not " + d.dump());
        out.push_back(d.get<double>());
    }
    return out;
}

Status readPassport(const Fields& f, plan::Passport& p) {
    KILN_RETURN_IF_ERROR(f.str("kilnVersion", p.kilnVersion));
    KILN_RETURN_IF_ERROR(f.str("backend", p.backend));
    KILN_RETURN_IF_ERROR(f.str("deviceName", p.deviceName));
    std::string cc;
    KILN_RETURN_IF_ERROR(f.str("computeCapability", cc));
    if (!cc.empty()) {  // "9.0"
        char* end = nullptr;
        p.computeCapabilityMajor = int(std::strtol(cc.c_str(), &end, 10));
        if (*end == '.') p.computeCapabilityMinor = int(std::strtol(end + 1, &end, 10));
        if (*end != '\0') return fieldError(f.at("computeCapability"), "'" + cc + "' is not MAJOR.MINOR");
    }
    int64_t sms = 0;
    KILN_RETURN_IF_ERROR(f.integer("multiprocessorCount", sms));
    p.multiprocessorCount = int(sms);
    KILN_RETURN_IF_ERROR(f.str("cudaVersion", p.cudaVersion));
    KILN_RETURN_IF_ERROR(f.str("cudnnVersion", p.cudnnVersion));
    KILN_RETURN_IF_ERROR(f.str("cublasVersion", p.cublasVersion));
    KILN_RETURN_IF_ERROR(f.str("buildOptions", p.buildOptions));
    KILN_RETURN_IF_ERROR(f.str("sourceModelSha256", p.sourceModelSha256));
    KILN_RETURN_IF_ERROR(f.str("sourceModelName", p.sourceModelName));
    return f.integer("createdUnixSeconds", p.createdUnixSeconds);
}

// Declares a tensor the first time it is seen; later mentions must agree on being a weight.
Expected<ir::Value*> declareTensor(ir::Graph& g, const Fields& f, bool weights) {
    std::string name;
    KILN_RETURN_IF_ERROR(f.str("name", name, true));
    if (name.empty()) return fieldError(f.at("name"), "is empty");
    KILN_ASSIGN_OR_RETURN(DataType dtype, readDtype(f));
    KILN_ASSIGN_OR_RETURN(Shape shape, readShape(f));
    ir::Value* v = g.findValue(name);
    if (v) return v;
    v = g.getOrAddValue(name);
    if (weights && shape.isStatic() && dtype != DataType::Undefined) {
        const std::vector<int64_t> dims = *shape.staticDims();
        if (!checkedNumel(dims)) return fieldError(f.at("shape"), "too many elements for a weight");
        // Dtype and shape only: reports carry no weight data.
        v->setConstant(HostTensor::view(nullptr, 0, dtype, dims));
    } else {
        v->setType(dtype);
        v->setShape(std::move(shape));
    }
    return v;
}

Status readIo(const json& io, ir::Graph& g, std::vector<plan::Profile>& profiles) {
    std::vector<ir::Value*> outputs;
    for (size_t i = 0; i < io.size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields f, element(io, i, "io"));
        std::string mode;
        KILN_RETURN_IF_ERROR(f.str("mode", mode, true));
        if (mode != "input" && mode != "output") return fieldError(f.at("mode"), "must be \"input\" or \"output\", not \"" + mode + "\"");
        KILN_ASSIGN_OR_RETURN(ir::Value * v, declareTensor(g, f, false));
        if (mode == "output") {
            outputs.push_back(v);
            continue;
        }
        g.addInput(v);
        KILN_ASSIGN_OR_RETURN(const json* ranges, f.array("profiles"));
        if (!ranges) continue;
        if (profiles.size() < ranges->size()) profiles.resize(ranges->size());
        for (size_t k = 0; k < ranges->size(); ++k) {
            KILN_ASSIGN_OR_RETURN(Fields r, element(*ranges, k, f.at("profiles")));
            plan::ShapeRange range;
            for (auto [key, dims] : {std::pair{"min", &range.min}, {"opt", &range.opt}, {"max", &range.max}}) {
                KILN_ASSIGN_OR_RETURN(const json* a, r.array(key, true));
                KILN_ASSIGN_OR_RETURN(*dims, readInts(*a, r.at(key)));
            }
            profiles[k].inputs.emplace_back(v->name(), std::move(range));
        }
    }
    // Outputs are added after the layers that write them (kept here in IO order).
    for (ir::Value* v : outputs) g.addOutput(v);
    return Status::ok();
}

Status readCandidates(const Fields& layer, plan::LayerRecord& rec) {
    KILN_ASSIGN_OR_RETURN(const json* cands, layer.array("candidates"));
    if (!cands) return Status::ok();
    for (size_t i = 0; i < cands->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields c, element(*cands, i, layer.at("candidates")));
        plan::TacticCandidate t;
        KILN_RETURN_IF_ERROR(c.str("tactic", t.tactic, true));
        KILN_RETURN_IF_ERROR(c.num("ms", t.milliseconds));
        KILN_RETURN_IF_ERROR(c.boolean("chosen", t.chosen));
        KILN_RETURN_IF_ERROR(c.str("rejected", t.rejected));
        KILN_RETURN_IF_ERROR(c.str("precision", t.precision));
        rec.candidates.push_back(std::move(t));
    }
    return Status::ok();
}

// A layer's inputs (weights or tensors written earlier) and outputs (written here only).
Status readLayerTensors(ir::Graph& g, const Fields& f, std::vector<ir::Value*>& ins, std::vector<ir::Value*>& outs) {
    KILN_ASSIGN_OR_RETURN(const json* inputs, f.array("inputs", true));
    KILN_ASSIGN_OR_RETURN(const json* outputs, f.array("outputs", true));
    for (size_t i = 0; i < inputs->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields t, element(*inputs, i, f.at("inputs")));
        bool weights = false;
        KILN_RETURN_IF_ERROR(t.boolean("weights", weights));
        KILN_ASSIGN_OR_RETURN(ir::Value * v, declareTensor(g, t, weights));
        if (!weights && !v->constant() && !v->producer() && !v->isGraphInput())
            return fieldError(t.where(), "'" + v->name() + "' is read before any layer writes it");
        ins.push_back(v);
    }
    for (size_t i = 0; i < outputs->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields t, element(*outputs, i, f.at("outputs")));
        KILN_ASSIGN_OR_RETURN(ir::Value * v, declareTensor(g, t, false));
        if (v->producer() || v->isGraphInput() || v->constant())
            return fieldError(t.where(), "'" + v->name() + "' is written twice (or is an input)");
        outs.push_back(v);
    }
    return Status::ok();
}

Status readLayerAttributes(const Fields& f, ir::Node& node) {
    KILN_ASSIGN_OR_RETURN(const json* attrs, f.object("attributes"));
    if (!attrs) return Status::ok();
    for (auto it = attrs->begin(); it != attrs->end(); ++it) {
        // Values are the writer's readable text ("[1, 1]", "'NOTSET'"); the kinds are not recorded.
        if (!it.value().is_string()) return fieldError(f.at("attributes") + "." + it.key(), "must be a string");
        node.setAttr(it.key(), ir::Attribute(it.value().get<std::string>()));
    }
    return Status::ok();
}

// The layer's share of the run; `present` stays as it was when the layer has no profile.
Status readLayerProfile(const Fields& f, LayerProfile& p, bool& present) {
    KILN_ASSIGN_OR_RETURN(const json* prof, f.object("profile"));
    if (!prof) return Status::ok();
    present = true;
    const Fields pf(*prof, f.at("profile"));
    KILN_RETURN_IF_ERROR(pf.num("totalMs", p.totalMs));
    KILN_RETURN_IF_ERROR(pf.num("averageMs", p.averageMs, true));
    KILN_RETURN_IF_ERROR(pf.num("medianMs", p.medianMs));
    return pf.num("percentage", p.percentage, true);
}

Status readLayer(const Fields& f, size_t index, Report& r, bool& anyProfile) {
    ir::Graph& g = *r.plan.network;
    int64_t declared = int64_t(index);
    KILN_RETURN_IF_ERROR(f.integer("index", declared));
    if (declared != int64_t(index)) return fieldError(f.at("index"), "is " + std::to_string(declared) + ", layers must be in execution order");
    std::string name, type;
    KILN_RETURN_IF_ERROR(f.str("name", name, true));
    KILN_RETURN_IF_ERROR(f.str("type", type, true));
    if (g.findNode(name)) return fieldError(f.at("name"), "two layers are named '" + name + "'");
    // "kiln.FusedConv" -> domain "kiln", op "FusedConv"; "Conv" -> the ONNX domain.
    const size_t dot = type.rfind('.');
    const std::string domain = dot == std::string::npos ? std::string() : type.substr(0, dot);
    const std::string op = dot == std::string::npos ? type : type.substr(dot + 1);
    if (op.empty()) return fieldError(f.at("type"), "'" + type + "' has no op type");
    std::vector<ir::Value*> ins, outs;
    KILN_RETURN_IF_ERROR(readLayerTensors(g, f, ins, outs));
    ir::Node* node = g.addNode(name, op, domain, ins, outs);
    KILN_ASSIGN_OR_RETURN(const json* origins, f.array("origins"));
    if (origins && !origins->empty()) {
        std::vector<std::string> list;
        for (const json& o : *origins) {
            if (!o.is_string()) return fieldError(f.at("origins"), "must hold node names, not " + o.dump());
            list.push_back(o.get<std::string>());
        }
        node->setOrigins(std::move(list));
    }
    KILN_RETURN_IF_ERROR(readLayerAttributes(f, *node));
    plan::LayerRecord rec;
    KILN_RETURN_IF_ERROR(f.str("precision", rec.precision));
    KILN_RETURN_IF_ERROR(f.str("tactic", rec.tactic));
    KILN_RETURN_IF_ERROR(f.num("tacticMs", rec.milliseconds));
    KILN_RETURN_IF_ERROR(readCandidates(f, rec));
    r.plan.layers.push_back(std::move(rec));
    LayerProfile prof;
    prof.name = name;
    KILN_RETURN_IF_ERROR(readLayerProfile(f, prof, anyProfile));
    r.layerProfiles.push_back(std::move(prof));
    return Status::ok();
}

Status readMemory(const Fields& f, Report& r) {
    plan::MemoryPlan& m = r.plan.memory;
    KILN_RETURN_IF_ERROR(f.integer("arenaBytes", m.arenaBytes, true));
    KILN_RETURN_IF_ERROR(f.integer("noReuseBytes", m.noReuseBytes));
    KILN_RETURN_IF_ERROR(f.integer("alignment", m.alignment));
    KILN_RETURN_IF_ERROR(f.integer("weightsBytes", r.weightsBytes));
    KILN_ASSIGN_OR_RETURN(const json* buffers, f.array("buffers"));
    if (!buffers) return Status::ok();
    for (size_t i = 0; i < buffers->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields b, element(*buffers, i, f.at("buffers")));
        plan::BufferRecord rec;
        int64_t first = -1, last = -1;
        KILN_RETURN_IF_ERROR(b.str("tensor", rec.tensor, true));
        KILN_RETURN_IF_ERROR(b.integer("offset", rec.offset));
        KILN_RETURN_IF_ERROR(b.integer("bytes", rec.bytes, true));
        KILN_RETURN_IF_ERROR(b.integer("firstLayer", first));
        KILN_RETURN_IF_ERROR(b.integer("lastLayer", last));
        KILN_RETURN_IF_ERROR(b.str("aliasOf", rec.aliasOf));
        KILN_RETURN_IF_ERROR(b.integer("aliasOffset", rec.aliasOffset));
        rec.firstLayer = int(first);
        rec.lastLayer = int(last);
        m.buffers.push_back(std::move(rec));
    }
    return Status::ok();
}

Status readStats(const Fields& f, const char* key, SampleStats& s) {
    KILN_ASSIGN_OR_RETURN(const json* o, f.object(key));
    if (!o) return Status::ok();
    const Fields sf(*o, f.at(key));
    int64_t count = 0;
    KILN_RETURN_IF_ERROR(sf.integer("count", count));
    s.count = int(count);
    for (auto [k, out] : {std::pair{"min", &s.min}, {"max", &s.max}, {"mean", &s.mean}, {"median", &s.median}, {"total", &s.total}})
        KILN_RETURN_IF_ERROR(sf.num(k, *out));
    KILN_ASSIGN_OR_RETURN(const json* pct, sf.object("percentiles"));
    if (!pct) return Status::ok();
    for (auto it = pct->begin(); it != pct->end(); ++it) {
        char* end = nullptr;
        const double percent = std::strtod(it.key().c_str(), &end);
        if (it.key().empty() || *end != '\0' || !it.value().is_number())
            return fieldError(sf.at("percentiles") + "." + it.key(), "must be \"percent\": number");
        s.percentiles.emplace_back(percent, it.value().get<double>());
    }
    std::sort(s.percentiles.begin(), s.percentiles.end());
    return Status::ok();
}

Status readRun(const Fields& f, ReportRun& run) {
    KILN_RETURN_IF_ERROR(f.str("device", run.device));
    KILN_RETURN_IF_ERROR(f.integer("iterations", run.iterations));
    KILN_RETURN_IF_ERROR(f.num("walltimeSeconds", run.walltimeSeconds));
    KILN_RETURN_IF_ERROR(f.num("throughputQps", run.throughputQps));
    KILN_ASSIGN_OR_RETURN(const json* shapes, f.object("inputShapes"));
    if (shapes)
        for (auto it = shapes->begin(); it != shapes->end(); ++it) {
            KILN_ASSIGN_OR_RETURN(auto dims, readInts(it.value(), f.at("inputShapes") + "." + it.key()));
            run.inputShapes.emplace_back(it.key(), std::move(dims));
        }
    KILN_RETURN_IF_ERROR(readStats(f, "latencyMs", run.latency));
    KILN_RETURN_IF_ERROR(readStats(f, "enqueueMs", run.enqueue));
    KILN_RETURN_IF_ERROR(readStats(f, "computeMs", run.compute));
    KILN_RETURN_IF_ERROR(readStats(f, "h2dMs", run.h2d));
    KILN_RETURN_IF_ERROR(readStats(f, "d2hMs", run.d2h));
    KILN_ASSIGN_OR_RETURN(const json* samples, f.object("samples"));
    if (!samples) return Status::ok();
    const Fields sf(*samples, f.at("samples"));
    KILN_ASSIGN_OR_RETURN(const json* lat, sf.array("latencyMs"));
    KILN_ASSIGN_OR_RETURN(const json* comp, sf.array("computeMs"));
    if (lat) {
        KILN_ASSIGN_OR_RETURN(run.latencySamples, readDoubles(*lat, sf.at("latencyMs")));
    }
    if (comp) {
        KILN_ASSIGN_OR_RETURN(run.computeSamples, readDoubles(*comp, sf.at("computeMs")));
    }
    return Status::ok();
}

Status readBuild(const Fields& top, Report& r) {
    KILN_ASSIGN_OR_RETURN(const json* build, top.object("build"));
    if (!build) return Status::ok();
    const Fields f(*build, "build");
    int64_t layerCount = int64_t(r.plan.layers.size());
    KILN_RETURN_IF_ERROR(f.integer("layerCount", layerCount));
    if (layerCount != int64_t(r.plan.layers.size()))
        return fieldError("build.layerCount", "says " + std::to_string(layerCount) + " layers, the report lists " +
                                                  std::to_string(r.plan.layers.size()));
    if (r.plan.passport.buildOptions.empty()) KILN_RETURN_IF_ERROR(f.str("options", r.plan.passport.buildOptions));
    KILN_ASSIGN_OR_RETURN(const json* t, f.object("timingsMs"));
    if (!t) return Status::ok();
    const Fields tf(*t, "build.timingsMs");
    BuildTimings bt;
    for (auto [k, out] : {std::pair{"optimize", &bt.optimizeMs}, {"shapes", &bt.shapesMs}, {"tactics", &bt.tacticsMs},
                          {"memory", &bt.memoryMs}, {"serialize", &bt.serializeMs}, {"total", &bt.totalMs}})
        KILN_RETURN_IF_ERROR(tf.num(k, *out));
    r.buildTimings = bt;
    return Status::ok();
}

Status checkSchema(const json& doc) {
    if (!doc.is_object()) return invalidModel(std::string("not a Kiln report: the JSON is ") + jsonTypeName(doc) + ", not an object");
    const auto schema = doc.find("schema");
    if (schema == doc.end() || !schema->is_string())
        return invalidModel("not a Kiln report: no \"schema\": \"kiln-report\" field");
    if (*schema != kReportSchema)
        return invalidModel("not a Kiln report: the schema is \"" + schema->get<std::string>() + "\", not \"kiln-report\"");
    const auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer()) return fieldError("version", "missing or not an integer");
    if (*version != kReportVersion)
        return unsupported("kiln-report version " + version->dump() + " is not supported (this Kiln reads version " +
                           std::to_string(kReportVersion) + ")");
    return Status::ok();
}

Expected<Report> readDocument(const json& doc) {
    KILN_RETURN_IF_ERROR(checkSchema(doc));
    const Fields top(doc, "");
    Report r;
    KILN_RETURN_IF_ERROR(top.str("generator", r.generator));
    KILN_RETURN_IF_ERROR(top.str("created", r.created));
    KILN_RETURN_IF_ERROR(top.str("source", r.source));
    KILN_ASSIGN_OR_RETURN(const json* passport, top.object("passport", true));
    KILN_RETURN_IF_ERROR(readPassport(Fields(*passport, "passport"), r.plan.passport));
    r.plan.network = std::make_unique<ir::Graph>();
    ir::Graph& g = *r.plan.network;
    g.info().producerName = r.generator;
    g.info().graphName = r.plan.passport.sourceModelName;
    KILN_ASSIGN_OR_RETURN(const json* io, top.array("io", true));
    KILN_RETURN_IF_ERROR(readIo(*io, g, r.plan.profiles));
    KILN_ASSIGN_OR_RETURN(const json* layers, top.array("layers", true));
    bool anyProfile = false;
    for (size_t i = 0; i < layers->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields f, element(*layers, i, "layers"));
        KILN_RETURN_IF_ERROR(readLayer(f, i, r, anyProfile));
    }
    if (!anyProfile) r.layerProfiles.clear();
    for (const ir::Value* v : g.outputs())
        if (!v->producer() && !v->isGraphInput()) return fieldError("io", "output '" + v->name() + "' is not written by any layer");
    KILN_RETURN_IF_ERROR(readBuild(top, r));
    KILN_ASSIGN_OR_RETURN(const json* memory, top.object("memory", true));
    KILN_RETURN_IF_ERROR(readMemory(Fields(*memory, "memory"), r));
    KILN_ASSIGN_OR_RETURN(const json* plugins, top.array("plugins"));
    for (size_t i = 0; plugins && i < plugins->size(); ++i) {
        KILN_ASSIGN_OR_RETURN(Fields f, element(*plugins, i, "plugins"));
        plan::PluginRecord pr;
        KILN_RETURN_IF_ERROR(f.str("type", pr.type, true));
        KILN_RETURN_IF_ERROR(f.str("domain", pr.domain));
        KILN_RETURN_IF_ERROR(f.str("version", pr.version, true));
        KILN_RETURN_IF_ERROR(f.str("library", pr.library));
        KILN_RETURN_IF_ERROR(f.str("libraryHash", pr.libraryHash));
        KILN_ASSIGN_OR_RETURN(const json* layerNames, f.array("layers"));
        for (size_t k = 0; layerNames && k < layerNames->size(); ++k)
            if ((*layerNames)[k].is_string()) pr.layers.push_back((*layerNames)[k].get<std::string>());
        r.plan.plugins.push_back(std::move(pr));
    }
    KILN_ASSIGN_OR_RETURN(const json* passLog, top.object("passLog"));
    if (passLog) r.plan.passLogJson = passLog->dump();
    KILN_ASSIGN_OR_RETURN(const json* inference, top.object("inference"));
    if (inference) {
        ReportRun run;
        KILN_RETURN_IF_ERROR(readRun(Fields(*inference, "inference"), run));
        r.run = std::move(run);
    }
    return r;
}

}  // namespace

Expected<Report> parseReport(std::string_view text) {
    try {
        const json doc = json::parse(text.begin(), text.end());
        return readDocument(doc);
    } catch (const json::parse_error& e) {
        // e.what(): "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
        return invalidModel(std::string("not valid JSON: ") + e.what());
    } catch (const std::exception& e) {
        return invalidModel(std::string("kiln-report: ") + e.what());
    }
}

Expected<Report> readReportFile(const std::string& path) {
    KILN_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
    auto r = parseReport(text);
    if (!r) return std::move(r).takeStatus().prefix(path);
    return r;
}

}  // namespace kiln
