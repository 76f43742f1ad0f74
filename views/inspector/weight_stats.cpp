#include "inspector/weight_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace kiln::views {

namespace {

std::vector<double> toDoubles(const HostTensor& t) {
    std::vector<double> v(size_t(t.numel()));
    if (t.dtype() == DataType::Float32) {
        const float* p = t.data<float>();
        std::copy(p, p + t.numel(), v.begin());
    } else {
        for (int64_t i = 0; i < t.numel(); ++i) v[size_t(i)] = t.getDouble(i);
    }
    return v;
}

}  // namespace

WeightStats computeWeightStats(const HostTensor& tensor, int bins) {
    WeightStats s;
    if (!tensor.isValid() || tensor.numel() == 0 || !tensor.raw()) return s;
    const std::vector<double> v = toDoubles(tensor);
    s.count = int64_t(v.size());
    s.min = std::numeric_limits<double>::infinity();
    s.max = -s.min;
    double sum = 0;
    int64_t zeros = 0;
    for (double x : v) {
        s.min = std::min(s.min, x);
        s.max = std::max(s.max, x);
        sum += x;
        zeros += x == 0.0;
    }
    s.mean = sum / double(s.count);
    double sq = 0;
    for (double x : v) sq += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(sq / double(s.count));
    s.zeroShare = double(zeros) / double(s.count);
    const double range = s.max - s.min;
    if (!(range > 0) || !std::isfinite(range)) bins = 1;
    s.binWidth = bins == 1 ? 1.0 : range / bins;
    s.binCounts.fill(0, bins);
    for (int b = 0; b < bins; ++b) s.binCenters << (bins == 1 ? s.min : s.min + (b + 0.5) * s.binWidth);
    for (double x : v) {
        const int b = bins == 1 ? 0 : std::clamp(int((x - s.min) / s.binWidth), 0, bins - 1);
        s.binCounts[b] += 1;
    }
    return s;
}

}  // namespace kiln::views
