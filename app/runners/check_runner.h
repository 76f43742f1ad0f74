// Runs libonnx's checker on a model the studio already shows (ModelDocument imports large models
// without it, to show them sooner), at low priority; what it finds goes to the log. The same
// pattern as ImportRunner: a newer request supersedes, the result leaves by queued signal, the
// destructor waits (the checker itself cannot be interrupted).
#pragma once

#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <atomic>
#include <optional>

namespace kiln::studio {

class ModelCheckRunner : public QThread {
    Q_OBJECT
public:
    explicit ModelCheckRunner(QObject* parent = nullptr);
    ~ModelCheckRunner() override;

    // Checks the ONNX file at `path`; returns the request's id.
    quint64 request(const QString& path);
    void cancel();

signals:
    // `problems` is empty when the checker accepts the model.
    void checked(quint64 id, const QString& path, const QString& problems, double milliseconds);

protected:
    void run() override;

private:
    struct Request {
        quint64 id = 0;
        QString path;
    };
    QMutex m_mutex;
    QWaitCondition m_condition;
    std::optional<Request> m_pending;
    quint64 m_nextId = 0;
    bool m_abort = false;
    std::atomic<bool> m_cancel{false};
};

}  // namespace kiln::studio
