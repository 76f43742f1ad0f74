// kiln.Attention on the GPU (the layer recognize-attention makes; reference:
// engine/ops/pattern_attention_kernel.cpp). Two tactics, timed against each other by the builder:
//   kiln.attention.mma    FP16 tensor cores, flash-attention style (D = Dv in {32, 64, 128})
//   kiln.attention.tiled  SIMT float math, any precision and head size
#include <string>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda {

namespace {

constexpr size_t kDefaultSharedBytes = 48 * 1024;

size_t sharedLimit(const DeviceInfo& d) { return d.sharedMemoryPerBlockOptin ? d.sharedMemoryPerBlockOptin : kDefaultSharedBytes; }

// Q [B, Sq, H*D], K [B, Sk, H*D], V [B, Sk, H*Dv], mask (optional) broadcasting to [B, H, Sq, Sk];
// attributes num_heads, scale, zero_nan_rows. Q's trailing dims after the second are read as
// one hidden axis, as the reference does.
class AttentionKernel final : public LayerKernel {
public:
    explicit AttentionKernel(bool tensorCores) : m_tensorCores(tensorCores) {}

    Status prepare(const PrepareArgs& args) override {
        m_heads = args.node.attrInt("num_heads", 0);
        m_scale = args.node.attrFloat("scale", 1.f);
        m_zeroNanRows = args.node.attrInt("zero_nan_rows", 0) != 0;
        m_multiprocessors = args.device.multiprocessors;
        KILN_CUDA_RETURN_IF_ERROR(own::attentionPrepare(sharedLimit(args.device)));
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& q = args.inputs[0];
        const DeviceTensor& k = args.inputs[1];
        const DeviceTensor& v = args.inputs[2];
        const DeviceTensor* mask = args.inputs.size() > 3 && args.inputs[3].present() ? &args.inputs[3] : nullptr;
        if (q.dims.size() < 2 || k.dims.size() < 2 || v.dims.size() < 2)
            return invalidArgument("Q, K and V must be [B, S, hidden]");
        const int64_t qh = own::product(q.dims, 2), vh = own::product(v.dims, 2);
        if (m_heads <= 0 || qh % m_heads != 0 || vh % m_heads != 0 || own::product(k.dims, 2) != qh)
            return invalidArgument("num_heads " + std::to_string(m_heads) + " must divide the hidden sizes of Q, K (equal) and V");
        if (k.dims[0] != q.dims[0] || v.dims[0] != q.dims[0] || v.dims[1] != k.dims[1])
            return invalidArgument("K and V must be [B, Sk, hidden] for Q's batch B");
        own::AttentionArgs a;
        a.q = q.data;
        a.k = k.data;
        a.v = v.data;
        a.y = args.outputs[0].data;
        a.batch = int(q.dims[0]);
        a.heads = int(m_heads);
        a.sq = int(q.dims[1]);
        a.sk = int(k.dims[1]);
        a.d = int(qh / m_heads);
        a.dv = int(vh / m_heads);
        a.scale = m_scale;
        a.zeroNanRows = m_zeroNanRows;
        if (mask) {
            a.mask = mask->data;
            KILN_RETURN_IF_ERROR(maskStrides(mask->dims, {q.dims[0], m_heads, q.dims[1], k.dims[1]}, a.maskStrides));
        }
        if (m_tensorCores && own::attentionMmaAligned(a))
            KILN_CUDA_RETURN_IF_ERROR(own::launchAttentionMma(a, m_multiprocessors, args.stream));
        else  // unaligned views (rare) take the generic kernel: still correct
            KILN_CUDA_RETURN_IF_ERROR(own::launchAttentionTiled(a, q.type, args.stream));
        return Status::ok();
    }

private:
    // The mask's element strides over the scores [B, H, Sq, Sk] (right-aligned, 0 along
    // broadcast axes).
    static Status maskStrides(const std::vector<int64_t>& m, const std::vector<int64_t>& scores, int64_t (&out)[4]) {
        if (m.size() > 4) return invalidArgument("the mask " + dimsToString(m) + " has rank > 4");
        int64_t stride = 1;
        for (int i = 3; i >= 0; --i) {
            const int j = i - (4 - int(m.size()));
            out[i] = 0;
            if (j < 0) continue;
            if (m[size_t(j)] != 1 && m[size_t(j)] != scores[size_t(i)])
                return invalidArgument("the mask " + dimsToString(m) + " does not broadcast to the scores " + dimsToString(scores));
            if (m[size_t(j)] != 1) out[i] = stride;
            stride *= m[size_t(j)];
        }
        return Status::ok();
    }

    bool m_tensorCores;
    int64_t m_heads = 0;
    float m_scale = 1.f;
    bool m_zeroNanRows = false;
    int m_multiprocessors = 1;
};

Expected<std::vector<Tactic>> attentionTactics(const TacticQuery& q) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "Q"));
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 1, "K"));
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 2, "V"));
    if (q.node.input(3)) KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 3, "the mask"));
    const int64_t heads = q.node.attrInt("num_heads", 0);
    const std::vector<int64_t>& qd = q.shapes.inputs[0];
    const std::vector<int64_t>& vd = q.shapes.inputs[2];
    if (heads <= 0 || qd.size() < 2 || vd.size() < 2 || own::product(qd, 2) % heads || own::product(vd, 2) % heads)
        return invalidArgument("num_heads must be positive and divide the hidden sizes of Q and V ([B, S, hidden])");
    const int d = int(own::product(qd, 2) / heads), dv = int(own::product(vd, 2) / heads);
    const size_t limit = sharedLimit(q.device);
    std::vector<Tactic> tactics;
    if (q.precision == Precision::FP16 && q.device.major >= 8 && own::attentionMmaSupports(d, dv) &&
        own::attentionMmaSharedBytes(d) <= limit)
        tactics.push_back(own::makeTactic<AttentionKernel>("kiln.attention.mma", true));
    if (own::attentionTiledSharedBytes(d, dv) <= limit)
        tactics.push_back(own::makeTactic<AttentionKernel>("kiln.attention.tiled", false));
    if (tactics.empty())
        return unsupported("attention with head sizes D = " + std::to_string(d) + ", Dv = " + std::to_string(dv) +
                           " needs more shared memory per block than the device has");
    return tactics;
}

}  // namespace

void registerOwnAttentionTactics(TacticRegistry& r) {
    r.add("Attention", "kiln", "kiln", PrecisionRule::Compute, attentionTactics);
}

}  // namespace kiln::cuda
