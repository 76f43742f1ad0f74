// The inspector's weight histogram: one QCustomPlot bar chart.
#pragma once

#include <qcustomplot.h>

#include "inspector/weight_stats.h"

namespace kiln::views {

class HistogramPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget* parent = nullptr);
    void setStats(const WeightStats& stats);
    int barCount() const;

private:
    QCPBars* m_bars;
};

}  // namespace kiln::views
