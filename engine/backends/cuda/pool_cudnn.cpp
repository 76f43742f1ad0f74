// NHWC MaxPool / AveragePool through cudnnPoolingForward (see pool_cudnn.h):
//   X [N, H, W, C] -> Y [N, P, Q, C], P = floor((H + 2 * padH - kH) / strideH) + 1 (Q likewise).
// Padded positions never win a max; AveragePool divides by the window positions inside the input
// (count_include_pad = 0, CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING) or inside the padded input
// (count_include_pad = 1), as the CPU reference does. Descriptors are made per input shape on the
// host, so any batch runs.
#include "backends/cuda/pool_cudnn.h"

#include <climits>
#include <map>
#include <memory>
#include <string>

#include "backends/cuda/conv_cudnn_desc.h"

namespace kiln::cuda {

namespace {

using namespace cudnnconv;

// A 2-D pooling window in cuDNN's terms.
struct PoolWindow {
    cudnnPoolingMode_t mode = CUDNN_POOLING_MAX;
    int kernel[2] = {1, 1}, pads[2] = {0, 0}, strides[2] = {1, 1};
};

Expected<PoolWindow> readPoolWindow(const ir::Node& n) {
    const std::vector<int64_t> kernel = n.attrInts("kernel_shape");
    const std::vector<int64_t> strides = n.attrInts("strides", {1, 1});
    const std::vector<int64_t> dilations = n.attrInts("dilations", {1, 1});
    std::vector<int64_t> pads = n.attrInts("pads", {0, 0, 0, 0});
    const std::string autoPad = n.attrString("auto_pad", "NOTSET");
    if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
        return unsupported("NHWC pooling has 2-D windows (kernel_shape, strides, dilations of 2 values, pads of 4)");
    if (dilations[0] != 1 || dilations[1] != 1) return unsupported("cuDNN pooling has no dilated windows");
    if (n.attrInt("ceil_mode", 0) != 0) return unsupported("cuDNN pooling rounds output sizes down (ceil_mode 0 only)");
    if (autoPad == "VALID") pads.assign(4, 0);
    else if (autoPad != "NOTSET") return unsupported("auto_pad " + autoPad + " is not implemented for NHWC pooling");
    if (pads[0] != pads[2] || pads[1] != pads[3]) return unsupported("cuDNN pooling has no asymmetric pads");
    if (n.opType() == "MaxPool" && n.output(1)) return unsupported("MaxPool's Indices output is not implemented in NHWC");
    PoolWindow w;
    if (n.opType() == "AveragePool")
        w.mode = n.attrInt("count_include_pad", 0) != 0 ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                                                        : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
    for (int i = 0; i < 2; ++i) {
        if (kernel[size_t(i)] < 1 || strides[size_t(i)] < 1 || pads[size_t(i)] < 0 || kernel[size_t(i)] > INT_MAX ||
            strides[size_t(i)] > INT_MAX || pads[size_t(i)] >= kernel[size_t(i)])
            return unsupported("the pooling window is out of cuDNN's range (pads must be smaller than the window)");
        w.kernel[i] = int(kernel[size_t(i)]);
        w.strides[i] = int(strides[size_t(i)]);
        w.pads[i] = int(pads[size_t(i)]);
    }
    return w;
}

// [N, H, W, C] -> cuDNN's dims order [N, C, H, W], checked to fit in int.
Expected<std::vector<int>> cudnnDims(const std::vector<int64_t>& nhwc) {
    if (nhwc.size() != 4) return invalidArgument("NHWC pooling takes 4-D tensors, got " + dimsToString(nhwc));
    for (int64_t d : nhwc)
        if (d < 1 || d > INT_MAX) return unsupported("dims " + dimsToString(nhwc) + " are out of cuDNN's int range");
    return std::vector<int>{int(nhwc[0]), int(nhwc[3]), int(nhwc[1]), int(nhwc[2])};
}

class CudnnPoolKernel final : public LayerKernel {
public:
    explicit CudnnPoolKernel(PoolWindow w) : m_window(w) {}

    Status prepare(const PrepareArgs& a) override {
        m_type = cudnnDataType(a.precision);
        cudnnPoolingDescriptor_t p = nullptr;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnCreatePoolingDescriptor(&p));
        m_pool.reset(p);
        const PoolWindow& w = m_window;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnSetPooling2dDescriptor(p, w.mode, CUDNN_PROPAGATE_NAN, w.kernel[0], w.kernel[1],
                                                               w.pads[0], w.pads[1], w.strides[0], w.strides[1]));
        return descriptorsFor(a.shapes.inputs[0], a.shapes.outputs[0]).status();
    }

    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceOutput& y = a.outputs[0];
        if (y.numel() == 0) return Status::ok();
        KILN_ASSIGN_OR_RETURN(const ShapeDescs* d, descriptorsFor(x.dims, y.dims));
        cudnnHandle_t h = a.libs->cudnn;
        KILN_CUDNN_RETURN_IF_ERROR(cudnnSetStream(h, a.stream));
        const float one = 1.0f, zero = 0.0f;  // float scaling factors for float and half data
        KILN_CUDNN_RETURN_IF_ERROR(
            cudnnPoolingForward(h, m_pool.get(), &one, d->x.get(), x.data, &zero, d->y.get(), y.data));
        return Status::ok();
    }

private:
    struct ShapeDescs {
        TensorDesc x, y;
    };

    // The NHWC descriptors at these dims, made on first use (host-side only).
    Expected<const ShapeDescs*> descriptorsFor(const std::vector<int64_t>& x, const std::vector<int64_t>& y) {
        if (auto it = m_shapes.find(x); it != m_shapes.end()) return it->second.get();
        KILN_ASSIGN_OR_RETURN(std::vector<int> xd, cudnnDims(x));
        KILN_ASSIGN_OR_RETURN(std::vector<int> yd, cudnnDims(y));
        auto d = std::make_unique<ShapeDescs>();
        KILN_ASSIGN_OR_RETURN(d->x, makeTensorDesc(m_type, xd, CUDNN_TENSOR_NHWC));
        KILN_ASSIGN_OR_RETURN(d->y, makeTensorDesc(m_type, yd, CUDNN_TENSOR_NHWC));
        std::vector<int> out(4);
        KILN_CUDNN_RETURN_IF_ERROR(cudnnGetPooling2dForwardOutputDim(m_pool.get(), d->x.get(), &out[0], &out[1], &out[2], &out[3]));
        if (out != yd)
            return internalError("cuDNN pools X " + dimsToString(x) + " to [N, C, H, W] " +
                                 dimsToString(std::vector<int64_t>(out.begin(), out.end())) + " but the layer's Y is " +
                                 dimsToString(y));
        const ShapeDescs* p = d.get();
        m_shapes.emplace(x, std::move(d));
        return p;
    }

    PoolWindow m_window;
    cudnnDataType_t m_type = CUDNN_DATA_FLOAT;
    PoolingDesc m_pool;
    std::map<std::vector<int64_t>, std::unique_ptr<ShapeDescs>> m_shapes;  // by X dims
};

}  // namespace

Expected<std::vector<Tactic>> cudnnNhwcPoolTactics(const TacticQuery& q) {
    const LayerShapes& s = q.shapes;
    if (s.inputs.empty() || s.outputs.empty()) return invalidModel("pooling needs X and Y");
    const DataType type = s.inputTypes[0];
    if (type != DataType::Float32 && type != DataType::Float16)
        return unsupported(std::string("cuDNN pooling takes float32 or float16, not ") + dataTypeName(type));
    if (s.inputs[0].size() != 4) return invalidModel("an NHWC pooling layer's X must be 4-D, got " + dimsToString(s.inputs[0]));
    KILN_ASSIGN_OR_RETURN(PoolWindow w, readPoolWindow(q.node));
    return std::vector<Tactic>{{"cudnn.pool.nhwc", [w] { return std::make_unique<CudnnPoolKernel>(w); }}};
}

}  // namespace kiln::cuda
