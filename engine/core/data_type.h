// Element types. The numbering follows ONNX's TensorProto.DataType so conversion is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "core/half.h"
#include "core/status.h"

namespace kiln {

enum class DataType : int {
    Undefined = 0,
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
};

size_t dataTypeSize(DataType t);               // bytes per element, 0 for Undefined
const char* dataTypeName(DataType t);          // "float32", "int64", ...
bool isFloatingPoint(DataType t);              // float16/bfloat16/float32/float64
bool isSignedInteger(DataType t);
bool isUnsignedInteger(DataType t);
inline bool isInteger(DataType t) { return isSignedInteger(t) || isUnsignedInteger(t); }

// ONNX TensorProto.DataType value -> DataType. Strings, complex and the float8 family are
// rejected with a message that names them.
Expected<DataType> dataTypeFromOnnx(int onnxType);
inline int dataTypeToOnnx(DataType t) { return static_cast<int>(t); }
Expected<DataType> dataTypeFromName(const std::string& name);

// C++ storage type <-> DataType.
template <typename T> struct TypeOf;
template <> struct TypeOf<float> { static constexpr DataType value = DataType::Float32; };
template <> struct TypeOf<double> { static constexpr DataType value = DataType::Float64; };
template <> struct TypeOf<Half> { static constexpr DataType value = DataType::Float16; };
template <> struct TypeOf<BFloat16> { static constexpr DataType value = DataType::BFloat16; };
template <> struct TypeOf<int8_t> { static constexpr DataType value = DataType::Int8; };
template <> struct TypeOf<int16_t> { static constexpr DataType value = DataType::Int16; };
template <> struct TypeOf<int32_t> { static constexpr DataType value = DataType::Int32; };
template <> struct TypeOf<int64_t> { static constexpr DataType value = DataType::Int64; };
template <> struct TypeOf<uint8_t> { static constexpr DataType value = DataType::UInt8; };
template <> struct TypeOf<uint16_t> { static constexpr DataType value = DataType::UInt16; };
template <> struct TypeOf<uint32_t> { static constexpr DataType value = DataType::UInt32; };
template <> struct TypeOf<uint64_t> { static constexpr DataType value = DataType::UInt64; };
template <> struct TypeOf<bool> { static constexpr DataType value = DataType::Bool; };

// The type arithmetic is done in: float for the 16-bit floats, the type itself otherwise.
template <typename T> struct AccTypeOf { using type = T; };
template <> struct AccTypeOf<Half> { using type = float; };
template <> struct AccTypeOf<BFloat16> { using type = float; };
template <typename T> using AccType = typename AccTypeOf<T>::type;

template <typename T> inline constexpr bool isFloatLike =
    std::is_floating_point_v<T> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// Type lists for dispatch.
template <typename... Ts> struct TypeList {};
using FloatTypes = TypeList<float, double, Half, BFloat16>;
using SignedIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t>;
using UnsignedIntTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
using IntTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using NumericTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                              uint8_t, uint16_t, uint32_t, uint64_t>;
using SignedNumericTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t>;
using AllTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                          uint8_t, uint16_t, uint32_t, uint64_t, bool>;

namespace detail {
template <typename F, typename T, typename... Ts>
Status dispatchImpl(DataType t, F& f, TypeList<T, Ts...>) {
    if (t == TypeOf<T>::value) return f.template operator()<T>();
    if constexpr (sizeof...(Ts) > 0) return dispatchImpl(t, f, TypeList<Ts...>{});
    else return unsupported(std::string("data type ") + dataTypeName(t) + " is not supported here");
}
}  // namespace detail

// dispatchType(FloatTypes{}, dtype, [&]<typename T>() -> Status { ... });
template <typename List, typename F>
Status dispatchType(List list, DataType t, F&& f) {
    return detail::dispatchImpl(t, f, list);
}

}  // namespace kiln
