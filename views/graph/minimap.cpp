#include "graph/minimap.h"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <algorithm>

#include "graph/graph_items.h"
#include "graph/graph_scene.h"
#include "graph/node_category.h"
#include "graph/scope_item.h"

namespace kiln::views {

namespace {
constexpr int kMargin = 4;
}  // namespace

Minimap::Minimap(QGraphicsView* view) : QWidget(view), m_view(view) {
    setObjectName(QStringLiteral("Minimap"));
    setToolTip(tr("Overview: click or drag to move the view"));
    setCursor(Qt::PointingHandCursor);
    resize(180, 180);
    // Follow the main view's scrolling and zooming.
    for (QScrollBar* bar : {view->horizontalScrollBar(), view->verticalScrollBar()})
        connect(bar, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
}

void Minimap::refresh() {
    QGraphicsScene* scene = m_view->scene();
    m_sceneRect = canvasRect(scene);
    if (!scene || m_sceneRect.isEmpty()) {
        m_picture = QPixmap();
        update();
        return;
    }
    // Within 180 x 180, keeping the graph's aspect ratio unless that leaves a strip narrower than
    // 64 px (tall networks are thousands of boxes high and a few wide): then x is stretched.
    const QSizeF box(180 - 2 * kMargin, 180 - 2 * kMargin);
    QSizeF s = m_sceneRect.size().scaled(box, Qt::KeepAspectRatio);
    s = s.expandedTo(QSizeF(64, 64));
    resize(int(s.width()) + 2 * kMargin, int(s.height()) + 2 * kMargin);
    const qreal dpr = devicePixelRatioF();
    m_picture = QPixmap((s * dpr).toSize());
    m_picture.setDevicePixelRatio(dpr);
    m_picture.fill(Qt::white);
    // Boxes as filled rectangles in their category colour, at least one pixel each (rendering the
    // scene itself would shrink a 1,000-layer network to an invisible smear).
    QPainter p(&m_picture);
    const qreal sx = s.width() / m_sceneRect.width(), sy = s.height() / m_sceneRect.height();
    for (const BoxItem* item : canvasBoxes(scene)) {
        const int type = item->type();
        const QRectF r(item->pos() - QPointF(item->size().width() / 2, item->size().height() / 2), item->size());
        const QRectF m((r.left() - m_sceneRect.left()) * sx, (r.top() - m_sceneRect.top()) * sy,
                       std::max<qreal>(r.width() * sx, 1.5), std::max<qreal>(r.height() * sy, 1.0));
        const QColor c = type == NodeItem::Type    ? categoryColor(static_cast<const NodeItem*>(item)->category()).darker(115)
                         : type == ScopeItem::Type ? categoryColor(static_cast<const ScopeItem*>(item)->category()).darker(130)
                                                   : QColor(0x9a, 0xa8, 0xbc);
        p.fillRect(m, c);
    }
    p.end();
    update();
}

QRectF Minimap::pictureRect() const {
    return QRectF(kMargin, kMargin, width() - 2 * kMargin, height() - 2 * kMargin);
}

QRectF Minimap::viewportRect() const {
    if (m_sceneRect.isEmpty()) return {};
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect().intersected(m_sceneRect);
    const QRectF pic = pictureRect();
    const qreal sx = pic.width() / m_sceneRect.width(), sy = pic.height() / m_sceneRect.height();
    return QRectF(pic.left() + (visible.left() - m_sceneRect.left()) * sx, pic.top() + (visible.top() - m_sceneRect.top()) * sy,
                  visible.width() * sx, visible.height() * sy);
}

void Minimap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(0xc8, 0xc8, 0xc8));
    p.setBrush(QColor(255, 255, 255, 235));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    if (m_picture.isNull()) return;
    p.drawPixmap(pictureRect().topLeft(), m_picture);
    const QRectF r = viewportRect();
    if (r.isEmpty()) return;
    p.setPen(QPen(QColor(0x1e, 0x6f, 0xd9), 1.5));
    p.setBrush(QColor(0x1e, 0x6f, 0xd9, 40));
    p.drawRect(r);
}

void Minimap::centerViewAt(const QPointF& pos) {
    if (m_sceneRect.isEmpty()) return;
    const QRectF pic = pictureRect();
    const QPointF scenePos(m_sceneRect.left() + (pos.x() - pic.left()) * m_sceneRect.width() / pic.width(),
                           m_sceneRect.top() + (pos.y() - pic.top()) * m_sceneRect.height() / pic.height());
    m_view->centerOn(scenePos);
    update();
}

void Minimap::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) centerViewAt(event->position());
}

void Minimap::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) centerViewAt(event->position());
}

}  // namespace kiln::views
