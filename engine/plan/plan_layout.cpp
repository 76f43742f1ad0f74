// Header and section table: the first checks on any bytes that claim to be a plan.
#include <algorithm>
#include <cstring>
#include <set>

#include "plan/plan_internal.h"

namespace kiln::plan {

std::string sectionName(uint32_t id) {
    switch (SectionId(id)) {
    case SectionId::Passport: return "PASSPORT";
    case SectionId::Network: return "NETWORK";
    case SectionId::Weights: return "WEIGHTS";
    case SectionId::Memory: return "MEMORY";
    case SectionId::Bindings: return "BINDINGS";
    case SectionId::Calibration: return "CALIBRATION";
    case SectionId::Plugins: return "PLUGINS";
    case SectionId::PassLog: return "PASSLOG";
    }
    return "section " + std::to_string(id);
}

namespace detail {

namespace {

// 'PK\x03\x04\x14\x00\x00\x00...'
std::string quoteMagic(const uint8_t* p, size_t size) {
    static const char* digits = "0123456789abcdef";
    std::string s = "'";
    for (size_t i = 0; i < std::min<size_t>(size, 8); ++i) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\') s += char(p[i]);
        else s += std::string("\\x") + digits[p[i] >> 4] + digits[p[i] & 0xf];
    }
    return s + (size > 8 ? "...'" : "'");
}

// A serialized ONNX ModelProto starts with field 1 (ir_version, a small varint), followed by
// another ModelProto field: producer_name (2), producer_version (3), domain (4),
// model_version (5), doc_string (6), graph (7), opset_import (8) or metadata_props (14).
bool looksLikeOnnx(const uint8_t* p, size_t size) {
    if (size < 3 || p[0] != 0x08 || p[1] == 0 || p[1] > 30) return false;
    const uint8_t tag = p[2];
    return tag == 0x12 || tag == 0x1a || tag == 0x22 || tag == 0x28 || tag == 0x32 || tag == 0x3a ||
           tag == 0x42 || tag == 0x72;
}

Status notAPlan(const uint8_t* p, size_t size) {
    std::string msg = "not a Kiln plan (magic is " + quoteMagic(p, size) + ", expected 'KILNPLAN')";
    size_t first = 0;
    while (first < size && first < 64 && (p[first] == ' ' || p[first] == '\n' || p[first] == '\r' || p[first] == '\t'))
        ++first;
    if (looksLikeOnnx(p, size))
        msg += ": this is an ONNX model (protobuf), not a plan; build a plan from it first "
               "(kiln-exec --onnx model.onnx --saveEngine model.plan)";
    else if (size >= 4 && std::memcmp(p, "PK\x03\x04", 4) == 0)
        msg += ": this looks like a ZIP archive (a PyTorch checkpoint or a zipped model?)";
    else if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        msg += ": this looks like a gzip-compressed file; decompress it first";
    else if (first < size && (p[first] == '{' || p[first] == '['))
        msg += ": this looks like a JSON text (a report or a PassLog?), not a plan";
    return invalidModel(msg);
}

Status truncated(uint64_t have, uint64_t need, bool atLeast) {
    return invalidModel("plan file is truncated: " + withCommas(have) + " of " + (atLeast ? "at least " : "") +
                        withCommas(need) + " bytes");
}

Status checkSections(const Header& h, const std::vector<SectionInfo>& sections) {
    const uint64_t tableEnd = kHeaderSize + uint64_t(h.sectionCount) * kSectionEntrySize;
    const uint64_t dataEnd = h.fileSize - kTrailerSize;  // fileSize >= tableEnd + trailer: checked
    for (const SectionInfo& s : sections) {
        const std::string name = sectionName(s.id);
        if (s.offset < tableEnd)
            return invalidModel("section " + name + " starts at byte " + withCommas(s.offset) +
                                ", inside the header or section table (which end at " + withCommas(tableEnd) + ")");
        if (s.offset % kSectionAlignment != 0)
            return invalidModel("section " + name + " starts at byte " + withCommas(s.offset) +
                                ", which is not a multiple of " + std::to_string(kSectionAlignment));
        // Written as two comparisons so offset + size cannot overflow.
        if (s.offset > dataEnd || s.size > dataEnd - s.offset)
            return invalidModel("section " + name + " (offset " + withCommas(s.offset) + ", size " +
                                withCommas(s.size) + ") extends past the end of the file's data (" +
                                withCommas(dataEnd) + " bytes)");
    }
    std::set<uint32_t> ids;
    for (const SectionInfo& s : sections)
        if (!ids.insert(s.id).second)
            return invalidModel("section " + sectionName(s.id) + " appears twice in the section table");
    std::vector<const SectionInfo*> byOffset;
    for (const SectionInfo& s : sections) byOffset.push_back(&s);
    std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i - 1]->offset + byOffset[i - 1]->size > byOffset[i]->offset)
            return invalidModel("section " + sectionName(byOffset[i - 1]->id) + " overlaps section " +
                                sectionName(byOffset[i]->id));
    return Status::ok();
}

}  // namespace

const SectionInfo* Layout::find(SectionId id) const {
    for (const SectionInfo& s : sections)
        if (s.id == uint32_t(id)) return &s;
    return nullptr;
}

Expected<Layout> parseLayout(const uint8_t* data, size_t size) {
    if (size == 0 || data == nullptr) return invalidModel("the file is empty (0 bytes): not a Kiln plan");
    if (std::memcmp(data, kMagic, std::min<size_t>(size, sizeof(kMagic))) != 0) return notAPlan(data, size);
    if (size < kHeaderSize) return truncated(size, kHeaderSize, true);

    Layout layout;
    Header& h = layout.header;
    h.formatVersion = loadU32(data + 8);
    h.headerSize = loadU32(data + 12);
    h.fileSize = loadU64(data + 16);
    h.sectionCount = loadU32(data + 24);
    h.flags = loadU32(data + 28);
    h.tableChecksum = loadU64(data + 32);
    h.headerChecksum = loadU64(data + kHeaderChecksumOffset);
    const uint64_t headerHash = xxhash64(data, kHeaderChecksumOffset);
    // The version comes before the other fields: another version may lay out everything after
    // it differently (even the header checksum). A wild number with a bad checksum is damage.
    if (h.formatVersion != kFormatVersion && (headerHash == h.headerChecksum || h.formatVersion < 256))
        return unsupported("plan format version " + std::to_string(h.formatVersion) +
                           " is not supported by this Kiln (reads version " + std::to_string(kFormatVersion) +
                           "); rebuild the plan with this version" +
                           (h.formatVersion > kFormatVersion ? " or open it with a newer Kiln" : ""));
    if (headerHash != h.headerChecksum)
        return invalidModel("plan header checksum mismatch (stored " + hex64(h.headerChecksum) + ", computed " +
                            hex64(headerHash) + "): the file is corrupted");
    if (h.headerSize != kHeaderSize)
        return invalidModel("plan header size is " + std::to_string(h.headerSize) + " bytes, version " +
                            std::to_string(kFormatVersion) + " headers are " + std::to_string(kHeaderSize));
    if (h.sectionCount == 0 || h.sectionCount > kMaxSections)
        return invalidModel("plan header lists " + std::to_string(h.sectionCount) + " sections (1 to " +
                            std::to_string(kMaxSections) + " expected)");
    const uint64_t tableEnd = kHeaderSize + uint64_t(h.sectionCount) * kSectionEntrySize;
    if (h.fileSize < tableEnd + kTrailerSize)
        return invalidModel("plan header gives a file size of " + withCommas(h.fileSize) +
                            " bytes, too small for its " + std::to_string(h.sectionCount) + " sections");
    if (size < tableEnd) return truncated(size, h.fileSize, false);
    const uint64_t tableHash = xxhash64(data + kHeaderSize, tableEnd - kHeaderSize);
    if (tableHash != h.tableChecksum)
        return invalidModel("plan section table checksum mismatch (stored " + hex64(h.tableChecksum) +
                            ", computed " + hex64(tableHash) + "): the file is corrupted");
    for (uint32_t i = 0; i < h.sectionCount; ++i) {
        const uint8_t* e = data + kHeaderSize + size_t(i) * kSectionEntrySize;
        SectionInfo s;
        s.id = loadU32(e);
        s.offset = loadU64(e + 8);
        s.size = loadU64(e + 16);
        s.checksum = loadU64(e + 24);
        layout.sections.push_back(s);
    }
    KILN_RETURN_IF_ERROR(checkSections(h, layout.sections));
    return layout;
}

Status truncatedStatus(uint64_t have, uint64_t need) { return truncated(have, need, false); }

}  // namespace detail

Expected<std::vector<SectionInfo>> readSectionTable(const void* data, size_t size) {
    KILN_ASSIGN_OR_RETURN(detail::Layout layout, detail::parseLayout(static_cast<const uint8_t*>(data), size));
    return layout.sections;
}

}  // namespace kiln::plan
