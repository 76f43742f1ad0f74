// kiln: the studio. `kiln [MODEL]` opens a window; `kiln --export-image OUT.png|OUT.svg MODEL`
// renders the graph without one.
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QSettings>
#include <QTimer>
#include <QTranslator>
#include <cstdio>

#include "image_export.h"
#include "main_window.h"

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

// --screenshot OUT: once the graph is shown, grab the window and quit (docs and checks).
void scheduleScreenshot(kiln::studio::MainWindow& window, const QString& out) {
    QObject::connect(&window, &kiln::studio::MainWindow::documentShown, &window, [&window, out] {
        QTimer::singleShot(200, &window, [&window, out] {
            const bool ok = window.grab().save(out);
            if (!ok) std::fprintf(stderr, "kiln: cannot write %s\n", qPrintable(out));
            QCoreApplication::exit(ok ? 0 : 1);
        });
    });
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
    parser.setApplicationDescription(QCoreApplication::translate("main", "Kiln studio: inspect ONNX models."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption exportImage(QStringLiteral("export-image"),
                                   QCoreApplication::translate("main", "Render the graph of MODEL to OUT (.png or .svg) and exit."),
                                   QStringLiteral("OUT"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save a picture of the window once the graph is shown, then exit."),
                                  QStringLiteral("OUT"));
    QCommandLineOption size(QStringLiteral("window-size"), QCoreApplication::translate("main", "Window size, e.g. 1400x900."),
                            QStringLiteral("WxH"));
    parser.addOptions({exportImage, screenshot, size});
    parser.addPositionalArgument(QStringLiteral("model"), QCoreApplication::translate("main", "The .onnx file to open."));
    parser.process(app);
    const QStringList args = parser.positionalArguments();

    if (parser.isSet(exportImage)) {
        if (args.size() != 1) {
            std::fprintf(stderr, "kiln: --export-image needs exactly one MODEL\n");
            return 2;
        }
        return kiln::studio::exportImageCommand(parser.value(exportImage), args.first());
    }

    kiln::studio::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    if (parser.isSet(screenshot)) scheduleScreenshot(window, parser.value(screenshot));
    window.show();
    QSettings settings;
    bool opened = true;
    if (!args.isEmpty()) opened = window.openFile(args.first());
    else if (!settings.value(QStringLiteral("firstStartDone")).toBool() || parser.isSet(screenshot))
        opened = window.openSample(QString::fromLatin1(kiln::studio::kDefaultSample));
    settings.setValue(QStringLiteral("firstStartDone"), true);
    if (!opened && parser.isSet(screenshot)) return 1;
    return app.exec();
}
