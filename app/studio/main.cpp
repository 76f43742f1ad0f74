// kiln: the studio. `kiln [FILE]` opens a window on an ONNX model, a Kiln plan or a Kiln report;
// `kiln --export-image OUT.png|OUT.svg FILE` renders the graph without one.
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QSettings>
#include <QTimer>
#include <QTranslator>
#include <cstdio>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "image_export.h"
#include "main_window.h"
#include "plugin_manager.h"
#include "plugin_runner.h"

namespace {

bool wantsHeadless(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg.startsWith("--export-image") || arg.startsWith("--screenshot")) return true;
    }
    return false;
}

// The language chosen under View > Language, else the system's.
void installTranslators(QApplication& app) {
    const QString choice = QSettings().value(QStringLiteral("language")).toString();
    const QLocale locale = choice.isEmpty() ? QLocale::system() : QLocale(choice);
    if (locale.language() == QLocale::English) return;
    auto* kiln = new QTranslator(&app);
    if (kiln->load(locale, QStringLiteral("kiln"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(kiln);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qt);
}

// --screenshot OUT: once the graph is shown (and, with --collapse-all, laid out again), grab the
// window and quit (docs and checks); a file that does not open exits with 1.
void scheduleScreenshot(kiln::studio::MainWindow& window, const QString& out, bool afterRelayout) {
    QObject::connect(&window, &kiln::studio::MainWindow::openFailed, &window, [](const QString& path, const QString& message) {
        std::fprintf(stderr, "kiln: cannot open %s: %s\n", qPrintable(path), qPrintable(message));
        QCoreApplication::exit(1);
    });
    auto grab = [&window, out] {
        QTimer::singleShot(200, &window, [&window, out] {
            const bool ok = window.grab().save(out);
            if (!ok) std::fprintf(stderr, "kiln: cannot write %s\n", qPrintable(out));
            QCoreApplication::exit(ok ? 0 : 1);
        });
    };
    if (afterRelayout) QObject::connect(window.scene(), &kiln::views::GraphScene::relayoutFinished, &window, grab);
    else QObject::connect(&window, &kiln::studio::MainWindow::documentShown, &window, grab);
}

// --collapse-all: once the graph is shown, View > Collapse All Scopes.
void scheduleCollapseAll(kiln::studio::MainWindow& window) {
    QObject::connect(&window, &kiln::studio::MainWindow::documentShown, &window, [&window] { window.scene()->collapseAll(); });
}

// --select NAME: once the graph is shown (with --collapse-all: laid out again), select that node,
// layer or collapsed scope (for screenshots).
void scheduleSelection(kiln::studio::MainWindow& window, const QString& name, bool afterRelayout) {
    auto select = [&window, name] {
        for (kiln::views::NodeItem* item : window.scene()->nodeItems())
            if (QString::fromStdString(item->node()->name()) == name) {
                window.scene()->selectOnly(item);
                window.graphView()->centerOnItem(item);
                return;
            }
        // A collapsed scope's box, by its path ("m/encoder/layer.3").
        const int scope = window.scene()->scopes().find(name);
        if (kiln::views::ScopeItem* item = window.scene()->itemForScope(scope)) {
            window.scene()->selectOnly(item);
            window.graphView()->centerOnItem(item);
            return;
        }
        std::fprintf(stderr, "kiln: no node or layer named '%s'\n", qPrintable(name));
    };
    if (afterRelayout) QObject::connect(window.scene(), &kiln::views::GraphScene::relayoutFinished, &window, select);
    else QObject::connect(&window, &kiln::studio::MainWindow::documentShown, &window, select);
}

}  // namespace

int main(int argc, char** argv) {
    if (wantsHeadless(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Kiln"));
    QApplication::setApplicationName(QStringLiteral("kiln"));
    QApplication::setApplicationVersion(QStringLiteral(KILN_VERSION));
    installTranslators(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Kiln studio: inspect ONNX models, Kiln plans and Kiln reports."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption exportImage(QStringLiteral("export-image"),
                                   QCoreApplication::translate("main", "Render the graph of FILE to OUT (.png or .svg) and exit."),
                                   QStringLiteral("OUT"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save a picture of the window once the graph is shown, then exit."),
                                  QStringLiteral("OUT"));
    QCommandLineOption size(QStringLiteral("window-size"), QCoreApplication::translate("main", "Window size, e.g. 1400x900."),
                            QStringLiteral("WxH"));
    QCommandLineOption select(QStringLiteral("select"),
                              QCoreApplication::translate("main", "Select the node or layer NAME once the graph is shown."),
                              QStringLiteral("NAME"));
    QCommandLineOption collapseAll(QStringLiteral("collapse-all"),
                                   QCoreApplication::translate("main", "Collapse the repeated blocks (View > Collapse All Scopes) once the graph is shown."));
    QCommandLineOption plugins(QStringLiteral("plugins"),
                               QCoreApplication::translate("main", "Load the plugin library LIB, or every library in the folder DIR, "
                                                                   "before opening FILE (repeatable; the plugin folder of "
                                                                   "Edit > Preferences is loaded too)."),
                               QStringLiteral("DIR_OR_LIB"));
    parser.addOptions({exportImage, screenshot, size, select, collapseAll, plugins});
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QCoreApplication::translate("main", "The ONNX model (.onnx), Kiln plan (.plan) or Kiln report (.json) to open."));
    parser.process(app);
    const QStringList args = parser.positionalArguments();

    if (parser.isSet(exportImage)) {
        if (args.size() != 1) {
            std::fprintf(stderr, "kiln: --export-image needs exactly one FILE\n");
            return 2;
        }
        // Headless: the plugins are loaded here, before the model is read; errors are reported, not fatal.
        QStringList loaded, errors;
        QStringList paths = parser.values(plugins);
        if (!kiln::studio::PluginManager::folder().isEmpty()) paths << kiln::studio::PluginManager::folder();
        for (const QString& path : paths) kiln::studio::loadPluginPath(path, &loaded, &errors);
        for (const QString& e : errors) std::fprintf(stderr, "kiln: plugin not loaded: %s\n", qPrintable(e));
        return kiln::studio::exportImageCommand(parser.value(exportImage), args.first(), parser.isSet(collapseAll));
    }

    kiln::studio::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    if (parser.isSet(collapseAll)) scheduleCollapseAll(window);
    if (parser.isSet(select)) scheduleSelection(window, parser.value(select), parser.isSet(collapseAll));  // before the screenshot
    if (parser.isSet(screenshot)) scheduleScreenshot(window, parser.value(screenshot), parser.isSet(collapseAll));
    window.show();
    // Plugins load in a worker thread; the file below is opened once they are there.
    window.pluginManager()->loadAtStartup(parser.values(plugins));
    QSettings settings;
    if (!args.isEmpty()) window.openFile(args.first());
    else if (!settings.value(QStringLiteral("firstStartDone")).toBool() || parser.isSet(screenshot))
        window.openSample(QString::fromLatin1(kiln::studio::kDefaultSample));
    settings.setValue(QStringLiteral("firstStartDone"), true);
    return app.exec();
}
