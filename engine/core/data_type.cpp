#include "core/data_type.h"

namespace kiln {

size_t dataTypeSize(DataType t) {
    switch (t) {
    case DataType::Float32: case DataType::Int32: case DataType::UInt32: return 4;
    case DataType::Float64: case DataType::Int64: case DataType::UInt64: return 8;
    case DataType::Float16: case DataType::BFloat16: case DataType::Int16: case DataType::UInt16: return 2;
    case DataType::Int8: case DataType::UInt8: case DataType::Bool: return 1;
    case DataType::Undefined: return 0;
    }
    return 0;
}

const char* dataTypeName(DataType t) {
    switch (t) {
    case DataType::Undefined: return "undefined";
    case DataType::Float32: return "float32";
    case DataType::UInt8: return "uint8";
    case DataType::Int8: return "int8";
    case DataType::UInt16: return "uint16";
    case DataType::Int16: return "int16";
    case DataType::Int32: return "int32";
    case DataType::Int64: return "int64";
    case DataType::Bool: return "bool";
    case DataType::Float16: return "float16";
    case DataType::Float64: return "float64";
    case DataType::UInt32: return "uint32";
    case DataType::UInt64: return "uint64";
    case DataType::BFloat16: return "bfloat16";
    }
    return "unknown";
}

bool isFloatingPoint(DataType t) {
    return t == DataType::Float32 || t == DataType::Float64 || t == DataType::Float16 || t == DataType::BFloat16;
}
bool isSignedInteger(DataType t) {
    return t == DataType::Int8 || t == DataType::Int16 || t == DataType::Int32 || t == DataType::Int64;
}
bool isUnsignedInteger(DataType t) {
    return t == DataType::UInt8 || t == DataType::UInt16 || t == DataType::UInt32 || t == DataType::UInt64;
}

Expected<DataType> dataTypeFromOnnx(int onnxType) {
    switch (onnxType) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 10: case 11: case 12: case 13: case 16:
        return static_cast<DataType>(onnxType);
    case 0: return invalidModel("tensor data type is UNDEFINED");
    case 8: return unsupported("string tensors are not supported");
    case 14: return unsupported("complex64 tensors are not supported");
    case 15: return unsupported("complex128 tensors are not supported");
    case 17: case 18: case 19: case 20: return unsupported("float8 tensors are not supported");
    default: return invalidModel("unknown tensor data type " + std::to_string(onnxType));
    }
}

Expected<DataType> dataTypeFromName(const std::string& name) {
    for (int i : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16}) {
        auto t = static_cast<DataType>(i);
        if (name == dataTypeName(t)) return t;
    }
    if (name == "float" || name == "fp32") return DataType::Float32;
    if (name == "half" || name == "fp16") return DataType::Float16;
    if (name == "double") return DataType::Float64;
    return invalidArgument("unknown data type name '" + name + "'");
}

}  // namespace kiln
