#include "ops/common.h"

namespace kiln::ops {

void registerPoolOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
