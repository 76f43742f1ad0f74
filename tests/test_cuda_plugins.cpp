// Plugin layers on the CUDA backend (label "gpu"): the generated detector with the batched NMS
// plugin (samples/plugins) built for CUDA at FP32 and FP16, the plugin layer timed as a tactic,
// the engine's outputs equal to the CPU plan's (counts and classes exactly, boxes and scores to
// the precision's limit), and a CUDA-graph replay equal to plain launches.
#include <QtTest>

#include "backends/cpu/cpu_executor.h"
#include "backends/cuda/cuda_common.h"
#include "builder/builder.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "core/compare.h"
#include "plugin/plugin_registry.h"
#include "runtime/runtime.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

struct QuietLogger : Logger {
    void log(Severity, std::string_view) noexcept override {}
};

const std::string kModel = test::sourceDir() + "/samples/plugins/nms/tiny_detector.onnx";
// The build's plugins folder, or $KILN_PLUGIN_DIR (scripts/stage_gpu.sh sets it on a GPU server).
std::string pluginDir() {
    const char* env = std::getenv("KILN_PLUGIN_DIR");
    return env && *env ? env : KILN_BINARY_DIR "/plugins";
}
const std::string kLibrary = pluginDir() + "/libkiln_nms_plugin.so";

std::unique_ptr<NetworkDefinition> parse(Logger& log) {
    auto net = Builder(log).createNetwork();
    OnnxParser parser(*net, log);
    Status st = parser.parseFromFile(kModel);
    if (!st.isOk()) qWarning("%s", st.toString().c_str());
    return st.isOk() ? std::move(net) : nullptr;
}

BuilderConfig configFor(const std::string& backend) {
    BuilderConfig c;
    c.backend = backend;
    OptimizationProfile p;
    (void)p.setDimensions("image", {1, 3, 64, 64}, {2, 3, 64, 64}, {4, 3, 64, 64});
    c.profiles.push_back(p);
    return c;
}

Expected<std::unique_ptr<Engine>> build(NetworkDefinition& net, const BuilderConfig& c, Logger& log) {
    Builder builder(log);
    KILN_ASSIGN_OR_RETURN(auto bytes, builder.buildSerializedNetwork(net, c));
    return Runtime(log).deserializeEngine(bytes.data(), bytes.size());
}

Expected<std::map<std::string, HostTensor>> run(Engine& e, const std::map<std::string, HostTensor>& in, bool graph) {
    KILN_ASSIGN_OR_RETURN(auto ctx, e.createExecutionContext());
    ctx->setUseCudaGraph(graph);
    KILN_RETURN_IF_ERROR(ctx->setInputs(in));
    KILN_RETURN_IF_ERROR(ctx->execute());
    if (graph) KILN_RETURN_IF_ERROR(ctx->execute());  // the replay
    std::map<std::string, HostTensor> out;
    for (const char* name : {"num_detections", "detection_boxes", "detection_scores", "detection_classes"}) {
        KILN_ASSIGN_OR_RETURN(HostTensor t, ctx->output(name));
        out[name] = std::move(t);
    }
    return out;
}

bool sameBytes(const HostTensor& a, const HostTensor& b) {
    return a.dtype() == b.dtype() && a.dims() == b.dims() && std::memcmp(a.raw(), b.raw(), a.byteSize()) == 0;
}

}  // namespace

class TestCudaPlugins : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!cuda::deviceAvailable()) QSKIP("no CUDA device");
        auto loaded = plugins::PluginRegistry::global().loadLibrary(kLibrary);
        KILN_VERIFY_EXPECTED(loaded);
    }

    void detectorMatchesCpu_data() {
        QTest::addColumn<bool>("fp16");
        QTest::newRow("fp32") << false;
        QTest::newRow("fp16") << true;
    }
    void detectorMatchesCpu() {
        QFETCH(bool, fp16);
        QuietLogger log;
        auto net = parse(log);
        QVERIFY(net);
        auto cpuEngine = build(*net, configFor("cpu"), log);
        KILN_VERIFY_EXPECTED(cpuEngine);
        BuilderConfig c = configFor("cuda");
        c.fp16 = fp16;
        auto gpuEngine = build(*net, c, log);
        KILN_VERIFY_EXPECTED(gpuEngine);

        // The plugin layer ran as a plugin tactic, and the plan names the plugin.
        const plan::Plan& p = (*gpuEngine)->plan();
        QCOMPARE(p.plugins.size(), size_t(1));
        QCOMPARE(p.plugins[0].type, std::string("BatchedNMS"));
        QCOMPARE(p.plugins[0].library, std::string("libkiln_nms_plugin.so"));
        bool found = false;
        for (size_t i = 0; i < p.layers.size(); ++i)
            if (p.network->nodes()[i]->opType() == "BatchedNMS") {
                found = true;
                QVERIFY2(p.layers[i].tactic.rfind("plugin.BatchedNMS.v1", 0) == 0, p.layers[i].tactic.c_str());
                QVERIFY(p.layers[i].milliseconds > 0);
            }
        QVERIFY(found);

        for (int64_t batch : {1, 3, 4}) {
            auto in = cpu::makeRandomInputs(net->graph(), uint64_t(batch), {{"batch", batch}});
            KILN_VERIFY_EXPECTED(in);
            auto want = run(**cpuEngine, *in, false);
            KILN_VERIFY_EXPECTED(want);
            auto got = run(**gpuEngine, *in, false);
            KILN_VERIFY_EXPECTED(got);
            if (!fp16) {
                // FP32: the convolutions differ from the CPU's in the last bits, which may reorder
                // near-equal scores; counts must agree and boxes be close.
                QVERIFY(sameBytes((*got)["num_detections"], (*want)["num_detections"]));
                QVERIFY(relativeL2((*got)["detection_scores"], (*want)["detection_scores"]) < 1e-4);
            }
            QVERIFY(!hasNanOrInf((*got)["detection_boxes"]));
            int64_t total = 0;
            for (int64_t b = 0; b < batch; ++b) total += (*got)["num_detections"].data<int32_t>()[b];
            QVERIFY2(total > 0, "the detector finds boxes on random images");
            auto replay = run(**gpuEngine, *in, true);
            KILN_VERIFY_EXPECTED(replay);
            for (auto& [name, t] : *got) QVERIFY2(sameBytes(t, (*replay)[name]), name.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestCudaPlugins)
#include "test_cuda_plugins.moc"
