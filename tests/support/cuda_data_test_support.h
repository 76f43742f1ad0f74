// Helpers of the data-movement GPU tests (test_cuda_data*.cpp): one-node layers, the data family
// registry alone, random indices, bandwidth timing.
#pragma once

#include <QtTest>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <random>

#include "support/cuda_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using cuda::Precision;
using Dims = std::vector<int64_t>;

namespace {

std::string dimsText(const Dims& d) {
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
}

// One node in a graph of its own; runtime inputs get random data of their declared type.
class Layer {
public:
    Layer(std::string opType, int opset) : m_opType(std::move(opType)), m_opset(opset), m_id(nextId()) {
        m_g.info().opsets[""] = opset;
    }
    Layer& in(DataType t, Dims dims) {
        ir::Value* v = m_g.getOrAddValue("in" + std::to_string(m_inputs.size()));
        v->setType(t);
        m_inputs.push_back(v);
        m_dims.push_back(std::move(dims));
        return *this;
    }
    Layer& constant(HostTensor t) {
        // Named uniquely across layers: a session's weight store keys uploaded constants by name.
        m_inputs.push_back(m_g.addConstant("L" + std::to_string(m_id) + ".c" + std::to_string(m_inputs.size()), std::move(t)));
        m_dims.emplace_back();
        return *this;
    }
    Layer& ints(Dims v) { return constant(HostTensor::fromVector<int64_t>({int64_t(v.size())}, v)); }
    Layer& floats(std::vector<float> v) { return constant(HostTensor::fromVector<float>({int64_t(v.size())}, v)); }
    Layer& omitted() {
        m_inputs.push_back(nullptr);
        m_dims.emplace_back();
        return *this;
    }
    Layer& attr(const std::string& k, ir::Attribute a) {
        m_attrs.emplace_back(k, std::move(a));
        return *this;
    }
    Layer& outputs(int n) {
        m_outputs = n;
        return *this;
    }
    const ir::Node& node() {
        if (!m_node) {
            std::vector<ir::Value*> outs;
            for (int i = 0; i < m_outputs; ++i) outs.push_back(m_g.getOrAddValue("out" + std::to_string(i)));
            m_node = m_g.addNode(m_opType, m_opType, "", m_inputs, outs);
            m_node->setOpsetVersion(m_opset);
            for (auto& [k, a] : m_attrs) m_node->setAttr(k, a);
        }
        return *m_node;
    }
    // Random data for the runtime inputs (randomInputsFor, plus the types it leaves at zero).
    std::vector<HostTensor> inputs(uint64_t seed) {
        std::vector<HostTensor> in = test::randomInputsFor(node(), m_dims, seed);
        std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
        std::uniform_int_distribution<int> u(-100, 100);
        for (HostTensor& t : in)
            if (t.isValid() && (t.dtype() == DataType::Float16 || t.dtype() == DataType::Int8 || t.dtype() == DataType::UInt8))
                for (int64_t i = 0; i < t.numel(); ++i) t.setDouble(i, t.dtype() == DataType::Float16 ? u(rng) / 64.0 : u(rng) & 0x7f);
        return in;
    }
    // "Transpose [2, 3] perm=[1, 0]" for failure messages.
    std::string describe() {
        std::string s = m_opType + "-" + std::to_string(m_opset);
        for (size_t i = 0; i < m_inputs.size(); ++i)
            s += " " + (!m_inputs[i] ? std::string("-") : m_inputs[i]->constant() ? "c" + dimsText(m_inputs[i]->constant()->dims()) : dimsText(m_dims[i]));
        for (auto& [k, a] : m_attrs) s += " " + k + "=" + a.toString();
        return s;
    }

private:
    static int nextId() {
        static std::atomic<int> next{0};
        return next++;
    }
    ir::Graph m_g;
    std::string m_opType;
    int m_opset, m_id;
    std::vector<ir::Value*> m_inputs;
    std::vector<Dims> m_dims;
    std::vector<std::pair<std::string, ir::Attribute>> m_attrs;
    int m_outputs = 1;
    ir::Node* m_node = nullptr;
};

bool isFloatData(const std::vector<HostTensor>& in) {
    for (const HostTensor& t : in)
        if (t.isValid() && (t.dtype() == DataType::Float32 || t.dtype() == DataType::Float16)) return true;
    return false;
}

// The data-movement family on its own: another family may register the same op type (the
// pointwise family has Where too) and the builtin registry keeps the last source per op.
const cuda::TacticRegistry& dataFamily() {
    static const cuda::TacticRegistry r = [] {
        cuda::TacticRegistry t;
        cuda::registerDataMovementTactics(t);
        return t;
    }();
    return r;
}

Expected<std::vector<cuda::Tactic>> tacticsFor(cuda::Session& s, const ir::Node& n, Precision p, const std::vector<HostTensor>& in) {
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> out, cuda::cpuReference(n, in));
    const cuda::LayerShapes shapes = cuda::layerShapes(n, p, in, out);
    return dataFamily().tactics({n, p, shapes, s.device()});
}

// Every tactic of the family against the CPU reference (like test::checkAllTactics).
Status checkTactics(cuda::Session& s, const ir::Node& n, Precision p, const std::vector<HostTensor>& in) {
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> want, cuda::cpuReference(n, in));
    KILN_ASSIGN_OR_RETURN(std::vector<cuda::Tactic> tactics, tacticsFor(s, n, p, in));
    for (const cuda::Tactic& t : tactics) {
        KILN_ASSIGN_OR_RETURN(cuda::Trial trial, cuda::runTactic(s, n, p, t, in, want));
        for (size_t i = 0; i < want.size(); ++i) {
            const CompareResult c = compareTensors(trial.outputs[i], want[i], 1.0, 1e30);  // shapes and NaN only
            const double err = relativeL2(trial.outputs[i], want[i]);
            if (!c.shapesMatch || c.nanMismatch || !(err <= test::toleranceFor(p)))
                return internalError(t.name + " output " + std::to_string(i) + ": relative L2 " + std::to_string(err) +
                                     (c.nanMismatch ? ", NaN/Inf where the reference has none" : "") +
                                     (c.shapesMatch ? "" : ", shape mismatch"));
        }
    }
    return Status::ok();
}

// At FP32, and at FP16 when the layer moves floats.
Status check(cuda::Session& s, Layer& l, const std::vector<HostTensor>& in) {
    for (Precision p : {Precision::FP32, Precision::FP16}) {
        if (p == Precision::FP16 && !isFloatData(in)) break;
        Status st = checkTactics(s, l.node(), p, in);
        if (!st.isOk()) return st.prefix(std::string(cuda::precisionName(p)) + " " + l.describe());
    }
    return Status::ok();
}
Status check(cuda::Session& s, Layer& l, uint64_t seed) { return check(s, l, l.inputs(seed)); }

// Random helpers.
struct Rng {
    std::mt19937_64 g;
    explicit Rng(uint64_t seed) : g(seed) {}
    int64_t uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g); }
    Dims dims(int rank, int64_t lo = 1, int64_t hi = 7) {
        Dims d;
        for (int i = 0; i < rank; ++i) d.push_back(uniform(lo, hi));
        return d;
    }
    DataType dataType(int i) {  // float, int64, float, bool, ...
        static const DataType kTypes[] = {DataType::Float32, DataType::Int64, DataType::Float32, DataType::Bool};
        return kTypes[i % 4];
    }
};

int64_t numel(const Dims& d) { return std::accumulate(d.begin(), d.end(), int64_t(1), std::multiplies<>()); }

// Indices in [-dim, dim) of the given type.
HostTensor indices(Rng& r, DataType t, const Dims& dims, int64_t dim) {
    HostTensor h(t, dims);
    for (int64_t i = 0; i < h.numel(); ++i) h.setDouble(i, double(r.uniform(-dim, dim - 1)));
    return h;
}

// --- direct launches, for pointers the executor would alias -------------------------------------

struct DeviceRun {
    std::unique_ptr<cuda::LayerKernel> kernel;
    cuda::LaunchArgs args;
};

// A kernel of the node's first tactic prepared at the shapes of `in`, with launch args whose
// data pointers the caller sets.
Expected<DeviceRun> prepareFirst(cuda::Session& s, const ir::Node& n, const std::vector<HostTensor>& in) {
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> out, cuda::cpuReference(n, in));
    const cuda::LayerShapes shapes = cuda::layerShapes(n, Precision::FP32, in, out);
    KILN_ASSIGN_OR_RETURN(std::vector<cuda::Tactic> tactics, dataFamily().tactics({n, Precision::FP32, shapes, s.device()}));
    DeviceRun r{tactics.at(0).create(), {}};
    KILN_RETURN_IF_ERROR(r.kernel->prepare({n, Precision::FP32, shapes, s.weights(), s.libs(), s.device()}));
    for (size_t i = 0; i < shapes.inputs.size(); ++i) r.args.inputs.push_back({nullptr, shapes.inputTypes[i], shapes.inputs[i]});
    for (size_t i = 0; i < shapes.outputs.size(); ++i) r.args.outputs.push_back({nullptr, shapes.outputTypes[i], shapes.outputs[i]});
    r.args.stream = s.stream();
    r.args.libs = &s.libs();
    return r;
}

Status upload(void* dst, const HostTensor& h) {
    KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(dst, h.raw(), h.byteSize(), cudaMemcpyHostToDevice));
    return Status::ok();
}
Expected<HostTensor> download(const void* src, DataType t, const Dims& dims) {
    HostTensor h(t, dims);
    KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(h.raw(), src, h.byteSize(), cudaMemcpyDeviceToHost));
    return h;
}
char* at(const cuda::DeviceBuffer& b, int64_t floats) { return b.as<char>() + floats * 4; }

// Median-free throughput: `iterations` enqueues between two events after a warm-up, in GB/s of
// bytes read plus written.
Expected<double> bandwidth(cuda::Session& s, const ir::Node& n, const cuda::Tactic& t, const Dims& dims, int iterations) {
    HostTensor in(DataType::Float32, dims);
    for (int64_t i = 0; i < in.numel(); ++i) in.data<float>()[i] = float(i % 1000) / 1000.0f;
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> out, cuda::cpuReference(n, {in}));
    const cuda::LayerShapes shapes = cuda::layerShapes(n, Precision::FP16, {in}, out);
    std::unique_ptr<cuda::LayerKernel> k = t.create();
    KILN_RETURN_IF_ERROR(k->prepare({n, Precision::FP16, shapes, s.weights(), s.libs(), s.device()}));
    const size_t bytes = size_t(in.numel()) * 2;
    KILN_ASSIGN_OR_RETURN(cuda::DeviceBuffer x, cuda::DeviceBuffer::allocate(bytes, "x"));
    KILN_ASSIGN_OR_RETURN(cuda::DeviceBuffer y, cuda::DeviceBuffer::allocate(bytes, "y"));
    KILN_RETURN_IF_ERROR(upload(x.get(), cuda::convertFloat(in, DataType::Float16)));
    cuda::LaunchArgs a;
    a.inputs = {{x.get(), DataType::Float16, dims}};
    a.outputs = {{y.get(), DataType::Float16, out[0].dims()}};
    a.stream = s.stream();
    for (int i = 0; i < 20; ++i) KILN_RETURN_IF_ERROR(k->enqueue(a));
    KILN_ASSIGN_OR_RETURN(cuda::Event e0, cuda::Event::create());
    KILN_ASSIGN_OR_RETURN(cuda::Event e1, cuda::Event::create());
    KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(e0.get(), s.stream()));
    for (int i = 0; i < iterations; ++i) KILN_RETURN_IF_ERROR(k->enqueue(a));
    KILN_CUDA_RETURN_IF_ERROR(cudaEventRecord(e1.get(), s.stream()));
    KILN_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(s.stream()));
    KILN_ASSIGN_OR_RETURN(float ms, cuda::elapsedMs(e0, e1));
    return 2.0 * double(bytes) * iterations / (double(ms) * 1e6);
}

}  // namespace

