// The pattern-recognition passes: decomposed LayerNorm, GELU (erf and tanh), SiLU and multi-head
// attention become one kiln layer each. Every case checks op counts, the log, and that the CPU
// reference computes the same numbers before and after; negative cases check the decline reason.
#include <QtTest>

#include <chrono>
#include <cmath>

#include "backends/cpu/cpu_executor.h"
#include "onnx/importer.h"
#include "passes/passes.h"
#include "passes/pipeline.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using ir::Attribute;
using ir::Value;

namespace {

HostTensor scalar(float v) { return HostTensor::scalar(DataType::Float32, v); }
HostTensor ints(std::vector<int64_t> v) {
    const int64_t n = int64_t(v.size());
    return HostTensor::fromVector<int64_t>({n}, v);
}
Attribute axes(std::vector<int64_t> a) { return Attribute(std::move(a)); }

std::string declineReasons(const passes::PassLog& log) {
    std::string s;
    for (const auto& p : log.passes())
        for (const auto& d : p.declines) s += d.reason + "\n";
    return s;
}
std::string explanations(const passes::PassLog& log) {
    std::string s;
    for (const auto& p : log.passes())
        for (const auto& r : p.rewrites) s += r.explanation + "\n";
    return s;
}

// ---- LayerNorm -----------------------------------------------------------------------------

struct LnOptions {
    bool mulSelf = false, reciprocal = false, gamma = true, beta = true, gammaRank3 = false;
    int64_t axis = -1;
    bool epsInput = false, extraConsumer = false;
};

// layer_norm() of tools/make_sample_models.py: (x - mean) / sqrt(var + eps) * gamma + beta.
std::unique_ptr<ir::Graph> layerNormGraph(const LnOptions& o) {
    test::TestGraph t;
    Value* x = t.input("x", {2, 5, 8});
    Value* mean = t.op("ReduceMean", {x}, {{"axes", axes({o.axis})}, {"keepdims", Attribute(int64_t(1))}});
    Value* d = t.op("Sub", {x, mean});
    Value* sq = o.mulSelf ? t.op("Mul", {d, d}) : t.op("Pow", {d, t.constant("two", scalar(2.f))});
    Value* var = t.op("ReduceMean", {sq}, {{"axes", axes({o.axis})}});
    Value* eps = o.epsInput ? t.op("Abs", {t.input("eps", {})}) : t.constant("eps", scalar(1e-5f));
    Value* root = t.op("Sqrt", {t.op("Add", {var, eps})});
    Value* y = o.reciprocal ? t.op("Mul", {t.op("Reciprocal", {root}), d}) : t.op("Div", {d, root});
    if (o.gamma) y = t.op("Mul", {y, t.randomConstant("gamma", o.gammaRank3 ? std::vector<int64_t>{1, 1, 8} : std::vector<int64_t>{8})});
    if (o.beta) y = t.op("Add", {t.randomConstant("beta", {8}), y});
    t.output(y);
    if (o.extraConsumer) t.output(t.op("Relu", {d}));
    return t.build();
}

// ---- GELU ----------------------------------------------------------------------------------

enum class GeluForm { DivHalfLast, MulHalfLast, HalfFirst, HalfOnTerm, TanhPow, TanhCubeByMul };

std::unique_ptr<ir::Graph> geluGraph(GeluForm f, float sqrt2 = 1.4142135f, float half = 0.5f, bool extra = false) {
    test::TestGraph t;
    Value* x = t.input("x", {3, 16});
    Value* inner = nullptr;
    Value* fn = nullptr;
    if (f == GeluForm::TanhPow || f == GeluForm::TanhCubeByMul) {
        Value* cube = f == GeluForm::TanhPow ? t.op("Pow", {x, t.constant("three", scalar(3.f))})
                                             : t.op("Mul", {x, t.op("Mul", {x, x})});
        Value* s = t.op("Add", {x, t.op("Mul", {t.constant("c", scalar(0.044715f)), cube})});
        fn = t.op("Tanh", {t.op("Mul", {s, t.constant("k", scalar(0.7978845608f))})});
    } else {
        inner = f == GeluForm::MulHalfLast ? t.op("Mul", {x, t.constant("inv", scalar(1.f / sqrt2))})
                                           : t.op("Div", {x, t.constant("sqrt2", scalar(sqrt2))});
        fn = t.op("Erf", {inner});
    }
    Value* onePlus = t.op("Add", {fn, t.constant("one", scalar(1.f))});
    Value* y = nullptr;
    if (f == GeluForm::HalfFirst) y = t.op("Mul", {t.op("Mul", {x, t.constant("half", scalar(half))}), onePlus});
    else if (f == GeluForm::HalfOnTerm) y = t.op("Mul", {x, t.op("Mul", {onePlus, t.constant("half", scalar(half))})});
    else y = t.op("Mul", {t.op("Mul", {x, onePlus}), t.constant("half", scalar(half))});
    t.output(y);
    if (extra) t.output(t.op("Neg", {fn}));
    return t.build();
}

// ---- Attention -----------------------------------------------------------------------------

enum class ScaleAt { Scores, Q, K };
struct AttnOptions {
    ScaleAt scaleAt = ScaleAt::Scores;
    bool scaleByMul = false, kTwoTransposes = false, mask = true, headSplit = true, extraConsumer = false;
    int64_t softmaxAxis = -1;
};
constexpr int64_t kB = 2, kS = 5, kH = 2, kD = 4, kHidden = kH * kD;

// encoder_layer() of tools/make_sample_models.py with constant Reshape shapes.
std::unique_ptr<ir::Graph> attentionGraph(const AttnOptions& o) {
    test::TestGraph t;
    Value* x = t.input("x", {kB, kS, kHidden});
    auto proj = [&](const char* n) { return t.op("MatMul", {x, t.randomConstant(n, {kHidden, kHidden})}); };
    Value *q = proj("wq"), *k = proj("wk"), *v = proj("wv");
    auto scaled = [&](Value* s, float by) {
        return o.scaleByMul ? t.op("Mul", {s, t.constant("scale", scalar(1.f / by))})
                            : t.op("Div", {s, t.constant("scale", scalar(by))});
    };
    Value* scores = nullptr;
    Value* vh = v;
    if (o.headSplit) {
        Value* split = t.constant("split", ints({kB, kS, kH, kD}));
        auto heads = [&](Value* a, std::vector<int64_t> perm) {
            return t.op("Transpose", {t.op("Reshape", {a, split})}, {{"perm", Attribute(std::move(perm))}});
        };
        Value* qh = heads(q, {0, 2, 1, 3});
        Value* kh = o.kTwoTransposes ? t.op("Transpose", {heads(k, {0, 2, 1, 3})}, {{"perm", Attribute(std::vector<int64_t>{0, 1, 3, 2})}})
                                     : heads(k, {0, 2, 3, 1});
        vh = heads(v, {0, 2, 1, 3});
        if (o.scaleAt == ScaleAt::Q) qh = scaled(qh, 2.f);
        if (o.scaleAt == ScaleAt::K) kh = scaled(kh, 2.f);
        scores = t.op("MatMul", {qh, kh});
    } else {
        scores = t.op("MatMul", {q, t.op("Transpose", {k}, {{"perm", Attribute(std::vector<int64_t>{0, 2, 1})}})});
    }
    if (o.scaleAt == ScaleAt::Scores) scores = scaled(scores, 2.f);
    if (o.mask) scores = t.op("Add", {scores, t.input("mask", {kB, 1, 1, kS})});
    Value* probs = t.op("Softmax", {scores}, {{"axis", Attribute(o.softmaxAxis)}});
    Value* ctx = t.op("MatMul", {probs, vh});
    if (o.headSplit) {
        Value* tr = t.op("Transpose", {ctx}, {{"perm", Attribute(std::vector<int64_t>{0, 2, 1, 3})}});
        ctx = t.op("Reshape", {tr, t.constant("merge", ints({kB, kS, kHidden}))});
        if (o.extraConsumer) t.output(t.op("Relu", {tr}));
    }
    t.output(t.op("MatMul", {ctx, t.randomConstant("wo", {kHidden, kHidden})}));
    return t.build();
}

// The attention of a BERT exported by torch.onnx.export (dynamo=False, transformers 5): per-head
// Reshape targets from Shape(x), Q and K each scaled by sqrt(1/sqrt(D)), K transposed to
// [B, H, D, S], an additive mask Where(mask, 0, -inf), and the Softmax's NaN guard
// Where(IsNaN(p), 0, p). The value shapes are forgotten, as libonnx loses them there.
struct ExportOptions {
    float guardValue = 0.f;
    bool guardUsedElsewhere = false;
};
constexpr int64_t kExportHeads = 4, kExportHeadDim = 16, kExportHidden = 64;

std::unique_ptr<ir::Graph> torchExportAttention(const ExportOptions& o = {}) {
    test::TestGraph t(14);
    Value* x = t.input("x", {1, 1, kExportHidden});
    x->setShape(Shape({Dim::symbolic("batch"), Dim::symbolic("sequence"), Dim(kExportHidden)}));
    Value* mask = t.input("attention_mask", {1, 1}, DataType::Int64);
    mask->setShape(Shape({Dim::symbolic("batch"), Dim::symbolic("sequence")}));
    auto dim = [&](int64_t i) {
        Value* g = t.op("Gather", {t.op("Shape", {x}), t.constant("i", HostTensor::fromVector<int64_t>({}, {i}))}, {{"axis", Attribute(int64_t(0))}});
        return t.op("Unsqueeze", {g, t.constant("axes", ints({0}))});
    };
    auto heads = [&](const char* w, std::vector<int64_t> perm) {
        Value* p = t.op("Add", {t.randomConstant(std::string(w) + ".bias", {kExportHidden}, -0.1f, 0.1f),
                                t.op("MatMul", {x, t.randomConstant(w, {kExportHidden, kExportHidden})})});
        Value* target = t.op("Concat", {dim(0), dim(1), t.constant("m1", ints({-1})), t.constant("d", ints({kExportHeadDim}))},
                             {{"axis", Attribute(int64_t(0))}});
        return t.op("Transpose", {t.op("Reshape", {p, target})}, {{"perm", Attribute(std::move(perm))}});
    };
    Value* q = heads("wq", {0, 2, 1, 3});
    Value* k = heads("wk", {0, 2, 3, 1});
    Value* v = heads("wv", {0, 2, 1, 3});
    Value* root = t.constant("sqrt_scale", scalar(0.5f));  // sqrt(1 / sqrt(16)) on each of Q and K
    Value* scores = t.op("MatMul", {t.op("Mul", {q, root}), t.op("Mul", {k, root})});
    Value* keep = t.op("Cast", {t.op("Unsqueeze", {mask, t.constant("axes12", ints({1, 2}))})}, {{"to", Attribute(int64_t(9))}});
    Value* additive = t.op("Where", {keep, t.constant("zero", HostTensor::fromVector<float>({1}, {0.f})),
                                     t.constant("ninf", HostTensor::fromVector<float>({1}, {-INFINITY}))}, {}, "mask_where");
    Value* p = t.op("Softmax", {t.op("Add", {scores, additive})}, {{"axis", Attribute(int64_t(-1))}}, "softmax");
    Value* isNan = t.op("IsNaN", {p}, {}, "isnan");
    Value* guarded = t.op("Where", {isNan, t.constant("guard", HostTensor::fromVector<float>({1}, {o.guardValue})), p}, {}, "guard");
    if (o.guardUsedElsewhere) t.output(t.op("Not", {isNan}));
    Value* ctx = t.op("Transpose", {t.op("MatMul", {guarded, v})}, {{"perm", Attribute(std::vector<int64_t>{0, 2, 1, 3})}});
    Value* merged = t.op("Reshape", {ctx, t.op("Concat", {dim(0), dim(1), t.constant("m1", ints({-1}))}, {{"axis", Attribute(int64_t(0))}})});
    Value* out = t.op("Add", {t.randomConstant("wo.bias", {kExportHidden}, -0.1f, 0.1f),
                              t.op("MatMul", {merged, t.randomConstant("wo", {kExportHidden, kExportHidden})})});
    t.output(t.op("Add", {out, x}, {}, "residual"));
    auto g = t.build();
    if (g) test::forgetShapes(*g);
    return g;
}

// Random x; batch 0 attends to its first 5 tokens, batch 1 to none (a fully masked row).
cpu::TensorMap exportInputs(const ir::Graph& g) {
    auto inputs = cpu::makeRandomInputs(g, 11, {{"batch", 2}, {"sequence", 7}});
    HostTensor& mask = inputs->at("attention_mask");
    for (int64_t i = 0; i < mask.numel(); ++i) mask.data<int64_t>()[i] = i < 5 ? 1 : 0;
    return *inputs;
}

// Runs the four pattern passes in pipeline order.
std::vector<test::PassResult> runPatterns(const ir::Graph& g) {
    std::vector<std::unique_ptr<passes::Pass>> ps;
    ps.push_back(passes::makeLayerNormPatternPass());
    ps.push_back(passes::makeGeluPatternPass());
    ps.push_back(passes::makeSiluPatternPass());
    ps.push_back(passes::makeAttentionPatternPass());
    std::vector<test::PassResult> out;
    const ir::Graph* cur = &g;
    for (auto& p : ps) {
        out.push_back(test::runPass(*cur, *p));
        if (!out.back().status.isOk()) break;
        cur = out.back().graph.get();
    }
    return out;
}

}  // namespace

class TestPassPatterns : public QObject {
    Q_OBJECT

private slots:
    // ---- recognize-layernorm ----
    void layerNorm_data() {
        QTest::addColumn<bool>("mulSelf");
        QTest::addColumn<bool>("reciprocal");
        QTest::addColumn<bool>("gamma");
        QTest::addColumn<bool>("beta");
        QTest::addColumn<bool>("gammaRank3");
        QTest::addColumn<int>("nodes");
        QTest::newRow("pytorch export") << false << false << true << true << false << 9;
        QTest::newRow("square as Mul") << true << false << true << true << false << 9;
        QTest::newRow("Mul Reciprocal") << false << true << true << true << false << 10;
        QTest::newRow("no affine") << false << false << false << false << false << 7;
        QTest::newRow("beta only") << false << false << false << true << false << 8;
        QTest::newRow("gamma [1, 1, 8]") << false << false << true << false << true << 8;
    }
    void layerNorm() {
        QFETCH(bool, mulSelf);
        QFETCH(bool, reciprocal);
        QFETCH(bool, gamma);
        QFETCH(bool, beta);
        QFETCH(bool, gammaRank3);
        QFETCH(int, nodes);
        auto g = layerNormGraph({.mulSelf = mulSelf, .reciprocal = reciprocal, .gamma = gamma, .beta = beta, .gammaRank3 = gammaRank3});
        QVERIFY(g);
        QCOMPARE(g->numNodes(), nodes);
        auto pass = passes::makeLayerNormPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(test::countOps(*r.graph, "LayerNormalization", "kiln"), 1);
        const ir::Node* ln = r.graph->nodes()[0].get();
        QCOMPARE(ln->attrInt("axis", 0), int64_t(-1));
        QCOMPARE(ln->attrFloat("epsilon", 0.f), 1e-5f);
        QCOMPARE(int(ln->origins().size()), nodes);
        const std::string text = explanations(r.log);
        QVERIFY2(text.find("Recognized LayerNormalization: y = (x - mean(x)) / sqrt(var(x) + eps)") != std::string::npos, text.c_str());
        QVERIFY2(text.find(std::to_string(nodes) + " nodes -> 1 layer") != std::string::npos, text.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void layerNormDeclines_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("reason");
        QTest::newRow("reduce over axis 1") << 0 << "ReduceMean reduces axis 1, not the last axis";
        QTest::newRow("centred value used elsewhere") << 1 << "x - mean has 3 consumers";
        QTest::newRow("epsilon computed") << 2 << "epsilon is not a constant";
    }
    void layerNormDeclines() {
        QFETCH(int, variant);
        QFETCH(QString, reason);
        auto g = layerNormGraph({.axis = variant == 0 ? 1 : -1, .epsInput = variant == 2, .extraConsumer = variant == 1});
        QVERIFY(g);
        auto pass = passes::makeLayerNormPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), g->numNodes());
        QCOMPARE(test::countOps(*r.graph, "LayerNormalization", "kiln"), 0);
        const std::string why = declineReasons(r.log);
        QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
        QCOMPARE(int(r.log.passes()[0].declines.size()), 1);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // ---- recognize-gelu ----
    void gelu_data() {
        QTest::addColumn<int>("form");
        QTest::addColumn<QString>("approximate");
        QTest::newRow("x / 1.4142, * 0.5 last") << int(GeluForm::DivHalfLast) << "none";
        QTest::newRow("x * 0.7071, * 0.5 last") << int(GeluForm::MulHalfLast) << "none";
        QTest::newRow("0.5 * x first") << int(GeluForm::HalfFirst) << "none";
        QTest::newRow("0.5 on (1 + erf)") << int(GeluForm::HalfOnTerm) << "none";
        QTest::newRow("tanh, Pow 3") << int(GeluForm::TanhPow) << "tanh";
        QTest::newRow("tanh, x * x * x") << int(GeluForm::TanhCubeByMul) << "tanh";
    }
    void gelu() {
        QFETCH(int, form);
        QFETCH(QString, approximate);
        auto g = geluGraph(GeluForm(form));
        QVERIFY(g);
        auto pass = passes::makeGeluPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(test::countOps(*r.graph, "Gelu", "kiln"), 1);
        QCOMPARE(QString::fromStdString(r.graph->nodes()[0]->attrString("approximate", "")), approximate);
        const std::string text = explanations(r.log);
        QVERIFY2(text.find("Recognized GELU") != std::string::npos, text.c_str());
        QVERIFY2(text.find(std::to_string(g->numNodes()) + " nodes -> 1 layer") != std::string::npos, text.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void geluDeclines_data() {
        QTest::addColumn<float>("sqrt2");
        QTest::addColumn<float>("half");
        QTest::addColumn<bool>("extra");
        QTest::addColumn<QString>("reason");
        QTest::newRow("x / 1.5") << 1.5f << 0.5f << false << "Erf's argument is x / 1.5, not x / sqrt(2)";
        QTest::newRow("* 0.6") << 1.4142135f << 0.6f << false << "is not multiplied by 0.5";
        QTest::newRow("erf used elsewhere") << 1.4142135f << 0.5f << true << "has 2 consumers";
    }
    void geluDeclines() {
        QFETCH(float, sqrt2);
        QFETCH(float, half);
        QFETCH(bool, extra);
        QFETCH(QString, reason);
        auto g = geluGraph(GeluForm::DivHalfLast, sqrt2, half, extra);
        QVERIFY(g);
        auto pass = passes::makeGeluPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), g->numNodes());
        const std::string why = declineReasons(r.log);
        QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // ---- recognize-silu ----
    void silu_data() {
        QTest::addColumn<bool>("sigmoidFirst");
        QTest::newRow("x * sigmoid(x)") << false;
        QTest::newRow("sigmoid(x) * x") << true;
    }
    void silu() {
        QFETCH(bool, sigmoidFirst);
        test::TestGraph t;
        Value* x = t.input("x", {4, 6});
        Value* s = t.op("Sigmoid", {x});
        t.output(t.op("Relu", {sigmoidFirst ? t.op("Mul", {s, x}) : t.op("Mul", {x, s})}));
        auto g = t.build();
        QVERIFY(g);
        auto pass = passes::makeSiluPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 2);
        QCOMPARE(test::countOps(*r.graph, "Silu", "kiln"), 1);
        QVERIFY(explanations(r.log).find("Recognized SiLU: y = x * sigmoid(x)") != std::string::npos);
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void siluDeclines() {
        test::TestGraph t;
        Value* x = t.input("x", {4, 6});
        Value* y = t.input("y", {4, 6});
        t.output(t.op("Mul", {x, t.op("Sigmoid", {y})}, {}, "gate"));  // x * sigmoid(y)
        Value* s = t.op("Sigmoid", {x}, {}, "shared");
        t.output(t.op("Mul", {x, s}));
        t.output(s);  // the Sigmoid is a graph output too
        auto g = t.build();
        QVERIFY(g);
        auto pass = passes::makeSiluPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Silu", "kiln"), 0);
        const std::string why = declineReasons(r.log);
        QVERIFY2(why.find("Mul multiplies Sigmoid('y') by 'x', a different tensor") != std::string::npos, why.c_str());
        QVERIFY2(why.find("also a graph output") != std::string::npos, why.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // ---- recognize-attention ----
    void attention_data() {
        QTest::addColumn<int>("scaleAt");
        QTest::addColumn<bool>("scaleByMul");
        QTest::addColumn<bool>("kTwoTransposes");
        QTest::addColumn<bool>("mask");
        QTest::newRow("pytorch export") << int(ScaleAt::Scores) << false << false << true;
        QTest::newRow("Mul scale, no mask") << int(ScaleAt::Scores) << true << false << false;
        QTest::newRow("scale on Q") << int(ScaleAt::Q) << false << false << true;
        QTest::newRow("scale on K, K^T by two Transposes") << int(ScaleAt::K) << true << true << true;
    }
    void attention() {
        QFETCH(int, scaleAt);
        QFETCH(bool, scaleByMul);
        QFETCH(bool, kTwoTransposes);
        QFETCH(bool, mask);
        auto g = attentionGraph({.scaleAt = ScaleAt(scaleAt), .scaleByMul = scaleByMul, .kTwoTransposes = kTwoTransposes, .mask = mask});
        QVERIFY(g);
        auto pass = passes::makeAttentionPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(test::countOps(*r.graph, "Attention", "kiln"), 1);
        QCOMPARE(test::countOps(*r.graph, "Softmax"), 0);
        QCOMPARE(test::countOps(*r.graph, "Transpose"), 0);
        QCOMPARE(test::countOps(*r.graph, "Reshape"), 0);
        QCOMPARE(r.graph->numNodes(), 5);  // 4 MatMul projections + Attention
        const ir::Node* att = nullptr;
        for (auto& n : r.graph->nodes())
            if (n->opType() == "Attention") att = n.get();
        QCOMPARE(att->attrInt("num_heads", 0), kH);
        QCOMPARE(att->attrFloat("scale", 0.f), 0.5f);
        QCOMPARE(att->numInputs(), mask ? 4 : 3);
        const std::string text = explanations(r.log);
        QVERIFY2(text.find("Recognized multi-head attention: per head, y = softmax(Q K^T * 0.5") != std::string::npos, text.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    void attentionDeclines_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("reason");
        QTest::newRow("Softmax over axis 2") << 0 << "Softmax is over axis 2, not the last axis";
        QTest::newRow("no head split") << 1 << "are not split into heads [B, H, S, S]";
        QTest::newRow("merged heads used elsewhere") << 2 << "the output of Transpose 'Transpose_14' has 2 consumers";
    }
    void attentionDeclines() {
        QFETCH(int, variant);
        QFETCH(QString, reason);
        auto g = attentionGraph({.mask = variant != 1, .headSplit = variant != 1, .extraConsumer = variant == 2, .softmaxAxis = variant == 0 ? 2 : -1});
        QVERIFY(g);
        auto pass = passes::makeAttentionPatternPass();
        auto r = test::runPass(*g, *pass);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), g->numNodes());
        const std::string why = declineReasons(r.log);
        QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *r.graph)), QString());
    }

    // The real export's structure through the level-3 pipeline: symbolic shapes give the head
    // Reshapes static ranks, and the attention is one layer that also does the NaN guard.
    void attentionOfTorchExport() {
        auto g = torchExportAttention();
        QVERIFY(g);
        auto optimized = g->clone();
        passes::PassLog log(false);
        KILN_VERIFY_OK(passes::optimize(*optimized, {.level = 3}, &log));
        QCOMPARE(test::countOps(*optimized, "Attention", "kiln"), 1);
        for (const char* gone : {"Softmax", "Transpose", "Reshape", "Shape", "Concat", "Mul"}) QCOMPARE(test::countOps(*optimized, gone), 0);
        QCOMPARE(test::countOps(*optimized, "IsNaN"), 0);
        QCOMPARE(test::countOps(*optimized, "Where"), 1);  // the additive mask; the guard is in the layer
        const ir::Node* att = nullptr;
        for (auto& n : optimized->nodes())
            if (n->opType() == "Attention") att = n.get();
        QCOMPARE(att->attrInt("num_heads", 0), kExportHeads);
        QCOMPARE(att->attrFloat("scale", 0.f), 0.25f);
        QCOMPARE(att->attrInt("zero_nan_rows", 0), int64_t(1));
        QCOMPARE(att->input(3)->shape().toString(), std::string("[batch, 1, 1, sequence]"));
        const std::string text = explanations(log);
        QVERIFY2(text.find("becomes zero_nan_rows = 1") != std::string::npos, text.c_str());
        qInfo("torch-export attention block: %d nodes -> %d layers", g->numNodes(), optimized->numNodes());
        QCOMPARE(QString::fromStdString(test::checkEquivalentOn(*g, *optimized, exportInputs(*g))), QString());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*g, *optimized)), QString());
    }

    void attentionOfTorchExportDeclines_data() {
        QTest::addColumn<float>("guardValue");
        QTest::addColumn<bool>("guardUsedElsewhere");
        QTest::addColumn<QString>("reason");
        QTest::newRow("NaN -> 1") << 1.f << false << "NaN probabilities become 1, not 0";
        QTest::newRow("IsNaN read elsewhere") << 0.f << true << "the output of IsNaN 'isnan' has 2 consumers";
    }
    void attentionOfTorchExportDeclines() {
        QFETCH(float, guardValue);
        QFETCH(bool, guardUsedElsewhere);
        QFETCH(QString, reason);
        auto g = torchExportAttention({.guardValue = guardValue, .guardUsedElsewhere = guardUsedElsewhere});
        QVERIFY(g);
        auto optimized = g->clone();
        passes::PassLog log(false);
        KILN_VERIFY_OK(passes::optimize(*optimized, {.level = 3}, &log));
        QCOMPARE(test::countOps(*optimized, "Attention", "kiln"), 0);
        QCOMPARE(test::countOps(*optimized, "Softmax"), 1);
        const std::string why = declineReasons(log);
        QVERIFY2(why.find(reason.toStdString()) != std::string::npos, why.c_str());
        QCOMPARE(QString::fromStdString(test::checkEquivalentOn(*g, *optimized, exportInputs(*g))), QString());
    }

    // ---- the bundled encoder: every pattern, in pipeline order ----
    void encoderMini() {
        auto g = onnx::importModelFile(test::sampleModel("encoder_mini.onnx"));
        KILN_VERIFY_EXPECTED(g);
        const ir::Graph& before = **g;
        auto results = runPatterns(before);
        QCOMPARE(int(results.size()), 4);
        for (auto& r : results) KILN_VERIFY_OK(r.status);
        const ir::Graph& after = *results.back().graph;
        for (auto& r : results) QVERIFY2(declineReasons(r.log).empty(), declineReasons(r.log).c_str());
        QCOMPARE(results[0].log.totalRewrites(), 5);
        QCOMPARE(results[1].log.totalRewrites(), 2);
        QCOMPARE(results[2].log.totalRewrites(), 0);
        QCOMPARE(results[3].log.totalRewrites(), 2);
        QCOMPARE(test::countOps(after, "LayerNormalization", "kiln"), 5);
        QCOMPARE(test::countOps(after, "Gelu", "kiln"), 2);
        QCOMPARE(test::countOps(after, "Attention", "kiln"), 2);
        for (const char* gone : {"ReduceMean", "Erf", "Softmax", "Sqrt", "Pow", "Transpose"})
            QCOMPARE(test::countOps(after, gone), 0);
        qInfo("encoder_mini: %d nodes before, %d after the pattern passes (dead shape arithmetic not yet removed)",
              before.numNodes(), after.numNodes());

        // batch 2, sequence 7, a 0/1 attention mask with padding at the end of one sequence
        auto inputs = cpu::makeRandomInputs(before, 7, {{"batch", 2}, {"sequence", 7}});
        KILN_VERIFY_EXPECTED(inputs);
        HostTensor& mask = inputs->at("attention_mask");
        for (int64_t i = 0; i < mask.numel(); ++i) mask.data<int64_t>()[i] = i >= 11 ? 0 : 1;
        cpu::CpuExecutor a(before), b(after);
        auto ra = a.run(*inputs);
        auto rb = b.run(*inputs);
        KILN_VERIFY_EXPECTED(ra);
        KILN_VERIFY_EXPECTED(rb);
        const HostTensor& ya = ra->at("last_hidden_state");
        QCOMPARE(ya.dims(), (std::vector<int64_t>{2, 7, 64}));
        CompareResult c = compareTensors(rb->at("last_hidden_state"), ya, 0, 0);
        QVERIFY2(c.shapesMatch && !c.nanMismatch && c.relativeL2 <= 1e-5, c.toString().c_str());
    }

    // The same model through the whole pipeline: the patterns are found after constant folding
    // and no-op elimination too (Reshape targets then constants), and nothing after them undoes them.
    void encoderMiniPipeline() {
        auto g = onnx::importModelFile(test::sampleModel("encoder_mini.onnx"));
        KILN_VERIFY_EXPECTED(g);
        auto optimized = (*g)->clone();
        passes::PassLog log(false);
        passes::OptimizeOptions options;
        options.level = 3;
        KILN_VERIFY_OK(passes::optimize(*optimized, options, &log));
        std::map<std::string, int> found;
        for (const auto& p : log.passes()) found[p.name] += int(p.rewrites.size());
        QCOMPARE(found["recognize-layernorm"], 5);
        QCOMPARE(found["recognize-gelu"], 2);
        QCOMPARE(found["recognize-attention"], 2);
        QCOMPARE(test::countOps(*optimized, "Attention", "kiln"), 2);
        QCOMPARE(test::countOps(*optimized, "LayerNormalization", "kiln"), 5);
        qInfo("encoder_mini through the level-3 pipeline: %d nodes -> %d", (*g)->numNodes(), optimized->numNodes());
        QCOMPARE(QString::fromStdString(test::checkEquivalent(**g, *optimized)), QString());
    }

    // ---- speed: a 10,000-node graph of LayerNorm + GELU + SiLU blocks ----
    void largeGraphIsFast() {
        test::TestGraph t;
        Value* x = t.input("x", {1, 8});
        Value* half = t.constant("half", scalar(0.5f));
        Value* one = t.constant("one", scalar(1.f));
        Value* sqrt2 = t.constant("sqrt2", scalar(1.4142135f));
        Value* two = t.constant("two", scalar(2.f));
        Value* eps = t.constant("eps", scalar(1e-5f));
        for (int i = 0; i < 625; ++i) {  // 16 nodes each
            Value* d = t.op("Sub", {x, t.op("ReduceMean", {x}, {{"axes", axes({-1})}})});
            Value* var = t.op("ReduceMean", {t.op("Pow", {d, two})}, {{"axes", axes({-1})}});
            x = t.op("Div", {d, t.op("Sqrt", {t.op("Add", {var, eps})})});
            Value* e = t.op("Add", {t.op("Erf", {t.op("Div", {x, sqrt2})}), one});
            x = t.op("Mul", {t.op("Mul", {x, e}), half});
            x = t.op("Mul", {x, t.op("Sigmoid", {x})});
            x = t.op("Relu", {t.op("Neg", {x})});
        }
        t.output(x);
        auto g = t.build();
        QVERIFY(g);
        QCOMPARE(g->numNodes(), 10000);
        auto t0 = std::chrono::steady_clock::now();
        auto results = runPatterns(*g);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (auto& r : results) KILN_VERIFY_OK(r.status);
        const ir::Graph& after = *results.back().graph;
        QCOMPARE(test::countOps(after, "LayerNormalization", "kiln"), 625);
        QCOMPARE(test::countOps(after, "Gelu", "kiln"), 625);
        QCOMPARE(test::countOps(after, "Silu", "kiln"), 625);
        QCOMPARE(after.numNodes(), 5 * 625);
        qInfo("4 pattern passes on 10,000 nodes: %.3f s", seconds);
        QVERIFY2(seconds < 2.0, std::to_string(seconds).c_str());
    }
};

QTEST_GUILESS_MAIN(TestPassPatterns)
#include "test_pass_patterns.moc"
