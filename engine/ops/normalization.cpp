// BatchNormalization and InstanceNormalization; registerNormalizationOps for the whole family
// (LayerNormalization/GroupNormalization in normalization_layer.cpp, LRN/MVN in
// normalization_local.cpp).
#include "ops/normalization_internal.h"

namespace kiln::ops {

namespace {

// BatchNormalization's scale, B, input_mean, input_var: per channel, or per activation
// ([C, D1, ..., Dn]) with the pre-opset-9 spatial=0.
struct BatchNormParams {
    std::vector<double> scale, bias, mean, var;
};

Expected<BatchNormParams> readBatchNormParams(const KernelContext& ctx, int64_t size) {
    const char* names[] = {"scale", "B", "input_mean", "input_var"};
    BatchNormParams p;
    std::vector<double>* dst[] = {&p.scale, &p.bias, &p.mean, &p.var};
    for (int i = 0; i < 4; ++i) {
        const HostTensor& t = ctx.input(i + 1);
        if (t.numel() != size)
            return ctx.error(std::string(names[i]) + " has " + std::to_string(t.numel()) + " elements, expected " +
                             std::to_string(size));
        KILN_ASSIGN_OR_RETURN(*dst[i], toDoubles(ctx, t, names[i]));
    }
    return p;
}

// Training mode: opset 14+ says so with training_mode; before, the extra outputs (mean, var,
// saved_mean, saved_var) exist only when training (and opset < 7 has is_test).
Expected<bool> batchNormTraining(const KernelContext& ctx) {
    bool extraOutputs = false;
    for (int i = 1; i < 5; ++i) extraOutputs = extraOutputs || ctx.wantsOutput(i);
    if (ctx.opset() >= 14) {
        const bool training = ctx.attrInt("training_mode", 0) != 0;
        if (!training && extraOutputs)
            return ctx.error("outputs running_mean/running_var are only produced with training_mode=1");
        return training;
    }
    if (ctx.opset() < 7 && ctx.attrInt("is_test", 0) != 0) return false;
    return extraOutputs;
}

// Mean and population variance of X [N, C, D...] per parameter index p (p = c, or
// c * inner + d with spatial=0), over every element that maps to p.
template <typename T>
void batchStats(const T* x, int64_t n, int64_t c, int64_t inner, bool spatial, std::vector<double>& mean,
                std::vector<double>& var) {
    const size_t size = size_t(spatial ? c : c * inner);
    const double count = double(spatial ? n * inner : n);
    mean.assign(size, 0.0);
    var.assign(size, 0.0);
    auto at = [&](int64_t ni, int64_t ci, int64_t s) { return static_cast<double>(static_cast<AccType<T>>(x[(ni * c + ci) * inner + s])); };
    for (int64_t ni = 0; ni < n; ++ni)
        for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t s = 0; s < inner; ++s) mean[size_t(spatial ? ci : ci * inner + s)] += at(ni, ci, s);
    for (double& m : mean) m = count > 0 ? m / count : 0.0;
    for (int64_t ni = 0; ni < n; ++ni)
        for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t s = 0; s < inner; ++s) {
                const size_t p = size_t(spatial ? ci : ci * inner + s);
                const double d = at(ni, ci, s) - mean[p];
                var[p] += d * d;
            }
    for (double& v : var) v = count > 0 ? v / count : 0.0;
}

// Fills the training-only outputs:
//   running = input * momentum + batch * (1 - momentum)   (opset 14+: outputs 1, 2)
//   opset < 14 also: saved_mean = batch mean, saved_var = batch variance (outputs 3, 4)
Status writeBatchNormStats(KernelContext& ctx, const BatchNormParams& p, const std::vector<double>& batchMean,
                           const std::vector<double>& batchVar) {
    const double momentum = ctx.attrFloat("momentum", 0.9f);
    std::vector<double> runMean(p.mean.size()), runVar(p.var.size());
    for (size_t i = 0; i < runMean.size(); ++i) {
        runMean[i] = p.mean[i] * momentum + batchMean[i] * (1.0 - momentum);
        runVar[i] = p.var[i] * momentum + batchVar[i] * (1.0 - momentum);
    }
    const std::vector<double>* values[] = {&runMean, &runVar, &batchMean, &batchVar};
    const int numStats = ctx.opset() >= 14 ? 2 : 4;
    for (int i = 0; i < numStats; ++i) {
        if (!ctx.wantsOutput(i + 1)) continue;
        const HostTensor& like = ctx.input(3 + i % 2);  // mean or var input: type and shape
        KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(i + 1, like.dtype(), like.dims()));
        KILN_RETURN_IF_ERROR(storeDoubles(ctx, *out, *values[i]));
    }
    return Status::ok();
}

}  // namespace

// Y = (X - mean) / sqrt(var + epsilon) * scale + B, per channel of X [N, C, D1, ..., Dn].
// Inference uses input_mean/input_var; training uses the batch statistics (population variance).
Status batchNormKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("X must have rank >= 2 ([N, C, ...]), got " + dimsToString(x.dims()));
    const int64_t n = x.dim(0), c = x.dim(1);
    const int64_t inner = dimsProduct(x.dims(), 2, x.dims().size());
    const bool spatial = ctx.opset() >= 9 || ctx.attrInt("spatial", 1) != 0;
    KILN_ASSIGN_OR_RETURN(BatchNormParams params, readBatchNormParams(ctx, spatial ? c : c * inner));
    KILN_ASSIGN_OR_RETURN(bool training, batchNormTraining(ctx));
    const double eps = ctx.attrFloat("epsilon", 1e-5f);

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        const T* px = x.data<T>();
        T* py = y->data<T>();
        std::vector<double> batchMean, batchVar;
        if (training) batchStats(px, n, c, inner, spatial, batchMean, batchVar);
        const std::vector<double>& mean = training ? batchMean : params.mean;
        const std::vector<double>& var = training ? batchVar : params.var;
        std::vector<double> invStd(var.size());
        for (size_t i = 0; i < var.size(); ++i) invStd[i] = 1.0 / std::sqrt(var[i] + eps);
        int64_t i = 0;
        for (int64_t ni = 0; ni < n; ++ni)
            for (int64_t ci = 0; ci < c; ++ci)
                for (int64_t s = 0; s < inner; ++s, ++i) {
                    const size_t p = size_t(spatial ? ci : ci * inner + s);
                    const double v = static_cast<double>(static_cast<AccType<T>>(px[i]));
                    py[i] = fromDouble<T>((v - mean[p]) * invStd[p] * params.scale[p] + params.bias[p]);
                }
        if (!training) return Status::ok();
        return writeBatchNormStats(ctx, params, batchMean, batchVar);
    });
}

// y = scale * (x - mean) / sqrt(variance + epsilon) + B, with mean and (population) variance
// taken per instance and channel over the spatial axes: X [N, C, D1, ..., Dn].
Status instanceNormKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    if (x.rank() < 2) return ctx.error("input must have rank >= 2 ([N, C, ...]), got " + dimsToString(x.dims()));
    const int64_t n = x.dim(0), c = x.dim(1);
    const int64_t inner = dimsProduct(x.dims(), 2, x.dims().size());
    if (ctx.input(1).numel() != c || ctx.input(2).numel() != c)
        return ctx.error("scale and B must have C = " + std::to_string(c) + " elements, got " +
                         dimsToString(ctx.input(1).dims()) + " and " + dimsToString(ctx.input(2).dims()));
    KILN_ASSIGN_OR_RETURN(std::vector<double> scale, toDoubles(ctx, ctx.input(1), "scale"));
    KILN_ASSIGN_OR_RETURN(std::vector<double> bias, toDoubles(ctx, ctx.input(2), "B"));
    const double eps = ctx.attrFloat("epsilon", 1e-5f);

    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), x.dims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        for (int64_t b = 0; b < n * c; ++b) {
            const T* px = x.data<T>() + b * inner;
            T* py = y->data<T>() + b * inner;
            const MeanVar mv = blockMeanVar(px, inner);
            const double a = scale[size_t(b % c)] / std::sqrt(mv.var + eps);
            for (int64_t s = 0; s < inner; ++s)
                py[s] = fromDouble<T>((static_cast<double>(static_cast<AccType<T>>(px[s])) - mv.mean) * a +
                                      bias[size_t(b % c)]);
        }
        return Status::ok();
    });
}

void registerNormalizationOps(OpRegistry& r) {
    r.add("BatchNormalization", batchNormKernel, 5);
    r.add("InstanceNormalization", instanceNormKernel, 3);
    r.add(OpDef{.opType = "LayerNormalization", .domain = "", .minOpset = 17, .requiredInputs = 2, .kernel = layerNormKernel});
    r.add(OpDef{.opType = "GroupNormalization", .domain = "", .minOpset = 18, .requiredInputs = 3, .kernel = groupNormKernel});
    r.add("LRN", lrnKernel, 1);
    r.add(OpDef{.opType = "MeanVarianceNormalization", .domain = "", .minOpset = 9, .requiredInputs = 1,
                .kernel = meanVarianceNormKernel});
}

}  // namespace kiln::ops
