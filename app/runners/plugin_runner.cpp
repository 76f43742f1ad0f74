#include "plugin_runner.h"

#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>

#include "plugin/plugin_registry.h"

namespace kiln::studio {

void loadPluginPath(const QString& path, QStringList* plugins, QStringList* errors) {
    auto& registry = plugins::PluginRegistry::global();
    const std::string native = QFile::encodeName(path).toStdString();
    const QFileInfo info(path);
    std::vector<plugins::PluginInfo> added;
    if (info.isDir()) {
        std::vector<std::string> failed;
        added = registry.loadFolder(native, &failed);
        for (const std::string& e : failed) *errors << QString::fromStdString(e);
    } else {
        auto loaded = registry.loadLibrary(native);
        if (loaded) added = std::move(loaded).value();
        else *errors << QString::fromStdString(loaded.status().message());
    }
    for (const plugins::PluginInfo& p : added) *plugins << QString::fromStdString(p.describe());
}

PluginLoadRunner::PluginLoadRunner(QObject* parent) : QThread(parent) {}

PluginLoadRunner::~PluginLoadRunner() {
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_queue.clear();
        m_condition.wakeOne();
    }
    wait();  // dlopen cannot be interrupted
}

quint64 PluginLoadRunner::request(const QStringList& paths) {
    QMutexLocker lock(&m_mutex);
    m_queue.enqueue(Request{++m_nextId, paths});
    if (!isRunning())
        start();
    else
        m_condition.wakeOne();
    return m_nextId;
}

void PluginLoadRunner::run() {
    forever {
        Request request;
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.isEmpty() && !m_abort) m_condition.wait(&m_mutex);
            if (m_abort) return;
            request = m_queue.dequeue();
        }
        QStringList plugins, errors;
        for (const QString& path : request.paths) loadPluginPath(path, &plugins, &errors);
        emit loaded(request.id, plugins, errors);
    }
}

}  // namespace kiln::studio
