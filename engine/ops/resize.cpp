#include "ops/common.h"

namespace kiln::ops {

void registerResizeOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
