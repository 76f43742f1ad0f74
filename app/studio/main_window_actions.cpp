// The main window's menus, toolbar, recent files and language choice.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

#include "find_bar.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "image_export.h"
#include "log/log_panel.h"
#include "main_window.h"

namespace kiln::studio {

namespace {
constexpr int kMaxRecentFiles = 8;
const char* kRecentKey = "recentFiles";
}  // namespace


void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open..."), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("actionOpen"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    QMenu* samples = file->addMenu(tr("Open &Sample"));
    for (const QString& name : sampleModelNames())
        samples->addAction(name, this, [this, name] { openSample(name); });
    file->addSeparator();
    QAction* exportImage = file->addAction(tr("&Export Image..."), this, &MainWindow::chooseExportFile);
    exportImage->setShortcut(QKeySequence(tr("Ctrl+E")));
    QAction* close = file->addAction(style()->standardIcon(QStyle::SP_DialogCloseButton), tr("&Close"), this, &MainWindow::closeDocument);
    close->setShortcut(QKeySequence::Close);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Find..."), m_findBar, &FindBar::activate);
    find->setShortcut(QKeySequence::Find);
    find->setObjectName(QStringLiteral("actionFind"));
    QAction* next = edit->addAction(tr("Find &Next"), m_findBar, &FindBar::findNext);
    next->setShortcut(QKeySequence::FindNext);
    QAction* previous = edit->addAction(tr("Find &Previous"), m_findBar, &FindBar::findPrevious);
    previous->setShortcut(QKeySequence::FindPrevious);
    createPluginActions(edit);  // main_window_plugins.cpp: Preferences

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = m_viewMenu->addAction(tr("Zoom &In"), m_view, &views::GraphView::zoomIn);
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))});
    QAction* zoomOut = m_viewMenu->addAction(tr("Zoom &Out"), m_view, &views::GraphView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* fit = m_viewMenu->addAction(tr("&Fit to Window"), m_view, &views::GraphView::zoomToFit);
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    QAction* actual = m_viewMenu->addAction(tr("&Actual Size"), m_view, &views::GraphView::resetZoom);
    actual->setShortcut(QKeySequence(tr("Ctrl+1")));
    m_viewMenu->addSeparator();
    addScopeActions(m_viewMenu);  // main_window_scopes.cpp
    m_viewMenu->addSeparator();
    QAction* legend = m_viewMenu->addAction(tr("Show &Legend"));
    legend->setCheckable(true);
    legend->setChecked(QSettings().value(QStringLiteral("view/legend"), true).toBool());
    connect(legend, &QAction::toggled, this, [this](bool on) {
        m_view->setLegendVisible(on);
        QSettings().setValue(QStringLiteral("view/legend"), on);
    });
    QAction* overview = m_viewMenu->addAction(tr("Show &Overview"));
    overview->setCheckable(true);
    overview->setChecked(QSettings().value(QStringLiteral("view/overview"), true).toBool());
    m_view->setMinimapVisible(overview->isChecked());
    connect(overview, &QAction::toggled, this, [this](bool on) {
        m_view->setMinimapVisible(on);
        QSettings().setValue(QStringLiteral("view/overview"), on);
    });
    QMenu* panels = m_viewMenu->addMenu(tr("&Panels"));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) panels->addAction(dock->toggleViewAction());
    QMenu* language = m_viewMenu->addMenu(tr("&Language"));
    m_languageGroup = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("language")).toString();
    const QList<QPair<QString, QString>> languages = {{QString(), tr("System default")},
                                                       {QStringLiteral("en"), QStringLiteral("English")},
                                                       {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
    for (const auto& [code, label] : languages) {
        QAction* a = language->addAction(label, this, [this, code] { setLanguage(code); });
        a->setCheckable(true);
        a->setChecked(code == current);
        m_languageGroup->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Kiln"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    m_documentActions = {exportImage, close, find, next, previous, zoomIn, zoomOut, fit, actual};
    for (QAction* a : m_documentActions) a->setEnabled(false);
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(findChild<QAction*>(QStringLiteral("actionOpen")));
    bar->addSeparator();
    for (int i = 0; i < 3; ++i) bar->addAction(m_documentActions[5 + i]);  // zoom in, zoom out, fit
    bar->addSeparator();
    bar->addAction(findChild<QAction*>(QStringLiteral("actionFind")));
}

void MainWindow::chooseFile() {
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    const QStringList filters = {tr("Models, plans and reports (*.onnx *.plan *.engine *.json)"), tr("ONNX models (*.onnx)"),
                                 tr("Kiln plans (*.plan *.engine)"), tr("Kiln reports (*.json)"), tr("All files (*)")};
    const QString path = QFileDialog::getOpenFileName(this, tr("Open"), dir, filters.join(QStringLiteral(";;")));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    openFile(path);
}

void MainWindow::chooseExportFile() {
    if (!m_doc) return;
    const QString suggested = QFileInfo(m_doc->displayName()).completeBaseName() + QStringLiteral(".png");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Image"), suggested, tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    if (renderSceneToFile(*m_scene, path, &error)) m_log->info(tr("Exported %1").arg(path));
    else showError(tr("Export failed"), error);
}

void MainWindow::addRecentFile(const QString& path) {
    QSettings settings;
    QStringList files = settings.value(QLatin1String(kRecentKey)).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    settings.setValue(QLatin1String(kRecentKey), files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    if (!m_recentMenu) return;
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction* a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()),
                                             this, [this, path] { openFile(path); });
        a->setToolTip(path);
    }
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("Clear List"), this, [this] {
        QSettings().remove(QLatin1String(kRecentKey));
        updateRecentMenu();
    });
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::setLanguage(const QString& code) {
    QSettings().setValue(QStringLiteral("language"), code);
    m_log->info(tr("The language changes the next time Kiln starts."));
    statusBar()->showMessage(tr("The language changes the next time Kiln starts."), 5000);
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Kiln"),
                       tr("<b>Kiln %1</b><p>A model inspector and optimizer studio for ONNX models.</p>")
                           .arg(QStringLiteral(KILN_VERSION)));
}

}  // namespace kiln::studio
