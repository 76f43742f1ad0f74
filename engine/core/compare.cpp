#include "core/compare.h"

#include <cmath>
#include <sstream>

namespace kiln {

namespace {
bool sameDims(const HostTensor& a, const HostTensor& b) { return a.dims() == b.dims(); }
}  // namespace

CompareResult compareTensors(const HostTensor& actual, const HostTensor& expected, double rtol, double atol) {
    CompareResult r;
    r.shapesMatch = sameDims(actual, expected);
    r.typesMatch = actual.dtype() == expected.dtype();
    if (!r.shapesMatch) return r;
    bool exact = !isFloatingPoint(expected.dtype());
    double dot = 0, na = 0, nb = 0, nd = 0;
    for (int64_t i = 0; i < expected.numel(); ++i) {
        double a = actual.getDouble(i), e = expected.getDouble(i);
        bool bad = false;
        if (std::isnan(a) || std::isnan(e)) {
            bad = std::isnan(a) != std::isnan(e);
            if (bad) r.nanMismatch = true;
        } else if (std::isinf(a) || std::isinf(e)) {
            bad = a != e;
            if (bad) r.nanMismatch = true;
        } else {
            double d = std::fabs(a - e);
            r.maxAbsDiff = std::max(r.maxAbsDiff, d);
            bad = exact ? a != e : d > atol + rtol * std::fabs(e);
            dot += a * e; na += a * a; nb += e * e; nd += d * d;
        }
        if (bad) {
            if (r.firstMismatch < 0) r.firstMismatch = i;
            ++r.mismatches;
        }
    }
    r.relativeL2 = std::sqrt(nd) / std::max(std::sqrt(nb), 1e-30);
    if (na == 0 && nb == 0) r.cosine = 1.0;
    else if (na == 0 || nb == 0) r.cosine = 0.0;
    else r.cosine = dot / (std::sqrt(na) * std::sqrt(nb));
    return r;
}

std::string CompareResult::toString() const {
    std::ostringstream os;
    if (!shapesMatch) return "shapes differ";
    if (!typesMatch) os << "types differ; ";
    os << "max abs diff " << maxAbsDiff << ", relative L2 " << relativeL2 << ", cosine " << cosine
       << ", " << mismatches << " mismatching element(s)";
    if (firstMismatch >= 0) os << " (first at flat index " << firstMismatch << ")";
    if (nanMismatch) os << ", NaN/Inf mismatch";
    return os.str();
}

double maxAbsDiff(const HostTensor& a, const HostTensor& b) { return compareTensors(a, b).maxAbsDiff; }
double relativeL2(const HostTensor& actual, const HostTensor& expected) {
    return compareTensors(actual, expected).relativeL2;
}
double cosineSimilarity(const HostTensor& a, const HostTensor& b) { return compareTensors(a, b).cosine; }

bool hasNanOrInf(const HostTensor& t) {
    if (!isFloatingPoint(t.dtype())) return false;
    for (int64_t i = 0; i < t.numel(); ++i)
        if (!std::isfinite(t.getDouble(i))) return true;
    return false;
}

}  // namespace kiln
