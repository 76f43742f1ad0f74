// The studio's main window: graph canvas in the centre; outline, inspector and log docks;
// menus, toolbar, recent files, drag and drop; layout and preferences kept with QSettings.
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <memory>

#include "model_document.h"

class QActionGroup;
class QMenu;
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

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a file or a ":/models/..." sample. On failure the engine's message is shown (a
    // message box and the log) and the open document stays; returns false.
    bool openFile(const QString& path);
    bool openSample(const QString& name);
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
    // The document's graph is laid out and on screen; ms counts from the start of openFile.
    void documentShown(double milliseconds);

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

    void createDocks();
    void readSettings();
    void writeSettings() const;
    void showDocument(std::unique_ptr<ModelDocument> doc);
    void showError(const QString& title, const QString& message);
    void onLayoutFinished(double layoutMs);
    void onNodeSelected(const ir::Node* node);
    void onOutlineClicked(const QModelIndex& index);
    void updateTitle();

    std::unique_ptr<ModelDocument> m_doc;
    views::GraphScene* m_scene;
    views::GraphView* m_view;
    views::InspectorWidget* m_inspector;
    views::LogPanel* m_log;
    views::OutlineModel* m_outline;
    QTreeView* m_outlineView = nullptr;
    FindBar* m_findBar;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QList<QAction*> m_documentActions;  // enabled only with a document open
    QElapsedTimer m_openTimer;
};

}  // namespace kiln::studio
