// NHWC regions of the CUDA backend: the layout pass (backends/cuda/layout_nhwc.cpp), the CPU
// reference of kiln_layout = "NHWC" (ops/layout_nhwc.cpp), and the NHWC tactics (cuDNN
// convolutions and pooling, global pooling). The pass tests run on the CPU (CI); the tactic tests
// need a GPU and skip without one. With KILN_TACTIC_TIMINGS=1, ResNet-50's 3x3 convolutions are
// timed in NCHW and NHWC.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "backends/cuda/layout_nhwc.h"
#include "onnx/importer.h"
#include "passes/pipeline.h"
#include "passes/symbolic_dims.h"
#include "support/cuda_test_support.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using cuda::Precision;
using Dims = std::vector<int64_t>;

namespace {

class QuietLogger final : public Logger {
public:
    void log(Severity s, std::string_view m) noexcept override {
        if (s <= Severity::Info) lines.emplace_back(m);
    }
    std::vector<std::string> lines;
};

std::vector<const ir::Node*> reformats(const ir::Graph& g, const std::string& suffix) {
    std::vector<const ir::Node*> out;
    for (auto& n : g.nodes())
        if (n->opType() == "Transpose" && n->attrInt("kiln_reformat", 0) == 1 && n->name().rfind("Reformat_", 0) == 0 &&
            n->name().size() > suffix.size() && n->name().compare(n->name().size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(n.get());
    return out;
}

int countNhwc(const ir::Graph& g) {
    return int(std::count_if(g.nodes().begin(), g.nodes().end(), [](auto& n) { return cuda::isNhwcLayer(*n); }));
}

std::string dimsOf(const ir::Value* v) { return v->shape().toString(); }

// The graph after the pass, sorted and verified; null (test failed) on error.
std::unique_ptr<ir::Graph> converted(const ir::Graph& g, QuietLogger& log) {
    auto out = g.clone();
    const Status s = cuda::convertConvRegionsToNhwc(*out, log);
    if (!s.isOk()) {
        qWarning("%s", s.toString().c_str());
        return nullptr;
    }
    const Status v = out->verify();
    if (!v.isOk()) {
        qWarning("%s", v.toString().c_str());
        return nullptr;
    }
    return out;
}

// One node in a graph of its own (as test_cuda_tactics.cpp); weights uniform in
// [-1, 1) / sqrt(fanIn). Input dims are the layer's (NHWC for an NHWC layer).
class Layer {
public:
    Layer(std::string name, std::string opType, std::string domain = "")
        : m_name(std::move(name)), m_opType(std::move(opType)), m_domain(std::move(domain)) {
        m_g.info().opsets[""] = 17;
        m_g.info().opsets["kiln"] = 1;
    }
    Layer& in(Dims dims) {
        ir::Value* v = m_g.getOrAddValue(m_name + ".in" + std::to_string(m_inputs.size()));
        v->setType(DataType::Float32);
        m_inputs.push_back(v);
        m_dims.push_back(std::move(dims));
        return *this;
    }
    Layer& weight(Dims dims, int64_t fanIn) {
        std::mt19937_64 rng(std::hash<std::string>{}(m_name) + m_inputs.size());
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        HostTensor t(DataType::Float32, dims);
        for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng) / std::sqrt(float(fanIn));
        m_inputs.push_back(m_g.addConstant(m_name + ".w" + std::to_string(m_inputs.size()), std::move(t)));
        m_dims.push_back(std::move(dims));
        return *this;
    }
    Layer& omitted() {
        m_inputs.push_back(nullptr);
        m_dims.emplace_back();
        return *this;
    }
    Layer& attr(const std::string& k, ir::Attribute a) {
        m_attrs.emplace_back(k, std::move(a));
        return *this;
    }
    Layer& nhwc() { return attr(cuda::kLayoutAttr, ir::Attribute(std::string(cuda::kLayoutNhwc))); }
    const ir::Node& node() {
        if (!m_node) {
            m_node = m_g.addNode(m_name, m_opType, m_domain, m_inputs, {m_g.getOrAddValue(m_name + ".out")});
            for (auto& [k, a] : m_attrs) m_node->setAttr(k, a);
        }
        return *m_node;
    }
    std::vector<HostTensor> inputs(uint64_t seed) { return test::randomInputsFor(node(), m_dims, seed); }
    std::vector<HostTensor> inputsWithBatch(int64_t batch, uint64_t seed) {
        std::vector<Dims> dims = m_dims;
        for (size_t i = 0; i < dims.size(); ++i)
            if (m_inputs[i] && !m_inputs[i]->constant()) dims[i][0] = batch;
        return test::randomInputsFor(node(), dims, seed);
    }

private:
    ir::Graph m_g;
    std::string m_name, m_opType, m_domain;
    std::vector<ir::Value*> m_inputs;
    std::vector<Dims> m_dims;
    std::vector<std::pair<std::string, ir::Attribute>> m_attrs;
    ir::Node* m_node = nullptr;
};

ir::Attribute ints(Dims v) { return ir::Attribute(std::move(v)); }
ir::Attribute act(const char* name) { return ir::Attribute(std::string(name)); }

Status checkPrecisions(cuda::Session& s, const ir::Node& n, const std::vector<HostTensor>& in,
                       std::initializer_list<Precision> precisions = {Precision::FP32, Precision::TF32, Precision::FP16}) {
    for (Precision p : precisions) {
        std::vector<test::TacticCheck> checks;
        Status st = test::checkAllTactics(s, n, p, in, -1, &checks);
        if (!st.isOk()) return st.prefix(std::string(cuda::precisionName(p)) + " '" + n.name() + "'");
        double worst = 0;
        for (const test::TacticCheck& c : checks) worst = std::max(worst, c.relativeL2);
        qInfo("%-34s %s: %2zu tactics, worst rel-L2 %.2e", n.name().c_str(), cuda::precisionName(p), checks.size(), worst);
    }
    return Status::ok();
}

// Prepares a kernel at other shapes than it runs at (the builder tunes at the profile's opt).
class PreparedAt final : public cuda::LayerKernel {
public:
    PreparedAt(std::unique_ptr<cuda::LayerKernel> k, cuda::LayerShapes at) : m_k(std::move(k)), m_at(std::move(at)) {}
    Status prepare(const cuda::PrepareArgs& a) override { return m_k->prepare({a.node, a.precision, m_at, a.weights, a.libs, a.device}); }
    size_t workspaceBytes(const cuda::LayerShapes& s) const override { return m_k->workspaceBytes(s); }
    Status enqueue(const cuda::LaunchArgs& a) override { return m_k->enqueue(a); }

private:
    std::unique_ptr<cuda::LayerKernel> m_k;
    cuda::LayerShapes m_at;
};

// The best median time over the tactics of n at FP16 (outputs not checked), and its name.
std::pair<double, std::string> fastest(cuda::Session& s, const ir::Node& n, const std::vector<HostTensor>& in, const Dims& outDims) {
    const std::vector<HostTensor> want{HostTensor(DataType::Float32, outDims)};
    const cuda::LayerShapes shapes = cuda::layerShapes(n, Precision::FP16, in, want);
    auto tactics = cuda::TacticRegistry::builtin().tactics({n, Precision::FP16, shapes, s.device()});
    if (!tactics) qFatal("%s", tactics.status().toString().c_str());
    std::pair<double, std::string> best{1e30, ""};
    for (const cuda::Tactic& t : *tactics) {
        auto trial = cuda::runTactic(s, n, Precision::FP16, t, in, want, {.warmupRuns = 3, .timedRuns = 50, .readOutputs = false});
        if (!trial) {
            qInfo("  %-44s %s", t.name.c_str(), trial.status().toString().c_str());
            continue;
        }
        qInfo("  %-44s %8.4f ms", t.name.c_str(), trial->medianMs);
        if (trial->medianMs < best.first) best = {trial->medianMs, t.name};
    }
    return best;
}

}  // namespace

class TestCudaNhwc : public QObject {
    Q_OBJECT

private slots:
    // CPU (no GPU needed)
    void resnetMiniKeepsOutputs_data();
    void resnetMiniKeepsOutputs();
    void regionShapesAndBoundaries();
    void graphWithoutConvUnchanged();
    void ineligibleLayersStayNchw();
    // GPU
    void convTactics_data();
    void convTactics();
    void fusedConvTactics_data();
    void fusedConvTactics();
    void poolTactics_data();
    void poolTactics();
    void poolUnsupported();
    void otherBatch();
    void resnetMiniLayersOnGpu();
    void timings();
};

void TestCudaNhwc::resnetMiniKeepsOutputs_data() {
    QTest::addColumn<bool>("optimized");
    QTest::newRow("imported") << false;
    QTest::newRow("optimized") << true;
}

// The whole model in NHWC gives the reference's numbers and every convolution is in a region;
// optimized (BatchNormalization folded), the model is one region between two Transposes.
void TestCudaNhwc::resnetMiniKeepsOutputs() {
    QFETCH(bool, optimized);
    auto g = onnx::importModelFile(test::sampleModel("resnet_mini.onnx"));
    KILN_VERIFY_EXPECTED(g);
    if (optimized) KILN_VERIFY_OK(passes::optimize(**g, {}));
    QuietLogger log;
    auto after = converted(**g, log);
    QVERIFY(after);
    int convs = 0;
    for (auto& n : after->nodes()) {
        if (n->opType() != "Conv" && n->opType() != "FusedConv") continue;
        ++convs;
        QVERIFY2(cuda::isNhwcLayer(*n), n->name().c_str());
    }
    QVERIFY(convs > 0);
    if (optimized) {  // one region: in through the graph input, out before Flatten
        QCOMPARE(int(reformats(*after, "_nhwc").size()), 1);
        QCOMPARE(int(reformats(*after, "_nchw").size()), 1);
        QVERIFY(cuda::isNhwcLayer(*after->findValue("GlobalAveragePool_36_out_nhwc")->producer()));
    }  // imported: BatchNormalization (NCHW only) splits the regions
    QCOMPARE(int(reformats(*after, "_nhwc").size() + reformats(*after, "_nchw").size()),
             test::countOps(*after, "Transpose") - test::countOps(**g, "Transpose"));
    for (const ir::Value* in : after->inputs()) QCOMPARE(dimsOf(in), dimsOf((*g)->findValue(in->name())));
    for (const ir::Value* out : after->outputs()) QCOMPARE(dimsOf(out), dimsOf((*g)->findValue(out->name())));
    QVERIFY(!log.lines.empty());
    qInfo("%s", log.lines.back().c_str());
    const std::string diff = test::checkEquivalent(**g, *after, 1e-6);
    QVERIFY2(diff.empty(), diff.c_str());
}

// x [N, 8, 10, 10] -> Conv -> Add [8, 1, 1] -> Relu (also a graph output) -> MaxPool -> Concat
// with a second Conv on axis 1 -> GlobalAveragePool -> y. One region; N stays symbolic.
void TestCudaNhwc::regionShapesAndBoundaries() {
    test::TestGraph t(13);
    ir::Value* x = t.input("x", {2, 8, 10, 10});
    ir::Value* c = t.op("Conv", {x, t.randomConstant("w", {8, 8, 3, 3}), t.randomConstant("b", {8})},
                        {{"pads", ints({1, 1, 1, 1})}}, "conv");
    ir::Value* a = t.op("Add", {c, t.randomConstant("shift", {8, 1, 1})}, {}, "add");
    ir::Value* r = t.op("Relu", {a}, {}, "relu");
    t.output(r);
    ir::Value* p = t.op("MaxPool", {r}, {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}}, "pool");
    ir::Value* c2 = t.op("Conv", {p, t.randomConstant("w2", {4, 8, 1, 1})}, {}, "conv2");
    ir::Value* cat = t.op("Concat", {p, c2}, {{"axis", int64_t(1)}}, "cat");
    t.output(t.op("GlobalAveragePool", {cat}, {}, "gap"));
    auto g = t.build();
    QVERIFY(g);
    for (ir::Value* v : g->values())  // batch dim symbolic everywhere
        if (!v->constant() && v->shape().rank() == 4) {
            Shape s = v->shape();
            s[0] = Dim::symbolic("N");
            v->setShape(s);
        }
    QuietLogger log;
    auto after = converted(*g, log);
    QVERIFY(after);
    QCOMPARE(countNhwc(*after), 4);  // conv, pool, conv2, gap
    QCOMPARE(after->findNode("cat")->attrInt("axis", -1), int64_t(3));
    QCOMPARE(dimsOf(after->findValue("conv_out")), std::string("[N, 10, 10, 8]"));
    QCOMPARE(dimsOf(after->findValue("cat_out")), std::string("[N, 5, 5, 12]"));
    // The Relu output is a graph output: it keeps its name and NCHW dims, its NHWC twin feeds the pool.
    QCOMPARE(dimsOf(after->findValue("relu_out")), std::string("[N, 8, 10, 10]"));
    QCOMPARE(after->findNode("pool")->input(0)->name(), std::string("relu_out_nhwc"));
    QCOMPARE(after->findNode("add")->input(1)->constant()->dims(), (Dims{1, 1, 1, 8}));
    QCOMPARE(int(reformats(*after, "_nhwc").size()), 1);
    QCOMPARE(int(reformats(*after, "_nchw").size()), 2);
    QVERIFY(after->findNode("Reformat_x_nhwc") && after->findNode("Reformat_relu_out_nchw") &&
            after->findNode("Reformat_gap_out_nchw"));
    QCOMPARE(after->findNode("Reformat_x_nhwc")->attrInts("perm"), (Dims{0, 2, 3, 1}));
    QCOMPARE(after->findNode("Reformat_gap_out_nchw")->attrInts("perm"), (Dims{0, 3, 1, 2}));
    const std::string diff = test::checkEquivalent(*g, *after, 1e-6);
    QVERIFY2(diff.empty(), diff.c_str());
}

void TestCudaNhwc::graphWithoutConvUnchanged() {
    test::TestGraph t(13);
    ir::Value* x = t.input("x", {1, 4, 8, 8});
    ir::Value* p = t.op("MaxPool", {t.op("Relu", {x})}, {{"kernel_shape", ints({2, 2})}});
    t.output(t.op("GlobalAveragePool", {p}));
    auto g = t.build();
    QVERIFY(g);
    QuietLogger log;
    auto after = converted(*g, log);
    QVERIFY(after);
    QCOMPARE(countNhwc(*after), 0);
    QCOMPARE(test::countOps(*after, "Transpose"), 0);
    QCOMPARE(after->numNodes(), g->numNodes());
}

// A convolution with a computed W and a ceil_mode pooling stay NCHW; the region around the pool
// ends with Transposes on both sides.
void TestCudaNhwc::ineligibleLayersStayNchw() {
    test::TestGraph t(13);
    ir::Value* x = t.input("x", {1, 4, 9, 9});
    ir::Value* w = t.input("w", {4, 4, 3, 3});
    ir::Value* c = t.op("Conv", {x, w}, {{"pads", ints({1, 1, 1, 1})}}, "dynamic_w");
    ir::Value* c2 = t.op("Conv", {c, t.randomConstant("w2", {4, 4, 1, 1})}, {}, "conv2");
    ir::Value* p = t.op("MaxPool", {c2}, {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}, {"ceil_mode", int64_t(1)}},
                        "ceil_pool");
    t.output(t.op("Conv", {p, t.randomConstant("w3", {4, 4, 1, 1})}, {}, "conv3"));
    auto g = t.build();
    QVERIFY(g);
    QuietLogger log;
    auto after = converted(*g, log);
    QVERIFY(after);
    QVERIFY(!cuda::isNhwcLayer(*after->findNode("dynamic_w")));
    QVERIFY(!cuda::isNhwcLayer(*after->findNode("ceil_pool")));
    QVERIFY(cuda::isNhwcLayer(*after->findNode("conv2")) && cuda::isNhwcLayer(*after->findNode("conv3")));
    QCOMPARE(int(reformats(*after, "_nhwc").size()), 2);  // into conv2 and into conv3
    QCOMPARE(int(reformats(*after, "_nchw").size()), 2);  // out of conv2 (to the pool) and of conv3 (graph output)
    const std::string diff = test::checkEquivalent(*g, *after, 1e-6);
    QVERIFY2(diff.empty(), diff.c_str());
}

// name, X dims (NHWC), W dims, attrs
void TestCudaNhwc::convTactics_data() {
    QTest::addColumn<int>("index");
    static const char* names[] = {"resnet3x3", "resnet1x1s2", "stem7x7s2", "grouped", "depthwise", "dilated", "noBias", "sameUpper"};
    for (int i = 0; i < int(std::size(names)); ++i) QTest::newRow(names[i]) << i;
}

void TestCudaNhwc::convTactics() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(int, index);
    Layer l(std::string("nhwc.conv.") + QTest::currentDataTag(), "Conv");
    switch (index) {
    case 0: l.in({2, 28, 28, 64}).weight({64, 64, 3, 3}, 576).weight({64}, 1).attr("pads", ints({1, 1, 1, 1})); break;
    case 1: l.in({2, 14, 14, 256}).weight({128, 256, 1, 1}, 256).weight({128}, 1).attr("strides", ints({2, 2})); break;
    case 2:
        l.in({2, 56, 56, 3}).weight({64, 3, 7, 7}, 147).weight({64}, 1).attr("strides", ints({2, 2})).attr("pads", ints({3, 3, 3, 3}));
        break;
    case 3: l.in({2, 14, 14, 32}).weight({64, 8, 3, 3}, 72).weight({64}, 1).attr("group", int64_t(4)).attr("pads", ints({1, 1, 1, 1})); break;
    case 4:
        l.in({2, 15, 15, 32}).weight({32, 1, 3, 3}, 9).weight({32}, 1).attr("group", int64_t(32)).attr("strides", ints({2, 2}))
            .attr("pads", ints({1, 1, 1, 1}));
        break;
    case 5: l.in({2, 20, 20, 16}).weight({24, 16, 3, 3}, 144).weight({24}, 1).attr("dilations", ints({2, 2})).attr("pads", ints({2, 2, 2, 2})); break;
    case 6: l.in({2, 12, 12, 16}).weight({32, 16, 3, 3}, 144).omitted().attr("pads", ints({1, 1, 1, 1})); break;
    case 7: l.in({2, 13, 13, 16}).weight({16, 16, 3, 3}, 144).weight({16}, 1).attr("auto_pad", act("SAME_UPPER")); break;
    }
    l.nhwc();
    KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(uint64_t(index) + 1)));
}

// kiln.FusedConv in NHWC: bias + residual + Relu (cuDNN's fused call), bias + Sigmoid (Kiln's
// epilogue with the channels-last bias index), residual + Relu without a bias.
void TestCudaNhwc::fusedConvTactics_data() {
    QTest::addColumn<int>("index");
    QTest::newRow("bias_residual_relu") << 0;
    QTest::newRow("bias_sigmoid") << 1;
    QTest::newRow("residual_relu_nobias") << 2;
}

void TestCudaNhwc::fusedConvTactics() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(int, index);
    Layer l(std::string("nhwc.fconv.") + QTest::currentDataTag(), "FusedConv", "kiln");
    switch (index) {
    case 0:
        l.in({2, 14, 14, 32}).weight({32, 32, 3, 3}, 288).weight({32}, 1).in({2, 14, 14, 32}).attr("pads", ints({1, 1, 1, 1}))
            .attr("activation", act("Relu"));
        break;
    case 1:
        l.in({2, 10, 10, 16}).weight({24, 16, 3, 3}, 144).weight({24}, 1).attr("pads", ints({1, 1, 1, 1})).attr("activation", act("Sigmoid"));
        break;
    case 2: l.in({2, 10, 10, 16}).weight({16, 16, 1, 1}, 16).omitted().in({2, 10, 10, 16}).attr("activation", act("Relu")); break;
    }
    l.nhwc();
    KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(11 + uint64_t(index))));
}

void TestCudaNhwc::poolTactics_data() {
    QTest::addColumn<int>("index");
    static const char* names[] = {"maxpool3x3s2", "avgpool3x3_exclude_pad", "avgpool3x3s2_include_pad", "GlobalAveragePool",
                                  "GlobalMaxPool"};
    for (int i = 0; i < int(std::size(names)); ++i) QTest::newRow(names[i]) << i;
}

void TestCudaNhwc::poolTactics() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(int, index);
    const char* ops[] = {"MaxPool", "AveragePool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"};
    Layer l(std::string("nhwc.") + QTest::currentDataTag(), ops[index]);
    switch (index) {
    case 0: l.in({2, 28, 28, 64}).attr("kernel_shape", ints({3, 3})).attr("strides", ints({2, 2})).attr("pads", ints({1, 1, 1, 1})); break;
    case 1: l.in({2, 9, 9, 24}).attr("kernel_shape", ints({3, 3})).attr("pads", ints({1, 1, 1, 1})); break;
    case 2:
        l.in({2, 9, 9, 24}).attr("kernel_shape", ints({3, 3})).attr("strides", ints({2, 2})).attr("pads", ints({1, 1, 1, 1}))
            .attr("count_include_pad", int64_t(1));
        break;
    default: l.in({2, 7, 7, 96}); break;
    }
    l.nhwc();
    KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(21 + uint64_t(index)), {Precision::FP32, Precision::FP16}));
}

// What the NHWC pass leaves NCHW has no NHWC tactic, with a clear reason.
void TestCudaNhwc::poolUnsupported() {
    KILN_SKIP_WITHOUT_GPU();
    Layer ceil("nhwc.maxpool_ceil", "MaxPool");
    ceil.in({1, 9, 9, 8}).attr("kernel_shape", ints({2, 2})).attr("strides", ints({2, 2})).attr("ceil_mode", int64_t(1)).nhwc();
    const std::vector<HostTensor> in = ceil.inputs(25);
    auto out = cuda::cpuReference(ceil.node(), in);
    KILN_VERIFY_EXPECTED(out);
    const cuda::LayerShapes shapes = cuda::layerShapes(ceil.node(), Precision::FP32, in, *out);
    auto tactics = cuda::TacticRegistry::builtin().tactics({ceil.node(), Precision::FP32, shapes, gpu.device()});
    QVERIFY(!tactics.hasValue());
    QVERIFY2(tactics.status().message().find("ceil_mode") != std::string::npos, tactics.status().message().c_str());
}

// Tactics prepared at batch 2 run at batch 5 (descriptors per shape; the packed filter is kept).
void TestCudaNhwc::otherBatch() {
    KILN_SKIP_WITHOUT_GPU();
    Layer conv("nhwc.fconv.dynamic", "FusedConv", "kiln");
    conv.in({2, 14, 14, 32}).weight({32, 32, 3, 3}, 288).weight({32}, 1).in({2, 14, 14, 32}).attr("pads", ints({1, 1, 1, 1}))
        .attr("activation", act("Relu")).nhwc();
    Layer pool("nhwc.maxpool.dynamic", "MaxPool");
    pool.in({2, 12, 12, 16}).attr("kernel_shape", ints({3, 3})).attr("strides", ints({2, 2})).attr("pads", ints({1, 1, 1, 1})).nhwc();
    for (Layer* l : {&conv, &pool}) {
        const ir::Node& n = l->node();
        for (Precision p : {Precision::FP32, Precision::FP16}) {
            const std::vector<HostTensor> tuned = l->inputs(1), actual = l->inputsWithBatch(5, 2);
            auto tunedOut = cuda::cpuReference(n, tuned);
            auto want = cuda::cpuReference(n, actual);
            KILN_VERIFY_EXPECTED(tunedOut);
            KILN_VERIFY_EXPECTED(want);
            const cuda::LayerShapes at = cuda::layerShapes(n, p, tuned, *tunedOut);
            auto tactics = cuda::TacticRegistry::builtin().tactics({n, p, at, gpu.device()});
            KILN_VERIFY_EXPECTED(tactics);
            for (const cuda::Tactic& t : *tactics) {
                cuda::Tactic wrapped{t.name, [&] { return std::make_unique<PreparedAt>(t.create(), at); }};
                auto trial = cuda::runTactic(gpu, n, p, wrapped, actual, *want);
                KILN_VERIFY_EXPECTED(trial);
                const double err = relativeL2(trial->outputs[0], (*want)[0]);
                QVERIFY2(err <= test::toleranceFor(p), (n.name() + " " + t.name + ": " + std::to_string(err)).c_str());
            }
        }
    }
}

// Every layer of the optimized resnet_mini after the pass (Transposes, NHWC convolutions and
// pooling, pointwise layers with permuted constants) has CUDA tactics that match the reference.
void TestCudaNhwc::resnetMiniLayersOnGpu() {
    KILN_SKIP_WITHOUT_GPU();
    auto g = onnx::importModelFile(test::sampleModel("resnet_mini.onnx"));
    KILN_VERIFY_EXPECTED(g);
    KILN_VERIFY_OK(passes::optimize(**g, {}));
    QuietLogger log;
    auto after = converted(**g, log);
    QVERIFY(after);
    std::map<std::string, int64_t> symbols;
    for (const ir::Value* v : after->values())
        for (const Dim& d : v->shape().dims())
            if (d.isSymbolic()) symbols[d.symbol] = 2;
    uint64_t seed = 100;
    std::string failures;  // every layer is checked, then all failures are reported
    for (auto& node : after->nodes()) {
        std::vector<Dims> dims;
        for (const ir::Value* v : node->inputs()) {
            auto d = v && !v->constant() ? passes::evaluateShape(v->shape(), symbols) : std::optional<Dims>(Dims{});
            QVERIFY2(d, (node->name() + ": input shape " + (v ? v->shape().toString() : "")).c_str());
            dims.push_back(*d);
        }
        const Status s = checkPrecisions(gpu, *node, test::randomInputsFor(*node, dims, seed++), {Precision::FP32, Precision::FP16});
        if (!s.isOk()) failures += "\n  " + s.toString();
    }
    QVERIFY2(failures.empty(), failures.c_str());
}

// ResNet-50's 3x3 64 -> 64 convolution at 56x56, batch 64, and 3x3 256 -> 256 at 14x14, batch 1
// (+ bias + Relu as after BN folding), FP16: the fastest tactic in NCHW and in NHWC.
void TestCudaNhwc::timings() {
    KILN_SKIP_WITHOUT_GPU();
    if (qEnvironmentVariableIsEmpty("KILN_TACTIC_TIMINGS")) QSKIP("set KILN_TACTIC_TIMINGS=1 to time the tactics");
    struct Case {
        const char* name;
        int64_t n, c, hw;
    };
    for (const Case& c : {Case{"conv3x3_64_56x56_b64", 64, 64, 56}, Case{"conv3x3_256_14x14_b1", 1, 256, 14}}) {
        const double flops = 2.0 * double(c.n * c.c * c.c * 9 * c.hw * c.hw);
        double ms[2];
        for (bool nhwc : {false, true}) {
            Layer l(std::string(nhwc ? "nhwc." : "nchw.") + c.name, "FusedConv", "kiln");
            l.in(nhwc ? Dims{c.n, c.hw, c.hw, c.c} : Dims{c.n, c.c, c.hw, c.hw}).weight({c.c, c.c, 3, 3}, c.c * 9).weight({c.c}, 1)
                .attr("pads", ints({1, 1, 1, 1})).attr("activation", act("Relu"));
            if (nhwc) l.nhwc();
            qInfo("%s %s FP16:", nhwc ? "NHWC" : "NCHW", c.name);
            auto [best, name] = fastest(gpu, l.node(), l.inputs(1), nhwc ? Dims{c.n, c.hw, c.hw, c.c} : Dims{c.n, c.c, c.hw, c.hw});
            ms[nhwc] = best;
            qInfo("BEST %s %s: %s %.4f ms = %.1f TFLOP/s on %s", nhwc ? "NHWC" : "NCHW", c.name, name.c_str(), best,
                  flops / (best * 1e-3) / 1e12, gpu.device().name.c_str());
        }
        qInfo("RATIO %s: NCHW / NHWC = %.2f", c.name, ms[0] / ms[1]);
    }
}

QTEST_GUILESS_MAIN(TestCudaNhwc)
#include "test_cuda_nhwc.moc"
