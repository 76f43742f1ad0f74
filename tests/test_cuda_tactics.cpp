// GPU tests of the library tactics: convolutions through cuDNN (conv_cudnn*.cpp) and GEMMs
// through cuBLASLt (gemm_cublaslt*.cpp), with their fused epilogues (epilogue_kernels.cu). Every
// tactic of each layer is checked against the CPU reference at FP32, TF32 and FP16; tactics tuned
// at one shape run at another (dynamic batch); unsupported cases give a clear status; and, with
// KILN_TACTIC_TIMINGS=1, every tactic of ResNet-50's 3x3 convolution and BERT's FFN GEMM is timed.
// Skipped without a GPU.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "ops/activation_fn.h"
#include "support/cuda_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using cuda::Precision;
using Dims = std::vector<int64_t>;
Q_DECLARE_METATYPE(Dims)

namespace {

// One node in a graph of its own. Constant inputs are random weights, uniform in
// [-1, 1) / sqrt(fanIn) so that pre-activations stay near [-1, 1] and every activation is exercised.
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
        const float scale = 1.0f / std::sqrt(float(std::max<int64_t>(fanIn, 1)));
        std::uniform_real_distribution<float> u(-scale, scale);
        HostTensor t(DataType::Float32, dims);
        for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
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
    Layer& activation(const ops::Activation& a) {
        m_activation = a;
        return *this;
    }
    const ir::Node& node() {
        if (!m_node) {
            m_node = m_g.addNode(m_name, m_opType, m_domain, m_inputs, {m_g.getOrAddValue(m_name + ".out")});
            for (auto& [k, a] : m_attrs) m_node->setAttr(k, a);
            if (m_domain == "kiln") ops::setActivationAttrs(*m_node, m_activation);
        }
        return *m_node;
    }
    // Random inputs at the layer's dims, or with the first dim of input 0 (and of the residual) changed.
    std::vector<HostTensor> inputs(uint64_t seed) { return test::randomInputsFor(node(), m_dims, seed); }
    std::vector<HostTensor> inputsWithBatch(int64_t batch, uint64_t seed) {
        std::vector<Dims> dims = m_dims;
        for (size_t i : {size_t(0), size_t(3)})
            if (i < dims.size() && m_inputs[i] && !m_inputs[i]->constant()) dims[i][0] = batch;
        return test::randomInputsFor(node(), dims, seed);
    }

private:
    ir::Graph m_g;
    std::string m_name, m_opType, m_domain;
    std::vector<ir::Value*> m_inputs;
    std::vector<Dims> m_dims;
    std::vector<std::pair<std::string, ir::Attribute>> m_attrs;
    ops::Activation m_activation;
    ir::Node* m_node = nullptr;
};

ir::Attribute ints(Dims v) { return ir::Attribute(std::move(v)); }

// Every tactic at FP32, TF32 and FP16; the failure names the precision and layer.
Status checkPrecisions(cuda::Session& s, const ir::Node& n, const std::vector<HostTensor>& in) {
    for (Precision p : {Precision::FP32, Precision::TF32, Precision::FP16}) {
        std::vector<test::TacticCheck> checks;
        Status st = test::checkAllTactics(s, n, p, in, -1, &checks);
        if (!st.isOk()) return st.prefix(std::string(cuda::precisionName(p)) + " '" + n.name() + "'");
        double worst = 0;
        for (const test::TacticCheck& c : checks) worst = std::max(worst, c.relativeL2);
        qInfo("%-28s %s: %2zu tactics, worst rel-L2 %.2e", n.name().c_str(), cuda::precisionName(p), checks.size(), worst);
    }
    return Status::ok();
}

// The tactics the registry lists for the node at p, with the inputs' shapes.
Expected<std::vector<cuda::Tactic>> tacticsFor(cuda::Session& s, const ir::Node& n, Precision p,
                                               const std::vector<HostTensor>& in, const std::vector<HostTensor>& out) {
    const cuda::LayerShapes shapes = cuda::layerShapes(n, p, in, out);
    return cuda::TacticRegistry::builtin().tactics({n, p, shapes, s.device()});
}

// Prepares a kernel at other shapes than it runs at: the builder tunes at the profile's opt
// shapes, a context then runs any shapes of the profile.
class PreparedAt final : public cuda::LayerKernel {
public:
    PreparedAt(std::unique_ptr<cuda::LayerKernel> k, cuda::LayerShapes at) : m_k(std::move(k)), m_at(std::move(at)) {}
    Status prepare(const cuda::PrepareArgs& a) override {
        return m_k->prepare({a.node, a.precision, m_at, a.weights, a.libs, a.device});
    }
    size_t workspaceBytes(const cuda::LayerShapes& s) const override { return m_k->workspaceBytes(s); }
    Status enqueue(const cuda::LaunchArgs& a) override { return m_k->enqueue(a); }

private:
    std::unique_ptr<cuda::LayerKernel> m_k;
    cuda::LayerShapes m_at;
};

// Every tactic listed at the shapes of `tuned`, prepared there and run on `actual`.
Status checkOtherShapes(cuda::Session& s, const ir::Node& n, Precision p, const std::vector<HostTensor>& tuned,
                        const std::vector<HostTensor>& actual) {
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> tunedOut, cuda::cpuReference(n, tuned));
    KILN_ASSIGN_OR_RETURN(std::vector<HostTensor> want, cuda::cpuReference(n, actual));
    const cuda::LayerShapes at = cuda::layerShapes(n, p, tuned, tunedOut);
    KILN_ASSIGN_OR_RETURN(std::vector<cuda::Tactic> tactics, tacticsFor(s, n, p, tuned, tunedOut));
    for (const cuda::Tactic& t : tactics) {
        cuda::Tactic wrapped{t.name, [&] { return std::make_unique<PreparedAt>(t.create(), at); }};
        KILN_ASSIGN_OR_RETURN(cuda::Trial trial, cuda::runTactic(s, n, p, wrapped, actual, want));
        const double err = relativeL2(trial.outputs[0], want[0]);
        if (!(err <= test::toleranceFor(p)))
            return internalError(t.name + " tuned at other shapes: relative L2 " + std::to_string(err));
    }
    return Status::ok();
}

// The median time of every tactic (inputs random, output not checked) and the best one's TFLOP/s.
void benchmark(cuda::Session& s, const ir::Node& n, Precision p, const std::vector<HostTensor>& in, const Dims& outDims,
               double flops) {
    const std::vector<HostTensor> out{HostTensor(DataType::Float32, outDims)};
    auto tactics = tacticsFor(s, n, p, in, out);
    QVERIFY2(tactics.hasValue(), test::describe(tactics.status()).constData());
    std::string best;
    double bestMs = 1e30;
    for (const cuda::Tactic& t : *tactics) {
        auto trial = cuda::runTactic(s, n, p, t, in, out, {.warmupRuns = 3, .timedRuns = 50, .readOutputs = false});
        QVERIFY2(trial.hasValue(), test::describe(trial.status()).constData());
        qInfo("  %-56s %8.4f ms  %7.1f TFLOP/s  workspace %zu", t.name.c_str(), trial->medianMs,
              flops / (trial->medianMs * 1e-3) / 1e12, trial->workspaceBytes);
        if (trial->medianMs < bestMs) {
            bestMs = trial->medianMs;
            best = t.name;
        }
    }
    qInfo("BEST %s %s: %s %.4f ms = %.1f TFLOP/s on %s", n.name().c_str(), cuda::precisionName(p), best.c_str(), bestMs,
          flops / (bestMs * 1e-3) / 1e12, s.device().name.c_str());
}

const ops::Activation kActivations[] = {
    {ops::ActivationKind::Relu},           {ops::ActivationKind::Clip, 0.f, 6.f},
    {ops::ActivationKind::LeakyRelu, 0.1f}, {ops::ActivationKind::Sigmoid},
    {ops::ActivationKind::Tanh},           {ops::ActivationKind::HardSigmoid, 0.2f, 0.5f},
    {ops::ActivationKind::HardSwish},      {ops::ActivationKind::Silu},
    {ops::ActivationKind::Gelu},           {ops::ActivationKind::GeluTanh},
    {ops::ActivationKind::Elu, 1.0f},
};

}  // namespace

class TestCudaTactics : public QObject {
    Q_OBJECT

private slots:
    void convolutions_data();
    void convolutions();
    void fusedConvEpilogues();
    void convOtherBatch();
    void convUnsupported();
    void gemms();
    void matMuls_data();
    void matMuls();
    void fusedGemmEpilogues();
    void bertShapes();
    void gemmOtherShapes();
    void matMulUnsupported();
    void timings();
};

// name, X dims, W dims, attrs (strides, pads, dilations, group, auto_pad), bias
void TestCudaTactics::convolutions_data() {
    QTest::addColumn<int>("index");
    static const char* names[] = {"resnet3x3", "resnet1x1", "stem7x7s2", "grouped", "depthwise",
                                  "dilated",   "conv1d",    "conv3d",    "sameUpper", "noBias"};
    for (int i = 0; i < int(std::size(names)); ++i) QTest::newRow(names[i]) << i;
}

void TestCudaTactics::convolutions() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(int, index);
    const std::string name = std::string("conv.") + QTest::currentDataTag();
    Layer l(name, "Conv");
    switch (index) {
    case 0: l.in({2, 64, 28, 28}).weight({64, 64, 3, 3}, 576).weight({64}, 1).attr("pads", ints({1, 1, 1, 1})); break;
    case 1: l.in({2, 256, 14, 14}).weight({64, 256, 1, 1}, 256).weight({64}, 1); break;
    case 2:
        l.in({2, 3, 56, 56}).weight({64, 3, 7, 7}, 147).weight({64}, 1).attr("strides", ints({2, 2}))
            .attr("pads", ints({3, 3, 3, 3}));
        break;
    case 3: l.in({2, 32, 14, 14}).weight({64, 8, 3, 3}, 72).weight({64}, 1).attr("group", int64_t(4)).attr("pads", ints({1, 1, 1, 1})); break;
    case 4:
        l.in({2, 32, 15, 15}).weight({32, 1, 3, 3}, 9).weight({32}, 1).attr("group", int64_t(32))
            .attr("strides", ints({2, 2})).attr("pads", ints({1, 1, 1, 1}));
        break;
    case 5: l.in({2, 16, 20, 20}).weight({24, 16, 3, 3}, 144).weight({24}, 1).attr("dilations", ints({2, 2})).attr("pads", ints({2, 2, 2, 2})); break;
    case 6: l.in({2, 16, 50}).weight({32, 16, 5}, 80).weight({32}, 1).attr("pads", ints({2, 2})).attr("strides", ints({2})); break;
    case 7: l.in({1, 8, 6, 10, 10}).weight({16, 8, 3, 3, 3}, 216).weight({16}, 1).attr("pads", ints({1, 1, 1, 1, 1, 1})); break;
    case 8: l.in({2, 16, 13, 13}).weight({16, 16, 3, 3}, 144).weight({16}, 1).attr("auto_pad", ir::Attribute(std::string("SAME_UPPER"))); break;
    case 9: l.in({2, 16, 12, 12}).weight({32, 16, 3, 3}, 144).omitted().attr("pads", ints({1, 1, 1, 1})); break;
    }
    KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(uint64_t(index) + 1)));
}

// kiln.FusedConv: bias + residual + each activation, and each without the other parts.
void TestCudaTactics::fusedConvEpilogues() {
    KILN_SKIP_WITHOUT_GPU();
    int i = 0;
    for (const ops::Activation& act : kActivations) {
        Layer l("fconv." + act.name(), "FusedConv", "kiln");
        l.in({2, 32, 14, 14}).weight({32, 32, 3, 3}, 288).weight({32}, 1).in({2, 32, 14, 14}).attr("pads", ints({1, 1, 1, 1}))
            .activation(act);
        KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(100 + uint64_t(i++))));
    }
    Layer noBias("fconv.residual_relu_nobias", "FusedConv", "kiln");
    noBias.in({2, 16, 10, 10}).weight({16, 16, 1, 1}, 16).omitted().in({2, 16, 10, 10}).activation({ops::ActivationKind::Relu});
    KILN_VERIFY_OK(checkPrecisions(gpu, noBias.node(), noBias.inputs(7)));
    Layer reluOnly("fconv.relu_only", "FusedConv", "kiln");
    reluOnly.in({2, 16, 10, 10}).weight({24, 16, 3, 3}, 144).attr("pads", ints({1, 1, 1, 1})).activation({ops::ActivationKind::Relu});
    KILN_VERIFY_OK(checkPrecisions(gpu, reluOnly.node(), reluOnly.inputs(8)));
    Layer biasOnly("fconv.bias_only", "FusedConv", "kiln");
    biasOnly.in({2, 16, 10, 10}).weight({24, 16, 3, 3}, 144).weight({24}, 1).attr("pads", ints({1, 1, 1, 1}));
    KILN_VERIFY_OK(checkPrecisions(gpu, biasOnly.node(), biasOnly.inputs(9)));
}

void TestCudaTactics::convOtherBatch() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("fconv.dynamic", "FusedConv", "kiln");
    l.in({2, 32, 14, 14}).weight({32, 32, 3, 3}, 288).weight({32}, 1).in({2, 32, 14, 14}).attr("pads", ints({1, 1, 1, 1}))
        .activation({ops::ActivationKind::Relu});
    for (Precision p : {Precision::FP32, Precision::FP16})
        KILN_VERIFY_OK(checkOtherShapes(gpu, l.node(), p, l.inputs(1), l.inputsWithBatch(5, 2)));
}

void TestCudaTactics::convUnsupported() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("conv.asymmetric", "Conv");
    l.in({1, 8, 10, 10}).weight({8, 8, 3, 3}, 72).attr("pads", ints({0, 0, 1, 1}));
    const std::vector<HostTensor> in = l.inputs(1);
    auto out = cuda::cpuReference(l.node(), in);
    KILN_VERIFY_EXPECTED(out);
    auto tactics = tacticsFor(gpu, l.node(), Precision::FP32, in, *out);
    QVERIFY(!tactics.hasValue());
    QCOMPARE(tactics.status().code(), StatusCode::Unsupported);
    QVERIFY2(tactics.status().message().find("asymmetric padding") != std::string::npos, tactics.status().message().c_str());
}

// ONNX Gemm: trans flags, alpha / beta, C of every broadcast.
void TestCudaTactics::gemms() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        const char* name;
        bool transA, transB;
        float alpha, beta;
        Dims c;  // empty: no C
    };
    const Case cases[] = {
        {"plain_cN", false, false, 1.f, 1.f, {80}},    {"transA", true, false, 1.f, 1.f, {1, 80}},
        {"transB", false, true, 1.f, 1.f, {80}},       {"transAB_scaled", true, true, 0.5f, 2.f, {64, 80}},
        {"beta_vector", false, true, 1.5f, 0.5f, {80}}, {"c_column", false, false, 1.f, 1.f, {64, 1}},
        {"c_scalar", false, false, 2.f, 3.f, {1}},     {"no_c", false, true, 0.25f, 1.f, {}},
    };
    for (const Case& c : cases) {
        Layer l(std::string("gemm.") + c.name, "Gemm");
        l.in(c.transA ? Dims{96, 64} : Dims{64, 96}).weight(c.transB ? Dims{80, 96} : Dims{96, 80}, 96);
        if (c.c.empty()) l.omitted();
        else l.weight(c.c, 1);
        l.attr("transA", int64_t(c.transA)).attr("transB", int64_t(c.transB)).attr("alpha", c.alpha).attr("beta", c.beta);
        KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(11)));
    }
}

void TestCudaTactics::matMuls_data() {
    QTest::addColumn<Dims>("a");
    QTest::addColumn<Dims>("b");
    QTest::addColumn<bool>("constantB");
    QTest::newRow("2d") << Dims{33, 70} << Dims{70, 45} << false;
    QTest::newRow("2d_weight") << Dims{64, 128} << Dims{128, 96} << true;
    QTest::newRow("attention_scores") << Dims{2, 4, 32, 16} << Dims{2, 4, 16, 32} << false;
    QTest::newRow("attention_context") << Dims{2, 4, 32, 32} << Dims{2, 4, 32, 16} << false;
    QTest::newRow("batched_weight_folds") << Dims{2, 3, 20, 24} << Dims{24, 40} << true;
    QTest::newRow("shared_a_stride0") << Dims{20, 24} << Dims{5, 24, 40} << false;
    QTest::newRow("broadcast_ones") << Dims{1, 3, 20, 24} << Dims{3, 24, 40} << false;
    QTest::newRow("vector_a") << Dims{24} << Dims{24, 40} << true;
    QTest::newRow("vector_b") << Dims{3, 20, 24} << Dims{24} << false;
}

void TestCudaTactics::matMuls() {
    KILN_SKIP_WITHOUT_GPU();
    QFETCH(Dims, a);
    QFETCH(Dims, b);
    QFETCH(bool, constantB);
    Layer l(std::string("matmul.") + QTest::currentDataTag(), "MatMul");
    l.in(a);
    if (constantB) l.weight(b, b.size() > 1 ? b[b.size() - 2] : b[0]);
    else l.in(b);
    KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(21)));
}

// kiln.FusedGemm (matmul = 1, BERT-like [B, S, K] x [K, N]): bias + each activation, with and
// without the residual; and matmul = 0 with scaled bias.
void TestCudaTactics::fusedGemmEpilogues() {
    KILN_SKIP_WITHOUT_GPU();
    int i = 0;
    for (const ops::Activation& act : kActivations) {
        for (bool residual : {false, true}) {
            Layer l("fgemm." + act.name() + (residual ? ".res" : ""), "FusedGemm", "kiln");
            l.in({2, 16, 64}).weight({64, 96}, 64).weight({96}, 1);
            if (residual) l.in({2, 16, 96});
            l.attr("matmul", int64_t(1)).activation(act);
            KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(200 + uint64_t(i++))));
        }
    }
    Layer scaled("fgemm.gemm_scaled_bias_relu", "FusedGemm", "kiln");
    scaled.in({48, 64}).weight({96, 64}, 64).weight({96}, 1).in({48, 96}).attr("transB", int64_t(1))
        .attr("alpha", 0.5f).attr("beta", 2.f).activation({ops::ActivationKind::Relu});
    KILN_VERIFY_OK(checkPrecisions(gpu, scaled.node(), scaled.inputs(31)));
    Layer residualOnly("fgemm.residual_only", "FusedGemm", "kiln");
    residualOnly.in({48, 64}).weight({64, 96}, 64).omitted().in({48, 96});
    KILN_VERIFY_OK(checkPrecisions(gpu, residualOnly.node(), residualOnly.inputs(32)));
}

// BERT-base's GEMMs at [B * S, 768] = [256, 768]: QKV, attention output + residual, FFN up + GELU,
// FFN down + residual.
void TestCudaTactics::bertShapes() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        const char* name;
        int64_t k, n;
        bool residual;
        ops::Activation act;
    };
    const Case cases[] = {{"qkv", 768, 2304, false, {}},
                          {"attn_out", 768, 768, true, {}},
                          {"ffn_up_gelu", 768, 3072, false, {ops::ActivationKind::Gelu}},
                          {"ffn_down", 3072, 768, true, {}}};
    for (const Case& c : cases) {
        Layer l(std::string("bert.") + c.name, "FusedGemm", "kiln");
        l.in({2, 128, c.k}).weight({c.k, c.n}, c.k).weight({c.n}, 1);
        if (c.residual) l.in({2, 128, c.n});
        l.attr("matmul", int64_t(1)).activation(c.act);
        KILN_VERIFY_OK(checkPrecisions(gpu, l.node(), l.inputs(41)));
    }
}

void TestCudaTactics::gemmOtherShapes() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("fgemm.dynamic", "FusedGemm", "kiln");
    l.in({2, 16, 64}).weight({64, 96}, 64).weight({96}, 1).in({2, 16, 96}).attr("matmul", int64_t(1))
        .activation({ops::ActivationKind::Gelu});
    for (Precision p : {Precision::FP32, Precision::FP16})
        KILN_VERIFY_OK(checkOtherShapes(gpu, l.node(), p, l.inputs(1), l.inputsWithBatch(7, 2)));
    Layer scores("matmul.dynamic_scores", "MatMul");
    scores.in({2, 4, 32, 16}).in({2, 4, 16, 32});
    KILN_VERIFY_OK(checkOtherShapes(gpu, scores.node(), Precision::FP16, scores.inputs(3),
                                    test::randomInputsFor(scores.node(), {{3, 4, 32, 16}, {3, 4, 16, 32}}, 4)));
}

void TestCudaTactics::matMulUnsupported() {
    KILN_SKIP_WITHOUT_GPU();
    Layer l("matmul.general_broadcast", "MatMul");
    l.in({2, 1, 8, 16}).in({1, 3, 16, 8});
    const std::vector<HostTensor> in = l.inputs(1);
    auto out = cuda::cpuReference(l.node(), in);
    KILN_VERIFY_EXPECTED(out);
    auto tactics = tacticsFor(gpu, l.node(), Precision::FP32, in, *out);
    QVERIFY(!tactics.hasValue());
    QCOMPARE(tactics.status().code(), StatusCode::Unsupported);
}

// ResNet-50's 3x3 64 -> 64 convolution at 56x56, batch 64 (+ bias + Relu, as after BN folding),
// and BERT-base's FFN up-projection [8192, 768] x [768, 3072] (+ bias + GELU, and plain), FP16.
void TestCudaTactics::timings() {
    KILN_SKIP_WITHOUT_GPU();
    if (qEnvironmentVariableIsEmpty("KILN_TACTIC_TIMINGS")) QSKIP("set KILN_TACTIC_TIMINGS=1 to time the tactics");
    Layer conv("resnet50.conv3x3_64_56x56_b64", "FusedConv", "kiln");
    conv.in({64, 64, 56, 56}).weight({64, 64, 3, 3}, 576).weight({64}, 1).attr("pads", ints({1, 1, 1, 1}))
        .activation({ops::ActivationKind::Relu});
    benchmark(gpu, conv.node(), Precision::FP16, conv.inputs(1), {64, 64, 56, 56}, 2.0 * 64 * 64 * 64 * 9 * 56 * 56);

    Layer ffn("bert.ffn_up_8192x768x3072_gelu", "FusedGemm", "kiln");
    ffn.in({64, 128, 768}).weight({768, 3072}, 768).weight({3072}, 1).attr("matmul", int64_t(1))
        .activation({ops::ActivationKind::Gelu});
    benchmark(gpu, ffn.node(), Precision::FP16, ffn.inputs(2), {64, 128, 3072}, 2.0 * 8192 * 768 * 3072);

    Layer mm("bert.matmul_8192x768x3072", "MatMul");
    mm.in({8192, 768}).weight({768, 3072}, 768);
    benchmark(gpu, mm.node(), Precision::FP16, mm.inputs(3), {8192, 3072}, 2.0 * 8192 * 768 * 3072);
}

QTEST_GUILESS_MAIN(TestCudaTactics)
#include "test_cuda_tactics.moc"
