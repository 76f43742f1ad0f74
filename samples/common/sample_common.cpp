#include "common/sample_common.h"

#include <algorithm>
#include <cstdio>

#include "core/compare.h"
#include "onnx/importer.h"

namespace kiln::samples {

std::string Args::get(const std::string& name, const std::string& def) const {
    auto it = values.find(name);
    return it == values.end() ? def : it->second;
}

Expected<Args> parseArgs(int argc, char** argv, const std::set<std::string>& options, const std::set<std::string>& flags) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (flags.count(arg)) {
            a.flags.insert(arg);
        } else if (options.count(arg)) {
            if (i + 1 >= argc) return invalidArgument("option " + arg + " needs a value");
            a.values[arg] = argv[++i];
        } else {
            return invalidArgument("unknown argument '" + arg + "' (try --help)");
        }
    }
    return a;
}

namespace {

// 5x7 bitmaps, one string of 7 rows of 5 columns per digit.
const char* const kFont[10] = {
    "01110100011001110101110011000101110", "00100011000010000100001000010001110",
    "01110100010000100010001000100011111", "11110000010000101110000010000111110",
    "00010001100101010010111110001000010", "11111100001111000001000011000101110",
    "00110010001000011110100011000101110", "11111000010001000100010000100001000",
    "01110100011000101110100011000101110", "01110100011000101111000010001001100",
};

}  // namespace

Expected<HostTensor> drawDigits(const std::string& digits) {
    if (digits.empty()) return invalidArgument("no digits to draw");
    const int64_t n = int64_t(digits.size());
    HostTensor t(DataType::Float32, {n, 1, 28, 28});
    // Each font cell is 3x3 pixels: 15x21 glyphs, placed at (x 6, y 3); a 3x3 box blur softens them.
    constexpr int kCell = 3, kX0 = 6, kY0 = 3;
    for (int64_t b = 0; b < n; ++b) {
        const char c = digits[size_t(b)];
        if (c < '0' || c > '9') return invalidArgument(std::string("'") + c + "' is not a digit");
        const char* glyph = kFont[c - '0'];
        float sharp[28][28] = {};
        for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 5; ++col)
                if (glyph[row * 5 + col] == '1')
                    for (int dy = 0; dy < kCell; ++dy)
                        for (int dx = 0; dx < kCell; ++dx) sharp[kY0 + row * kCell + dy][kX0 + col * kCell + dx] = 1.0f;
        float* out = t.data<float>() + b * 28 * 28;
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) {
                float sum = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28) sum += sharp[yy][xx];
                    }
                out[y * 28 + x] = std::min(1.0f, sum / 6.0f);
            }
    }
    return t;
}

std::vector<int> top1(const HostTensor& logits) {
    std::vector<int> out;
    if (logits.rank() != 2 || logits.dtype() != DataType::Float32) return out;
    const int64_t k = logits.dim(1);
    for (int64_t r = 0; r < logits.dim(0); ++r) {
        const float* row = logits.data<float>() + r * k;
        out.push_back(int(std::max_element(row, row + k) - row));
    }
    return out;
}

void printClassification(const HostTensor& logits, const std::string& digits) {
    const std::vector<int> best = top1(logits);
    const int64_t k = logits.rank() == 2 ? logits.dim(1) : 0;
    for (size_t r = 0; r < best.size(); ++r) {
        std::printf("image %zu", r);
        if (r < digits.size()) std::printf(" (digit %c)", digits[r]);
        std::printf(": top-1 class %d   logits:", best[r]);
        for (int64_t j = 0; j < k; ++j) std::printf(" %.4f", double(logits.data<float>()[int64_t(r) * k + j]));
        std::printf("\n");
    }
}

Status checkAgainstReference(const HostTensor& actual, const std::string& referencePath, double maxRelL2) {
    KILN_ASSIGN_OR_RETURN(HostTensor expected, onnx::readTensorFile(referencePath));
    const CompareResult c = compareTensors(actual, expected, 1e-4, 1e-5);
    if (!c.shapesMatch || !c.typesMatch)
        return invalidArgument("the output " + dimsToString(actual.dims()) + " does not match the reference " +
                               dimsToString(expected.dims()) + " from " + referencePath);
    std::printf("reference %s: max |diff| %.3g, relative L2 %.3g, top-1 %s\n", referencePath.c_str(), c.maxAbsDiff,
                c.relativeL2, top1(actual) == top1(expected) ? "equal" : "DIFFERENT");
    if (c.relativeL2 > maxRelL2 || top1(actual) != top1(expected))
        return invalidArgument("the output differs from the reference (relative L2 " + std::to_string(c.relativeL2) +
                               ", allowed " + std::to_string(maxRelL2) + ")");
    return Status::ok();
}

int reportError(const Status& s) {
    std::fprintf(stderr, "error: %s\n", s.toString().c_str());
    return 1;
}

}  // namespace kiln::samples
