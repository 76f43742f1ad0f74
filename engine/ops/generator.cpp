// Ops that create tensors: Constant, ConstantOfShape, Range, EyeLike.
#include <cmath>
#include <cstring>

#include "ops/common.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

namespace {

// Constant: exactly one of value (tensor), value_float(s), value_int(s). The tensor attribute
// is aliased: attributes are immutable and outputs are never written after the kernel.
Status constantKernel(KernelContext& ctx) {
    if (const ir::Attribute* a = ctx.node().attr("value"); a && a->is<HostTensor>()) {
        ctx.setOutput(0, a->get<HostTensor>());
        return Status::ok();
    }
    if (ctx.hasAttr("value_float")) {
        ctx.setOutput(0, HostTensor::fromVector<float>({}, {ctx.attrFloat("value_float", 0.0f)}));
        return Status::ok();
    }
    if (ctx.hasAttr("value_floats")) {
        const std::vector<float> v = ctx.attrFloats("value_floats");
        ctx.setOutput(0, HostTensor::fromVector<float>({int64_t(v.size())}, v));
        return Status::ok();
    }
    if (ctx.hasAttr("value_int")) {
        ctx.setOutput(0, HostTensor::fromVector<int64_t>({}, {ctx.attrInt("value_int", 0)}));
        return Status::ok();
    }
    if (ctx.hasAttr("value_ints")) {
        const std::vector<int64_t> v = ctx.attrInts("value_ints");
        ctx.setOutput(0, HostTensor::fromVector<int64_t>({int64_t(v.size())}, v));
        return Status::ok();
    }
    if (ctx.hasAttr("sparse_value") || ctx.hasAttr("value_string") || ctx.hasAttr("value_strings"))
        return ctx.error("sparse and string constants are not supported", StatusCode::Unsupported);
    return ctx.error("Constant has no value attribute");
}

// ConstantOfShape: a tensor of the given shape filled with value (a one-element tensor,
// float32 0 by default).
Status constantOfShapeKernel(KernelContext& ctx) {
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, intsFromInput(ctx, 0, {}));
    for (int64_t d : dims)
        if (d < 0) return ctx.error("shape has a negative dim: " + dimsToString(dims));
    HostTensor value = HostTensor::scalar(DataType::Float32, 0.0);
    if (const ir::Attribute* a = ctx.node().attr("value"); a && a->is<HostTensor>()) {
        value = a->get<HostTensor>();
        if (value.numel() != 1) return ctx.error("value must hold one element");
    }
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, value.dtype(), dims));
    fillElements(bytesOf(*out), out->numel(), bytesOf(value), dataTypeSize(value.dtype()));
    return Status::ok();
}

// The element count of Range: max(ceil((limit - start) / delta), 0), exact for integers.
template <typename T>
int64_t rangeCount(T start, T limit, T delta) {
    if constexpr (std::is_integral_v<T>) {
        const int64_t diff = int64_t(limit) - int64_t(start), d = int64_t(delta);
        if (d > 0) return diff > 0 ? (diff + d - 1) / d : 0;
        return diff < 0 ? (-diff + -d - 1) / -d : 0;
    } else {
        const double n = std::ceil((double(limit) - double(start)) / double(delta));
        return n > 0 ? static_cast<int64_t>(n) : 0;
    }
}

// Range: out[i] = start + i * delta for i < count; start, limit, delta are scalars of one type.
Status rangeKernel(KernelContext& ctx) {
    const HostTensor& startT = ctx.input(0);
    const HostTensor& limitT = ctx.input(1);
    const HostTensor& deltaT = ctx.input(2);
    if (startT.numel() != 1 || limitT.numel() != 1 || deltaT.numel() != 1)
        return ctx.error("start, limit and delta must be scalars");
    if (limitT.dtype() != startT.dtype() || deltaT.dtype() != startT.dtype())
        return ctx.error("start, limit and delta must have the same type");
    using RangeTypes = TypeList<float, double, int16_t, int32_t, int64_t>;
    Status st = dispatchType(RangeTypes{}, startT.dtype(), [&]<typename T>() -> Status {
        const T start = startT.data<T>()[0], limit = limitT.data<T>()[0], delta = deltaT.data<T>()[0];
        if (delta == T(0)) return ctx.error("delta must not be 0");
        if constexpr (!std::is_integral_v<T>) {
            if (!std::isfinite(start) || !std::isfinite(limit) || !std::isfinite(delta))
                return ctx.error("start, limit and delta must be finite");
        }
        const int64_t n = rangeCount(start, limit, delta);
        KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, startT.dtype(), {n}));
        T* o = out->data<T>();
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(start + static_cast<T>(i) * delta);
        return Status::ok();
    });
    return st.isOk() ? st : Status(st).atNode(ctx.node().name(), ctx.node().opType());
}

// EyeLike: a [rows, cols] tensor of zeros with ones on the diagonal j = i + k, of type dtype
// (default: the input's).
Status eyeLikeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() != 2) return ctx.error("input must be 2-D");
    DataType type = x.dtype();
    if (ctx.hasAttr("dtype")) {
        auto t = dataTypeFromOnnx(static_cast<int>(ctx.attrInt("dtype", 0)));
        if (!t) return ctx.error(t.status().message());
        type = *t;
    }
    const int64_t k = ctx.attrInt("k", 0);
    const int64_t rows = x.dim(0), cols = x.dim(1);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, type, {rows, cols}));
    const HostTensor one = HostTensor::scalar(type, 1.0);
    const size_t es = dataTypeSize(type);
    for (int64_t i = 0; i < rows; ++i) {
        const int64_t j = i + k;
        if (j >= 0 && j < cols) std::memcpy(bytesOf(*out) + size_t(i * cols + j) * es, bytesOf(one), es);
    }
    return Status::ok();
}

}  // namespace

void registerGeneratorOps(OpRegistry& r) {
    r.add("Constant", constantKernel, 0);
    r.add("ConstantOfShape", constantOfShapeKernel);
    r.add("Range", rangeKernel, 3);
    r.add("EyeLike", eyeLikeKernel);
}

}  // namespace kiln::ops
