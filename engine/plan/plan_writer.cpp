// Plan -> bytes: encode each section, lay them out 64-byte aligned after the header and the
// section table, then fill in the checksums (sections, table, header, and the trailing
// whole-file hash). Deterministic: the same Plan gives the same bytes.
#include <exception>
#include <new>
#include <string>

#include "core/file_io.h"
#include "plan/plan_internal.h"

namespace kiln::plan {

namespace {

using detail::Json;

struct Section {
    SectionId id;
    std::vector<uint8_t> bytes;
};

Status addCbor(std::vector<Section>& sections, SectionId id, const Json& j) {
    KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, detail::toCbor(j, sectionName(uint32_t(id))));
    sections.push_back({id, std::move(bytes)});
    return Status::ok();
}

Expected<std::vector<Section>> encodeSections(const Plan& plan) {
    if (!plan.network) return invalidArgument("the plan has no network");
    if (plan.passport.backend.empty()) return invalidArgument("the plan's passport names no backend");
    std::vector<Section> sections;
    detail::WeightsBuilder weights;
    KILN_ASSIGN_OR_RETURN(Json network, detail::encodeNetwork(*plan.network, plan.layers, weights));
    KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Passport, detail::encodePassport(plan.passport)));
    KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Network, network));
    sections.push_back({SectionId::Weights, std::move(weights.bytes())});
    KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Memory, detail::encodeMemory(plan.memory)));
    KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Bindings, detail::encodeProfiles(plan.profiles)));
    KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Calibration, detail::encodeCalibration(plan.calibration)));
    if (!plan.plugins.empty())
        KILN_RETURN_IF_ERROR(addCbor(sections, SectionId::Plugins, detail::encodePlugins(plan.plugins)));
    sections.push_back({SectionId::PassLog, std::vector<uint8_t>(plan.passLogJson.begin(), plan.passLogJson.end())});
    return sections;
}

Expected<std::vector<uint8_t>> layOut(const Plan& plan) {
    KILN_ASSIGN_OR_RETURN(std::vector<Section> sections, encodeSections(plan));

    // [header][section table][pad][section 0][pad][section 1]...[pad][trailer]
    const uint64_t tableEnd = kHeaderSize + uint64_t(sections.size()) * kSectionEntrySize;
    std::vector<SectionInfo> table;
    uint64_t cursor = tableEnd;
    for (const Section& s : sections) {
        cursor = detail::alignUp(cursor, kSectionAlignment);
        table.push_back({uint32_t(s.id), cursor, s.bytes.size(), detail::xxhash64(s.bytes.data(), s.bytes.size())});
        cursor += s.bytes.size();
    }
    const uint64_t fileSize = detail::alignUp(cursor, 8) + kTrailerSize;
    std::vector<uint8_t> out(fileSize, 0);

    for (size_t i = 0; i < sections.size(); ++i) {
        uint8_t* e = out.data() + kHeaderSize + i * kSectionEntrySize;
        detail::storeU32(e, table[i].id);
        detail::storeU32(e + 4, 0);  // reserved
        detail::storeU64(e + 8, table[i].offset);
        detail::storeU64(e + 16, table[i].size);
        detail::storeU64(e + 24, table[i].checksum);
        if (!sections[i].bytes.empty())
            std::memcpy(out.data() + table[i].offset, sections[i].bytes.data(), sections[i].bytes.size());
    }

    uint8_t* h = out.data();
    std::memcpy(h, kMagic, sizeof(kMagic));
    detail::storeU32(h + 8, kFormatVersion);
    detail::storeU32(h + 12, kHeaderSize);
    detail::storeU64(h + 16, fileSize);
    detail::storeU32(h + 24, uint32_t(sections.size()));
    detail::storeU32(h + 28, 0);  // flags: none defined in version 1
    detail::storeU64(h + 32, detail::xxhash64(h + kHeaderSize, tableEnd - kHeaderSize));
    detail::storeU64(h + detail::kHeaderChecksumOffset, detail::xxhash64(h, detail::kHeaderChecksumOffset));
    detail::storeU64(h + fileSize - kTrailerSize, detail::xxhash64(h, fileSize - kTrailerSize));
    return out;
}

}  // namespace

Expected<std::vector<uint8_t>> serializePlan(const Plan& plan) {
    // No exception leaves libkiln: an allocation failure for a huge plan becomes a Status.
    try {
        return layOut(plan);
    } catch (const std::bad_alloc&) {
        return outOfRange("not enough memory to serialize the plan");
    } catch (const std::exception& e) {
        return internalError(std::string("serializing the plan failed: ") + e.what());
    }
}

Status writePlanFile(const std::string& path, const Plan& plan) {
    KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, serializePlan(plan));
    std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    bytes = {};
    return writeFileAtomically(path, text);
}

}  // namespace kiln::plan
