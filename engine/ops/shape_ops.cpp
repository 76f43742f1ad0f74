// Ops that change how a tensor's elements are viewed, not their order: Reshape, Flatten,
// Squeeze, Unsqueeze, Identity and Dropout (inference) alias their input's buffer; Expand
// broadcasts; Shape and Size report metadata.
#include <algorithm>
#include <cstring>
#include <random>

#include "ops/common.h"
#include "ops/tensor_copy.h"

namespace kiln::ops {

namespace {

// Resolves a Reshape target: 0 copies the input dim (unless allowzero), one -1 is inferred.
Expected<std::vector<int64_t>> reshapeTarget(const KernelContext& ctx, const std::vector<int64_t>& inDims,
                                             int64_t numel, std::vector<int64_t> shape, bool allowZero) {
    int inferAxis = -1;
    bool hasZero = false;
    int64_t known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
        int64_t& s = shape[i];
        if (s == -1) {
            if (inferAxis >= 0) return ctx.error("shape has more than one -1: " + dimsToString(shape));
            inferAxis = static_cast<int>(i);
            continue;
        }
        if (s < -1) return ctx.error("shape has a negative dim other than -1: " + dimsToString(shape));
        if (s == 0) {
            hasZero = true;
            if (!allowZero) {
                if (i >= inDims.size())
                    return ctx.error("shape " + dimsToString(shape) + " copies dim " + std::to_string(i) +
                                     " (0) of an input of rank " + std::to_string(inDims.size()));
                s = inDims[i];
            }
        }
        known *= s;
    }
    if (allowZero && hasZero && inferAxis >= 0)
        return ctx.error("shape with allowzero=1 cannot hold both 0 and -1: " + dimsToString(shape));
    if (inferAxis >= 0) {
        if (known == 0 || numel % known != 0)
            return ctx.error("cannot infer the -1 in shape " + dimsToString(shape) + " for an input of " +
                             dimsToString(inDims));
        shape[size_t(inferAxis)] = numel / known;
    }
    return shape;
}

// Shares the input's buffer under new dims (checks the element count).
Status setAliasOutput(KernelContext& ctx, const HostTensor& in, std::vector<int64_t> dims) {
    auto view = in.reshaped(dims);
    if (!view) return ctx.error(view.status().message());
    ctx.setOutput(0, std::move(view).value());
    return Status::ok();
}

// Reshape: [d...] -> shape (input 1 from opset 5, attribute before).
Status reshapeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    std::vector<int64_t> shape;
    if (ctx.hasInput(1)) {
        KILN_ASSIGN_OR_RETURN(shape, intsFromInput(ctx, 1, {}));
    } else if (ctx.hasAttr("shape")) {
        shape = ctx.attrInts("shape");
    } else {
        return ctx.error("missing the shape input");
    }
    const bool allowZero = ctx.opset() >= 14 && ctx.attrInt("allowzero", 0) != 0;
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, reshapeTarget(ctx, x.dims(), x.numel(), shape, allowZero));
    return setAliasOutput(ctx, x, dims);
}

// Flatten: [d0..d(a-1), da..dn] -> [d0*..*d(a-1), da*..*dn]; axis in [-rank, rank].
Status flattenKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const int rank = x.rank();
    int64_t axis = ctx.attrInt("axis", 1);
    if (axis < -rank || axis > rank)
        return ctx.error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    if (axis < 0) axis += rank;
    const int64_t outer = dimProduct(x.dims(), 0, size_t(axis));
    const int64_t inner = dimProduct(x.dims(), size_t(axis), size_t(rank));
    return setAliasOutput(ctx, x, {outer, inner});
}

// Squeeze: drops the listed size-1 axes, or every size-1 axis when none are listed.
// Axes come from the attribute before opset 13 and from input 1 after.
Status squeezeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> axesIn, intsFromInput(ctx, 1, ctx.attrInts("axes")));
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, axesIn, x.rank()));
    std::vector<bool> drop(size_t(x.rank()), false);
    if (axesIn.empty()) {
        for (int i = 0; i < x.rank(); ++i) drop[size_t(i)] = x.dim(i) == 1;
    }
    for (int a : axes) {
        if (x.dim(a) != 1)
            return ctx.error("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.dim(a)));
        drop[size_t(a)] = true;
    }
    std::vector<int64_t> dims;
    for (int i = 0; i < x.rank(); ++i)
        if (!drop[size_t(i)]) dims.push_back(x.dim(i));
    return setAliasOutput(ctx, x, dims);
}

// Unsqueeze: inserts size-1 axes at the listed positions of the output (rank + len(axes)).
Status unsqueezeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> axesIn, intsFromInput(ctx, 1, ctx.attrInts("axes")));
    if (axesIn.empty()) return ctx.error("Unsqueeze needs axes");
    const int outRank = x.rank() + static_cast<int>(axesIn.size());
    KILN_ASSIGN_OR_RETURN(std::vector<int> axes, normalizeAxes(ctx, axesIn, outRank));
    std::vector<bool> inserted(size_t(outRank), false);
    for (int a : axes) inserted[size_t(a)] = true;
    std::vector<int64_t> dims;
    int src = 0;
    for (int i = 0; i < outRank; ++i) dims.push_back(inserted[size_t(i)] ? 1 : x.dim(src++));
    return setAliasOutput(ctx, x, dims);
}

// Expand: broadcasts the input against shape in both directions (numpy rules).
Status expandKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> shape, intsFromInput(ctx, 1, {}));
    for (int64_t d : shape)
        if (d < 0) return ctx.error("shape has a negative dim: " + dimsToString(shape));
    KILN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, broadcastDims(ctx, {x.dims(), shape}));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), dims));
    copyStrided(dims, bytesOf(*out), contiguousStrides(dims), bytesOf(x), broadcastStrides(x.dims(), dims),
                dataTypeSize(x.dtype()));
    return Status::ok();
}

Status identityKernel(KernelContext& ctx) {
    ctx.setOutput(0, ctx.input(0));
    return Status::ok();
}

// Training-mode Dropout: out = mask * x / (1 - ratio), mask = u >= ratio with u uniform in
// [0, 1) drawn in row-major order. The draws are numpy's legacy generator seeded with the seed
// attribute (0 when absent), as ONNX's reference does, so results are reproducible.
Status trainingDropout(KernelContext& ctx, const HostTensor& x, double ratio) {
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, x.dtype(), x.dims()));
    std::vector<bool> keep(size_t(x.numel()));
    std::mt19937 rng(static_cast<uint32_t>(ctx.attrInt("seed", 0)));  // numpy's MT19937 init_genrand
    for (int64_t i = 0; i < x.numel(); ++i) {
        const uint32_t a = rng() >> 5, b = rng() >> 6;  // numpy's random_sample: 53 random bits
        keep[size_t(i)] = (a * 67108864.0 + b) / 9007199254740992.0 >= ratio;
    }
    Status st = dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() {
        const AccType<T> scale = static_cast<AccType<T>>(1.0 / (1.0 - ratio));
        const T* px = x.data<T>();
        T* po = out->data<T>();
        for (int64_t i = 0; i < x.numel(); ++i)
            po[i] = keep[size_t(i)] ? T(static_cast<AccType<T>>(px[i]) * scale) : T(0.0f);
        return Status::ok();
    });
    if (!st.isOk()) return ctx.error(st.message(), st.code());
    if (ctx.wantsOutput(1)) {
        KILN_ASSIGN_OR_RETURN(HostTensor * mask, ctx.allocateOutput(1, DataType::Bool, x.dims()));
        for (int64_t i = 0; i < x.numel(); ++i) mask->data<bool>()[i] = keep[size_t(i)];
    }
    return Status::ok();
}

// Dropout: at inference (and for ratio 0) output = input and the mask is all true (bool from
// opset 10, the input's type before). From opset 12, inputs ratio and training_mode.
Status dropoutKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (ctx.opset() >= 12 && ctx.hasInput(2)) {
        const bool training = ctx.input(2).numel() > 0 && ctx.input(2).getDouble(0) != 0.0;
        const double ratio = ctx.hasInput(1) && ctx.input(1).numel() > 0 ? ctx.input(1).getDouble(0) : 0.5;
        if (ratio < 0.0 || ratio >= 1.0) return ctx.error("ratio must be in [0, 1), got " + std::to_string(ratio));
        if (training && ratio > 0.0) return trainingDropout(ctx, x, ratio);
    }
    ctx.setOutput(0, x);
    if (ctx.wantsOutput(1)) {
        const DataType maskType = ctx.opset() >= 10 ? DataType::Bool : x.dtype();
        KILN_ASSIGN_OR_RETURN(HostTensor * mask, ctx.allocateOutput(1, maskType, x.dims()));
        const HostTensor one = HostTensor::scalar(maskType, 1.0);
        fillElements(bytesOf(*mask), mask->numel(), bytesOf(one), dataTypeSize(maskType));
    }
    return Status::ok();
}

// Shape: the input dims [start, end) as int64 (start/end from opset 15, clamped to [0, rank]).
Status shapeKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    const int64_t rank = x.rank();
    auto clampToRank = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t(0), rank); };
    const int64_t start = clampToRank(ctx.attrInt("start", 0));
    const int64_t end = clampToRank(ctx.attrInt("end", rank));
    const int64_t n = std::max<int64_t>(0, end - start);
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, DataType::Int64, {n}));
    for (int64_t i = 0; i < n; ++i) out->data<int64_t>()[i] = x.dims()[size_t(start + i)];
    return Status::ok();
}

// Size: the element count as an int64 scalar.
Status sizeKernel(KernelContext& ctx) {
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, DataType::Int64, {}));
    out->data<int64_t>()[0] = ctx.input(0).numel();
    return Status::ok();
}

}  // namespace

void registerShapeOps(OpRegistry& r) {
    r.add("Reshape", reshapeKernel);
    r.add("Flatten", flattenKernel);
    r.add("Squeeze", squeezeKernel);
    r.add("Unsqueeze", unsqueezeKernel);
    r.add("Expand", expandKernel, 2);
    r.add("Identity", identityKernel);
    r.add("Dropout", dropoutKernel);
    r.add("Shape", shapeKernel);
    r.add("Size", sizeKernel);
}

}  // namespace kiln::ops
