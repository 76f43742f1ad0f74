#include "inspector/histogram_plot.h"

#include <algorithm>

namespace kiln::views {

HistogramPlot::HistogramPlot(QWidget* parent) : QCustomPlot(parent), m_bars(new QCPBars(xAxis, yAxis)) {
    m_bars->setPen(QPen(QColor(0x1a, 0x5f, 0xb4)));
    m_bars->setBrush(QColor(0x8f, 0xb8, 0xe8));
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    xAxis->setLabel(tr("value"));
    yAxis->setLabel(tr("count"));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    xAxis->setTickLabelFont(small);
    yAxis->setTickLabelFont(small);
    xAxis->setLabelFont(small);
    yAxis->setLabelFont(small);
    setMinimumHeight(150);
}

void HistogramPlot::setStats(const WeightStats& stats) {
    m_bars->setWidth(stats.binWidth);
    m_bars->setData(stats.binCenters, stats.binCounts, true);
    if (stats.valid()) {
        const double pad = stats.binWidth;
        xAxis->setRange(stats.binCenters.first() - pad, stats.binCenters.last() + pad);
        yAxis->setRange(0, *std::max_element(stats.binCounts.begin(), stats.binCounts.end()) * 1.1);
    }
    replot(QCustomPlot::rpQueuedReplot);
}

int HistogramPlot::barCount() const { return m_bars->dataCount(); }

}  // namespace kiln::views
