// The BatchedNMS sample plugin's CUDA enqueue (label "gpu"): on random problems up to 20,000
// boxes and 100 classes it must give exactly the CPU enqueue's outputs (and, where the O(N^2)
// reference is cheap, the reference's), launched on a stream with the workspace it asked for,
// and the same again when captured into a CUDA graph (which fails if enqueue synchronizes or
// allocates). Every test skips without a device.
#include <QtTest>

#include <cuda_runtime.h>

#include <chrono>

#include "plugins/nms_test_support.h"

using namespace kiln::test::nms;

namespace {

bool haveDevice() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

#define SKIP_WITHOUT_GPU() \
    if (!haveDevice()) QSKIP("no CUDA device")

#define CUDA_VERIFY(call)                                                                              \
    do {                                                                                               \
        const cudaError_t err_ = (call);                                                               \
        QVERIFY2(err_ == cudaSuccess, (std::string(#call) + ": " + cudaGetErrorString(err_)).c_str()); \
    } while (0)

cudaError_t copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
    return bytes ? cudaMemcpy(dst, src, bytes, kind) : cudaSuccess;
}

class DeviceBuffer {
public:
    explicit DeviceBuffer(size_t bytes) {
        if (bytes && cudaMalloc(&m_ptr, bytes) != cudaSuccess) m_ptr = nullptr;
    }
    ~DeviceBuffer() { cudaFree(m_ptr); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    void* get() const { return m_ptr; }

private:
    void* m_ptr = nullptr;
};

// Device copies of one problem's inputs and outputs, and the plugin's workspace.
struct DeviceProblem {
    DeviceProblem(const Problem& p, int64_t k, size_t workspaceBytes)
        : boxes(p.boxes.size() * (p.half ? 2 : 4)),
          scores(p.scores.size() * (p.half ? 2 : 4)),
          numDetections(size_t(p.batch) * 4),
          detBoxes(size_t(p.batch * k * 4) * (p.half ? 2 : 4)),
          detScores(size_t(p.batch * k) * (p.half ? 2 : 4)),
          detClasses(size_t(p.batch * k) * 4),
          workspace(workspaceBytes) {}
    cudaError_t upload(const Problem& p) {
        const std::vector<uint8_t> b = storage(p.boxes, p.half), s = storage(p.scores, p.half);
        cudaError_t err = copy(boxes.get(), b.data(), b.size(), cudaMemcpyHostToDevice);
        return err != cudaSuccess ? err : copy(scores.get(), s.data(), s.size(), cudaMemcpyHostToDevice);
    }
    // Fills the outputs with a pattern, so that slots the plugin leaves unwritten show up.
    cudaError_t poison(const Outputs& o) {
        for (auto [ptr, bytes] :
             {std::pair{numDetections.get(), o.numDetections.size() * 4}, std::pair{detBoxes.get(), o.boxes.size()},
              std::pair{detScores.get(), o.scores.size()}, std::pair{detClasses.get(), o.classes.size() * 4}})
            if (bytes)
                if (cudaError_t err = cudaMemset(ptr, 0xAB, bytes); err != cudaSuccess) return err;
        return cudaSuccess;
    }
    cudaError_t download(Outputs* o) const {
        cudaError_t err =
            copy(o->numDetections.data(), numDetections.get(), o->numDetections.size() * 4, cudaMemcpyDeviceToHost);
        if (err == cudaSuccess) err = copy(o->boxes.data(), detBoxes.get(), o->boxes.size(), cudaMemcpyDeviceToHost);
        if (err == cudaSuccess) err = copy(o->scores.data(), detScores.get(), o->scores.size(), cudaMemcpyDeviceToHost);
        return err == cudaSuccess
                   ? copy(o->classes.data(), detClasses.get(), o->classes.size() * 4, cudaMemcpyDeviceToHost)
                   : err;
    }
    int32_t enqueue(kp::IPlugin& plugin, const Descs& d, cudaStream_t stream) const {
        const void* ins[2] = {boxes.get(), scores.get()};
        void* outs[4] = {numDetections.get(), detBoxes.get(), detScores.get(), detClasses.get()};
        return plugin.enqueue(kp::DeviceKind::kCUDA, d.in, d.out, ins, outs, workspace.get(), stream);
    }

    DeviceBuffer boxes, scores, numDetections, detBoxes, detScores, detClasses, workspace;
};

class Stream {
public:
    Stream() { cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking); }
    ~Stream() { cudaStreamDestroy(m_stream); }
    operator cudaStream_t() const { return m_stream; }

private:
    cudaStream_t m_stream = nullptr;
};

}  // namespace

class TestPluginNmsCuda : public QObject {
    Q_OBJECT

private:
    Library m_lib;

private slots:
    void initTestCase() {
        m_lib = loadNms();
        QVERIFY2(m_lib.creator, (pluginPath() + ": " + m_lib.error).c_str());
    }

    void supportsCuda() {
        SKIP_WITHOUT_GPU();
        PluginPtr p = create(m_lib.creator, {});
        QVERIFY(p && p->supportsDevice(kp::DeviceKind::kCUDA));
    }

    void cudaMatchesCpu_data() {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("numBoxes");
        QTest::addColumn<int>("numClasses");
        QTest::addColumn<float>("scoreThreshold");
        QTest::addColumn<float>("iouThreshold");
        QTest::addColumn<int>("maxOut");
        QTest::addColumn<int>("agnostic");
        QTest::addColumn<int>("coding");
        QTest::addColumn<bool>("half");
        QTest::addColumn<uint>("seed");
        QTest::newRow("small") << 2 << 300 << 4 << 0.0f << 0.5f << 100 << 0 << 0 << false << 1u;
        QTest::newRow("small half agnostic") << 3 << 500 << 6 << 0.2f << 0.5f << 50 << 1 << 1 << true << 2u;
        QTest::newRow("small K=1") << 4 << 200 << 3 << 0.0f << 0.5f << 1 << 0 << 1 << false << 3u;
        QTest::newRow("negative threshold: 0 and -0 tie")
            << 2 << 2000 << 20 << -0.5f << 0.5f << 300 << 0 << 0 << false << 14u;
        QTest::newRow("iou 0") << 1 << 800 << 2 << 0.0f << 0.0f << 300 << 0 << 0 << false << 4u;
        QTest::newRow("no boxes") << 2 << 0 << 5 << 0.0f << 0.5f << 10 << 0 << 0 << false << 5u;
        QTest::newRow("no classes") << 2 << 50 << 0 << 0.0f << 0.5f << 10 << 1 << 0 << false << 6u;
        QTest::newRow("empty batch") << 0 << 50 << 3 << 0.0f << 0.5f << 10 << 0 << 0 << false << 7u;
        QTest::newRow("10k x 80, all candidates") << 1 << 10000 << 80 << 0.0f << 0.5f << 100 << 0 << 0 << false << 8u;
        QTest::newRow("10k x 80 half, threshold") << 2 << 10000 << 80 << 0.25f << 0.45f << 100 << 0 << 1 << true << 9u;
        QTest::newRow("10k x 80 agnostic") << 2 << 10000 << 80 << 0.0f << 0.5f << 200 << 1 << 0 << false << 10u;
        QTest::newRow("10k x 80, K=1000") << 1 << 10000 << 80 << 0.5f << 0.7f << 1000 << 0 << 0 << false << 11u;
        QTest::newRow("5k x 80, batch 4") << 4 << 5000 << 80 << 0.1f << 0.5f << 100 << 0 << 0 << true << 12u;
        QTest::newRow("20k x 100") << 1 << 20000 << 100 << 0.05f << 0.5f << 100 << 0 << 0 << false << 13u;
    }

    void cudaMatchesCpu() {
        SKIP_WITHOUT_GPU();
        QFETCH(int, batch);
        QFETCH(int, numBoxes);
        QFETCH(int, numClasses);
        QFETCH(float, scoreThreshold);
        QFETCH(float, iouThreshold);
        QFETCH(int, maxOut);
        QFETCH(int, agnostic);
        QFETCH(int, coding);
        QFETCH(bool, half);
        QFETCH(uint, seed);
        const Attrs a{scoreThreshold, iouThreshold, maxOut, agnostic, coding};
        PluginPtr plugin = create(m_lib.creator, a);
        QVERIFY2(plugin, m_lib.creator->getLastError());
        const Problem p = randomProblem(batch, numBoxes, numClasses, coding, half, seed);

        Outputs cpu;
        QCOMPARE(runCpu(*plugin, p, maxOut, &cpu), 0);
        if (int64_t(numBoxes) * numClasses <= 20000) {
            const std::string vsReference = difference(cpu, referenceOutputs(p, a), maxOut, half);
            QVERIFY2(vsReference.empty(), ("CPU vs reference: " + vsReference).c_str());
        }

        const Descs d = descsFor(p, maxOut);
        const size_t wsBytes = plugin->getWorkspaceSize(kp::DeviceKind::kCUDA, d.in, 2, d.out, 4);
        QVERIFY(batch == 0 || wsBytes > 0);
        DeviceProblem dev(p, maxOut, wsBytes);
        CUDA_VERIFY(dev.upload(p));
        Outputs gpu = emptyOutputs(p, maxOut);
        CUDA_VERIFY(dev.poison(gpu));
        Stream stream;
        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(dev.enqueue(*plugin, d, stream), 0);
        CUDA_VERIFY(cudaStreamSynchronize(stream));
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        CUDA_VERIFY(dev.download(&gpu));
        const std::string diff = difference(gpu, cpu, maxOut, half);
        QVERIFY2(diff.empty(), ("CUDA vs CPU: " + diff).c_str());
        qInfo("%s: %d detections in batch 0, first launch %.2f ms (workspace %.1f MiB)", QTest::currentDataTag(),
              batch ? cpu.numDetections[0] : 0, ms, double(wsBytes) / (1 << 20));
        CUDA_VERIFY(cudaGetLastError());
    }

    // Captured into a CUDA graph (global capture mode refuses synchronization and allocation),
    // then replayed on new inputs in the same buffers: still the CPU's outputs.
    void graphCapture() {
        SKIP_WITHOUT_GPU();
        const Attrs a{0.1f, 0.5f, 100, 0, 1};
        PluginPtr plugin = create(m_lib.creator, a);
        QVERIFY(plugin);
        const Problem first = randomProblem(2, 10000, 80, 1, true, 41);
        const Descs d = descsFor(first, 100);
        DeviceProblem dev(first, 100, plugin->getWorkspaceSize(kp::DeviceKind::kCUDA, d.in, 2, d.out, 4));
        Stream stream;
        CUDA_VERIFY(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
        const int32_t status = dev.enqueue(*plugin, d, stream);
        cudaGraph_t graph = nullptr;
        CUDA_VERIFY(cudaStreamEndCapture(stream, &graph));
        QCOMPARE(status, 0);
        cudaGraphExec_t exec = nullptr;
        CUDA_VERIFY(cudaGraphInstantiate(&exec, graph, 0));

        std::vector<float> timesMs;
        for (uint32_t seed : {41u, 42u, 43u}) {
            const Problem p = randomProblem(2, 10000, 80, 1, true, seed);
            CUDA_VERIFY(dev.upload(p));
            Outputs cpu, gpu = emptyOutputs(p, 100);
            QCOMPARE(runCpu(*plugin, p, 100, &cpu), 0);
            CUDA_VERIFY(dev.poison(gpu));
            CUDA_VERIFY(cudaGraphLaunch(exec, stream));
            CUDA_VERIFY(cudaStreamSynchronize(stream));
            CUDA_VERIFY(dev.download(&gpu));
            const std::string diff = difference(gpu, cpu, 100, true);
            QVERIFY2(diff.empty(), ("graph replay vs CPU: " + diff).c_str());
        }
        // For scale, not a benchmark: graph replays of 2 x 10,000 boxes x 80 classes, FP16.
        cudaEvent_t begin, end;
        CUDA_VERIFY(cudaEventCreate(&begin));
        CUDA_VERIFY(cudaEventCreate(&end));
        for (int i = 0; i < 20; ++i) {
            CUDA_VERIFY(cudaEventRecord(begin, stream));
            CUDA_VERIFY(cudaGraphLaunch(exec, stream));
            CUDA_VERIFY(cudaEventRecord(end, stream));
            CUDA_VERIFY(cudaEventSynchronize(end));
            float ms = 0;
            CUDA_VERIFY(cudaEventElapsedTime(&ms, begin, end));
            timesMs.push_back(ms);
        }
        std::sort(timesMs.begin(), timesMs.end());
        qInfo("graph replay, 2 x 10000 boxes x 80 classes, half: median %.3f ms", double(timesMs[timesMs.size() / 2]));
        cudaEventDestroy(begin);
        cudaEventDestroy(end);
        cudaGraphExecDestroy(exec);
        cudaGraphDestroy(graph);
    }

    void missingWorkspaceIsAnError() {
        SKIP_WITHOUT_GPU();
        PluginPtr plugin = create(m_lib.creator, {});
        const Problem p = randomProblem(1, 100, 3, 0, false, 51);
        const Descs d = descsFor(p, 100);
        DeviceProblem dev(p, 100, 0);
        QVERIFY(dev.enqueue(*plugin, d, nullptr) != 0);
        QVERIFY(QString(plugin->getLastError()).contains("workspace"));
    }
};

QTEST_GUILESS_MAIN(TestPluginNmsCuda)
#include "test_plugin_nms_cuda.moc"
