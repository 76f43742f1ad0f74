#include "onnx/tensor_proto.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <onnx/onnx_pb.h>

namespace kiln::onnx {

namespace fs = std::filesystem;
namespace pb = ::onnx;

Expected<std::string> readExternalData(const std::string& baseDir, const std::string& location, int64_t offset,
                                       int64_t length, const std::string& tensorName) {
    const std::string what = "external data of tensor '" + tensorName + "'";
    if (baseDir.empty()) return invalidModel(what + " cannot be resolved: the model was not loaded from a file");
    fs::path loc(location);
    if (location.empty()) return invalidModel(what + " has no location");
    if (loc.is_absolute()) return invalidModel(what + ": absolute path '" + location + "' refused (must be relative to the model's folder)");
    fs::path norm = loc.lexically_normal();
    if (!norm.empty() && *norm.begin() == "..")
        return invalidModel(what + ": path '" + location + "' leaves the model's folder; refused");
    std::error_code ec;
    fs::path base = fs::weakly_canonical(fs::path(baseDir), ec);
    fs::path full = fs::weakly_canonical(base / norm, ec);
    auto rel = full.lexically_relative(base);
    if (ec || rel.empty() || *rel.begin() == "..")
        return invalidModel(what + ": path '" + location + "' resolves outside the model's folder; refused");
    if (!fs::is_regular_file(full, ec)) return notFound(what + ": file '" + location + "' not found beside the model");
    const int64_t fileSize = static_cast<int64_t>(fs::file_size(full, ec));
    if (offset < 0 || offset > fileSize) return invalidModel(what + ": offset " + std::to_string(offset) + " is beyond the end of '" + location + "'");
    if (length < 0) length = fileSize - offset;
    if (length > fileSize - offset)
        return invalidModel(what + ": " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                            " run past the end of '" + location + "' (" + std::to_string(fileSize) + " bytes)");
    std::ifstream in(full, std::ios::binary);
    if (!in) return ioError(what + ": cannot open '" + location + "'");
    std::string bytes(static_cast<size_t>(length), '\0');
    in.seekg(offset);
    in.read(bytes.data(), length);
    if (!in) return ioError(what + ": reading '" + location + "' failed");
    return bytes;
}

Expected<std::string> readExternalTensorData(const pb::TensorProto& t, const std::string& baseDir) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
        try {
            if (kv.key() == "location") location = kv.value();
            else if (kv.key() == "offset") offset = std::stoll(kv.value());
            else if (kv.key() == "length") length = std::stoll(kv.value());
        } catch (const std::exception&) {
            return invalidModel("tensor '" + t.name() + "': bad external-data " + kv.key() + " '" + kv.value() + "'");
        }
    }
    return readExternalData(baseDir, location, offset, length, t.name());
}

namespace {

template <typename Src, typename Dst>
void copyField(const Src& field, Dst* out) {
    for (int i = 0; i < field.size(); ++i) out[i] = static_cast<Dst>(field.Get(i));
}

Status fillFromTypedFields(const pb::TensorProto& p, HostTensor& t, const std::string& name) {
    auto countError = [&](int64_t have) {
        return invalidModel("tensor '" + name + "' holds " + std::to_string(have) + " value(s) but its shape " +
                            dimsToString(t.dims()) + " needs " + std::to_string(t.numel()));
    };
    const int64_t n = t.numel();
    switch (t.dtype()) {
    case DataType::Float32:
        if (p.float_data_size() != n) return countError(p.float_data_size());
        copyField(p.float_data(), t.data<float>());
        return Status::ok();
    case DataType::Float64:
        if (p.double_data_size() != n) return countError(p.double_data_size());
        copyField(p.double_data(), t.data<double>());
        return Status::ok();
    case DataType::Int64:
        if (p.int64_data_size() != n) return countError(p.int64_data_size());
        copyField(p.int64_data(), t.data<int64_t>());
        return Status::ok();
    case DataType::UInt32:
        if (p.uint64_data_size() != n) return countError(p.uint64_data_size());
        copyField(p.uint64_data(), t.data<uint32_t>());
        return Status::ok();
    case DataType::UInt64:
        if (p.uint64_data_size() != n) return countError(p.uint64_data_size());
        copyField(p.uint64_data(), t.data<uint64_t>());
        return Status::ok();
    case DataType::Float16: case DataType::BFloat16:
        if (p.int32_data_size() != n) return countError(p.int32_data_size());
        copyField(p.int32_data(), t.data<uint16_t>());
        return Status::ok();
    case DataType::Int32:
        if (p.int32_data_size() != n) return countError(p.int32_data_size());
        copyField(p.int32_data(), t.data<int32_t>());
        return Status::ok();
    case DataType::Int8: case DataType::Int16: case DataType::UInt8: case DataType::UInt16: case DataType::Bool:
        if (p.int32_data_size() != n) return countError(p.int32_data_size());
        for (int64_t i = 0; i < n; ++i) t.setDouble(i, p.int32_data(int(i)));
        return Status::ok();
    case DataType::Undefined: break;
    }
    return invalidModel("tensor '" + name + "' has no data type");
}

}  // namespace

Expected<HostTensor> tensorFromProto(const pb::TensorProto& p, const std::string& baseDir) {
    const std::string name = p.name();
    auto type = dataTypeFromOnnx(p.data_type());
    if (!type) return Status(type.status()).prefix("tensor '" + name + "'");
    if (p.has_segment()) return unsupported("tensor '" + name + "' is segmented; segments are not supported");
    std::vector<int64_t> dims(p.dims().begin(), p.dims().end());
    auto created = HostTensor::create(*type, dims);
    if (!created) return Status(created.status()).prefix("tensor '" + name + "'");
    HostTensor t = std::move(created).value();
    const size_t expectBytes = t.byteSize();

    if (p.data_location() == pb::TensorProto::EXTERNAL) {
        KILN_ASSIGN_OR_RETURN(std::string bytes, readExternalTensorData(p, baseDir));
        if (bytes.size() != expectBytes)
            return invalidModel("tensor '" + name + "': external data has " + std::to_string(bytes.size()) +
                                " bytes but " + dimsToString(dims) + " " + dataTypeName(*type) + " needs " +
                                std::to_string(expectBytes));
        std::memcpy(t.raw(), bytes.data(), expectBytes);
        return t;
    }
    if (p.has_raw_data()) {
        if (p.raw_data().size() != expectBytes)
            return invalidModel("tensor '" + name + "': raw data has " + std::to_string(p.raw_data().size()) +
                                " bytes but " + dimsToString(dims) + " " + dataTypeName(*type) + " needs " +
                                std::to_string(expectBytes));
        std::memcpy(t.raw(), p.raw_data().data(), expectBytes);
        if (t.dtype() == DataType::Bool)  // normalise to 0/1
            for (int64_t i = 0; i < t.numel(); ++i) t.data<uint8_t>()[i] = t.data<uint8_t>()[i] != 0;
        return t;
    }
    KILN_RETURN_IF_ERROR(fillFromTypedFields(p, t, name));
    return t;
}

void tensorToProto(const HostTensor& t, const std::string& name, pb::TensorProto* proto) {
    proto->set_name(name);
    proto->set_data_type(dataTypeToOnnx(t.dtype()));
    for (int64_t d : t.dims()) proto->add_dims(d);
    proto->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.byteSize()));
}

}  // namespace kiln::onnx
