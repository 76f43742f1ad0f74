// onnx/: importing the bundled samples, the export round trip, and every kind of bad input
// (truncated, corrupted, cyclic, missing initializer, conflicting shapes, unknown types,
// escaping external data, absurd dims, unsupported ops) giving a clear error, never a crash.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "backends/cpu/cpu_executor.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"
#include "onnx/tensor_proto.h"
#include "support/test_support.h"

using namespace kiln;
namespace fs = std::filesystem;
namespace pb = ::onnx;

namespace {

void addTensorInfo(pb::ValueInfoProto* vi, const std::string& name, int type, const std::vector<int64_t>& dims) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* s = tt->mutable_shape();
    for (int64_t d : dims) s->add_dim()->set_dim_value(d);
}

pb::NodeProto* addNode(pb::GraphProto* g, const std::string& name, const std::string& op,
                       std::vector<std::string> ins, std::vector<std::string> outs) {
    pb::NodeProto* n = g->add_node();
    n->set_name(name);
    n->set_op_type(op);
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return n;
}

// x[1,4] -> Relu -> y[1,4], opset 13
pb::ModelProto reluModel() {
    pb::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(13);
    pb::GraphProto* g = m.mutable_graph();
    g->set_name("relu");
    addTensorInfo(g->add_input(), "x", pb::TensorProto::FLOAT, {1, 4});
    addNode(g, "relu", "Relu", {"x"}, {"y"});
    addTensorInfo(g->add_output(), "y", pb::TensorProto::FLOAT, {1, 4});
    return m;
}

Expected<std::unique_ptr<ir::Graph>> importProto(const pb::ModelProto& m, const std::string& baseDir = {},
                                                 kiln::onnx::ImportOptions o = {}) {
    std::string bytes = m.SerializeAsString();
    return kiln::onnx::importModelBytes(bytes.data(), bytes.size(), baseDir, o);
}

// Expects a failed import whose message contains every needle.
void expectError(const Status& st, std::initializer_list<const char*> needles) {
    QVERIFY2(!st.isOk(), "import unexpectedly succeeded");
    const std::string text = st.toString();
    for (const char* n : needles) QVERIFY2(text.find(n) != std::string::npos, (text + "  [missing: " + n + "]").c_str());
}

pb::TensorProto* addExternalInitializer(pb::GraphProto* g, const std::string& name, const std::string& location,
                                        int64_t n) {
    pb::TensorProto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(pb::TensorProto::FLOAT);
    t->add_dims(n);
    t->set_data_location(pb::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(location);
    return t;
}

// x[1,4] + w[4] (external) -> y
pb::ModelProto externalAddModel(const std::string& location) {
    pb::ModelProto m = reluModel();
    pb::GraphProto* g = m.mutable_graph();
    g->clear_node();
    addNode(g, "add", "Add", {"x", "w"}, {"y"});
    addExternalInitializer(g, "w", location, 4);
    return m;
}

}  // namespace

class TestOnnxImport : public QObject {
    Q_OBJECT

private slots:
    void samplesImportAndRun_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("nodes");
        QTest::newRow("resnet_mini") << "resnet_mini.onnx" << 39;
        QTest::newRow("encoder_mini") << "encoder_mini.onnx" << 161;
        QTest::newRow("lenet5") << "lenet5.onnx" << 12;
    }
    void samplesImportAndRun() {
        QFETCH(QString, file);
        QFETCH(int, nodes);
        const std::string path = test::sampleModel(file.toStdString());
        QVERIFY2(fs::file_size(path) < 2 * 1024 * 1024, "sample models stay under 2 MB");
        auto g = kiln::onnx::importModelFile(path);
        KILN_VERIFY_EXPECTED(g);
        QCOMPARE((*g)->numNodes(), nodes);
        KILN_VERIFY_OK((*g)->verify());
        // every intermediate value got a type from shape inference
        for (const ir::Value* v : (*g)->values()) QVERIFY2(v->dtype() != DataType::Undefined, v->name().c_str());
        auto inputs = cpu::makeRandomInputs(**g, 7, {{"batch", 2}, {"sequence", 16}});
        KILN_VERIFY_EXPECTED(inputs);
        cpu::CpuExecutor exec(**g);
        auto out = exec.run(*inputs);
        KILN_VERIFY_EXPECTED(out);
        for (auto& [name, t] : *out) {
            QCOMPARE(t.dims()[0], int64_t(2));
            QVERIFY2(!hasNanOrInf(t), name.c_str());
        }
    }

    // The samples' outputs agree with ONNX Runtime's (tests/data/samples, made by
    // tools/make_sample_reference.py): the CPU reference is checked by an independent engine.
    void samplesMatchOnnxRuntime_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("resnet_mini") << "resnet_mini";
        QTest::newRow("encoder_mini") << "encoder_mini";
        QTest::newRow("lenet5") << "lenet5";
    }
    void samplesMatchOnnxRuntime() {
        QFETCH(QString, name);
        auto g = kiln::onnx::importModelFile(test::sampleModel(name.toStdString() + ".onnx"));
        KILN_VERIFY_EXPECTED(g);
        const std::string dir = test::sourceDir() + "/tests/data/samples/" + name.toStdString();
        cpu::TensorMap inputs;
        const auto runtimeInputs = (*g)->runtimeInputs();
        for (size_t i = 0; i < runtimeInputs.size(); ++i) {
            auto t = kiln::onnx::readTensorFile(dir + "/input_" + std::to_string(i) + ".pb");
            KILN_VERIFY_EXPECTED(t);
            inputs[runtimeInputs[i]->name()] = *t;
        }
        cpu::CpuExecutor exec(**g);
        auto out = exec.run(inputs);
        KILN_VERIFY_EXPECTED(out);
        for (size_t i = 0; i < (*g)->outputs().size(); ++i) {
            auto expected = kiln::onnx::readTensorFile(dir + "/output_" + std::to_string(i) + ".pb");
            KILN_VERIFY_EXPECTED(expected);
            CompareResult r = compareTensors(out->at((*g)->outputs()[i]->name()), *expected, 1e-4, 1e-5);
            QVERIFY2(r.ok(), r.toString().c_str());
            QVERIFY2(r.relativeL2 < 1e-5, r.toString().c_str());
        }
    }

    void exportRoundTripIsLossless() {
        for (const char* file : {"resnet_mini.onnx", "encoder_mini.onnx", "lenet5.onnx"}) {
            auto a = kiln::onnx::importModelFile(test::sampleModel(file));
            KILN_VERIFY_EXPECTED(a);
            QTemporaryDir dir;
            const std::string out = dir.filePath("roundtrip.onnx").toStdString();
            KILN_VERIFY_OK(kiln::onnx::exportModelFile(**a, out));
            auto b = kiln::onnx::importModelFile(out);
            KILN_VERIFY_EXPECTED(b);
            QCOMPARE((*b)->numNodes(), (*a)->numNodes());
            for (int i = 0; i < (*a)->numNodes(); ++i) {
                QCOMPARE((*b)->nodes()[size_t(i)]->name(), (*a)->nodes()[size_t(i)]->name());
                QCOMPARE((*b)->nodes()[size_t(i)]->attributes().size(), (*a)->nodes()[size_t(i)]->attributes().size());
            }
            QCOMPARE((*b)->info().producerName, (*a)->info().producerName);
            QCOMPARE((*b)->info().metadata, (*a)->info().metadata);
            auto inputs = cpu::makeRandomInputs(**a, 11, {{"batch", 1}, {"sequence", 8}});
            KILN_VERIFY_EXPECTED(inputs);
            cpu::CpuExecutor ea(**a), eb(**b);
            auto oa = ea.run(*inputs);
            auto ob = eb.run(*inputs);
            KILN_VERIFY_EXPECTED(oa);
            KILN_VERIFY_EXPECTED(ob);
            for (auto& [name, t] : *oa) QVERIFY(compareTensors(ob->at(name), t, 0, 0).ok());  // bit-identical
        }
    }

    void truncatedFile() {
        auto bytes = kiln::readWholeFile(test::sampleModel("resnet_mini.onnx"));
        QVERIFY(bytes.hasValue());
        for (size_t cut : {size_t(10), bytes->size() / 2, bytes->size() - 3}) {
            auto g = kiln::onnx::importModelBytes(bytes->data(), cut);
            QVERIFY(!g.hasValue());
            QCOMPARE(g.status().code(), StatusCode::InvalidModel);
        }
    }

    void corruptedAndEmptyFiles() {
        std::string garbage(4096, '\0');
        for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = char((i * 2654435761u) >> 13);
        expectError(kiln::onnx::importModelBytes(garbage.data(), garbage.size()).status(), {"InvalidModel"});
        expectError(kiln::onnx::importModelBytes("", 0).status(), {"empty"});
        expectError(kiln::onnx::importModelFile("/nonexistent/model.onnx").status(), {"does not exist"});
        // flipping bytes inside the weights of a valid model must not crash either
        auto bytes = kiln::readWholeFile(test::sampleModel("lenet5.onnx"));
        for (size_t pos = 7; pos < bytes->size(); pos += bytes->size() / 97) {
            std::string b = *bytes;
            b[pos] = char(b[pos] ^ 0x5A);
            auto g = kiln::onnx::importModelBytes(b.data(), b.size());
            (void)g;  // either imports (a weight changed) or fails cleanly
        }
    }

    void cycleIsNamed() {
        pb::ModelProto m = reluModel();
        pb::GraphProto* g = m.mutable_graph();
        g->clear_node();
        addNode(g, "A", "Add", {"x", "b"}, {"a"});
        addNode(g, "B", "Relu", {"a"}, {"b"});
        addNode(g, "C", "Relu", {"b"}, {"y"});
        expectError(importProto(m).status(), {"cycle", "A (Add)", "B (Relu)"});
    }

    void unsortedGraphIsAccepted() {
        pb::ModelProto m = reluModel();
        pb::GraphProto* g = m.mutable_graph();
        g->clear_node();
        addNode(g, "second", "Relu", {"t"}, {"y"});
        addNode(g, "first", "Neg", {"x"}, {"t"});
        auto imported = importProto(m);
        KILN_VERIFY_EXPECTED(imported);
        QCOMPARE((*imported)->nodes()[0]->name(), std::string("first"));
    }

    void missingInitializer() {
        pb::ModelProto m = reluModel();
        pb::GraphProto* g = m.mutable_graph();
        g->clear_node();
        addNode(g, "Add_7", "Add", {"x", "bias"}, {"y"});
        expectError(importProto(m).status(), {"Add_7", "bias"});
        expectError(importProto(m, {}, {.runChecker = false}).status(), {"Add_7", "'bias'", "not produced"});
    }

    void conflictingShapes() {
        pb::ModelProto m = reluModel();
        pb::GraphProto* g = m.mutable_graph();
        g->clear_output();
        addTensorInfo(g->add_output(), "y", pb::TensorProto::FLOAT, {2, 5});  // Relu keeps [1, 4]
        expectError(importProto(m).status(), {"InvalidModel"});
        // an initializer whose declared input shape disagrees with its data
        pb::ModelProto m2 = reluModel();
        pb::GraphProto* g2 = m2.mutable_graph();
        g2->clear_node();
        addNode(g2, "add", "Add", {"x", "w"}, {"y"});
        pb::TensorProto* w = g2->add_initializer();
        w->set_name("w");
        w->set_data_type(pb::TensorProto::FLOAT);
        w->add_dims(4);
        for (int i = 0; i < 4; ++i) w->add_float_data(1.0f);
        addTensorInfo(g2->add_input(), "w", pb::TensorProto::FLOAT, {3});
        expectError(importProto(m2, {}, {.runChecker = false, .inferShapes = false}).status(), {"'w'", "[3]", "[4]"});
    }

    void unknownAndUnsupportedTypes() {
        pb::ModelProto m = reluModel();
        m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(99);
        expectError(importProto(m, {}, {.runChecker = false, .inferShapes = false}).status(), {"unknown tensor data type 99"});
        pb::ModelProto s = reluModel();
        s.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(pb::TensorProto::STRING);
        expectError(importProto(s, {}, {.runChecker = false, .inferShapes = false}).status(), {"string"});
        // initializer whose data does not match its shape
        pb::ModelProto w = reluModel();
        pb::TensorProto* t = w.mutable_graph()->add_initializer();
        t->set_name("w");
        t->set_data_type(pb::TensorProto::FLOAT);
        t->add_dims(8);
        t->add_float_data(1.0f);
        expectError(importProto(w, {}, {.runChecker = false}).status(), {"'w'", "1 value(s)", "needs 8"});
    }

    void absurdDimensions() {
        pb::ModelProto m = reluModel();
        auto* shape = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
        shape->mutable_dim(0)->set_dim_value(int64_t(1) << 40);
        shape->mutable_dim(1)->set_dim_value(int64_t(1) << 40);
        expectError(importProto(m, {}, {.runChecker = false, .inferShapes = false}).status(), {"OutOfRange"});
        pb::ModelProto w = reluModel();
        pb::TensorProto* t = w.mutable_graph()->add_initializer();
        t->set_name("huge");
        t->set_data_type(pb::TensorProto::FLOAT);
        for (int i = 0; i < 4; ++i) t->add_dims(int64_t(1) << 20);  // 2^80 elements: must not allocate
        expectError(importProto(w, {}, {.runChecker = false}).status(), {"huge", "overflow"});
    }

    void externalDataInsideFolderLoads() {
        QTemporaryDir dir;
        const std::vector<float> w = {0.5f, -1.0f, 2.0f, 4.0f};
        QVERIFY(test::writeBytes(dir.filePath("weights.bin").toStdString(),
                                 std::string(reinterpret_cast<const char*>(w.data()), 16)));
        auto g = importProto(externalAddModel("weights.bin"), dir.path().toStdString());
        KILN_VERIFY_EXPECTED(g);
        const HostTensor* t = (*g)->findValue("w")->constant();
        QVERIFY(t);
        QCOMPARE(t->data<float>()[3], 4.0f);
        // and from a file on disk
        const std::string path = dir.filePath("model.onnx").toStdString();
        QVERIFY(test::writeBytes(path, externalAddModel("weights.bin").SerializeAsString()));
        KILN_VERIFY_EXPECTED(kiln::onnx::importModelFile(path));
        // too short a file
        QVERIFY(test::writeBytes(dir.filePath("short.bin").toStdString(), std::string(8, '\0')));
        expectError(importProto(externalAddModel("short.bin"), dir.path().toStdString()).status(), {"'w'", "8 bytes"});
        expectError(importProto(externalAddModel("absent.bin"), dir.path().toStdString()).status(), {"not found"});
    }

    void externalDataEscapingIsRefused_data() {
        QTest::addColumn<QString>("location");
        QTest::newRow("parent") << "../secret.bin";
        QTest::newRow("nested parent") << "sub/../../secret.bin";
        QTest::newRow("absolute") << "/etc/passwd";
    }
    void externalDataEscapingIsRefused() {
        QFETCH(QString, location);
        QTemporaryDir outer;
        QDir(outer.path()).mkdir("model");
        QVERIFY(test::writeBytes(outer.filePath("secret.bin").toStdString(), std::string(16, 'x')));
        auto st = importProto(externalAddModel(location.toStdString()), outer.filePath("model").toStdString()).status();
        expectError(st, {"refused"});
    }

    void unsupportedOpsListedTogether() {
        pb::ModelProto m = reluModel();
        auto* op = m.add_opset_import();
        op->set_domain("com.example");
        op->set_version(1);
        pb::GraphProto* g = m.mutable_graph();
        g->clear_node();
        addNode(g, "warp", "GridWarp", {"x"}, {"t"})->set_domain("com.example");
        addNode(g, "nms", "FancyNMS", {"t"}, {"y"})->set_domain("com.example");
        expectError(importProto(m).status(), {"2 node(s)", "warp (GridWarp, domain com.example, opset 1)",
                                              "nms (FancyNMS, domain com.example, opset 1)"});
        // for viewing, unsupported ops may still be imported
        KILN_VERIFY_EXPECTED(importProto(m, {}, {.requireSupportedOps = false}));
    }

    void futureOpsetIsRefusedClearly() {
        pb::ModelProto m = reluModel();
        m.mutable_opset_import(0)->set_version(99);
        expectError(importProto(m).status(), {"99"});
        expectError(importProto(m, {}, {.runChecker = false, .inferShapes = false}).status(), {"opset 99", "1 to 17"});
    }
};

QTEST_GUILESS_MAIN(TestOnnxImport)
#include "test_onnx_import.moc"
