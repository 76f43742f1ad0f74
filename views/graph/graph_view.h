// The canvas widget: wheel and Ctrl+/- zoom, drag to pan, fit, a category legend in the bottom-left
// corner and an overview (minimap) in the bottom-right one.
#pragma once

#include <QGraphicsView>

namespace kiln::views {

class GraphScene;
class LegendWidget;
class Minimap;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    double zoom() const { return transform().m11(); }
    void setLegendVisible(bool visible);
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
    LegendWidget* m_legend;
    Minimap* m_minimap;
    bool m_minimapWanted = true;
};

// The colour key of node categories (and, for a profiled engine, of layer time).
class LegendWidget : public QWidget {
    Q_OBJECT
public:
    explicit LegendWidget(QWidget* parent = nullptr);
    QSize sizeHint() const override;
    void setHeatScale(double maxShare);
    double heatScale() const { return m_maxShare; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString heatTitle() const;
    double m_maxShare = 0;
};

}  // namespace kiln::views
