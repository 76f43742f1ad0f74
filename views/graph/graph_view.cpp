#include "graph/graph_view.h"

#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "engine/engine_model.h"
#include "graph/graph_items.h"
#include "graph/graph_scene.h"
#include "graph/minimap.h"
#include "graph/node_category.h"
#include "graph/scope_item.h"

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

void GraphView::setGraphScene(GraphScene* scene) {
    setScene(scene);
    connect(scene, &GraphScene::relayoutAboutToApply, this, &GraphView::onRelayoutAboutToApply);
    connect(scene, &GraphScene::relayoutFinished, this, &GraphView::onRelayoutFinished);
}

void GraphView::setLegendVisible(bool visible) {
    m_legendWanted = visible;
    placeOverlays();
}

void GraphView::onRelayoutAboutToApply(const QRectF& anchorBefore) {
    m_anchorOnScreen.reset();
    if (!anchorBefore.isNull()) m_anchorOnScreen = mapFromScene(QPointF(anchorBefore.center().x(), anchorBefore.top()));
}

// The anchor's top centre goes back to the pixel it was at (as far as the scene's extent allows).
void GraphView::onRelayoutFinished(const QRectF& anchorAfter) {
    refreshMinimap();
    if (!m_anchorOnScreen || anchorAfter.isNull()) {
        m_anchorOnScreen.reset();
        showDefaultView();
        return;
    }
    const QPointF target(anchorAfter.center().x(), anchorAfter.top());
    const QPointF centre = mapToScene(viewport()->rect().center());
    centerOn(centre + (target - mapToScene(*m_anchorOnScreen)));
    m_anchorOnScreen.reset();
}

void GraphView::setMinimapVisible(bool visible) {
    m_minimapWanted = visible;
    refreshMinimap();
}

void GraphView::refreshMinimap() {
    if (m_minimapWanted) m_minimap->refresh();
    // The legend lists the categories on the canvas.
    QList<NodeCategory> present;
    for (const BoxItem* box : canvasBoxes(scene())) {
        const int type = box->type();
        if (type != NodeItem::Type && type != ScopeItem::Type) continue;
        const NodeCategory c = type == NodeItem::Type ? static_cast<const NodeItem*>(box)->category()
                                                      : static_cast<const ScopeItem*>(box)->category();
        if (!present.contains(c)) present << c;
    }
    std::sort(present.begin(), present.end());
    m_legend->setCategories(present);
    placeOverlays();
}

// The legend takes a strip below the drawing area (viewport margins), so no box is ever under it;
// the overview sits in the drawing area's bottom-right corner, shown only when the graph does not
// fit the view anyway.
void GraphView::placeOverlays() {
    const int legendH = m_legendWanted ? m_legend->heightForWidth(width() - 2 * frameWidth()) : 0;
    if (viewportMargins().bottom() != legendH) setViewportMargins(0, 0, 0, legendH);
    m_legend->setVisible(m_legendWanted);
    if (m_legendWanted) {
        const QRect vp = viewport()->geometry();
        m_legend->setGeometry(frameWidth(), vp.bottom() + 1, width() - 2 * frameWidth(), legendH);
    }
    m_minimap->move(viewport()->width() - m_minimap->width() - 8, viewport()->height() - m_minimap->height() - 8);
    // A few pixels of slack: fitting leaves the scene's rounding at the edges.
    const bool overflows = scene() && !mapToScene(viewport()->rect().adjusted(-4, -4, 4, 4)).boundingRect().contains(canvasRect(scene()));
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
    const QList<BoxItem*> boxes = canvasBoxes(scene());
    auto topOf = [](const BoxItem* b) { return b->pos().y() - b->size().height() / 2; };
    for (const BoxItem* b : boxes) top = std::min(top, topOf(b));
    for (const BoxItem* b : boxes)
        if (topOf(b) < top + 20) {
            sum += b->pos().x();
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
    setObjectName(QStringLiteral("Legend"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
}

void LegendWidget::setHeatScale(double maxShare) {
    m_maxShare = maxShare;
    updateGeometry();
    update();
}

void LegendWidget::setCategories(const QList<NodeCategory>& categories) {
    if (categories == m_categories) return;
    m_categories = categories;
    updateGeometry();
    update();
}

QString LegendWidget::heatTitle() const { return tr("Share of layer time"); }

namespace {
constexpr int kSwatch = 14, kGap = 5, kSpacing = 16, kMargin = 8, kHeatBar = 80;
}  // namespace

QList<LegendWidget::Entry> LegendWidget::arrange(int width) const {
    const QFontMetrics fm(font());
    const int rowH = fm.height() + 6;
    QList<int> categories;
    if (m_categories.isEmpty())
        for (int i = 0; i < kNodeCategoryCount; ++i) categories << i;
    else
        for (NodeCategory c : m_categories) categories << int(c);
    QList<Entry> entries;
    int x = kMargin, y = 0;
    auto place = [&](int w, int category) {
        if (x > kMargin && x + w > width - kMargin) {
            x = kMargin;
            y += rowH;
        }
        entries << Entry{QRect(x, y, w, rowH), category};
        x += w + kSpacing;
    };
    for (int c : categories) place(kSwatch + kGap + fm.horizontalAdvance(categoryName(NodeCategory(c))), c);
    if (m_maxShare > 0) {
        const QString end = QStringLiteral("%1%").arg(m_maxShare, 0, 'f', 1);
        place(fm.horizontalAdvance(heatTitle()) + 3 * kGap + fm.horizontalAdvance(QStringLiteral("0%")) + kHeatBar +
                  fm.horizontalAdvance(end),
              -1);
    }
    return entries;
}

int LegendWidget::heightForWidth(int width) const {
    const QList<Entry> entries = arrange(width);
    return entries.isEmpty() ? 0 : entries.back().rect.bottom() + 1;
}

QSize LegendWidget::sizeHint() const {
    const QList<Entry> entries = arrange(QWIDGETSIZE_MAX);
    return entries.isEmpty() ? QSize() : QSize(entries.back().rect.right() + kMargin, entries.back().rect.bottom() + 1);
}

void LegendWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(0xf0, 0xf0, 0xf0));
    p.setPen(QColor(0xc8, 0xc8, 0xc8));
    p.drawLine(0, 0, width(), 0);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    for (const Entry& e : arrange(width())) {
        const QRect r = e.rect;
        if (e.category >= 0) {
            const auto c = NodeCategory(e.category);
            p.setPen(hasAlertBorder(c) ? QPen(alertBorderColor(), 1.5, Qt::DashLine) : QPen(QColor(0x80, 0x80, 0x80)));
            p.setBrush(categoryColor(c));
            p.drawRoundedRect(QRectF(r.left(), r.center().y() - 4.5, kSwatch, 10), 2, 2);
            p.setPen(Qt::black);
            p.drawText(QRect(r.left() + kSwatch + kGap, r.top(), r.width() - kSwatch - kGap, r.height()),
                       Qt::AlignVCenter | Qt::AlignLeft, categoryName(c));
            continue;
        }
        // Heat: "Share of layer time 0% [gradient] 12.3%".
        p.setPen(Qt::black);
        int x = r.left();
        const QString title = heatTitle(), zero = QStringLiteral("0%");
        p.drawText(QRect(x, r.top(), fm.horizontalAdvance(title), r.height()), Qt::AlignVCenter, title);
        x += fm.horizontalAdvance(title) + kGap;
        p.drawText(QRect(x, r.top(), fm.horizontalAdvance(zero), r.height()), Qt::AlignVCenter, zero);
        x += fm.horizontalAdvance(zero) + kGap;
        const QRect bar(x, r.center().y() - 4, kHeatBar, 9);
        QLinearGradient gradient(bar.topLeft(), bar.topRight());
        for (int i = 0; i <= 4; ++i) gradient.setColorAt(i / 4.0, heatColor(i / 4.0));
        p.setPen(QColor(0x80, 0x80, 0x80));
        p.setBrush(gradient);
        p.drawRect(bar);
        p.setPen(Qt::black);
        p.drawText(QRect(bar.right() + kGap, r.top(), r.right() - bar.right() - kGap + 1, r.height()), Qt::AlignVCenter,
                   QStringLiteral("%1%").arg(m_maxShare, 0, 'f', 1));
    }
}

}  // namespace kiln::views
