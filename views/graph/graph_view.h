// The canvas widget: wheel and Ctrl+/- zoom, drag to pan, fit, an overview (minimap) in the
// bottom-right corner, and a legend of the categories on the canvas in a strip below it (outside
// the drawing area, so it never covers a box; Fit leaves it alone). After a name scope collapses or
// expands, the toggled box stays where it was on screen.
#pragma once

#include <QGraphicsView>
#include <QList>
#include <optional>

#include "graph/node_category.h"

namespace kiln::views {

class GraphScene;
class LegendWidget;
class Minimap;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    // Shows `scene` and follows its relayouts (collapse / expand keeps the toggled box in place).
    void setGraphScene(GraphScene* scene);
    double zoom() const { return transform().m11(); }
    void setLegendVisible(bool visible);
    LegendWidget* legend() const { return m_legend; }
    void setMinimapVisible(bool visible);
    Minimap* minimap() const { return m_minimap; }
    // Re-renders the overview's picture: call when a layout has been applied.
    void refreshMinimap();
    // A profiled engine: the legend adds the heat scale of layer times, 0 .. maxShare %.
    // 0 removes it.
    void setHeatScale(double maxShare);

public slots:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void resetZoom();
    // The start-up view: fit when the graph fits legibly, else readable size at the inputs.
    void showDefaultView();
    void centerOnItem(QGraphicsItem* item);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void setZoom(double zoom);
    double topRowCenterX() const;
    void placeOverlays();
    void onRelayoutAboutToApply(const QRectF& anchorBefore);
    void onRelayoutFinished(const QRectF& anchorAfter);
    LegendWidget* m_legend;
    Minimap* m_minimap;
    bool m_minimapWanted = true;
    bool m_legendWanted = true;
    std::optional<QPoint> m_anchorOnScreen;  // where the relayout's anchor was, in viewport pixels
};

// The colour key of the node categories on the canvas (and, for a profiled engine, of layer time):
// one line of swatches that wraps when the canvas is narrow.
class LegendWidget : public QWidget {
    Q_OBJECT
public:
    explicit LegendWidget(QWidget* parent = nullptr);
    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    void setHeatScale(double maxShare);
    double heatScale() const { return m_maxShare; }
    // The categories to list (those of the boxes on the canvas), in legend order; empty lists all.
    void setCategories(const QList<NodeCategory>& categories);
    const QList<NodeCategory>& categories() const { return m_categories; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Entry {
        QRect rect;
        int category = -1;  // -1: the heat scale
    };
    QList<Entry> arrange(int width) const;  // entries placed in rows within `width`
    QString heatTitle() const;
    double m_maxShare = 0;
    QList<NodeCategory> m_categories;
};

}  // namespace kiln::views
