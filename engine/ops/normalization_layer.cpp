// LayerNormalization (opset 17) and GroupNormalization (opset 18/21).
#include "ops/normalization_internal.h"

namespace kiln::ops {

namespace {

// Scale or B of LayerNormalization, expanded to one value per element of the normalized shape
// X.shape[axis:], to which they broadcast unidirectionally.
Expected<std::vector<double>> expandToNormShape(const KernelContext& ctx, const HostTensor& t,
                                                const std::vector<int64_t>& normDims, const std::string& what) {
    bool ok = t.rank() <= int(normDims.size());
    for (int i = 0; ok && i < t.rank(); ++i) {
        const int64_t d = t.dims()[size_t(i)];
        ok = d == 1 || d == normDims[normDims.size() - size_t(t.rank()) + size_t(i)];
    }
    if (!ok)
        return ctx.error(what + " " + dimsToString(t.dims()) + " does not broadcast to the normalized shape " +
                         dimsToString(normDims));
    KILN_ASSIGN_OR_RETURN(std::vector<double> v, toDoubles(ctx, t, what));
    const int64_t cols = dimsProduct(normDims, 0, normDims.size());
    std::vector<double> out(static_cast<size_t>(cols));
    MultiIndexer it(normDims, {broadcastStrides(t.dims(), normDims)});
    for (int64_t j = 0; j < cols; ++j, it.next()) out[size_t(j)] = v[size_t(it.offset(0))];
    return out;
}

// Allocates an optional statistics output (Mean or InvStdDev of LayerNormalization) and fills it.
Status writeStat(KernelContext& ctx, int index, DataType type, const std::vector<int64_t>& dims,
                 const std::vector<double>& values) {
    if (!ctx.wantsOutput(index)) return Status::ok();
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(index, type, dims));
    return storeDoubles(ctx, *out, values);
}

}  // namespace

// X viewed as [rows, cols] with rows = prod(X.shape[:axis]), cols = prod(X.shape[axis:]):
//   Y = (X - mean) * invStdDev * Scale + B,  invStdDev = 1 / sqrt(var + epsilon)   (per row)
// Mean and InvStdDev have shape X.shape[:axis] + [1] * (rank - axis), element type stash_type.
Status layerNormKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 1) return ctx.error("X must have rank >= 1");
    KILN_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", -1), x.rank()));
    const std::vector<int64_t> normDims(x.dims().begin() + axis, x.dims().end());
    KILN_ASSIGN_OR_RETURN(std::vector<double> scale, expandToNormShape(ctx, ctx.input(1), normDims, "Scale"));
    std::vector<double> bias(scale.size(), 0.0);
    if (ctx.hasInput(2)) {
        KILN_ASSIGN_OR_RETURN(bias, expandToNormShape(ctx, ctx.input(2), normDims, "B"));
    }
    auto stash = dataTypeFromOnnx(int(ctx.attrInt("stash_type", 1)));
    if (!stash || !isFloatingPoint(*stash)) return ctx.error("stash_type must name a floating-point type");
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const int64_t rows = dimsProduct(x.dims(), 0, size_t(axis));
    const int64_t cols = dimsProduct(normDims, 0, normDims.size());

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    std::vector<double> means(static_cast<size_t>(rows)), invStds(static_cast<size_t>(rows));
    KILN_RETURN_IF_ERROR(dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        for (int64_t r = 0; r < rows; ++r) {
            const T* px = x.data<T>() + r * cols;
            T* py = y->data<T>() + r * cols;
            const MeanVar mv = blockMeanVar(px, cols);
            const double inv = 1.0 / std::sqrt(mv.var + eps);
            for (int64_t j = 0; j < cols; ++j)
                py[j] = fromDouble<T>((static_cast<double>(static_cast<AccType<T>>(px[j])) - mv.mean) * inv *
                                          scale[size_t(j)] + bias[size_t(j)]);
            means[size_t(r)] = mv.mean;
            invStds[size_t(r)] = inv;
        }
        return Status::ok();
    }));
    std::vector<int64_t> statDims = x.dims();
    for (size_t i = size_t(axis); i < statDims.size(); ++i) statDims[i] = 1;
    KILN_RETURN_IF_ERROR(writeStat(ctx, 1, *stash, statDims, means));
    return writeStat(ctx, 2, *stash, statDims, invStds);
}

// X [N, C, D...]: channels split into num_groups contiguous groups; per (n, group):
//   y = (x - mean) / sqrt(var + epsilon) * scale + bias
// scale/bias have C elements (opset 21) or num_groups elements (opset 18, one per group).
Status groupNormKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("X must have rank >= 2 ([N, C, ...]), got " + dimsToString(x.dims()));
    const int64_t n = x.dim(0), c = x.dim(1);
    const int64_t inner = dimsProduct(x.dims(), 2, x.dims().size());
    const int64_t groups = ctx.attrInt("num_groups", 0);
    if (groups <= 0 || c % groups != 0)
        return ctx.error("num_groups (" + std::to_string(groups) + ") must be positive and divide C = " +
                         std::to_string(c));
    const int64_t perGroup = c / groups;
    const int64_t paramSize = ctx.input(1).numel();
    if ((paramSize != c && paramSize != groups) || ctx.input(2).numel() != paramSize)
        return ctx.error("scale and bias must both have C or num_groups elements, got " +
                         dimsToString(ctx.input(1).dims()) + " and " + dimsToString(ctx.input(2).dims()));
    KILN_ASSIGN_OR_RETURN(std::vector<double> scale, toDoubles(ctx, ctx.input(1), "scale"));
    KILN_ASSIGN_OR_RETURN(std::vector<double> bias, toDoubles(ctx, ctx.input(2), "bias"));
    const bool perChannel = paramSize == c;
    const double eps = ctx.attrFloat("epsilon", 1e-5f);

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const int64_t blockSize = perGroup * inner;
        for (int64_t b = 0; b < n * groups; ++b) {
            const T* px = x.data<T>() + b * blockSize;
            T* py = y->data<T>() + b * blockSize;
            const int64_t group = b % groups;
            const MeanVar mv = blockMeanVar(px, blockSize);
            const double inv = 1.0 / std::sqrt(mv.var + eps);
            for (int64_t k = 0; k < blockSize; ++k) {
                const size_t p = size_t(perChannel ? group * perGroup + k / inner : group);
                const double v = static_cast<double>(static_cast<AccType<T>>(px[k]));
                py[k] = fromDouble<T>((v - mv.mean) * inv * scale[p] + bias[p]);
            }
        }
        return Status::ok();
    });
}

}  // namespace kiln::ops
