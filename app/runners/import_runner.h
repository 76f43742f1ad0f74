// Opens documents off the GUI thread: ONNX import (checker and shape inference), plan read and
// check, report parse. Follows Qt's mandelbrot RenderThread: a request goes in under a mutex,
// a newer request supersedes the running one (whose result is then dropped), results and
// progress leave by queued signals, and the destructor sets abort and waits.
#pragma once

#include <QMetaType>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <atomic>
#include <memory>
#include <optional>

#include "model_document.h"

namespace kiln::studio {

class ImportRunner : public QThread {
    Q_OBJECT
public:
    explicit ImportRunner(QObject* parent = nullptr);
    ~ImportRunner() override;

    // Queues `path` and returns the request's id (signals carry it). A running import is
    // cancelled at its next step and never reported.
    quint64 request(const QString& path);
    // Drops the pending and the running request: neither is reported.
    void cancel();

signals:
    // What the current import is doing ("Checking the ONNX model and inferring shapes").
    void stageChanged(quint64 id, const QString& stage);
    void imported(quint64 id, std::shared_ptr<kiln::studio::ModelDocument> document);
    void failed(quint64 id, const QString& path, const QString& message);

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
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_cancel{false};
};

}  // namespace kiln::studio

Q_DECLARE_METATYPE(std::shared_ptr<kiln::studio::ModelDocument>)
