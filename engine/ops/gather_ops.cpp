#include "ops/common.h"

namespace kiln::ops {

void registerGatherOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
