#include "graph/layout_runner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutexLocker>
#include <cmath>
#include <limits>
#include <vector>

#include <graphviz/gvc.h>

#include "graph/layered_layout.h"

namespace kiln::views {

namespace {

// libgvc keeps global state (the context, the string pool): one layout at a time per process.
QMutex& graphvizMutex() {
    static QMutex mutex;
    return mutex;
}

GVC_t* graphvizContext() {
    static GVC_t* context = gvContext();
    return context;
}

void setAttr(void* obj, const char* name, const QByteArray& value) {
    agsafeset(obj, const_cast<char*>(name), const_cast<char*>(value.constData()), const_cast<char*>(""));
}

QByteArray inches(double points) { return QByteArray::number(points / 72.0, 'f', 4); }

QPainterPath splinePath(Agedge_t* e, double flipY) {
    QPainterPath path;
    const splines* spl = ED_spl(e);
    if (!spl || spl->size == 0) return path;
    const bezier& bz = spl->list[0];
    auto pt = [flipY](pointf p) { return QPointF(p.x, flipY - p.y); };
    if (bz.size == 0) return path;
    path.moveTo(bz.sflag ? pt(bz.sp) : pt(bz.list[0]));
    if (bz.sflag) path.lineTo(pt(bz.list[0]));
    // dot's splines are cubic Béziers: a start point, then 3 points per segment.
    for (int i = 1; i + 2 < bz.size; i += 3)
        path.cubicTo(pt(bz.list[i]), pt(bz.list[i + 1]), pt(bz.list[i + 2]));
    if (bz.eflag) path.lineTo(pt(bz.ep));
    return path;
}

void setGraphDefaults(Agraph_t* g) {
    agattr(g, AGRAPH, const_cast<char*>("rankdir"), const_cast<char*>("TB"));
    agattr(g, AGRAPH, const_cast<char*>("nodesep"), const_cast<char*>("0.35"));
    agattr(g, AGRAPH, const_cast<char*>("ranksep"), const_cast<char*>("0.35"));
    agattr(g, AGRAPH, const_cast<char*>("splines"), const_cast<char*>("spline"));
    agattr(g, AGNODE, const_cast<char*>("shape"), const_cast<char*>("box"));
    agattr(g, AGNODE, const_cast<char*>("fixedsize"), const_cast<char*>("true"));
    agattr(g, AGNODE, const_cast<char*>("label"), const_cast<char*>(""));
    agattr(g, AGEDGE, const_cast<char*>("label"), const_cast<char*>(""));
    agattr(g, AGEDGE, const_cast<char*>("fontsize"), const_cast<char*>("9"));
    agattr(g, AGEDGE, const_cast<char*>("fontname"), const_cast<char*>("Helvetica"));
}

LayoutResult dotLayout(const LayoutRequest& request, const std::atomic<bool>* cancel) {
    LayoutResult result;
    QMutexLocker lock(&graphvizMutex());
    if (cancel && cancel->load()) {
        result.error = QStringLiteral("cancelled");
        return result;
    }
    GVC_t* gvc = graphvizContext();
    Agraph_t* g = agopen(const_cast<char*>("kiln"), Agdirected, nullptr);
    setGraphDefaults(g);
    std::vector<Agnode_t*> nodes;
    nodes.reserve(size_t(request.nodeSizes.size()));
    for (int i = 0; i < request.nodeSizes.size(); ++i) {
        Agnode_t* n = agnode(g, QByteArray("n" + QByteArray::number(i)).data(), 1);
        setAttr(n, "width", inches(request.nodeSizes[i].width()));
        setAttr(n, "height", inches(request.nodeSizes[i].height()));
        nodes.push_back(n);
    }
    std::vector<Agedge_t*> edges;
    for (int i = 0; i < request.edges.size(); ++i) {
        const LayoutEdge& le = request.edges[i];
        Agedge_t* e = agedge(g, nodes[size_t(le.from)], nodes[size_t(le.to)],
                             QByteArray("e" + QByteArray::number(i)).data(), 1);
        if (!le.label.isEmpty()) setAttr(e, "label", le.label.toUtf8());
        edges.push_back(e);
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        agclose(g);
        result.error = QStringLiteral("graphviz dot layout failed");
        return result;
    }
    const boxf bb = GD_bb(g);
    const double flipY = bb.UR.y;
    result.bounds = QRectF(bb.LL.x, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
    for (Agnode_t* n : nodes) result.nodeCenters.push_back(QPointF(ND_coord(n).x, flipY - ND_coord(n).y));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Agedge_t* e : edges) {
        result.edgePaths.push_back(splinePath(e, flipY));
        const textlabel_t* label = ED_label(e);
        result.labelCenters.push_back(label && label->set ? QPointF(label->pos.x, flipY - label->pos.y)
                                                          : QPointF(nan, nan));
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    return result;
}

// Edge labels as dot's estimate would size them: 9 pt text, about 5.5 pt a character.
constexpr double kLabelCharWidth = 5.5;
constexpr double kLabelHeight = 12;

// A polyline from the layered layout as a smooth path: every piece leaves and arrives vertically
// (a cubic with its control points half-way down), vertical pieces stay straight.
QPainterPath smoothPath(const std::vector<layered::Point>& points) {
    QPainterPath path;
    if (points.empty()) return path;
    path.moveTo(points[0].x, points[0].y);
    for (size_t i = 1; i < points.size(); ++i) {
        const QPointF p(points[i - 1].x, points[i - 1].y), q(points[i].x, points[i].y);
        if (std::abs(p.x() - q.x()) < 0.01) {
            path.lineTo(q);
            continue;
        }
        const double half = (q.y() - p.y()) / 2;
        path.cubicTo(QPointF(p.x(), p.y() + half), QPointF(q.x(), q.y() - half), q);
    }
    return path;
}

LayoutResult layeredLayout(const LayoutRequest& request, const std::atomic<bool>* cancel,
                           const std::function<void(int)>& progress) {
    layered::Input input;
    input.widths.reserve(size_t(request.nodeSizes.size()));
    input.heights.reserve(size_t(request.nodeSizes.size()));
    for (const QSizeF& s : request.nodeSizes) {
        input.widths.push_back(s.width());
        input.heights.push_back(s.height());
    }
    QHash<QString, int> bundles;  // one bundle per label: a tensor read by many nodes is one chain
    input.edges.reserve(size_t(request.edges.size()));
    for (const LayoutEdge& e : request.edges) {
        layered::Edge le;
        le.from = e.from;
        le.to = e.to;
        auto bundle = bundles.constFind(e.label);
        if (bundle == bundles.constEnd()) bundle = bundles.insert(e.label, int(bundles.size()));
        le.bundle = bundle.value();
        if (!e.label.isEmpty()) {
            le.labelWidth = e.label.size() * kLabelCharWidth + 4;
            le.labelHeight = kLabelHeight;
        }
        input.edges.push_back(le);
    }
    const layered::Output out = layered::layout(input, {}, cancel, progress);
    LayoutResult result;
    if (out.cancelled) {
        result.error = QStringLiteral("cancelled");
        return result;
    }
    result.bounds = QRectF(0, 0, out.width, out.height);
    result.nodeCenters.reserve(qsizetype(out.centers.size()));
    for (const layered::Point& p : out.centers) result.nodeCenters.push_back(QPointF(p.x, p.y));
    result.edgePaths.reserve(qsizetype(out.routes.size()));
    result.labelCenters.reserve(qsizetype(out.routes.size()));
    for (size_t i = 0; i < out.routes.size(); ++i) {
        result.edgePaths.push_back(smoothPath(out.routes[i]));
        result.labelCenters.push_back(QPointF(out.labelCenters[i].x, out.labelCenters[i].y));
    }
    return result;
}

}  // namespace

LayoutEngine chooseEngine(const LayoutRequest& request) {
    if (request.engine != LayoutEngine::Automatic) return request.engine;
    const QByteArray forced = qgetenv("KILN_LAYOUT");
    if (forced == "dot") return LayoutEngine::Dot;
    if (forced == "layered") return LayoutEngine::Layered;
    return request.nodeSizes.size() <= kDotNodeLimit ? LayoutEngine::Dot : LayoutEngine::Layered;
}

LayoutResult computeLayout(const LayoutRequest& request, const std::atomic<bool>* cancel,
                           const std::function<void(int)>& progress) {
    QElapsedTimer timer;
    timer.start();
    LayoutResult result = chooseEngine(request) == LayoutEngine::Dot ? dotLayout(request, cancel)
                                                                      : layeredLayout(request, cancel, progress);
    result.id = request.id;
    result.milliseconds = double(timer.nsecsElapsed()) / 1e6;
    return result;
}

LayoutRunner::LayoutRunner(QObject* parent) : QThread(parent) {
    qRegisterMetaType<kiln::views::LayoutResult>();
}

LayoutRunner::~LayoutRunner() {
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_cancel = true;
        m_condition.wakeOne();
    }
    wait();
}

void LayoutRunner::request(LayoutRequest request) {
    QMutexLocker lock(&m_mutex);
    m_pending = std::move(request);
    m_cancel = true;  // the running layout, if any, is stale now
    if (!isRunning())
        start(QThread::LowPriority);
    else
        m_condition.wakeOne();
}

void LayoutRunner::cancel() {
    QMutexLocker lock(&m_mutex);
    m_pending.reset();
    m_cancel = true;
}

void LayoutRunner::run() {
    forever {
        LayoutRequest request;
        {
            QMutexLocker lock(&m_mutex);
            while (!m_pending && !m_abort) m_condition.wait(&m_mutex);
            if (m_abort) return;
            request = std::move(*m_pending);
            m_pending.reset();
            m_cancel = false;
        }
        const quint64 id = request.id;
        LayoutResult result = computeLayout(request, &m_cancel, [this, id](int percent) { emit layoutProgress(id, percent); });
        // dot itself cannot be interrupted (the layered layout can); a superseded result is simply
        // not delivered.
        if (!m_cancel.load() && !m_abort) emit layoutReady(result);
    }
}

}  // namespace kiln::views
