#include "ops/common.h"

namespace kiln::ops {

void registerSoftmaxOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
