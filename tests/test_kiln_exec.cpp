// kiln-exec end to end: build, save, load, run and export on every sample model, checked for
// content (the summary, the report, outputs identical after a save/load round trip), and the
// errors a trtexec user will run into.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "support/test_support.h"

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run kilnExec(const QStringList& args) {
    QProcess p;
    p.start(QString(KILN_BINARY_DIR) + "/bin/kiln-exec", args);
    Run r;
    if (!p.waitForFinished(300000)) {
        p.kill();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QJsonDocument readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll());
}

const QStringList kQuick{"--warmUp", "0", "--duration", "0", "--iterations", "3"};

}  // namespace

class TestKilnExec : public QObject {
    Q_OBJECT
private slots:
    void defaultJobPrintsTheSummary() {
        Run r = kilnExec(kQuick);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        for (const char* want : {"&&&& RUNNING Kiln.kiln-exec", "=== Performance summary ===", "[I] Throughput: ",
                                 "[I] Latency: min = ", "percentile(99%) = ", "[I] Enqueue Time: ", "[I] H2D Latency: ",
                                 "[I] CPU Compute Time: ", "[I] D2H Latency: ", "[I] Total Host Walltime: ",
                                 "39 nodes -> 15 layers", "activation arena", "&&&& PASSED Kiln.kiln-exec"})
            QVERIFY2(r.out.contains(want), qPrintable(QString("missing '%1' in:\n%2").arg(want, r.out)));
        QVERIFY2(r.out.contains(QRegularExpression("max relative L2 = [0-9.e-]+")), qPrintable(r.out));
    }

    void buildSaveLoadRun_data() {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("shapes");
        QTest::addColumn<QString>("output");
        QTest::newRow("resnet_mini") << "resnet_mini" << "input:2x3x64x64" << "logits";
        QTest::newRow("encoder_mini") << "encoder_mini" << "input_ids:2x12,attention_mask:2x12" << "last_hidden_state";
        QTest::newRow("lenet5") << "lenet5" << "input:3x1x28x28" << "logits";
    }
    void buildSaveLoadRun() {
        QFETCH(QString, sample);
        QFETCH(QString, shapes);
        QFETCH(QString, output);
        QTemporaryDir dir;
        const QString plan = dir.filePath(sample + ".plan"), report = dir.filePath("report.json");
        const QString out1 = dir.filePath("out1.json"), out2 = dir.filePath("out2.json");
        const QString layers = dir.filePath("layers.json"), profile = dir.filePath("profile.json");
        const QString times = dir.filePath("times.json");
        Run built = kilnExec(QStringList{"--sample", sample, "--shapes", shapes, "--saveEngine", plan, "--exportReport",
                                         report, "--exportOutput", out1, "--exportLayerInfo", layers, "--exportProfile",
                                         profile, "--exportTimes", times, "--dumpProfile", "--dumpLayerInfo"} + kQuick);
        QVERIFY2(built.exitCode == 0, qPrintable(built.out + built.err));
        QVERIFY(built.out.contains("Engine saved to"));
        QVERIFY(built.out.contains("=== Profile ("));
        QVERIFY(QFileInfo(plan).size() > 1000);

        // The report: schema, every layer with origins, memory plan, PassLog and the run.
        const QJsonObject r = readJson(report).object();
        QCOMPARE(r["schema"].toString(), QString("kiln-report"));
        const QJsonArray ls = r["layers"].toArray();
        QVERIFY(!ls.isEmpty());
        for (const QJsonValue& l : ls) {
            QVERIFY(!l["name"].toString().isEmpty());
            QVERIFY(!l["origins"].toArray().isEmpty());
            QCOMPARE(l["precision"].toString(), QString("FP32"));
        }
        QVERIFY(built.out.contains(QString("Engine: %1 layers").arg(ls.size())));
        const QJsonObject mem = r["memory"].toObject();
        QVERIFY(mem["arenaBytes"].toDouble() > 0 && mem["arenaBytes"].toDouble() <= mem["noReuseBytes"].toDouble());
        QVERIFY(r["passLog"].isObject());
        QVERIFY(r["inference"]["iterations"].toInt() >= 3);
        QCOMPARE(r["passport"]["backend"].toString(), QString("cpu"));
        QCOMPARE(r["passport"]["sourceModelSha256"].toString().size(), 64);
        QCOMPARE(readJson(layers)["Layers"].toArray().size(), ls.size());
        QCOMPARE(readJson(profile).array().size(), ls.size() + 1);
        QCOMPARE(readJson(profile).array()[0].toObject()["count"].toInt(), r["inference"]["iterations"].toInt());
        QCOMPARE(readJson(times).array().size(), r["inference"]["iterations"].toInt());

        // Loading the saved plan gives the same outputs on the same (seeded) inputs.
        Run loaded = kilnExec(QStringList{"--loadEngine", plan, "--shapes", shapes, "--exportOutput", out2} + kQuick);
        QVERIFY2(loaded.exitCode == 0, qPrintable(loaded.out + loaded.err));
        QVERIFY(loaded.out.contains("Loaded engine"));
        const QJsonArray a = readJson(out1).array(), b = readJson(out2).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0]["name"].toString(), output);
        QVERIFY(a[0].toObject()["values"].toArray().size() > 0);
        QCOMPARE(a, b);
    }

    void dynamicShapesFollowTheProfile() {
        const QStringList profile{"--minShapes", "input_ids:1x1,attention_mask:1x1", "--optShapes",
                                  "input_ids:2x16,attention_mask:2x16", "--maxShapes", "input_ids:4x32,attention_mask:4x32"};
        Run ok = kilnExec(QStringList{"--sample", "encoder_mini"} + profile +
                          QStringList{"--shapes", "input_ids:3x20,attention_mask:3x20"} + kQuick);
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.out + ok.err));
        QVERIFY(ok.out.contains("min [1, 1] opt [2, 16] max [4, 32]"));
        Run outside = kilnExec(QStringList{"--sample", "encoder_mini"} + profile +
                               QStringList{"--shapes", "input_ids:8x20,attention_mask:8x20"} + kQuick);
        QCOMPARE(outside.exitCode, 1);
        QVERIFY2(outside.err.contains("outside optimization profile 0"), qPrintable(outside.err));
        QVERIFY(outside.out.contains("&&&& FAILED"));
    }

    void badInputsNameTheProblem_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown input") << QStringList{"--shapes", "image:1x3x64x64"} << "has no input 'image'";
        QTest::newRow("bad dims") << QStringList{"--shapes", "input:1x3xx64"} << "must be dims like";
        QTest::newRow("percentile") << QStringList{"--percentile", "120"} << "not a percentage";
        QTest::newRow("device") << QStringList{"--device", "tpu"} << "--device must be cpu or cuda";
        QTest::newRow("mem pool") << QStringList{"--memPoolSize", "dla:12"} << "workspace:SIZE";
        QTest::newRow("obey") << QStringList{"--layerPrecisions", "x:fp16", "--precisionConstraints", "obey"}
                              << "CPU backend runs FP32 only";
        QTest::newRow("min > max") << QStringList{"--minShapes", "input:4x3x64x64", "--maxShapes", "input:1x3x64x64"}
                                   << "min <= opt <= max";
        QTest::newRow("static dim") << QStringList{"--shapes", "input:1x4x64x64"} << "fixed at 3";
    }
    void badInputsNameTheProblem() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        Run r = kilnExec(args + kQuick);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void corruptedPlansAreRejected() {
        QTemporaryDir dir;
        const QString plan = dir.filePath("lenet.plan");
        Run built = kilnExec(QStringList{"--sample", "lenet5", "--saveEngine", plan, "--skipInference"});
        QVERIFY2(built.exitCode == 0, qPrintable(built.out + built.err));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        const QString truncated = dir.filePath("truncated.plan"), flipped = dir.filePath("flipped.plan");
        QVERIFY(kiln::test::writeBytes(truncated.toStdString(), bytes.left(bytes.size() / 2).toStdString()));
        bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x40);
        QVERIFY(kiln::test::writeBytes(flipped.toStdString(), bytes.toStdString()));
        for (const QString& bad : {truncated, flipped, QString::fromStdString(kiln::test::sampleModel("lenet5.onnx"))}) {
            Run r = kilnExec(QStringList{"--loadEngine", bad} + kQuick);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QFileInfo(bad).fileName()), qPrintable(r.err));
            QVERIFY2(r.err.contains("truncated") || r.err.contains("checksum") || r.err.contains("not a Kiln plan"),
                     qPrintable(r.err));
        }
    }

    void helpListsTheTrtexecFlags() {
        Run r = kilnExec({"--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* flag : {"--onnx", "--saveEngine", "--loadEngine", "--fp16", "--int8", "--best", "--noTF32",
                                 "--shapes", "--minShapes", "--optShapes", "--maxShapes", "--timingCacheFile",
                                 "--builderOptimizationLevel", "--workspace", "--memPoolSize", "--iterations",
                                 "--duration", "--warmUp", "--avgRuns", "--percentile", "--loadInputs", "--exportOutput",
                                 "--dumpLayerInfo", "--exportLayerInfo", "--dumpProfile", "--exportProfile",
                                 "--exportTimes", "--separateProfileRun", "--verbose", "--device", "--exportReport"})
            QVERIFY2(r.out.contains(flag), flag);
        Run wrong = kilnExec({"--iterationz", "3"});
        QVERIFY(wrong.exitCode != 0);
        QVERIFY2((wrong.out + wrong.err).contains("--iterationz"), qPrintable(wrong.out + wrong.err));
    }
};

QTEST_GUILESS_MAIN(TestKilnExec)
#include "test_kiln_exec.moc"
