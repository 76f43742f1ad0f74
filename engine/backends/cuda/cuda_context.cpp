#include "backends/cuda/cuda_context.h"

#include <algorithm>

#include "backends/cuda/layer_runner.h"
#include "builder/memory_planner.h"
#include "passes/symbolic_dims.h"

namespace kiln::cuda {

namespace {

bool isFloat(DataType t) { return t == DataType::Float32 || t == DataType::Float16; }

std::string mib(size_t bytes) {
    char b[48];
    std::snprintf(b, sizeof b, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return b;
}

// Symbol values of one profile's min, opt or max shapes.
std::map<std::string, int64_t> profileSymbols(const ir::Graph& g, const plan::Profile& p,
                                              std::vector<int64_t> plan::ShapeRange::*which) {
    std::map<std::string, int64_t> out;
    for (auto& [name, range] : p.inputs) {
        const ir::Value* v = g.findValue(name);
        if (!v || !v->shape().rankKnown()) continue;
        const std::vector<int64_t>& dims = range.*which;
        for (int i = 0; i < v->shape().rank() && size_t(i) < dims.size(); ++i)
            if (v->shape()[i].isSymbolic()) out[v->shape()[i].symbol] = dims[size_t(i)];
    }
    return out;
}

}  // namespace

Expected<std::shared_ptr<EngineState>> createEngineState() {
    auto s = std::make_shared<EngineState>();
    KILN_ASSIGN_OR_RETURN(s->device, currentDevice());
    return s;
}

Expected<std::unique_ptr<CudaContext>> CudaContext::create(const plan::Plan& plan, std::shared_ptr<EngineState> engine) {
    std::unique_ptr<CudaContext> c(new CudaContext(plan, std::move(engine)));
    KILN_RETURN_IF_ERROR(c->prepare());
    return c;
}

CudaContext::~CudaContext() {
    if (m_graphExec) cudaGraphExecDestroy(m_graphExec);
    if (m_stream.get()) cudaStreamSynchronize(m_stream.get());
    destroyLibraries(m_libs);
}

Expected<const void*> CudaContext::constantFor(const ir::Value& v, int layer) {
    const DataType t = isFloat(v.dtype()) ? storageType(m_precisions[size_t(layer)]) : v.dtype();
    return m_engine->weights.constant(v, t);
}

Status CudaContext::prepare() {
    const ir::Graph& g = *m_plan.network;
    KILN_RETURN_IF_ERROR(cudaSetDevice(m_engine->device.ordinal) == cudaSuccess ? Status::ok()
                                                                               : internalError("cudaSetDevice failed"));
    KILN_RETURN_IF_ERROR(createLibraries(m_libs));
    KILN_ASSIGN_OR_RETURN(m_stream, Stream::create());
    KILN_ASSIGN_OR_RETURN(m_arena, DeviceBuffer::allocate(size_t(m_plan.memory.arenaBytes), "the activation arena"));
    for (int i = 0; i <= g.numNodes(); ++i) {
        KILN_ASSIGN_OR_RETURN(Event e, Event::create());
        m_events.push_back(std::move(e));
    }
    KILN_ASSIGN_OR_RETURN(m_h2d0, Event::create());
    KILN_ASSIGN_OR_RETURN(m_h2d1, Event::create());
    KILN_ASSIGN_OR_RETURN(m_d2h1, Event::create());

    // Kernels are prepared at the opt shapes (what they were tuned at); the workspace is sized
    // for the largest of the opt and max shapes.
    if (m_plan.profiles.empty()) return invalidArgument("the plan has no optimization profile");
    const auto opt = profileSymbols(g, m_plan.profiles.front(), &plan::ShapeRange::opt);
    std::map<std::string, int64_t> maxSym;
    for (const plan::Profile& p : m_plan.profiles)
        for (auto& [k, v] : profileSymbols(g, p, &plan::ShapeRange::max)) maxSym[k] = std::max(maxSym[k], v);
    auto shapesAt = [&](const ir::Node& n, const std::map<std::string, int64_t>& sym, Precision p) -> Expected<LayerShapes> {
        LayerShapes s;
        for (const ir::Value* v : n.inputs()) {
            if (!v) {
                s.inputs.emplace_back();
                s.inputTypes.push_back(DataType::Undefined);
                continue;
            }
            auto d = v->constant() ? std::optional(v->constant()->dims()) : passes::evaluateShape(v->shape(), sym);
            if (!d) return Status(StatusCode::Internal, "the shape of '" + v->name() + "' does not follow from the inputs", n.name(), n.opType());
            s.inputs.push_back(*d);
            s.inputTypes.push_back(v->constant() && isFloat(v->dtype()) ? storageType(p) : v->dtype());
        }
        for (const ir::Value* v : n.outputs()) {
            if (!v) {
                s.outputs.emplace_back();
                s.outputTypes.push_back(DataType::Undefined);
                continue;
            }
            auto d = passes::evaluateShape(v->shape(), sym);
            if (!d) return Status(StatusCode::Internal, "the shape of '" + v->name() + "' does not follow from the inputs", n.name(), n.opType());
            s.outputs.push_back(*d);
            s.outputTypes.push_back(v->dtype());
        }
        return s;
    };
    const TacticRegistry& reg = TacticRegistry::builtin();
    size_t workspace = 0;
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        const plan::LayerRecord& r = m_plan.layers[size_t(k)];
        auto p = precisionFromName(r.precision);
        if (!p) return Status(StatusCode::Unsupported, "the CUDA backend cannot run precision " + r.precision, n.name(), n.opType());
        m_precisions.push_back(*p);
        KILN_ASSIGN_OR_RETURN(LayerShapes s, shapesAt(n, opt, *p));
        TacticQuery q{n, *p, s, m_engine->device};
        KILN_ASSIGN_OR_RETURN(std::unique_ptr<LayerKernel> kernel, reg.create(q, r.tactic));
        PrepareArgs pa{n, *p, s, m_engine->weights, m_libs, m_engine->device};
        if (Status st = kernel->prepare(pa); !st.isOk()) return st.prefix("layer '" + n.name() + "' (" + r.tactic + ")");
        workspace = std::max(workspace, kernel->workspaceBytes(s));
        KILN_ASSIGN_OR_RETURN(LayerShapes smax, shapesAt(n, maxSym, *p));
        workspace = std::max(workspace, kernel->workspaceBytes(smax));
        m_kernels.push_back(std::move(kernel));
    }
    if (workspace) {
        KILN_ASSIGN_OR_RETURN(m_workspace, DeviceBuffer::allocate(workspace, "the tactics' workspace"));
    }
    m_skip.assign(size_t(g.numNodes()), false);
    // Static inputs need no shapes from the caller.
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const ir::Value* v : g.runtimeInputs())
        if (auto d = v->shape().staticDims()) shapes[v->name()] = *d;
    if (shapes.size() == g.runtimeInputs().size()) KILN_RETURN_IF_ERROR(setInputShapes(shapes));
    return Status::ok();
}

Status CudaContext::setInputShapes(const std::map<std::string, std::vector<int64_t>>& shapes) {
    const ir::Graph& g = *m_plan.network;
    std::map<std::string, int64_t> sym;
    for (const ir::Value* v : g.runtimeInputs()) {
        auto it = shapes.find(v->name());
        if (it == shapes.end()) return invalidArgument("input '" + v->name() + "' has no shape: call setInputShape");
        if (!v->shape().rankKnown() || v->shape().rank() != int(it->second.size())) continue;
        for (int i = 0; i < v->shape().rank(); ++i)
            if (v->shape()[i].isSymbolic()) sym[v->shape()[i].symbol] = it->second[size_t(i)];
    }
    if (sym != m_symbols || m_dims.empty()) {
        m_symbols = std::move(sym);
        m_dims.clear();
        for (const ir::Value* v : g.values()) {
            if (v->constant()) continue;
            auto d = passes::evaluateShape(v->shape(), m_symbols);
            if (!d) return invalidArgument("the shape of '" + v->name() + "' (" + v->shape().toString() +
                                           ") does not follow from the input shapes given");
            m_dims[v] = *d;
        }
        m_dirty = true;
    }
    return Status::ok();
}

Status CudaContext::setDeviceAddress(const std::string& name, void* data, size_t bytes) {
    Binding& b = m_bindings[name];
    b.owned.reset();
    b.host = HostTensor();
    b.data = data;
    b.bytes = bytes;
    m_dirty = true;
    return Status::ok();
}

Status CudaContext::setHostInput(const std::string& name, const HostTensor& t) {
    Binding& b = m_bindings[name];
    if (!b.owned || b.owned.bytes() < t.byteSize()) {
        KILN_ASSIGN_OR_RETURN(b.owned, DeviceBuffer::allocate(std::max<size_t>(t.byteSize(), 256), "input '" + name + "'"));
        m_dirty = true;
    }
    if (b.data != b.owned.get()) m_dirty = true;
    b.data = b.owned.get();
    b.bytes = b.owned.bytes();
    b.host = t;
    return Status::ok();
}

Status CudaContext::refreshLaunches() {
    const ir::Graph& g = *m_plan.network;
    if (m_dims.empty()) return invalidArgument("the input shapes are not set: call setInputShape for every dynamic input");
    std::map<std::string, const plan::BufferRecord*> buffers;
    for (const plan::BufferRecord& b : m_plan.memory.buffers) buffers[b.tensor] = &b;
    std::map<const ir::Value*, void*> where;
    for (const ir::Value* v : g.runtimeInputs()) {
        auto b = m_bindings.find(v->name());
        if (b == m_bindings.end() || !b->second.data)
            return invalidArgument("input '" + v->name() + "' has no address: call setTensorAddress (device memory) or setInputs");
        int64_t n = 1;
        for (int64_t d : m_dims.at(v)) n *= d;
        if (size_t(n) * dataTypeSize(v->dtype()) > b->second.bytes)
            return invalidArgument("input '" + v->name() + "' needs " + std::to_string(size_t(n) * dataTypeSize(v->dtype())) +
                                   " bytes but its buffer has " + std::to_string(b->second.bytes));
        where[v] = b->second.data;
    }
    m_launches.assign(size_t(g.numNodes()), LaunchArgs{});
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        LaunchArgs& a = m_launches[size_t(k)];
        a.libs = &m_libs;
        a.workspace = m_workspace.get();
        a.workspaceBytes = m_workspace.bytes();
        for (const ir::Value* v : n.inputs()) {
            DeviceTensor t;
            if (v) {
                t.type = v->dtype();
                if (v->constant()) {
                    KILN_ASSIGN_OR_RETURN(t.data, constantFor(*v, k));
                    t.type = isFloat(v->dtype()) ? storageType(m_precisions[size_t(k)]) : v->dtype();
                    t.dims = v->constant()->dims();
                } else {
                    auto it = where.find(v);
                    if (it == where.end()) return Status(StatusCode::Internal, "input '" + v->name() + "' has no place", n.name(), n.opType());
                    t.data = it->second;
                    t.dims = m_dims.at(v);
                }
            }
            a.inputs.push_back(std::move(t));
        }
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            DeviceOutput o;
            if (v) {
                o.type = v->dtype();
                o.dims = m_dims.at(v);
                auto bound = v->isGraphOutput() ? m_bindings.find(v->name()) : m_bindings.end();
                if (bound != m_bindings.end() && bound->second.data) {
                    int64_t cnt = 1;
                    for (int64_t d : o.dims) cnt *= d;
                    if (size_t(cnt) * dataTypeSize(o.type) > bound->second.bytes)
                        return invalidArgument("output '" + v->name() + "' needs " + std::to_string(size_t(cnt) * dataTypeSize(o.type)) +
                                               " bytes but its buffer has " + std::to_string(bound->second.bytes));
                    o.data = bound->second.data;
                } else if (i == 0 && isViewLayer(n) && n.input(0)) {
                    o.data = const_cast<void*>(a.inputs[0].data);
                } else {
                    auto b = buffers.find(v->name());
                    if (b == buffers.end() || b->second->offset < 0)
                        return Status(StatusCode::Internal, "output '" + v->name() + "' has no place in the memory plan", n.name(), n.opType());
                    o.data = m_arena.as<std::byte>() + b->second->offset;
                }
                where[v] = o.data;
            }
            a.outputs.push_back(std::move(o));
        }
        m_skip[size_t(k)] = isViewLayer(n) && !a.outputs.empty() && a.outputs[0].data == a.inputs[0].data;
        // A run-time shape needing more workspace than planned (it grows with the shapes).
        LayerShapes s;
        for (const DeviceTensor& t : a.inputs) s.inputs.push_back(t.dims), s.inputTypes.push_back(t.type);
        for (const DeviceOutput& o : a.outputs) s.outputs.push_back(o.dims), s.outputTypes.push_back(o.type);
        if (size_t ws = m_kernels[size_t(k)]->workspaceBytes(s); ws > m_workspace.bytes()) {
            KILN_ASSIGN_OR_RETURN(m_workspace, DeviceBuffer::allocate(ws, "the tactics' workspace"));
            return refreshLaunches();  // every layer gets the new pointer
        }
    }
    m_dirty = false;
    m_graphDirty = true;
    return Status::ok();
}

Status CudaContext::launchLayers(cudaStream_t s, bool timeLayers) {
    const ir::Graph& g = *m_plan.network;
    if (timeLayers) KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(m_events[0].get(), s));
    for (int k = 0; k < g.numNodes(); ++k) {
        if (!m_skip[size_t(k)]) {
            LaunchArgs& a = m_launches[size_t(k)];
            a.stream = s;
            if (Status st = m_kernels[size_t(k)]->enqueue(a); !st.isOk()) {
                const ir::Node& n = *g.nodes()[size_t(k)];
                return st.prefix("layer '" + n.name() + "' (" + m_plan.layers[size_t(k)].tactic + ")");
            }
        }
        if (timeLayers) KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(m_events[size_t(k) + 1].get(), s));
    }
    return Status::ok();
}

Status CudaContext::enqueue(cudaStream_t stream) {
    if (m_dirty) KILN_RETURN_IF_ERROR(refreshLaunches());
    cudaStream_t s = stream ? stream : m_stream.get();
    if (!m_useGraph) {
        KILN_RETURN_IF_ERROR(launchLayers(s, m_layerTiming));
        KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
        return Status::ok();
    }
    if (m_graphDirty || s != m_graphStream) {
        if (m_graphExec) cudaGraphExecDestroy(m_graphExec), m_graphExec = nullptr;
        KILN_CUDA_RETURN_IF_ERROR(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
        Status launched = launchLayers(s, false);
        cudaGraph_t graph = nullptr;
        const cudaError_t ended = cudaStreamEndCapture(s, &graph);
        if (!launched.isOk() || ended != cudaSuccess) {
            if (graph) cudaGraphDestroy(graph);
            cudaGetLastError();
            if (!launched.isOk()) return launched.prefix("capturing the CUDA graph");
            return cudaError(ended, "cudaStreamEndCapture (a layer's kernel cannot be captured in a CUDA graph)");
        }
        const cudaError_t inst = cudaGraphInstantiate(&m_graphExec, graph, 0);
        cudaGraphDestroy(graph);
        KILN_CUDA_RETURN_IF_ERROR(inst);
        m_graphStream = s;
        m_graphDirty = false;
    }
    KILN_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(m_graphExec, s));
    return Status::ok();
}

Status CudaContext::execute(ContextTiming& timing) {
    const ir::Graph& g = *m_plan.network;
    cudaStream_t s = m_stream.get();
    KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(m_h2d0.get(), s));
    for (const ir::Value* v : g.runtimeInputs()) {
        auto b = m_bindings.find(v->name());
        if (m_transfers && b != m_bindings.end() && b->second.host.isValid())
            KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(b->second.data, b->second.host.raw(), b->second.host.byteSize(),
                                                      cudaMemcpyHostToDevice, s));
    }
    KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(m_h2d1.get(), s));
    const bool timeLayers = m_layerTiming;  // layer events replace the graph for these runs
    if (m_dirty) KILN_RETURN_IF_ERROR(refreshLaunches());
    if (timeLayers) {
        KILN_RETURN_IF_ERROR(launchLayers(s, true));
        KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    } else {
        KILN_RETURN_IF_ERROR(enqueue(s));
    }
    Event& computeEnd = timeLayers ? m_events.back() : m_events[0];
    if (!timeLayers) KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(computeEnd.get(), s));
    // Every output back to the host.
    std::map<std::string, HostTensor> previous = std::move(m_outputs);
    m_outputs.clear();
    if (!m_transfers) m_outputs = std::move(previous);
    for (int k = 0; k < g.numNodes() && m_transfers; ++k) {
        const ir::Node& n = *g.nodes()[size_t(k)];
        for (int i = 0; i < n.numOutputs(); ++i) {
            const ir::Value* v = n.output(i);
            if (!v || !v->isGraphOutput()) continue;
            const DeviceOutput& o = m_launches[size_t(k)].outputs[size_t(i)];
            HostTensor h;
            auto prev = previous.find(v->name());
            if (prev != previous.end() && prev->second.dims() == o.dims && prev->second.dtype() == o.type) {
                h = prev->second;
            } else {
                KILN_ASSIGN_OR_RETURN(h, HostTensor::create(o.type, o.dims));
            }
            KILN_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(h.raw(), o.data, h.byteSize(), cudaMemcpyDeviceToHost, s));
            m_outputs[v->name()] = std::move(h);
        }
    }
    KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(m_d2h1.get(), s));
    KILN_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(s));
    KILN_ASSIGN_OR_RETURN(float h2d, elapsedMs(m_h2d0, m_h2d1));
    KILN_ASSIGN_OR_RETURN(float compute, elapsedMs(m_h2d1, computeEnd));
    KILN_ASSIGN_OR_RETURN(float d2h, elapsedMs(computeEnd, m_d2h1));
    timing.h2dMs = h2d, timing.computeMs = compute, timing.d2hMs = d2h;
    timing.layerMs.clear();
    if (timeLayers)
        for (int k = 0; k < g.numNodes(); ++k) {
            KILN_ASSIGN_OR_RETURN(float ms, elapsedMs(m_events[size_t(k)], m_events[size_t(k) + 1]));
            timing.layerMs.push_back(ms);
        }
    return Status::ok();
}

Expected<HostTensor> CudaContext::output(const std::string& name) const {
    auto it = m_outputs.find(name);
    if (it == m_outputs.end()) return invalidArgument("output '" + name + "' has not been computed: call execute() first");
    return it->second;
}

std::vector<int64_t> CudaContext::dims(const std::string& tensor) const {
    const ir::Value* v = m_plan.network->findValue(tensor);
    if (!v) return {};
    auto it = m_dims.find(v);
    return it == m_dims.end() ? std::vector<int64_t>{} : it->second;
}

}  // namespace kiln::cuda
