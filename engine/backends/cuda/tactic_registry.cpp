#include <cstring>
#include <mutex>
#include <unordered_map>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"
#include "plugin/plugin_layer.h"
#include "core/half.h"

namespace kiln::cuda {

const char* precisionName(Precision p) {
    switch (p) {
        case Precision::FP32: return "FP32";
        case Precision::TF32: return "TF32";
        case Precision::FP16: return "FP16";
    }
    return "?";
}

std::optional<Precision> precisionFromName(std::string_view n) {
    if (n == "FP32" || n == "fp32") return Precision::FP32;
    if (n == "TF32" || n == "tf32") return Precision::TF32;
    if (n == "FP16" || n == "fp16") return Precision::FP16;
    return std::nullopt;
}

DataType storageType(Precision p) { return p == Precision::FP16 ? DataType::Float16 : DataType::Float32; }

int64_t DeviceTensor::numel() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
}

int64_t DeviceOutput::numel() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
}

// --- WeightStore ------------------------------------------------------------------------------

struct WeightStore::Impl {
    std::mutex mutex;
    std::unordered_map<std::string, DeviceBuffer> buffers;
    int64_t bytes = 0;
};

WeightStore::WeightStore() : m_impl(std::make_unique<Impl>()) {}
WeightStore::~WeightStore() = default;

int64_t WeightStore::bytes() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->bytes;
}

Expected<const void*> WeightStore::upload(const std::string& key, const void* data, size_t bytes) {
    std::lock_guard lock(m_impl->mutex);
    if (auto it = m_impl->buffers.find(key); it != m_impl->buffers.end()) return static_cast<const void*>(it->second.get());
    KILN_ASSIGN_OR_RETURN(DeviceBuffer b, DeviceBuffer::allocate(bytes ? bytes : 1, "weights '" + key + "'"));
    if (bytes) KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(b.get(), data, bytes, cudaMemcpyHostToDevice));
    const void* p = b.get();
    m_impl->bytes += int64_t(bytes);
    m_impl->buffers.emplace(key, std::move(b));
    return p;
}

Expected<const void*> WeightStore::constant(const ir::Value& v, DataType type) {
    const HostTensor* t = v.constant();
    if (!t) return invalidArgument("'" + v.name() + "' is not a constant");
    if (type == t->dtype() || type == DataType::Undefined)
        return upload(v.name() + "@" + dataTypeName(t->dtype()), t->raw(), t->byteSize());
    const std::string key = v.name() + "@" + dataTypeName(type);
    {
        std::lock_guard lock(m_impl->mutex);
        if (auto it = m_impl->buffers.find(key); it != m_impl->buffers.end()) return static_cast<const void*>(it->second.get());
    }
    const int64_t n = t->numel();
    if (type == DataType::Float16 && t->dtype() == DataType::Float32) {
        std::vector<uint16_t> h(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) h[size_t(i)] = floatToHalfBits(t->data<float>()[i]);
        return upload(key, h.data(), h.size() * 2);
    }
    if (type == DataType::Float32 && t->dtype() == DataType::Float16) {
        std::vector<float> f(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) f[size_t(i)] = halfBitsToFloat(reinterpret_cast<const uint16_t*>(t->raw())[i]);
        return upload(key, f.data(), f.size() * 4);
    }
    return unsupported("weights '" + v.name() + "' are " + dataTypeName(t->dtype()) + " and cannot be converted to " +
                       dataTypeName(type));
}

// --- TacticRegistry ---------------------------------------------------------------------------

void TacticRegistry::add(std::string opType, std::string domain, std::string family, PrecisionRule rule, TacticSource source) {
    m_entries[{std::move(domain), std::move(opType)}] = Entry{std::move(family), rule, std::move(source)};
}

bool TacticRegistry::knows(const ir::Node& n) const {
    return m_entries.count({n.domain(), n.opType()}) > 0 || plugins::isPluginNode(n);
}

PrecisionRule TacticRegistry::precisionRule(const ir::Node& n) const {
    auto it = m_entries.find({n.domain(), n.opType()});
    return it == m_entries.end() ? PrecisionRule::Compute : it->second.rule;
}

std::string TacticRegistry::family(const ir::Node& n) const {
    auto it = m_entries.find({n.domain(), n.opType()});
    if (it == m_entries.end()) return plugins::isPluginNode(n) ? "plugin" : std::string();
    return it->second.family;
}

Expected<std::vector<Tactic>> TacticRegistry::tactics(const TacticQuery& q) const {
    auto it = m_entries.find({q.node.domain(), q.node.opType()});
    if (it == m_entries.end() && plugins::isPluginNode(q.node)) {
        auto r = pluginTactics(q);
        if (!r && r.status().node().empty()) return Status(r.status()).atNode(q.node.name(), q.node.opType());
        return r;
    }
    if (it == m_entries.end())
        return Status(StatusCode::Unsupported, "the CUDA backend has no kernel for this op", q.node.name(),
                      q.node.domain().empty() ? q.node.opType() : q.node.domain() + "." + q.node.opType());
    auto r = it->second.source(q);
    if (!r) {
        Status s = r.status();
        if (s.node().empty())
            return Status(s.code(), s.message() + " (" + precisionName(q.precision) + ")", q.node.name(), q.node.opType());
        return s;
    }
    if (r->empty())
        return Status(StatusCode::Unsupported, std::string("no CUDA tactic in ") + precisionName(q.precision),
                      q.node.name(), q.node.opType());
    return r;
}

Expected<std::unique_ptr<LayerKernel>> TacticRegistry::create(const TacticQuery& q, const std::string& name) const {
    KILN_ASSIGN_OR_RETURN(std::vector<Tactic> all, tactics(q));
    for (Tactic& t : all)
        if (t.name == name) return t.create();
    std::string known;
    for (const Tactic& t : all) known += (known.empty() ? "" : ", ") + t.name;
    return Status(StatusCode::Unsupported,
                  "the plan's tactic '" + name + "' is not available in this build (it has: " + known + ")",
                  q.node.name(), q.node.opType());
}

std::vector<std::tuple<std::string, std::string, std::string>> TacticRegistry::entries() const {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (auto& [key, e] : m_entries) out.emplace_back(key.second, key.first, e.family);
    return out;
}

const TacticRegistry& TacticRegistry::builtin() {
    static const TacticRegistry r = [] {
        TacticRegistry t;
        registerReformatTactics(t);
        registerOwnKernelTactics(t);
        registerDataMovementTactics(t);
        registerPointwiseTactics(t);
        registerCudnnTactics(t);
        registerCublasLtTactics(t);
        return t;
    }();
    return r;
}

}  // namespace kiln::cuda
