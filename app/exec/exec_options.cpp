#include "exec_options.h"

#include <cmath>

namespace kiln::exec {

namespace {

std::vector<std::string> splitList(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t next = s.find(sep, pos);
        std::string item = s.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (!item.empty()) out.push_back(item);
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return out;
}

}  // namespace

Expected<ShapeMap> parseShapes(const std::string& spec, const std::string& flag) {
    ShapeMap out;
    for (const std::string& item : splitList(spec, ',')) {
        const size_t colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
            return invalidArgument(flag + " item '" + item + "' is not name:AxBxC");
        std::string name = item.substr(0, colon);
        // trtexec quotes names that contain ':' or ',' ('input:0':1x3); accept the quotes.
        if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'') name = name.substr(1, name.size() - 2);
        const std::string dimsText = item.substr(colon + 1);
        std::vector<int64_t> dims;
        if (dimsText != "scalar") {
            for (const std::string& d : splitList(dimsText, 'x')) {
                if (d.find_first_not_of("0123456789") != std::string::npos)
                    return invalidArgument(flag + ": '" + dimsText + "' for '" + name + "' must be dims like 1x3x224x224");
                try {
                    dims.push_back(std::stoll(d));
                } catch (const std::exception&) {
                    return invalidArgument(flag + ": dimension '" + d + "' for '" + name + "' is too large");
                }
            }
            if (dims.empty() || dimsText.front() == 'x' || dimsText.back() == 'x' || dimsText.find("xx") != std::string::npos)
                return invalidArgument(flag + ": '" + dimsText + "' for '" + name + "' must be dims like 1x3x224x224");
        }
        if (out.count(name)) return invalidArgument(flag + " names '" + name + "' twice");
        out[name] = dims;
    }
    return out;
}

Expected<std::map<std::string, std::string>> parseNameFileList(const std::string& spec, const std::string& flag) {
    std::map<std::string, std::string> out;
    for (const std::string& item : splitList(spec, ',')) {
        const size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
            return invalidArgument(flag + " item '" + item + "' is not name:file");
        std::string name = item.substr(0, colon);
        if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'') name = name.substr(1, name.size() - 2);
        if (out.count(name)) return invalidArgument(flag + " names '" + name + "' twice");
        out[name] = item.substr(colon + 1);
    }
    return out;
}

Expected<std::vector<double>> parsePercentiles(const std::string& spec) {
    std::vector<double> out;
    for (const std::string& item : splitList(spec, ',')) {
        size_t used = 0;
        double v = -1;
        try {
            v = std::stod(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || !(v > 0 && v <= 100))
            return invalidArgument("--percentile: '" + item + "' is not a percentage in (0, 100]");
        out.push_back(v);
    }
    if (out.empty()) return invalidArgument("--percentile needs at least one value, e.g. 90,95,99");
    return out;
}

Expected<int64_t> parseWorkspace(const std::string& memPoolSize, double workspaceMiB) {
    double mib = workspaceMiB;
    for (const std::string& item : splitList(memPoolSize, ',')) {
        const size_t colon = item.find(':');
        const std::string pool = item.substr(0, colon);
        if (colon == std::string::npos || pool != "workspace")
            return invalidArgument("--memPoolSize: '" + item + "' is not workspace:SIZE (the CPU and CUDA backends "
                                   "have one pool, the tactic workspace)");
        std::string size = item.substr(colon + 1);
        double scale = 1.0;  // MiB, trtexec's default unit
        if (!size.empty() && (size.back() == 'K' || size.back() == 'M' || size.back() == 'G')) {
            scale = size.back() == 'K' ? 1.0 / 1024 : size.back() == 'G' ? 1024.0 : 1.0;
            size.pop_back();
        }
        size_t used = 0;
        double v = -1;
        try {
            v = std::stod(size, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != size.size() || v < 0) return invalidArgument("--memPoolSize: '" + item + "' has no valid size");
        mib = v * scale;
    }
    if (mib < 0 || !std::isfinite(mib)) return invalidArgument("--workspace must be a size in MiB >= 0");
    return int64_t(mib * 1024.0 * 1024.0);
}

}  // namespace kiln::exec
