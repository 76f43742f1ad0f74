#include "backends/cuda/layer_runner.h"

#include <cublasLt.h>
#include <cudnn.h>

#include <algorithm>
#include <cstring>

#include "core/half.h"
#include "ops/op_registry.h"

namespace kiln::cuda {

Status createLibraries(Libraries& libs) {
    cudnnHandle_t dnn = nullptr;
    if (cudnnStatus_t s = cudnnCreate(&dnn); s != CUDNN_STATUS_SUCCESS)
        return internalError(std::string("cudnnCreate: ") + cudnnGetErrorString(s));
    cublasLtHandle_t lt = nullptr;
    if (cublasStatus_t s = cublasLtCreate(&lt); s != CUBLAS_STATUS_SUCCESS) {
        cudnnDestroy(dnn);
        return internalError("cublasLtCreate failed with status " + std::to_string(int(s)));
    }
    libs.cudnn = dnn;
    libs.cublasLt = lt;
    return Status::ok();
}

void destroyLibraries(Libraries& libs) {
    if (libs.cudnn) cudnnDestroy(libs.cudnn);
    if (libs.cublasLt) cublasLtDestroy(libs.cublasLt);
    libs = {};
}

Expected<std::unique_ptr<Session>> Session::create() {
    std::unique_ptr<Session> s(new Session());
    KILN_ASSIGN_OR_RETURN(s->m_device, currentDevice());
    KILN_ASSIGN_OR_RETURN(s->m_stream, Stream::create());
    KILN_RETURN_IF_ERROR(createLibraries(s->m_libs));
    s->m_weights = std::make_unique<WeightStore>();
    return s;
}

Session::~Session() { destroyLibraries(m_libs); }

HostTensor convertFloat(const HostTensor& t, DataType to) {
    if (!t.isValid() || t.dtype() == to) return t;
    if (t.dtype() == DataType::Float32 && to == DataType::Float16) {
        HostTensor o(DataType::Float16, t.dims());
        auto* d = static_cast<uint16_t*>(o.raw());
        for (int64_t i = 0; i < t.numel(); ++i) d[i] = floatToHalfBits(t.data<float>()[i]);
        return o;
    }
    if (t.dtype() == DataType::Float16 && to == DataType::Float32) {
        HostTensor o(DataType::Float32, t.dims());
        auto* s = static_cast<const uint16_t*>(t.raw());
        for (int64_t i = 0; i < t.numel(); ++i) o.data<float>()[i] = halfBitsToFloat(s[i]);
        return o;
    }
    return t;
}

namespace {

bool isFloat32or16(DataType t) { return t == DataType::Float32 || t == DataType::Float16; }

// The storage type a float tensor of declared type `declared` has in a layer at precision p.
DataType stored(DataType declared, Precision p) { return isFloat32or16(declared) ? storageType(p) : declared; }

}  // namespace

LayerShapes layerShapes(const ir::Node& node, Precision p, const std::vector<HostTensor>& inputs,
                        const std::vector<HostTensor>& expected) {
    LayerShapes s;
    // A Cast converts between the types its values declare (a reformat layer: float32 <-> float16).
    const bool cast = node.domain().empty() && node.opType() == "Cast";
    for (int i = 0; i < node.numInputs(); ++i) {
        const ir::Value* v = node.input(i);
        const HostTensor* t = size_t(i) < inputs.size() && inputs[size_t(i)].isValid() ? &inputs[size_t(i)]
                              : v && v->constant()                                    ? v->constant()
                                                                                      : nullptr;
        s.inputs.push_back(t ? t->dims() : std::vector<int64_t>{});
        s.inputTypes.push_back(!t ? DataType::Undefined : cast && v ? v->dtype() : stored(t->dtype(), p));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
        const ir::Value* v = node.output(int(i));
        s.outputs.push_back(expected[i].dims());
        s.outputTypes.push_back(cast && v ? v->dtype() : stored(expected[i].dtype(), p));
    }
    return s;
}

Expected<std::unique_ptr<TrialBench>> TrialBench::create(Session& s, const ir::Node& node, Precision p,
                                                         const std::vector<HostTensor>& inputs,
                                                         const std::vector<HostTensor>& expected) {
    std::unique_ptr<TrialBench> b(new TrialBench(s, node, p));
    b->m_shapes = layerShapes(node, p, inputs, expected);
    const LayerShapes& shapes = b->m_shapes;
    LaunchArgs& args = b->m_args;
    args.stream = s.stream();
    args.libs = &s.libs();
    for (int i = 0; i < node.numInputs(); ++i) {
        DeviceTensor d;
        const ir::Value* v = node.input(i);
        d.type = shapes.inputTypes[size_t(i)];
        d.dims = shapes.inputs[size_t(i)];
        if (size_t(i) < inputs.size() && inputs[size_t(i)].isValid()) {
            HostTensor h = convertFloat(inputs[size_t(i)], d.type);
            KILN_ASSIGN_OR_RETURN(DeviceBuffer buf, DeviceBuffer::allocate(std::max<size_t>(h.byteSize(), 1), "a layer input"));
            KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(buf.get(), h.raw(), h.byteSize(), cudaMemcpyHostToDevice));
            d.data = buf.get();
            b->m_owned.push_back(std::move(buf));
        } else if (v && v->constant()) {
            KILN_ASSIGN_OR_RETURN(d.data, s.weights().constant(*v, d.type));
        }
        args.inputs.push_back(std::move(d));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
        DeviceOutput o;
        o.type = shapes.outputTypes[i];
        o.dims = expected[i].dims();
        const size_t bytes = size_t(o.numel()) * dataTypeSize(o.type);
        KILN_ASSIGN_OR_RETURN(DeviceBuffer buf, DeviceBuffer::allocate(std::max<size_t>(bytes, 1), "a layer output"));
        o.data = buf.get();
        b->m_owned.push_back(std::move(buf));
        args.outputs.push_back(std::move(o));
        b->m_expectedTypes.push_back(expected[i].dtype());
    }
    return b;
}

Expected<Trial> TrialBench::run(const Tactic& t, const TrialOptions& options) {
    Session& s = m_session;
    std::unique_ptr<LayerKernel> kernel = t.create();
    PrepareArgs pa{m_node, m_precision, m_shapes, s.weights(), s.libs(), s.device()};
    KILN_RETURN_IF_ERROR(kernel->prepare(pa));
    LaunchArgs args = m_args;
    // NaN-filled, so a kernel that leaves elements unwritten fails the comparison.
    for (const DeviceOutput& o : args.outputs)
        KILN_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(o.data, 0xff, size_t(o.numel()) * dataTypeSize(o.type), s.stream()));
    Trial trial;
    trial.workspaceBytes = kernel->workspaceBytes(m_shapes);
    DeviceBuffer ws;
    if (trial.workspaceBytes) {
        KILN_ASSIGN_OR_RETURN(ws, DeviceBuffer::allocate(trial.workspaceBytes, "the tactic's workspace"));
        args.workspace = ws.get();
        args.workspaceBytes = trial.workspaceBytes;
    }
    for (int r = 0; r < std::max(1, options.warmupRuns); ++r) KILN_RETURN_IF_ERROR(kernel->enqueue(args));
    KILN_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(s.stream()));
    KILN_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    if (options.readOutputs) {
        for (size_t i = 0; i < args.outputs.size(); ++i) {
            HostTensor h(args.outputs[i].type, args.outputs[i].dims);
            KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(h.raw(), args.outputs[i].data, h.byteSize(), cudaMemcpyDeviceToHost));
            trial.outputs.push_back(convertFloat(h, m_expectedTypes[i]));
        }
    }
    if (options.timedRuns > 0) {
        std::vector<Event> events;
        for (int r = 0; r <= options.timedRuns; ++r) {
            KILN_ASSIGN_OR_RETURN(Event e, Event::create());
            events.push_back(std::move(e));
        }
        KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[0].get(), s.stream()));
        for (int r = 0; r < options.timedRuns; ++r) {
            KILN_RETURN_IF_ERROR(kernel->enqueue(args));
            KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[size_t(r) + 1].get(), s.stream()));
        }
        KILN_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(s.stream()));
        std::vector<double> ms;
        for (int r = 0; r < options.timedRuns; ++r) {
            KILN_ASSIGN_OR_RETURN(float m, elapsedMs(events[size_t(r)], events[size_t(r) + 1]));
            ms.push_back(m);
        }
        std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
        trial.medianMs = ms[ms.size() / 2];
    }
    return trial;
}

Expected<Trial> runTactic(Session& s, const ir::Node& node, Precision p, const Tactic& t,
                          const std::vector<HostTensor>& inputs, const std::vector<HostTensor>& expected,
                          const TrialOptions& options) {
    KILN_ASSIGN_OR_RETURN(std::unique_ptr<TrialBench> bench, TrialBench::create(s, node, p, inputs, expected));
    return bench->run(t, options);
}

Expected<std::vector<HostTensor>> cpuReference(const ir::Node& node, const std::vector<HostTensor>& inputs) {
    const ops::OpDef* def = ops::OpRegistry::builtin().find(node.domain(), node.opType(), node.opsetVersion());
    if (!def) return Status(StatusCode::Unsupported, "no CPU reference kernel", node.name(), node.opType());
    std::vector<const HostTensor*> in;
    for (int i = 0; i < node.numInputs(); ++i) {
        const ir::Value* v = node.input(i);
        if (size_t(i) < inputs.size() && inputs[size_t(i)].isValid()) in.push_back(&inputs[size_t(i)]);
        else if (v && v->constant()) in.push_back(v->constant());
        else in.push_back(nullptr);
    }
    std::vector<HostTensor> out(size_t(node.numOutputs()));
    ops::KernelContext ctx(node, in, out);
    KILN_RETURN_IF_ERROR(def->kernel(ctx));
    return out;
}

}  // namespace kiln::cuda
