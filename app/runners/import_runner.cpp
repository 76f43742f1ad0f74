#include "import_runner.h"

#include <QMutexLocker>

namespace kiln::studio {

ImportRunner::ImportRunner(QObject* parent) : QThread(parent) {
    qRegisterMetaType<std::shared_ptr<kiln::studio::ModelDocument>>();
}

ImportRunner::~ImportRunner() {
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_cancel = true;
        m_condition.wakeOne();
    }
    wait();
}

quint64 ImportRunner::request(const QString& path) {
    QMutexLocker lock(&m_mutex);
    m_pending = Request{++m_nextId, path};
    m_cancel = true;  // the running import, if any, is stale now
    if (!isRunning())
        start();
    else
        m_condition.wakeOne();
    return m_nextId;
}

void ImportRunner::cancel() {
    QMutexLocker lock(&m_mutex);
    m_pending.reset();
    m_cancel = true;
}

void ImportRunner::run() {
    forever {
        Request request;
        {
            QMutexLocker lock(&m_mutex);
            while (!m_pending && !m_abort) m_condition.wait(&m_mutex);
            if (m_abort) return;
            request = std::move(*m_pending);
            m_pending.reset();
            m_cancel = false;
        }
        const quint64 id = request.id;
        auto doc = ModelDocument::open(request.path, &m_cancel, [this, id](const QString& stage) {
            if (!m_cancel.load()) emit stageChanged(id, stage);
        });
        // libonnx's checker cannot be interrupted; a superseded result is simply not delivered.
        if (m_cancel.load() || m_abort) continue;
        if (doc) emit imported(id, std::shared_ptr<ModelDocument>(std::move(doc).value()));
        else emit failed(id, request.path, QString::fromStdString(doc.status().toString()));
    }
}

}  // namespace kiln::studio
