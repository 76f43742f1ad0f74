// The CUDA backend end to end (label "gpu"): the bundled samples built for CUDA at FP32, TF32 and
// FP16, serialized, deserialized and run, against the CPU reference run of the unoptimized model;
// dynamic shapes within the profile, CUDA-graph replay, device-address binding and enqueue on a
// caller's stream, per-layer timing, the timing cache, a workspace limit, and the clear errors
// without a GPU.
#include <QtTest>

#include <cuda_runtime.h>

#include "backends/cpu/cpu_executor.h"
#include "backends/cuda/cuda_common.h"
#include "builder/builder.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "core/compare.h"
#include "plan/plan_format.h"
#include "runtime/runtime.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

struct QuietLogger : Logger {
    std::vector<std::string> lines;
    void log(Severity s, std::string_view m) noexcept override {
        if (s <= Severity::Info) lines.emplace_back(m);
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
    c.backend = "cuda";
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

std::map<std::string, HostTensor> randomInputs(const ir::Graph& g, int64_t batch, int64_t seq, uint64_t seed) {
    auto in = cpu::makeRandomInputs(g, seed, {{"batch", batch}, {"sequence", seq}});
    if (!in) qFatal("%s", in.status().toString().c_str());
    if (auto it = in->find("attention_mask"); it != in->end())
        for (int64_t i = 0; i < it->second.numel(); ++i) it->second.setDouble(i, i % 7 == 6 ? 0.0 : 1.0);
    return *in;
}

double worstRelL2(const cpu::TensorMap& want, ExecutionContext& ctx) {
    double worst = 0;
    for (auto& [name, t] : want) {
        auto got = ctx.output(name);
        if (!got) qFatal("%s", got.status().toString().c_str());
        if (got->dims() != t.dims()) return 1e9;
        if (hasNanOrInf(*got)) return 1e9;
        worst = std::max(worst, relativeL2(*got, t));
    }
    return worst;
}

#define SKIP_WITHOUT_GPU()                                                     \
    do {                                                                       \
        if (!cuda::deviceAvailable()) QSKIP("no CUDA device");                 \
    } while (0)

}  // namespace

class TestCudaEngine : public QObject {
    Q_OBJECT
private slots:
    void samplesAgreeWithReference_data() {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("precision");
        QTest::addColumn<double>("tolerance");
        for (const char* s : {"resnet_mini.onnx", "encoder_mini.onnx", "lenet5.onnx"}) {
            QTest::newRow((std::string(s) + " fp32").c_str()) << s << "fp32" << 1e-5;
            QTest::newRow((std::string(s) + " tf32").c_str()) << s << "tf32" << 1e-3;
            QTest::newRow((std::string(s) + " fp16").c_str()) << s << "fp16" << 1e-2;
        }
    }
    void samplesAgreeWithReference() {
        SKIP_WITHOUT_GPU();
        QFETCH(QString, sample);
        QFETCH(QString, precision);
        QFETCH(double, tolerance);
        QuietLogger log;
        auto net = parse(sample.toStdString(), log);
        QVERIFY(net);
        BuilderConfig c = configFor(sample.toStdString());
        c.tf32 = precision == "tf32";
        c.fp16 = precision == "fp16";
        // The samples' layers are so small that FP16 rarely wins on time: ask for it, so that the
        // FP16 kernels and the reformats around them are what is checked.
        if (c.fp16) c.layerPrecisions["*"] = "FP16", c.precisionConstraints = PrecisionConstraints::Prefer;
        Builder builder(log);
        auto bytes = builder.buildSerializedNetwork(*net, c);
        KILN_VERIFY_EXPECTED(bytes);
        auto engine = Runtime(log).deserializeEngine(bytes->data(), bytes->size());
        KILN_VERIFY_EXPECTED(engine);
        QCOMPARE(QString::fromStdString((*engine)->passport().backend), QString("cuda"));
        QVERIFY((*engine)->passport().computeCapabilityMajor > 0);
        if (precision == "fp16") {
            int half = 0;
            for (const plan::LayerRecord& r : (*engine)->plan().layers) half += r.precision == "FP16";
            QVERIFY2(half > 0, "an FP16 build runs some layers in FP16");
        }
        auto ctx = (*engine)->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        for (auto [batch, seq] : {std::pair<int64_t, int64_t>{1, 1}, {2, 16}, {4, 32}, {3, 7}}) {
            auto inputs = randomInputs(net->graph(), batch, seq, 7);
            cpu::CpuExecutor reference(net->graph());
            auto want = reference.run(inputs);
            KILN_VERIFY_EXPECTED(want);
            KILN_VERIFY_OK((*ctx)->setInputs(inputs));
            KILN_VERIFY_OK((*ctx)->execute());
            const double err = worstRelL2(*want, **ctx);
            QVERIFY2(err <= tolerance, qPrintable(QString("%1 %2 batch %3 seq %4: relative L2 %5 > %6")
                                                      .arg(sample, precision).arg(batch).arg(seq).arg(err).arg(tolerance)));
        }
    }

    // Replaying a CUDA graph gives the outputs of plain launches; per-layer times sum to about
    // the end-to-end time.
    void cudaGraphAndLayerTiming() {
        SKIP_WITHOUT_GPU();
        QuietLogger log;
        auto net = parse("resnet_mini.onnx", log);
        QVERIFY(net);
        BuilderConfig c = configFor("resnet_mini.onnx");
        c.fp16 = true;
        c.layerPrecisions["*"] = "FP16";
        c.precisionConstraints = PrecisionConstraints::Prefer;
        auto p = Builder(log).buildPlan(*net, c);
        KILN_VERIFY_EXPECTED(p);
        auto engine = Runtime(log).createEngine(std::move(*p));
        KILN_VERIFY_EXPECTED(engine);
        auto ctx = (*engine)->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        auto inputs = randomInputs(net->graph(), 4, 1, 3);
        KILN_VERIFY_OK((*ctx)->setInputs(inputs));
        KILN_VERIFY_OK((*ctx)->execute());
        const std::string out = (*engine)->ioTensorName((*engine)->numIOTensors() - 1);
        auto first = (*ctx)->output(out);
        KILN_VERIFY_EXPECTED(first);
        const HostTensor plain = first->clone();
        (*ctx)->setUseCudaGraph(true);
        for (int i = 0; i < 3; ++i) KILN_VERIFY_OK((*ctx)->execute());
        auto replayed = (*ctx)->output(out);
        KILN_VERIFY_EXPECTED(replayed);
        QCOMPARE(maxAbsDiff(*replayed, plain), 0.0);
        (*ctx)->setUseCudaGraph(false);
        (*ctx)->setLayerTimingEnabled(true);
        KILN_VERIFY_OK((*ctx)->execute());
        const auto& layers = (*ctx)->lastLayerTimes();
        QCOMPARE(int(layers.size()), (*engine)->numLayers());
        double sum = 0;
        for (double ms : layers) {
            QVERIFY(ms >= 0);
            sum += ms;
        }
        QVERIFY(sum > 0 && sum <= (*ctx)->lastTiming().computeMs * 1.5 + 0.05);
    }

    // Device addresses and enqueue on the caller's stream (TensorRT's enqueueV3 pattern).
    void deviceBindingsOnCallerStream() {
        SKIP_WITHOUT_GPU();
        QuietLogger log;
        auto net = parse("lenet5.onnx", log);
        QVERIFY(net);
        BuilderConfig c = configFor("lenet5.onnx");
        c.tf32 = false;  // FP32 throughout: the comparison below is at FP32's tolerance
        auto p = Builder(log).buildPlan(*net, c);
        KILN_VERIFY_EXPECTED(p);
        auto engine = Runtime(log).createEngine(std::move(*p));
        KILN_VERIFY_EXPECTED(engine);
        auto ctx = (*engine)->createExecutionContext();
        KILN_VERIFY_EXPECTED(ctx);
        auto inputs = randomInputs(net->graph(), 2, 1, 5);
        cpu::CpuExecutor reference(net->graph());
        auto want = reference.run(inputs);
        KILN_VERIFY_EXPECTED(want);
        const std::string in = (*engine)->ioTensorName(0), out = (*engine)->ioTensorName(1);
        const HostTensor& x = inputs.at(in);
        const HostTensor& y = want->at(out);
        void *dx = nullptr, *dy = nullptr;
        QCOMPARE(cudaMalloc(&dx, x.byteSize()), cudaSuccess);
        QCOMPARE(cudaMalloc(&dy, y.byteSize()), cudaSuccess);
        QCOMPARE(cudaMemcpy(dx, x.raw(), x.byteSize(), cudaMemcpyHostToDevice), cudaSuccess);
        cudaStream_t s = nullptr;
        QCOMPARE(cudaStreamCreate(&s), cudaSuccess);
        KILN_VERIFY_OK((*ctx)->setInputShape(in, x.dims()));
        KILN_VERIFY_OK((*ctx)->setTensorAddress(in, dx, x.byteSize()));
        KILN_VERIFY_OK((*ctx)->setTensorAddress(out, dy, y.byteSize()));
        KILN_VERIFY_OK((*ctx)->enqueue(s));
        QCOMPARE(cudaStreamSynchronize(s), cudaSuccess);
        HostTensor got(y.dtype(), y.dims());
        QCOMPARE(cudaMemcpy(got.raw(), dy, got.byteSize(), cudaMemcpyDeviceToHost), cudaSuccess);
        QVERIFY2(relativeL2(got, y) < 1e-5, qPrintable(QString("relative L2 %1").arg(relativeL2(got, y))));
        // Too small an output buffer is refused, naming the tensor.
        KILN_VERIFY_OK((*ctx)->setTensorAddress(out, dy, 4));
        Status st = (*ctx)->enqueue(s);
        QVERIFY(!st.isOk());
        QVERIFY(st.message().find(out) != std::string::npos);
        cudaStreamDestroy(s);
        cudaFree(dx);
        cudaFree(dy);
    }

    // A second build with the timing cache times nothing again; the same choices come out.
    void timingCache() {
        SKIP_WITHOUT_GPU();
        QTemporaryDir dir;
        const std::string cache = dir.filePath("timing.cache").toStdString();
        QuietLogger log;
        auto net = parse("resnet_mini.onnx", log);
        QVERIFY(net);
        BuilderConfig c = configFor("resnet_mini.onnx");
        c.timingCacheFile = cache;
        auto cold = Builder(log).buildPlan(*net, c);
        KILN_VERIFY_EXPECTED(cold);
        QVERIFY(QFile::exists(QString::fromStdString(cache)));
        QuietLogger log2;
        auto warm = Builder(log2).buildPlan(*net, c);
        KILN_VERIFY_EXPECTED(warm);
        QCOMPARE(warm->layers.size(), cold->layers.size());
        for (size_t k = 0; k < warm->layers.size(); ++k)
            QCOMPARE(QString::fromStdString(warm->layers[k].tactic), QString::fromStdString(cold->layers[k].tactic));
        bool sawZeroTrials = false;
        for (const std::string& l : log2.lines) sawZeroTrials |= l.rfind("CUDA tactics: 0 trials", 0) == 0;
        QVERIFY2(sawZeroTrials, "the warm build times no tactic");
    }

    // A workspace limit of one byte rejects the tactics that need workspace and keeps the rest.
    void workspaceLimit() {
        SKIP_WITHOUT_GPU();
        QuietLogger log;
        auto net = parse("resnet_mini.onnx", log);
        QVERIFY(net);
        BuilderConfig c = configFor("resnet_mini.onnx");
        c.workspaceBytes = 1;
        auto p = Builder(log).buildPlan(*net, c);
        KILN_VERIFY_EXPECTED(p);
        int rejected = 0;
        for (const plan::LayerRecord& r : p->layers)
            for (const plan::TacticCandidate& t : r.candidates)
                if (t.rejected.find("workspace") != std::string::npos) {
                    ++rejected;
                    QVERIFY(!t.chosen);
                }
        QVERIFY(rejected > 0);
    }

    // Without a GPU (CI): a clear error, no crash.
    void noGpuGivesClearError() {
        if (cuda::deviceAvailable()) QSKIP("a GPU is present");
        QuietLogger log;
        auto net = parse("lenet5.onnx", log);
        QVERIFY(net);
        auto p = Builder(log).buildPlan(*net, configFor("lenet5.onnx"));
        QVERIFY(!p);
        QVERIFY2(p.status().message().find("needs a GPU") != std::string::npos, p.status().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestCudaEngine)
#include "test_cuda_engine.moc"
