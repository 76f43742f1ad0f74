// Windowed pooling: MaxPool (with the optional Indices output), AveragePool, LpPool; the
// (n, c) planes run in parallel.
//   X [N, C, D1..Dn] -> Y [N, C, O1..On]; window of output o on axis i covers the input
//   coordinates o * s - pb + k * d for k < kernel_shape[i]; coordinates outside the input are
//   padding and never contribute a value.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/conv_internal.h"
#include "ops/parallel.h"

namespace kiln::ops {
namespace {

struct PoolShape {
    int64_t N = 0, C = 0;
    SpatialGeometry g;
    std::vector<int64_t> outputDims() const {
        std::vector<int64_t> d = {N, C};
        d.insert(d.end(), g.outDims.begin(), g.outDims.end());
        return d;
    }
};

Expected<PoolShape> poolShape(const KernelContext& ctx, const HostTensor& x) {
    KILN_RETURN_IF_ERROR(checkSpatialInput(ctx, x, "input X"));
    PoolShape s;
    s.N = x.dim(0);
    s.C = x.dim(1);
    s.g.inDims.assign(x.dims().begin() + 2, x.dims().end());
    if (!ctx.hasAttr("kernel_shape")) return ctx.error("the kernel_shape attribute is required");
    s.g.kernel = ctx.attrInts("kernel_shape");
    if (s.g.kernel.size() != s.g.inDims.size())
        return ctx.error("kernel_shape has " + std::to_string(s.g.kernel.size()) + " values but X has " +
                         std::to_string(s.g.inDims.size()) + " spatial axes");
    for (int64_t k : s.g.kernel)
        if (k < 1) return ctx.error("kernel_shape values must be >= 1");
    KILN_RETURN_IF_ERROR(readWindowAttrs(ctx, s.g));
    KILN_ASSIGN_OR_RETURN(AutoPad autoPad, readAutoPad(ctx));
    KILN_RETURN_IF_ERROR(computeForwardOutput(ctx, s.g, autoPad, ctx.attrInt("ceil_mode", 0) != 0));
    return s;
}

// Collects the input elements under one pooling window: their row-major offsets within an input
// plane (in window order) and how many window positions lie inside the padded input
// [-pb, D + pe), the divisor of AveragePool with count_include_pad.
class WindowGatherer {
public:
    explicit WindowGatherer(const SpatialGeometry& g) : m_g(g), m_inStride(g.inDims.size(), 1) {
        for (int i = g.rank() - 2; i >= 0; --i)
            m_inStride[size_t(i)] = m_inStride[size_t(i) + 1] * g.inDims[size_t(i) + 1];
    }

    void gather(const std::vector<int64_t>& outIdx) {
        if (outIdx.size() == 2) return gather2d(outIdx[0], outIdx[1]);
        m_offsets.assign(1, 0);
        m_paddedCount = 1;
        for (size_t i = 0; i < outIdx.size(); ++i) {
            const int64_t start = outIdx[i] * m_g.strides[i] - m_g.padBegin[i];
            int64_t padded = 0;
            m_next.clear();
            for (int64_t k = 0; k < m_g.kernel[i]; ++k) {
                const int64_t c = start + k * m_g.dilations[i];
                padded += c >= -m_g.padBegin[i] && c < m_g.inDims[i] + m_g.padEnd[i];
                if (c < 0 || c >= m_g.inDims[i]) continue;
                m_coords.push_back(c * m_inStride[i]);
            }
            for (int64_t base : m_offsets)
                for (int64_t c : m_coords) m_next.push_back(base + c);
            m_coords.clear();
            m_offsets.swap(m_next);
            m_paddedCount *= padded;
        }
    }
    const std::vector<int64_t>& offsets() const { return m_offsets; }
    int64_t paddedCount() const { return m_paddedCount; }

private:
    // The common 2-D window without the per-axis lists: same offsets, same order.
    void gather2d(int64_t oh, int64_t ow) {
        const int64_t h0 = oh * m_g.strides[0] - m_g.padBegin[0], w0 = ow * m_g.strides[1] - m_g.padBegin[1];
        const int64_t H = m_g.inDims[0], W = m_g.inDims[1];
        int64_t paddedH = 0, paddedW = 0;
        for (int64_t kw = 0; kw < m_g.kernel[1]; ++kw) {
            const int64_t c = w0 + kw * m_g.dilations[1];
            paddedW += c >= -m_g.padBegin[1] && c < W + m_g.padEnd[1];
        }
        m_offsets.clear();
        for (int64_t kh = 0; kh < m_g.kernel[0]; ++kh) {
            const int64_t r = h0 + kh * m_g.dilations[0];
            paddedH += r >= -m_g.padBegin[0] && r < H + m_g.padEnd[0];
            if (r < 0 || r >= H) continue;
            for (int64_t kw = 0; kw < m_g.kernel[1]; ++kw) {
                const int64_t c = w0 + kw * m_g.dilations[1];
                if (c >= 0 && c < W) m_offsets.push_back(r * W + c);
            }
        }
        m_paddedCount = paddedH * paddedW;
    }

    const SpatialGeometry& m_g;
    std::vector<int64_t> m_inStride;
    std::vector<int64_t> m_offsets, m_next, m_coords;
    int64_t m_paddedCount = 0;
};

// Calls visit(plane, outIndex, xPlane, window) for every output element, plane = n * C + c.
// The planes are spread over the cores: visit must only write its own output element.
template <typename T, typename Visit>
void forEachWindow(const PoolShape& s, const T* x, Visit&& visit) {
    const int64_t inP = product(s.g.inDims), outP = product(s.g.outDims), planes = s.N * s.C;
    [[maybe_unused]] const int threads = kernelThreads(double(planes) * double(outP) * double(product(s.g.kernel)));
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        WindowGatherer window(s.g);
        std::vector<int64_t> o(s.g.inDims.size());
#pragma omp for schedule(static)
        for (int64_t plane = 0; plane < planes; ++plane) {
            std::fill(o.begin(), o.end(), 0);
            for (int64_t i = 0; i < outP; ++i) {
                window.gather(o);
                visit(plane, plane * outP + i, x + plane * inP, window);
                for (int a = int(o.size()) - 1; a >= 0 && ++o[size_t(a)] == s.g.outDims[size_t(a)]; --a)
                    o[size_t(a)] = 0;
            }
        }
    }
}

// A row-major in-plane offset re-expressed column-major (storage_order = 1): the first spatial
// axis varies fastest.
int64_t columnMajorOffset(int64_t off, const std::vector<int64_t>& dims) {
    int64_t result = 0, stride = product(dims);
    for (size_t i = 0; i < dims.size(); ++i) {
        stride /= dims[i];
        const int64_t idx = off / stride;
        off %= stride;
        int64_t colStride = 1;
        for (size_t j = 0; j < i; ++j) colStride *= dims[j];
        result += idx * colStride;
    }
    return result;
}

// Y = max over the window; Indices = flattened index of the (first) maximum in X:
//   plane * D1*..*Dn + in-plane offset (row-major, or column-major with storage_order = 1).
template <typename T>
void maxPoolTyped(const HostTensor& x, const PoolShape& s, HostTensor& y, HostTensor* indices, bool columnMajor) {
    using A = AccType<T>;
    const int64_t inP = product(s.g.inDims);
    T* py = y.data<T>();
    int64_t* pi = indices ? indices->data<int64_t>() : nullptr;
    forEachWindow(s, x.data<T>(), [&](int64_t plane, int64_t out, const T* xp, const WindowGatherer& w) {
        A best = std::numeric_limits<A>::lowest();
        int64_t bestOff = -1;
        for (int64_t off : w.offsets()) {
            const A v = A(xp[off]);
            if (bestOff < 0 || v > best) {
                best = v;
                bestOff = off;
            }
        }
        py[out] = T(best);
        if (pi)
            pi[out] = bestOff < 0 ? -1 : plane * inP + (columnMajor ? columnMajorOffset(bestOff, s.g.inDims) : bestOff);
    });
}

Status maxPoolKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(PoolShape s, poolShape(ctx, x));
    const int64_t storageOrder = ctx.attrInt("storage_order", 0);
    if (storageOrder != 0 && storageOrder != 1) return ctx.error("storage_order must be 0 or 1");
    if ((x.dtype() == DataType::Int8 || x.dtype() == DataType::UInt8) && ctx.opset() < 12)
        return ctx.error("MaxPool supports int8/uint8 only from opset 12", StatusCode::Unsupported);
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), s.outputDims()));
    HostTensor* indices = nullptr;
    if (ctx.wantsOutput(1)) {
        KILN_ASSIGN_OR_RETURN(indices, ctx.allocateOutput(1, DataType::Int64, s.outputDims()));
    }
    using MaxPoolTypes = TypeList<float, double, Half, BFloat16, int8_t, uint8_t>;
    return dispatchType(MaxPoolTypes{}, x.dtype(), [&]<typename T>() -> Status {
        maxPoolTyped<T>(x, s, *y, indices, storageOrder == 1);
        return Status::ok();
    });
}

// Y = mean over the window: sum / (window positions inside the padded input with
// count_include_pad = 1, window elements inside the input otherwise).
Status averagePoolKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(PoolShape s, poolShape(ctx, x));
    const bool includePad = ctx.attrInt("count_include_pad", 0) != 0;
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), s.outputDims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = AccType<T>;
        T* py = y->data<T>();
        forEachWindow(s, x.data<T>(), [&](int64_t, int64_t out, const T* xp, const WindowGatherer& w) {
            A sum = 0;
            for (int64_t off : w.offsets()) sum += A(xp[off]);
            const int64_t count = includePad ? w.paddedCount() : int64_t(w.offsets().size());
            py[out] = T(sum / A(count));
        });
        return Status::ok();
    });
}

// Y = (sum over the window of |x|^p)^(1/p); padding contributes 0.
Status lpPoolKernel(KernelContext& ctx) {
    const HostTensor& x = ctx.input(0);
    KILN_ASSIGN_OR_RETURN(PoolShape s, poolShape(ctx, x));
    const float p = lpPoolExponent(ctx);
    if (!(p > 0)) return ctx.error("p must be > 0");
    KILN_ASSIGN_OR_RETURN(HostTensor * y, ctx.allocateOutput(0, x.dtype(), s.outputDims()));
    return dispatchType(FloatTypes{}, x.dtype(), [&]<typename T>() -> Status {
        using A = AccType<T>;
        T* py = y->data<T>();
        const A pa = A(p);
        forEachWindow(s, x.data<T>(), [&](int64_t, int64_t out, const T* xp, const WindowGatherer& w) {
            A sum = 0;
            for (int64_t off : w.offsets()) sum += std::pow(std::abs(A(xp[off])), pa);
            py[out] = T(std::pow(sum, A(1) / pa));
        });
        return Status::ok();
    });
}

}  // namespace

float lpPoolExponent(const KernelContext& ctx) {
    const ir::Attribute* a = ctx.node().attr("p");
    if (a && a->is<float>()) return a->get<float>();
    return float(ctx.attrInt("p", 2));
}

void registerPoolOps(OpRegistry& r) {
    r.add("MaxPool", maxPoolKernel);
    r.add("AveragePool", averagePoolKernel);
    r.add("LpPool", lpPoolKernel);
    r.add("GlobalMaxPool", globalMaxPoolKernel);
    r.add("GlobalAveragePool", globalAveragePoolKernel);
    r.add("GlobalLpPool", globalLpPoolKernel);
    r.add(OpDef{.opType = "MaxUnpool", .domain = "", .minOpset = 9, .requiredInputs = 2,
                .kernel = maxUnpoolKernel});
    r.add("MaxRoiPool", maxRoiPoolKernel, 2);
}

}  // namespace kiln::ops
