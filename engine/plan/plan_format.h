// The .plan file: writing, reading, and the passport checks. The layout is specified in
// docs/plan-format.md: a fixed little-endian header, a section table, 64-byte aligned sections
// (CBOR for structured data, raw bytes for weights), a per-section and a whole-file XXH64.
// The reader checks every offset and size before it touches the bytes behind it, so a truncated,
// corrupted or hostile file gives a Status, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "plan/plan.h"

namespace kiln::plan {

// --- layout constants (docs/plan-format.md, "Header" and "Section table") ---
inline constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'P', 'L', 'A', 'N'};
inline constexpr uint32_t kHeaderSize = 64;
inline constexpr uint32_t kSectionEntrySize = 32;
inline constexpr uint64_t kSectionAlignment = 64;  // every section and every weight tensor
inline constexpr uint32_t kTrailerSize = 8;        // XXH64 of every byte before it
inline constexpr uint32_t kMaxSections = 1024;

enum class SectionId : uint32_t {
    Passport = 1,
    Network = 2,
    Weights = 3,
    Memory = 4,
    Bindings = 5,
    Calibration = 6,
    PassLog = 7,
    Plugins = 8,  // only in plans with plugin layers
};
// "PASSPORT", "NETWORK", ...; "section 42" for ids this version does not know.
std::string sectionName(uint32_t id);

// One row of the section table, as stored.
struct SectionInfo {
    uint32_t id = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t checksum = 0;  // XXH64 of the section's bytes
};

// --- writing ---
// The whole file in memory. Fails (InvalidArgument) when the plan is not self-consistent:
// no network, layer records not parallel to the network's nodes, an invalid constant.
Expected<std::vector<uint8_t>> serializePlan(const Plan& plan);
// serializePlan, then an atomic write (temp file in the same folder + rename).
Status writePlanFile(const std::string& path, const Plan& plan);

// --- reading ---
// Checks everything (header, checksums, bounds, references, Graph::verify) and copies the
// weights out, so the Plan does not refer to `data` afterwards.
Expected<Plan> deserializePlan(const void* data, size_t size);
Expected<Plan> readPlanFile(const std::string& path);
// Header, section table and PASSPORT only, each checked; the weights are neither hashed nor
// decoded. `data` may be the whole file or just its beginning (through the PASSPORT section).
Expected<Passport> readPassport(const void* data, size_t size);
// The checked section table (header and table checksums verified; sections not hashed).
Expected<std::vector<SectionInfo>> readSectionTable(const void* data, size_t size);

// --- passports (passport.cpp) ---
// The machine this process runs on, as a CPU backend: KILN_VERSION, "cpu", /proc/cpuinfo's
// model name, logical core count, now.
Passport currentCpuPassport();
// May a plan built as `plan` run where `here` describes the device? A CPU plan runs on any CPU.
// A CUDA plan needs a GPU with the same name, compute capability and CUDA / cuDNN major
// versions; allowForeignDevice accepts every difference but the compute capability (kernels
// built for another one do not load). A different Kiln version is not an error (see
// passportWarnings).
Status checkPassportCompatible(const Passport& plan, const Passport& here, bool allowForeignDevice);
// Differences that do not stop a plan from running but that a caller should show
// ("the plan was built by Kiln 0.1.0, this is 0.2.0"), one sentence each.
std::vector<std::string> passportWarnings(const Passport& plan, const Passport& here);
// Lower-case hex SHA-256 (for Passport::sourceModelSha256).
std::string sha256Hex(const void* data, size_t size);

}  // namespace kiln::plan
