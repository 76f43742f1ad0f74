// The overview (minimap) in the canvas's bottom-right corner: the whole graph's boxes as a
// picture drawn once per layout, with the main view's visible area as a rectangle. Clicking or
// dragging in it moves the main view there. The picture is cached, so a 10,000-node graph costs
// one render per layout, not one per scroll.
#pragma once

#include <QPixmap>
#include <QPointer>
#include <QWidget>

class QGraphicsView;

namespace kiln::views {

class Minimap : public QWidget {
    Q_OBJECT
public:
    explicit Minimap(QGraphicsView* view);

    // Re-renders the cached picture of the scene (after a layout; cheap to skip otherwise).
    void refresh();
    // The part of the scene the main view shows, in minimap pixels (for tests).
    QRectF viewportRect() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QRectF pictureRect() const;  // where the scene picture sits inside the widget
    void centerViewAt(const QPointF& widgetPos);

    QGraphicsView* m_view;
    QPixmap m_picture;
    QRectF m_sceneRect;
};

}  // namespace kiln::views
