#include "import_runner.h"

#include <QMutexLocker>
#include <algorithm>

namespace kiln::studio {

ImportRunner::ImportRunner(QObject* parent) : QThread(parent) {
    qRegisterMetaType<std::shared_ptr<kiln::studio::ModelDocument>>();
    qRegisterMetaType<std::shared_ptr<kiln::views::PreparedScene>>();
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

quint64 ImportRunner::request(const QString& path, bool prepareScene) {
    QMutexLocker lock(&m_mutex);
    m_pending = Request{++m_nextId, path, prepareScene};
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
        runRequest(request);
    }
}

void ImportRunner::runRequest(const Request& request) {
    const quint64 id = request.id;
    int reported = -1;
    // Percent of the whole: monotonic, and only whole steps are sent.
    auto report = [this, id, &reported](double percent) {
        const int p = std::clamp(int(percent), 0, 100);
        if (p <= reported || m_cancel.load()) return;
        reported = p;
        emit progress(id, p);
    };
    const double importEnd = request.prepareScene ? kReadShare + kImportShare : 100;
    report(0);
    auto doc = ModelDocument::open(
        request.path, &m_cancel,
        [this, id](const QString& stage) {
            if (!m_cancel.load()) emit stageChanged(id, stage);
        },
        [&report](qint64 done, qint64 total) { report(total > 0 ? kReadShare * double(done) / double(total) : kReadShare); });
    // libonnx's checker and shape inference cannot be interrupted; a superseded result is simply
    // not delivered.
    if (m_cancel.load() || m_abort) return;
    if (!doc) {
        emit failed(id, request.path, QString::fromStdString(doc.status().toString()));
        return;
    }
    report(importEnd);
    std::shared_ptr<ModelDocument> document(std::move(doc).value());
    std::shared_ptr<views::PreparedScene> scene;
    if (request.prepareScene) {
        emit stageChanged(id, tr("Drawing the graph (%1 nodes)").arg(document->graph().numNodes()));
        views::PrepareProgress progress;
        progress.boxes = [&](int done, int total) {
            report(importEnd + kBoxesShare * double(done) / std::max(1, total));
            if (done == total && !m_cancel.load()) emit stageChanged(id, tr("Laying out the graph"));
        };
        progress.layout = [&](int percent) { report(importEnd + kBoxesShare + kLayoutShare * percent / 100.0); };
        const views::EngineModel* engine = document->engine();
        scene = views::prepareScene(&document->graph(), engine, true, &m_cancel, progress);
        if (!scene || m_cancel.load() || m_abort) return;
    }
    report(100);
    emit imported(id, document, scene);
}

}  // namespace kiln::studio
