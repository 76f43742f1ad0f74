// Reduce* (Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum, LogSumExp), ArgMax and ArgMin
// on the GPU, for float activations.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/own_kernels.h"

namespace kiln::cuda {

namespace {

using own::ReduceOp;

// The opset from which an op takes its axes as input 1 instead of the "axes" attribute.
int axesInputOpset(ReduceOp op) { return op == ReduceOp::Sum ? 13 : 18; }

// The constant integer tensor v as int64 values.
std::vector<int64_t> constantInts(const ir::Value& v) {
    const HostTensor& t = *v.constant();
    std::vector<int64_t> out(size_t(t.numel()));
    for (int64_t i = 0; i < t.numel(); ++i)
        out[size_t(i)] = t.dtype() == DataType::Int32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
    return out;
}

// The shape of a reduction with size-1 axes dropped and neighbouring axes of the same kind
// (reduced or kept) merged: alternating runs, row-major.
struct Runs {
    std::vector<int64_t> dims;
    std::vector<bool> reduced;
};

Runs mergeRuns(const std::vector<int64_t>& dims, const std::vector<bool>& reduced) {
    Runs r;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == 1) continue;
        if (!r.dims.empty() && r.reduced.back() == reduced[i]) {
            r.dims.back() *= dims[i];
        } else {
            r.dims.push_back(dims[i]);
            r.reduced.push_back(reduced[i]);
        }
    }
    return r;
}

class ReduceKernel final : public LayerKernel {
public:
    explicit ReduceKernel(ReduceOp op) : m_op(op) {}

    Status prepare(const PrepareArgs& args) override {
        const ir::Node& n = args.node;
        if (n.opsetVersion() >= axesInputOpset(m_op)) {
            if (const ir::Value* axes = n.input(1); axes && axes->constant()) m_axes = constantInts(*axes);
        } else {
            m_axes = n.attrInts("axes");
        }
        m_noopWithEmptyAxes = n.attrInt("noop_with_empty_axes", 0) != 0;
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const DeviceOutput& y = args.outputs[0];
        const int rank = int(x.dims.size());
        if (m_axes.empty() && m_noopWithEmptyAxes && rank > 0) {  // Y = X
            KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(y.data, x.data, size_t(x.numel()) * dataTypeSize(x.type),
                                                      cudaMemcpyDeviceToDevice, args.stream));
            return Status::ok();
        }
        std::vector<bool> reduced(size_t(rank), m_axes.empty());
        for (int64_t a : m_axes) {
            if (a < -rank || a >= rank)
                return invalidArgument("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
            reduced[size_t(a < 0 ? a + rank : a)] = true;
        }
        const Runs runs = mergeRuns(x.dims, reduced);
        int reducedRuns = 0;
        for (bool r : runs.reduced) reducedRuns += r;
        if (reducedRuns <= 1) {
            // [outer, len, inner] around the one reduced run (len = 1 when every reduced axis has size 1).
            int64_t outer = 1, len = 1, inner = 1;
            bool seen = false;
            for (size_t i = 0; i < runs.dims.size(); ++i) {
                if (runs.reduced[i]) len = runs.dims[i], seen = true;
                else (seen ? inner : outer) *= runs.dims[i];
            }
            KILN_CUDA_RETURN_IF_ERROR(own::launchReduceAxis(m_op, x.type, x.data, y.data, outer, len, inner, args.stream));
            return Status::ok();
        }
        if (runs.dims.size() > size_t(own::kMaxReduceRank))
            return unsupported("this reduction has more than " + std::to_string(own::kMaxReduceRank) +
                               " alternating reduced and kept axis groups");
        own::ReduceGeneral g;
        int64_t stride = 1;
        for (int i = int(runs.dims.size()) - 1; i >= 0; --i) {
            const size_t k = size_t(i);
            if (runs.reduced[k]) {
                g.redDims[g.redRank] = runs.dims[k], g.redStrides[g.redRank++] = stride;
                g.redCount *= runs.dims[k];
            } else {
                g.keptDims[g.keptRank] = runs.dims[k], g.keptStrides[g.keptRank++] = stride;
                g.outCount *= runs.dims[k];
            }
            stride *= runs.dims[k];
        }
        // Collected innermost first: reverse into row-major order.
        std::reverse(g.redDims, g.redDims + g.redRank);
        std::reverse(g.redStrides, g.redStrides + g.redRank);
        std::reverse(g.keptDims, g.keptDims + g.keptRank);
        std::reverse(g.keptStrides, g.keptStrides + g.keptRank);
        KILN_CUDA_RETURN_IF_ERROR(own::launchReduceGeneral(m_op, x.type, x.data, y.data, g, args.stream));
        return Status::ok();
    }

private:
    ReduceOp m_op;
    std::vector<int64_t> m_axes;
    bool m_noopWithEmptyAxes = false;
};

// Y (int64) = the index of the extreme along axis: x viewed as [outer, len, inner].
class ArgExtremeKernel final : public LayerKernel {
public:
    explicit ArgExtremeKernel(bool isMax) : m_isMax(isMax) {}

    Status prepare(const PrepareArgs& args) override {
        m_axis = args.node.attrInt("axis", 0);
        m_selectLast = args.node.attrInt("select_last_index", 0) != 0;
        return Status::ok();
    }

    Status enqueue(const LaunchArgs& args) override {
        const DeviceTensor& x = args.inputs[0];
        const int rank = int(x.dims.size());
        if (m_axis < -rank || m_axis >= rank)
            return invalidArgument("axis " + std::to_string(m_axis) + " is out of range for rank " + std::to_string(rank));
        const size_t axis = size_t(m_axis < 0 ? m_axis + rank : m_axis);
        const int64_t len = x.dims[axis];
        if (len == 0) return invalidArgument("cannot take the index of an extreme over an empty axis");
        KILN_CUDA_RETURN_IF_ERROR(own::launchArgExtreme(m_isMax, m_selectLast, x.type, x.data, args.outputs[0].as<int64_t>(),
                                                        own::product(x.dims, 0, axis), len, own::product(x.dims, axis + 1),
                                                        args.stream));
        return Status::ok();
    }

private:
    bool m_isMax;
    int64_t m_axis = 0;
    bool m_selectLast = false;
};

Expected<std::vector<Tactic>> reduceTactics(const TacticQuery& q, ReduceOp op) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "input"));
    if (q.node.opsetVersion() >= axesInputOpset(op)) {
        const ir::Value* axes = q.node.input(1);
        if (axes && !axes->constant()) return unsupported("axes computed at run time are not implemented on CUDA (a constant is)");
    }
    return std::vector<Tactic>{own::makeTactic<ReduceKernel>("kiln.reduce", op)};
}

Expected<std::vector<Tactic>> argTactics(const TacticQuery& q, bool isMax) {
    KILN_RETURN_IF_ERROR(own::requireFloatInput(q, 0, "input"));
    return std::vector<Tactic>{own::makeTactic<ArgExtremeKernel>("kiln.arg_extreme", isMax)};
}

}  // namespace

void registerOwnReduceTactics(TacticRegistry& r) {
    const std::pair<const char*, ReduceOp> ops[] = {
        {"ReduceSum", ReduceOp::Sum},   {"ReduceMean", ReduceOp::Mean},         {"ReduceMax", ReduceOp::Max},
        {"ReduceMin", ReduceOp::Min},   {"ReduceProd", ReduceOp::Prod},         {"ReduceSumSquare", ReduceOp::SumSquare},
        {"ReduceL1", ReduceOp::L1},     {"ReduceL2", ReduceOp::L2},             {"ReduceLogSum", ReduceOp::LogSum},
        {"ReduceLogSumExp", ReduceOp::LogSumExp}};
    for (const auto& [name, op] : ops)
        r.add(name, "", "kiln", PrecisionRule::Compute, [op](const TacticQuery& q) { return reduceTactics(q, op); });
    r.add("ArgMax", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return argTactics(q, true); });
    r.add("ArgMin", "", "kiln", PrecisionRule::Compute, [](const TacticQuery& q) { return argTactics(q, false); });
}

}  // namespace kiln::cuda
