// PLACEHOLDER until its kernels are written.
#include "ops/common.h"

namespace kiln::ops {

void registerPatternOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
