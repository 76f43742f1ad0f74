// Builder -> plan -> Runtime -> Engine -> ExecutionContext on the CPU backend: the memory
// planner, profiles and dynamic shapes, IO binding, and the engine's outputs against the CPU
// reference run of the unoptimized model.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "backends/cpu/cpu_executor.h"
#include "builder/builder.h"
#include "builder/memory_planner.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "plan/plan_format.h"
#include "runtime/report.h"
#include "runtime/runtime.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

// Silent unless something is wrong.
struct QuietLogger : Logger {
    std::vector<std::string> warnings;
    void log(Severity s, std::string_view m) noexcept override {
        if (s <= Severity::Warning) warnings.emplace_back(m);
    }
};

std::unique_ptr<NetworkDefinition> parse(const std::string& sample, Logger& log) {
    auto net = Builder(log).createNetwork();
    OnnxParser parser(*net, log);
    Status st = parser.parseFromFile(test::sampleModel(sample));
    if (!st.isOk()) qWarning("%s", st.toString().c_str());
    return st.isOk() ? std::move(net) : nullptr;
}

BuilderConfig configFor(const std::string& sample) {
    BuilderConfig c;
    OptimizationProfile p;
    if (sample == "encoder_mini.onnx") {
        (void)p.setDimensions("input_ids", {1, 1}, {2, 16}, {4, 32});
        (void)p.setDimensions("attention_mask", {1, 1}, {2, 16}, {4, 32});
    } else {
        const int64_t c1 = sample == "lenet5.onnx" ? 1 : 3, hw = sample == "lenet5.onnx" ? 28 : 64;
        (void)p.setDimensions("input", {1, c1, hw, hw}, {2, c1, hw, hw}, {4, c1, hw, hw});
    }
    c.profiles.push_back(p);
    return c;
}

// A sample parsed, built with configFor(sample), serialized and deserialized: what a deployment loads.
struct BuiltSample {
    std::unique_ptr<NetworkDefinition> net;
    std::unique_ptr<Engine> engine;
    size_t planBytes = 0;
};
Expected<BuiltSample> buildSample(const std::string& sample, Logger& log) {
    BuiltSample b;
    b.net = parse(sample, log);
    if (!b.net) return invalidArgument("cannot parse " + sample);
    Builder builder(log);
    KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, builder.buildSerializedNetwork(*b.net, configFor(sample)));
    b.planBytes = bytes.size();
    KILN_ASSIGN_OR_RETURN(b.engine, Runtime(log).deserializeEngine(bytes.data(), bytes.size()));
    return b;
}

std::map<std::string, HostTensor> randomInputs(const ir::Graph& g, int64_t batch, int64_t seq, uint64_t seed) {
    auto in = cpu::makeRandomInputs(g, seed, {{"batch", batch}, {"sequence", seq}});
    if (!in) qFatal("%s", in.status().toString().c_str());
    // Attention masks are 0/1.
    if (auto it = in->find("attention_mask"); it != in->end())
        for (int64_t i = 0; i < it->second.numel(); ++i) it->second.setDouble(i, i % 7 == 6 ? 0.0 : 1.0);
    return *in;
}

double worstRelL2(const cpu::TensorMap& want, ExecutionContext& ctx) {
    double worst = 0;
    for (auto& [name, t] : want) {
        auto got = ctx.output(name);
        if (!got) return 1e9;
        worst = std::max(worst, compareTensors(*got, t).relativeL2);
    }
    return worst;
}

// A tiny chain graph for planner tests: x -> Relu -> Relu -> ... (n of them) -> output.
std::unique_ptr<ir::Graph> reluChain(int n) {
    test::TestGraph t;
    ir::Value* v = t.input("x", {1, 256});
    for (int i = 0; i < n; ++i) v = t.op("Relu", {v});
    t.output(v);
    return t.build();
}

int64_t staticBytes(const ir::Value& v) {
    auto n = v.shape().numel();
    return n ? *n * int64_t(dataTypeSize(v.dtype())) : -1;
}

}  // namespace

class TestRuntime : public QObject {
    Q_OBJECT
private slots:
    void plannerReusesDeadBuffers() {
        auto g = reluChain(4);
        QVERIFY(g);
        auto mp = planMemory(*g, staticBytes);
        KILN_VERIFY_EXPECTED(mp);
        // 1 KiB tensors; at most two are live at once (a layer's input and output).
        QCOMPARE(mp->noReuseBytes, int64_t(4 * 1024));
        QCOMPARE(mp->arenaBytes, int64_t(2 * 1024));
        QCOMPARE(findMemoryPlanConflict(*mp), std::string());
        MemoryPlannerOptions noReuse;
        noReuse.reuse = false;
        auto flat = planMemory(*g, staticBytes, noReuse);
        QCOMPARE(flat->arenaBytes, int64_t(4 * 1024));
    }

    void plannerAliasesViewsAndInplaceConcat() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {1, 64});
        ir::Value* a = t.op("Relu", {x}, {}, "a");
        ir::Value* b = t.op("Sigmoid", {x}, {}, "b");
        ir::Value* c = t.op("Concat", {a, b}, {{"axis", int64_t(1)}}, "cat");
        ir::Value* shape = t.constant("shape", HostTensor::fromVector<int64_t>({2}, {2, 64}));
        ir::Value* r = t.op("Reshape", {c, shape}, {}, "reshape");
        t.output(t.op("Tanh", {r}, {}, "out"));
        auto g = t.build();
        QVERIFY(g);
        g->findNode("cat")->setAttr("kiln_inplace", int64_t(1));
        auto mp = planMemory(*g, staticBytes);
        KILN_VERIFY_EXPECTED(mp);
        std::map<std::string, plan::BufferRecord> by;
        for (auto& b : mp->buffers) by[b.tensor] = b;
        const std::string aOut = g->findNode("a")->output(0)->name(), bOut = g->findNode("b")->output(0)->name();
        const std::string cOut = g->findNode("cat")->output(0)->name(), rOut = g->findNode("reshape")->output(0)->name();
        QCOMPARE(by[aOut].aliasOf, cOut);
        QCOMPARE(by[bOut].aliasOf, cOut);
        QCOMPARE(by[bOut].aliasOffset, int64_t(256));
        QCOMPARE(by[bOut].offset, by[cOut].offset + 256);
        QCOMPARE(by[rOut].aliasOf, cOut);
        QCOMPARE(by[rOut].offset, by[cOut].offset);
        QCOMPARE(findMemoryPlanConflict(*mp), std::string());

        // The same graph must run through an engine with the aliases in place.
        QuietLogger log;
        auto net = Builder(log).createNetwork();
        KILN_VERIFY_OK(net->adoptGraph(g->clone()));
        Builder builder(log);
        BuilderConfig cfg;
        cfg.optimizationLevel = 0;  // keep the hand-made kiln_inplace Concat as it is
        auto planned = builder.buildPlan(*net, cfg);
        KILN_VERIFY_EXPECTED(planned);
        auto engine = Runtime(log).createEngine(std::move(planned).value());
        KILN_VERIFY_EXPECTED(engine);
        auto ctx = (*engine)->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        auto inputs = randomInputs(*g, 1, 1, 3);
        KILN_VERIFY_OK((*ctx)->setInputs(inputs));
        KILN_VERIFY_OK((*ctx)->execute());
        cpu::CpuExecutor ref(*g);
        auto want = ref.run(inputs);
        KILN_VERIFY_EXPECTED(want);
        QCOMPARE(worstRelL2(*want, **ctx), 0.0);
    }

    void samplesMatchReference_data() {
        QTest::addColumn<QString>("sample");
        QTest::newRow("resnet_mini") << "resnet_mini.onnx";
        QTest::newRow("encoder_mini") << "encoder_mini.onnx";
        QTest::newRow("lenet5") << "lenet5.onnx";
    }
    void samplesMatchReference() {
        QFETCH(QString, sample);
        QuietLogger log;
        auto built = buildSample(sample.toStdString(), log);
        KILN_VERIFY_EXPECTED(built);
        auto& net = built->net;
        auto& engine = built->engine;
        const plan::MemoryPlan& mp = engine->plan().memory;
        QCOMPARE(findMemoryPlanConflict(mp), std::string());
        QVERIFY2(mp.arenaBytes < mp.noReuseBytes, "the arena must be smaller than separate buffers");
        qInfo("%s: %d layers, arena %lld bytes, no-reuse sum %lld bytes (%.0f%%), plan %zu bytes", qPrintable(sample),
              engine->numLayers(), (long long)mp.arenaBytes, (long long)mp.noReuseBytes,
              100.0 * double(mp.arenaBytes) / double(mp.noReuseBytes), built->planBytes);
        if (sample == "resnet_mini.onnx") QVERIFY(mp.arenaBytes * 2 <= mp.noReuseBytes);

        cpu::CpuExecutor reference(net->graph());
        auto c1 = engine->createExecutionContext();
        auto c2 = engine->createExecutionContext();
        KILN_VERIFY_EXPECTED(c1);
        KILN_VERIFY_EXPECTED(c2);
        // Several shapes inside the profile, two contexts of one engine.
        for (auto [batch, seq] : {std::pair<int64_t, int64_t>{1, 7}, {4, 32}, {2, 16}}) {
            auto inputs = randomInputs(net->graph(), batch, seq, uint64_t(batch * 100 + seq));
            auto want = reference.run(inputs);
            KILN_VERIFY_EXPECTED(want);
            for (ExecutionContext* ctx : {c1->get(), c2->get()}) {
                KILN_VERIFY_OK(ctx->setInputs(inputs));
                KILN_VERIFY_OK(ctx->execute());
                const double err = worstRelL2(*want, *ctx);
                QVERIFY2(err <= 1e-5, qPrintable(QString("rel L2 %1 at batch %2").arg(err).arg(batch)));
            }
        }
    }

    void serializeRoundTripIsBitIdentical() {
        QuietLogger log;
        auto net = parse("encoder_mini.onnx", log);
        QVERIFY(net);
        Builder builder(log);
        auto planned = builder.buildPlan(*net, configFor("encoder_mini.onnx"));
        KILN_VERIFY_EXPECTED(planned);
        auto bytes = plan::serializePlan(*planned);
        KILN_VERIFY_EXPECTED(bytes);
        auto direct = Runtime(log).createEngine(std::move(planned).value());
        auto loaded = Runtime(log).deserializeEngine(bytes->data(), bytes->size());
        KILN_VERIFY_EXPECTED(direct);
        KILN_VERIFY_EXPECTED(loaded);
        auto inputs = randomInputs(net->graph(), 3, 11, 9);
        auto a = (*direct)->createExecutionContext();
        auto b = (*loaded)->createExecutionContext();
        KILN_VERIFY_OK((*a)->setInputs(inputs));
        KILN_VERIFY_OK((*b)->setInputs(inputs));
        KILN_VERIFY_OK((*a)->execute());
        KILN_VERIFY_OK((*b)->execute());
        auto x = (*a)->output("last_hidden_state"), y = (*b)->output("last_hidden_state");
        KILN_VERIFY_EXPECTED(x);
        KILN_VERIFY_EXPECTED(y);
        QCOMPARE(x->byteSize(), y->byteSize());
        QVERIFY(std::memcmp(x->raw(), y->raw(), x->byteSize()) == 0);
    }

    void shapesOutsideProfileAreRefused() {
        QuietLogger log;
        auto built = buildSample("encoder_mini.onnx", log);
        KILN_VERIFY_EXPECTED(built);
        auto& net = built->net;
        auto& engine = built->engine;
        auto ctx = engine->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        Status st = (*ctx)->setInputShape("input_ids", {8, 16});
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("outside optimization profile 0") != std::string::npos, st.message().c_str());
        QVERIFY2(st.message().find("[1, 4]") != std::string::npos, st.message().c_str());
        st = (*ctx)->setInputShape("input_ids", {2, 16, 1});
        QVERIFY(!st.isOk() && st.message().find("rank") != std::string::npos);
        st = (*ctx)->setInputShape("nope", {2, 16});
        QVERIFY(!st.isOk() && st.message().find("not an input") != std::string::npos);
        // Unbound inputs are reported by name.
        st = (*ctx)->execute();
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("input_ids") != std::string::npos || st.message().find("attention_mask") != std::string::npos,
                 st.message().c_str());
        QCOMPARE((*ctx)->setOptimizationProfile(3).isOk(), false);
    }

    void profilesAreValidated() {
        QuietLogger log;
        auto net = parse("encoder_mini.onnx", log);
        QVERIFY(net);
        Builder builder(log);
        BuilderConfig none;
        auto r = builder.buildPlan(*net, none);
        QVERIFY(!r);
        QVERIFY2(r.status().message().find("input_ids") != std::string::npos, r.status().message().c_str());
        BuilderConfig bad;
        OptimizationProfile p;
        KILN_VERIFY_OK(p.setShape("input_ids", {2, 16}));
        KILN_VERIFY_OK(p.setShape("attention_mask", {2, 8}));
        KILN_VERIFY_OK(p.setShape("not_an_input", {1}));
        bad.profiles.push_back(p);
        r = builder.buildPlan(*net, bad);
        QVERIFY(!r);
        QVERIFY2(r.status().message().find("not_an_input") != std::string::npos, r.status().message().c_str());
        OptimizationProfile q;
        KILN_VERIFY_OK(q.setShape("input_ids", {2, 16}));
        KILN_VERIFY_OK(q.setShape("attention_mask", {2, 8}));
        BuilderConfig disagree;
        disagree.profiles.push_back(q);
        r = builder.buildPlan(*net, disagree);
        QVERIFY(!r);
        QVERIFY2(r.status().message().find("sequence") != std::string::npos, r.status().message().c_str());
        OptimizationProfile w;
        QVERIFY(!w.setDimensions("x", {4}, {2}, {8}).isOk());
        QVERIFY(!w.setDimensions("x", {1, 2}, {2}, {8}).isOk());
    }

    void callerMemoryBinding() {
        QuietLogger log;
        auto built = buildSample("lenet5.onnx", log);
        KILN_VERIFY_EXPECTED(built);
        auto& net = built->net;
        auto& engine = built->engine;
        auto ctx = engine->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        auto inputs = randomInputs(net->graph(), 2, 1, 5);
        std::vector<float> in(inputs.at("input").numel()), out(2 * 10, -1.0f);
        std::memcpy(in.data(), inputs.at("input").raw(), in.size() * sizeof(float));
        KILN_VERIFY_OK((*ctx)->setInputShape("input", {2, 1, 28, 28}));
        KILN_VERIFY_OK((*ctx)->setTensorAddress("input", in.data(), in.size() * sizeof(float)));
        KILN_VERIFY_OK((*ctx)->setTensorAddress("logits", out.data(), 4));  // too small
        Status st = (*ctx)->execute();
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("logits") != std::string::npos && st.message().find("bytes") != std::string::npos,
                 st.message().c_str());
        KILN_VERIFY_OK((*ctx)->setTensorAddress("logits", out.data(), out.size() * sizeof(float)));
        KILN_VERIFY_OK((*ctx)->execute());
        cpu::CpuExecutor ref(net->graph());
        auto want = ref.run(inputs);
        KILN_VERIFY_EXPECTED(want);
        HostTensor got = HostTensor::fromVector<float>({2, 10}, out);
        QVERIFY(compareTensors(got, want->at("logits")).relativeL2 <= 1e-5);
        QCOMPARE((*ctx)->tensorShape("logits"), (std::vector<int64_t>{2, 10}));
    }

    void reportHasTheBuild() {
        QuietLogger log;
        auto built = buildSample("resnet_mini.onnx", log);
        KILN_VERIFY_EXPECTED(built);
        auto& net = built->net;
        auto& engine = built->engine;
        auto ctx = engine->createExecutionContext();
        KILN_VERIFY_OK((*ctx)->setInputs(randomInputs(net->graph(), 1, 1, 1)));
        InferenceRecord rec;
        rec.device = "cpu";
        for (int i = 0; i < 3; ++i) {
            KILN_VERIFY_OK((*ctx)->execute());
            rec.latencyMs.push_back((*ctx)->lastTiming().enqueueMs);
            rec.computeMs.push_back((*ctx)->lastTiming().computeMs);
            rec.layerMs.push_back((*ctx)->lastLayerTimes());
        }
        ReportInputs in;
        in.generator = "test";
        in.inference = &rec;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(makeReportJson(*engine, in)));
        QVERIFY(doc.isObject());
        const QJsonObject r = doc.object();
        QCOMPARE(r["schema"].toString(), QString("kiln-report"));
        QCOMPARE(r["version"].toInt(), 1);
        const QJsonArray layers = r["layers"].toArray();
        QCOMPARE(layers.size(), engine->numLayers());
        bool fusedWithOrigins = false;
        for (const QJsonValue& l : layers)
            if (l["type"].toString() == "kiln.FusedConv" && l["origins"].toArray().size() >= 2) fusedWithOrigins = true;
        QVERIFY(fusedWithOrigins);
        QVERIFY(r["memory"]["arenaBytes"].toDouble() > 0);
        QVERIFY(r["passLog"].isObject());
        QCOMPARE(r["inference"]["latencyMs"]["count"].toInt(), 3);
        QVERIFY(layers[0].toObject()["profile"].isObject());
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "test_runtime.moc"
