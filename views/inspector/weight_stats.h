// Summary statistics and a histogram of a constant tensor (weights), for the inspector.
#pragma once

#include <QVector>
#include <cstdint>

#include "core/host_tensor.h"

namespace kiln::views {

struct WeightStats {
    int64_t count = 0;
    double min = 0, max = 0, mean = 0, std = 0;
    double zeroShare = 0;              // fraction of elements exactly zero, 0..1
    QVector<double> binCenters, binCounts;
    double binWidth = 0;
    bool valid() const { return count > 0; }
};

// Population std; bins span [min, max] (one bin when all values are equal).
WeightStats computeWeightStats(const HostTensor& tensor, int bins = 48);

}  // namespace kiln::views
