// Numeric comparison of tensors, used by every test and by the tactic checks.
#pragma once

#include <cstdint>
#include <string>

#include "core/host_tensor.h"

namespace kiln {

struct CompareResult {
    bool shapesMatch = false;
    bool typesMatch = false;
    double maxAbsDiff = 0.0;     // max |a - b| over finite pairs
    double relativeL2 = 0.0;     // ||a - b|| / max(||b||, tiny)
    double cosine = 1.0;         // a.b / (|a||b|); 1 when both are zero
    int64_t mismatches = 0;      // elements outside atol + rtol * |b|
    int64_t firstMismatch = -1;  // flat index of the first one
    bool nanMismatch = false;    // NaN / Inf in one but not at the same place in the other
    bool ok() const { return shapesMatch && typesMatch && mismatches == 0 && !nanMismatch; }
    std::string toString() const;
};

// Compares actual against expected elementwise: |a - e| <= atol + rtol * |e| (numpy.isclose),
// NaN matches NaN, +-Inf matches the same Inf. Integers and bools are compared exactly.
CompareResult compareTensors(const HostTensor& actual, const HostTensor& expected,
                             double rtol = 1e-3, double atol = 1e-7);

double maxAbsDiff(const HostTensor& a, const HostTensor& b);
double relativeL2(const HostTensor& actual, const HostTensor& expected);
double cosineSimilarity(const HostTensor& a, const HostTensor& b);
// True when any element is NaN or +-Inf.
bool hasNanOrInf(const HostTensor& t);

}  // namespace kiln
