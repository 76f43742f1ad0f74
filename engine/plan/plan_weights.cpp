// The WEIGHTS section: raw tensor bytes, each 64-byte aligned, referenced from NETWORK by
// {dtype, dims, offset, size} (offset relative to the section's start).
#include "plan/plan_internal.h"

namespace kiln::plan::detail {

Json WeightsBuilder::add(const HostTensor& t) {
    const size_t bytes = t.byteSize();
    Json dims = Json::array();
    for (int64_t d : t.dims()) dims.push_back(d);
    // Tensors that are views of the same bytes (a clone()d graph shares constant buffers) are
    // stored once; the reader gives each its own copy.
    auto key = std::make_pair(t.raw(), bytes);
    uint64_t offset = 0;
    if (auto it = m_seen.find(key); bytes > 0 && it != m_seen.end()) {
        offset = it->second;
    } else {
        offset = alignUp(m_bytes.size(), kSectionAlignment);
        m_bytes.resize(offset + bytes, 0);
        if (bytes) std::memcpy(m_bytes.data() + offset, t.raw(), bytes);
        if (bytes) m_seen[key] = offset;
    }
    return Json{{"dtype", dataTypeToOnnx(t.dtype())}, {"dims", std::move(dims)}, {"offset", offset},
                {"size", uint64_t(bytes)}};
}

Expected<HostTensor> WeightsView::tensor(const Json& ref, const std::string& where) const {
    Fields f(ref, where);
    KILN_RETURN_IF_ERROR(f.checkObject());
    int dtypeCode = 0;
    std::vector<int64_t> dims;
    uint64_t offset = 0, bytes = 0;
    KILN_RETURN_IF_ERROR(f.i32("dtype", dtypeCode));
    KILN_RETURN_IF_ERROR(f.ints("dims", dims));
    KILN_RETURN_IF_ERROR(f.u64("offset", offset));
    KILN_RETURN_IF_ERROR(f.u64("size", bytes));
    auto dtype = dataTypeFromOnnx(dtypeCode);
    if (!dtype || *dtype == DataType::Undefined)
        return f.error("tensor data type " + std::to_string(dtypeCode) + " is not valid");
    auto numel = checkedNumel(dims);
    if (!numel) return f.error("tensor dims " + dimsToString(dims) + " are invalid: " + numel.status().message());
    const uint64_t expected = uint64_t(*numel) * dataTypeSize(*dtype);  // numel <= 2^40: no overflow
    if (bytes != expected)
        return f.error("tensor of " + dimsToString(dims) + " " + dataTypeName(*dtype) + " needs " +
                       withCommas(expected) + " bytes but the plan stores " + withCommas(bytes));
    if (offset % kSectionAlignment != 0)
        return f.error("tensor offset " + withCommas(offset) + " is not a multiple of " +
                       std::to_string(kSectionAlignment));
    if (offset > size || bytes > size - offset)
        return f.error("tensor bytes [" + withCommas(offset) + ", +" + withCommas(bytes) +
                       ") lie outside the WEIGHTS section (" + withCommas(size) + " bytes)");
    auto t = HostTensor::create(*dtype, dims);
    if (!t) return f.error(t.status().message());
    if (bytes) std::memcpy(t->raw(), data + offset, bytes);
    if (*dtype == DataType::Bool) {
        // Any other byte would be an invalid C++ bool.
        const uint8_t* b = data + offset;
        for (uint64_t i = 0; i < bytes; ++i)
            if (b[i] > 1) return f.error("bool tensor holds byte value " + std::to_string(b[i]));
    }
    return t;
}

}  // namespace kiln::plan::detail
