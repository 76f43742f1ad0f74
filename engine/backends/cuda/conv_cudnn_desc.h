// Private to the cuDNN tactics (conv_cudnn*.cpp, pool_cudnn.cpp): cuDNN errors as Status, owning
// descriptor handles, the node's convolution attributes and their cuDNN form at one input shape.
#pragma once

#include <cudnn.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"
#include "ops/activation_fn.h"

namespace kiln::cuda::cudnnconv {

Status cudnnFailure(cudnnStatus_t s, const char* what);

#define KILN_CUDNN_RETURN_IF_ERROR(expr)                                                         \
    do {                                                                                         \
        const cudnnStatus_t kiln_cudnn_s_ = (expr);                                              \
        if (kiln_cudnn_s_ != CUDNN_STATUS_SUCCESS) return ::kiln::cuda::cudnnconv::cudnnFailure(kiln_cudnn_s_, #expr); \
    } while (0)

template <auto Destroy>
using DescriptorDeleter = DestroyWith<Destroy>;
using TensorDesc = std::unique_ptr<cudnnTensorStruct, DescriptorDeleter<&cudnnDestroyTensorDescriptor>>;
using FilterDesc = std::unique_ptr<cudnnFilterStruct, DescriptorDeleter<&cudnnDestroyFilterDescriptor>>;
using ConvDesc = std::unique_ptr<cudnnConvolutionStruct, DescriptorDeleter<&cudnnDestroyConvolutionDescriptor>>;
using ActivationDesc = std::unique_ptr<cudnnActivationStruct, DescriptorDeleter<&cudnnDestroyActivationDescriptor>>;
using PoolingDesc = std::unique_ptr<cudnnPoolingStruct, DescriptorDeleter<&cudnnDestroyPoolingDescriptor>>;

// A fully packed tensor descriptor of `dims`, given in cuDNN's order [N, C, spatial...] whatever
// the format: CUDNN_TENSOR_NCHW is row-major in that order (any rank), CUDNN_TENSOR_NHWC is
// channels last (4-D only).
Expected<TensorDesc> makeTensorDesc(cudnnDataType_t type, const std::vector<int>& dims,
                                    cudnnTensorFormat_t format = CUDNN_TENSOR_NCHW);

// Input slots of Conv and kiln.FusedConv.
constexpr int kInputX = 0, kInputW = 1, kInputBias = 2, kInputResidual = 3;

// The shape-independent attributes of a Conv / kiln.FusedConv node.
struct ConvAttrs {
    int spatialRank = 0;  // ONNX spatial axes: 1, 2 or 3
    int64_t group = 1;
    std::string autoPad;  // NOTSET, SAME_UPPER, SAME_LOWER, VALID
    std::vector<int64_t> strides, dilations, padBegin, padEnd;
    ops::Activation activation;  // kiln.FusedConv's; None for Conv
    bool hasBias = false, hasResidual = false;
    // kiln_layout = "NHWC" (2-D only): X, Y and the residual are [N, H, W, C] and the filter runs
    // packed as [M, kH, kW, C / group] (cuDNN's NHWC filter, "KRSC"); W and B are given as in ONNX.
    bool nhwc = false;
};
Expected<ConvAttrs> readConvAttrs(const ir::Node& node, int spatialRank);

// What cuDNN is given at one input shape. 1-D convolutions are 2-D ones with H = 1, so every
// vector here has at least 2 spatial axes; pads are symmetric (cuDNN has no asymmetric padding).
struct CudnnConvShape {
    std::vector<int> x, w, y;  // [N, C, spatial...], [M, C / group, k...], [N, M, out...]
    std::vector<int> pads, strides, dilations;
    cudnnTensorFormat_t format = CUDNN_TENSOR_NCHW;  // of X, W and Y in memory (NHWC: KRSC filter)
};
// From the layer's dims of X, W and Y (X and Y [N, H, W, C] when a.nhwc); an unsupported()
// status for asymmetric padding or dims beyond int.
Expected<CudnnConvShape> cudnnShape(const ConvAttrs& a, const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                                    const std::vector<int64_t>& y);

// The descriptors of one convolution at one shape, in s.format, with the precision's data and
// math types:
// FP32 float data and FMA math (no TF32), TF32 float data and tensor-op math, FP16 half data
// with float compute and tensor-op math.
struct ConvDescriptors {
    TensorDesc x, y;
    FilterDesc w;
    ConvDesc conv;
};
Expected<ConvDescriptors> makeDescriptors(const CudnnConvShape& s, Precision p, int64_t group);
cudnnDataType_t cudnnDataType(Precision p);

// One algorithm cuDNN can run at some descriptors, with its workspace.
struct AlgoChoice {
    cudnnConvolutionFwdAlgo_t algo;
    size_t workspace = 0;
};
// Every algorithm cudnnGetConvolutionForwardAlgorithm_v7 reports usable (status success) at the
// descriptors, best first, each once, with the workspace cudnnGetConvolutionForwardWorkspaceSize
// gives for the descriptors' math type (algorithms it rejects are left out).
Expected<std::vector<AlgoChoice>> usableAlgorithms(cudnnHandle_t h, const ConvDescriptors& d);

// "implicit_gemm", "implicit_precomp_gemm", "gemm", "direct", "fft", "fft_tiling", "winograd",
// "winograd_nonfused".
const char* algoName(cudnnConvolutionFwdAlgo_t a);

// Whether the bias / residual / activation of the layer run inside cuDNN
// (cudnnConvolutionBiasActivationForward) with algorithm `a`: Relu with any algorithm, the
// identity (bias and residual alone) only with IMPLICIT_PRECOMP_GEMM.
bool epilogueInCudnn(const ConvAttrs& attrs, cudnnConvolutionFwdAlgo_t a);

// The process-wide cuDNN handle of the current device for tactic queries (cuda_common.h).
using QueryHandle = cuda::LockedHandle<cudnnHandle_t>;
Expected<QueryHandle> queryHandle();

}  // namespace kiln::cuda::cudnnconv
