#include "teach/teach_runner.h"

#include <QMutexLocker>

#include "teach/lifetime_data.h"

namespace kiln::views {

TeachRunner::TeachRunner(QObject* parent) : QThread(parent) {
    qRegisterMetaType<std::shared_ptr<kiln::views::TeachResult>>();
    qRegisterMetaType<std::shared_ptr<kiln::plan::Plan>>();
    qRegisterMetaType<kiln::views::NumericCheck>();
}

TeachRunner::~TeachRunner() {
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_cancel = true;
        m_condition.wakeOne();
    }
    wait();
}

void TeachRunner::request(TeachRequest request) {
    QMutexLocker lock(&m_mutex);
    m_pending = std::move(request);
    m_cancel = true;  // the running request, if any, is stale now
    if (!isRunning()) start(QThread::LowPriority);
    else m_condition.wakeOne();
}

void TeachRunner::cancel() {
    QMutexLocker lock(&m_mutex);
    m_pending.reset();
    m_cancel = true;
}

void TeachRunner::run() {
    forever {
        TeachRequest request;
        {
            QMutexLocker lock(&m_mutex);
            while (!m_pending && !m_abort) m_condition.wait(&m_mutex);
            if (m_abort) return;
            request = std::move(*m_pending);
            m_pending.reset();
            m_cancel = false;
        }
        const quint64 id = request.id;
        auto stale = [this] { return m_cancel.load() || m_abort; };
        if (!request.load) continue;
        Expected<std::shared_ptr<const ir::Graph>> model = request.load();
        if (stale()) continue;
        if (!model) {
            emit failed(id, QStringLiteral("load"), QString::fromStdString(model.status().message()));
            continue;
        }
        TeachOptions passesOnly = request.options;
        passesOnly.numericCheck = false;  // after the result is delivered (below)
        Expected<std::shared_ptr<TeachResult>> result = runTeachPipeline(
            **model, passesOnly, &m_cancel, [this, id](int done, int total) { emit progress(id, done, total); });
        if (stale()) continue;
        if (!result) {
            emit failed(id, QStringLiteral("optimize"), QString::fromStdString(result.status().message()));
            continue;
        }
        const bool numeric = request.options.numericCheck;
        (*result)->numericPending = numeric;
        emit pipelineReady(id, *result);
        if (numeric) {
            // Reads the states only; the GUI thread reads them too and writes nothing there.
            Expected<NumericCheck> check = runNumericCheck(**result, request.options.seed, &m_cancel);
            if (stale()) continue;
            if (check) emit numericReady(id, *check);
        }
        if (!request.buildPlan) continue;
        Expected<plan::Plan> plan = buildTeachingPlan(**model, &m_cancel);
        if (stale()) continue;
        if (!plan) emit failed(id, QStringLiteral("build"), QString::fromStdString(plan.status().message()));
        else emit planReady(id, std::make_shared<plan::Plan>(std::move(*plan)));
    }
}

}  // namespace kiln::views
