// The studio's plugins: the plugin folder setting (Edit ▸ Preferences ▸ Plugins), the paths given
// with --plugins, and what loading them said. Loading runs in a PluginLoadRunner; errors are
// kept per path and shown, never fatal.
#pragma once

#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace kiln::studio {

class PluginLoadRunner;

class PluginManager : public QObject {
    Q_OBJECT
public:
    explicit PluginManager(QObject* parent = nullptr);

    static constexpr const char* kFolderKey = "plugins/folder";
    // The plugin folder from the settings; empty when none is set.
    static QString folder();
    // An absolute, clean path ("" for blank).
    static QString normalized(const QString& path);
    // Saves `folder` as the plugin folder and loads it (an empty one only clears the setting).
    void setFolder(const QString& folder);
    // Loads folders or library files (--plugins), each in its own request.
    void load(const QStringList& paths);
    // At startup: the command line's paths, then the plugin folder.
    void loadAtStartup(const QStringList& commandLinePaths);
    // Loads the plugin folder again (libraries added since; loaded ones stay as they are).
    void reloadFolder();

    bool isLoading() const { return !m_pending.isEmpty(); }
    // What the latest load of each path said, for every path loaded in this session: "path: message".
    QStringList errors() const;
    // The paths loaded in this session, in order.
    const QStringList& paths() const { return m_paths; }

signals:
    void loadStarted(const QString& path);
    // One path is loaded: the plugins it registered (described) and its errors.
    void pathLoaded(const QString& path, const QStringList& plugins, const QStringList& errors);
    // Nothing is left loading.
    void idle();

private:
    void onLoaded(quint64 id, const QStringList& plugins, const QStringList& errors);
    PluginLoadRunner* m_runner;
    QMap<quint64, QString> m_pending;  // request id -> path
    QMap<QString, QStringList> m_errors;
    QStringList m_paths;
};

}  // namespace kiln::studio
