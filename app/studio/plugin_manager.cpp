#include "plugin_manager.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "plugin_runner.h"

namespace kiln::studio {

PluginManager::PluginManager(QObject* parent) : QObject(parent), m_runner(new PluginLoadRunner(this)) {
    connect(m_runner, &PluginLoadRunner::loaded, this, &PluginManager::onLoaded);
}

QString PluginManager::folder() { return QSettings().value(QLatin1String(kFolderKey)).toString(); }

QString PluginManager::normalized(const QString& path) {
    const QString trimmed = path.trimmed();
    return trimmed.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(trimmed).absoluteFilePath());
}

void PluginManager::setFolder(const QString& folder) {
    const QString clean = normalized(folder);
    const QString old = PluginManager::folder();
    QSettings settings;
    if (clean.isEmpty()) settings.remove(QLatin1String(kFolderKey));
    else settings.setValue(QLatin1String(kFolderKey), clean);
    // The old folder's errors say nothing about the new one (its libraries stay loaded).
    if (old != clean) m_errors.remove(old);
    if (!clean.isEmpty()) load({clean});
}

void PluginManager::reloadFolder() {
    const QString dir = folder();
    if (!dir.isEmpty()) load({dir});
}

void PluginManager::load(const QStringList& paths) {
    for (const QString& given : paths) {
        if (given.trimmed().isEmpty()) continue;
        const QString path = normalized(given);  // absolute, for the log and the errors
        if (!m_paths.contains(path)) m_paths << path;
        m_pending.insert(m_runner->request({path}), path);
        emit loadStarted(path);
    }
}

void PluginManager::loadAtStartup(const QStringList& commandLinePaths) {
    load(commandLinePaths);
    reloadFolder();
}

QStringList PluginManager::errors() const {
    QStringList all;
    for (const QString& path : m_paths) all += m_errors.value(path);
    return all;
}

void PluginManager::onLoaded(quint64 id, const QStringList& plugins, const QStringList& errors) {
    const QString path = m_pending.take(id);
    if (errors.isEmpty()) m_errors.remove(path);
    else m_errors.insert(path, errors);
    emit pathLoaded(path, plugins, errors);
    if (m_pending.isEmpty()) emit idle();
}

}  // namespace kiln::studio
