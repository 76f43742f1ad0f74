#include "ops/common.h"

namespace kiln::ops {

void registerMatMulOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
