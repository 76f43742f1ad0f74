// Layers that copy elements in a new order: Transpose, DepthToSpace and SpaceToDepth (all three
// permutations: a shared-memory tiled tactic and a strided one), Concat, Split, Slice, Expand
// and Tile (strided copies).
#include <algorithm>

#include "backends/cuda/data_kernels.h"

namespace kiln::cuda::data {

namespace {

std::vector<int64_t> rowMajorStrides(const std::vector<int64_t>& dims) {
    std::vector<int64_t> s(dims.size(), 1);
    for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
    return s;
}

const void* offsetBy(const void* p, int64_t bytes) { return static_cast<const unsigned char*>(p) + bytes; }
void* offsetBy(void* p, int64_t bytes) { return static_cast<unsigned char*>(p) + bytes; }

// --- permutations ----------------------------------------------------------------------------

enum class Rearrangement { Transpose, DepthToSpaceDCR, DepthToSpaceCRD, SpaceToDepth };

// What a permutation layer does: its input viewed with `dims`, axes taken in `perm` order.
struct PermutedView {
    std::vector<int64_t> dims, perm;
};

struct PermuteSpec {
    Rearrangement kind = Rearrangement::Transpose;
    std::vector<int64_t> perm;  // Transpose; empty: reversed axes
    int64_t block = 0;          // DepthToSpace, SpaceToDepth
};

Expected<PermuteSpec> parsePermute(const ir::Node& n) {
    PermuteSpec s;
    if (n.opType() == "Transpose") {
        s.perm = n.attrInts("perm");
        return s;
    }
    s.block = n.attrInt("blocksize", 0);
    if (s.block <= 0) return invalidArgument("blocksize must be positive, got " + std::to_string(s.block));
    if (n.opType() == "SpaceToDepth") s.kind = Rearrangement::SpaceToDepth;
    else {
        const std::string mode = n.opsetVersion() >= 11 ? n.attrString("mode", "DCR") : "DCR";
        if (mode != "DCR" && mode != "CRD") return invalidArgument("mode must be DCR or CRD, got '" + mode + "'");
        s.kind = mode == "CRD" ? Rearrangement::DepthToSpaceCRD : Rearrangement::DepthToSpaceDCR;
    }
    return s;
}

Expected<PermutedView> permutedView(const PermuteSpec& s, const std::vector<int64_t>& in) {
    const int64_t rank = int64_t(in.size());
    if (s.kind == Rearrangement::Transpose) {
        PermutedView v{in, s.perm};
        if (v.perm.empty())
            for (int64_t a = rank - 1; a >= 0; --a) v.perm.push_back(a);
        std::vector<bool> seen(in.size(), false);
        bool valid = int64_t(v.perm.size()) == rank;
        for (int64_t& a : v.perm) {
            if (!valid) break;
            if (a < 0) a += rank;
            valid = a >= 0 && a < rank && !seen[size_t(a)];
            if (valid) seen[size_t(a)] = true;
        }
        if (!valid) return invalidArgument("perm is not a permutation of the " + std::to_string(rank) + " input axes");
        return v;
    }
    if (rank != 4) return invalidArgument("input must be 4-D [N, C, H, W]");
    const int64_t b = s.block, n = in[0], c = in[1], h = in[2], w = in[3];
    switch (s.kind) {
    // Y[n, c, h*b + i, w*b + j] = X[n, (i*b + j) * C/b^2 + c, h, w]: X as [N, i, j, c, H, W]
    case Rearrangement::DepthToSpaceDCR:
        if (c % (b * b)) return invalidArgument("channels must be divisible by blocksize^2");
        return PermutedView{{n, b, b, c / (b * b), h, w}, {0, 3, 4, 1, 5, 2}};
    // Y[n, c, h*b + i, w*b + j] = X[n, (c*b + i)*b + j, h, w]: X as [N, c, i, j, H, W]
    case Rearrangement::DepthToSpaceCRD:
        if (c % (b * b)) return invalidArgument("channels must be divisible by blocksize^2");
        return PermutedView{{n, c / (b * b), b, b, h, w}, {0, 1, 4, 2, 5, 3}};
    // Y[n, (i*b + j)*C + c, h, w] = X[n, c, h*b + i, w*b + j]: X as [N, c, H, i, W, j]
    case Rearrangement::SpaceToDepth:
        if (h % b || w % b) return invalidArgument("height and width must be divisible by blocksize");
        return PermutedView{{n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4}};
    case Rearrangement::Transpose: break;
    }
    return internalError("unknown rearrangement");
}

template <bool Tiled>
class PermuteKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        KILN_ASSIGN_OR_RETURN(m_spec, parsePermute(a.node));
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        KILN_ASSIGN_OR_RETURN(PermutedView v, permutedView(m_spec, x.dims));
        const Permutation p = simplifyPermutation(v.dims, v.perm);
        const size_t es = dataTypeSize(x.type);
        return Tiled ? transposeTiled(a.outputs[0].data, x.data, p, es, a.stream)
                     : transposeStrided(a.outputs[0].data, x.data, p, es, a.stream);
    }

private:
    PermuteSpec m_spec;
};

// Both tactics where the input's innermost axis moves (at the tuning shapes), else the strided one.
Expected<std::vector<Tactic>> permuteTactics(const TacticQuery& q, const std::string& prefix) {
    KILN_ASSIGN_OR_RETURN(PermuteSpec spec, parsePermute(q.node));
    KILN_ASSIGN_OR_RETURN(PermutedView v, permutedView(spec, q.shapes.inputs.at(0)));
    if (dataTypeSize(q.shapes.inputTypes.at(0)) > 8) return unsupported("elements wider than 8 bytes");
    std::vector<Tactic> out;
    if (innermostMoves(simplifyPermutation(v.dims, v.perm))) out.push_back(tacticOf<PermuteKernel<true>>(prefix + ".tiled"));
    out.push_back(tacticOf<PermuteKernel<false>>(prefix + ".strided"));
    return out;
}

// --- Concat, Split ---------------------------------------------------------------------------

// Concat: input i fills its slice [.., o_i : o_i + d_i, ..] of the output: `outer` rows of
// d_i * inner elements. A piece already written there (kiln_inplace) is skipped.
class ConcatKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        if (!a.node.hasAttr("axis")) return invalidArgument("Concat is missing the axis attribute");
        m_axis = a.node.attrInt("axis", 0);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceOutput& y = a.outputs[0];
        KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(m_axis, int(y.dims.size())));
        const int64_t es = int64_t(dataTypeSize(y.type));
        const int64_t outer = dimProduct(y.dims, 0, size_t(axis)), inner = dimProduct(y.dims, size_t(axis) + 1, y.dims.size());
        const int64_t outRow = y.dims[size_t(axis)] * inner * es;
        std::vector<CopyPiece> pieces;
        int64_t column = 0;  // bytes into an output row where this input's block starts
        for (const DeviceTensor& x : a.inputs) {
            const int64_t block = x.dims.at(size_t(axis)) * inner * es;
            pieces.push_back({x.data, offsetBy(y.data, column), outer, block, block, outRow});
            column += block;
        }
        return copyPieces(pieces, a.stream);
    }

private:
    int64_t m_axis = 0;
};

// Split: output i is the slice [.., o_i : o_i + s_i, ..] of the input, s_i its dim along the
// axis (so the sizes may come from a constant, a run-time split input or equal parts alike).
// An output that already is a view of its slice (kiln_view) is skipped.
class SplitKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        m_axis = a.node.attrInt("axis", 0);
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(m_axis, int(x.dims.size())));
        const int64_t es = int64_t(dataTypeSize(x.type));
        const int64_t outer = dimProduct(x.dims, 0, size_t(axis)), inner = dimProduct(x.dims, size_t(axis) + 1, x.dims.size());
        const int64_t inRow = x.dims[size_t(axis)] * inner * es;
        std::vector<CopyPiece> pieces;
        int64_t column = 0;
        for (const DeviceOutput& y : a.outputs) {
            if (y.dims.size() != x.dims.size()) return internalError("a Split output has no dims of the input's rank");
            const int64_t block = y.dims[size_t(axis)] * inner * es;
            if (y.data) pieces.push_back({offsetBy(x.data, column), y.data, outer, block, inRow, block});
            column += block;
        }
        if (column != inRow) return invalidArgument("the Split outputs do not add up to the input along the axis");
        return copyPieces(pieces, a.stream);
    }

private:
    int64_t m_axis = 0;
};

// --- Slice -----------------------------------------------------------------------------------

struct SliceSpec {
    std::vector<int64_t> starts, ends, axes, steps;
};

// starts/ends/axes as attributes before opset 10, constant inputs 1-4 from opset 10.
Expected<SliceSpec> parseSlice(const ir::Node& n) {
    SliceSpec s;
    if (n.opsetVersion() < 10) {
        s.starts = n.attrInts("starts");
        s.ends = n.attrInts("ends");
        s.axes = n.attrInts("axes");
    } else {
        if (!n.input(1) || !n.input(2)) return invalidArgument("Slice is missing the starts or ends input");
        KILN_ASSIGN_OR_RETURN(s.starts, constantInts(n, 1, "starts"));
        KILN_ASSIGN_OR_RETURN(s.ends, constantInts(n, 2, "ends"));
        KILN_ASSIGN_OR_RETURN(s.axes, constantInts(n, 3, "axes"));
        KILN_ASSIGN_OR_RETURN(s.steps, constantInts(n, 4, "steps"));
    }
    if (s.axes.empty())
        for (size_t i = 0; i < s.starts.size(); ++i) s.axes.push_back(int64_t(i));
    if (s.steps.empty()) s.steps.assign(s.starts.size(), 1);
    if (s.ends.size() != s.starts.size() || s.axes.size() != s.starts.size() || s.steps.size() != s.starts.size())
        return invalidArgument("Slice's starts, ends, axes and steps must have the same length");
    for (int64_t step : s.steps)
        if (step == 0) return invalidArgument("Slice step must not be 0");
    return s;
}

// out[i] = in[start + i * step] per axis, with starts/ends clamped as ONNX says: negative values
// count from the end; for step > 0 both lie in [0, dim], for step < 0 start in [0, dim - 1] and
// end in [-1, dim - 1].
class SliceKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& a) override {
        KILN_ASSIGN_OR_RETURN(m_spec, parseSlice(a.node));
        return Status::ok();
    }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const int rank = int(x.dims.size());
        const std::vector<int64_t> inStrides = rowMajorStrides(x.dims);
        std::vector<int64_t> count = x.dims, strides = inStrides;
        int64_t offset = 0;
        for (size_t i = 0; i < m_spec.axes.size(); ++i) {
            KILN_ASSIGN_OR_RETURN(const int axis, normalizeAxis(m_spec.axes[i], rank));
            const int64_t dim = x.dims[size_t(axis)], step = m_spec.steps[i];
            int64_t start = m_spec.starts[i], end = m_spec.ends[i];
            if (start < 0) start += dim;
            if (end < 0) end += dim;
            if (step > 0) {
                start = std::clamp(start, int64_t(0), dim);
                end = std::clamp(end, int64_t(0), dim);
                count[size_t(axis)] = end > start ? (end - start + step - 1) / step : 0;
            } else {
                start = std::clamp(start, int64_t(0), dim - 1);
                end = std::clamp(end, int64_t(-1), dim - 1);
                count[size_t(axis)] = start > end ? (start - end - step - 1) / -step : 0;
            }
            offset += start * inStrides[size_t(axis)];
            strides[size_t(axis)] = step * inStrides[size_t(axis)];
        }
        if (dimProduct(count, 0, count.size()) == 0) return Status::ok();
        const size_t es = dataTypeSize(x.type);
        return stridedCopy(a.outputs[0].data, offsetBy(x.data, offset * int64_t(es)), count, strides, es, a.stream);
    }

private:
    SliceSpec m_spec;
};

// --- Expand, Tile ----------------------------------------------------------------------------

// Expand: the input read with stride 0 along the axes it broadcasts (dims right-aligned). The
// target shape is not read: the output's dims already are the broadcast.
class ExpandKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceOutput& y = a.outputs[0];
        if (x.dims.size() > y.dims.size()) return invalidArgument("Expand's output has a lower rank than its input");
        std::vector<int64_t> strides(y.dims.size(), 0);
        const std::vector<int64_t> own = rowMajorStrides(x.dims);
        const size_t lead = y.dims.size() - x.dims.size();
        for (size_t k = 0; k < x.dims.size(); ++k) strides[lead + k] = x.dims[k] == 1 ? 0 : own[k];
        return stridedCopy(y.data, x.data, y.dims, strides, dataTypeSize(x.type), a.stream);
    }
};

// Tile: out[i] = in[i mod in.dims] is a broadcast copy over [r_0, d_0, r_1, d_1, ...] with
// strides [0, s_0, 0, s_1, ...], r_a = out.dims[a] / in.dims[a] (the repeats).
class TileKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs&) override { return Status::ok(); }
    Status enqueue(const LaunchArgs& a) override {
        const DeviceTensor& x = a.inputs[0];
        const DeviceOutput& y = a.outputs[0];
        if (y.numel() == 0) return Status::ok();
        if (x.dims.size() != y.dims.size()) return invalidArgument("Tile's output rank differs from its input's");
        const std::vector<int64_t> own = rowMajorStrides(x.dims);
        std::vector<int64_t> dims, strides;
        for (size_t k = 0; k < x.dims.size(); ++k) {
            dims.insert(dims.end(), {y.dims[k] / x.dims[k], x.dims[k]});
            strides.insert(strides.end(), {0, own[k]});
        }
        return stridedCopy(y.data, x.data, dims, strides, dataTypeSize(x.type), a.stream);
    }
};

// Sources for the layers whose attributes need no checking beyond the reference's.
template <typename K>
TacticSource single(const char* name) {
    return [name](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        for (DataType t : q.shapes.inputTypes)
            if (dataTypeSize(t) > 8) return unsupported(std::string("elements of type ") + dataTypeName(t));
        return std::vector<Tactic>{tacticOf<K>(name)};
    };
}

}  // namespace

void registerCopyTactics(TacticRegistry& r) {
    const std::pair<const char*, const char*> permutations[] = {
        {"Transpose", "kiln.transpose"}, {"DepthToSpace", "kiln.depth_to_space"}, {"SpaceToDepth", "kiln.space_to_depth"}};
    for (const auto& [op, prefix] : permutations)
        r.add(op, "", "kiln", PrecisionRule::FollowInput,
              [prefix = std::string(prefix)](const TacticQuery& q) { return permuteTactics(q, prefix); });
    r.add("Concat", "", "kiln", PrecisionRule::FollowInput, single<ConcatKernel>("kiln.concat"));
    r.add("Split", "", "kiln", PrecisionRule::FollowInput, single<SplitKernel>("kiln.split"));
    r.add("Slice", "", "kiln", PrecisionRule::FollowInput, [](const TacticQuery& q) -> Expected<std::vector<Tactic>> {
        KILN_RETURN_IF_ERROR(parseSlice(q.node).status());
        return std::vector<Tactic>{tacticOf<SliceKernel>("kiln.slice")};
    });
    r.add("Expand", "", "kiln", PrecisionRule::FollowInput, single<ExpandKernel>("kiln.expand"));
    r.add("Tile", "", "kiln", PrecisionRule::FollowInput, single<TileKernel>("kiln.tile"));
}

}  // namespace kiln::cuda::data
