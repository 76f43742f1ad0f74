#include "exec_options.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln::exec {

Expected<std::map<std::string, std::vector<int64_t>>> parseShapes(const std::string& spec) {
    std::map<std::string, std::vector<int64_t>> out;
    size_t pos = 0;
    while (pos < spec.size()) {
        size_t comma = spec.find(',', pos);
        std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? spec.size() : comma + 1;
        if (item.empty()) continue;
        size_t colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
            return invalidArgument("--shapes item '" + item + "' is not name:AxBxC");
        std::string name = item.substr(0, colon);
        std::vector<int64_t> dims;
        std::string dimsText = item.substr(colon + 1);
        size_t p = 0;
        while (p <= dimsText.size()) {
            size_t x = dimsText.find('x', p);
            std::string d = dimsText.substr(p, x == std::string::npos ? std::string::npos : x - p);
            if (d.empty() || d.find_first_not_of("0123456789") != std::string::npos)
                return invalidArgument("--shapes: '" + dimsText + "' for '" + name + "' must be dims like 1x3x224x224");
            try {
                dims.push_back(std::stoll(d));
            } catch (const std::exception&) {
                return invalidArgument("--shapes: dimension '" + d + "' for '" + name + "' is too large");
            }
            if (x == std::string::npos) break;
            p = x + 1;
        }
        if (out.count(name)) return invalidArgument("--shapes names '" + name + "' twice");
        out[name] = dims;
    }
    return out;
}

LatencyStats summarize(std::vector<double> s) {
    LatencyStats r;
    if (s.empty()) return r;
    std::sort(s.begin(), s.end());
    auto pct = [&](double q) {
        size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(s.size()))) ;
        return s[std::min(s.size() - 1, i == 0 ? 0 : i - 1)];
    };
    r.min = s.front();
    r.max = s.back();
    r.mean = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
    r.median = s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
    r.p90 = pct(0.90);
    r.p95 = pct(0.95);
    r.p99 = pct(0.99);
    return r;
}

}  // namespace kiln::exec
