#include "ops/common.h"

namespace kiln::ops {

void registerActivationOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
