#include "backends/cpu/cpu_executor.h"

#include <cstring>
#include <random>
#include <set>
#include <unordered_map>

#include "passes/symbolic_dims.h"
#include "plugin/plugin_layer.h"

namespace kiln::cpu {

namespace {

// A kernel may hand back one of its inputs (Cast to the same type, ...) or a tensor of its own
// instead of filling the planned place. The memory plan reuses an input's bytes after its last
// use, so an output must live where the plan put it: copy it there.
void keepInPlace(const std::vector<ops::OutputPlacement>& placements, int i, HostTensor& out) {
    if (size_t(i) >= placements.size()) return;
    const ops::OutputPlacement& p = placements[size_t(i)];
    if (!p.buffer || out.byteSize() > p.capacity) return;
    if (out.buffer() == p.buffer && out.bufferOffset() == p.offset) return;
    HostTensor placed = HostTensor::view(p.buffer, p.offset, out.dtype(), out.dims());
    if (out.byteSize()) std::memmove(placed.raw(), out.raw(), out.byteSize());
    out = std::move(placed);
}

// The plugin makes the layer from the node's attributes and, where the input shapes are known,
// computes its outputs: bad attributes or input shapes are found at import, naming the node.
Status checkPluginNode(const ir::Node& n) {
    KILN_ASSIGN_OR_RETURN(plugins::PluginInstance p, plugins::instantiate(n));
    for (const ir::Value* v : n.inputs())
        if (v && !v->shape().rankKnown()) return Status::ok();  // checked when the shapes are known
    passes::DimAlgebra dims;
    return plugins::layerOutputs(p, n, dims).status();
}

}  // namespace

CpuExecutor::CpuExecutor(const ir::Graph& graph, const ops::OpRegistry& registry)
    : m_graph(graph), m_registry(registry) {}

Status checkSupported(const ir::Graph& graph, const ops::OpRegistry& registry) {
    std::string list;
    std::set<std::string> missingOps;
    int count = 0;
    for (auto& n : graph.nodes()) {
        const std::string domain = n->domain().empty() ? "ai.onnx" : n->domain();
        if (registry.find(n->domain(), n->opType(), n->opsetVersion())) {
            // A plugin layer: the plugin must accept the node's attributes and input shapes.
            if (plugins::isPluginNode(*n)) {
                Status st = checkPluginNode(*n);
                if (!st.isOk()) {
                    ++count;
                    list += "\n  " + n->name() + " (" + n->opType() + ", domain " + domain + "): " + st.message();
                }
            }
            continue;
        }
        ++count;
        const bool known = registry.knows(n->domain(), n->opType());
        if (!known) missingOps.insert(n->opType() + " (" + domain + ")");
        list += "\n  " + n->name() + " (" + n->opType() + ", domain " + domain + ", opset " +
                std::to_string(n->opsetVersion()) + ")" + (known ? ": this opset version is not implemented" : "");
    }
    if (count == 0) return Status::ok();
    std::string head = std::to_string(count) + " node(s) cannot run:";
    if (!missingOps.empty()) {
        head += " neither Kiln nor a loaded plugin implements ";
        bool first = true;
        for (const std::string& op : missingOps) head += (first ? "" : ", ") + op, first = false;
        head += " (load a plugin library with --plugins);";
    }
    return unsupported(head + list);
}

Status CpuExecutor::prepare() {
    KILN_RETURN_IF_ERROR(checkSupported(m_graph, m_registry));
    m_kernels.clear();
    for (auto& n : m_graph.nodes()) m_kernels.push_back(m_registry.find(n->domain(), n->opType(), n->opsetVersion()));
    m_prepared = true;
    return Status::ok();
}

Status CpuExecutor::checkInput(const ir::Value& v, const HostTensor& t) const {
    if (v.dtype() != DataType::Undefined && t.dtype() != v.dtype())
        return invalidArgument("input '" + v.name() + "' expects " + dataTypeName(v.dtype()) + " but got " +
                               dataTypeName(t.dtype()));
    const Shape& s = v.shape();
    if (!s.rankKnown()) return Status::ok();
    if (s.rank() != t.rank())
        return invalidArgument("input '" + v.name() + "' expects rank " + std::to_string(s.rank()) + " " +
                               s.toString() + " but got " + dimsToString(t.dims()));
    for (int i = 0; i < s.rank(); ++i)
        if (s[i].isKnown() && s[i].value != t.dims()[size_t(i)])
            return invalidArgument("input '" + v.name() + "' expects shape " + s.toString() + " but got " +
                                   dimsToString(t.dims()));
    return Status::ok();
}

Expected<TensorMap> CpuExecutor::run(const TensorMap& inputs) {
    if (!m_prepared) KILN_RETURN_IF_ERROR(prepare());
    // Live tensors by value; a value's remaining use count frees it after its last consumer.
    std::unordered_map<const ir::Value*, HostTensor> live;
    std::unordered_map<const ir::Value*, int> usesLeft;
    for (auto& n : m_graph.nodes())
        for (const ir::Value* v : n->inputs())
            if (v) ++usesLeft[v];
    for (const ir::Value* v : m_graph.outputs()) usesLeft[v] += 1 << 20;  // never freed

    for (const ir::Value* v : m_graph.values())
        if (v->constant()) live[v] = *v->constant();
    for (const ir::Value* v : m_graph.inputs()) {
        auto it = inputs.find(v->name());
        if (it == inputs.end()) {
            if (v->constant()) continue;  // an initializer that may be overridden but was not
            return invalidArgument("missing input '" + v->name() + "'");
        }
        KILN_RETURN_IF_ERROR(checkInput(*v, it->second));
        live[v] = it->second;
    }
    for (auto& [name, t] : inputs) {
        const ir::Value* v = m_graph.findValue(name);
        if (!v || !v->isGraphInput()) return invalidArgument("'" + name + "' is not an input of the model");
    }

    m_timings.clear();
    m_timings.reserve(m_graph.nodes().size());
    std::vector<const HostTensor*> ins;
    for (size_t k = 0; k < m_graph.nodes().size(); ++k) {
        const ir::Node& n = *m_graph.nodes()[k];
        const ops::OpDef& def = *m_kernels[k];
        ins.assign(size_t(n.numInputs()), nullptr);
        int present = 0;
        for (int i = 0; i < n.numInputs(); ++i) {
            const ir::Value* v = n.input(i);
            if (!v) continue;
            auto it = live.find(v);
            if (it == live.end())
                return Status(StatusCode::Internal, "input '" + v->name() + "' has not been computed", n.name(), n.opType());
            ins[size_t(i)] = &it->second;
            if (i < def.requiredInputs) ++present;
        }
        if (present < std::min(def.requiredInputs, n.numInputs()) || n.numInputs() < def.requiredInputs)
            return Status(StatusCode::InvalidModel,
                          "needs " + std::to_string(def.requiredInputs) + " input(s), has " + std::to_string(present),
                          n.name(), n.opType());
        std::vector<HostTensor> outs(size_t(n.numOutputs()));
        ops::KernelContext ctx(n, ins, outs, k < m_placements.size() ? &m_placements[k] : nullptr);
        auto t0 = std::chrono::steady_clock::now();
        Status st = def.kernel(ctx);
        auto t1 = std::chrono::steady_clock::now();
        if (!st.isOk()) return st.atNode(n.name(), n.opType());
        m_timings.push_back({&n, std::chrono::duration<double, std::milli>(t1 - t0).count()});
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            if (!v) continue;
            if (!outs[size_t(i)].isValid())
                return Status(StatusCode::Internal, "kernel did not produce output " + std::to_string(i), n.name(), n.opType());
            if (k < m_placements.size()) keepInPlace(m_placements[k], i, outs[size_t(i)]);
            live[v] = outs[size_t(i)];
        }
        if (m_callback) m_callback(n, outs);
        for (const ir::Value* v : n.inputs())
            if (v && --usesLeft[v] == 0 && !v->constant()) live.erase(v);
    }

    TensorMap result;
    for (const ir::Value* v : m_graph.outputs()) {
        auto it = live.find(v);
        if (it == live.end()) return internalError("graph output '" + v->name() + "' was not computed");
        result[v->name()] = it->second;
    }
    return result;
}

Expected<TensorMap> makeRandomInputs(const ir::Graph& graph, uint64_t seed,
                                     const std::map<std::string, int64_t>& symbolValues, int64_t defaultDim) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> real(-1.0, 1.0);
    std::uniform_int_distribution<int> integer(0, 7);
    TensorMap out;
    for (const ir::Value* v : graph.runtimeInputs()) {
        if (!v->shape().rankKnown()) return invalidArgument("input '" + v->name() + "' has unknown rank");
        std::vector<int64_t> dims;
        for (const Dim& d : v->shape().dims()) {
            if (d.isKnown()) { dims.push_back(d.value); continue; }
            auto it = symbolValues.find(d.symbol);
            dims.push_back(it != symbolValues.end() ? it->second : defaultDim);
        }
        DataType type = v->dtype() == DataType::Undefined ? DataType::Float32 : v->dtype();
        KILN_ASSIGN_OR_RETURN(HostTensor t, HostTensor::create(type, dims));
        for (int64_t i = 0; i < t.numel(); ++i)
            t.setDouble(i, isFloatingPoint(type) ? real(rng) : type == DataType::Bool ? integer(rng) % 2 : integer(rng));
        out[v->name()] = std::move(t);
    }
    return out;
}

}  // namespace kiln::cpu
