#include "ops/op_registry.h"

#include "plugin/plugin_layer.h"

#include <cstring>

namespace kiln::ops {

Expected<HostTensor*> KernelContext::allocateOutput(int i, DataType type, std::vector<int64_t> dims) {
    if (m_placements && size_t(i) < m_placements->size()) {
        const OutputPlacement& p = (*m_placements)[size_t(i)];
        Expected<int64_t> n = checkedNumel(dims);
        if (p.buffer && n && uint64_t(*n) * dataTypeSize(type) <= p.capacity) {
            HostTensor v = HostTensor::view(p.buffer, p.offset, type, std::move(dims));
            if (p.zeroFill && v.byteSize()) std::memset(v.raw(), 0, v.byteSize());
            m_outputs[size_t(i)] = std::move(v);
            return &m_outputs[size_t(i)];
        }
    }
    auto t = HostTensor::create(type, std::move(dims));
    if (!t) return Status(t.status()).atNode(m_node.name(), m_node.opType());
    m_outputs[size_t(i)] = std::move(t).value();
    return &m_outputs[size_t(i)];
}

void OpRegistry::add(OpDef def) {
    auto key = std::make_pair(def.domain, def.opType);
    m_defs[key].push_back(std::move(def));
}

void OpRegistry::wrapKernels(const std::string& domain, const std::string& opType,
                             const std::function<KernelFn(KernelFn)>& wrap) {
    auto it = m_defs.find({domain, opType});
    if (it == m_defs.end()) return;
    for (OpDef& d : it->second) d.kernel = wrap(std::move(d.kernel));
}

const OpDef* OpRegistry::find(const std::string& domain, const std::string& opType, int opset) const {
    auto it = m_defs.find({domain == "ai.onnx" ? std::string() : domain, opType});
    // An op Kiln does not implement may come from a loaded plugin (plugin/plugin_layer.h).
    if (it == m_defs.end()) return plugins::cpuOpDef(domain, opType);
    for (const OpDef& d : it->second)
        if (opset >= d.minOpset && opset <= d.maxOpset) return &d;
    return nullptr;
}

bool OpRegistry::knows(const std::string& domain, const std::string& opType) const {
    return m_defs.count({domain == "ai.onnx" ? std::string() : domain, opType}) != 0;
}

std::vector<std::string> OpRegistry::opTypes(const std::string& domain) const {
    std::vector<std::string> out;
    for (auto& [key, defs] : m_defs)
        if (key.first == domain) out.push_back(key.second);
    return out;
}

const OpRegistry& OpRegistry::builtin() {
    static const OpRegistry registry = [] {
        OpRegistry r;
        registerElementwiseOps(r);
        registerActivationOps(r);
        registerConvOps(r);
        registerPoolOps(r);
        registerNormalizationOps(r);
        registerMatMulOps(r);
        registerReduceOps(r);
        registerShapeOps(r);
        registerTensorOps(r);
        registerGatherOps(r);
        registerSoftmaxOps(r);
        registerGeneratorOps(r);
        registerResizeOps(r);
        registerQuantizeOps(r);
        registerFusedOps(r);
        registerPatternOps(r);
        registerPointwiseOps(r);
        registerLayoutOps(r);  // wraps kernels registered above
        return r;
    }();
    return registry;
}

}  // namespace kiln::ops
