#include "backends/cuda/timing_cache.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "backends/cuda/cuda_common.h"
#include "core/file_io.h"

namespace kiln::cuda {

using Json = nlohmann::json;

std::string TimingCache::deviceKey(const DeviceInfo& d) {
    return d.name + " sm_" + std::to_string(d.major) + std::to_string(d.minor) + " " + std::to_string(d.multiprocessors) +
           "SM driver " + d.driverVersion + " cudart " + d.runtimeVersion + " cudnn " + d.cudnnVersion + " cublasLt " +
           d.cublasVersion + " kiln " + KILN_VERSION;
}

Status TimingCache::load(const std::string& path, Logger& log) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        log.log(Severity::Info, "timing cache '" + path + "' does not exist yet: every tactic is timed and it is written after the build");
        return Status::ok();
    }
    KILN_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != "kiln-timing-cache" || !j.contains("entries") ||
        !j["entries"].is_object()) {
        log.log(Severity::Warning, "timing cache '" + path + "' is not a Kiln timing cache: ignored");
        return Status::ok();
    }
    if (j.value("device", "") != m_deviceKey) {
        log.log(Severity::Warning, "timing cache '" + path + "' was made on '" + j.value("device", "?") +
                                       "', not on this '" + m_deviceKey + "': ignored, every tactic is timed again");
        return Status::ok();
    }
    std::lock_guard lock(m_mutex);
    for (auto& [sig, list] : j["entries"].items()) {
        if (!list.is_array()) continue;
        std::vector<plan::TacticCandidate> cands;
        for (const Json& c : list) {
            if (!c.is_object()) continue;
            plan::TacticCandidate t;
            t.tactic = c.value("tactic", "");
            t.precision = c.value("precision", "");
            t.milliseconds = c.value("ms", -1.0);
            t.rejected = c.value("rejected", "");
            if (!t.tactic.empty()) cands.push_back(std::move(t));
        }
        m_entries[sig] = std::move(cands);
    }
    log.log(Severity::Info, "timing cache '" + path + "': " + std::to_string(m_entries.size()) + " layer signatures");
    return Status::ok();
}

Status TimingCache::save(const std::string& path) const {
    Json entries = Json::object();
    {
        std::lock_guard lock(m_mutex);
        for (auto& [sig, cands] : m_entries) {
            Json list = Json::array();
            for (const plan::TacticCandidate& c : cands)
                list.push_back(Json{{"tactic", c.tactic}, {"precision", c.precision}, {"ms", c.milliseconds}, {"rejected", c.rejected}});
            entries[sig] = std::move(list);
        }
    }
    Json j{{"format", "kiln-timing-cache"}, {"version", 1}, {"device", m_deviceKey}, {"entries", std::move(entries)}};
    return writeFileAtomically(path, j.dump(1));
}

bool TimingCache::find(const std::string& signature, std::vector<plan::TacticCandidate>& out) const {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(signature);
    if (it == m_entries.end()) {
        ++m_misses;
        return false;
    }
    ++m_hits;
    out = it->second;
    return true;
}

void TimingCache::insert(const std::string& signature, std::vector<plan::TacticCandidate> candidates) {
    std::lock_guard lock(m_mutex);
    m_entries[signature] = std::move(candidates);
}

size_t TimingCache::size() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

}  // namespace kiln::cuda
