// The studio's main window: graph canvas in the centre; outline, inspector and log docks;
// menus, toolbar, recent files, drag and drop; layout and preferences kept with QSettings.
// Documents are ONNX models, Kiln plans and Kiln reports; they open in a worker thread
// (ImportRunner) while a busy indicator in the status bar offers to cancel.
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <memory>

#include "model_document.h"

class QActionGroup;
class QMenu;
class QProgressBar;
class QToolButton;
class QTreeView;

namespace kiln::views {
class GraphScene;
class GraphView;
class InspectorWidget;
class LogPanel;
class OutlineModel;
}  // namespace kiln::views

namespace kiln::studio {

class FindBar;
class ImportRunner;

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

signals:
    // The new document replaced the old one (its graph is being laid out).
    void documentLoaded(const QString& path);
    // The document's graph is laid out and on screen; ms counts from the start of openFile.
    void documentShown(double milliseconds);
    void openFailed(const QString& path, const QString& message);

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

    // main_window_open.cpp
    void createBusyIndicator();
    void setBusy(bool busy, bool cancellable);
    void onImportStage(quint64 id, const QString& stage);
    void onImported(quint64 id, std::shared_ptr<ModelDocument> doc);
    void onImportFailed(quint64 id, const QString& path, const QString& message);
    void showDocument(std::shared_ptr<ModelDocument> doc);
    QString loadedMessage() const;

    void createDocks();
    void readSettings();
    void writeSettings() const;
    void showError(const QString& title, const QString& message);
    void onLayoutFinished(double layoutMs);
    void onNodeSelected(const ir::Node* node);
    void onOutlineClicked(const QModelIndex& index);
    void updateTitle();

    std::shared_ptr<ModelDocument> m_doc;
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
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QList<QAction*> m_documentActions;  // enabled only with a document open
    QElapsedTimer m_openTimer;
};

}  // namespace kiln::studio
