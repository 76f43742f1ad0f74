// The data-movement layers on the GPU, as tactics of Kiln's own kernels (kernels_data_*.cu). This
// file registers the whole family and holds the views (Reshape, Flatten, Squeeze, Unsqueeze,
// Identity, Dropout), Shape and Size, and the generators that can meet run-time inputs
// (ConstantOfShape, Range). Every layer here follows its input's storage type.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/data_kernels.h"

namespace kiln::cuda {

namespace data {

Expected<std::vector<int64_t>> constantInts(const ir::Node& node, int input, const char* what,
                                            std::vector<int64_t> fallback) {
    const ir::Value* v = node.input(input);
    if (!v) return fallback;
    if (!v->constant())
        return unsupported(node.opType() + " input " + std::to_string(input) + " (" + what +
                           ") is computed at run time; the CUDA kernel needs it constant");
    auto values = v->constant()->toInt64Vector();
    if (!values) return invalidArgument(node.opType() + " input " + std::to_string(input) + " (" + what +
                                        "): " + values.status().message());
    return std::move(values).value();
}

Expected<int> normalizeAxis(int64_t axis, int rank) {
    if (axis < -rank || axis >= rank)
        return invalidArgument("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    return int(axis < 0 ? axis + rank : axis);
}

int64_t dimProduct(const std::vector<int64_t>& dims, size_t begin, size_t end) {
    int64_t n = 1;
    for (size_t k = begin; k < end && k < dims.size(); ++k) n *= dims[k];
    return n;
}

Status copyIfMoved(const DeviceTensor& in, const DeviceOutput& out, cudaStream_t stream) {
    if (!out.data || out.data == in.data) return Status::ok();
    const size_t bytes = size_t(in.numel()) * dataTypeSize(in.type);
    if (bytes) KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(out.data, in.data, bytes, cudaMemcpyDeviceToDevice, stream));
    return Status::ok();
}

}  // namespace data

namespace {

using data::tacticOf;

// The bytes of the value 1 (or `v`) as one element of type t.
uint64_t elementBits(DataType t, double v) {
    const HostTensor one = HostTensor::scalar(t, v);
    uint64_t bits = 0;
    std::memcpy(&bits, one.raw(), dataTypeSize(t));
    return bits;
}

// Reshape, Flatten, Squeeze, Unsqueeze, Identity, inference Dropout: output 0 is input 0 under
// other dims. The executor normally gives both the same memory; copy only when it did not.
// Dropout's optional mask is all true (bool from opset 10, the input's type before).
class ViewKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        m_isDropout = a.node.opType() == "Dropout";
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        KILN_RETURN_IF_ERROR(data::copyIfMoved(a.inputs[0], a.outputs[0], a.stream));
        if (m_isDropout && a.outputs.size() > 1 && a.outputs[1].data) {
            const DeviceOutput& mask = a.outputs[1];
            return data::fill(mask.data, mask.numel(), elementBits(mask.type, 1.0), dataTypeSize(mask.type), a.stream);
        }
        return Status::ok();
    }

private:
    bool m_isDropout = false;
};

// Dropout runs on CUDA at inference only: training_mode absent, or a constant false (or ratio 0).
Status checkDropout(const ir::Node& n) {
    if (n.opsetVersion() < 12 || !n.input(2)) return Status::ok();
    const ir::Value* mode = n.input(2);
    if (!mode->constant())
        return unsupported("Dropout input 2 (training_mode) is computed at run time; only inference Dropout runs on CUDA");
    const bool training = mode->constant()->numel() > 0 && mode->constant()->getDouble(0) != 0.0;
    double ratio = 0.5;
    if (const ir::Value* r = n.input(1)) {
        if (!r->constant()) return unsupported("Dropout input 1 (ratio) is computed at run time while training_mode is set");
        if (r->constant()->numel() > 0) ratio = r->constant()->getDouble(0);
    }
    if (training && ratio > 0.0) return unsupported("Dropout in training mode is not implemented on CUDA");
    return Status::ok();
}

// Shape: int64 [end - start] of the input's dims, written from kernel parameters; Size: the
// element count as an int64 scalar.
class ShapeKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        m_size = a.node.opType() == "Size";
        m_start = a.node.attrInt("start", 0);
        m_end = a.node.attrInt("end", INT64_MAX);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const std::vector<int64_t>& dims = a.inputs[0].dims;
        if (m_size) return data::writeInt64s(a.outputs[0].as<int64_t>(), {a.inputs[0].numel()}, a.stream);
        const int64_t rank = int64_t(dims.size());
        auto clampToRank = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t(0), rank); };
        const int64_t start = clampToRank(m_start), end = clampToRank(m_end);
        if (end <= start) return Status::ok();
        return data::writeInt64s(a.outputs[0].as<int64_t>(),
                                 std::vector<int64_t>(dims.begin() + start, dims.begin() + end), a.stream);
    }

private:
    bool m_size = false;
    int64_t m_start = 0, m_end = INT64_MAX;
};

// ConstantOfShape: the output (dims known at enqueue) filled with the value attribute (float32 0
// by default), in the output's storage type.
class ConstantOfShapeKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        HostTensor value = HostTensor::scalar(DataType::Float32, 0.0);
        if (const ir::Attribute* attr = a.node.attr("value"); attr && attr->is<HostTensor>()) value = attr->get<HostTensor>();
        if (value.numel() != 1) return invalidArgument("ConstantOfShape's value must hold one element");
        const DataType type = a.shapes.outputTypes.empty() ? value.dtype() : a.shapes.outputTypes[0];
        const HostTensor converted = value.castTo(type);
        std::memcpy(&m_bits, converted.raw(), dataTypeSize(type));
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceOutput& y = a.outputs[0];
        return data::fill(y.data, y.numel(), m_bits, dataTypeSize(y.type), a.stream);
    }

private:
    uint64_t m_bits = 0;
};

// Range: out[i] = start + i * delta, the count given by the output's dims.
class RangeKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& a) override {
        return data::range(a.outputs[0].data, a.outputs[0].type, a.inputs[0].data, a.inputs[2].data, a.outputs[0].numel(),
                           a.stream);
    }
};

bool rangeType(DataType t) {
    return t == DataType::Float32 || t == DataType::Float16 || t == DataType::Float64 || t == DataType::Int16 ||
           t == DataType::Int32 || t == DataType::Int64;
}

void registerViewsAndGenerators(TacticRegistry& r) {
    for (const char* op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"})
        r.add(op, "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
            if (q.node.opType() == "Dropout") KILN_RETURN_IF_ERROR(checkDropout(q.node));
            return std::vector<Tactic>{tacticOf<ViewKernel>("kiln.view")};
        });
    for (const char* op : {"Shape", "Size"})
        r.add(op, "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery&) -> Expected<std::vector<Tactic>> {
            return std::vector<Tactic>{tacticOf<ShapeKernel>("kiln.shape")};
        });
    r.add("ConstantOfShape", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        if (!q.shapes.outputTypes.empty() && dataTypeSize(q.shapes.outputTypes[0]) > 8)
            return unsupported("ConstantOfShape of this type is not implemented on CUDA");
        return std::vector<Tactic>{tacticOf<ConstantOfShapeKernel>("kiln.constant_of_shape")};
    });
    r.add("Range", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        if (q.shapes.inputTypes.size() != 3 || !rangeType(q.shapes.inputTypes[0]))
            return unsupported("Range of this type is not implemented on CUDA");
        return std::vector<Tactic>{tacticOf<RangeKernel>("kiln.range")};
    });
}

}  // namespace

void registerDataMovementTactics(TacticRegistry& r) {
    registerViewsAndGenerators(r);
    data::registerCopyTactics(r);
    data::registerIndexTactics(r);
    data::registerResizeTactics(r);
}

}  // namespace kiln::cuda
