// Edit ▸ Preferences: the studio's settings, one tab per subject. "Plugins": the plugin folder
// (loaded at startup and when it changes), the plugins loaded in this process with their library,
// version and hash, and what went wrong loading them, in red.
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTreeWidget;

namespace kiln::studio {

class PluginManager;

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(PluginManager* plugins, QWidget* parent = nullptr);

    QLineEdit* folderEdit() const { return m_folder; }
    QTreeWidget* pluginList() const { return m_list; }
    // The load errors as shown (empty when there were none).
    QString errorText() const;

    // Takes the folder in the line edit as the plugin folder and loads it, if it changed (Enter,
    // leaving the field and Browse... do); false when it did not change.
    bool applyFolder();

private:
    QWidget* createPluginsPage();
    void browse();
    void refresh();

    PluginManager* m_plugins;
    QTabWidget* m_tabs;
    QLineEdit* m_folder = nullptr;
    QPushButton* m_reload = nullptr;
    QTreeWidget* m_list = nullptr;
    QLabel* m_listTitle = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_errors = nullptr;
};

}  // namespace kiln::studio
