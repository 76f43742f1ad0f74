// Cast and CastLike between all numeric types and bool. Conversions follow HostTensor::castTo:
// C++ conversion semantics, float -> float16/bfloat16 rounding to nearest even, nonzero -> true.
// Strings are not a Kiln tensor type: casts to or from them are reported as Unsupported.
#include "ops/elementwise_internal.h"

namespace kiln::ops {

using namespace elem;

namespace {

constexpr int kOnnxStringType = 8;

Status castInputTo(KernelContext& ctx, DataType to) {
    const HostTensor& x = ctx.input(0);
    if (!isFloatingPoint(to) && !isInteger(to) && to != DataType::Bool)
        return ctx.error(std::string("cannot cast to ") + dataTypeName(to), StatusCode::Unsupported);
    ctx.setOutput(0, x.castTo(to));
    return Status::ok();
}

// Cast: output type from the `to` attribute (an ONNX TensorProto.DataType).
Status castKernel(KernelContext& ctx) {
    if (!ctx.hasAttr("to")) return ctx.error("missing attribute 'to'");
    const int64_t to = ctx.attrInt("to", 0);
    if (to == kOnnxStringType) return ctx.error("casting to string is not supported", StatusCode::Unsupported);
    Expected<DataType> type = dataTypeFromOnnx(static_cast<int>(to));
    if (!type) return ctx.error("attribute 'to': " + type.status().message(), type.status().code());
    return castInputTo(ctx, *type);
}

// CastLike: output type is that of the second input (only its type is used).
Status castLikeKernel(KernelContext& ctx) {
    return castInputTo(ctx, ctx.input(1).dtype());
}

}  // namespace

void registerCastOps(OpRegistry& r) {
    r.add("Cast", castKernel);
    r.add(OpDef{.opType = "CastLike", .domain = "", .minOpset = 15, .requiredInputs = 2, .kernel = castLikeKernel});
}

}  // namespace kiln::ops
