// Comparisons, boolean logic, IsNaN/IsInf and Where. Comparisons of the 16-bit floats go
// through float; NaN compares unequal to everything (IEEE).
#include "ops/elementwise_internal.h"

namespace kiln::ops {

using namespace elem;

namespace {

using BoolType = TypeList<bool>;

// IsInf: detect_positive / detect_negative (default 1) choose which infinities count.
Status isInfKernel(KernelContext& ctx) {
    const bool pos = ctx.attrInt("detect_positive", 1) != 0;
    const bool neg = ctx.attrInt("detect_negative", 1) != 0;
    return unaryPredicateOp(ctx, FloatTypes{}, [pos, neg](auto x) {
        return std::isinf(x) && (x > 0 ? pos : neg);
    });
}

// Y = condition ? X : Y, all three broadcast together.
Status whereKernel(KernelContext& ctx) {
    const HostTensor& c = ctx.input(0);
    const HostTensor& x = ctx.input(1);
    const HostTensor& y = ctx.input(2);
    if (c.dtype() != DataType::Bool)
        return ctx.error(std::string("condition must be bool, got ") + dataTypeName(c.dtype()));
    if (x.dtype() != y.dtype()) return typeMismatch(ctx, x, y);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, {c.dims(), x.dims(), y.dims()}));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    return dispatchFor(ctx, AllTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const bool* pc = c.data<bool>();
        const T* px = x.data<T>();
        const T* py = y.data<T>();
        T* po = out->data<T>();
        MultiIndexer it(dims, {broadcastStrides(c.dims(), dims), broadcastStrides(x.dims(), dims),
                               broadcastStrides(y.dims(), dims)});
        for (int64_t i = 0, n = out->numel(); i < n; ++i, it.next())
            po[i] = pc[it.offset(0)] ? px[it.offset(1)] : py[it.offset(2)];
        return Status::ok();
    });
}

}  // namespace

void registerLogicOps(OpRegistry& r) {
    auto kernel = [](auto list, auto f) -> KernelFn {
        return [list, f](KernelContext& ctx) { return compareOp(ctx, list, f); };
    };
    r.add("Equal", kernel(AllTypes{}, [](auto a, auto b) { return a == b; }), 2);
    r.add("Less", kernel(NumericTypes{}, [](auto a, auto b) { return a < b; }), 2);
    r.add("Greater", kernel(NumericTypes{}, [](auto a, auto b) { return a > b; }), 2);
    r.add(OpDef{.opType = "LessOrEqual", .domain = "", .minOpset = 12, .requiredInputs = 2,
                .kernel = kernel(NumericTypes{}, [](auto a, auto b) { return a <= b; })});
    r.add(OpDef{.opType = "GreaterOrEqual", .domain = "", .minOpset = 12, .requiredInputs = 2,
                .kernel = kernel(NumericTypes{}, [](auto a, auto b) { return a >= b; })});
    r.add("And", kernel(BoolType{}, [](bool a, bool b) { return a && b; }), 2);
    r.add("Or", kernel(BoolType{}, [](bool a, bool b) { return a || b; }), 2);
    r.add("Xor", kernel(BoolType{}, [](bool a, bool b) { return a != b; }), 2);
    r.add("Not", [](KernelContext& ctx) { return unaryPredicateOp(ctx, BoolType{}, [](bool a) { return !a; }); });
    r.add(OpDef{.opType = "IsNaN", .domain = "", .minOpset = 9, .kernel = [](KernelContext& ctx) {
                    return unaryPredicateOp(ctx, FloatTypes{}, [](auto x) { return std::isnan(x); });
                }});
    r.add(OpDef{.opType = "IsInf", .domain = "", .minOpset = 10, .kernel = isInfKernel});
    r.add(OpDef{.opType = "Where", .domain = "", .minOpset = 9, .requiredInputs = 3, .kernel = whereKernel});
}

}  // namespace kiln::ops
