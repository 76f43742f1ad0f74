#include "ops/common.h"

namespace kiln::ops {

void registerQuantizeOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
