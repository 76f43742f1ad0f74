// Layered graph layout off the GUI thread: graphviz's dot for small graphs (it looks best), Kiln's
// own layered layout (layered_layout.h) above kDotNodeLimit boxes, where dot gets too slow (it
// took minutes on a 1,700-node BERT) and cannot be interrupted.
// LayoutRunner follows Qt's mandelbrot RenderThread: a request goes in under a mutex, a newer
// request supersedes (cancels) the running one, the result leaves by queued signal, and the
// destructor sets abort and waits.
#pragma once

#include <QMetaType>
#include <QMutex>
#include <QPainterPath>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QThread>
#include <QVector>
#include <QWaitCondition>
#include <atomic>
#include <functional>
#include <optional>

namespace kiln::views {

struct LayoutEdge {
    int from = 0;
    int to = 0;
    QString label;  // space is reserved for it beside the edge
};

enum class LayoutEngine {
    Automatic,  // dot up to kDotNodeLimit boxes, else layered; KILN_LAYOUT=dot|layered overrides
    Dot,
    Layered,
};

inline constexpr int kDotNodeLimit = 300;

struct LayoutRequest {
    quint64 id = 0;
    LayoutEngine engine = LayoutEngine::Automatic;
    QVector<QSizeF> nodeSizes;  // in scene units (points)
    QVector<LayoutEdge> edges;
};

struct LayoutResult {
    quint64 id = 0;
    QVector<QPointF> nodeCenters;
    QVector<QPainterPath> edgePaths;   // ends at the arrow tip
    QVector<QPointF> labelCenters;     // NaN where an edge has no label
    QRectF bounds;
    QString error;                     // empty on success
    double milliseconds = 0;
    bool ok() const { return error.isEmpty(); }
};

// Lays out synchronously (the worker calls this; so does the headless export). Returns with error
// "cancelled" when *cancel turns true: dot only notices before it starts, the layered layout
// between and inside its phases. `progress` gets 0..100 (the layered layout only).
LayoutResult computeLayout(const LayoutRequest& request, const std::atomic<bool>* cancel = nullptr,
                           const std::function<void(int)>& progress = {});
// Which engine a request gets.
LayoutEngine chooseEngine(const LayoutRequest& request);

class LayoutRunner : public QThread {
    Q_OBJECT
public:
    explicit LayoutRunner(QObject* parent = nullptr);
    ~LayoutRunner() override;

    // Queues a layout; a running one is abandoned (its result is never delivered).
    void request(LayoutRequest request);
    void cancel();

signals:
    void layoutReady(const kiln::views::LayoutResult& result);
    void layoutProgress(quint64 id, int percent);  // from the worker thread, queued

protected:
    void run() override;

private:
    QMutex m_mutex;
    QWaitCondition m_condition;
    std::optional<LayoutRequest> m_pending;
    bool m_abort = false;
    std::atomic<bool> m_cancel{false};
};

}  // namespace kiln::views

Q_DECLARE_METATYPE(kiln::views::LayoutResult)
