#include "builder/build_config.h"

#include <sstream>

namespace kiln {

Status OptimizationProfile::setDimensions(const std::string& input, std::vector<int64_t> min,
                                          std::vector<int64_t> opt, std::vector<int64_t> max) {
    if (input.empty()) return invalidArgument("optimization profile: the input name is empty");
    if (min.size() != opt.size() || opt.size() != max.size())
        return invalidArgument("optimization profile for '" + input + "': min " + dimsToString(min) + ", opt " +
                               dimsToString(opt) + " and max " + dimsToString(max) + " differ in rank");
    for (size_t i = 0; i < min.size(); ++i) {
        if (min[i] < 0 || opt[i] < 0 || max[i] < 0)
            return invalidArgument("optimization profile for '" + input + "': dim " + std::to_string(i) +
                                   " is negative (min " + dimsToString(min) + ", opt " + dimsToString(opt) +
                                   ", max " + dimsToString(max) + ")");
        if (min[i] > opt[i] || opt[i] > max[i])
            return invalidArgument("optimization profile for '" + input + "': dim " + std::to_string(i) +
                                   " must satisfy min <= opt <= max, got " + std::to_string(min[i]) + ", " +
                                   std::to_string(opt[i]) + ", " + std::to_string(max[i]));
    }
    m_ranges[input] = plan::ShapeRange{std::move(min), std::move(opt), std::move(max)};
    return Status::ok();
}

const plan::ShapeRange* OptimizationProfile::find(const std::string& input) const {
    auto it = m_ranges.find(input);
    return it == m_ranges.end() ? nullptr : &it->second;
}

std::string BuilderConfig::toString() const {
    std::ostringstream s;
    s << "backend=" << backend << " precisions=fp32";
    if (tf32) s << ",tf32";
    if (fp16 || best) s << ",fp16";
    if (int8 || best) s << ",int8";
    if (best) s << " best";
    s << " opt=" << optimizationLevel << " workspace=" << workspaceBytes << " profiles=" << profiles.size();
    s << " constraints="
      << (precisionConstraints == PrecisionConstraints::Obey     ? "obey"
          : precisionConstraints == PrecisionConstraints::Prefer ? "prefer"
                                                                 : "none");
    if (!layerPrecisions.empty()) {
        s << " layerPrecisions=";
        bool first = true;
        for (auto& [layer, p] : layerPrecisions) s << (first ? "" : ",") << layer << ":" << p, first = false;
    }
    if (cpuThreads > 0) s << " threads=" << cpuThreads;
    return s.str();
}

}  // namespace kiln
