// Teaching mode's worker thread (Qt's mandelbrot RenderThread shape): a request (a model to
// teach with) goes in under a mutex, a newer request supersedes the running one, results leave
// by queued signal, the destructor sets abort and waits. One run = the pass-by-pass pipeline
// (delivered first, so the stepper can start), the numeric check of every pass on the CPU
// reference (slow on big models, so it comes second) and then, when asked, a CPU build of the
// model for the memory lesson.
#pragma once

#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "ir/graph.h"
#include "plan/plan.h"
#include "teach/teach_pipeline.h"

namespace kiln::views {

struct TeachRequest {
    quint64 id = 0;
    // Gives the model, on the worker thread (an import or a playground build may take a moment).
    std::function<Expected<std::shared_ptr<const ir::Graph>>()> load;
    TeachOptions options;
    bool buildPlan = true;
};

class TeachRunner : public QThread {
    Q_OBJECT
public:
    explicit TeachRunner(QObject* parent = nullptr);
    ~TeachRunner() override;

    void request(TeachRequest request);
    void cancel();

signals:
    void progress(quint64 id, int done, int total);
    void pipelineReady(quint64 id, std::shared_ptr<kiln::views::TeachResult> result);
    void numericReady(quint64 id, const kiln::views::NumericCheck& check);
    void planReady(quint64 id, std::shared_ptr<kiln::plan::Plan> plan);
    // stage: "load", "optimize" or "build"
    void failed(quint64 id, const QString& stage, const QString& message);

protected:
    void run() override;

private:
    QMutex m_mutex;
    QWaitCondition m_condition;
    std::optional<TeachRequest> m_pending;
    bool m_abort = false;
    std::atomic<bool> m_cancel{false};
};

}  // namespace kiln::views

Q_DECLARE_METATYPE(std::shared_ptr<kiln::views::TeachResult>)
Q_DECLARE_METATYPE(std::shared_ptr<kiln::plan::Plan>)
Q_DECLARE_METATYPE(kiln::views::NumericCheck)
