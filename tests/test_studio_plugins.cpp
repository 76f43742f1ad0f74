// Plugin layers in the studio: the Plugin and Not implemented colour categories on the canvas and
// in the legend, the inspector's plugin sections (ONNX node, plan layer with its serialized
// parameters, the plan's required plugins loaded / missing / other version), Edit > Preferences
// loading a plugin folder (errors in red, loaded plugins listed), the message naming ops nobody
// implements, files opened after the plugins being loaded, and `kiln --plugins`. The plugins are
// the in-process ones of support/inproc_plugins.h, so no plugin library has to be built.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set by CTest).
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTreeWidget>
#include <QtTest>

#include <onnx/onnx_pb.h>

#include "builder/builder.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/node_category.h"
#include "inspector/inspector_widget.h"
#include "log/log_panel.h"
#include "main_window.h"
#include "model_document.h"
#include "plugin/plugin_registry.h"
#include "plugin_manager.h"
#include "preferences_dialog.h"
#include "support/inproc_plugins.h"
#include "support/test_support.h"

using namespace kiln;
namespace pb = ::onnx;

namespace {

constexpr const char* kDomain = "kiln.test.inproc";

// x [1, 8] -> <op>(domain, scale = 2) -> Relu -> y: one node for the plugin, one built-in.
std::string model(const std::string& op, const std::string& domain) {
    pb::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(17);
    if (!domain.empty()) {
        auto* ds = m.add_opset_import();
        ds->set_domain(domain);
        ds->set_version(1);
    }
    pb::GraphProto* g = m.mutable_graph();
    g->set_name("studio_plugins");
    auto info = [](pb::ValueInfoProto* vi, const char* name) {
        vi->set_name(name);
        auto* tt = vi->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(pb::TensorProto::FLOAT);
        tt->mutable_shape()->add_dim()->set_dim_value(1);
        tt->mutable_shape()->add_dim()->set_dim_value(8);
    };
    info(g->add_input(), "x");
    pb::NodeProto* n = g->add_node();
    n->set_name("custom");
    n->set_op_type(op);
    n->set_domain(domain);
    n->add_input(std::string("x"));  // std::string: GCC 12's -Wrestrict misfires on add_input(const char*)
    n->add_output(std::string("t"));
    auto* scale = n->add_attribute();
    scale->set_name("scale");
    scale->set_type(pb::AttributeProto::FLOAT);
    scale->set_f(2.0f);
    pb::NodeProto* r = g->add_node();
    r->set_name("relu");
    r->set_op_type("Relu");
    r->add_input(std::string("t"));
    r->add_output(std::string("y"));
    info(g->add_value_info(), "t");
    info(g->add_output(), "y");
    return m.SerializeAsString();
}

struct QuietLogger : Logger {
    void log(Severity, std::string_view) noexcept override {}
};

// Builds `bytes` into a plan with the plugins registered now.
Expected<std::vector<uint8_t>> buildPlan(const std::string& bytes) {
    QuietLogger log;
    Builder builder(log);
    auto net = builder.createNetwork();
    OnnxParser parser(*net, log);
    KILN_RETURN_IF_ERROR(parser.parse(bytes.data(), bytes.size(), "studio_plugins"));
    return builder.buildSerializedNetwork(*net, BuilderConfig{});
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Registers a creator for one test and forgets it at the end of the scope.
struct Registered {
    test::InprocCreator creator;
    Registered(const char* type, const char* version) : creator(type, version) {
        const Status st = plugins::PluginRegistry::global().registerCreator(&creator);
        if (!st.isOk()) qWarning("%s", st.toString().c_str());
    }
    ~Registered() { plugins::PluginRegistry::global().deregisterCreator(&creator); }
};

bool openAndWait(studio::MainWindow& w, const QString& path) {
    QSignalSpy shown(&w, &studio::MainWindow::documentShown);
    QSignalSpy failed(&w, &studio::MainWindow::openFailed);
    w.openFile(path);
    if (!QTest::qWaitFor([&] { return !shown.isEmpty() || !failed.isEmpty(); }, 60000)) return false;
    if (!failed.isEmpty()) qWarning("%s", qPrintable(failed.first().at(1).toString()));
    return !shown.isEmpty();
}

views::NodeItem* itemNamed(const studio::MainWindow& w, const char* name) {
    for (views::NodeItem* item : w.scene()->nodeItems())
        if (item->node()->name() == name) return item;
    return nullptr;
}

// Waits until the window's plugin loads are done (the canvas and inspector are refreshed then).
bool waitForPlugins(studio::MainWindow& w) {
    return QTest::qWaitFor([&] { return !w.pluginManager()->isLoading(); }, 30000);
}

#define VERIFY_CONTAINS(text, needle) \
    QVERIFY2((text).contains(needle), qPrintable(QStringLiteral("'%1' missing in:\n%2").arg(needle, text)))

}  // namespace

class TestStudioPlugins : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void pluginCategoryHasItsOwnColour();
    void samplesHaveNoUnsupportedNodes();
    void pluginNodeOnCanvasAndInspector();
    void unknownOpIsMarkedAndNamed();
    void unknownOpInDefaultDomainOpens();
    void pluginsLoadedLaterRecolour();
    void planLayerShowsPluginAndParameters();
    void preferencesLoadFolder();
    void openWaitsForPlugins();
    void commandLinePlugins();
    void screenshots();

private:
    QTemporaryDir m_dir;
    QString m_pluginModel, m_unknownModel, m_defaultDomainModel;
};

void TestStudioPlugins::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("KilnTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_studio_plugins"));
    m_pluginModel = m_dir.filePath(QStringLiteral("scale.onnx"));
    m_unknownModel = m_dir.filePath(QStringLiteral("mystery.onnx"));
    m_defaultDomainModel = m_dir.filePath(QStringLiteral("mystery_default.onnx"));
    QVERIFY(writeFile(m_pluginModel, QByteArray::fromStdString(model("Scale", kDomain))));
    QVERIFY(writeFile(m_unknownModel, QByteArray::fromStdString(model("Mystery", "acme.ops"))));
    QVERIFY(writeFile(m_defaultDomainModel, QByteArray::fromStdString(model("Mystery", ""))));
}

void TestStudioPlugins::init() { QSettings().remove(QLatin1String(studio::PluginManager::kFolderKey)); }

void TestStudioPlugins::pluginCategoryHasItsOwnColour() {
    const QColor plugin = views::categoryColor(views::NodeCategory::Plugin);
    for (int c = 0; c < views::kNodeCategoryCount; ++c) {
        if (views::NodeCategory(c) == views::NodeCategory::Plugin) continue;
        const QColor other = views::categoryColor(views::NodeCategory(c));
        // Apart in RGB by more than a shade.
        const int distance = std::abs(plugin.red() - other.red()) + std::abs(plugin.green() - other.green()) +
                             std::abs(plugin.blue() - other.blue());
        QVERIFY2(distance > 60, qPrintable(views::categoryName(views::NodeCategory(c))));
    }
    QCOMPARE(views::categoryName(views::NodeCategory::Plugin), QStringLiteral("Plugin"));
    QVERIFY(views::hasAlertBorder(views::NodeCategory::Unsupported));
    QVERIFY(!views::hasAlertBorder(views::NodeCategory::Plugin));
}

void TestStudioPlugins::samplesHaveNoUnsupportedNodes() {
    // Every op of the bundled samples has a built-in implementation: none is drawn as missing.
    for (const QString& name : studio::sampleModelNames()) {
        auto doc = studio::ModelDocument::open(studio::samplePath(name));
        KILN_VERIFY_EXPECTED(doc);
        for (const auto& n : (*doc)->graph().nodes()) {
            const views::NodeCategory c = views::categoryOfNode(*n, false);
            QVERIFY2(c != views::NodeCategory::Unsupported && c != views::NodeCategory::Plugin,
                     qPrintable(name + QLatin1Char(' ') + QString::fromStdString(n->opType())));
        }
    }
}

void TestStudioPlugins::pluginNodeOnCanvasAndInspector() {
    Registered scale("Scale", "1");
    studio::MainWindow w;
    w.resize(1200, 800);
    QVERIFY(openAndWait(w, m_pluginModel));
    views::NodeItem* custom = itemNamed(w, "custom");
    views::NodeItem* relu = itemNamed(w, "relu");
    QVERIFY(custom && relu);
    QCOMPARE(custom->category(), views::NodeCategory::Plugin);
    QCOMPARE(relu->category(), views::NodeCategory::Activation);
    QVERIFY(w.graphView()->legend()->categories().contains(views::NodeCategory::Plugin));
    QVERIFY(!w.graphView()->legend()->categories().contains(views::NodeCategory::Unsupported));
    QVERIFY(!w.findChild<QMessageBox*>(QStringLiteral("MissingOpsMessageBox")));
    // The model's properties list the plugins its nodes use.
    const QString model = w.inspector()->plainText();
    VERIFY_CONTAINS(model, QStringLiteral("Plugins"));
    VERIFY_CONTAINS(model, QStringLiteral("×1 · built into the program"));

    w.scene()->selectOnly(custom);
    const QString text = w.inspector()->plainText();
    for (const QString& key : {QStringLiteral("Plugin layer"), QStringLiteral("Scale 1 (kiln.test.inproc)"),
                               QStringLiteral("built into the program"), QStringLiteral("scale, fusable, mode")})
        VERIFY_CONTAINS(text, key);
    // An ordinary node has no plugin section.
    w.scene()->selectOnly(relu);
    QVERIFY(!w.inspector()->plainText().contains(QStringLiteral("Plugin layer")));
}

void TestStudioPlugins::unknownOpIsMarkedAndNamed() {
    studio::MainWindow w;
    w.resize(1200, 800);
    QVERIFY(openAndWait(w, m_unknownModel));  // a viewer shows what it cannot run
    views::NodeItem* custom = itemNamed(w, "custom");
    QVERIFY(custom);
    QCOMPARE(custom->category(), views::NodeCategory::Unsupported);
    QVERIFY(w.graphView()->legend()->categories().contains(views::NodeCategory::Unsupported));
    // The message names the op and offers to choose a plugin folder.
    auto* box = w.findChild<QMessageBox*>(QStringLiteral("MissingOpsMessageBox"));
    QVERIFY(box);
    VERIFY_CONTAINS(box->text(), QStringLiteral("Mystery (acme.ops)"));
    QVERIFY(box->findChild<QPushButton*>(QStringLiteral("PluginFolderButton")));
    VERIFY_CONTAINS(w.logPanel()->toPlainText(), QStringLiteral("Mystery (acme.ops)"));
    VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("×1 · not implemented"));
    w.scene()->selectOnly(custom);
    VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("Neither Kiln nor a loaded plugin implements Mystery (acme.ops)"));
}

void TestStudioPlugins::unknownOpInDefaultDomainOpens() {
    // An op of the default domain that ONNX has no schema for (TensorRT-style plugin ops live
    // there) passes the checker (the importer sets it aside for the check) and is named.
    studio::MainWindow w;
    QVERIFY(openAndWait(w, m_defaultDomainModel));
    QCOMPARE(itemNamed(w, "custom")->category(), views::NodeCategory::Unsupported);
    QVERIFY(w.document()->checkerProblems().isEmpty());
    auto* box = w.findChild<QMessageBox*>(QStringLiteral("MissingOpsMessageBox"));
    QVERIFY(box);
    VERIFY_CONTAINS(box->text(), QStringLiteral("Mystery (ai.onnx)"));
}

void TestStudioPlugins::pluginsLoadedLaterRecolour() {
    studio::MainWindow w;
    QVERIFY(openAndWait(w, m_pluginModel));
    views::NodeItem* custom = itemNamed(w, "custom");
    QCOMPARE(custom->category(), views::NodeCategory::Unsupported);
    w.scene()->selectOnly(custom);
    VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("Not implemented"));
    // A plugin arrives (here in-process; a library folder goes the same way): the node becomes a
    // plugin layer once the load is done, the legend and the inspector follow.
    Registered scale("Scale", "1");
    QTemporaryDir empty;
    w.pluginManager()->load({empty.path()});
    QVERIFY(waitForPlugins(w));
    QCOMPARE(custom->category(), views::NodeCategory::Plugin);
    QVERIFY(w.graphView()->legend()->categories().contains(views::NodeCategory::Plugin));
    QVERIFY(!w.graphView()->legend()->categories().contains(views::NodeCategory::Unsupported));
    VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("Scale 1 (kiln.test.inproc)"));
}

void TestStudioPlugins::planLayerShowsPluginAndParameters() {
    const QString planPath = m_dir.filePath(QStringLiteral("scale.plan"));
    {
        Registered scale("Scale", "1");
        auto plan = buildPlan(model("Scale", kDomain));
        KILN_VERIFY_EXPECTED(plan);
        QVERIFY(writeFile(planPath, QByteArray(reinterpret_cast<const char*>(plan->data()), qsizetype(plan->size()))));
    }
    auto layerOf = [](studio::MainWindow& w) -> views::NodeItem* {
        for (views::NodeItem* item : w.scene()->nodeItems())
            if (item->node()->opType() == "Scale") return item;
        return nullptr;
    };
    {
        // Plans open without their plugins; the layer is still a plugin layer, and missing.
        studio::MainWindow w;
        QVERIFY(openAndWait(w, planPath));
        views::NodeItem* layer = layerOf(w);
        QVERIFY(layer);
        QCOMPARE(layer->category(), views::NodeCategory::Plugin);
        QVERIFY(!w.findChild<QMessageBox*>(QStringLiteral("MissingOpsMessageBox")));
        const QString engine = w.inspector()->plainText();
        VERIFY_CONTAINS(engine, QStringLiteral("Plugins this engine needs"));
        VERIFY_CONTAINS(engine, QStringLiteral("Scale 1 (kiln.test.inproc)"));
        VERIFY_CONTAINS(engine, QStringLiteral("missing"));
        w.scene()->selectOnly(layer);
        const QString text = w.inspector()->plainText();
        const QString bytes = QStringLiteral("%1 bytes of serialized parameters").arg(sizeof(test::InprocParams));
        for (const QString& key : {QStringLiteral("Plugin layer"), QStringLiteral("Scale 1 (kiln.test.inproc)"), bytes,
                                   QStringLiteral("missing")})
            VERIFY_CONTAINS(text, key);
        QVERIFY2(!text.contains(QLatin1String("kiln_plugin_data")), qPrintable(text));  // not a raw tensor
    }
    {
        Registered scale("Scale", "1");
        studio::MainWindow w;
        QVERIFY(openAndWait(w, planPath));
        VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("loaded (built into the program"));
    }
    {
        Registered scale("Scale", "2");
        studio::MainWindow w;
        QVERIFY(openAndWait(w, planPath));
        VERIFY_CONTAINS(w.inspector()->plainText(), QStringLiteral("other version loaded: 2"));
    }
}

void TestStudioPlugins::preferencesLoadFolder() {
    Registered scale("Scale", "1");
    QTemporaryDir folder;
    QVERIFY(writeFile(folder.filePath(QStringLiteral("libgarbage.so")), QByteArray("this is not a shared library")));
    QVERIFY(writeFile(folder.filePath(QStringLiteral("README.txt")), QByteArray("not a library either")));
    studio::MainWindow w;
    studio::PreferencesDialog* prefs = w.showPreferences();
    QVERIFY(prefs && prefs->isVisible());
    QVERIFY(prefs->errorText().isEmpty());
    // The in-process plugin is listed, with what it is.
    QTreeWidget* list = prefs->pluginList();
    QList<QTreeWidgetItem*> rows = list->findItems(QStringLiteral("Scale"), Qt::MatchExactly);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first()->text(1), QStringLiteral("1"));
    QCOMPARE(rows.first()->text(2), QStringLiteral("kiln.test.inproc"));
    QCOMPARE(rows.first()->text(3), QStringLiteral("built in"));

    prefs->folderEdit()->setText(folder.path());
    prefs->applyFolder();
    QVERIFY(waitForPlugins(w));
    QCOMPARE(studio::PluginManager::folder(), QDir::cleanPath(folder.path()));  // kept for the next start
    // The garbage library's error, in red; the text file is not a library and is left alone.
    QTRY_VERIFY(prefs->errorText().contains(QStringLiteral("libgarbage.so")));
    QVERIFY(!prefs->errorText().contains(QStringLiteral("README")));
    auto* errors = prefs->findChild<QLabel*>(QStringLiteral("PluginErrors"));
    QVERIFY(errors && errors->isVisible());
    QVERIFY(errors->styleSheet().contains(QStringLiteral("#c62828")));
    VERIFY_CONTAINS(w.logPanel()->toPlainText(), QStringLiteral("libgarbage.so"));
    QCOMPARE(list->findItems(QStringLiteral("Scale"), Qt::MatchExactly).size(), 1);  // still there: never fatal

    // A new window (the next start) loads the folder from the settings.
    studio::MainWindow next;
    next.pluginManager()->loadAtStartup({});
    QVERIFY(waitForPlugins(next));
    VERIFY_CONTAINS(next.pluginManager()->errors().join(QLatin1Char('\n')), QStringLiteral("libgarbage.so"));
}

void TestStudioPlugins::openWaitsForPlugins() {
    Registered scale("Scale", "1");
    QTemporaryDir empty;
    studio::MainWindow w;
    w.pluginManager()->load({empty.path()});
    QVERIFY(w.pluginManager()->isLoading());
    QVERIFY(openAndWait(w, m_pluginModel));  // started once the load was done
    QCOMPARE(itemNamed(w, "custom")->category(), views::NodeCategory::Plugin);
    const QString log = w.logPanel()->toPlainText();
    QVERIFY(log.indexOf(QStringLiteral("Loading plugins from")) < log.indexOf(QStringLiteral("Imported scale.onnx")));
}

void TestStudioPlugins::commandLinePlugins() {
    QTemporaryDir folder;
    const QString garbage = folder.filePath(QStringLiteral("libnot_a_plugin.so"));
    QVERIFY(writeFile(garbage, QByteArray("garbage")));
    const QString out = folder.filePath(QStringLiteral("graph.png"));
    QProcess kiln;
    kiln.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    kiln.start(QStringLiteral(KILN_BINARY_DIR "/bin/kiln"),
               {QStringLiteral("--plugins"), garbage, QStringLiteral("--plugins"), folder.path(), QStringLiteral("--export-image"), out,
                m_unknownModel});
    QVERIFY(kiln.waitForFinished(60000));
    const QString err = QString::fromLocal8Bit(kiln.readAllStandardError());
    QCOMPARE(kiln.exitCode(), 0);  // plugin errors are reported, never fatal
    VERIFY_CONTAINS(err, QStringLiteral("libnot_a_plugin.so"));
    QVERIFY(QFile::exists(out));
}

// docs/images/studio_preferences_plugins.png, with the sample NMS library and a broken one, when
// KILN_SCREENSHOT_DIR is set (the canvas picture comes from `kiln --plugins ... --screenshot`).
void TestStudioPlugins::screenshots() {
    const QString dir = qEnvironmentVariable("KILN_SCREENSHOT_DIR");
    if (dir.isEmpty()) QSKIP("set KILN_SCREENSHOT_DIR to write the docs' screenshots");
    const QString nms = QStringLiteral(KILN_BINARY_DIR "/plugins/libkiln_nms_plugin.so");
    if (!QFile::exists(nms)) QSKIP("build kiln_nms_plugin first");
    // KILN_SCREENSHOT_QM=kiln_zh_CN.qm: the same pictures in another language (to look at).
    QTranslator translator;
    if (const QString qm = qEnvironmentVariable("KILN_SCREENSHOT_QM"); !qm.isEmpty()) {
        QVERIFY(translator.load(qm));
        QCoreApplication::installTranslator(&translator);
    }
    QDir folder(QDir::tempPath() + QStringLiteral("/kiln-plugins"));
    QVERIFY(folder.removeRecursively() && QDir().mkpath(folder.path()));
    QVERIFY(QFile::copy(nms, folder.filePath(QStringLiteral("libkiln_nms_plugin.so"))));
    QVERIFY(writeFile(folder.filePath(QStringLiteral("libold_plugin.so")), QByteArray("truncated download")));
    studio::MainWindow w;
    studio::PreferencesDialog* prefs = w.showPreferences();
    prefs->folderEdit()->setText(folder.path());
    prefs->applyFolder();
    QVERIFY(waitForPlugins(w));
    QTRY_VERIFY(prefs->pluginList()->topLevelItemCount() > 0);
    QTest::qWait(100);
    QVERIFY(prefs->grab().save(dir + QStringLiteral("/studio_preferences_plugins.png")));
    prefs->close();

    // An op nobody implements (to look at; not in the docs).
    studio::MainWindow unknown;
    unknown.resize(1100, 650);
    unknown.show();
    QVERIFY(openAndWait(unknown, m_unknownModel));
    QTest::qWait(100);
    QVERIFY(unknown.grab().save(dir + QStringLiteral("/studio_unsupported_op.png")));
}

QTEST_MAIN(TestStudioPlugins)
#include "test_studio_plugins.moc"
