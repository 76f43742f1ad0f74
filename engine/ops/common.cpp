#include "ops/common.h"

namespace kiln::ops {

Expected<int> normalizeAxis(const KernelContext& ctx, int64_t axis, int rank) {
    if (axis < -rank || axis >= std::max(rank, 1))
        return ctx.error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    return static_cast<int>(axis < 0 ? axis + rank : axis);
}

Expected<std::vector<int>> normalizeAxes(const KernelContext& ctx, const std::vector<int64_t>& axes, int rank) {
    std::vector<int> out;
    for (int64_t a : axes) {
        if (a < -rank || a >= rank)
            return ctx.error("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
        int n = static_cast<int>(a < 0 ? a + rank : a);
        for (int o : out)
            if (o == n) return ctx.error("axis " + std::to_string(a) + " is repeated");
        out.push_back(n);
    }
    return out;
}

Expected<std::vector<int64_t>> broadcastDims(const KernelContext& ctx, const std::vector<std::vector<int64_t>>& shapes) {
    size_t rank = 0;
    for (auto& s : shapes) rank = std::max(rank, s.size());
    std::vector<int64_t> out(rank, 1);
    for (auto& s : shapes) {
        size_t off = rank - s.size();
        for (size_t i = 0; i < s.size(); ++i) {
            int64_t d = s[i];
            int64_t& o = out[off + i];
            if (d == o || d == 1) continue;
            if (o == 1) { o = d; continue; }
            std::string msg = "shapes cannot be broadcast together:";
            for (auto& t : shapes) msg += " " + dimsToString(t);
            return ctx.error(msg);
        }
    }
    return out;
}

std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& inDims, const std::vector<int64_t>& outDims) {
    std::vector<int64_t> strides(outDims.size(), 0);
    std::vector<int64_t> own = contiguousStrides(inDims);
    size_t off = outDims.size() - inDims.size();
    for (size_t i = 0; i < inDims.size(); ++i) strides[off + i] = inDims[i] == 1 ? 0 : own[i];
    return strides;
}

MultiIndexer::MultiIndexer(std::vector<int64_t> dims, std::vector<std::vector<int64_t>> strides)
    : m_dims(std::move(dims)), m_index(m_dims.size(), 0), m_offsets(strides.size(), 0), m_strides(std::move(strides)) {}

void MultiIndexer::next() {
    for (int ax = static_cast<int>(m_dims.size()) - 1; ax >= 0; --ax) {
        const size_t a = size_t(ax);
        if (++m_index[a] < m_dims[a]) {
            for (size_t k = 0; k < m_offsets.size(); ++k) m_offsets[k] += m_strides[k][a];
            return;
        }
        for (size_t k = 0; k < m_offsets.size(); ++k) m_offsets[k] -= m_strides[k][a] * (m_dims[a] - 1);
        m_index[a] = 0;
    }
}

Expected<std::vector<int64_t>> intsFromInput(const KernelContext& ctx, int index, std::vector<int64_t> fallback) {
    if (!ctx.hasInput(index)) return fallback;
    auto v = ctx.input(index).toInt64Vector();
    if (!v) return ctx.error("input " + std::to_string(index) + ": " + v.status().message());
    return std::move(v).value();
}

}  // namespace kiln::ops
