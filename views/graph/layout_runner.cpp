#include "graph/layout_runner.h"

#include <QElapsedTimer>
#include <QMutexLocker>
#include <cmath>
#include <limits>
#include <vector>

#include <graphviz/gvc.h>

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

}  // namespace

LayoutResult computeLayout(const LayoutRequest& request, const std::atomic<bool>* cancel) {
    LayoutResult result;
    result.id = request.id;
    QElapsedTimer timer;
    timer.start();
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
        LayoutResult result = computeLayout(request, &m_cancel);
        // dot itself cannot be interrupted; a superseded result is simply not delivered.
        if (!m_cancel.load() && !m_abort) emit layoutReady(result);
    }
}

}  // namespace kiln::views
