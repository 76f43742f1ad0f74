#include "ops/common.h"

namespace kiln::ops {

void registerTensorOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
