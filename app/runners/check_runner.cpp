#include "check_runner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>

#include "onnx/importer.h"

namespace kiln::studio {

ModelCheckRunner::ModelCheckRunner(QObject* parent) : QThread(parent) {}

ModelCheckRunner::~ModelCheckRunner() {
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_cancel = true;
        m_condition.wakeOne();
    }
    wait();
}

quint64 ModelCheckRunner::request(const QString& path) {
    QMutexLocker lock(&m_mutex);
    m_pending = Request{++m_nextId, path};
    m_cancel = true;
    if (!isRunning())
        start(QThread::LowestPriority);
    else
        m_condition.wakeOne();
    return m_nextId;
}

void ModelCheckRunner::cancel() {
    QMutexLocker lock(&m_mutex);
    m_pending.reset();
    m_cancel = true;
}

void ModelCheckRunner::run() {
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
        QElapsedTimer timer;
        timer.start();
        QFile file(request.path);
        QString problems;
        if (!file.open(QIODevice::ReadOnly)) {
            problems = file.errorString();
        } else {
            const QByteArray bytes = file.readAll();
            // The checker runs before the IR is built; shape inference is not needed for it.
            onnx::ImportOptions options;
            options.runChecker = true;
            options.inferShapes = false;
            options.requireSupportedOps = false;
            const std::string baseDir = QFile::encodeName(QFileInfo(request.path).absolutePath()).toStdString();
            auto g = onnx::importModelBytes(bytes.constData(), size_t(bytes.size()), baseDir, options);
            if (!g) problems = QString::fromStdString(g.status().toString());
        }
        if (m_cancel.load() || m_abort) continue;
        emit checked(request.id, request.path, problems, double(timer.nsecsElapsed()) / 1e6);
    }
}

}  // namespace kiln::studio
