// Bytes -> Plan. Order of checks: header and section table (plan_layout.cpp), file size, the
// whole-file checksum, each section's checksum, required sections, then decoding, in which every
// name, offset and size is checked before use, and finally Graph::verify.
#include <exception>
#include <new>

#include "core/file_io.h"
#include "plan/plan_internal.h"

namespace kiln::plan {

namespace {

using detail::Json;

Status checkSection(const uint8_t* data, const SectionInfo& s) {
    const uint64_t computed = detail::xxhash64(data + s.offset, s.size);
    if (computed == s.checksum) return Status::ok();
    return invalidModel("section " + sectionName(s.id) + ": checksum mismatch (stored " + detail::hex64(s.checksum) +
                        ", computed " + detail::hex64(computed) + "): the file is corrupted");
}

Expected<const SectionInfo*> required(const detail::Layout& layout, SectionId id) {
    const SectionInfo* s = layout.find(id);
    if (!s) return invalidModel("the plan has no " + sectionName(uint32_t(id)) + " section");
    return s;
}

Expected<Json> cborOf(const uint8_t* data, const SectionInfo& s) {
    return detail::parseCbor(data + s.offset, s.size, sectionName(s.id));
}

Expected<Plan> decode(const uint8_t* data, size_t size) {
    KILN_ASSIGN_OR_RETURN(detail::Layout layout, detail::parseLayout(data, size));
    const uint64_t fileSize = layout.header.fileSize;
    if (size < fileSize) return detail::truncatedStatus(size, fileSize);
    if (size > fileSize)
        return invalidModel("plan file is " + detail::withCommas(size) + " bytes but its header says " +
                            detail::withCommas(fileSize) + ": extra bytes were appended or the header is damaged");
    const uint64_t stored = detail::loadU64(data + fileSize - kTrailerSize);
    const uint64_t computed = detail::xxhash64(data, fileSize - kTrailerSize);
    if (stored != computed)
        return invalidModel("plan checksum mismatch (stored " + detail::hex64(stored) + ", computed " +
                            detail::hex64(computed) + "): the file is corrupted");
    // Sections of ids this version does not know are checked too, then skipped.
    for (const SectionInfo& s : layout.sections) KILN_RETURN_IF_ERROR(checkSection(data, s));

    KILN_ASSIGN_OR_RETURN(const SectionInfo* passport, required(layout, SectionId::Passport));
    KILN_ASSIGN_OR_RETURN(const SectionInfo* network, required(layout, SectionId::Network));
    KILN_ASSIGN_OR_RETURN(const SectionInfo* weights, required(layout, SectionId::Weights));
    KILN_ASSIGN_OR_RETURN(const SectionInfo* memory, required(layout, SectionId::Memory));
    KILN_ASSIGN_OR_RETURN(const SectionInfo* bindings, required(layout, SectionId::Bindings));

    Plan plan;
    {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *passport));
        KILN_RETURN_IF_ERROR(detail::decodePassport(j, plan.passport));
    }
    {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *network));
        detail::WeightsView view{data + weights->offset, weights->size};
        KILN_RETURN_IF_ERROR(detail::decodeNetwork(j, view, plan));
    }
    {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *memory));
        KILN_RETURN_IF_ERROR(detail::decodeMemory(j, *plan.network, plan.memory));
    }
    {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *bindings));
        KILN_RETURN_IF_ERROR(detail::decodeProfiles(j, *plan.network, plan.profiles));
    }
    if (const SectionInfo* calibration = layout.find(SectionId::Calibration)) {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *calibration));
        KILN_RETURN_IF_ERROR(detail::decodeCalibration(j, plan.calibration));
    }
    if (const SectionInfo* plugins = layout.find(SectionId::Plugins)) {
        KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *plugins));
        KILN_RETURN_IF_ERROR(detail::decodePlugins(j, *plan.network, plan.plugins));
    }
    if (const SectionInfo* log = layout.find(SectionId::PassLog))
        plan.passLogJson.assign(reinterpret_cast<const char*>(data + log->offset), log->size);
    return plan;
}

Expected<Passport> decodePassportOnly(const uint8_t* data, size_t size) {
    KILN_ASSIGN_OR_RETURN(detail::Layout layout, detail::parseLayout(data, size));
    KILN_ASSIGN_OR_RETURN(const SectionInfo* s, required(layout, SectionId::Passport));
    if (s->offset + s->size > size) return detail::truncatedStatus(size, layout.header.fileSize);
    KILN_RETURN_IF_ERROR(checkSection(data, *s));
    KILN_ASSIGN_OR_RETURN(Json j, cborOf(data, *s));
    Passport p;
    KILN_RETURN_IF_ERROR(detail::decodePassport(j, p));
    return p;
}

// No exception leaves libkiln: nlohmann's are caught where they arise; this is for allocation
// failures on a huge (but consistent) plan.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return outOfRange("not enough memory to load the plan");
    } catch (const std::exception& e) {
        return invalidModel(std::string("the plan could not be read: ") + e.what());
    }
}

}  // namespace

Expected<Plan> deserializePlan(const void* data, size_t size) {
    return guarded([&] { return decode(static_cast<const uint8_t*>(data), size); });
}

Expected<Passport> readPassport(const void* data, size_t size) {
    return guarded([&] { return decodePassportOnly(static_cast<const uint8_t*>(data), size); });
}

Expected<Plan> readPlanFile(const std::string& path) {
    auto bytes = readWholeFile(path);
    if (!bytes) return std::move(bytes).takeStatus();
    auto plan = deserializePlan(bytes->data(), bytes->size());
    if (!plan) return std::move(plan).takeStatus().prefix("'" + path + "'");
    return plan;
}

}  // namespace kiln::plan
