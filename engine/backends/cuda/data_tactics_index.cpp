// Layers driven by indices or masks: Gather, GatherElements (indices int64 or int32, constant or
// computed at run time), Where (bool condition, all three broadcast) and Pad.
#include <cstring>

#include "backends/cuda/data_kernels.h"

namespace kiln::cuda::data {

namespace {

bool isIndexType(DataType t) { return t == DataType::Int64 || t == DataType::Int32; }

// Gather: data [a..., d, b...], indices [i...] -> [a..., i..., b...].
class GatherKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        m_axis = a.node.attrInt("axis", 0);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceTensor& idx = a.inputs[1];
        KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(m_axis, int(x.dims.size())));
        const int64_t inner = dimProduct(x.dims, size_t(axis) + 1, x.dims.size());
        return gather(a.outputs[0].data, x.data, idx.data, idx.type == DataType::Int64, dimProduct(x.dims, 0, size_t(axis)),
                      x.dims[size_t(axis)], idx.numel(), inner * int64_t(dataTypeSize(x.type)), a.stream);
    }

private:
    int64_t m_axis = 0;
};

// GatherElements: out[i] = data[i with i[axis] = indices[i]], out shaped like the indices.
class GatherElementsKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        m_axis = a.node.attrInt("axis", 0);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceTensor& idx = a.inputs[1];
        if (idx.dims.size() != x.dims.size()) return invalidArgument("data and indices must have the same rank");
        KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(m_axis, int(x.dims.size())));
        return gatherElements(a.outputs[0].data, x.data, idx.data, idx.type == DataType::Int64, x.dims, idx.dims, axis,
                              dataTypeSize(x.type), a.stream);
    }

private:
    int64_t m_axis = 0;
};

class WhereKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor &c = a.inputs[0], &x = a.inputs[1], &y = a.inputs[2];
        const DeviceOutput& out = a.outputs[0];
        return where(out.data, c.data, x.data, y.data, out.dims, c.dims, x.dims, y.dims, dataTypeSize(x.type), a.stream);
    }
};

// --- Pad -------------------------------------------------------------------------------------

struct PadSpec {
    PadMode mode = PadMode::Constant;
    std::vector<int64_t> pads;  // [begin_0..begin_r, end_0..end_r] over every axis
    bool valueInput = false;    // opset 11+: constant_value is input 2 (read on the device)
    double attrValue = 0.0;     // before opset 11: the value attribute
};

// Pads from the attribute (before opset 11) or constant input 1, spread over the axes of
// constant input 3 (opset 18) or all axes.
Expected<PadSpec> parsePad(const ir::Node& n, int rank) {
    PadSpec s;
    const std::string mode = n.attrString("mode", "constant");
    if (mode == "constant") s.mode = PadMode::Constant;
    else if (mode == "reflect") s.mode = PadMode::Reflect;
    else if (mode == "edge") s.mode = PadMode::Edge;
    else if (mode == "wrap") s.mode = PadMode::Wrap;
    else return unsupported("Pad mode '" + mode + "' is not implemented on CUDA");
    std::vector<int64_t> pads, axes;
    if (n.opsetVersion() < 11) {
        pads = n.attrInts("pads");
        s.attrValue = n.attrFloat("value", 0.0f);
    } else {
        if (!n.input(1)) return invalidArgument("Pad is missing the pads input");
        KILN_ASSIGN_OR_RETURN(pads, constantInts(n, 1, "pads"));
        KILN_ASSIGN_OR_RETURN(axes, constantInts(n, 3, "axes"));
        s.valueInput = n.input(2) != nullptr;
    }
    if (axes.empty())
        for (int a = 0; a < rank; ++a) axes.push_back(a);
    if (pads.size() != 2 * axes.size())
        return invalidArgument("Pad has " + std::to_string(pads.size()) + " pads for " + std::to_string(axes.size()) + " axes");
    s.pads.assign(2 * size_t(rank), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
        KILN_ASSIGN_OR_RETURN(const int a, normalizeAxis(axes[i], rank));
        s.pads[size_t(a)] = pads[i];
        s.pads[size_t(a + rank)] = pads[i + axes.size()];
    }
    return s;
}

class PadKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        const int rank = int(a.shapes.inputs.at(0).size());
        KILN_ASSIGN_OR_RETURN(m_spec, parsePad(a.node, rank));
        if (!m_spec.valueInput) {  // the attribute value (or 0) as an element of the input's storage type
            const DataType type = a.shapes.inputTypes.at(0);
            const HostTensor v = HostTensor::scalar(type, m_spec.attrValue);
            std::memcpy(&m_valueBits, v.raw(), dataTypeSize(type));
        }
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        if (m_spec.pads.size() != 2 * x.dims.size()) return invalidArgument("Pad's input rank changed since prepare");
        // An empty constant_value means 0, like an absent one.
        const void* value = m_spec.valueInput && a.inputs.size() > 2 && a.inputs[2].present() && a.inputs[2].numel() > 0
                                ? a.inputs[2].data
                                : nullptr;
        return pad(a.outputs[0].data, x.data, x.dims, m_spec.pads, m_spec.mode, value, m_valueBits,
                   dataTypeSize(x.type), a.stream);
    }

private:
    PadSpec m_spec;
    uint64_t m_valueBits = 0;
};

// Elements up to 8 bytes (every Kiln type but the 16-byte ones, which Kiln does not have).
Status checkElementSize(const TacticQuery& q, int input) {
    const DataType t = q.shapes.inputTypes.at(size_t(input));
    if (dataTypeSize(t) == 0 || dataTypeSize(t) > 8)
        return unsupported(std::string(q.node.opType()) + " of " + dataTypeName(t) + " is not implemented on CUDA");
    return Status::ok();
}

Status checkIndices(const TacticQuery& q) {
    const DataType t = q.shapes.inputTypes.at(1);
    if (!isIndexType(t)) return unsupported(std::string("indices of type ") + dataTypeName(t) + " (int64 or int32 expected)");
    return checkElementSize(q, 0);
}

}  // namespace

void registerIndexTactics(TacticRegistry& r) {
    r.add("Gather", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        KILN_RETURN_IF_ERROR(checkIndices(q));
        if (q.shapes.inputs.at(0).empty()) return invalidArgument("cannot gather from a scalar");
        return std::vector<Tactic>{tacticOf<GatherKernel>("kiln.gather")};
    });
    r.add("GatherElements", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        KILN_RETURN_IF_ERROR(checkIndices(q));
        if (q.shapes.inputs.at(0).size() > size_t(kMaxDims))
            return unsupported("GatherElements of rank above " + std::to_string(kMaxDims));
        return std::vector<Tactic>{tacticOf<GatherElementsKernel>("kiln.gather_elements")};
    });
    r.add("Where", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        if (q.shapes.inputTypes.at(0) != DataType::Bool) return invalidArgument("Where's condition must be bool");
        KILN_RETURN_IF_ERROR(checkElementSize(q, 1));
        return std::vector<Tactic>{tacticOf<WhereKernel>("kiln.where")};
    });
    r.add("Pad", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        KILN_RETURN_IF_ERROR(checkElementSize(q, 0));
        KILN_RETURN_IF_ERROR(parsePad(q.node, int(q.shapes.inputs.at(0).size())).status());
        return std::vector<Tactic>{tacticOf<PadKernel>("kiln.pad")};
    });
}

}  // namespace kiln::cuda::data
