#include "ops/common.h"

namespace kiln::ops {

void registerNormalizationOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
