#include "graph/graph_items.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>
#include <cmath>

#include "graph/labels.h"

namespace kiln::views {

namespace {

constexpr double kPadX = 8, kPadY = 5, kMinWidth = 84, kMaxTextWidth = 220, kRadius = 5;
const QColor kEdgeColor(0x60, 0x60, 0x60);
const QColor kHighlight(0x1a, 0x73, 0xe8);
const QColor kFindColor(0xff, 0xc1, 0x07);

QFont makeFont(int pixelSize, bool bold) {
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    return f;
}
const QFont& titleFont() { static const QFont f = makeFont(12, true); return f; }
const QFont& textFont() { static const QFont f = makeFont(10, false); return f; }
const QFont& labelFont() { static const QFont f = makeFont(9, false); return f; }

bool showText(const QStyleOptionGraphicsItem* option, QPainter* painter) {
    return option->levelOfDetailFromTransform(painter->worldTransform()) >= kTextLevelOfDetail;
}

QString elided(const QString& s, const QFont& font) {
    return QFontMetricsF(font).elidedText(s, Qt::ElideMiddle, kMaxTextWidth);
}

}  // namespace

QRectF BoxItem::boundingRect() const {
    return QRectF(-m_size.width() / 2 - 3, -m_size.height() / 2 - 3, m_size.width() + 6, m_size.height() + 6);
}

QVariant BoxItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemSelectedHasChanged)
        for (EdgeItem* e : m_edges) e->setHighlighted(value.toBool() || e->from()->isSelected() || e->to()->isSelected());
    return QGraphicsItem::itemChange(change, value);
}

NodeItem::NodeItem(const ir::Node* node, int layoutIndex)
    : BoxItem(layoutIndex), m_node(node), m_category(categoryOf(node->opType(), node->domain())) {
    setFlags(ItemIsSelectable);
    setZValue(2);
    m_title = qs(node->opType());
    m_name = elided(qs(node->name()), textFont());
    // Weights of one shape share a line: "scale, B, mean, var ⟨64⟩".
    QStringList slotNames;
    QString lastShape;
    auto flush = [&] {
        if (!slotNames.isEmpty()) m_weights << QStringLiteral("%1 \u27E8%2\u27E9").arg(slotNames.join(QStringLiteral(", ")), lastShape);
        slotNames.clear();
    };
    for (int i = 0; i < node->numInputs(); ++i) {
        const ir::Value* v = node->input(i);
        if (!v || !v->constant()) continue;
        const QString shape = shapeText(v->shape());
        if (shape != lastShape) flush();
        lastShape = shape;
        slotNames << inputSlotName(*node, i);
    }
    flush();
    const QFontMetricsF title(titleFont()), text(textFont());
    double w = std::max(title.horizontalAdvance(m_title), text.horizontalAdvance(m_name));
    for (const QString& line : m_weights) w = std::max(w, text.horizontalAdvance(line));
    const double h = title.height() + text.height() * (1 + m_weights.size()) + 2 * kPadY + 2;
    m_size = QSizeF(std::max(kMinWidth, std::ceil(w + 2 * kPadX)), std::ceil(h));
    setToolTip(QStringLiteral("%1 (%2)").arg(qs(node->name()), qualifiedOpType(*node)));
}

void NodeItem::setFindHit(bool hit) {
    if (m_findHit == hit) return;
    m_findHit = hit;
    update();
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QRectF r(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height());
    QPen pen(isSelected() ? kHighlight : QColor(0x40, 0x40, 0x40), isSelected() ? 2.5 : 1.0);
    if (m_findHit && !isSelected()) pen = QPen(kFindColor.darker(130), 2.5);
    painter->setPen(pen);
    painter->setBrush(Qt::white);
    painter->drawRoundedRect(r, kRadius, kRadius);
    const QFontMetricsF title(titleFont()), text(textFont());
    const double headerH = title.height() + kPadY;
    QPainterPath header;
    header.addRoundedRect(r.adjusted(0.5, 0.5, -0.5, 0), kRadius, kRadius);
    QPainterPath clip;
    clip.addRect(QRectF(r.left(), r.top(), r.width(), headerH));
    painter->fillPath(header.intersected(clip), categoryColor(m_category));
    if (!showText(option, painter)) return;
    painter->setPen(Qt::black);
    painter->setFont(titleFont());
    painter->drawText(QRectF(r.left(), r.top() + 2, r.width(), headerH - 2), Qt::AlignCenter, m_title);
    painter->setFont(textFont());
    painter->setPen(QColor(0x30, 0x30, 0x30));
    double y = r.top() + headerH + 1;
    painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignCenter, m_name);
    painter->setPen(QColor(0x55, 0x55, 0x55));
    for (const QString& line : m_weights) {
        y += text.height();
        painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignLeft, line);
    }
}

IoItem::IoItem(const ir::Value* value, bool isInput, int layoutIndex)
    : BoxItem(layoutIndex), m_value(value), m_isInput(isInput) {
    setFlags(ItemIsSelectable);
    setZValue(2);
    m_title = elided(qs(value->name()), titleFont());
    m_detail = valueLabel(*value);
    const QFontMetricsF title(titleFont()), text(textFont());
    const double w = std::max(title.horizontalAdvance(m_title), text.horizontalAdvance(m_detail));
    m_size = QSizeF(std::max(kMinWidth, std::ceil(w + 3 * kPadX)), std::ceil(title.height() + text.height() + 2 * kPadY));
    setToolTip(qs(value->name()));
}

void IoItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QRectF r(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height());
    painter->setPen(QPen(isSelected() ? kHighlight : QColor(0x40, 0x40, 0x40), isSelected() ? 2.5 : 1.0));
    painter->setBrush(m_isInput ? QColor(0xee, 0xf3, 0xfb) : QColor(0xf3, 0xfb, 0xee));
    painter->drawRoundedRect(r, r.height() / 2, r.height() / 2);
    if (!showText(option, painter)) return;
    const QFontMetricsF title(titleFont());
    painter->setPen(Qt::black);
    painter->setFont(titleFont());
    painter->drawText(QRectF(r.left(), r.top() + kPadY, r.width(), title.height()), Qt::AlignCenter, m_title);
    painter->setFont(textFont());
    painter->setPen(QColor(0x40, 0x40, 0x40));
    painter->drawText(QRectF(r.left(), r.top() + kPadY + title.height(), r.width(), r.height() / 2 - kPadY),
                      Qt::AlignHCenter | Qt::AlignTop, m_detail);
}

EdgeItem::EdgeItem(BoxItem* from, BoxItem* to, const ir::Value* value)
    : m_from(from), m_to(to), m_value(value), m_label(valueLabel(*value)) {
    setZValue(1);
    from->addEdge(this);
    to->addEdge(this);
    setToolTip(qs(value->name()) + QStringLiteral("\n") + m_label);
}

bool EdgeItem::isIoEdge() const {
    return m_from->type() == IoItem::Type || m_to->type() == IoItem::Type;
}

void EdgeItem::setRoute(const QPainterPath& path, const QPointF& labelCenter) {
    prepareGeometryChange();
    m_path = path;
    m_hasLabel = !std::isnan(labelCenter.x());
    m_labelCenter = labelCenter;
}

void EdgeItem::setHighlighted(bool on) {
    if (m_highlighted == on) return;
    m_highlighted = on;
    setZValue(on ? 1.5 : 1);
    update();
}

QRectF EdgeItem::labelRect() const {
    if (!m_hasLabel) return {};
    const QFontMetricsF fm(labelFont());
    const double w = fm.horizontalAdvance(m_label) + 4, h = fm.height();
    return QRectF(m_labelCenter.x() - w / 2, m_labelCenter.y() - h / 2, w, h);
}

QRectF EdgeItem::boundingRect() const {
    return m_path.boundingRect().adjusted(-6, -6, 6, 6).united(labelRect());
}

QPainterPath EdgeItem::shape() const {
    QPainterPathStroker stroker;
    stroker.setWidth(6);
    return stroker.createStroke(m_path);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    if (m_path.isEmpty()) return;
    const QColor color = m_highlighted ? kHighlight : kEdgeColor;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(color, m_highlighted ? 2.2 : 1.0));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    // Arrow head at the end, along the last piece of the path.
    const QPointF tip = m_path.pointAtPercent(1.0);
    const QPointF back = m_path.pointAtPercent(std::max(0.0, 1.0 - 6.0 / std::max(1.0, m_path.length())));
    const double angle = std::atan2(tip.y() - back.y(), tip.x() - back.x());
    const double len = 7, spread = 0.45;
    QPolygonF head;
    head << tip << tip - QPointF(len * std::cos(angle - spread), len * std::sin(angle - spread))
         << tip - QPointF(len * std::cos(angle + spread), len * std::sin(angle + spread));
    painter->setBrush(color);
    painter->drawPolygon(head);
    if (!m_hasLabel || !showText(option, painter)) return;
    painter->setFont(labelFont());
    painter->setPen(m_highlighted ? kHighlight : QColor(0x50, 0x50, 0x50));
    painter->drawText(labelRect(), Qt::AlignCenter, m_label);
}

}  // namespace kiln::views
