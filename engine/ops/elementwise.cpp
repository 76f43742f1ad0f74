#include "ops/common.h"

namespace kiln::ops {

void registerElementwiseOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
