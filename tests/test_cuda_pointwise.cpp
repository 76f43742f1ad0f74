// GPU tests of the NVRTC pointwise tactics (engine/backends/cuda/pointwise_nvrtc.cpp): every
// tactic of kiln.Pointwise layers (made by the fusion pass and written by hand, with every kind
// of broadcasting) and of the standalone elementwise ops, at FP32 and FP16, against the CPU
// reference; the generic kernel at shapes other than the tuned ones; NVRTC errors as a Status;
// and the bandwidth of a large FP16 Add + Relu. Skipped without a GPU.
#include <QtTest>

#include <cmath>
#include <random>

#include "backends/cuda/nvrtc_compiler.h"
#include "backends/cuda/pointwise_codegen.h"
#include "ops/pointwise_program.h"
#include "passes/passes.h"
#include "support/cuda_test_support.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using cuda::Precision;
namespace pw = ops::pointwise;
using DimsList = std::vector<std::vector<int64_t>>;
Q_DECLARE_METATYPE(DimsList)

namespace {

// One node in a graph of its own, typed by hand.
class Layer {
public:
    Layer(std::string name, std::string opType, int opset = 13, std::string domain = "")
        : m_name(std::move(name)), m_opType(std::move(opType)), m_domain(std::move(domain)), m_opset(opset) {}
    Layer& in(DataType t = DataType::Float32) {
        ir::Value* v = m_g.getOrAddValue(m_name + ".in" + std::to_string(m_inputs.size()));
        v->setType(t);
        m_inputs.push_back(v);
        return *this;
    }
    // A constant input, uploaded as a weight (its name is unique per layer name).
    Layer& constant(HostTensor t) {
        m_inputs.push_back(m_g.addConstant(m_name + ".c" + std::to_string(m_inputs.size()), std::move(t)));
        return *this;
    }
    Layer& omitted() {
        m_inputs.push_back(nullptr);
        return *this;
    }
    Layer& attr(const std::string& k, ir::Attribute a) {
        m_attrs.emplace_back(k, std::move(a));
        return *this;
    }
    const ir::Node& node(DataType out = DataType::Float32) {
        if (!m_node) {
            ir::Value* y = m_g.getOrAddValue(m_name + ".out");
            y->setType(out);
            m_node = m_g.addNode(m_name, m_opType, m_domain, m_inputs, {y});
            m_node->setOpsetVersion(m_opset);
            for (auto& [k, a] : m_attrs) m_node->setAttr(k, a);
        }
        return *m_node;
    }
    ir::Node& mutableNode() { return const_cast<ir::Node&>(node()); }

private:
    ir::Graph m_g;
    std::string m_name, m_opType, m_domain;
    int m_opset;
    std::vector<ir::Value*> m_inputs;
    std::vector<std::pair<std::string, ir::Attribute>> m_attrs;
    ir::Node* m_node = nullptr;
};

HostTensor scalarF(float v) { return HostTensor::scalar(DataType::Float32, v); }

// Random inputs with float values in [lo, hi), rounded to float16-representable values (and to
// multiples of `step` when step > 0), so that an FP16 layer reads exactly the reference's inputs
// and only its output rounding differs.
std::vector<HostTensor> inputsFor(const ir::Node& n, const std::vector<std::vector<int64_t>>& dims, uint64_t seed,
                                  float lo = -1.f, float hi = 1.f, float step = 0.f) {
    std::vector<HostTensor> in = test::randomInputsFor(n, dims, seed);
    for (HostTensor& t : in) {
        if (!t.isValid() || t.dtype() != DataType::Float32) continue;
        for (int64_t i = 0; i < t.numel(); ++i) {
            float v = lo + (t.data<float>()[i] + 1.f) * 0.5f * (hi - lo);
            if (step > 0) v = std::round(v / step) * step;
            t.data<float>()[i] = halfBitsToFloat(floatToHalfBits(v));
        }
    }
    return in;
}

std::vector<std::string> tacticNames(cuda::Session& s, const ir::Node& n, Precision p, const std::vector<HostTensor>& in) {
    auto want = cuda::cpuReference(n, in);
    if (!want) return {};
    const cuda::LayerShapes shapes = cuda::layerShapes(n, p, in, *want);
    auto tactics = cuda::TacticRegistry::builtin().tactics({n, p, shapes, s.device()});
    std::vector<std::string> names;
    if (tactics)
        for (const cuda::Tactic& t : *tactics) names.push_back(t.name);
    return names;
}

// Every tactic at FP32 and FP16 (and TF32 when asked); the failure names the precision.
Status checkPrecisions(cuda::Session& s, const ir::Node& n, const std::vector<HostTensor>& in, bool tf32 = false) {
    std::vector<Precision> ps{Precision::FP32, Precision::FP16};
    if (tf32) ps.push_back(Precision::TF32);
    for (Precision p : ps) {
        Status st = test::checkAllTactics(s, n, p, in);
        if (!st.isOk()) return st.prefix(std::string(cuda::precisionName(p)) + " '" + n.name() + "'");
    }
    return Status::ok();
}

// Prepares tactic `tactic` at the shapes of `tuned` and runs it on `actual` (other shapes, as with
// a dynamic batch), comparing with the CPU reference.
Status runAtOtherShapes(cuda::Session& s, const ir::Node& n, const std::string& tactic,
                        const std::vector<HostTensor>& tuned, const std::vector<HostTensor>& actual) {
    const Precision p = Precision::FP32;
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> tunedOut, cuda::cpuReference(n, tuned));
    const cuda::LayerShapes shapes = cuda::layerShapes(n, p, tuned, tunedOut);
    KILN_ASSIGN_OR_RETURN(auto kernel, cuda::TacticRegistry::builtin().create({n, p, shapes, s.device()}, tactic));
    KILN_RETURN_IF_ERROR(kernel->prepare({n, p, shapes, s.weights(), s.libs(), s.device()}));
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> want, cuda::cpuReference(n, actual));
    cuda::LaunchArgs args;
    args.stream = s.stream();
    args.libs = &s.libs();
    std::vector<cuda::DeviceBuffer> buffers;
    for (const HostTensor& h : actual) {
        KILN_ASSIGN_OR_RETURN(cuda::DeviceBuffer b, cuda::DeviceBuffer::allocate(h.byteSize(), "an input"));
        KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(b.get(), h.raw(), h.byteSize(), cudaMemcpyHostToDevice));
        args.inputs.push_back({b.get(), h.dtype(), h.dims()});
        buffers.push_back(std::move(b));
    }
    KILN_ASSIGN_OR_RETURN(cuda::DeviceBuffer out, cuda::DeviceBuffer::allocate(want[0].byteSize(), "the output"));
    args.outputs.push_back({out.get(), want[0].dtype(), want[0].dims()});
    KILN_RETURN_IF_ERROR(kernel->enqueue(args));
    KILN_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(s.stream()));
    HostTensor got(want[0].dtype(), want[0].dims());
    KILN_CUDA_RETURN_IF_ERROR(cudaMemcpy(got.raw(), out.get(), got.byteSize(), cudaMemcpyDeviceToHost));
    const double err = relativeL2(got, want[0]);
    if (!(err <= 1e-5)) return internalError(tactic + " at other shapes: relative L2 " + std::to_string(err));
    return Status::ok();
}

// relu(x0 * x1 + x2) - 0.25, then sigmoid(.) * x0 + leaky_relu(x1, 0.1): every operand kind
// (inputs, earlier steps, immediates) and inputs read more than once.
pw::Program handProgram() {
    pw::Program p;
    p.numInputs = 3;
    p.imms = {0.25f};
    p.steps = {{pw::Op::Mul, 0, 1},       {pw::Op::Add, 3, 2},        {pw::Op::Relu, 4},
               {pw::Op::Sub, 5, -1},      {pw::Op::Sigmoid, 6},       {pw::Op::Mul, 7, 0},
               {pw::Op::LeakyRelu, 1, 0, 0.1f}, {pw::Op::Add, 8, 9}};
    return p;
}

}  // namespace

class TestCudaPointwise : public QObject {
    Q_OBJECT

private slots:
    void float16AddReluBandwidth();
    void errorsAreStatuses();
    void standaloneFloatOps_data();
    void standaloneFloatOps();
    void clipVariants();
    void integerOps();
    void boolOps();
    void pointwiseFromFusionPass();
    void handWrittenBroadcasting_data();
    void handWrittenBroadcasting();
    void otherShapesThanTuned();
    void cleanupTestCase();
};

void TestCudaPointwise::standaloneFloatOps_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<int>("opset");
    QTest::addColumn<int>("inputs");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<float>("lo");
    QTest::addColumn<float>("hi");
    auto row = [](const char* name, const char* op, int opset, int inputs, float lo = -1.f, float hi = 1.f,
                  const char* domain = "") {
        QTest::newRow(name) << QString(op) << opset << inputs << QString(domain) << lo << hi;
    };
    row("Add", "Add", 13, 2);
    row("Sub", "Sub", 13, 2);
    row("Mul", "Mul", 13, 2);
    row("Div", "Div", 13, 2, 0.5f, 2.f);
    row("Pow", "Pow", 13, 2, 0.5f, 2.f);
    row("Max3", "Max", 13, 3);
    row("Min3", "Min", 13, 3);
    row("Max1", "Max", 13, 1);
    row("Sum3", "Sum", 13, 3);
    row("Mean3", "Mean", 13, 3);
    row("Sqrt", "Sqrt", 13, 1, 0.f, 4.f);
    row("Exp", "Exp", 13, 1, -3.f, 3.f);
    row("Log", "Log", 13, 1, 0.1f, 4.f);
    row("Neg", "Neg", 13, 1);
    row("Abs", "Abs", 13, 1);
    row("Reciprocal", "Reciprocal", 13, 1, 0.5f, 2.f);
    row("Erf", "Erf", 13, 1, -2.f, 2.f);
    row("Floor", "Floor", 13, 1, -3.f, 3.f);
    row("Ceil", "Ceil", 13, 1, -3.f, 3.f);
    row("Sin", "Sin", 13, 1, -3.f, 3.f);
    row("Cos", "Cos", 13, 1, -3.f, 3.f);
    row("Relu", "Relu", 14, 1);
    row("LeakyRelu", "LeakyRelu", 16, 1);
    row("Sigmoid", "Sigmoid", 13, 1, -6.f, 6.f);
    row("Tanh", "Tanh", 13, 1, -3.f, 3.f);
    row("HardSigmoid", "HardSigmoid", 6, 1, -4.f, 4.f);
    row("HardSwish", "HardSwish", 14, 1, -4.f, 4.f);
    row("Elu", "Elu", 6, 1, -3.f, 3.f);
    row("Selu", "Selu", 6, 1, -3.f, 3.f);
    row("Softplus", "Softplus", 1, 1, -3.f, 3.f);
    row("Softsign", "Softsign", 1, 1, -3.f, 3.f);
    row("Gelu", "Gelu", 20, 1, -3.f, 3.f);
    row("GeluTanh", "Gelu", 20, 1, -3.f, 3.f);
    row("kiln.Gelu", "Gelu", 1, 1, -3.f, 3.f, "kiln");
    row("kiln.Silu", "Silu", 1, 1, -3.f, 3.f, "kiln");
    row("Mish", "Mish", 18, 1, -3.f, 3.f);
    row("PRelu", "PRelu", 16, 2);
}

void TestCudaPointwise::standaloneFloatOps() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(QString, op);
    QFETCH(int, opset);
    QFETCH(int, inputs);
    QFETCH(QString, domain);
    QFETCH(float, lo);
    QFETCH(float, hi);
    const std::string tag = QTest::currentDataTag();
    // Shapes: same as the output, a broadcast row and per-channel values, and a scalar.
    const std::vector<std::vector<int64_t>> binaryShapes[] = {{{2, 3, 5, 8}, {2, 3, 5, 8}, {2, 3, 5, 8}},
                                                             {{2, 3, 5, 8}, {3, 1, 8}, {}},
                                                             {{4, 6, 7}, {6, 1}, {1}}};
    int variant = 0;
    for (const auto& shapes : binaryShapes) {
        if (inputs == 1 && variant > 0) break;
        Layer l(tag + "_" + std::to_string(variant), op.toStdString(), opset, domain.toStdString());
        for (int k = 0; k < inputs; ++k) l.in();
        if (tag == "LeakyRelu") l.attr("alpha", ir::Attribute(0.1f));
        if (tag == "HardSigmoid") l.attr("alpha", ir::Attribute(0.3f)).attr("beta", ir::Attribute(0.4f));
        if (tag == "Elu") l.attr("alpha", ir::Attribute(0.7f));
        if (tag == "GeluTanh" || tag == "kiln.Gelu") l.attr("approximate", ir::Attribute(std::string("tanh")));
        const ir::Node& n = l.node();
        const auto in = inputsFor(n, shapes, 100 + uint64_t(variant), lo, hi);
        KILN_VERIFY_OK(checkPrecisions(gpu, n, in, tag == "Add"));
        ++variant;
    }
    Layer wide(tag + "_vec", op.toStdString(), opset, domain.toStdString());
    for (int k = 0; k < inputs; ++k) wide.in();
    const ir::Node& n = wide.node();
    const auto in = inputsFor(n, {{4, 16, 8, 8}, {16, 1, 1}, {4, 16, 8, 8}}, 7, lo, hi);
    const auto names = tacticNames(gpu, n, Precision::FP16, in);
    QVERIFY2(names.size() == 3, "nvrtc.pointwise, .vec4 and .vec8 at FP16");
    KILN_VERIFY_OK(checkPrecisions(gpu, n, in));
}

void TestCudaPointwise::clipVariants() {
    KILN_SKIP_WITHOUT_GPU();
    const std::vector<std::vector<int64_t>> dims{{3, 4, 8}};
    Layer attrs("clip_attrs", "Clip", 6);
    attrs.in().attr("min", ir::Attribute(-0.5f)).attr("max", ir::Attribute(0.25f));
    KILN_VERIFY_OK(checkPrecisions(gpu, attrs.node(), inputsFor(attrs.node(), dims, 1)));
    Layer both("clip_both", "Clip", 13);
    both.in().constant(scalarF(-0.5f)).constant(scalarF(0.25f));
    KILN_VERIFY_OK(checkPrecisions(gpu, both.node(), inputsFor(both.node(), dims, 2)));
    Layer maxOnly("clip_max", "Clip", 13);
    maxOnly.in().omitted().constant(scalarF(0.3f));
    KILN_VERIFY_OK(checkPrecisions(gpu, maxOnly.node(), inputsFor(maxOnly.node(), dims, 3)));
    Layer dynamic("clip_dynamic", "Clip", 13);  // bounds computed at run time
    dynamic.in().in();
    KILN_VERIFY_OK(checkPrecisions(gpu, dynamic.node(), inputsFor(dynamic.node(), {{3, 4, 8}, {}}, 4)));
    Layer none("clip_none", "Clip", 13);
    none.in();
    KILN_VERIFY_OK(checkPrecisions(gpu, none.node(), inputsFor(none.node(), dims, 5)));
}

void TestCudaPointwise::integerOps() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        const char* op;
        int inputs;
        DataType type;
    };
    const Case cases[] = {{"Add", 2, DataType::Int64}, {"Sub", 2, DataType::Int64}, {"Mul", 2, DataType::Int32},
                          {"Max", 3, DataType::Int64}, {"Sum", 2, DataType::Int32}, {"Neg", 1, DataType::Int64},
                          {"Abs", 1, DataType::Int64}, {"Relu", 1, DataType::Int32}};
    for (const Case& c : cases) {
        // Sub first, so that Neg, Abs and Relu see negative values.
        Layer l(std::string("int_") + c.op, c.op, 14);
        for (int k = 0; k < c.inputs; ++k) l.in(c.type);
        const ir::Node& n = l.node(c.type);
        auto in = inputsFor(n, {{5, 9}, {9}, {5, 1}}, 11);
        for (HostTensor& t : in)
            for (int64_t i = 0; i < t.numel(); ++i) t.setDouble(i, t.getDouble(i) - 4);
        KILN_VERIFY_OK(checkPrecisions(gpu, n, in));
    }
    Layer intVec("int_add_vec", "Add", 14);
    intVec.in(DataType::Int64).in(DataType::Int64);
    const auto in = inputsFor(intVec.node(DataType::Int64), {{64, 128}, {128}}, 12);
    QCOMPARE(int(tacticNames(gpu, intVec.node(), Precision::FP32, in).size()), 2);  // no vec8 for int64
    KILN_VERIFY_OK(checkPrecisions(gpu, intVec.node(), in));
}

void TestCudaPointwise::boolOps() {
    KILN_SKIP_WITHOUT_GPU();
    // Comparisons of floats on a coarse grid (so that equal values occur) and of int64.
    for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) {
        for (DataType t : {DataType::Float32, DataType::Int64}) {
            Layer l(std::string(op) + dataTypeName(t), op, 16);
            l.in(t).in(t);
            const ir::Node& n = l.node(DataType::Bool);
            KILN_VERIFY_OK(checkPrecisions(gpu, n, inputsFor(n, {{6, 16}, {16}}, 21, -1.f, 1.f, 0.25f)));
        }
    }
    for (const char* op : {"And", "Or", "Xor", "Not"}) {
        Layer l(std::string("logic_") + op, op, 7);
        l.in(DataType::Bool);
        if (std::string(op) != "Not") l.in(DataType::Bool);
        const ir::Node& n = l.node(DataType::Bool);
        KILN_VERIFY_OK(checkPrecisions(gpu, n, inputsFor(n, {{4, 3, 8}, {3, 1}}, 22)));
    }
    Layer where("where_f", "Where", 16);
    where.in(DataType::Bool).in().in();
    KILN_VERIFY_OK(checkPrecisions(gpu, where.node(), inputsFor(where.node(), {{4, 1}, {1, 8}, {}}, 23)));
    Layer whereInt("where_i", "Where", 16);
    whereInt.in(DataType::Bool).in(DataType::Int64).in(DataType::Int64);
    const ir::Node& wi = whereInt.node(DataType::Int64);
    KILN_VERIFY_OK(checkPrecisions(gpu, wi, inputsFor(wi, {{2, 5, 8}, {2, 5, 8}, {8}}, 24)));
}

void TestCudaPointwise::pointwiseFromFusionPass() {
    KILN_SKIP_WITHOUT_GPU();
    test::TestGraph t(14);
    // relu(x * s + b) -> sigmoid, with a row and a constant per-row broadcast.
    ir::Value* x = t.input("x", {2, 3, 40});
    ir::Value* s = t.input("s", {40});
    ir::Value* y = t.op("Sigmoid", {t.op("Relu", {t.op("Add", {t.op("Mul", {x, s}), t.randomConstant("fb", {3, 1})})})});
    t.output(t.op("Softmax", {y}, {{"axis", int64_t(-1)}}));
    // gelu(z) written out: z * 0.5 * (1 + erf(z / sqrt(2))) + a per-channel bias, then clip(0, 6)
    ir::Value* z = t.input("z", {2, 16, 6, 6});
    ir::Value* zb = t.op("Add", {z, t.randomConstant("fc", {16, 1, 1})});
    ir::Value* e = t.op("Erf", {t.op("Div", {zb, t.constant("sqrt2", scalarF(1.4142135f))})});
    ir::Value* g = t.op("Mul", {t.op("Mul", {zb, t.constant("half", scalarF(0.5f))}),
                                t.op("Add", {e, t.constant("one", scalarF(1.f))})});
    t.output(t.op("Clip", {g, t.constant("lo", scalarF(0.f)), t.constant("hi", scalarF(6.f))}));
    // Casts, HardSwish, Pow, Max of two branches
    ir::Value* w = t.input("w", {5, 8});
    ir::Value* c = t.op("Cast", {t.op("Cast", {t.op("HardSwish", {w})}, {{"to", int64_t(10)}})}, {{"to", int64_t(1)}});
    t.output(t.op("Max", {t.op("Pow", {t.op("Abs", {c}), t.constant("p", scalarF(1.5f))}), t.op("Softplus", {w})}));
    auto graph = t.build();
    QVERIFY(graph);
    auto fused = test::runPass(*graph, *passes::makePointwiseFusionPass());
    KILN_VERIFY_OK(fused.status);
    QVERIFY(test::countOps(*fused.graph, "Pointwise", "kiln") >= 3);
    uint64_t seed = 30;
    for (const auto& n : fused.graph->nodes()) {
        if (n->opType() != "Pointwise") continue;
        std::vector<std::vector<int64_t>> dims;
        for (const ir::Value* v : n->inputs()) dims.push_back(v->shape().staticDims().value_or(std::vector<int64_t>{}));
        qInfo("%s: %s", n->name().c_str(), n->attrString("expr", "").c_str());
        KILN_VERIFY_OK(checkPrecisions(gpu, *n, inputsFor(*n, dims, seed++), true));
    }
}

void TestCudaPointwise::handWrittenBroadcasting_data() {
    QTest::addColumn<DimsList>("dims");
    using D = DimsList;
    QTest::newRow("scalars") << D{{4, 16, 9, 9}, {}, {1}};
    QTest::newRow("per-channel") << D{{2, 32, 7, 7}, {1, 32, 1, 1}, {32, 1, 1}};
    QTest::newRow("row") << D{{6, 40}, {40}, {6, 1}};
    QTest::newRow("odd") << D{{3, 5, 7}, {5, 1}, {1, 7}};
    QTest::newRow("rank 5") << D{{2, 3, 4, 5, 6}, {1, 3, 1, 5, 1}, {2, 1, 4, 1, 6}};
    QTest::newRow("outer product") << D{{4, 1}, {1, 12}, {4, 12}};
    QTest::newRow("vectorizable") << D{{8, 64, 16, 16}, {64, 1, 1}, {8, 64, 16, 16}};
    QTest::newRow("single element") << D{{1}, {1, 1}, {}};
}

void TestCudaPointwise::handWrittenBroadcasting() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(DimsList, dims);
    Layer l(std::string("hand_") + QTest::currentDataTag(), "Pointwise", 1, "kiln");
    l.in().in().in();
    pw::writeProgram(l.mutableNode(), handProgram());
    const ir::Node& n = l.node();
    const auto in = inputsFor(n, dims, 40);
    const auto names = tacticNames(gpu, n, Precision::FP16, in);
    qInfo("tactics: %zu (%s...)", names.size(), names.empty() ? "" : names.back().c_str());
    KILN_VERIFY_OK(checkPrecisions(gpu, n, in, true));
}

void TestCudaPointwise::otherShapesThanTuned() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("dynamic_batch", "Pointwise", 1, "kiln");
    l.in().in().in();
    pw::writeProgram(l.mutableNode(), handProgram());
    const ir::Node& n = l.node();
    // Tuned at batch 1, where x1 [1, 8, 4, 4] has the output's shape; at batch 3 it broadcasts.
    const auto tuned = inputsFor(n, {{1, 8, 4, 4}, {1, 8, 4, 4}, {8, 1, 1}}, 50);
    const auto sameKinds = inputsFor(n, {{2, 8, 4, 4}, {2, 8, 4, 4}, {8, 1, 1}}, 51);
    const auto broadcast = inputsFor(n, {{3, 8, 4, 4}, {1, 8, 4, 4}, {8, 1, 1}}, 52);
    const auto odd = inputsFor(n, {{3, 8, 3, 3}, {1, 8, 3, 3}, {8, 1, 1}}, 53);
    for (const char* tactic : {"nvrtc.pointwise", "nvrtc.pointwise.vec4"}) {
        KILN_VERIFY_OK(runAtOtherShapes(gpu, n, tactic, tuned, sameKinds));
        KILN_VERIFY_OK(runAtOtherShapes(gpu, n, tactic, tuned, broadcast));
        KILN_VERIFY_OK(runAtOtherShapes(gpu, n, tactic, tuned, odd));
    }
}

void TestCudaPointwise::errorsAreStatuses() {
    KILN_SKIP_WITHOUT_GPU();
    // NVRTC's log comes back in the Status, with what was compiled.
    auto broken = cuda::compileCached("extern \"C\" __global__ void k() { undeclared_thing(); }", gpu.device(),
                                      "the kernel of node 'broken'");
    QVERIFY(!broken);
    const std::string msg = broken.status().message();
    QVERIFY2(msg.find("the kernel of node 'broken'") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("NVRTC") != std::string::npos && msg.find("undeclared_thing") != std::string::npos, msg.c_str());
    // A fresh compile, timed; the same source again comes from the cache.
    const std::string source = "extern \"C\" __global__ void kiln_test_fill(float* p, float v) { p[threadIdx.x] = v; }";
    const cuda::NvrtcStats before = cuda::nvrtcStats();
    auto first = cuda::compileCached(source, gpu.device(), "a test kernel");
    KILN_VERIFY_EXPECTED(first);
    auto second = cuda::compileCached(source, gpu.device(), "a test kernel");
    KILN_VERIFY_EXPECTED(second);
    QCOMPARE(first->get(), second->get());
    QCOMPARE(cuda::nvrtcStats().hits, before.hits + 1);
    KILN_VERIFY_EXPECTED((*first)->kernel("kiln_test_fill"));
    QVERIFY(!(*first)->kernel("no_such_kernel"));
    qInfo("one NVRTC compile + load of a tiny kernel (%s): %.1f ms", (*first)->target().c_str(), (*first)->compileMs());

    // An invalid program: the tactic source says why, naming the node.
    Layer bad("bad_program", "Pointwise", 1, "kiln");
    bad.in();
    bad.mutableNode().setAttr(pw::kOpsAttr, ir::Attribute(std::vector<std::string>{"frobnicate"}));
    bad.mutableNode().setAttr(pw::kArgsAttr, ir::Attribute(std::vector<int64_t>{0, 0}));
    bad.mutableNode().setAttr(pw::kParamsAttr, ir::Attribute(std::vector<float>{0.f, 0.f}));
    const cuda::LayerShapes shapes{{{4}}, {{4}}, {DataType::Float32}, {DataType::Float32}};
    auto tactics = cuda::TacticRegistry::builtin().tactics({bad.node(), Precision::FP32, shapes, gpu.device()});
    QVERIFY(!tactics);
    QCOMPARE(tactics.status().node(), std::string("bad_program"));
    QVERIFY2(tactics.status().message().find("unknown op 'frobnicate'") != std::string::npos,
             tactics.status().message().c_str());
    // An op on a type it does not support.
    Layer intSqrt("int_sqrt", "Sqrt", 13);
    intSqrt.in(DataType::Int64);
    const cuda::LayerShapes intShapes{{{4}}, {{4}}, {DataType::Int64}, {DataType::Int64}};
    auto unsupported = cuda::TacticRegistry::builtin().tactics({intSqrt.node(DataType::Int64), Precision::FP32, intShapes, gpu.device()});
    QVERIFY(!unsupported);
    QCOMPARE(unsupported.status().code(), StatusCode::Unsupported);
    QVERIFY2(unsupported.status().message().find("int64") != std::string::npos, unsupported.status().message().c_str());
}

void TestCudaPointwise::float16AddReluBandwidth() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("add_relu", "Pointwise", 1, "kiln");
    l.in().in();
    pw::Program p;
    p.numInputs = 2;
    p.steps = {{pw::Op::Add, 0, 1}, {pw::Op::Relu, 2}};
    pw::writeProgram(l.mutableNode(), p);
    const ir::Node& n = l.node();
    KILN_VERIFY_OK(checkPrecisions(gpu, n, inputsFor(n, {{4, 64, 14, 14}, {4, 64, 14, 14}}, 60)));
    const std::vector<int64_t> dims{64, 256, 56, 56};
    std::vector<HostTensor> in{HostTensor(DataType::Float32, dims), HostTensor(DataType::Float32, dims)};
    for (int64_t i = 0; i < in[0].numel(); ++i) {
        in[0].data<float>()[i] = float(i % 17) * 0.125f - 1.f;
        in[1].data<float>()[i] = float(i % 13) * 0.0625f - 0.25f;
    }
    const std::vector<HostTensor> want{HostTensor(DataType::Float32, dims)};  // dims and type only
    for (Precision prec : {Precision::FP16, Precision::FP32}) {
        const cuda::LayerShapes shapes = cuda::layerShapes(n, prec, in, want);
        auto tactics = cuda::TacticRegistry::builtin().tactics({n, prec, shapes, gpu.device()});
        KILN_VERIFY_EXPECTED(tactics);
        const double bytes = 3.0 * double(in[0].numel()) * double(dataTypeSize(cuda::storageType(prec)));
        for (const cuda::Tactic& t : *tactics) {
            auto trial = cuda::runTactic(gpu, n, prec, t, in, want, {.warmupRuns = 3, .timedRuns = 20, .readOutputs = false});
            KILN_VERIFY_EXPECTED(trial);
            qInfo("%s Add+Relu [64,256,56,56] %s: %.3f ms, %.0f GB/s (%s)", cuda::precisionName(prec), t.name.c_str(),
                  trial->medianMs, bytes / (trial->medianMs * 1e6), gpu.device().name.c_str());
        }
    }
    const cuda::LayerShapes shapes = cuda::layerShapes(n, Precision::FP16, in, want);
    auto source = cuda::pointwise::layerSource(n, shapes);
    KILN_VERIFY_EXPECTED(source);
    auto module = cuda::compileCached(*source, gpu.device(), "Add+Relu");  // compiled by the first tactic above
    KILN_VERIFY_EXPECTED(module);
    qInfo("NVRTC compile + load of the FP16 Add+Relu module (%zu bytes of source, %s): %.1f ms", source->size(),
          (*module)->target().c_str(), (*module)->compileMs());
}

void TestCudaPointwise::cleanupTestCase() {
    const cuda::NvrtcStats st = cuda::nvrtcStats();
    if (st.compiles > 0)
        qInfo("NVRTC in this run: %d compiles, %d cache hits, %.0f ms in total (%.1f ms per compile)", st.compiles,
              st.hits, st.totalMs, st.totalMs / st.compiles);
}

QTEST_GUILESS_MAIN(TestCudaPointwise)
#include "test_cuda_pointwise.moc"
