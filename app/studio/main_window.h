// The studio's main window: graph canvas in the centre; outline, inspector and log docks;
// menus, toolbar, recent files, drag and drop; layout and preferences kept with QSettings.
// Documents are ONNX models, Kiln plans and Kiln reports; they open in a worker thread
// (ImportRunner) while a progress bar in the status bar offers to cancel.
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <memory>

#include "model_document.h"

class QActionGroup;
class QMenu;
class QMessageBox;
class QProgressBar;
class QToolButton;
class QTreeView;

namespace kiln::views {
class GraphScene;
class PreparedScene;
class GraphView;
class InspectorWidget;
class LogPanel;
class OutlineModel;
class TeachWindow;
}  // namespace kiln::views

namespace kiln::studio {

class FindBar;
class ImportRunner;
class ModelCheckRunner;
class PluginManager;
class PreferencesDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Starts opening a file or a ":/models/..." sample in the worker thread and returns at once.
    // Success ends in documentShown; failure in openFailed, with the engine's message in a
    // message box and the log, and the open document kept. A newer call supersedes this one.
    void openFile(const QString& path);
    void openSample(const QString& name);
    // Drops the file being opened (the open document stays).
    void cancelOpen();
    bool isOpening() const { return m_importId != 0; }
    void closeDocument();

    const ModelDocument* document() const { return m_doc.get(); }
    views::GraphScene* scene() const { return m_scene; }
    views::GraphView* graphView() const { return m_view; }
    views::InspectorWidget* inspector() const { return m_inspector; }
    views::LogPanel* logPanel() const { return m_log; }
    views::OutlineModel* outlineModel() const { return m_outline; }
    FindBar* findBar() const { return m_findBar; }
    QStringList recentFiles() const;
    views::TeachWindow* teachWindow() const;  // null until View > Teaching Mode opened it
    // Plugins (main_window_plugins.cpp). Files opened while plugins load are opened after them.
    PluginManager* pluginManager() const { return m_plugins; }
    PreferencesDialog* showPreferences();  // Edit > Preferences (window-modal, not blocking)
    void choosePluginFolder();             // a folder dialog, then the folder is loaded
    void startTour();  // shows the tour of the main panels (the first start does it by itself)

signals:
    // The new document replaced the old one (its graph is being laid out).
    void documentLoaded(const QString& path);
    // The document's graph is laid out and on screen; ms counts from the start of openFile.
    void documentShown(double milliseconds);
    void openFailed(const QString& path, const QString& message);
    // How far the current open is, 0..100 (the busy bar's value): never goes back, 100 when shown.
    void openProgress(int percent);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // main_window_actions.cpp
    void createMenus();
    void createToolBar();
    void updateRecentMenu();
    void addRecentFile(const QString& path);
    void chooseFile();
    void chooseExportFile();
    void setLanguage(const QString& code);
    void showAbout();

    // main_window_teach.cpp: View > Teaching Mode, Help > Take the Tour, the first-run tour
    void createTeachActions();
    void openTeachingMode();
    void syncTeachingMode();

    // main_window_open.cpp
    void createBusyIndicator();
    void setBusy(bool busy, bool cancellable);
    void onImportStage(quint64 id, const QString& stage);
    void onImported(quint64 id, std::shared_ptr<ModelDocument> doc, std::shared_ptr<views::PreparedScene> scene);
    void onImportFailed(quint64 id, const QString& path, const QString& message);
    void showDocument(std::shared_ptr<ModelDocument> doc, bool layOut = true);
    void setOpenProgress(int percent);
    void finishOpenProgress();  // the graph of the open is on screen: 100
    void onImportProgress(quint64 id, int percent);
    void onLayoutProgress(int percent);
    void startDeferredCheck();
    void onChecked(quint64 id, const QString& path, const QString& problems, double milliseconds);

    // main_window_scopes.cpp: collapsing name scopes from the View menu and the outline
    void addScopeActions(QMenu* viewMenu);
    void updateScopeActions();
    void onScopeSelected(int scope);
    bool onOutlineScopeClicked(const QModelIndex& index);
    void showOutlineMenu(const QPoint& pos);
    QString loadedMessage() const;

    // main_window_plugins.cpp
    void createPluginActions(QMenu* edit);
    void onPluginLoadStarted(const QString& path);
    void onPluginPathLoaded(const QString& path, const QStringList& plugins, const QStringList& errors);
    void onPluginsIdle();
    void refreshPluginViews();
    void reportMissingOps();
    void requestImport();
    QMessageBox* showPluginHelp(const QString& title, const QString& message, const QString& objectName);

    void createDocks();
    void readSettings();
    void writeSettings() const;
    // With offerPluginFolder the box has a "Plugin Folder…" button (errors about missing ops).
    void showError(const QString& title, const QString& message, bool offerPluginFolder = false);
    void onLayoutFinished(double layoutMs);
    void onNodeSelected(const ir::Node* node);
    void onOutlineClicked(const QModelIndex& index);
    void updateTitle();

    std::shared_ptr<ModelDocument> m_doc;
    static constexpr quint64 kAwaitingPlugins = ~quint64(0);  // m_importId of an open waiting for plugins
    quint64 m_importId = 0;  // the import whose result is awaited; 0 when none
    QString m_importPath;
    QProgressBar* m_busyBar = nullptr;
    QToolButton* m_cancelButton = nullptr;
    views::GraphScene* m_scene;
    views::GraphView* m_view;
    views::InspectorWidget* m_inspector;
    views::LogPanel* m_log;
    views::OutlineModel* m_outline;
    QTreeView* m_outlineView = nullptr;
    FindBar* m_findBar;
    ImportRunner* m_importer;
    PluginManager* m_plugins;
    QPointer<PreferencesDialog> m_preferences;
    ModelCheckRunner* m_checker = nullptr;
    quint64 m_checkId = 0;
    int m_openProgress = -1;
    std::shared_ptr<views::PreparedScene> m_preparedScene;  // on screen at the next event-loop turn
    QAction* m_collapseAllAction = nullptr;
    QAction* m_expandAllAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QList<QAction*> m_documentActions;  // enabled only with a document open
    QElapsedTimer m_openTimer;
    QPointer<views::TeachWindow> m_teach;
};

}  // namespace kiln::studio
