// The PASSPORT, MEMORY, BINDINGS and CALIBRATION sections. Decoding checks the tensor names of
// buffers and profiles against the network and every offset against the arena it lies in.
#include <limits>

#include "plan/plan_internal.h"

namespace kiln::plan::detail {

namespace {

Status checkTensor(const ir::Graph& g, const std::string& name, const std::string& where) {
    if (g.findValue(name)) return Status::ok();
    return invalidModel(where + " names tensor '" + name + "' that the plan does not define");
}

}  // namespace

// --- PASSPORT ---
Json encodePassport(const Passport& p) {
    return Json{{"kilnVersion", p.kilnVersion},
                {"backend", p.backend},
                {"deviceName", p.deviceName},
                {"computeCapabilityMajor", p.computeCapabilityMajor},
                {"computeCapabilityMinor", p.computeCapabilityMinor},
                {"multiprocessorCount", p.multiprocessorCount},
                {"cudaVersion", p.cudaVersion},
                {"cudnnVersion", p.cudnnVersion},
                {"cublasVersion", p.cublasVersion},
                {"buildOptions", p.buildOptions},
                {"sourceModelSha256", p.sourceModelSha256},
                {"sourceModelName", p.sourceModelName},
                {"createdUnixSeconds", p.createdUnixSeconds}};
}

Status decodePassport(const Json& j, Passport& p) {
    Fields f(j, "section PASSPORT");
    KILN_RETURN_IF_ERROR(f.str("kilnVersion", p.kilnVersion));
    KILN_RETURN_IF_ERROR(f.str("backend", p.backend));
    KILN_RETURN_IF_ERROR(f.str("deviceName", p.deviceName));
    KILN_RETURN_IF_ERROR(f.i32("computeCapabilityMajor", p.computeCapabilityMajor));
    KILN_RETURN_IF_ERROR(f.i32("computeCapabilityMinor", p.computeCapabilityMinor));
    KILN_RETURN_IF_ERROR(f.i32("multiprocessorCount", p.multiprocessorCount));
    KILN_RETURN_IF_ERROR(f.str("cudaVersion", p.cudaVersion));
    KILN_RETURN_IF_ERROR(f.str("cudnnVersion", p.cudnnVersion));
    KILN_RETURN_IF_ERROR(f.str("cublasVersion", p.cublasVersion));
    KILN_RETURN_IF_ERROR(f.str("buildOptions", p.buildOptions));
    KILN_RETURN_IF_ERROR(f.str("sourceModelSha256", p.sourceModelSha256));
    KILN_RETURN_IF_ERROR(f.str("sourceModelName", p.sourceModelName));
    KILN_RETURN_IF_ERROR(f.i64("createdUnixSeconds", p.createdUnixSeconds));
    if (p.backend.empty()) return f.error("the backend is empty");
    return Status::ok();
}

// --- MEMORY ---
Json encodeMemory(const MemoryPlan& m) {
    Json buffers = Json::array();
    for (const BufferRecord& b : m.buffers)
        buffers.push_back(Json{{"tensor", b.tensor}, {"offset", b.offset}, {"bytes", b.bytes},
                               {"firstLayer", b.firstLayer}, {"lastLayer", b.lastLayer},
                               {"aliasOf", b.aliasOf}, {"aliasOffset", b.aliasOffset}});
    return Json{{"alignment", m.alignment}, {"arenaBytes", m.arenaBytes}, {"noReuseBytes", m.noReuseBytes},
                {"buffers", std::move(buffers)}};
}

Status decodeMemory(const Json& j, const ir::Graph& g, MemoryPlan& m) {
    Fields f(j, "section MEMORY");
    KILN_RETURN_IF_ERROR(f.i64("alignment", m.alignment));
    KILN_RETURN_IF_ERROR(f.i64("arenaBytes", m.arenaBytes));
    KILN_RETURN_IF_ERROR(f.i64("noReuseBytes", m.noReuseBytes));
    if (m.alignment <= 0 || (m.alignment & (m.alignment - 1)) != 0)
        return f.error("alignment " + std::to_string(m.alignment) + " is not a power of two");
    if (m.arenaBytes < 0 || m.noReuseBytes < 0) return f.error("negative arena size");
    KILN_ASSIGN_OR_RETURN(const Json* buffers, f.array("buffers"));
    const int numLayers = g.numNodes();
    for (const Json& bj : *buffers) {
        BufferRecord b;
        const std::string where = "section MEMORY, buffer " + std::to_string(m.buffers.size());
        KILN_RETURN_IF_ERROR(Fields(bj, where).str("tensor", b.tensor));
        Fields bf(bj, "section MEMORY, buffer of '" + b.tensor + "'");
        KILN_RETURN_IF_ERROR(bf.i64("offset", b.offset));
        KILN_RETURN_IF_ERROR(bf.i64("bytes", b.bytes));
        KILN_RETURN_IF_ERROR(bf.i32("firstLayer", b.firstLayer));
        KILN_RETURN_IF_ERROR(bf.i32("lastLayer", b.lastLayer));
        KILN_RETURN_IF_ERROR(bf.str("aliasOf", b.aliasOf));
        KILN_RETURN_IF_ERROR(bf.i64("aliasOffset", b.aliasOffset));
        KILN_RETURN_IF_ERROR(checkTensor(g, b.tensor, bf.where()));
        if (!b.aliasOf.empty()) KILN_RETURN_IF_ERROR(checkTensor(g, b.aliasOf, bf.where() + ": aliasOf"));
        if (b.bytes < 0 || b.offset < -1 || b.aliasOffset < 0)
            return bf.error("negative offset or size (offset " + std::to_string(b.offset) + ", bytes " +
                            std::to_string(b.bytes) + ", aliasOffset " + std::to_string(b.aliasOffset) + ")");
        // Written as a subtraction so offset + bytes cannot overflow.
        if (b.offset >= 0 && (b.offset > m.arenaBytes || b.bytes > m.arenaBytes - b.offset))
            return bf.error("bytes [" + withCommas(uint64_t(b.offset)) + ", +" + withCommas(uint64_t(b.bytes)) +
                            ") lie outside the " + withCommas(uint64_t(m.arenaBytes)) + "-byte arena");
        if (b.firstLayer < -1 || b.firstLayer >= numLayers || b.lastLayer < -1 || b.lastLayer > numLayers)
            return bf.error("layer range [" + std::to_string(b.firstLayer) + ", " + std::to_string(b.lastLayer) +
                            "] is outside the network's " + std::to_string(numLayers) + " layers");
        m.buffers.push_back(std::move(b));
    }
    return Status::ok();
}

// --- BINDINGS ---
Json encodeProfiles(const std::vector<Profile>& profiles) {
    Json list = Json::array();
    for (const Profile& p : profiles) {
        Json inputs = Json::array();
        for (const auto& [name, r] : p.inputs)
            inputs.push_back(Json{{"name", name}, {"min", r.min}, {"opt", r.opt}, {"max", r.max}});
        list.push_back(Json{{"inputs", std::move(inputs)}});
    }
    return Json{{"profiles", std::move(list)}};
}

Status decodeProfiles(const Json& j, const ir::Graph& g, std::vector<Profile>& profiles) {
    Fields f(j, "section BINDINGS");
    KILN_ASSIGN_OR_RETURN(const Json* list, f.array("profiles"));
    for (const Json& pj : *list) {
        const std::string where = "section BINDINGS, profile " + std::to_string(profiles.size());
        KILN_ASSIGN_OR_RETURN(const Json* inputs, Fields(pj, where).array("inputs"));
        Profile p;
        for (const Json& ij : *inputs) {
            std::string name;
            ShapeRange r;
            KILN_RETURN_IF_ERROR(Fields(ij, where).str("name", name));
            Fields inf(ij, where + ", input '" + name + "'");
            KILN_RETURN_IF_ERROR(inf.ints("min", r.min));
            KILN_RETURN_IF_ERROR(inf.ints("opt", r.opt));
            KILN_RETURN_IF_ERROR(inf.ints("max", r.max));
            const ir::Value* v = g.findValue(name);
            if (!v || !v->isGraphInput())
                return inf.error("'" + name + "' is not an input of the network");
            if (r.min.size() != r.opt.size() || r.min.size() != r.max.size())
                return inf.error("min, opt and max have different ranks");
            for (size_t d = 0; d < r.min.size(); ++d)
                if (r.min[d] < 0 || r.min[d] > r.opt[d] || r.opt[d] > r.max[d])
                    return inf.error("dimension " + std::to_string(d) + " does not satisfy 0 <= min <= opt <= max (" +
                                     std::to_string(r.min[d]) + ", " + std::to_string(r.opt[d]) + ", " +
                                     std::to_string(r.max[d]) + ")");
            p.inputs.emplace_back(std::move(name), std::move(r));
        }
        profiles.push_back(std::move(p));
    }
    return Status::ok();
}

// --- CALIBRATION ---
Json encodeCalibration(const std::vector<CalibrationRecord>& records) {
    Json list = Json::array();
    for (const CalibrationRecord& r : records)
        list.push_back(Json{{"tensor", r.tensor}, {"scale", r.scale}, {"amax", r.amax}});
    return Json{{"records", std::move(list)}};
}

Status decodeCalibration(const Json& j, std::vector<CalibrationRecord>& records) {
    Fields f(j, "section CALIBRATION");
    KILN_ASSIGN_OR_RETURN(const Json* list, f.array("records"));
    for (const Json& rj : *list) {
        CalibrationRecord r;
        const std::string where = "section CALIBRATION, record " + std::to_string(records.size());
        KILN_RETURN_IF_ERROR(Fields(rj, where).str("tensor", r.tensor));
        Fields rf(rj, "section CALIBRATION, record of '" + r.tensor + "'");
        KILN_RETURN_IF_ERROR(rf.f32("scale", r.scale));
        KILN_RETURN_IF_ERROR(rf.f32("amax", r.amax));
        // Not checked against the network: a calibration table may also scale tensors of the
        // source model that fusion removed (TensorRT's calibration caches do the same).
        records.push_back(std::move(r));
    }
    return Status::ok();
}

Json encodePlugins(const std::vector<PluginRecord>& records) {
    Json list = Json::array();
    for (const PluginRecord& r : records)
        list.push_back(Json{{"type", r.type},
                            {"domain", r.domain},
                            {"version", r.version},
                            {"library", r.library},
                            {"library_hash", r.libraryHash},
                            {"layers", r.layers}});
    return Json{{"plugins", std::move(list)}};
}

Status decodePlugins(const Json& j, const ir::Graph& network, std::vector<PluginRecord>& records) {
    Fields f(j, "section PLUGINS");
    KILN_ASSIGN_OR_RETURN(const Json* list, f.array("plugins"));
    for (const Json& pj : *list) {
        PluginRecord r;
        KILN_RETURN_IF_ERROR(Fields(pj, "section PLUGINS, record " + std::to_string(records.size())).str("type", r.type));
        Fields pf(pj, "section PLUGINS, plugin '" + r.type + "'");
        KILN_RETURN_IF_ERROR(pf.str("domain", r.domain));
        KILN_RETURN_IF_ERROR(pf.str("version", r.version));
        KILN_RETURN_IF_ERROR(pf.str("library", r.library));
        KILN_RETURN_IF_ERROR(pf.str("library_hash", r.libraryHash));
        KILN_ASSIGN_OR_RETURN(const Json* layers, pf.array("layers"));
        for (const Json& l : *layers) {
            if (!l.is_string()) return invalidModel("section PLUGINS, plugin '" + r.type + "': a layer name is not a string");
            const std::string name = l.get<std::string>();
            const ir::Node* n = network.findNode(name);
            if (!n || n->opType() != r.type)
                return invalidModel("section PLUGINS, plugin '" + r.type + "': layer '" + name +
                                    "' is not a layer of that type in the network");
            r.layers.push_back(name);
        }
        records.push_back(std::move(r));
    }
    return Status::ok();
}

}  // namespace kiln::plan::detail
