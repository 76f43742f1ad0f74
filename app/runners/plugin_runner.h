// Loads plugin libraries off the GUI thread: a folder (every *.so in it) or one library per
// path, into the process-wide PluginRegistry. A library's static initializers may take long (one
// that links CUDA libraries loads those too), so the studio never dlopens on the GUI thread.
// Follows the other runners: requests go in under a mutex, results leave by queued signal, the
// destructor sets abort and waits. Requests are never superseded: every load counts, in order.
#pragma once

#include <QMutex>
#include <QQueue>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QWaitCondition>

namespace kiln::studio {

class PluginLoadRunner : public QThread {
    Q_OBJECT
public:
    explicit PluginLoadRunner(QObject* parent = nullptr);
    ~PluginLoadRunner() override;

    // Queues the paths (folders or library files) and returns the request's id.
    quint64 request(const QStringList& paths);

signals:
    // One request is done: `plugins` describes what it registered ("BatchedNMS 1 (kiln.samples,
    // libkiln_nms_plugin.so)"), `errors` one line per path or library that failed.
    void loaded(quint64 id, const QStringList& plugins, const QStringList& errors);

protected:
    void run() override;

private:
    struct Request {
        quint64 id = 0;
        QStringList paths;
    };
    QMutex m_mutex;
    QWaitCondition m_condition;
    QQueue<Request> m_queue;
    quint64 m_nextId = 0;
    bool m_abort = false;
};

// Loads `path` on the calling thread: a folder's libraries, or one library.
void loadPluginPath(const QString& path, QStringList* plugins, QStringList* errors);

}  // namespace kiln::studio
