// Softmax, LogSoftmax and the normalizations on the GPU: LayerNormalization (ONNX and
// kiln.LayerNormalization), BatchNormalization (inference), InstanceNormalization and
// GroupNormalization. Constant parameters are prepared once per engine (expanded, folded) and
// uploaded through the WeightStore.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/own_kernels.h"
#include "core/half.h"
#include "ops/common.h"

namespace kiln::cuda {

namespace {

// Uploads values in `type` (Float32, or Float16 converted) under the node's name and `what`.
Expected<const void*> uploadValues(WeightStore& store, const ir::Node& n, const std::string& what,
                                   const std::vector<float>& values, DataType type) {
    const std::string key = n.name() + "/" + what + "@" + dataTypeName(type);
    if (type == DataType::Float32) return store.upload(key, values.data(), values.size() * sizeof(float));
    std::vector<uint16_t> half(values.size());
    for (size_t i = 0; i < values.size(); ++i) half[i] = floatToHalfBits(values[i]);
    return store.upload(key, half.data(), half.size() * sizeof(uint16_t));
}

std::vector<double> constantValues(const ir::Value& v) {
    const HostTensor& t = *v.constant();
    std::vector<double> out(size_t(t.numel()));
    for (int64_t i = 0; i < t.numel(); ++i) out[size_t(i)] = t.getDouble(i);
    return out;
}

// Inputs [from, to) must be present constants.
Status requireConstants(const TacticQuery& q, int from, int to, const char* what) {
    for (int i = from; i < to; ++i) {
        const ir::Value* v = q.node.input(i);
        if (!v) return invalidArgument(std::string(what) + ": input " + std::to_string(i) + " is missing");
        if (!v->constant()) return unsupported(std::string(what) + " computed at run time are not implemented on CUDA");
    }
    return Status::ok();
}

// --- Softmax / LogSoftmax ----------------------------------------------------------------------

// Groups [outer, len, inner]: before opset 13 the input is flattened at axis (default 1) into
// rows; from 13 each group is one axis (default -1).
class SoftmaxKernel final : public LayerKernel {
public:
    explicit SoftmaxKernel(bool log) : m_log(log) {}
    Status prepare(const PrepareArgs& args) override {
        m_flatten = args.node.opsetVersion() < 13;
        m_axis = args.node.attrInt("axis", m_flatten ? 1 : -1);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const int rank = int(x.dims.size());
        // Flattening accepts axis == rank (rows of one element).
        if (m_axis < -rank || m_axis > (m_flatten ? rank : rank - 1))
            return invalidArgument("axis " + std::to_string(m_axis) + " is out of range for rank " + std::to_string(rank));
        const size_t axis = size_t(m_axis < 0 ? m_axis + rank : m_axis);
        const int64_t outer = own::product(x.dims, 0, axis);
        const int64_t len = m_flatten ? own::product(x.dims, axis) : x.dims[axis];
        const int64_t inner = m_flatten ? 1 : own::product(x.dims, axis + 1);
        KILN_CUDA_RETURN_IF_ERROR(own::launchSoftmax(m_log, x.type, x.data, args.outputs[0].data, outer, len, inner, args.stream));
        return Status::ok();
    }

private:
    bool m_log;
    bool m_flatten = false;
    int64_t m_axis = -1;
};

// --- LayerNormalization ------------------------------------------------------------------------

// X as [rows, cols] split at axis. Constant Scale / B are expanded to the normalized shape
// X.shape[axis:] (they broadcast to it) and uploaded in the storage type; run-time ones must
// already have cols elements.
class LayerNormKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& args) override {
        const ir::Node& n = args.node;
        const std::vector<int64_t>& x = args.shapes.inputs[0];
        const int rank = int(x.size());
        const int64_t axis = n.attrInt("axis", -1);
        if (axis < -rank || axis >= rank)
            return invalidArgument("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
        m_axis = size_t(axis < 0 ? axis + rank : axis);
        m_epsilon = n.attrFloat("epsilon", 1e-5f);
        m_normDims.assign(x.begin() + long(m_axis), x.end());
        const DataType storage = storageType(args.precision);
        for (int i = 1; i <= 2; ++i) {
            const ir::Value* v = n.input(i);
            if (!v || !v->constant()) continue;
            KILN_ASSIGN_OR_RETURN(std::vector<float> expanded, expand(*v, i == 1 ? "Scale" : "B"));
            KILN_ASSIGN_OR_RETURN(m_params[i - 1], uploadValues(args.weights, n, i == 1 ? "ln.scale" : "ln.bias", expanded, storage));
        }
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        if (x.dims.size() != m_axis + m_normDims.size() ||
            !std::equal(m_normDims.begin(), m_normDims.end(), x.dims.begin() + long(m_axis)))
            return invalidArgument("LayerNormalization's normalized shape changed since the layer was built");
        own::LayerNormArgs a;
        a.x = x.data;
        a.y = args.outputs[0].data;
        a.rows = own::product(x.dims, 0, m_axis);
        a.cols = own::product(m_normDims);
        a.epsilon = m_epsilon;
        const void** params[] = {&a.gamma, &a.beta};
        for (size_t i = 0; i < 2; ++i) {
            const DeviceTensor* in = i + 1 < args.inputs.size() && args.inputs[i + 1].present() ? &args.inputs[i + 1] : nullptr;
            if (m_params[i]) *params[i] = m_params[i];
            else if (in && in->numel() == a.cols) *params[i] = in->data;
            else if (in) return unsupported("a run-time Scale/B must have one value per normalized element on CUDA");
        }
        for (size_t i = 1; i < args.outputs.size() && i <= 2; ++i) {  // the optional Mean, InvStdDev
            if (!args.outputs[i].data) continue;
            (i == 1 ? a.mean : a.invStd) = args.outputs[i].data;
            a.statType = args.outputs[i].type;
        }
        KILN_CUDA_RETURN_IF_ERROR(own::launchLayerNorm(a, x.type, args.stream));
        return Status::ok();
    }

private:
    Expected<std::vector<float>> expand(const ir::Value& v, const std::string& what) const {
        const std::vector<int64_t>& d = v.constant()->dims();
        bool ok = d.size() <= m_normDims.size();
        for (size_t i = 0; ok && i < d.size(); ++i) ok = d[i] == 1 || d[i] == m_normDims[m_normDims.size() - d.size() + i];
        if (!ok)
            return invalidArgument(what + " " + dimsToString(d) + " does not broadcast to the normalized shape " +
                                   dimsToString(m_normDims));
        const std::vector<double> values = constantValues(v);
        std::vector<float> out(size_t(own::product(m_normDims)));
        ops::MultiIndexer it(m_normDims, {ops::broadcastStrides(d, m_normDims)});
        for (size_t j = 0; j < out.size(); ++j, it.next()) out[j] = float(values[size_t(it.offset(0))]);
        return out;
    }

    size_t m_axis = 0;
    float m_epsilon = 1e-5f;
    std::vector<int64_t> m_normDims;
    const void* m_params[2] = {nullptr, nullptr};  // expanded constant Scale, B
};

// --- BatchNormalization (inference) ------------------------------------------------------------
//   y = x * a + b,  a = scale / sqrt(var + epsilon),  b = B - mean * a   (per channel, or per
//   activation [C, D...] with the pre-opset-9 spatial = 0)

class BatchNormKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& args) override {
        const ir::Node& n = args.node;
        const std::vector<int64_t>& x = args.shapes.inputs[0];
        m_spatial = n.opsetVersion() >= 9 || n.attrInt("spatial", 1) != 0;
        m_params = m_spatial ? x[1] : own::product(x, 1);
        std::vector<double> p[4];
        for (int i = 0; i < 4; ++i) {
            p[i] = constantValues(*n.input(i + 1));
            if (int64_t(p[i].size()) != m_params)
                return invalidArgument("BatchNormalization parameter " + std::to_string(i + 1) + " has " +
                                       std::to_string(p[i].size()) + " elements, expected " + std::to_string(m_params));
        }
        const double eps = n.attrFloat("epsilon", 1e-5f);
        std::vector<float> scale(static_cast<size_t>(m_params)), shift(static_cast<size_t>(m_params));
        for (size_t c = 0; c < scale.size(); ++c) {
            const double a = p[0][c] / std::sqrt(p[3][c] + eps);
            scale[c] = float(a);
            shift[c] = float(p[1][c] - p[2][c] * a);
        }
        KILN_ASSIGN_OR_RETURN(const void* s, uploadValues(args.weights, n, "bn.scale", scale, DataType::Float32));
        KILN_ASSIGN_OR_RETURN(const void* b, uploadValues(args.weights, n, "bn.shift", shift, DataType::Float32));
        m_scale = static_cast<const float*>(s);
        m_shift = static_cast<const float*>(b);
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const int64_t inner = own::product(x.dims, 2);
        if ((m_spatial ? x.dims[1] : x.dims[1] * inner) != m_params)
            return invalidArgument("BatchNormalization's channel count changed since the layer was built");
        KILN_CUDA_RETURN_IF_ERROR(own::launchChannelAffine(x.type, x.data, args.outputs[0].data, m_scale, m_shift, x.numel(),
                                                           m_spatial ? inner : 1, m_params, args.stream));
        return Status::ok();
    }

private:
    bool m_spatial = true;
    int64_t m_params = 0;
    const float* m_scale = nullptr;
    const float* m_shift = nullptr;
};

// --- InstanceNormalization / GroupNormalization ------------------------------------------------

// X [N, C, D...] in groups of C / groups channels (InstanceNormalization: groups = C), normalized
// per (n, group); scale and bias per channel or (GroupNormalization opset 18) per group.
class GroupNormKernel final : public LayerKernel {
public:
    explicit GroupNormKernel(bool instance) : m_instance(instance) {}

    Status prepare(const PrepareArgs& args) override {
        const ir::Node& n = args.node;
        const int64_t c = args.shapes.inputs[0][1];
        m_groups = m_instance ? c : n.attrInt("num_groups", 0);
        if (m_groups <= 0 || c % m_groups != 0)
            return invalidArgument("num_groups (" + std::to_string(m_groups) + ") must be positive and divide C = " +
                                   std::to_string(c));
        const std::vector<double> scale = constantValues(*n.input(1)), bias = constantValues(*n.input(2));
        if (scale.size() != bias.size() || (int64_t(scale.size()) != c && int64_t(scale.size()) != m_groups))
            return invalidArgument("scale and bias must both have C" + std::string(m_instance ? "" : " or num_groups") +
                                   " elements");
        m_channels = c;
        m_perChannel = int64_t(scale.size()) == c;
        m_epsilon = n.attrFloat("epsilon", 1e-5f);
        const std::vector<float> s(scale.begin(), scale.end()), b(bias.begin(), bias.end());
        KILN_ASSIGN_OR_RETURN(const void* ps, uploadValues(args.weights, n, "gn.scale", s, DataType::Float32));
        KILN_ASSIGN_OR_RETURN(const void* pb, uploadValues(args.weights, n, "gn.bias", b, DataType::Float32));
        m_scale = static_cast<const float*>(ps);
        m_bias = static_cast<const float*>(pb);
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        if (x.dims[1] != m_channels) return invalidArgument("the channel count changed since the layer was built");
        own::GroupNormArgs a;
        a.x = x.data;
        a.y = args.outputs[0].data;
        a.scale = m_scale;
        a.bias = m_bias;
        a.segments = x.dims[0] * m_groups;
        a.groups = m_groups;
        a.channelsPerGroup = m_channels / m_groups;
        a.inner = own::product(x.dims, 2);
        a.perChannel = m_perChannel;
        a.epsilon = m_epsilon;
        KILN_CUDA_RETURN_IF_ERROR(own::launchGroupNorm(a, x.type, args.stream));
        return Status::ok();
    }

private:
    bool m_instance;
    int64_t m_groups = 1, m_channels = 0;
    bool m_perChannel = true;
    float m_epsilon = 1e-5f;
    const float* m_scale = nullptr;
    const float* m_bias = nullptr;
};

// --- tactic sources ----------------------------------------------------------------------------

Expected<std::vector<Tactic>> softmaxTactics(const TacticQuery& q, bool log) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "input"));
    return std::vector<Tactic>{own::makeTactic<SoftmaxKernel>("kiln.softmax", log)};
}

Expected<std::vector<Tactic>> layerNormTactics(const TacticQuery& q) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "X"));
    if (q.shapes.inputs[0].empty()) return unsupported("LayerNormalization of a scalar");
    return std::vector<Tactic>{own::makeTactic<LayerNormKernel>("kiln.layer_norm")};
}

Expected<std::vector<Tactic>> batchNormTactics(const TacticQuery& q) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "X"));
    const ir::Node& n = q.node;
    bool extraOutputs = false;
    for (int i = 1; i < n.numOutputs(); ++i) extraOutputs = extraOutputs || n.output(i);
    if ((n.opsetVersion() >= 14 && n.attrInt("training_mode", 0) != 0) || (n.opsetVersion() < 14 && extraOutputs))
        return unsupported("training-mode BatchNormalization is not implemented on CUDA (inference is)");
    if (q.shapes.inputs[0].size() < 2) return unsupported("BatchNormalization needs X of rank >= 2 ([N, C, ...])");
    KILN_RETURN_IF_ERROR(requireConstants(q, 1, 5, "BatchNormalization parameters"));
    return std::vector<Tactic>{own::makeTactic<BatchNormKernel>("kiln.batch_norm")};
}

Expected<std::vector<Tactic>> groupNormTactics(const TacticQuery& q, bool instance) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "X"));
    if (q.shapes.inputs[0].size() < 2) return unsupported("normalization needs X of rank >= 2 ([N, C, ...])");
    KILN_RETURN_IF_ERROR(requireConstants(q, 1, 3, "scale and bias"));
    return std::vector<Tactic>{own::makeTactic<GroupNormKernel>(instance ? "kiln.instance_norm" : "kiln.group_norm", instance)};
}

}  // namespace

void registerOwnNormTactics(TacticRegistry& r) {
    r.add("Softmax", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return softmaxTactics(q, false); });
    r.add("LogSoftmax", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return softmaxTactics(q, true); });
    r.add("LayerNormalization", "", "kiln", PrecisionRule::Compute, layerNormTactics);
    r.add("LayerNormalization", "kiln", "kiln", PrecisionRule::Compute, layerNormTactics);
    r.add("BatchNormalization", "", "kiln", PrecisionRule::Compute, batchNormTactics);
    r.add("InstanceNormalization", "", "kiln", PrecisionRule::Compute,
          [](const TacticQuery& q) { return groupNormTactics(q, true); });
    r.add("GroupNormalization", "", "kiln", PrecisionRule::Compute,
          [](const TacticQuery& q) { return groupNormTactics(q, false); });
}

}  // namespace kiln::cuda
