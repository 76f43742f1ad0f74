// GPU tests of the data-movement tactics (data_tactics*.cpp, kernels_data_*.cu): every op on
// random shapes and attributes (odd sizes, ranks 1-6, negative axes, broadcasting) against the
// CPU reference at FP32 and FP16 and with int64 (and bool / float16) data; pieces of Concat and
// Split already in place; views that share memory; unsupported cases that say which input; and
// the bandwidth of two transposes. Skipped without a GPU.
#include <QtTest>

#include <algorithm>
#include <array>
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
    Layer(std::string opType, int opset) : m_opType(std::move(opType)), m_opset(opset) { m_g.info().opsets[""] = opset; }
    Layer& in(DataType t, Dims dims) {
        ir::Value* v = m_g.getOrAddValue("in" + std::to_string(m_inputs.size()));
        v->setType(t);
        m_inputs.push_back(v);
        m_dims.push_back(std::move(dims));
        return *this;
    }
    Layer& constant(HostTensor t) {
        m_inputs.push_back(m_g.addConstant("c" + std::to_string(m_inputs.size()), std::move(t)));
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
    ir::Graph m_g;
    std::string m_opType;
    int m_opset;
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

class TestCudaData : public QObject {
    Q_OBJECT

private slots:
    void views() {
        KILN_SKIP_WITHOUT_GPU();
        for (DataType t : {DataType::Float32, DataType::Int64}) {
            Layer reshape("Reshape", 14);
            reshape.in(t, {2, 3, 5}).ints({5, -1});
            KILN_VERIFY_OK(check(gpu, reshape, 1));
            Layer flatten("Flatten", 13);
            flatten.in(t, {2, 3, 5, 1}).attr("axis", int64_t(-2));
            KILN_VERIFY_OK(check(gpu, flatten, 2));
            Layer squeeze("Squeeze", 13);
            squeeze.in(t, {3, 1, 5, 1}).ints({1, -1});
            KILN_VERIFY_OK(check(gpu, squeeze, 3));
            Layer unsqueeze("Unsqueeze", 13);
            unsqueeze.in(t, {3, 5}).ints({0, -1});
            KILN_VERIFY_OK(check(gpu, unsqueeze, 4));
            Layer identity("Identity", 16);
            identity.in(t, {7});
            KILN_VERIFY_OK(check(gpu, identity, 5));
        }
        // Inference Dropout with its mask: bool from opset 10, the input's type before.
        Layer dropout("Dropout", 13);
        dropout.in(DataType::Float32, {4, 9}).floats({0.3f}).constant(HostTensor::scalar(DataType::Bool, 0)).outputs(2);
        KILN_VERIFY_OK(check(gpu, dropout, 6));
        Layer dropout7("Dropout", 7);
        dropout7.in(DataType::Float32, {3, 5}).attr("ratio", 0.2f).outputs(2);
        KILN_VERIFY_OK(check(gpu, dropout7, 7));
        Layer training("Dropout", 13);
        training.in(DataType::Float32, {4}).floats({0.3f}).constant(HostTensor::scalar(DataType::Bool, 1));
        QCOMPARE(tacticsFor(gpu, training.node(), Precision::FP32, training.inputs(8)).status().code(), StatusCode::Unsupported);

        // Sharing memory (what the executor does): nothing is copied, the output is the input.
        Layer shared("Reshape", 14);
        shared.in(DataType::Float32, {4, 6}).ints({3, 8});
        const std::vector<HostTensor> in = shared.inputs(9);
        auto run = prepareFirst(gpu, shared.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto x = cuda::DeviceBuffer::allocate(in[0].byteSize(), "x");
        KILN_VERIFY_EXPECTED(x);
        KILN_VERIFY_OK(upload(x->get(), in[0]));
        run->args.inputs[0].data = x->get();
        run->args.outputs[0].data = x->get();
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        auto back = download(x->get(), DataType::Float32, {3, 8});
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(relativeL2(*back, in[0].reshaped({3, 8}).value()), 0.0);
    }

    void transpose() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(11);
        for (int i = 0; i < 14; ++i) {
            const int rank = int(r.uniform(1, 5));
            Dims perm(static_cast<size_t>(rank));
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), r.g);
            if (i % 3 == 0) perm[size_t(r.uniform(0, rank - 1))] -= rank;  // a negative axis
            Layer l("Transpose", 13);
            l.in(r.dataType(i), r.dims(rank, 1, 9)).attr("perm", perm);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(100 + i)));
        }
        // Shapes that cross tile edges, the layouts of attention and NCHW <-> NHWC, rank 6, reversed
        // axes (no perm), float16 and int8 data.
        const std::pair<Dims, Dims> cases[] = {
            {{2, 5, 3, 8}, {0, 2, 1, 3}}, {{2, 3, 17, 19}, {0, 2, 3, 1}}, {{2, 17, 19, 3}, {0, 3, 1, 2}},
            {{3, 70, 45}, {0, 2, 1}},     {{33, 65}, {1, 0}},             {{2, 3, 2, 3, 2, 5}, {5, 3, 1, 4, 0, 2}},
            {{4, 1, 37, 1, 9}, {4, 2, 1, 0, 3}}, {{3, 4, 5}, {}}};
        int seed = 200;
        for (const auto& [dims, perm] : cases)
            for (DataType t : {DataType::Float32, DataType::Float16, DataType::Int8}) {
                Layer l("Transpose", 13);
                l.in(t, dims);
                if (!perm.empty()) l.attr("perm", perm);
                KILN_VERIFY_OK(check(gpu, l, uint64_t(seed++)));
            }
        // The tiled tactic is listed where the innermost axis moves; tuned there, it still runs
        // shapes where the move is only across a size-1 axis.
        Layer nhwc("Transpose", 13);
        nhwc.in(DataType::Float32, {2, 8, 5}).attr("perm", Dims{0, 2, 1});
        auto tactics = tacticsFor(gpu, nhwc.node(), Precision::FP32, nhwc.inputs(1));
        KILN_VERIFY_EXPECTED(tactics);
        QCOMPARE(tactics->size(), size_t(2));
        QCOMPARE(tactics->front().name, std::string("kiln.transpose.tiled"));
        HostTensor flat(DataType::Float32, {2, 8, 1});
        for (int64_t i = 0; i < flat.numel(); ++i) flat.data<float>()[i] = float(i);
        auto want = cuda::cpuReference(nhwc.node(), {flat});
        KILN_VERIFY_EXPECTED(want);
        auto trial = cuda::runTactic(gpu, nhwc.node(), Precision::FP32, tactics->front(), {flat}, *want);
        KILN_VERIFY_EXPECTED(trial);
        QCOMPARE(relativeL2(trial->outputs[0], (*want)[0]), 0.0);
    }

    void depthAndSpace() {
        KILN_SKIP_WITHOUT_GPU();
        int seed = 300;
        for (DataType t : {DataType::Float32, DataType::Int64})
            for (int64_t b : {2, 3}) {
                for (const char* mode : {"DCR", "CRD"}) {
                    Layer d2s("DepthToSpace", 13);
                    d2s.in(t, {2, 2 * b * b, 3, 5}).attr("blocksize", b).attr("mode", std::string(mode));
                    KILN_VERIFY_OK(check(gpu, d2s, uint64_t(seed++)));
                }
                Layer s2d("SpaceToDepth", 13);
                s2d.in(t, {2, 3, 2 * b, 3 * b}).attr("blocksize", b);
                KILN_VERIFY_OK(check(gpu, s2d, uint64_t(seed++)));
            }
    }

    void concat() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(21);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 5));
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            const Dims base = r.dims(rank, 1, 6);
            Layer l("Concat", 13);
            l.attr("axis", axis);
            for (int64_t k = r.uniform(1, 4); k > 0; --k) {
                Dims d = base;
                d[a] = r.uniform(1, 5);
                l.in(r.dataType(i), d);
            }
            KILN_VERIFY_OK(check(gpu, l, uint64_t(400 + i)));
        }
        // kiln_inplace: inputs 0 and 2 already live in their slices of y [7, 3, 5]; input 1 is copied.
        Layer l("Concat", 13);
        l.in(DataType::Float32, {2, 3, 5}).in(DataType::Float32, {4, 3, 5}).in(DataType::Float32, {1, 3, 5});
        l.attr("axis", int64_t(0)).attr("kiln_inplace", int64_t(1));
        const std::vector<HostTensor> in = l.inputs(450);
        auto want = cuda::cpuReference(l.node(), in);
        KILN_VERIFY_EXPECTED(want);
        auto run = prepareFirst(gpu, l.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto y = cuda::DeviceBuffer::allocate(7 * 15 * 4, "y"), b = cuda::DeviceBuffer::allocate(4 * 15 * 4, "b");
        KILN_VERIFY_EXPECTED(y);
        KILN_VERIFY_EXPECTED(b);
        KILN_VERIFY_OK(upload(at(*y, 0), in[0]));
        KILN_VERIFY_OK(upload(b->get(), in[1]));
        KILN_VERIFY_OK(upload(at(*y, 6 * 15), in[2]));
        run->args.inputs[0].data = at(*y, 0);
        run->args.inputs[1].data = b->get();
        run->args.inputs[2].data = at(*y, 6 * 15);
        run->args.outputs[0].data = y->get();
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        auto got = download(y->get(), DataType::Float32, {7, 3, 5});
        KILN_VERIFY_EXPECTED(got);
        QCOMPARE(relativeL2(*got, (*want)[0]), 0.0);
    }

    void split() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(31);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 4));
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            const int outputs = int(r.uniform(1, 3));
            const int variant = i % 4;  // split input, num_outputs (uneven), attribute, equal parts
            Dims dims = r.dims(rank, 1, 5);
            dims[a] = variant == 3 ? 2 * outputs : r.uniform(3, 9);
            Dims sizes(size_t(outputs), 0);  // random, some may be 0
            for (int64_t k = 0; k < dims[a]; ++k) ++sizes[size_t(r.uniform(0, outputs - 1))];
            Layer l("Split", variant == 1 ? 18 : variant == 2 ? 11 : 13);
            l.in(r.dataType(i), dims).attr("axis", axis).outputs(outputs);
            if (variant == 0) l.ints(sizes);
            if (variant == 1) l.attr("num_outputs", int64_t(outputs));
            if (variant == 2) l.attr("split", sizes);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(500 + i)));
        }
        // kiln_view: outputs 0 and 2 are views of their slices of x [7, 3, 5]; output 1 is copied.
        Layer l("Split", 13);
        l.in(DataType::Float32, {7, 3, 5}).ints({2, 4, 1}).attr("axis", int64_t(0)).attr("kiln_view", int64_t(1)).outputs(3);
        const std::vector<HostTensor> in = l.inputs(550);
        auto want = cuda::cpuReference(l.node(), in);
        KILN_VERIFY_EXPECTED(want);
        auto run = prepareFirst(gpu, l.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto x = cuda::DeviceBuffer::allocate(7 * 15 * 4, "x"), y1 = cuda::DeviceBuffer::allocate(4 * 15 * 4, "y1");
        KILN_VERIFY_EXPECTED(x);
        KILN_VERIFY_EXPECTED(y1);
        KILN_VERIFY_OK(upload(x->get(), in[0]));
        run->args.inputs[0].data = x->get();
        run->args.outputs[0].data = at(*x, 0);
        run->args.outputs[1].data = y1->get();
        run->args.outputs[2].data = at(*x, 6 * 15);
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        const std::pair<const void*, int> outs[] = {{at(*x, 0), 0}, {y1->get(), 1}, {at(*x, 6 * 15), 2}};
        for (const auto& [ptr, k] : outs) {
            auto got = download(ptr, DataType::Float32, (*want)[size_t(k)].dims());
            KILN_VERIFY_EXPECTED(got);
            QCOMPARE(relativeL2(*got, (*want)[size_t(k)]), 0.0);
        }
    }

    void slice() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(41);
        for (int i = 0; i < 16; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 9);
            Dims axes(static_cast<size_t>(rank));
            std::iota(axes.begin(), axes.end(), 0);
            std::shuffle(axes.begin(), axes.end(), r.g);
            axes.resize(size_t(r.uniform(1, rank)));
            Dims starts, ends, steps;
            for (int64_t& a : axes) {
                const int64_t d = dims[size_t(a)];
                starts.push_back(r.uniform(-d - 2, d + 2));
                ends.push_back(i % 5 == 0 ? (r.uniform(0, 1) ? INT64_MAX : INT64_MIN) : r.uniform(-d - 2, d + 2));
                steps.push_back(r.uniform(0, 1) ? r.uniform(1, 3) : -r.uniform(1, 3));
                if (r.uniform(0, 1)) a -= rank;
            }
            if (i % 4 == 3) {  // Slice-1: attributes, step 1
                Layer l("Slice", 9);
                l.in(r.dataType(i), dims).attr("starts", starts).attr("ends", ends).attr("axes", axes);
                KILN_VERIFY_OK(check(gpu, l, uint64_t(600 + i)));
                continue;
            }
            Layer l("Slice", 13);
            l.in(r.dataType(i), dims).ints(starts).ints(ends).ints(axes).ints(steps);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(600 + i)));
        }
    }

    void gather() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(51);
        for (int i = 0; i < 14; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 7);
            const int64_t axis = r.uniform(-rank, rank - 1);
            const int64_t dim = dims[size_t(axis < 0 ? axis + rank : axis)];
            const DataType indexType = i % 2 ? DataType::Int32 : DataType::Int64;
            const Dims idxDims = r.dims(int(r.uniform(0, 2)), 1, 4);
            Layer l("Gather", 13);
            l.attr("axis", axis).in(r.dataType(i), dims);
            if (i % 3 == 2) l.constant(indices(r, indexType, idxDims, dim));
            else l.in(indexType, idxDims);
            std::vector<HostTensor> in = l.inputs(uint64_t(700 + i));
            if (in[1].isValid()) in[1] = indices(r, indexType, idxDims, dim);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
        // An embedding table: constant float data (uploaded as float16 at FP16), run-time ids.
        Layer embed("Gather", 13);
        HostTensor table(DataType::Float32, {50, 24});
        for (int64_t i = 0; i < table.numel(); ++i) table.data<float>()[i] = float(i % 17) / 17.0f - 0.5f;
        embed.constant(table).in(DataType::Int64, {3, 5});
        std::vector<HostTensor> in = embed.inputs(750);
        in[1] = indices(r, DataType::Int64, {3, 5}, 50);
        KILN_VERIFY_OK(check(gpu, embed, in));
    }

    void gatherElements() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(61);
        for (int i = 0; i < 10; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 6);
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            Dims idxDims;
            for (int k = 0; k < rank; ++k) idxDims.push_back(size_t(k) == a ? r.uniform(1, 6) : r.uniform(1, dims[size_t(k)]));
            const DataType indexType = i % 2 ? DataType::Int32 : DataType::Int64;
            Layer l("GatherElements", 13);
            l.attr("axis", axis).in(r.dataType(i), dims).in(indexType, idxDims);
            std::vector<HostTensor> in = l.inputs(uint64_t(800 + i));
            in[1] = indices(r, indexType, idxDims, dims[a]);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
    }

    void expandAndTile() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(71);
        for (int i = 0; i < 10; ++i) {
            const int rank = int(r.uniform(1, 4));
            Dims in = r.dims(rank, 1, 5), shape;
            for (int64_t& d : in)
                if (r.uniform(0, 2) == 0) d = 1;
            for (int k = int(r.uniform(0, 2)); k > 0; --k) shape.push_back(r.uniform(1, 4));  // new leading axes
            for (int64_t d : in) shape.push_back(d == 1 ? r.uniform(1, 4) : r.uniform(0, 1) ? d : 1);
            Layer expand("Expand", 13);
            expand.in(r.dataType(i), in).ints(shape);
            KILN_VERIFY_OK(check(gpu, expand, uint64_t(900 + i)));

            Dims repeats = r.dims(rank, 1, 3);
            Layer tile("Tile", 13);
            tile.in(r.dataType(i + 1), r.dims(rank, 1, 5)).ints(repeats);
            KILN_VERIFY_OK(check(gpu, tile, uint64_t(950 + i)));
        }
    }

    void pad() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(81);
        int i = 0;
        for (const char* mode : {"constant", "reflect", "edge", "wrap"})
            for (int k = 0; k < 4; ++k, ++i) {
                const int rank = int(r.uniform(1, 4));
                const Dims dims = r.dims(rank, 2, 6);
                Dims pads(2 * size_t(rank));
                for (size_t a = 0; a < pads.size(); ++a) {
                    const int64_t d = dims[a % size_t(rank)];
                    pads[a] = std::string(mode) == "constant" || std::string(mode) == "wrap" ? r.uniform(-1, 3) : r.uniform(0, d - 1);
                }
                const DataType t = k == 1 ? DataType::Int64 : DataType::Float32;
                Layer l("Pad", k == 3 ? 2 : 18);
                l.in(t, dims).attr("mode", std::string(mode));
                if (k == 3) {  // Pad-2: attributes
                    l.attr("pads", pads).attr("value", 0.75f);
                } else {
                    l.ints(pads);
                    if (k == 0) l.in(t, {});  // constant_value at run time
                    else if (k == 1) l.constant(HostTensor::scalar(t, 3));
                    else l.constant(HostTensor::scalar(t, -0.5));
                }
                KILN_VERIFY_OK(check(gpu, l, uint64_t(1000 + i)));
            }
        // Opset 18: pads for some axes only (negative ones).
        Layer l("Pad", 18);
        l.in(DataType::Float32, {3, 4, 5}).ints({1, 2, 0, 3}).constant(HostTensor::scalar(DataType::Float32, 1.5)).ints({-1, 0});
        KILN_VERIFY_OK(check(gpu, l, 1100));
    }

    void where() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(91);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 5));
            const Dims out = r.dims(rank, 1, 6);
            auto operand = [&] {  // out's dims with some broadcast to 1 and leading axes dropped
                Dims d(out.begin() + r.uniform(0, rank - 1), out.end());
                for (int64_t& x : d)
                    if (r.uniform(0, 2) == 0) x = 1;
                return d;
            };
            const DataType t = i % 3 == 1 ? DataType::Int64 : DataType::Float32;
            Layer l("Where", 16);
            l.in(DataType::Bool, operand()).in(t, operand()).in(t, i % 4 == 0 ? out : operand());
            KILN_VERIFY_OK(check(gpu, l, uint64_t(1200 + i)));
        }
    }

    void resize() {
        KILN_SKIP_WITHOUT_GPU();
        const char* coords[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                "asymmetric", "tf_half_pixel_for_nearest", "tf_crop_and_resize"};
        const float scales[] = {0.5f, 0.6f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
        Rng r(101);
        int seed = 1300;
        for (const char* coord : coords)
            for (const char* nearest : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "linear"}) {
                const bool linear = std::string(nearest) == "linear";
                // tf_half_pixel_for_nearest shifts every axis by half a pixel: linear would blend N and C.
                if (linear && std::string(coord) == "tf_half_pixel_for_nearest") continue;
                const Dims dims = {r.uniform(1, 2), r.uniform(1, 3), r.uniform(3, 7), r.uniform(3, 7)};
                const bool crop = std::string(coord) == "tf_crop_and_resize";
                Layer l("Resize", 19);
                l.in(seed % 3 == 2 && !linear ? DataType::Int64 : DataType::Float32, dims);
                l.attr("mode", std::string(linear ? "linear" : "nearest")).attr("coordinate_transformation_mode", std::string(coord));
                if (!linear) l.attr("nearest_mode", std::string(nearest));
                if (crop) l.floats({0, 0, 0.1f, 0.2f, 1, 1, 0.8f, 0.9f}).attr("extrapolation_value", 0.5f);
                else l.omitted();
                if (seed % 2) {
                    l.floats({1, 1, scales[r.uniform(0, 6)], scales[r.uniform(0, 6)]});
                } else {
                    l.omitted().ints({dims[0], dims[1], r.uniform(2, 12), r.uniform(2, 12)});
                    if (linear && seed % 4 == 0) l.attr("exclude_outside", int64_t(1));
                }
                KILN_VERIFY_OK(check(gpu, l, uint64_t(seed++)));
            }
        // 1-D linear, opset-18 axes with keep_aspect_ratio_policy, run-time sizes (stretch).
        Layer line("Resize", 19);
        line.in(DataType::Float32, {2, 3, 7}).omitted().floats({1.7f}).attr("mode", std::string("linear")).attr("axes", Dims{-1});
        KILN_VERIFY_OK(check(gpu, line, 1400));
        Layer policy("Resize", 18);
        policy.in(DataType::Float32, {1, 2, 5, 8}).omitted().omitted().ints({7, 7}).attr("axes", Dims{2, 3});
        policy.attr("keep_aspect_ratio_policy", std::string("not_larger"));
        KILN_VERIFY_OK(check(gpu, policy, 1401));
        Layer sizes("Resize", 13);
        sizes.in(DataType::Float32, {1, 2, 4, 5}).omitted().omitted().in(DataType::Int64, {4}).attr("mode", std::string("linear"));
        std::vector<HostTensor> in = sizes.inputs(1402);
        in[3] = HostTensor::fromVector<int64_t>({4}, {1, 2, 9, 3});
        KILN_VERIFY_OK(check(gpu, sizes, in));
        // Resize-10 and Upsample: asymmetric, nearest rounding down (up when downsampling).
        for (const char* mode : {"nearest", "linear"}) {
            Layer r10("Resize", 10);
            r10.in(DataType::Float32, {1, 2, 5, 6}).floats({1, 1, 0.6f, 2.5f}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, r10, 1410));
            Layer up9("Upsample", 9);
            up9.in(DataType::Float32, {1, 2, 3, 4}).floats({1, 1, 2, 3}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, up9, 1411));
            Layer up7("Upsample", 7);
            up7.in(DataType::Float32, {2, 3, 4}).attr("scales", std::vector<float>{1, 2, 1.5f}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, up7, 1412));
        }
    }

    void shapeAndGenerators() {
        KILN_SKIP_WITHOUT_GPU();
        Layer shape("Shape", 15);
        shape.in(DataType::Float32, {2, 3, 4, 5}).attr("start", int64_t(1)).attr("end", int64_t(-1));
        KILN_VERIFY_OK(check(gpu, shape, 1));
        Layer whole("Shape", 13);
        whole.in(DataType::Int64, {7, 1, 3});
        KILN_VERIFY_OK(check(gpu, whole, 2));
        Layer size("Size", 13);
        size.in(DataType::Float32, {3, 5});
        KILN_VERIFY_OK(check(gpu, size, 3));
        for (HostTensor value : {HostTensor::scalar(DataType::Float32, 1.5), HostTensor::scalar(DataType::Int64, 7)}) {
            Layer l("ConstantOfShape", 20);
            l.in(DataType::Int64, {3}).attr("value", value.reshaped({1}).value());
            std::vector<HostTensor> in = l.inputs(4);
            in[0] = HostTensor::fromVector<int64_t>({3}, {2, 3, 5});
            KILN_VERIFY_OK(check(gpu, l, in));
        }
        const std::pair<DataType, std::array<double, 3>> ranges[] = {
            {DataType::Float32, {0.5, 7.3, 0.7}}, {DataType::Int64, {-3, 20, 3}}, {DataType::Int32, {10, -4, -3}}};
        for (const auto& [t, v] : ranges) {
            Layer l("Range", 11);
            l.in(t, {}).in(t, {}).in(t, {});
            std::vector<HostTensor> in = l.inputs(5);
            for (size_t k = 0; k < 3; ++k) in[k] = HostTensor::scalar(t, v[k]);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
    }

    // A run-time input the kernel must read on the host is refused, naming the input.
    void unsupportedSaysWhy() {
        KILN_SKIP_WITHOUT_GPU();
        auto reason = [&](Layer& l, std::vector<HostTensor> in) {
            return QString::fromStdString(tacticsFor(gpu, l.node(), Precision::FP32, in).status().message());
        };
        Layer slice("Slice", 13);
        slice.in(DataType::Float32, {4, 5}).in(DataType::Int64, {1}).ints({3});
        std::vector<HostTensor> in = slice.inputs(1);
        in[1] = HostTensor::fromVector<int64_t>({1}, {1});
        QVERIFY(reason(slice, in).contains("input 1 (starts)"));
        Layer pad("Pad", 13);
        pad.in(DataType::Float32, {4, 5}).in(DataType::Int64, {4});
        in = pad.inputs(2);
        in[1] = HostTensor::fromVector<int64_t>({4}, {0, 1, 1, 0});
        QVERIFY(reason(pad, in).contains("input 1 (pads)"));
        Layer cubic("Resize", 13);
        cubic.in(DataType::Float32, {1, 1, 4, 4}).omitted().floats({1, 1, 2, 2}).attr("mode", std::string("cubic"));
        QVERIFY(reason(cubic, cubic.inputs(3)).contains("cubic"));
        Layer scales("Resize", 13);
        scales.in(DataType::Float32, {1, 1, 4, 4}).omitted().in(DataType::Float32, {4});
        in = scales.inputs(4);
        in[2] = HostTensor::fromVector<float>({4}, {1, 1, 2, 2});
        QVERIFY(reason(scales, in).contains("input 2 (scales)"));
    }

    // [B, S, H, D] -> [B, H, S, D] (BERT-base attention heads, batch 64) and NCHW -> NHWC, FP16:
    // checked, then timed per tactic; bandwidth counts bytes read plus written.
    void transposeBandwidth() {
        KILN_SKIP_WITHOUT_GPU();
        const std::pair<Dims, Dims> cases[] = {{{64, 128, 12, 64}, {0, 2, 1, 3}}, {{64, 64, 56, 56}, {0, 2, 3, 1}}};
        for (const auto& [dims, perm] : cases) {
            Layer l("Transpose", 13);
            l.in(DataType::Float32, dims).attr("perm", perm);
            const std::vector<HostTensor> in = l.inputs(7);
            KILN_VERIFY_OK(checkTactics(gpu, l.node(), Precision::FP16, in));
            auto tactics = tacticsFor(gpu, l.node(), Precision::FP16, in);
            KILN_VERIFY_EXPECTED(tactics);
            for (const cuda::Tactic& t : *tactics) {
                auto gbs = bandwidth(gpu, l.node(), t, dims, 200);
                KILN_VERIFY_EXPECTED(gbs);
                qInfo("%s %s perm %s FP16 %s: %.0f GB/s (%.1f MB moved per run)", gpu.device().name.c_str(),
                      dimsText(dims).c_str(), dimsText(perm).c_str(), t.name.c_str(), *gbs, 4.0 * double(numel(dims)) / 1e6);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCudaData)
#include "test_cuda_data.moc"
