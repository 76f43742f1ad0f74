// Conv and kiln.FusedConv through cuDNN (NCHW, 1-D to 3-D, groups, dilations, symmetric pads;
// or 2-D NHWC with kiln_layout = "NHWC", see layout_nhwc.h): one tactic per forward algorithm
// cuDNN reports usable at the query's shapes, named "cudnn.conv.<algorithm>" (NHWC:
// "cudnn.conv.nhwc.<algorithm>"), plus ".fused" where the epilogue runs inside cuDNN:
//   Y = act(conv(X, W) + B + Residual)
// cudnnConvolutionBiasActivationForward computes act(conv + z + bias) with z = Residual for Relu
// (any algorithm) and for the identity (IMPLICIT_PRECOMP_GEMM only); whatever is left (other
// activations, or bias / residual with the other algorithms) runs in Kiln's epilogue kernel,
// in place on Y, right after the convolution.
//
// Descriptors and the algorithm are planned per input shape on the host, so dynamic batch works:
// the algorithm the builder chose is kept where cuDNN can run it at the new shape, else cuDNN's
// best for that shape is used.
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "backends/cuda/conv_cudnn_desc.h"
#include "backends/cuda/epilogue_kernels.h"
#include "core/half.h"

namespace kiln::cuda {

namespace {

using namespace cudnnconv;

// W [M, C / group, kH, kW] -> [M, kH, kW, C / group] (cuDNN's NHWC filter, "KRSC") in the
// storage type, uploaded once per node and type.
Expected<const void*> uploadKrscFilter(const PrepareArgs& a, DataType storage) {
    const ir::Value* wv = a.node.input(kInputW);
    if (!wv || !wv->constant()) return unsupported("an NHWC convolution needs a constant W");
    const HostTensor& w = *wv->constant();
    const int64_t m = w.dim(0), c = w.dim(1), kh = w.dim(2), kw = w.dim(3);
    std::vector<float> krsc(size_t(w.numel()));
    for (int64_t o = 0; o < m; ++o)
        for (int64_t i = 0; i < c; ++i)
            for (int64_t r = 0; r < kh * kw; ++r)
                krsc[size_t((o * kh * kw + r) * c + i)] = float(w.getDouble((o * c + i) * kh * kw + r));
    const std::string key = a.node.name() + "/cudnn.w_krsc@" + dataTypeName(storage);
    if (storage == DataType::Float32) return a.weights.upload(key, krsc.data(), krsc.size() * sizeof(float));
    std::vector<uint16_t> half(krsc.size());
    for (size_t i = 0; i < krsc.size(); ++i) half[i] = floatToHalfBits(krsc[i]);
    return a.weights.upload(key, half.data(), half.size() * sizeof(uint16_t));
}

// The cuDNN state of one input shape.
struct ShapePlan {
    ConvDescriptors desc;
    std::vector<AlgoChoice> usable;  // best first
    AlgoChoice chosen;
    bool cudnnRejectsFusion = false;  // cudnnConvolutionBiasActivationForward said not supported
};

class CudnnConvKernel final : public LayerKernel {
public:
    explicit CudnnConvKernel(cudnnConvolutionFwdAlgo_t algo) : m_buildAlgo(algo) {}

    Status prepare(const PrepareArgs& a) override {
        const std::vector<int64_t>& x = a.shapes.inputs[kInputX];
        const std::vector<int64_t>& w = a.shapes.inputs[kInputW];
        KILN_ASSIGN_OR_RETURN(m_attrs, readConvAttrs(a.node, int(x.size()) - 2));
        m_precision = a.precision;
        m_storage = storageType(a.precision);
        m_handle = a.libs.cudnn;
        const int64_t channels = w[0];

        // Bias [1, M, 1, 1(, 1)]: one value per output channel, broadcast like Y.
        std::vector<int> biasDims(std::max<size_t>(x.size(), 4), 1);
        biasDims[1] = int(channels);
        KILN_ASSIGN_OR_RETURN(m_biasDesc, makeTensorDesc(cudnnDataType(m_precision), biasDims,
                                                         m_attrs.nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW));
        if (m_attrs.nhwc) {
            KILN_ASSIGN_OR_RETURN(m_krscFilter, uploadKrscFilter(a, m_storage));
        }
        cudnnActivationDescriptor_t act = nullptr;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnCreateActivationDescriptor(&act));
        m_activation.reset(act);
        const bool relu = m_attrs.activation.kind == ops::ActivationKind::Relu;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnSetActivationDescriptor(
            act, relu ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY, CUDNN_PROPAGATE_NAN, 0.0));
        if (relu && !m_attrs.hasBias) {  // the fused call always adds a bias
            const std::vector<uint8_t> zeros(size_t(channels) * dataTypeSize(m_storage), 0);
            KILN_ASSIGN_OR_RETURN(m_zeroBias, a.weights.upload(a.node.name() + "/cudnn.zero_bias@" + dataTypeName(m_storage),
                                                               zeros.data(), zeros.size()));
        }
        return planFor(x, w, a.shapes.outputs[0]).status();
    }

    size_t workspaceBytes(const LayerShapes& shapes) const override {
        auto plan = planFor(shapes.inputs[kInputX], shapes.inputs[kInputW], shapes.outputs[0]);
        return plan ? (*plan)->chosen.workspace : 0;  // enqueue reports the error
    }

    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[kInputX];
        const DeviceTensor& w = a.inputs[kInputW];
        const DeviceOutput& y = a.outputs[0];
        if (y.numel() == 0) return Status::ok();
        const void* filter = m_attrs.nhwc ? m_krscFilter : w.data;
        KILN_ASSIGN_OR_RETURN(ShapePlan * p, planFor(x.dims, w.dims, y.dims));
        if (p->chosen.workspace > a.workspaceBytes) {
            // A shape the context's workspace was not sized for: the best algorithm that fits.
            auto fits = std::find_if(p->usable.begin(), p->usable.end(),
                                     [&](const AlgoChoice& c) { return c.workspace <= a.workspaceBytes; });
            if (fits == p->usable.end())
                return outOfRange("the convolution at X " + dimsToString(x.dims) + " needs " +
                                  std::to_string(p->chosen.workspace) + " bytes of workspace, the context has " +
                                  std::to_string(a.workspaceBytes));
            p->chosen = *fits;
        }
        cudnnHandle_t h = a.libs->cudnn;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnSetStream(h, a.stream));

        const void* bias = m_attrs.hasBias ? a.inputs[kInputBias].data : m_zeroBias;
        const void* residual = m_attrs.hasResidual ? a.inputs[kInputResidual].data : nullptr;
        EpilogueLaunch rest;  // what runs after cuDNN, in place on Y
        rest.y = y.data;
        rest.type = m_storage;
        rest.count = y.numel();
        rest.activation = m_attrs.activation;
        const float one = 1.0f, zero = 0.0f;
        const cudnnConvolutionFwdAlgo_t algo = p->chosen.algo;
        bool fused = epilogueInCudnn(m_attrs, algo) && !p->cudnnRejectsFusion;
        if (fused) {
            // y = act(conv(x) + alpha2 * z + bias); without a residual z is y itself, scaled by 0.
            const cudnnStatus_t s = cudnnConvolutionBiasActivationForward(
                h, &one, p->desc.x.get(), x.data, p->desc.w.get(), filter, p->desc.conv.get(), algo, a.workspace,
                a.workspaceBytes, residual ? &one : &zero, p->desc.y.get(), residual ? residual : y.data,
                m_biasDesc.get(), bias, m_activation.get(), p->desc.y.get(), y.data);
            if (CUDNN_STATUS_CATEGORY(s) == CUDNN_STATUS_NOT_SUPPORTED) {
                p->cudnnRejectsFusion = true;  // this cuDNN lacks the fusion for the algorithm: run it unfused
                fused = false;
            } else if (s != CUDNN_STATUS_SUCCESS) {
                return cudnnFailure(s, "cudnnConvolutionBiasActivationForward");
            }
        }
        if (fused) {
            if (m_attrs.activation.kind == ops::ActivationKind::Relu) rest.activation = {};
        } else {
            KILN_CUDNN_RETURN_IF_ERROR(cudnnConvolutionForward(h, &one, p->desc.x.get(), x.data, p->desc.w.get(), filter,
                                                               p->desc.conv.get(), algo, a.workspace, a.workspaceBytes,
                                                               &zero, p->desc.y.get(), y.data));
            if (m_attrs.hasBias && m_attrs.nhwc) {  // channels last: bias[i % M]
                rest.bias = bias;
                rest.biasDiv = 1;
                rest.biasMod = y.dims.back();
            } else if (m_attrs.hasBias) {  // NCHW: bias[(i / spatial size) % M]
                rest.bias = bias;
                rest.biasDiv = y.numel() / (y.dims[0] * y.dims[1]);
                rest.biasMod = y.dims[1];
            }
            rest.residual = residual;
        }
        return launchEpilogue(rest, a.stream);
    }

private:
    // The plan at these dims, made on first use (host-side only: descriptors and heuristics).
    Expected<ShapePlan*> planFor(const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                                 const std::vector<int64_t>& y) const {
        std::vector<int64_t> key = x;
        key.insert(key.end(), w.begin(), w.end());
        key.push_back(m_attrs.nhwc);  // NCHW and NHWC X of equal dims are different shapes
        if (auto it = m_plans.find(key); it != m_plans.end()) return it->second.get();
        KILN_ASSIGN_OR_RETURN(CudnnConvShape s, cudnnShape(m_attrs, x, w, y));
        auto plan = std::make_unique<ShapePlan>();
        KILN_ASSIGN_OR_RETURN(plan->desc, makeDescriptors(s, m_precision, m_attrs.group));
        KILN_ASSIGN_OR_RETURN(plan->usable, usableAlgorithms(m_handle, plan->desc));
        if (plan->usable.empty())
            return unsupported("cuDNN has no algorithm for this convolution at X " + dimsToString(x));
        auto built = std::find_if(plan->usable.begin(), plan->usable.end(),
                                  [&](const AlgoChoice& c) { return c.algo == m_buildAlgo; });
        plan->chosen = built != plan->usable.end() ? *built : plan->usable.front();
        ShapePlan* p = plan.get();
        m_plans.emplace(std::move(key), std::move(plan));
        return p;
    }

    cudnnConvolutionFwdAlgo_t m_buildAlgo;
    ConvAttrs m_attrs;
    Precision m_precision = Precision::FP32;
    DataType m_storage = DataType::Float32;
    cudnnHandle_t m_handle = nullptr;  // the context's: descriptors and heuristics of new shapes
    TensorDesc m_biasDesc;
    ActivationDesc m_activation;       // RELU or IDENTITY, for the fused call
    const void* m_zeroBias = nullptr;  // Relu without a bias still passes one to the fused call
    const void* m_krscFilter = nullptr;  // NHWC: W packed [M, kH, kW, C / group] (W's input is NCHW)
    mutable std::map<std::vector<int64_t>, std::unique_ptr<ShapePlan>> m_plans;  // by X dims, W dims, layout
};

Expected<std::vector<Tactic>> convTactics(const TacticQuery& q) {
    const LayerShapes& s = q.shapes;
    if (s.inputs.size() < 2 || s.outputs.empty()) return invalidModel("a convolution needs X, W and an output");
    const DataType type = s.inputTypes[kInputX];
    if (type != DataType::Float32 && type != DataType::Float16)
        return unsupported(std::string("cuDNN convolutions take float32 or float16, not ") + dataTypeName(type));
    if (s.inputTypes[kInputW] != type) return unsupported("W's type differs from X's");
    const std::vector<int64_t>& x = s.inputs[kInputX];
    const std::vector<int64_t>& w = s.inputs[kInputW];
    if (x.size() < 3 || w.size() != x.size())
        return invalidModel("X must be [N, C, spatial...] and W of the same rank, got " + dimsToString(x) + " and " +
                            dimsToString(w));
    KILN_ASSIGN_OR_RETURN(ConvAttrs attrs, readConvAttrs(q.node, int(x.size()) - 2));
    if (attrs.nhwc && !(q.node.input(kInputW) && q.node.input(kInputW)->constant()))
        return unsupported("an NHWC convolution needs a constant W (it is packed to [M, kH, kW, C / group] once)");
    if (attrs.hasBias && s.inputs[kInputBias] != std::vector<int64_t>{w[0]})
        return invalidModel("bias B must have shape [" + std::to_string(w[0]) + "]");
    if (attrs.hasResidual && s.inputs[kInputResidual] != s.outputs[0])
        return invalidModel("the residual must have the output's shape " + dimsToString(s.outputs[0]));
    KILN_ASSIGN_OR_RETURN(CudnnConvShape shape, cudnnShape(attrs, x, w, s.outputs[0]));
    KILN_ASSIGN_OR_RETURN(QueryHandle h, queryHandle());
    KILN_ASSIGN_OR_RETURN(ConvDescriptors d, makeDescriptors(shape, q.precision, attrs.group));
    KILN_ASSIGN_OR_RETURN(std::vector<AlgoChoice> algos, usableAlgorithms(h.handle, d));
    std::vector<Tactic> out;
    for (const AlgoChoice& c : algos) {
        std::string name = std::string(attrs.nhwc ? "cudnn.conv.nhwc." : "cudnn.conv.") + algoName(c.algo) +
                           (epilogueInCudnn(attrs, c.algo) ? ".fused" : "");
        out.push_back({std::move(name), [algo = c.algo] { return std::make_unique<CudnnConvKernel>(algo); }});
    }
    return out;
}

}  // namespace

void registerCudnnTactics(TacticRegistry& r) {
    r.add("Conv", "", "cudnn", PrecisionRule::Compute, convTactics);
    r.add("FusedConv", "kiln", "cudnn", PrecisionRule::Compute, convTactics);
}

}  // namespace kiln::cuda
