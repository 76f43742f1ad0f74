// The memory lesson: a tensor-lifetime chart of a built engine (QCustomPlot). Each activation
// buffer is a box spanning the layers it lives across (x) at the arena bytes it occupies (y),
// coloured by the arena slot it shares; views of another buffer are hatched. Lines mark the arena
// size and what separate buffers for every tensor would take.
#pragma once

#include <qcustomplot.h>

#include <QWidget>

#include "teach/lifetime_data.h"

class QLabel;

namespace kiln::views {

class LifetimePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit LifetimePlot(QWidget* parent = nullptr);
    void setData(const LifetimeData& data);
    const LifetimeData& data() const { return m_data; }
    // The boxes drawn, parallel to data().bars (tests compare them with the memory plan).
    const QList<QCPItemRect*>& boxes() const { return m_boxes; }
    static QColor slotColor(int slot);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    LifetimeData m_data;
    QList<QCPItemRect*> m_boxes;
};

// The chart with a title, a one-line summary and what it teaches.
class MemoryLesson : public QWidget {
    Q_OBJECT
public:
    explicit MemoryLesson(QWidget* parent = nullptr);
    void setData(const LifetimeData& data, const QString& engineName);
    void showMessage(const QString& message);  // instead of a chart (building, failed, ...)
    LifetimePlot* plot() const { return m_plot; }
    QString summaryText() const;

private:
    LifetimePlot* m_plot;
    QLabel* m_title;
    QLabel* m_summary;
    QLabel* m_message;
};

}  // namespace kiln::views
