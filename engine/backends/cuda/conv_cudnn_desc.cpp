// Descriptors, attributes and algorithm lists of the cuDNN convolution tactics.
#include "backends/cuda/conv_cudnn_desc.h"

#include <algorithm>
#include <climits>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layout_nhwc.h"

namespace kiln::cuda::cudnnconv {

Status cudnnFailure(cudnnStatus_t s, const char* what) {
    std::string msg = std::string(what) + ": " + cudnnGetErrorString(s);
    if (CUDNN_STATUS_CATEGORY(s) == CUDNN_STATUS_NOT_SUPPORTED) return unsupported(std::move(msg));
    return internalError(std::move(msg));
}

namespace {

Expected<std::vector<int>> toInts(const std::vector<int64_t>& v, const char* what) {
    std::vector<int> out;
    for (int64_t d : v) {
        if (d < 0 || d > INT_MAX) return unsupported(std::string(what) + " " + dimsToString(v) + " exceeds cuDNN's int dims");
        out.push_back(int(d));
    }
    return out;
}

// [N, H, W, C] -> [N, C, H, W]: cuDNN takes dims in NCHW order whatever the memory format.
std::vector<int64_t> nchwOrder(const std::vector<int64_t>& nhwc) { return {nhwc[0], nhwc[3], nhwc[1], nhwc[2]}; }

}  // namespace

Expected<TensorDesc> makeTensorDesc(cudnnDataType_t type, const std::vector<int>& dims, cudnnTensorFormat_t format) {
    cudnnTensorDescriptor_t d = nullptr;
    KILN_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&d));
    TensorDesc owned(d);
    if (format == CUDNN_TENSOR_NHWC) {
        if (dims.size() != 4) return unsupported("NHWC tensor descriptors are 4-D");
        KILN_CUDNN_RETURN_IF_ERROR(cudnnSetTensor4dDescriptor(d, format, type, dims[0], dims[1], dims[2], dims[3]));
        return owned;
    }
    std::vector<int> strides(dims.size(), 1);
    for (size_t i = dims.size() - 1; i-- > 0;) strides[i] = strides[i + 1] * std::max(dims[i + 1], 1);
    KILN_CUDNN_RETURN_IF_ERROR(cudnnSetTensorNdDescriptor(d, type, int(dims.size()), dims.data(), strides.data()));
    return owned;
}

Expected<ConvAttrs> readConvAttrs(const ir::Node& n, int spatialRank) {
    if (spatialRank < 1 || spatialRank > 3)
        return unsupported("cuDNN convolutions have 1 to 3 spatial axes, not " + std::to_string(spatialRank));
    const size_t r = size_t(spatialRank);
    ConvAttrs a;
    a.spatialRank = spatialRank;
    a.group = n.attrInt("group", 1);
    a.autoPad = n.attrString("auto_pad", "NOTSET");
    a.strides = n.attrInts("strides", std::vector<int64_t>(r, 1));
    a.dilations = n.attrInts("dilations", std::vector<int64_t>(r, 1));
    const std::vector<int64_t> pads = n.attrInts("pads", std::vector<int64_t>(2 * r, 0));
    if (a.strides.size() != r || a.dilations.size() != r || pads.size() != 2 * r)
        return invalidModel("strides, dilations or pads do not have one value per spatial axis");
    if (a.autoPad != "NOTSET" && a.autoPad != "VALID" && a.autoPad != "SAME_UPPER" && a.autoPad != "SAME_LOWER")
        return invalidModel("unknown auto_pad '" + a.autoPad + "'");
    a.padBegin.assign(pads.begin(), pads.begin() + long(r));
    a.padEnd.assign(pads.begin() + long(r), pads.end());
    if (n.domain() == "kiln") {
        KILN_ASSIGN_OR_RETURN(a.activation, ops::activationFromAttrs(n));
        a.hasResidual = n.input(kInputResidual) != nullptr;
    }
    a.hasBias = n.input(kInputBias) != nullptr;
    const std::string layout = n.attrString(kLayoutAttr, "NCHW");
    if (layout != "NCHW" && layout != kLayoutNhwc) return invalidModel("unknown kiln_layout '" + layout + "'");
    a.nhwc = layout == kLayoutNhwc;
    if (a.nhwc && spatialRank != 2) return unsupported("NHWC convolutions are 2-D");
    return a;
}

Expected<CudnnConvShape> cudnnShape(const ConvAttrs& a, const std::vector<int64_t>& layerX, const std::vector<int64_t>& w,
                                    const std::vector<int64_t>& layerY) {
    const size_t r = size_t(a.spatialRank);
    if (layerX.size() != r + 2 || w.size() != r + 2 || layerY.size() != r + 2)
        return invalidArgument("X, W and Y must have " + std::to_string(r + 2) + " dims");
    const std::vector<int64_t> x = a.nhwc ? nchwOrder(layerX) : layerX;
    const std::vector<int64_t> y = a.nhwc ? nchwOrder(layerY) : layerY;
    std::vector<int64_t> pads(r), strides = a.strides, dilations = a.dilations;
    for (size_t i = 0; i < r; ++i) {
        int64_t begin = a.padBegin[i], end = a.padEnd[i];
        if (a.autoPad == "VALID") {
            begin = end = 0;
        } else if (a.autoPad != "NOTSET") {  // SAME_*: out = ceil(in / s), the odd unit at the end (UPPER) or begin
            const int64_t in = x[i + 2], s = strides[i], dk = (w[i + 2] - 1) * dilations[i] + 1;
            const int64_t total = std::max<int64_t>(0, ((in + s - 1) / s - 1) * s + dk - in);
            begin = a.autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            end = total - begin;
        }
        if (begin != end)
            return unsupported("asymmetric padding (" + std::to_string(begin) + " before, " + std::to_string(end) +
                               " after, spatial axis " + std::to_string(i) + ") is not supported by cuDNN");
        pads[i] = begin;
    }
    std::vector<int64_t> xs = x, ws = w, ys = y;
    if (r == 1) {  // [N, C, L] -> [N, C, 1, L]
        xs.insert(xs.begin() + 2, 1);
        ws.insert(ws.begin() + 2, 1);
        ys.insert(ys.begin() + 2, 1);
        pads.insert(pads.begin(), 0);
        strides.insert(strides.begin(), 1);
        dilations.insert(dilations.begin(), 1);
    }
    CudnnConvShape s;
    s.format = a.nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
    KILN_ASSIGN_OR_RETURN(s.x, toInts(xs, "X"));
    KILN_ASSIGN_OR_RETURN(s.w, toInts(ws, "W"));
    KILN_ASSIGN_OR_RETURN(s.y, toInts(ys, "Y"));
    KILN_ASSIGN_OR_RETURN(s.pads, toInts(pads, "pads"));
    KILN_ASSIGN_OR_RETURN(s.strides, toInts(strides, "strides"));
    KILN_ASSIGN_OR_RETURN(s.dilations, toInts(dilations, "dilations"));
    return s;
}

cudnnDataType_t cudnnDataType(Precision p) { return p == Precision::FP16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT; }

Expected<ConvDescriptors> makeDescriptors(const CudnnConvShape& s, Precision p, int64_t group) {
    const cudnnDataType_t type = cudnnDataType(p);
    ConvDescriptors d;
    KILN_ASSIGN_OR_RETURN(d.x, makeTensorDesc(type, s.x, s.format));
    KILN_ASSIGN_OR_RETURN(d.y, makeTensorDesc(type, s.y, s.format));

    cudnnFilterDescriptor_t f = nullptr;
    KILN_CUDNN_RETURN_IF_ERROR(cudnnCreateFilterDescriptor(&f));
    d.w.reset(f);
    // Dims [M, C / group, k...] in either format; NHWC memory is [M, k..., C / group].
    KILN_CUDNN_RETURN_IF_ERROR(cudnnSetFilterNdDescriptor(f, type, s.format, int(s.w.size()), s.w.data()));

    cudnnConvolutionDescriptor_t c = nullptr;
    KILN_CUDNN_RETURN_IF_ERROR(cudnnCreateConvolutionDescriptor(&c));
    d.conv.reset(c);
    // Accumulation is float at every precision (FP16 is cuDNN's "pseudo half" configuration).
    KILN_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionNdDescriptor(c, int(s.pads.size()), s.pads.data(), s.strides.data(),
                                                               s.dilations.data(), CUDNN_CROSS_CORRELATION,
                                                               CUDNN_DATA_FLOAT));
    KILN_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionGroupCount(c, int(group)));
    // FMA math keeps FP32 exact (no TF32); tensor-op math lets float data use TF32 and half data
    // the FP16 tensor cores. Not ..._ALLOW_CONVERSION: that may round FP32 data to FP16.
    KILN_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionMathType(c, p == Precision::FP32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH));

    std::vector<int> out(s.y.size());
    KILN_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionNdForwardOutputDim(c, d.x.get(), f, int(out.size()), out.data()));
    if (out != s.y)
        return internalError("cuDNN computes output dims " + dimsToString(std::vector<int64_t>(out.begin(), out.end())) +
                             " but the layer's are " + dimsToString(std::vector<int64_t>(s.y.begin(), s.y.end())));
    return d;
}

Expected<std::vector<AlgoChoice>> usableAlgorithms(cudnnHandle_t h, const ConvDescriptors& d) {
    int maxCount = 0;
    KILN_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &maxCount));
    std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(size_t(std::max(maxCount, 1)));
    int returned = 0;
    KILN_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x.get(), d.w.get(), d.conv.get(), d.y.get(),
                                                                      int(perf.size()), &returned, perf.data()));
    std::vector<AlgoChoice> out;
    for (int i = 0; i < returned; ++i) {
        const cudnnConvolutionFwdAlgoPerf_t& r = perf[size_t(i)];
        if (r.status != CUDNN_STATUS_SUCCESS) continue;
        if (std::any_of(out.begin(), out.end(), [&](const AlgoChoice& c) { return c.algo == r.algo; })) continue;
        AlgoChoice c{r.algo, 0};
        if (cudnnGetConvolutionForwardWorkspaceSize(h, d.x.get(), d.w.get(), d.conv.get(), d.y.get(), r.algo,
                                                    &c.workspace) != CUDNN_STATUS_SUCCESS)
            continue;
        out.push_back(c);
    }
    return out;
}

const char* algoName(cudnnConvolutionFwdAlgo_t a) {
    switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return "implicit_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return "implicit_precomp_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return "gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return "direct";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return "fft";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return "fft_tiling";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return "winograd";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return "winograd_nonfused";
    default: return "unknown";
    }
}

bool epilogueInCudnn(const ConvAttrs& attrs, cudnnConvolutionFwdAlgo_t a) {
    const bool relu = attrs.activation.kind == ops::ActivationKind::Relu;
    if (!attrs.hasBias && !attrs.hasResidual && !relu) return false;
    return relu || a == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
}

Expected<QueryHandle> queryHandle() {
    return queryHandleOf<cudnnHandle_t>([](cudnnHandle_t* h) -> Status {
        KILN_CUDNN_RETURN_IF_ERROR(cudnnCreate(h));
        return Status::ok();
    });
}

}  // namespace kiln::cuda::cudnnconv
