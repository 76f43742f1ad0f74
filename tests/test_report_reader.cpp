// runtime/report_reader: a kiln-report written in-process (Builder -> Engine -> makeReportJson)
// reads back into the same network, layer records, memory plan, passport, profiles and run;
// malformed JSON, another schema or version, missing or mistyped fields and truncated files
// give clear errors and never crash.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "backends/cpu/cpu_executor.h"
#include "builder/builder.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "runtime/report.h"
#include "runtime/report_reader.h"
#include "runtime/runtime.h"
#include "support/test_support.h"

using namespace kiln;
using nlohmann::json;

Q_DECLARE_METATYPE(std::function<void(json&)>)

namespace {

struct QuietLogger : Logger {
    void log(Severity, std::string_view) noexcept override {}
};

// An engine built from a sample model, and (when `iterations` > 0) a timed run of it.
struct BuiltEngine {
    std::unique_ptr<Engine> engine;
    InferenceRecord run;
    BuildTimings timings;
};

BuilderConfig configFor(const std::string& sample) {
    BuilderConfig c;
    OptimizationProfile p;
    if (sample == "encoder_mini.onnx") {
        (void)p.setDimensions("input_ids", {1, 1}, {2, 16}, {4, 32});
        (void)p.setDimensions("attention_mask", {1, 1}, {2, 16}, {4, 32});
    } else if (sample == "lenet5.onnx") {
        (void)p.setDimensions("input", {1, 1, 28, 28}, {2, 1, 28, 28}, {4, 1, 28, 28});
    } else {
        (void)p.setDimensions("input", {1, 3, 64, 64}, {2, 3, 64, 64}, {4, 3, 64, 64});
    }
    c.profiles.push_back(p);
    return c;
}

std::optional<BuiltEngine> buildEngine(const std::string& sample, int iterations) {
    static QuietLogger log;
    auto net = Builder(log).createNetwork();
    OnnxParser parser(*net, log);
    if (Status st = parser.parseFromFile(test::sampleModel(sample)); !st.isOk()) {
        qWarning("%s", st.toString().c_str());
        return std::nullopt;
    }
    Builder builder(log);
    auto bytes = builder.buildSerializedNetwork(*net, configFor(sample));
    if (!bytes) return std::nullopt;
    auto engine = Runtime(log).deserializeEngine(bytes->data(), bytes->size());
    if (!engine) return std::nullopt;
    BuiltEngine b{std::move(engine).value(), {}, builder.lastTimings()};
    if (iterations == 0) return b;
    auto ctx = b.engine->createExecutionContext();
    auto inputs = cpu::makeRandomInputs(net->graph(), 7, {{"batch", 2}, {"sequence", 16}});
    if (!ctx || !inputs || !(*ctx)->setInputs(*inputs).isOk()) return std::nullopt;
    b.run.device = "cpu";
    b.run.walltimeSeconds = 0;
    for (int i = 0; i < iterations; ++i) {
        if (!(*ctx)->execute().isOk()) return std::nullopt;
        const ExecutionTiming& t = (*ctx)->lastTiming();
        b.run.latencyMs.push_back(t.enqueueMs);
        b.run.enqueueMs.push_back(t.enqueueMs);
        b.run.computeMs.push_back(t.computeMs);
        b.run.h2dMs.push_back(0);
        b.run.d2hMs.push_back(0);
        b.run.layerMs.push_back((*ctx)->lastLayerTimes());
        b.run.walltimeSeconds += t.enqueueMs / 1000.0;
    }
    for (auto& [name, t] : *inputs) b.run.inputShapes[name] = t.dims();
    return b;
}

std::string reportOf(const BuiltEngine& b, bool withRun) {
    ReportInputs in;
    in.generator = "test_report_reader";
    in.sourcePath = "model.onnx";
    in.buildTimings = &b.timings;
    in.inference = withRun ? &b.run : nullptr;
    return makeReportJson(*b.engine, in);
}

// The reference report: resnet_mini with a run of 5 iterations (built once).
const std::string& resnetReport() {
    static const std::string text = [] {
        auto b = buildEngine("resnet_mini.onnx", 5);
        return b ? reportOf(*b, true) : std::string();
    }();
    return text;
}

}  // namespace

class TestReportReader : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void runAndProfiles();
    void withoutRun();
    void malformed_data();
    void malformed();
    void truncatedNeverCrashes();
    void missingFile();
};

void TestReportReader::roundTrip_data() {
    QTest::addColumn<QString>("sample");
    QTest::newRow("resnet_mini") << "resnet_mini.onnx";
    QTest::newRow("encoder_mini") << "encoder_mini.onnx";
}

void TestReportReader::roundTrip() {
    QFETCH(QString, sample);
    auto b = buildEngine(sample.toStdString(), 2);
    QVERIFY(b);
    auto r = parseReport(reportOf(*b, true));
    KILN_VERIFY_EXPECTED(r);
    const plan::Plan& want = b->engine->plan();
    const ir::Graph& g = *r->plan.network;
    QCOMPARE(g.numNodes(), want.network->numNodes());
    QCOMPARE(r->plan.layers.size(), want.layers.size());
    bool fused = false;
    for (int k = 0; k < g.numNodes(); ++k) {
        const ir::Node& got = *g.nodes()[size_t(k)];
        const ir::Node& exp = *want.network->nodes()[size_t(k)];
        QCOMPARE(got.name(), exp.name());
        QCOMPARE(got.opType(), exp.opType());
        QCOMPARE(got.domain(), exp.domain());
        QCOMPARE(got.origins(), exp.origins());
        fused = fused || (got.domain() == "kiln" && got.origins().size() > 1);
        QCOMPARE(got.attributes().size(), exp.attributes().size());
        for (const auto& [name, attr] : exp.attributes()) QCOMPARE(got.attr(name)->get<std::string>(), attr.toString());
        QCOMPARE(r->plan.layers[size_t(k)].precision, want.layers[size_t(k)].precision);
        QCOMPARE(r->plan.layers[size_t(k)].tactic, want.layers[size_t(k)].tactic);
        QCOMPARE(r->plan.layers[size_t(k)].candidates.size(), want.layers[size_t(k)].candidates.size());
        for (const ir::Value* v : exp.outputs()) {
            const ir::Value* gv = g.findValue(v->name());
            QVERIFY(gv);
            QCOMPARE(gv->producer(), &got);
            QCOMPARE(gv->dtype(), v->dtype());
            QCOMPARE(gv->shape(), v->shape());
        }
        for (const ir::Value* v : exp.inputs()) {
            if (!v || !v->constant()) continue;
            const ir::Value* gv = g.findValue(v->name());
            QVERIFY(gv && gv->constant());
            QCOMPARE(gv->constant()->dims(), v->constant()->dims());
            QVERIFY(!gv->constant()->raw());  // reports hold no weight data
        }
    }
    QVERIFY(fused);
    QCOMPARE(g.runtimeInputs().size(), want.network->runtimeInputs().size());
    QCOMPARE(g.outputs().size(), want.network->outputs().size());
    for (size_t i = 0; i < g.outputs().size(); ++i) QCOMPARE(g.outputs()[i]->name(), want.network->outputs()[i]->name());
    QCOMPARE(r->plan.memory.arenaBytes, want.memory.arenaBytes);
    QCOMPARE(r->plan.memory.noReuseBytes, want.memory.noReuseBytes);
    QCOMPARE(r->plan.memory.buffers.size(), want.memory.buffers.size());
    for (size_t i = 0; i < want.memory.buffers.size(); ++i) {
        QCOMPARE(r->plan.memory.buffers[i].tensor, want.memory.buffers[i].tensor);
        QCOMPARE(r->plan.memory.buffers[i].offset, want.memory.buffers[i].offset);
        QCOMPARE(r->plan.memory.buffers[i].lastLayer, want.memory.buffers[i].lastLayer);
    }
    QCOMPARE(r->weightsBytes, b->engine->weightsBytes());
    QCOMPARE(r->plan.passport.kilnVersion, want.passport.kilnVersion);
    QCOMPARE(r->plan.passport.deviceName, want.passport.deviceName);
    QCOMPARE(r->plan.passport.sourceModelSha256, want.passport.sourceModelSha256);
    QCOMPARE(r->plan.passport.createdUnixSeconds, want.passport.createdUnixSeconds);
    QCOMPARE(r->plan.passport.buildOptions, want.passport.buildOptions);
    QVERIFY(!r->plan.passLogJson.empty());
    QCOMPARE(r->generator, std::string("test_report_reader"));
    QVERIFY(r->buildTimings && r->buildTimings->totalMs > 0);
}

void TestReportReader::runAndProfiles() {
    QVERIFY(!resnetReport().empty());
    auto r = parseReport(resnetReport());
    KILN_VERIFY_EXPECTED(r);
    QVERIFY(r->run);
    QCOMPARE(r->run->iterations, int64_t(5));
    QCOMPARE(r->run->latency.count, 5);
    QVERIFY(r->run->latency.min <= r->run->latency.median && r->run->latency.median <= r->run->latency.max);
    QCOMPARE(r->run->latency.percentiles.size(), size_t(3));
    QCOMPARE(r->run->latency.percentiles.back().first, 99.0);
    QCOMPARE(r->run->latencySamples.size(), size_t(5));
    QVERIFY(r->run->throughputQps > 0);
    QCOMPARE(r->run->inputShapes.size(), size_t(1));
    QCOMPARE(r->run->inputShapes[0].second, (std::vector<int64_t>{2, 3, 64, 64}));
    QCOMPARE(r->layerProfiles.size(), r->plan.layers.size());
    double sum = 0;
    for (const LayerProfile& p : r->layerProfiles) sum += p.percentage;
    QVERIFY2(std::abs(sum - 100.0) < 0.01, qPrintable(QString::number(sum)));
    QCOMPARE(r->layerProfiles[0].name, r->plan.network->nodes()[0]->name());
    // One optimization profile with the builder's bounds.
    QCOMPARE(r->plan.profiles.size(), size_t(1));
    QCOMPARE(r->plan.profiles[0].inputs[0].first, std::string("input"));
    QCOMPARE(r->plan.profiles[0].inputs[0].second.max, (std::vector<int64_t>{4, 3, 64, 64}));
}

void TestReportReader::withoutRun() {
    auto b = buildEngine("lenet5.onnx", 0);
    QVERIFY(b);
    auto r = parseReport(reportOf(*b, false));
    KILN_VERIFY_EXPECTED(r);
    QVERIFY(!r->run);
    QVERIFY(r->layerProfiles.empty());
    QCOMPARE(r->plan.network->numNodes(), b->engine->numLayers());
}

// Each row edits the reference report (as JSON) or replaces it, and names what the error says.
void TestReportReader::malformed_data() {
    using Edit = std::function<void(json&)>;
    QTest::addColumn<QString>("text");  // used when not empty
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("code");
    const Edit none = [](json&) {};
    const int invalid = int(StatusCode::InvalidModel);
    QTest::newRow("empty") << "" << none << "not valid JSON" << invalid;
    QTest::newRow("syntax") << "{\"schema\": \"kiln-report\", " << none << "parse error" << invalid;
    QTest::newRow("array") << "[1, 2, 3]" << none << "not a Kiln report" << invalid;
    QTest::newRow("other schema") << "{\"schema\": \"kiln-passlog\", \"version\": 1}" << none << "kiln-passlog" << invalid;
    QTest::newRow("no schema") << QString() << Edit([](json& j) { j.erase("schema"); }) << "\"schema\"" << invalid;
    QTest::newRow("version 2") << QString() << Edit([](json& j) { j["version"] = 2; }) << "version 2 is not supported"
                               << int(StatusCode::Unsupported);
    QTest::newRow("no layers") << QString() << Edit([](json& j) { j.erase("layers"); }) << "layers: missing" << invalid;
    QTest::newRow("layer without name") << QString() << Edit([](json& j) { j["layers"][0].erase("name"); })
                                        << "layers[0].name: missing" << invalid;
    QTest::newRow("outputs not an array") << QString() << Edit([](json& j) { j["layers"][1]["outputs"] = 5; })
                                          << "layers[1].outputs: must be an array, not number" << invalid;
    QTest::newRow("negative dim") << QString() << Edit([](json& j) { j["layers"][0]["outputs"][0]["shape"][1] = -4; })
                                  << "layers[0].outputs[0].shape" << invalid;
    QTest::newRow("unknown dtype") << QString() << Edit([](json& j) { j["io"][0]["dtype"] = "float99"; })
                                   << "io[0].dtype: unknown data type 'float99'" << invalid;
    QTest::newRow("dangling input") << QString() << Edit([](json& j) { j["layers"][1]["inputs"][0]["name"] = "ghost"; })
                                    << "'ghost' is read before any layer writes it" << invalid;
    QTest::newRow("written twice") << QString()
                                   << Edit([](json& j) { j["layers"][1]["outputs"][0]["name"] = j["layers"][0]["outputs"][0]["name"]; })
                                   << "is written twice" << invalid;
    QTest::newRow("layer count") << QString() << Edit([](json& j) { j["build"]["layerCount"] = 3; })
                                 << "build.layerCount" << invalid;
    QTest::newRow("no memory") << QString() << Edit([](json& j) { j.erase("memory"); }) << "memory: missing" << invalid;
    QTest::newRow("bad percentile") << QString() << Edit([](json& j) { j["inference"]["latencyMs"]["percentiles"]["p99"] = 1; })
                                    << "inference.latencyMs.percentiles.p99" << invalid;
    QTest::newRow("attribute object") << QString() << Edit([](json& j) { j["layers"][0]["attributes"]["x"] = json::object(); })
                                      << "layers[0].attributes.x: must be a string" << invalid;
    QTest::newRow("layers out of order") << QString() << Edit([](json& j) { j["layers"][0]["index"] = 4; })
                                         << "execution order" << invalid;
}

void TestReportReader::malformed() {
    QFETCH(QString, text);
    QFETCH(std::function<void(json&)>, edit);
    QFETCH(QString, expected);
    QFETCH(int, code);
    std::string input = text.toStdString();
    if (text.isNull()) {
        json j = json::parse(resnetReport());
        edit(j);
        input = j.dump();
    }
    auto r = parseReport(input);
    QVERIFY(!r);
    const QString message = QString::fromStdString(r.status().toString());
    QVERIFY2(message.contains(expected), qPrintable(message));
    QCOMPARE(int(r.status().code()), code);
}

void TestReportReader::truncatedNeverCrashes() {
    const std::string& full = resnetReport();
    QVERIFY(parseReport(full));
    const size_t step = std::max<size_t>(97, full.size() / 400);
    for (size_t cut = 0; cut < full.size(); cut += step) {
        auto r = parseReport(std::string_view(full).substr(0, cut));
        QVERIFY2(!r, qPrintable(QString::number(cut)));
        QVERIFY(!r.status().message().empty());
    }
}

void TestReportReader::missingFile() {
    auto r = readReportFile("/nonexistent/report.json");
    QVERIFY(!r);
    QVERIFY(r.status().code() == StatusCode::NotFound || r.status().code() == StatusCode::IoError);
    QVERIFY(r.status().toString().find("/nonexistent/report.json") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestReportReader)
#include "test_report_reader.moc"
