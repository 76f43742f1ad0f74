#include "builder/wts.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/file_io.h"

namespace kiln {

namespace {

// Splits a line into whitespace-separated words.
std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool parseCount(std::string_view w, int64_t& out) {
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), out);
    return ec == std::errc() && p == w.data() + w.size() && out >= 0;
}

// One float32 as up to 8 hex digits of its bit pattern ("3f800000" is 1.0).
bool parseHexFloat(std::string_view w, float& out) {
    if (w.empty() || w.size() > 8) return false;
    uint32_t bits = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), bits, 16);
    if (ec != std::errc() || p != w.data() + w.size()) return false;
    std::memcpy(&out, &bits, sizeof out);
    return true;
}

std::string quoted(std::string_view w) {
    constexpr size_t kMax = 40;
    std::string s = "'";
    s.append(w.substr(0, kMax));
    if (w.size() > kMax) s.append("...");
    s.push_back('\'');
    return s;
}

}  // namespace

Expected<std::map<std::string, HostTensor>> parseWts(const std::string& text, const std::string& sourceName) {
    std::map<std::string, HostTensor> out;
    std::map<std::string, int> firstLine;
    int64_t declared = -1;
    int lineNo = 0;
    size_t pos = 0;
    auto where = [&](int line) { return sourceName + ":" + std::to_string(line) + ": "; };
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++lineNo;
        const std::vector<std::string_view> w = words(line);
        if (w.empty()) continue;  // blank lines are allowed anywhere
        if (declared < 0) {
            if (w.size() != 1 || !parseCount(w[0], declared))
                return invalidModel(where(lineNo) + "expected the number of tensors, got " + quoted(line));
            continue;
        }
        if (int64_t(out.size()) == declared)
            return invalidModel(where(lineNo) + "content after the " + std::to_string(declared) + " declared tensors: " +
                                quoted(line));
        const std::string name(w[0]);
        int64_t count = 0;
        if (w.size() < 2 || !parseCount(w[1], count))
            return invalidModel(where(lineNo) + "tensor '" + name + "': expected a value count after the name, got " +
                                (w.size() < 2 ? std::string("nothing") : quoted(w[1])));
        if (auto it = firstLine.find(name); it != firstLine.end())
            return invalidModel(where(lineNo) + "tensor '" + name + "' is defined again (first on line " +
                                std::to_string(it->second) + ")");
        const int64_t have = int64_t(w.size()) - 2;
        if (have < count)
            return invalidModel(where(lineNo) + "tensor '" + name + "' declares " + std::to_string(count) +
                                " values but the line has " + std::to_string(have));
        if (have > count)
            return invalidModel(where(lineNo) + "tensor '" + name + "': " + std::to_string(have - count) +
                                " word(s) after its " + std::to_string(count) + " declared values, starting with " +
                                quoted(w[size_t(count) + 2]));
        KILN_ASSIGN_OR_RETURN(HostTensor t, HostTensor::create(DataType::Float32, {count}));
        float* p = t.data<float>();
        for (int64_t i = 0; i < count; ++i)
            if (!parseHexFloat(w[size_t(i) + 2], p[i]))
                return invalidModel(where(lineNo) + "tensor '" + name + "' value " + std::to_string(i) + " is " +
                                    quoted(w[size_t(i) + 2]) + ", not a float32 bit pattern in hex (up to 8 digits)");
        firstLine[name] = lineNo;
        out.emplace(name, std::move(t));
    }
    if (declared < 0) return invalidModel(sourceName + ": the file is empty (expected the number of tensors)");
    if (int64_t(out.size()) < declared)
        return invalidModel(sourceName + ": declares " + std::to_string(declared) + " tensors but has " +
                            std::to_string(out.size()));
    return out;
}

Expected<std::map<std::string, HostTensor>> readWtsFile(const std::string& path) {
    KILN_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
    return parseWts(text, path);
}

std::string formatWts(const std::map<std::string, HostTensor>& tensors) {
    std::string s = std::to_string(tensors.size()) + "\n";
    char hex[16];
    for (const auto& [name, t] : tensors) {
        const HostTensor f = t.dtype() == DataType::Float32 ? t : t.castTo(DataType::Float32);
        s += name + " " + std::to_string(f.numel());
        for (int64_t i = 0; i < f.numel(); ++i) {
            uint32_t bits;
            std::memcpy(&bits, f.data<float>() + i, sizeof bits);
            std::snprintf(hex, sizeof hex, " %08x", bits);
            s += hex;
        }
        s += "\n";
    }
    return s;
}

Status writeWtsFile(const std::string& path, const std::map<std::string, HostTensor>& tensors) {
    return writeFileAtomically(path, formatWts(tensors));
}

}  // namespace kiln
