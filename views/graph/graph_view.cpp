#include "graph/graph_view.h"

#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "engine/engine_model.h"
#include "graph/graph_items.h"
#include "graph/minimap.h"
#include "graph/node_category.h"

namespace kiln::views {

namespace {
constexpr double kMinZoom = 0.03, kMaxZoom = 4.0, kStep = 1.25;
constexpr double kReadableZoom = 0.85;  // below this the default view stops fitting
}  // namespace

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent), m_legend(new LegendWidget(this)), m_minimap(new Minimap(this)) {
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    setBackgroundBrush(QColor(0xfa, 0xfa, 0xfa));
    setAcceptDrops(false);
    viewport()->setAcceptDrops(false);  // files dropped on the canvas go to the main window
}

void GraphView::setLegendVisible(bool visible) { m_legend->setVisible(visible); }

void GraphView::setMinimapVisible(bool visible) {
    m_minimapWanted = visible;
    refreshMinimap();
}

void GraphView::refreshMinimap() {
    if (m_minimapWanted) m_minimap->refresh();
    placeOverlays();
}

// Legend bottom left (the graph starts at the top); overview bottom right, shown only when the
// graph does not fit the view anyway.
void GraphView::placeOverlays() {
    m_legend->resize(m_legend->sizeHint());
    m_legend->move(8, viewport()->height() - m_legend->height() - 8);
    m_minimap->move(viewport()->width() - m_minimap->width() - 8, viewport()->height() - m_minimap->height() - 8);
    const bool overflows = scene() && !mapToScene(viewport()->rect()).boundingRect().contains(scene()->itemsBoundingRect());
    m_minimap->setVisible(m_minimapWanted && overflows);
    m_minimap->update();
}

void GraphView::setHeatScale(double maxShare) {
    m_legend->setHeatScale(maxShare);
    placeOverlays();
}

void GraphView::setZoom(double zoom) {
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(zoom, zoom));
    placeOverlays();
}

void GraphView::zoomIn() {
    const auto anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    setZoom(zoom() * kStep);
    setTransformationAnchor(anchor);
}

void GraphView::zoomOut() {
    const auto anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    setZoom(zoom() / kStep);
    setTransformationAnchor(anchor);
}

void GraphView::resetZoom() { setZoom(1.0); }

void GraphView::zoomToFit() {
    if (!scene()) return;
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    setZoom(std::min(zoom(), 1.0));
}

void GraphView::showDefaultView() {
    if (!scene()) return;
    const QRectF r = sceneRect();
    const QSize vp = viewport()->size();
    const double fit = std::min(vp.width() / r.width(), vp.height() / r.height());
    if (fit >= kReadableZoom) {
        zoomToFit();
        return;
    }
    setZoom(std::min(1.0, std::max(fit, kReadableZoom)));
    centerOn(topRowCenterX(), r.top() + vp.height() / (2 * zoom()));
}

double GraphView::topRowCenterX() const {
    // The graph flows downwards: start where it starts (the inputs), not at its widest point.
    double top = 1e300, sum = 0;
    int count = 0;
    const QList<QGraphicsItem*> all = scene()->items();
    for (QGraphicsItem* item : all)
        if (item->type() == NodeItem::Type || item->type() == IoItem::Type) top = std::min(top, item->sceneBoundingRect().top());
    for (QGraphicsItem* item : all)
        if ((item->type() == NodeItem::Type || item->type() == IoItem::Type) && item->sceneBoundingRect().top() < top + 20) {
            sum += item->sceneBoundingRect().center().x();
            ++count;
        }
    return count ? sum / count : sceneRect().center().x();
}

void GraphView::centerOnItem(QGraphicsItem* item) {
    if (!item) return;
    if (zoom() < 0.6) setZoom(0.9);
    centerOn(item);
}

void GraphView::wheelEvent(QWheelEvent* event) {
    // Wheel zooms around the cursor; Shift+wheel scrolls (for mice without a horizontal wheel).
    if (event->modifiers() & Qt::ShiftModifier) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) return;
    setZoom(zoom() * std::pow(kStep, steps));
    event->accept();
}

void GraphView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    placeOverlays();
}

LegendWidget::LegendWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_TransparentForMouseEvents);
}

void LegendWidget::setHeatScale(double maxShare) {
    m_maxShare = maxShare;
    updateGeometry();
    update();
}

QString LegendWidget::heatTitle() const { return tr("Share of layer time"); }

QSize LegendWidget::sizeHint() const {
    const QFontMetrics fm(font());
    int w = 0;
    for (int i = 0; i < kNodeCategoryCount; ++i) w = std::max(w, fm.horizontalAdvance(categoryName(NodeCategory(i))));
    int h = kNodeCategoryCount * (fm.height() + 3) + 12;
    if (m_maxShare > 0) {
        w = std::max(w, fm.horizontalAdvance(heatTitle()) - 22);
        h += 2 * fm.height() + 16;  // title, gradient bar, end labels
    }
    return QSize(w + 36, h);
}

void LegendWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(0xc8, 0xc8, 0xc8));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRoundedRect(rect().adjusted(0, 0, -1, -1), 4, 4);
    const QFontMetrics fm(font());
    int y = 6;
    for (int i = 0; i < kNodeCategoryCount; ++i) {
        const auto c = NodeCategory(i);
        p.setPen(QColor(0x80, 0x80, 0x80));
        p.setBrush(categoryColor(c));
        p.drawRoundedRect(QRect(8, y + 2, 16, fm.height() - 3), 2, 2);
        p.setPen(Qt::black);
        p.drawText(QRect(30, y, width() - 34, fm.height()), Qt::AlignVCenter | Qt::AlignLeft, categoryName(c));
        y += fm.height() + 3;
    }
    if (m_maxShare <= 0) return;
    y += 4;
    p.drawText(QRect(8, y, width() - 12, fm.height()), Qt::AlignVCenter | Qt::AlignLeft, heatTitle());
    y += fm.height() + 2;
    const QRect bar(8, y, width() - 16, 8);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 4; ++i) gradient.setColorAt(i / 4.0, heatColor(i / 4.0));
    p.setPen(QColor(0x80, 0x80, 0x80));
    p.setBrush(gradient);
    p.drawRect(bar);
    y += bar.height() + 1;
    p.setPen(Qt::black);
    p.drawText(QRect(8, y, width() - 16, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("0%"));
    p.drawText(QRect(8, y, width() - 16, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("%1%").arg(m_maxShare, 0, 'f', 1));
}

}  // namespace kiln::views
