#include "graph/graph_items.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QHash>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>
#include <cmath>

#include "engine/engine_model.h"
#include "graph/canvas_structure.h"
#include "graph/labels.h"

namespace kiln::views {

namespace canvas {

namespace {
QFont makeFont(int pixelSize, bool bold) {
    QFont f(QStringLiteral("Sans Serif"));
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    return f;
}
}  // namespace

// One set per thread: the import worker measures boxes while the GUI thread paints, and a QFont
// is reentrant, not thread-safe (its font-engine cache belongs to one thread at a time).
const QFont& titleFont() { thread_local const QFont f = makeFont(12, true); return f; }
const QFont& textFont() { thread_local const QFont f = makeFont(10, false); return f; }
const QFont& labelFont() { thread_local const QFont f = makeFont(9, false); return f; }
QColor highlightColor() { return QColor(0x1a, 0x73, 0xe8); }
QColor findColor() { return QColor(0xff, 0xc1, 0x07); }

bool showText(const QStyleOptionGraphicsItem* option, QPainter* painter) {
    return option->levelOfDetailFromTransform(painter->worldTransform()) >= kTextLevelOfDetail;
}

QString elided(const QString& s, const QFont& font) {
    // Measuring is cheaper than eliding; most names fit.
    const QFontMetricsF fm(font);
    return fm.horizontalAdvance(s) <= kMaxTextWidth ? s : fm.elidedText(s, Qt::ElideMiddle, kMaxTextWidth);
}

double cachedAdvance(const QFont& font, const QString& s) {
    // Op types and weight lines repeat across a graph's nodes: measure each once per thread (the
    // import worker builds the boxes of large graphs).
    thread_local QHash<QString, double> cache[3];
    const int slot = &font == &titleFont() ? 0 : &font == &textFont() ? 1 : 2;
    auto it = cache[slot].constFind(s);
    if (it != cache[slot].constEnd()) return it.value();
    const double w = QFontMetricsF(font).horizontalAdvance(s);
    if (cache[slot].size() < 4096) cache[slot].insert(s, w);
    return w;
}

}  // namespace canvas

using namespace canvas;

namespace {

const QColor kEdgeColor(0x60, 0x60, 0x60);
const QColor kHighlight = highlightColor();
const QColor kFindColor = findColor();

// "0.5", "[0, -1]", "-inf": the values of a small constant.
QString valuesText(const HostTensor& t) {
    QStringList parts;
    const bool integral = !(t.dtype() == DataType::Float32 || t.dtype() == DataType::Float16 ||
                            t.dtype() == DataType::BFloat16 || t.dtype() == DataType::Float64);
    for (int64_t i = 0; i < t.numel(); ++i) {
        const double v = t.getDouble(i);
        if (t.dtype() == DataType::Bool) parts << (v != 0 ? QStringLiteral("true") : QStringLiteral("false"));
        else if (integral) parts << QString::number(qint64(v));
        else if (std::isinf(v)) parts << (v < 0 ? QStringLiteral("-inf") : QStringLiteral("inf"));
        else parts << QString::number(v, 'g', 5);
    }
    const QString joined = parts.join(QStringLiteral(", "));
    return t.rank() == 0 ? joined : QLatin1Char('[') + joined + QLatin1Char(']');
}

constexpr int64_t kMaxValuesShown = 4;

}  // namespace

QRectF BoxItem::boundingRect() const {
    return QRectF(-m_size.width() / 2 - 3, -m_size.height() / 2 - 3, m_size.width() + 6, m_size.height() + 6);
}

QVariant BoxItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemSelectedHasChanged)
        for (EdgeItem* e : m_edges) e->setHighlighted(value.toBool() || e->from()->isSelected() || e->to()->isSelected());
    return QGraphicsItem::itemChange(change, value);
}

NodeItem::NodeItem(const ir::Node* node, int layoutIndex, const EngineModel* engine)
    : BoxItem(layoutIndex), m_node(node), m_engineLayer(engine != nullptr), m_category(categoryOfNode(*node, m_engineLayer)) {
    setFlags(ItemIsSelectable);
    setZValue(2);
    m_title = qualifiedOpType(*node);
    const QFontMetricsF text(textFont());
    const QString name = qs(node->name());
    double nameW = text.horizontalAdvance(name);
    m_name = name;
    if (nameW > kMaxTextWidth) {
        m_name = text.elidedText(name, Qt::ElideMiddle, kMaxTextWidth);
        nameW = text.horizontalAdvance(m_name);
    }
    // Weights of one shape share a line: "scale, B, mean, var ⟨64⟩".
    QStringList slotNames;
    QString lastShape;
    auto flush = [&] {
        if (!slotNames.isEmpty()) m_weights << QStringLiteral("%1 \u27E8%2\u27E9").arg(slotNames.join(QStringLiteral(", ")), lastShape);
        slotNames.clear();
    };
    for (int i = 0; i < node->numInputs(); ++i) {
        const ir::Value* v = node->input(i);
        if (!isWeight(v)) continue;
        const HostTensor* data = v->constant() ? nullptr : weightData(v);  // a folded Constant node's
        if (data && data->numel() <= kMaxValuesShown) {
            flush();
            lastShape.clear();
            m_weights << QStringLiteral("%1 = %2").arg(inputSlotName(*node, i), valuesText(*data));
            continue;
        }
        const QString shape = shapeText(v->shape().rankKnown() || !data ? v->shape() : data->shape());
        if (shape != lastShape) flush();
        lastShape = shape;
        slotNames << inputSlotName(*node, i);
    }
    flush();
    if (engine) addEngineLines(*engine);
    const QFontMetricsF title(titleFont());
    const double tagW = m_precision.isEmpty() ? 0 : cachedAdvance(labelFont(), m_precision) + 8;
    double w = std::max(cachedAdvance(titleFont(), m_title) + 2 * tagW, nameW);
    for (const QString& line : m_weights) w = std::max(w, cachedAdvance(textFont(), line));
    if (!m_origins.isEmpty()) w = std::max(w, text.horizontalAdvance(m_origins));
    if (!m_time.isEmpty()) w = std::max(w, text.horizontalAdvance(m_time));
    if (!m_badge.isEmpty()) w = std::max(w, cachedAdvance(labelFont(), m_badge) + 24);
    const int lines = 1 + int(m_weights.size()) + (m_origins.isEmpty() ? 0 : 1) + (m_time.isEmpty() ? 0 : 1);
    const double h = title.height() + text.height() * lines + 2 * kPadY + 2 + (m_time.isEmpty() ? 0 : 3);
    m_size = QSizeF(std::max(kMinWidth, std::ceil(w + 2 * kPadX)), std::ceil(h));
    QString tip = QStringLiteral("%1 (%2)").arg(qs(node->name()), m_title);
    if (!m_origins.isEmpty()) tip += QLatin1Char('\n') + originsText(*node);
    if (!m_time.isEmpty()) tip += QLatin1Char('\n') + m_time;
    setToolTip(tip);
}

void NodeItem::addEngineLines(const EngineModel& engine) {
    const int origins = int(m_node->origins().size());
    if (origins > 1) {
        m_badge = QCoreApplication::translate("NodeItem", "%n nodes", nullptr, origins);
        // The optimizer usually names a fused layer after its origins; then the name says it all.
        const QString all = originsText(*m_node);
        if (all != qs(m_node->name())) m_origins = QFontMetricsF(textFont()).elidedText(all, Qt::ElideMiddle, kMaxTextWidth);
    }
    // FP32 is the default; other precisions are what a reader looks for.
    if (const plan::LayerRecord* rec = engine.record(m_node); rec && rec->precision != "FP32")
        m_precision = qs(rec->precision);
    if (const LayerProfile* p = engine.profile(m_node)) {
        m_time = QCoreApplication::translate("NodeItem", "%1 ms · %2%")
                     .arg(p->averageMs, 0, 'f', p->averageMs < 0.1 ? 3 : 2)
                     .arg(p->percentage, 0, 'f', 1);
        m_heat = engine.maxShare() > 0 ? p->percentage / engine.maxShare() : 0.0;
    }
}

QRectF NodeItem::boundingRect() const {
    // The origins badge sits on the top border, half outside the box.
    const double badge = m_badge.isEmpty() ? 0 : QFontMetricsF(labelFont()).height() / 2 + 2;
    return BoxItem::boundingRect().adjusted(0, -badge, 0, 0);
}

bool NodeItem::refreshCategory() {
    const NodeCategory c = categoryOfNode(*m_node, m_engineLayer);
    if (c == m_category) return false;
    m_category = c;
    update();
    return true;
}

void NodeItem::setFindHit(bool hit) {
    if (m_findHit == hit) return;
    m_findHit = hit;
    update();
}

QPen NodeItem::borderPen() const {
    if (isSelected()) return QPen(kHighlight, 2.5);
    if (m_findHit) return QPen(kFindColor.darker(130), 2.5);
    if (m_heat >= 0) return QPen(heatColor(m_heat).darker(125), 1.0 + 2.5 * m_heat);
    if (hasAlertBorder(m_category)) return QPen(alertBorderColor(), 1.8, Qt::DashLine);
    return QPen(QColor(0x40, 0x40, 0x40), 1.0);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QRectF r(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height());
    painter->setPen(borderPen());
    painter->setBrush(Qt::white);
    painter->drawRoundedRect(r, kRadius, kRadius);
    const QFontMetricsF title(titleFont()), text(textFont()), small(labelFont());
    const double headerH = title.height() + kPadY;
    QPainterPath header;
    header.addRoundedRect(r.adjusted(0.5, 0.5, -0.5, 0), kRadius, kRadius);
    QPainterPath clip;
    clip.addRect(QRectF(r.left(), r.top(), r.width(), headerH));
    painter->fillPath(header.intersected(clip), categoryColor(m_category));
    const QRectF timeRect(r.left() + 2, r.bottom() - text.height() - 3, r.width() - 4, text.height() + 1);
    if (m_heat >= 0) painter->fillRect(timeRect, heatColor(m_heat));
    if (!showText(option, painter)) return;
    painter->setPen(Qt::black);
    painter->setFont(titleFont());
    painter->drawText(QRectF(r.left(), r.top() + 2, r.width(), headerH - 2), Qt::AlignCenter, m_title);
    if (!m_precision.isEmpty()) {
        painter->setFont(labelFont());
        painter->drawText(QRectF(r.left(), r.top() + 2, r.width() - 5, headerH - 2), Qt::AlignRight | Qt::AlignVCenter, m_precision);
    }
    painter->setFont(textFont());
    painter->setPen(QColor(0x30, 0x30, 0x30));
    double y = r.top() + headerH + 1;
    painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignCenter, m_name);
    if (!m_origins.isEmpty()) {
        y += text.height();
        painter->setPen(QColor(0x6a, 0x4a, 0x2a));
        painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignCenter, m_origins);
    }
    painter->setPen(QColor(0x55, 0x55, 0x55));
    for (const QString& line : m_weights) {
        y += text.height();
        painter->drawText(QRectF(r.left() + kPadX, y, r.width() - 2 * kPadX, text.height()), Qt::AlignLeft, line);
    }
    if (m_heat >= 0) {
        painter->setPen(m_heat > 0.6 ? Qt::white : Qt::black);
        painter->drawText(timeRect, Qt::AlignCenter, m_time);
    }
    if (!m_badge.isEmpty()) {
        const double bw = small.horizontalAdvance(m_badge) + 10, bh = small.height() + 1;
        const QRectF badge(r.right() - bw - 6, r.top() - bh / 2, bw, bh);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(0x37, 0x47, 0x4f));
        painter->drawRoundedRect(badge, bh / 2, bh / 2);
        painter->setPen(Qt::white);
        painter->setFont(labelFont());
        painter->drawText(badge, Qt::AlignCenter, m_badge);
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

EdgeItem::EdgeItem(BoxItem* from, BoxItem* to, const ir::Value* value) : EdgeItem(from, to, value, valueLabel(*value)) {}

EdgeItem::EdgeItem(BoxItem* from, BoxItem* to, const ir::Value* value, const QString& label)
    : m_from(from), m_to(to), m_value(value), m_label(label) {
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
    // Computed once: the scene's index and every paint ask for it (a path's bounds and a label's
    // width are not free, and there are thousands of edges).
    m_labelRect = QRectF();
    if (m_hasLabel) {
        const double w = cachedAdvance(labelFont(), m_label) + 4, h = QFontMetricsF(labelFont()).height();
        m_labelRect = QRectF(m_labelCenter.x() - w / 2, m_labelCenter.y() - h / 2, w, h);
    }
    m_bounds = m_path.boundingRect().adjusted(-6, -6, 6, 6).united(m_labelRect);
}

void EdgeItem::setHighlighted(bool on) {
    if (m_highlighted == on) return;
    m_highlighted = on;
    setZValue(on ? 1.5 : 1);
    update();
}

QRectF EdgeItem::labelRect() const { return m_labelRect; }

QRectF EdgeItem::boundingRect() const { return m_bounds; }

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
