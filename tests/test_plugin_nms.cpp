// The BatchedNMS sample plugin (samples/plugins/nms), loaded with dlopen as Kiln loads it: its
// CPU enqueue against a plain reference NMS on random problems (exact counts, classes, boxes and
// scores), its entry points and fields, attribute and serialized-data validation, output types
// and shape expressions, format combinations, and the tensor checks of enqueue.
#include <QtTest>

#include <deque>

#include "plugins/nms_test_support.h"

using namespace kiln::test::nms;

namespace {

// A dim expression: a constant or a named symbol (what a model's "batch" becomes).
class TestDim final : public kp::IDimExpr {
public:
    TestDim(int64_t value, std::string symbol) : value(value), symbol(std::move(symbol)) {}
    bool isConstant() const override { return symbol.empty(); }
    int64_t getConstantValue() const override { return symbol.empty() ? value : -1; }
    int64_t value;
    std::string symbol;
};

class TestExprBuilder final : public kp::IExprBuilder {
public:
    const kp::IDimExpr* constant(int64_t value) override { return &m_dims.emplace_back(value, ""); }
    const kp::IDimExpr* symbol(const std::string& name) { return &m_dims.emplace_back(-1, name); }
    const kp::IDimExpr* operation(kp::DimOp, const kp::IDimExpr&, const kp::IDimExpr&) override {
        return &m_dims.emplace_back(-1, "expr");  // BatchedNMS needs no arithmetic
    }
    // Whether e came from this builder, and what it is.
    const TestDim* find(const kp::IDimExpr* e) const {
        for (const TestDim& d : m_dims)
            if (&d == e) return &d;
        return nullptr;
    }

private:
    std::deque<TestDim> m_dims;
};

kp::DimsExprs dimsOf(std::initializer_list<const kp::IDimExpr*> dims) {
    kp::DimsExprs e;
    for (const kp::IDimExpr* d : dims) e.d[e.nbDims++] = d;
    return e;
}

}  // namespace

class TestPluginNms : public QObject {
    Q_OBJECT

private:
    Library m_lib;

    kp::IPluginCreator& creator() { return *m_lib.creator; }

private slots:
    void initTestCase() {
        m_lib = loadNms();
        QVERIFY2(m_lib.creator, (pluginPath() + ": " + m_lib.error).c_str());
    }

    void entryPointsAndFields() {
        QCOMPARE(std::string(creator().getPluginType()), std::string("BatchedNMS"));
        QCOMPARE(std::string(creator().getPluginNamespace()), std::string("kiln.samples"));
        QCOMPARE(std::string(creator().getPluginVersion()), std::string("1"));
        const kp::PluginFieldCollection* fc = creator().getFieldNames();
        QVERIFY(fc);
        std::vector<std::string> names;
        for (int32_t i = 0; i < fc->nbFields; ++i) names.emplace_back(fc->fields[i].name);
        QCOMPARE(names, (std::vector<std::string>{"score_threshold", "iou_threshold", "max_output_boxes",
                                                  "class_agnostic", "box_coding"}));
        // Nothing but the two entry points is visible.
        QVERIFY(dlsym(m_lib.handle, "kilnGetPluginCreators"));
        QVERIFY(!dlsym(m_lib.handle,
                       "_ZN4kiln7samples3nms9runNmsCpuERKNS1_9NmsParamsERKNS1_8NmsShapeERKNS1_10NmsTensorsE"));

        PluginPtr p = create(m_lib.creator, {});
        QVERIFY(p);
        QCOMPARE(std::string(p->getPluginType()), std::string("BatchedNMS"));
        QCOMPARE(p->getNbOutputs(), 4);
        QVERIFY(p->supportsDevice(kp::DeviceKind::kCPU));
        QVERIFY(!p->supportsFusedActivation(kp::ActivationKind::kRELU));
    }

    void cpuMatchesReference_data() {
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
        QTest::newRow("defaults") << 1 << 200 << 4 << 0.0f << 0.5f << 100 << 0 << 0 << false << 1u;
        QTest::newRow("batch 3, few outputs") << 3 << 300 << 5 << 0.25f << 0.5f << 7 << 0 << 0 << false << 2u;
        QTest::newRow("center-size") << 2 << 250 << 3 << 0.1f << 0.45f << 50 << 0 << 1 << false << 3u;
        QTest::newRow("class-agnostic") << 2 << 400 << 6 << 0.2f << 0.5f << 60 << 1 << 0 << false << 4u;
        QTest::newRow("class-agnostic center-size") << 2 << 300 << 3 << 0.0f << 0.3f << 40 << 1 << 1 << false << 5u;
        QTest::newRow("half") << 2 << 300 << 4 << 0.1f << 0.5f << 80 << 0 << 0 << true << 6u;
        QTest::newRow("half center-size agnostic") << 3 << 200 << 5 << 0.3f << 0.6f << 30 << 1 << 1 << true << 7u;
        QTest::newRow("iou 0: any overlap suppresses") << 1 << 300 << 2 << 0.0f << 0.0f << 100 << 0 << 0 << false << 8u;
        QTest::newRow("iou 1: nothing suppresses") << 1 << 120 << 2 << 0.5f << 1.0f << 100 << 0 << 0 << false << 9u;
        QTest::newRow("negative threshold (zeros pass)")
            << 2 << 150 << 3 << -0.5f << 0.5f << 100 << 0 << 0 << false << 10u;
        QTest::newRow("one output") << 4 << 100 << 3 << 0.0f << 0.5f << 1 << 0 << 0 << false << 11u;
        QTest::newRow("more slots than candidates") << 2 << 40 << 2 << 0.5f << 0.5f << 500 << 0 << 1 << false << 12u;
        QTest::newRow("high threshold (none)") << 2 << 50 << 3 << 0.99f << 0.5f << 10 << 0 << 0 << false << 13u;
        QTest::newRow("one class, many boxes") << 1 << 2000 << 1 << 0.0f << 0.5f << 100 << 0 << 0 << false << 14u;
        QTest::newRow("many classes") << 2 << 150 << 80 << 0.3f << 0.5f << 100 << 0 << 0 << true << 15u;
        QTest::newRow("no boxes") << 2 << 0 << 3 << 0.0f << 0.5f << 5 << 0 << 0 << false << 16u;
        QTest::newRow("no classes") << 2 << 10 << 0 << 0.0f << 0.5f << 5 << 1 << 0 << false << 17u;
        QTest::newRow("empty batch") << 0 << 10 << 3 << 0.0f << 0.5f << 5 << 0 << 0 << false << 18u;
    }

    void cpuMatchesReference() {
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
        QVERIFY2(plugin, creator().getLastError());
        const Problem p = randomProblem(batch, numBoxes, numClasses, coding, half, seed);
        Outputs got;
        QCOMPARE(runCpu(*plugin, p, maxOut, &got), 0);
        const Outputs want = referenceOutputs(p, a);
        const std::string diff = difference(got, want, maxOut, half);
        QVERIFY2(diff.empty(), diff.c_str());
        // The problems are meant to exercise suppression and the output limit: make sure they do.
        if (QByteArray(QTest::currentDataTag()) == "defaults") {
            QVERIFY(want.numDetections[0] == maxOut);
            QVERIFY(referenceNms(p, {scoreThreshold, 1.0f, 1 << 20, agnostic, coding}, 0).size() >
                    referenceNms(p, {scoreThreshold, iouThreshold, 1 << 20, agnostic, coding}, 0).size());
        }
    }

    // The comparisons at their boundaries, on four boxes of one class: A; A2 = A; B with
    // IoU(A, B) = 2 / 4 exactly; C touching A's edge, IoU(B, C) = 1 / 4 exactly.
    void boundaryCases_data() {
        QTest::addColumn<float>("iouThreshold");
        QTest::addColumn<float>("scoreThreshold");
        QTest::addColumn<std::vector<int>>("kept");  // box indices, in output order
        QTest::newRow("iou 1: identical boxes both stay") << 1.0f << 0.0f << std::vector<int>{0, 1, 2, 3};
        QTest::newRow("iou 0.5: IoU of exactly 0.5 stays") << 0.5f << 0.0f << std::vector<int>{0, 2, 3};
        QTest::newRow("iou 0.4") << 0.4f << 0.0f << std::vector<int>{0, 3};
        QTest::newRow("iou 0: touching boxes stay") << 0.0f << 0.0f << std::vector<int>{0, 3};
        QTest::newRow("score equal to the threshold is dropped") << 1.0f << 0.5f << std::vector<int>{0, 1, 2};
    }

    void boundaryCases() {
        QFETCH(float, iouThreshold);
        QFETCH(float, scoreThreshold);
        QFETCH(std::vector<int>, kept);
        Problem p{1, 4, 1, false, {0, 0, 3, 1, 0, 0, 3, 1, 1, 0, 4, 1, 3, 0, 5, 1}, {0.875f, 0.75f, 0.625f, 0.5f}};
        PluginPtr plugin = create(m_lib.creator, {scoreThreshold, iouThreshold, 4, 0, 0});
        QVERIFY(plugin);
        Outputs out;
        QCOMPARE(runCpu(*plugin, p, 4, &out), 0);
        QCOMPARE(out.numDetections[0], int32_t(kept.size()));
        for (size_t i = 0; i < 4; ++i) {
            float score = 0, x1 = 0;
            std::memcpy(&score, &out.scores[i * 4], 4);
            std::memcpy(&x1, &out.boxes[i * 16], 4);
            const bool used = i < kept.size();
            QCOMPARE(score, used ? p.scores[size_t(kept[i])] : 0.0f);
            QCOMPARE(x1, used ? p.boxes[size_t(kept[i]) * 4] : 0.0f);
        }
    }

    void serializationRoundTrip() {
        const Attrs a{0.125f, 0.375f, 17, 1, 1};
        PluginPtr original = create(m_lib.creator, a);
        QVERIFY(original);
        std::vector<uint8_t> bytes(original->getSerializationSize());
        original->serialize(bytes.data());
        PluginPtr copy(creator().deserializePlugin("nms", bytes.data(), bytes.size()));
        QVERIFY2(copy, creator().getLastError());
        std::vector<uint8_t> again(copy->getSerializationSize());
        copy->serialize(again.data());
        QCOMPARE(again, bytes);
        PluginPtr cloned(copy->clone());
        QVERIFY(cloned);

        const Problem p = randomProblem(2, 200, 4, 1, false, 21);
        Outputs fromAttrs, fromBytes, fromClone;
        QCOMPARE(runCpu(*original, p, 17, &fromAttrs), 0);
        QCOMPARE(runCpu(*copy, p, 17, &fromBytes), 0);
        QCOMPARE(runCpu(*cloned, p, 17, &fromClone), 0);
        QVERIFY(difference(fromBytes, fromAttrs, 17, false).empty());
        QVERIFY(difference(fromClone, fromAttrs, 17, false).empty());
        QVERIFY(difference(fromAttrs, referenceOutputs(p, a), 17, false).empty());
    }

    void malformedSerializedData_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        PluginPtr p = create(m_lib.creator, {});
        QByteArray good(int(p->getSerializationSize()), '\0');
        p->serialize(good.data());
        auto patched = [&](int at, char value) {
            QByteArray b = good;
            b[at] = value;
            return b;
        };
        const float badIou = 2.0f;
        QByteArray iou = good;
        std::memcpy(iou.data() + 5, &badIou, 4);
        QTest::newRow("empty") << QByteArray() << "bytes, expected";
        QTest::newRow("short") << good.left(good.size() - 1) << "bytes, expected";
        QTest::newRow("long") << (good + 'x') << "bytes, expected";
        QTest::newRow("format version") << patched(0, 9) << "format version 9";
        QTest::newRow("iou threshold") << iou << "iou_threshold must be in [0, 1]";
        QTest::newRow("class_agnostic") << patched(13, 7) << "class_agnostic must be 0 or 1";
        QTest::newRow("box_coding") << patched(14, 3) << "box_coding must be 0 or 1";
        QTest::newRow("max_output_boxes") << patched(9, 0) << "max_output_boxes must be in";
    }

    void malformedSerializedData() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        PluginPtr p(
            creator().deserializePlugin("nms", bytes.isEmpty() ? nullptr : bytes.constData(), size_t(bytes.size())));
        QVERIFY(!p);
        const QString error = creator().getLastError();
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void badAttributes_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("type");  // kp::FieldType
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("message");
        const int f = int(kp::FieldType::kFLOAT32), i = int(kp::FieldType::kINT64), c = int(kp::FieldType::kCHAR);
        QTest::newRow("iou above 1") << "iou_threshold" << f << 1.5 << "iou_threshold must be in [0, 1], got 1.5";
        QTest::newRow("iou below 0") << "iou_threshold" << f << -0.1 << "iou_threshold must be in [0, 1]";
        QTest::newRow("max_output_boxes 0") << "max_output_boxes" << i << 0.0 << "max_output_boxes must be in [1, ";
        QTest::newRow("max_output_boxes -3") << "max_output_boxes" << i << -3.0 << "got -3";
        QTest::newRow("max_output_boxes 2^32+1") << "max_output_boxes" << i << 4294967297.0 << "got 4294967297";
        QTest::newRow("box_coding 2") << "box_coding" << i << 2.0 << "box_coding must be 0 (x1, y1, x2, y2) or 1";
        QTest::newRow("class_agnostic 2") << "class_agnostic" << i << 2.0 << "class_agnostic must be 0 or 1";
        QTest::newRow("max_output_boxes as float") << "max_output_boxes" << f << 10.0 << "must be one int";
        QTest::newRow("threshold as text") << "score_threshold" << c << 0.0 << "must be one float";
        QTest::newRow("unknown attribute") << "iou_treshold" << f << 0.5 << "unknown attribute 'iou_treshold'";
        QTest::newRow("fused activation") << "kiln_activation" << c << 0.0 << "takes no fused activation";
    }

    void badAttributes() {
        QFETCH(QString, name);
        QFETCH(int, type);
        QFETCH(double, value);
        QFETCH(QString, message);
        const QByteArray fieldName = name.toUtf8();
        const float asFloat = float(value);
        const int64_t asInt = int64_t(value);
        const char text[] = "relu";
        kp::PluginField field{fieldName.constData(), nullptr, kp::FieldType(type), 1};
        if (field.type == kp::FieldType::kFLOAT32) field.data = &asFloat;
        if (field.type == kp::FieldType::kINT64) field.data = &asInt;
        if (field.type == kp::FieldType::kCHAR) field.data = text, field.length = 4;
        Fields fields({});
        fields.add(field);  // after the defaults, so it wins
        PluginPtr p(creator().createPlugin("nms", fields.collection()));
        QVERIFY(!p);
        const QString error = creator().getLastError();
        QVERIFY2(error.startsWith("BatchedNMS: ") && error.contains(message), qPrintable(error));
    }

    void integerThresholdsAreTaken() {
        // onnx.helper.make_node(..., score_threshold=0) writes an int attribute.
        const int64_t zero = 0;
        kp::PluginField field{"score_threshold", &zero, kp::FieldType::kINT64, 1};
        kp::PluginFieldCollection fc{1, &field};
        PluginPtr p(creator().createPlugin("nms", &fc));
        QVERIFY2(p, creator().getLastError());
        PluginPtr defaults(creator().createPlugin("nms", nullptr));
        QVERIFY(defaults);
    }

    void outputTypes() {
        PluginPtr p = create(m_lib.creator, {});
        using T = kp::DataType;
        T out[4];
        for (T t : {T::kFLOAT, T::kHALF}) {
            const T in[2] = {t, t};
            QCOMPARE(p->getOutputDataTypes(out, 4, in, 2), 0);
            QVERIFY(out[0] == T::kINT32 && out[1] == t && out[2] == t && out[3] == T::kINT32);
        }
        const T mixed[2] = {T::kFLOAT, T::kHALF};
        QVERIFY(p->getOutputDataTypes(out, 4, mixed, 2) != 0);
        QVERIFY(QString(p->getLastError())
                    .contains("boxes and scores must both be float or both be half, not float and half"));
        const T ints[2] = {T::kINT32, T::kINT32};
        QVERIFY(p->getOutputDataTypes(out, 4, ints, 2) != 0);
        QVERIFY(p->getOutputDataTypes(out, 3, mixed, 2) != 0);
    }

    void outputShapes() {
        PluginPtr p = create(m_lib.creator, {0.0f, 0.5f, 25, 0, 0});
        TestExprBuilder b;
        const kp::IDimExpr* batch = b.symbol("batch");
        kp::DimsExprs in[2] = {dimsOf({batch, b.constant(1000), b.constant(4)}),
                               dimsOf({batch, b.constant(1000), b.constant(80)})};
        kp::DimsExprs out[4];
        QCOMPARE(p->getOutputShapes(in, 2, out, 4, b), 0);
        const std::vector<std::vector<std::string>> expected = {
            {"batch", "1"}, {"batch", "25", "4"}, {"batch", "25"}, {"batch", "25"}};
        for (int o = 0; o < 4; ++o) {
            QCOMPARE(out[o].nbDims, int32_t(expected[size_t(o)].size()));
            for (int d = 0; d < out[o].nbDims; ++d) {
                const TestDim* dim = b.find(out[o].d[d]);
                QVERIFY2(dim, "an output dim the builder did not make");
                const std::string text = dim->isConstant() ? std::to_string(dim->value) : dim->symbol;
                QCOMPARE(text, expected[size_t(o)][size_t(d)]);
            }
        }
        QVERIFY(out[0].d[0] == batch);  // the input's own expression

        // Wrong ranks and box widths are errors that say so.
        kp::DimsExprs rank2[2] = {dimsOf({batch, b.constant(4)}), in[1]};
        QVERIFY(p->getOutputShapes(rank2, 2, out, 4, b) != 0);
        QVERIFY(QString(p->getLastError()).contains("must have rank 3, not 2 and 3"));
        kp::DimsExprs width5[2] = {dimsOf({batch, b.constant(1000), b.constant(5)}), in[1]};
        QVERIFY(p->getOutputShapes(width5, 2, out, 4, b) != 0);
        QVERIFY(QString(p->getLastError()).contains("its last dim is 5"));
        kp::DimsExprs mismatch[2] = {in[0], dimsOf({batch, b.constant(999), b.constant(80)})};
        QVERIFY(p->getOutputShapes(mismatch, 2, out, 4, b) != 0);
        QVERIFY(p->getOutputShapes(in, 1, out, 4, b) != 0);
    }

    void formatCombinations() {
        PluginPtr p = create(m_lib.creator, {});
        using T = kp::DataType;
        auto ports = [](T f, T i) {
            std::vector<kp::PortDesc> v(6, {f, kp::TensorFormat::kLINEAR});
            v[2].type = v[5].type = i;
            return v;
        };
        for (T t : {T::kFLOAT, T::kHALF}) {
            auto v = ports(t, T::kINT32);
            for (int pos = 0; pos < 6; ++pos) QVERIFY(p->supportsFormatCombination(pos, v.data(), 2, 4));
        }
        auto mixed = ports(T::kFLOAT, T::kINT32);
        mixed[1].type = T::kHALF;  // scores of another type than boxes
        QVERIFY(!p->supportsFormatCombination(1, mixed.data(), 2, 4));
        auto int64Counts = ports(T::kFLOAT, T::kINT64);
        QVERIFY(!p->supportsFormatCombination(2, int64Counts.data(), 2, 4));
        auto intBoxes = ports(T::kINT32, T::kINT32);
        QVERIFY(!p->supportsFormatCombination(0, intBoxes.data(), 2, 4));
        QVERIFY(!p->supportsFormatCombination(6, int64Counts.data(), 2, 4));
    }

    void enqueueChecksTensors() {
        PluginPtr p = create(m_lib.creator, {0.0f, 0.5f, 10, 0, 0});
        const Problem problem = randomProblem(2, 20, 3, 0, false, 31);
        Descs d = descsFor(problem, 10);
        Outputs out = emptyOutputs(problem, 10);
        const std::vector<uint8_t> boxes = storage(problem.boxes, false), scores = storage(problem.scores, false);
        const void* ins[2] = {boxes.data(), scores.data()};
        void* outs[4] = {out.numDetections.data(), out.boxes.data(), out.scores.data(), out.classes.data()};
        auto run = [&](const Descs& dd) {
            return p->enqueue(kp::DeviceKind::kCPU, dd.in, dd.out, ins, outs, nullptr, nullptr);
        };
        QCOMPARE(run(d), 0);

        Descs fewerSlots = d;
        fewerSlots.out[1].dims.d[1] = 9;  // K = 9 where the plugin writes 10
        QVERIFY(run(fewerSlots) != 0);
        QVERIFY(QString(p->getLastError())
                    .contains("outputs must be [B, 1], [B, K, 4], [B, K] and [B, K] with B = 2, K = 10"));
        Descs otherN = d;
        otherN.in[1].dims.d[1] = 21;
        QVERIFY(run(otherN) != 0);
        QVERIFY(QString(p->getLastError())
                    .contains("boxes must be [B, N, 4] and scores [B, N, C], not [2, 20, 4] and [2, 21, 3]"));
        Descs halfScores = d;
        halfScores.in[1].type = kp::DataType::kHALF;
        QVERIFY(run(halfScores) != 0);
        Descs tooMany = d;
        tooMany.in[0].dims.d[1] = tooMany.in[1].dims.d[1] = int64_t(1) << 40;
        QVERIFY(run(tooMany) != 0);
        QVERIFY(QString(p->getLastError()).contains("exceed the 2^31 candidate slots"));
    }
};

QTEST_GUILESS_MAIN(TestPluginNms)
#include "test_plugin_nms.moc"
