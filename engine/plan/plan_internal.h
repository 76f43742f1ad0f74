// Shared by the plan writer and reader (not installed, not used outside engine/plan/):
// little-endian fields, bounded CBOR parsing, typed field access that reports a Status instead
// of throwing, and the weights blob.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/host_tensor.h"
#include "core/status.h"
#include "plan/plan_format.h"

namespace kiln::plan::detail {

using Json = nlohmann::json;

// --- little-endian fields ---
inline uint32_t loadU32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t loadU64(const uint8_t* p) { return uint64_t(loadU32(p)) | uint64_t(loadU32(p + 4)) << 32; }
inline void storeU32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline void storeU64(uint8_t* p, uint64_t v) {
    storeU32(p, uint32_t(v));
    storeU32(p + 4, uint32_t(v >> 32));
}

uint64_t xxhash64(const void* data, size_t size);
inline uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
// "0x1f2e3d4c5b6a7988"
std::string hex64(uint64_t v);
// "56,789"
std::string withCommas(uint64_t v);

// Header fields (docs/plan-format.md, "Header").
struct Header {
    uint32_t formatVersion = 0;
    uint32_t headerSize = 0;
    uint64_t fileSize = 0;
    uint32_t sectionCount = 0;
    uint32_t flags = 0;
    uint64_t tableChecksum = 0;
    uint64_t headerChecksum = 0;
};
inline constexpr size_t kHeaderChecksumOffset = 40;  // the header checksum covers bytes [0, 40)

// Checks magic, version, header size and header checksum; then that the section table lies
// inside the first `size` bytes and matches its checksum, and that every section lies inside
// the file the header describes (after the table, before the trailer, 64-byte aligned,
// not overlapping another, ids unique). `size` may be smaller than the file (readPassport).
struct Layout {
    Header header;
    std::vector<SectionInfo> sections;  // in table order
    const SectionInfo* find(SectionId id) const;
};
Expected<Layout> parseLayout(const uint8_t* data, size_t size);
// "plan file is truncated: 1,234 of 56,789 bytes"
Status truncatedStatus(uint64_t have, uint64_t need);

// --- CBOR ---
// nlohmann's CBOR reader, with nesting limited (a hostile file cannot exhaust the stack) and
// every exception turned into an InvalidModel Status naming the section.
Expected<Json> parseCbor(const uint8_t* data, size_t size, const std::string& section);
Expected<std::vector<uint8_t>> toCbor(const Json& j, const std::string& section);

// Typed access to one CBOR object; every error names where it happened
// ("section NETWORK, value 'conv1.weight': field 'dtype' is not an integer").
class Fields {
public:
    Fields(const Json& j, std::string where) : m_j(j), m_where(std::move(where)) {}
    Status checkObject() const;
    const std::string& where() const { return m_where; }
    Status error(const std::string& what) const { return invalidModel(m_where + ": " + what); }

    Status str(const char* key, std::string& out) const;
    Status i64(const char* key, int64_t& out) const;
    Status i32(const char* key, int& out) const;
    Status u64(const char* key, uint64_t& out) const;
    Status f64(const char* key, double& out) const;
    Status f32(const char* key, float& out) const;
    Status boolean(const char* key, bool& out) const;
    Status strings(const char* key, std::vector<std::string>& out) const;
    Status ints(const char* key, std::vector<int64_t>& out) const;
    // The array (or object) under key; error when absent or of another type.
    Expected<const Json*> array(const char* key) const;
    Expected<const Json*> object(const char* key) const;
    Expected<const Json*> any(const char* key) const;

private:
    const Json& m_j;
    std::string m_where;
};
Status jsonToInt64(const Json& v, int64_t& out);

// --- weights ---
// The WEIGHTS section under construction: each tensor 64-byte aligned, tensors that share a
// buffer region stored once.
class WeightsBuilder {
public:
    // {"dtype", "dims", "offset", "size"}
    Json add(const HostTensor& t);
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
    std::map<std::pair<const void*, size_t>, uint64_t> m_seen;
};

// The WEIGHTS section being read.
struct WeightsView {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    // Validates the reference (dtype, dims, byte size == numel * element size, inside WEIGHTS)
    // and copies the bytes into a new HostTensor.
    Expected<HostTensor> tensor(const Json& ref, const std::string& where) const;
};

// --- section codecs (plan_network_codec.cpp, plan_records_codec.cpp) ---
Json encodePassport(const Passport& p);
Status decodePassport(const Json& j, Passport& p);
Expected<Json> encodeNetwork(const ir::Graph& g, const std::vector<LayerRecord>& layers, WeightsBuilder& weights);
// Rebuilds plan.network and plan.layers.
Status decodeNetwork(const Json& j, const WeightsView& weights, Plan& plan);
Json encodeMemory(const MemoryPlan& m);
Status decodeMemory(const Json& j, const ir::Graph& g, MemoryPlan& m);
Json encodeProfiles(const std::vector<Profile>& profiles);
Status decodeProfiles(const Json& j, const ir::Graph& g, std::vector<Profile>& profiles);
Json encodeCalibration(const std::vector<CalibrationRecord>& records);
Status decodeCalibration(const Json& j, std::vector<CalibrationRecord>& records);
Json encodePlugins(const std::vector<PluginRecord>& records);
Status decodePlugins(const Json& j, const ir::Graph& network, std::vector<PluginRecord>& records);

}  // namespace kiln::plan::detail
