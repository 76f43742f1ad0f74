// Typed items of the graph canvas (diagramscene style): operators, graph inputs/outputs, edges.
#pragma once

#include <QFont>
#include <QGraphicsItem>
#include <QList>
#include <QPainterPath>
#include <QStringList>

class QPainter;
class QStyleOptionGraphicsItem;

#include "graph/node_category.h"
#include "ir/graph.h"

namespace kiln::views {

class EdgeItem;
class EngineModel;

// Below this zoom level the canvas draws boxes and lines only (level of detail).
inline constexpr double kTextLevelOfDetail = 0.4;

// The canvas' fonts and drawing helpers, shared by its item types.
namespace canvas {
inline constexpr double kPadX = 8, kPadY = 5, kMinWidth = 84, kMaxTextWidth = 220, kRadius = 5;
const QFont& titleFont();
const QFont& textFont();
const QFont& labelFont();
bool showText(const QStyleOptionGraphicsItem* option, QPainter* painter);
QString elided(const QString& s, const QFont& font);
// The width of a string that recurs (op types, weight lines), measured once per thread.
double cachedAdvance(const QFont& font, const QString& s);
QColor highlightColor();
QColor findColor();
}  // namespace canvas

// Common base of the boxes the layout places.
class BoxItem : public QGraphicsItem {
public:
    explicit BoxItem(int layoutIndex) : m_layoutIndex(layoutIndex) {}
    // The box's index in the current layout (boxes come and go as name scopes collapse).
    int layoutIndex() const { return m_layoutIndex; }
    void setLayoutIndex(int index) { m_layoutIndex = index; }
    QSizeF size() const { return m_size; }
    QRectF boundingRect() const override;
    void addEdge(EdgeItem* edge) { m_edges << edge; }
    void clearEdges() { m_edges.clear(); }
    const QList<EdgeItem*>& edges() const { return m_edges; }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    QSizeF m_size;

private:
    int m_layoutIndex;
    QList<EdgeItem*> m_edges;
};

// One IR node: op type, name and its weights ("W ⟨64×3×7×7⟩"; a small Constant node's tensor by
// value, "B = 0.5") in a box coloured by category.
// An engine layer (with `engine`) also shows the ONNX nodes it came from (a "3 nodes" badge and
// their names), a precision tag when not FP32 and, after a profiled run, its time and share
// in a strip and as the border's heat.
class NodeItem : public BoxItem {
public:
    enum { Type = UserType + 1 };
    NodeItem(const ir::Node* node, int layoutIndex, const EngineModel* engine = nullptr);
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    const ir::Node* node() const { return m_node; }
    NodeCategory category() const { return m_category; }
    // Asks again whether a plugin provides the node (after plugins were loaded); true if it changed.
    bool refreshCategory();
    const QString& title() const { return m_title; }
    const QStringList& weightLines() const { return m_weights; }
    // The origins, unless a single node or the layer's name already lists them.
    const QString& originsLine() const { return m_origins; }
    const QString& badgeText() const { return m_badge; }      // "3 nodes", or empty
    const QString& timeText() const { return m_time; }        // "0.12 ms · 8.4%", or empty
    double heat() const { return m_heat; }                    // share / largest share, or -1
    void setFindHit(bool hit);

private:
    void addEngineLines(const EngineModel& engine);
    QPen borderPen() const;
    const ir::Node* m_node;
    bool m_engineLayer;
    NodeCategory m_category;
    QString m_title, m_name, m_origins, m_badge, m_precision, m_time;
    QStringList m_weights;
    double m_heat = -1;
    bool m_findHit = false;
};

// A graph input or output: a rounded pill with the tensor's name and shape.
class IoItem : public BoxItem {
public:
    enum { Type = UserType + 3 };
    IoItem(const ir::Value* value, bool isInput, int layoutIndex);
    int type() const override { return Type; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    const ir::Value* value() const { return m_value; }
    bool isInput() const { return m_isInput; }

private:
    const ir::Value* m_value;
    bool m_isInput;
    QString m_title, m_detail;
};

// A tensor flowing from one box to another, labelled with its shape and type.
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };
    EdgeItem(BoxItem* from, BoxItem* to, const ir::Value* value);
    EdgeItem(BoxItem* from, BoxItem* to, const ir::Value* value, const QString& label);
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    BoxItem* from() const { return m_from; }
    BoxItem* to() const { return m_to; }
    const ir::Value* value() const { return m_value; }
    const QString& label() const { return m_label; }
    // True for edges that touch a graph input or output box (not an operator-to-operator link).
    bool isIoEdge() const;
    void setRoute(const QPainterPath& path, const QPointF& labelCenter);
    void setHighlighted(bool on);
    bool isHighlighted() const { return m_highlighted; }

private:
    QRectF labelRect() const;
    BoxItem* m_from;
    BoxItem* m_to;
    const ir::Value* m_value;
    QString m_label;
    QPainterPath m_path;
    QPointF m_labelCenter;
    QRectF m_labelRect, m_bounds;
    bool m_hasLabel = false;
    bool m_highlighted = false;
};

}  // namespace kiln::views
