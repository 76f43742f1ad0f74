#include "graph/scope_item.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <cmath>

namespace kiln::views {

using namespace canvas;

namespace {
constexpr double kStack = 4;      // offset of each card drawn behind the box
constexpr double kMarker = 11;    // side of the [+] marker
}  // namespace

ScopeItem::ScopeItem(int scope, const QString& path, const QString& label, ScopeSummary summary)
    : BoxItem(0), m_scope(scope), m_path(path), m_summary(std::move(summary)) {
    setFlags(ItemIsSelectable);
    setZValue(2);
    m_title = elided(label, titleFont());
    if (path != label) {
        m_lines << elided(path, textFont());
        m_pathLine = true;
    }
    QString counts = QCoreApplication::translate("ScopeItem", "%n nodes", nullptr, m_summary.nodes);
    if (m_summary.flops > 0)
        counts += QStringLiteral(" \u00B7 ") + QCoreApplication::translate("ScopeItem", "%1 FLOPs").arg(shortCount(m_summary.flops));
    m_lines << counts;
    const QString ops = opSummaryText(m_summary);
    if (!ops.isEmpty()) m_lines << elided(ops, textFont());
    if (m_summary.parameters > 0)
        m_lines << QCoreApplication::translate("ScopeItem", "W %1 parameters (%2)")
                       .arg(shortCount(double(m_summary.parameters)), QLocale().formattedDataSize(m_summary.parameterBytes));
    const QFontMetricsF title(titleFont()), text(textFont());
    double w = title.horizontalAdvance(m_title) + 2 * (kMarker + 6);
    for (const QString& line : m_lines) w = std::max(w, text.horizontalAdvance(line));
    const double h = title.height() + text.height() * m_lines.size() + 2 * kPadY + 2;
    m_size = QSizeF(std::max(kMinWidth + 40, std::ceil(w + 2 * kPadX)), std::ceil(h));
    setToolTip(QCoreApplication::translate("ScopeItem", "%1 (collapsed, %n nodes): double-click or click [+] to expand",
                                           nullptr, m_summary.nodes)
                   .arg(path));
}

QRectF ScopeItem::boundingRect() const { return BoxItem::boundingRect().adjusted(0, 0, 2 * kStack, 2 * kStack); }

QRectF ScopeItem::markerRect() const {
    const double headerH = QFontMetricsF(titleFont()).height() + kPadY;
    return QRectF(-m_size.width() / 2 + 6, -m_size.height() / 2 + (headerH - kMarker) / 2, kMarker, kMarker);
}

void ScopeItem::setFindHits(int hits) {
    if (m_findHits == hits) return;
    m_findHits = hits;
    update();
}

void ScopeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QRectF r(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height());
    const QColor fill = categoryColor(m_summary.dominantCategory);
    QPen pen(QColor(0x40, 0x40, 0x40), 1.0);
    if (isSelected()) pen = QPen(highlightColor(), 2.5);
    else if (m_findHits > 0) pen = QPen(findColor().darker(130), 2.5);
    // Two cards behind: this box stands for many.
    painter->setPen(QPen(QColor(0x70, 0x70, 0x70), 1.0));
    for (int i = 2; i >= 1; --i) {
        painter->setBrush(fill.lighter(100 + 12 * i));
        painter->drawRoundedRect(r.translated(kStack * i, kStack * i), kRadius, kRadius);
    }
    painter->setPen(pen);
    painter->setBrush(Qt::white);
    painter->drawRoundedRect(r, kRadius, kRadius);
    const QFontMetricsF title(titleFont()), text(textFont());
    const double headerH = title.height() + kPadY;
    QPainterPath header;
    header.addRoundedRect(r.adjusted(0.5, 0.5, -0.5, 0), kRadius, kRadius);
    QPainterPath clip;
    clip.addRect(QRectF(r.left(), r.top(), r.width(), headerH));
    painter->fillPath(header.intersected(clip), fill);
    // The [+] marker.
    const QRectF m = markerRect();
    painter->setPen(QPen(QColor(0x30, 0x30, 0x30), 1.0));
    painter->setBrush(Qt::white);
    painter->drawRect(m);
    painter->drawLine(QPointF(m.left() + 2.5, m.center().y()), QPointF(m.right() - 2.5, m.center().y()));
    painter->drawLine(QPointF(m.center().x(), m.top() + 2.5), QPointF(m.center().x(), m.bottom() - 2.5));
    if (!showText(option, painter)) return;
    painter->setPen(Qt::black);
    painter->setFont(titleFont());
    painter->drawText(QRectF(r.left(), r.top() + 2, r.width(), headerH - 2), Qt::AlignCenter, m_title);
    painter->setFont(textFont());
    double y = r.top() + headerH + 1;
    for (int i = 0; i < m_lines.size(); ++i, y += text.height()) {
        painter->setPen(i == 0 && m_pathLine ? QColor(0x6a, 0x6a, 0x6a) : QColor(0x30, 0x30, 0x30));
        painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignCenter, m_lines[i]);
    }
}

}  // namespace kiln::views
