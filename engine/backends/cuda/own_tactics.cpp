// Kiln's own kernels as tactics of the CUDA backend: pooling, reductions, softmax, the
// normalizations and fused attention. Each family registers from its own file
// (own_tactics_*.cpp); the kernels are in kernels_*.cu, declared in own_kernels.h.
#include "backends/cuda/layer_kernel.h"
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda {

namespace own {

Status requireFloatInput(const TacticQuery& q, int i, const char* what) {
    const DataType t = size_t(i) < q.shapes.inputTypes.size() ? q.shapes.inputTypes[size_t(i)] : DataType::Undefined;
    if (isFloatStorage(t)) return Status::ok();
    return unsupported(std::string(what) + " of type " + dataTypeName(t) +
                       " is not implemented on CUDA (float32 and float16 are)");
}

int64_t product(const std::vector<int64_t>& dims, size_t from, size_t to) {
    int64_t p = 1;
    for (size_t i = from; i < dims.size() && i < to; ++i) p *= dims[i];
    return p;
}

}  // namespace own

void registerOwnKernelTactics(TacticRegistry& r) {
    registerOwnPoolTactics(r);
    registerOwnReduceTactics(r);
    registerOwnNormTactics(r);
    registerOwnAttentionTactics(r);
}

}  // namespace kiln::cuda
