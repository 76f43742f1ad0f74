// Private to the Reduce family (reduce.cpp, reduce_axis.cpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include "ops/op_registry.h"

namespace kiln::ops {

// The type reductions accumulate in: float for the 16-bit floats, the type itself for float
// and double, and the 64-bit integer of the same signedness for integers.
template <typename T>
using ReduceAcc = std::conditional_t<isFloatLike<T>, AccType<T>,
                                     std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// ArgMax, ArgMin, CumSum and TopK (reduce_axis.cpp): the single-axis ops.
void registerAxisReduceOps(OpRegistry& r);

}  // namespace kiln::ops
