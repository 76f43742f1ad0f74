#include "ops/common.h"

namespace kiln::ops {

void registerGeneratorOps(OpRegistry& r) { (void)r; }

}  // namespace kiln::ops
