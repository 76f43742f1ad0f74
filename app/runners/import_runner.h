// Opens documents off the GUI thread: ONNX import (shape inference; the checker for small
// models), plan read and check, report parse and — when asked — the graph's boxes and first
// layout (views::prepareScene), so the GUI thread only puts finished boxes on screen. Follows
// Qt's mandelbrot RenderThread: a request goes in under a mutex, a newer request supersedes the
// running one (whose result is then dropped), results and progress leave by queued signals, and
// the destructor sets abort and waits.
#pragma once

#include <QMetaType>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <atomic>
#include <memory>
#include <optional>

#include "graph/prepared_scene.h"
#include "model_document.h"

namespace kiln::studio {

class ImportRunner : public QThread {
    Q_OBJECT
public:
    explicit ImportRunner(QObject* parent = nullptr);
    ~ImportRunner() override;

    // Queues `path` and returns the request's id (signals carry it). A running import is
    // cancelled at its next step and never reported. With `prepareScene` the graph's boxes are
    // built and laid out too (imported's third argument).
    quint64 request(const QString& path, bool prepareScene = false);
    // Drops the pending and the running request: neither is reported.
    void cancel();

    // The share of the progress each step takes, in percent of the whole (they add up to 100):
    // reading the file (by bytes), the import (parse, shape inference, IR; one step), the boxes
    // (by nodes converted) and the layout (by its own percent). Without a scene to prepare the
    // import takes the boxes' and the layout's share too.
    static constexpr int kReadShare = 5, kImportShare = 40, kBoxesShare = 30, kLayoutShare = 25;

signals:
    // What the current import is doing ("Reading model.onnx (2 MB)").
    void stageChanged(quint64 id, const QString& stage);
    // How far it is, 0..100; never goes back, ends at 100 just before imported.
    void progress(quint64 id, int percent);
    void imported(quint64 id, std::shared_ptr<kiln::studio::ModelDocument> document,
                  std::shared_ptr<kiln::views::PreparedScene> scene);
    void failed(quint64 id, const QString& path, const QString& message);

protected:
    void run() override;

private:
    struct Request {
        quint64 id = 0;
        QString path;
        bool prepareScene = false;
    };
    void runRequest(const Request& request);
    QMutex m_mutex;
    QWaitCondition m_condition;
    std::optional<Request> m_pending;
    quint64 m_nextId = 0;
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_cancel{false};
};

}  // namespace kiln::studio

Q_DECLARE_METATYPE(std::shared_ptr<kiln::studio::ModelDocument>)
