// The persistent timing cache (TensorRT's ITimingCache): what every tactic of a layer took, keyed
// by the layer's signature (op, attributes, shapes and types of its inputs and outputs, weight
// shapes, precision). A file holds the results for one device and library set; a file from
// another GPU, driver, cuDNN or cuBLAS is ignored as a whole (timings do not carry over).
// Within one build, identical layers (BERT's 12 encoder layers) are timed once through it even
// without a file.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/status.h"
#include "plan/plan.h"

namespace kiln::cuda {

struct DeviceInfo;

class TimingCache {
public:
    // The key of the device and libraries the timings are valid for.
    static std::string deviceKey(const DeviceInfo& d);

    explicit TimingCache(std::string deviceKey) : m_deviceKey(std::move(deviceKey)) {}

    // Reads `path` if it exists. A file for another device key, or a malformed one, is ignored
    // with a warning (the build times everything again and overwrites it).
    Status load(const std::string& path, Logger& log);
    // Writes atomically.
    Status save(const std::string& path) const;

    bool find(const std::string& signature, std::vector<plan::TacticCandidate>& out) const;
    void insert(const std::string& signature, std::vector<plan::TacticCandidate> candidates);
    size_t size() const;
    int hits() const { return m_hits; }
    int misses() const { return m_misses; }

private:
    std::string m_deviceKey;
    mutable std::mutex m_mutex;
    std::map<std::string, std::vector<plan::TacticCandidate>> m_entries;
    mutable int m_hits = 0, m_misses = 0;
};

}  // namespace kiln::cuda
