// The canvas widget: wheel and Ctrl+/- zoom, drag to pan, fit, and a category legend in the corner.
#pragma once

#include <QGraphicsView>

namespace kiln::views {

class GraphScene;
class LegendWidget;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    double zoom() const { return transform().m11(); }
    void setLegendVisible(bool visible);
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
    LegendWidget* m_legend;
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
