// Small helpers the samples share: command-line options, a deterministic digit-like input, and
// printing and checking classification outputs.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/host_tensor.h"
#include "core/status.h"

namespace kiln::samples {

// "--name value" options and "--flag" flags; anything else is an error naming it.
struct Args {
    std::map<std::string, std::string> values;
    std::set<std::string> flags;
    std::string get(const std::string& name, const std::string& def) const;
    bool has(const std::string& flag) const { return flags.count(flag) != 0; }
};
Expected<Args> parseArgs(int argc, char** argv, const std::set<std::string>& options, const std::set<std::string>& flags);

// One 28x28 image per character of `digits` (0-9), drawn from a 5x7 font, strokes 1.0 on 0.0
// with soft edges, as float32 [N, 1, 28, 28] (MNIST's layout and range).
Expected<HostTensor> drawDigits(const std::string& digits);

// Index of the largest value in each row of a [N, K] tensor.
std::vector<int> top1(const HostTensor& logits);
// "image 0 (digit 3): top-1 class 7   logits: -0.123 0.456 ..." per row.
void printClassification(const HostTensor& logits, const std::string& digits);
// Compares with a reference tensor file (.pb): prints the differences, fails above maxRelL2.
Status checkAgainstReference(const HostTensor& actual, const std::string& referencePath, double maxRelL2);

// Prints "error: <status>" to stderr and returns 1 (for main's return).
int reportError(const Status& s);

}  // namespace kiln::samples
