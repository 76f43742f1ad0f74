// ExecutionContext on the CPU backend: one activation arena laid out by the plan's memory plan,
// caller memory for the IO tensors, the CPU kernels run in plan order.
#include <chrono>
#include <cstring>
#include <new>

#include "backends/cpu/cpu_executor.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/cuda_context.h"
#endif
#include "builder/memory_planner.h"
#include "runtime/engine_impl.h"
#include "runtime/runtime.h"

namespace kiln {

namespace {

struct Binding {
    std::shared_ptr<std::byte[]> memory;  // caller memory (no-op deleter)
    size_t bytes = 0;
};

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

struct ExecutionContext::Impl {
    std::shared_ptr<std::byte[]> arena;
    std::unique_ptr<cpu::CpuExecutor> executor;
    std::vector<std::vector<ops::OutputPlacement>> placements;  // from the memory plan
    std::map<std::string, std::vector<int64_t>> inputShapes;
    std::map<std::string, Binding> bindings;
    std::map<std::string, HostTensor> outputs;  // last execute()
    bool placementsDirty = true;
    bool layerTiming = true;
#ifdef KILN_HAVE_CUDA
    std::unique_ptr<cuda::CudaContext> cuda;
#endif
};

ExecutionContext::ExecutionContext(const Engine& engine) : m_engine(engine), m_impl(std::make_unique<Impl>()) {}
ExecutionContext::~ExecutionContext() = default;

Status ExecutionContext::prepare() {
    const plan::Plan& p = m_engine.plan();
    if (p.passport.backend == "cuda") {
#ifdef KILN_HAVE_CUDA
        std::shared_ptr<cuda::EngineState> state;
        {
            std::lock_guard lock(m_engine.m_impl->cudaMutex);
            if (!m_engine.m_impl->cuda) {
                auto s = cuda::createEngineState();
                if (!s) return Status(s.status()).prefix("cannot run a CUDA plan");
                m_engine.m_impl->cuda = *s;
            }
            state = m_engine.m_impl->cuda;
        }
        KILN_ASSIGN_OR_RETURN(m_impl->cuda, cuda::CudaContext::create(p, std::move(state)));
        for (const IoTensor& t : m_engine.m_impl->io)
            if (t.mode == TensorIOMode::Input)
                if (auto dims = t.value->shape().staticDims()) m_impl->inputShapes[t.name] = *dims;
        m_impl->layerTiming = false;
        return Status::ok();
#else
        return unsupported("this build of Kiln has no CUDA backend; the plan needs one");
#endif
    }
    const int64_t arenaBytes = p.memory.arenaBytes;
    if (arenaBytes > 0) {
        try {
            m_impl->arena = std::shared_ptr<std::byte[]>(new std::byte[size_t(arenaBytes)]);
        } catch (const std::bad_alloc&) {
            return outOfRange("cannot allocate the activation arena of " + mib(arenaBytes) +
                              " for an execution context: out of memory");
        }
    }
    m_impl->executor = std::make_unique<cpu::CpuExecutor>(*p.network);
    KILN_RETURN_IF_ERROR(m_impl->executor->prepare());

    // Each layer output with a place in the arena writes there. View layers (Reshape & co.)
    // return their input and get none. Concat and Split outputs are not cleared first: their
    // pieces may already be in place (kiln_inplace / kiln_view).
    const ir::Graph& g = *p.network;
    m_impl->placements.assign(size_t(g.numNodes()), {});
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        if (isViewLayer(n)) continue;
        auto& row = m_impl->placements[size_t(k)];
        row.resize(size_t(n.numOutputs()));
        const bool keep = n.domain().empty() && (n.opType() == "Concat" || n.opType() == "Split");
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            if (!v) continue;
            auto it = m_engine.m_impl->buffers.find(v->name());
            if (it == m_engine.m_impl->buffers.end() || it->second->offset < 0 || !m_impl->arena) continue;
            row[size_t(i)] = {m_impl->arena, size_t(it->second->offset), size_t(it->second->bytes), !keep};
        }
    }
    // Static inputs need no setInputShape.
    for (const IoTensor& t : m_engine.m_impl->io)
        if (t.mode == TensorIOMode::Input)
            if (auto dims = t.value->shape().staticDims()) m_impl->inputShapes[t.name] = *dims;
    return Status::ok();
}

Status ExecutionContext::setOptimizationProfile(int profile) {
    if (profile < 0 || profile >= m_engine.numOptimizationProfiles())
        return invalidArgument("optimization profile " + std::to_string(profile) + " does not exist (the engine has " +
                               std::to_string(m_engine.numOptimizationProfiles()) + ")");
    m_profile = profile;
    return Status::ok();
}

Status ExecutionContext::setInputShape(const std::string& name, const std::vector<int64_t>& dims) {
    if (m_engine.tensorIOMode(name) != TensorIOMode::Input)
        return invalidArgument("'" + name + "' is not an input of the engine");
    const std::vector<int64_t> declared = m_engine.tensorShape(name);
    if (!declared.empty() || !dims.empty()) {
        const ir::Value* v = m_engine.plan().network->findValue(name);
        if (v->shape().rankKnown() && declared.size() != dims.size())
            return invalidArgument("input '" + name + "' has rank " + std::to_string(declared.size()) + " " +
                                   v->shape().toString() + ", not " + dimsToString(dims));
    }
    const plan::ShapeRange* r = m_engine.profileShape(name, m_profile);
    if (!r) return invalidArgument("input '" + name + "' is not in optimization profile " + std::to_string(m_profile));
    if (r->min.size() != dims.size())
        return invalidArgument("input '" + name + "' expects rank " + std::to_string(r->min.size()) + ", not " +
                               dimsToString(dims));
    for (size_t i = 0; i < dims.size(); ++i)
        if (dims[i] < r->min[i] || dims[i] > r->max[i])
            return invalidArgument("input '" + name + "' shape " + dimsToString(dims) + " is outside optimization profile " +
                                   std::to_string(m_profile) + ": dim " + std::to_string(i) + " is " +
                                   std::to_string(dims[i]) + " but must be in [" + std::to_string(r->min[i]) + ", " +
                                   std::to_string(r->max[i]) + "] (min " + dimsToString(r->min) + ", max " +
                                   dimsToString(r->max) + ")");
    m_impl->inputShapes[name] = dims;
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda && allInputShapesSpecified()) return m_impl->cuda->setInputShapes(m_impl->inputShapes);
#endif
    return Status::ok();
}

std::vector<int64_t> ExecutionContext::tensorShape(const std::string& name) const {
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda && m_engine.tensorIOMode(name) == TensorIOMode::Output)
        if (auto d = m_impl->cuda->dims(name); !d.empty()) return d;
#endif
    if (auto it = m_impl->inputShapes.find(name); it != m_impl->inputShapes.end()) return it->second;
    if (auto it = m_impl->outputs.find(name); it != m_impl->outputs.end()) return it->second.dims();
    return m_engine.tensorShape(name);
}

bool ExecutionContext::allInputShapesSpecified() const {
    for (const IoTensor& t : m_engine.m_impl->io)
        if (t.mode == TensorIOMode::Input && !m_impl->inputShapes.count(t.name)) return false;
    return true;
}

Status ExecutionContext::setTensorAddress(const std::string& name, void* data, size_t bytes) {
    if (m_engine.tensorIOMode(name) == TensorIOMode::None)
        return invalidArgument("'" + name + "' is not an input or output of the engine");
    if (!data && bytes) return invalidArgument("null address for '" + name + "'");
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) return m_impl->cuda->setDeviceAddress(name, data, bytes);
#endif
    Binding b;
    b.memory = std::shared_ptr<std::byte[]>(static_cast<std::byte*>(data), [](std::byte*) {});
    b.bytes = bytes;
    m_impl->bindings[name] = std::move(b);
    m_impl->placementsDirty = true;
    return Status::ok();
}

Status ExecutionContext::setInputs(const std::map<std::string, HostTensor>& inputs) {
    for (auto& [name, t] : inputs) {
        if (m_engine.tensorIOMode(name) != TensorIOMode::Input)
            return invalidArgument("'" + name + "' is not an input of the engine");
        if (t.dtype() != m_engine.tensorDataType(name))
            return invalidArgument("input '" + name + "' is " + dataTypeName(m_engine.tensorDataType(name)) + ", not " +
                                   dataTypeName(t.dtype()));
        KILN_RETURN_IF_ERROR(setInputShape(name, t.dims()));
#ifdef KILN_HAVE_CUDA
        if (m_impl->cuda) {
            KILN_RETURN_IF_ERROR(m_impl->cuda->setHostInput(name, t));
            continue;
        }
#endif
        // Shares ownership of the tensor's buffer, pointing at its first element.
        Binding b;
        b.memory = std::shared_ptr<std::byte[]>(t.buffer(), const_cast<std::byte*>(static_cast<const std::byte*>(t.raw())));
        b.bytes = t.byteSize();
        m_impl->bindings[name] = std::move(b);
    }
    m_impl->placementsDirty = true;
    return Status::ok();
}

Expected<HostTensor> ExecutionContext::output(const std::string& name) const {
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) {
        if (m_engine.tensorIOMode(name) != TensorIOMode::Output)
            return invalidArgument("'" + name + "' is not an output of the engine");
        return m_impl->cuda->output(name);
    }
#endif
    auto it = m_impl->outputs.find(name);
    if (it == m_impl->outputs.end()) {
        if (m_engine.tensorIOMode(name) != TensorIOMode::Output)
            return invalidArgument("'" + name + "' is not an output of the engine");
        return invalidArgument("output '" + name + "' has not been computed: call execute() first");
    }
    return it->second;
}

// Bound outputs are written straight into caller memory; the others into their arena place.
Status ExecutionContext::bindPlacements() {
    if (!m_impl->placementsDirty) return Status::ok();
    const ir::Graph& g = *m_engine.plan().network;
    auto placements = m_impl->placements;
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        if (isViewLayer(n)) continue;
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            if (!v || !v->isGraphOutput()) continue;
            auto b = m_impl->bindings.find(v->name());
            if (b == m_impl->bindings.end()) continue;
            placements[size_t(k)].resize(size_t(n.numOutputs()));
            placements[size_t(k)][size_t(i)] = {b->second.memory, 0, b->second.bytes, true};
        }
    }
    m_impl->executor->setOutputPlacements(std::move(placements));
    m_impl->placementsDirty = false;
    return Status::ok();
}

Status ExecutionContext::execute() {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) {
        if (!allInputShapesSpecified()) return invalidArgument("every dynamic input needs setInputShape before execute()");
        cuda::ContextTiming t;
        KILN_RETURN_IF_ERROR(m_impl->cuda->execute(t));
        m_timing.enqueueMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        m_timing.h2dMs = t.h2dMs, m_timing.computeMs = t.computeMs, m_timing.d2hMs = t.d2hMs;
        m_layerTimes = t.layerMs;
        if (m_profiler)
            for (size_t k = 0; k < m_layerTimes.size(); ++k)
                m_profiler->reportLayerTime(int(k), m_engine.plan().network->nodes()[k]->name(), float(m_layerTimes[k]));
        return Status::ok();
    }
#endif
    cpu::TensorMap inputs;
    for (const IoTensor& t : m_engine.m_impl->io) {
        if (t.mode != TensorIOMode::Input) continue;
        auto shape = m_impl->inputShapes.find(t.name);
        if (shape == m_impl->inputShapes.end())
            return invalidArgument("input '" + t.name + "' has dynamic shape " + t.value->shape().toString() +
                                   ": call setInputShape first");
        auto b = m_impl->bindings.find(t.name);
        if (b == m_impl->bindings.end()) return invalidArgument("input '" + t.name + "' has no address: call setTensorAddress");
        HostTensor view = HostTensor::view(b->second.memory, 0, t.value->dtype(), shape->second);
        if (view.byteSize() > b->second.bytes)
            return invalidArgument("input '" + t.name + "' of shape " + dimsToString(shape->second) + " needs " +
                                   std::to_string(view.byteSize()) + " bytes but its buffer has " +
                                   std::to_string(b->second.bytes));
        inputs[t.name] = std::move(view);
    }
    KILN_RETURN_IF_ERROR(bindPlacements());
    KILN_ASSIGN_OR_RETURN(cpu::TensorMap results, m_impl->executor->run(inputs));

    m_impl->outputs.clear();
    for (auto& [name, t] : results) {
        auto b = m_impl->bindings.find(name);
        if (b == m_impl->bindings.end()) {
            m_impl->outputs[name] = t.clone();  // the arena is reused by the next execute()
            continue;
        }
        if (t.byteSize() > b->second.bytes)
            return invalidArgument("output '" + name + "' of shape " + dimsToString(t.dims()) + " needs " +
                                   std::to_string(t.byteSize()) + " bytes but its buffer has " +
                                   std::to_string(b->second.bytes));
        HostTensor dst = HostTensor::view(b->second.memory, 0, t.dtype(), t.dims());
        if (dst.raw() != t.raw() && t.byteSize()) std::memmove(dst.raw(), t.raw(), t.byteSize());
        m_impl->outputs[name] = dst;
    }
    const auto t1 = Clock::now();
    m_layerTimes.clear();
    double compute = 0;
    const auto& timings = m_impl->executor->timings();
    for (size_t k = 0; k < timings.size(); ++k) {
        m_layerTimes.push_back(timings[k].milliseconds);
        compute += timings[k].milliseconds;
        if (m_profiler) m_profiler->reportLayerTime(int(k), timings[k].node->name(), float(timings[k].milliseconds));
    }
    m_timing.enqueueMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
    m_timing.computeMs = compute;
    m_timing.h2dMs = m_timing.d2hMs = 0;
    return Status::ok();
}

Status ExecutionContext::enqueue(void* stream) {
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) {
        if (!allInputShapesSpecified()) return invalidArgument("every dynamic input needs setInputShape before enqueue()");
        return m_impl->cuda->enqueue(static_cast<cudaStream_t>(stream));
    }
#endif
    (void)stream;
    return execute();
}

void ExecutionContext::setUseCudaGraph(bool on) {
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) m_impl->cuda->setUseCudaGraph(on);
#endif
    (void)on;
}

void ExecutionContext::setDataTransfers(bool on) {
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) m_impl->cuda->setDataTransfers(on);
#endif
    (void)on;
}

void ExecutionContext::setLayerTimingEnabled(bool on) {
    m_impl->layerTiming = on;
#ifdef KILN_HAVE_CUDA
    if (m_impl->cuda) m_impl->cuda->setLayerTiming(on);
#endif
}

}  // namespace kiln
