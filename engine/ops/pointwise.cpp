// kiln.Pointwise: a fused chain of elementwise ops (built by passes/pointwise_fusion.cpp).
// The program encoding (attributes ops/args/params/imms/expr) is documented in
// ops/pointwise_program.h. Reference semantics:
//   out[i] = program(in_0[bcast_0(i)], ..., in_{n-1}[bcast_{n-1}(i)])   for every output index i
// with out dims = broadcast(dims(in_0), ..., dims(in_{n-1})), computed in float (double if any
// input or step is float64) and stored in the last step's type.
#include "ops/common.h"
#include "ops/pointwise_program.h"

namespace kiln::ops {

namespace {

using pointwise::Program;
using pointwise::Step;

// The input, widened to the compute type V.
template <typename V>
Expected<std::vector<V>> widen(const KernelContext& ctx, int k) {
    const HostTensor& t = ctx.input(k);
    std::vector<V> out(size_t(t.numel()));
    Status st = dispatchType(FloatTypes{}, t.dtype(), [&]<typename T>() -> Status {
        const T* p = t.data<T>();
        for (int64_t i = 0; i < t.numel(); ++i) out[size_t(i)] = static_cast<V>(static_cast<AccType<T>>(p[i]));
        return Status::ok();
    });
    if (!st.isOk()) return ctx.error("input " + std::to_string(k) + ": " + st.message(), st.code());
    return out;
}

// Runs the program over every output element, in compute type V; results in `out`.
template <typename V>
Status evaluate(const KernelContext& ctx, const Program& p, const std::vector<int64_t>& dims, std::vector<V>& out) {
    const int n = p.numInputs;
    std::vector<std::vector<V>> in;
    std::vector<std::vector<int64_t>> strides;
    for (int k = 0; k < n; ++k) {
        KILN_ASSIGN_OR_RETURN(std::vector<V> w, widen<V>(ctx, k));
        in.push_back(std::move(w));
        strides.push_back(broadcastStrides(ctx.input(k).dims(), dims));
    }
    std::vector<V> imms(p.imms.begin(), p.imms.end());
    std::vector<V> regs(size_t(n) + p.steps.size());
    auto operand = [&](int64_t k) { return k < 0 ? imms[size_t(-k - 1)] : regs[size_t(k)]; };
    MultiIndexer it(dims, strides);
    for (size_t i = 0; i < out.size(); ++i, it.next()) {
        for (int k = 0; k < n; ++k) regs[size_t(k)] = in[size_t(k)][size_t(it.offset(k))];
        for (size_t s = 0; s < p.steps.size(); ++s) {
            const Step& st = p.steps[s];
            regs[size_t(n) + s] = pointwise::evalStep<V>(st, operand(st.a), operand(st.b));
        }
        out[i] = regs.back();
    }
    return Status::ok();
}

template <typename V>
Status run(KernelContext& ctx, const Program& p, DataType outType, const std::vector<int64_t>& dims) {
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, outType, dims));
    std::vector<V> values(size_t(y->numel()));
    KILN_RETURN_IF_ERROR(evaluate<V>(ctx, p, dims, values));
    return dispatchType(FloatTypes{}, outType, [&]<typename T>() -> Status {
        T* py = y->data<T>();
        for (size_t i = 0; i < values.size(); ++i) py[i] = static_cast<T>(static_cast<AccType<T>>(values[i]));
        return Status::ok();
    });
}

Status pointwiseKernel(KernelContext& ctx) {
    std::vector<DataType> types;
    std::vector<std::vector<int64_t>> shapes;
    for (int k = 0; k < ctx.numInputs(); ++k) {
        if (!ctx.hasInput(k)) return ctx.error("input " + std::to_string(k) + " is missing");
        if (!isFloatingPoint(ctx.input(k).dtype()))
            return ctx.error("input " + std::to_string(k) + " is " + dataTypeName(ctx.input(k).dtype()) +
                             ", not a float type");
        types.push_back(ctx.input(k).dtype());
        shapes.push_back(ctx.input(k).dims());
    }
    Expected<Program> p = pointwise::readProgram(ctx.node(), ctx.numInputs());
    if (!p) return ctx.error(p.status().message());
    Expected<std::vector<DataType>> stepTypes = pointwise::stepTypes(*p, types);
    if (!stepTypes) return ctx.error(stepTypes.status().message());
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, shapes));
    bool wide = false;
    for (DataType t : types) wide = wide || t == DataType::Float64;
    for (DataType t : *stepTypes) wide = wide || t == DataType::Float64;
    const DataType outType = stepTypes->back();
    return wide ? run<double>(ctx, *p, outType, dims) : run<float>(ctx, *p, outType, dims);
}

}  // namespace

void registerPointwiseOps(OpRegistry& r) {
    r.add(OpDef{.opType = "Pointwise", .domain = "kiln", .minOpset = 1, .requiredInputs = 1, .kernel = pointwiseKernel});
}

}  // namespace kiln::ops
