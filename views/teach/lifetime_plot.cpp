#include "teach/lifetime_plot.h"

#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>

#include "teach/teach_cards.h"

namespace kiln::views {

namespace {
constexpr double kKiB = 1024.0;
}  // namespace

LifetimePlot::LifetimePlot(QWidget* parent) : QCustomPlot(parent) {
    xAxis->setLabel(tr("Layer (execution order)"));
    yAxis->setLabel(tr("Arena offset (KiB)"));
    // Layers are whole numbers: a tick per layer, or per few layers on a long network.
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
    setMouseTracking(true);
    setMinimumHeight(260);
}

QColor LifetimePlot::slotColor(int slot) {
    // A qualitative palette (Tableau 10); slots past ten repeat it, a shade darker.
    static const QColor palette[] = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59),
                                     QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
                                     QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
                                     QColor(0xba, 0xb0, 0xac)};
    const QColor c = palette[slot % 10];
    return slot >= 10 ? c.darker(100 + 25 * (slot / 10)) : c;
}

void LifetimePlot::setData(const LifetimeData& data) {
    m_data = data;
    clearItems();
    m_boxes.clear();
    for (const LifetimeBar& b : data.bars) {
        auto* box = new QCPItemRect(this);
        box->topLeft->setCoords(b.firstLayer - 0.45, double(b.offset + b.bytes) / kKiB);
        box->bottomRight->setCoords(b.lastLayer + 0.45, double(b.offset) / kKiB);
        const QColor c = slotColor(b.slot);
        box->setPen(QPen(c.darker(150), 1));
        QColor fill = c;
        fill.setAlpha(b.aliasOf.isEmpty() ? 200 : 120);
        box->setBrush(b.aliasOf.isEmpty() ? QBrush(fill) : QBrush(fill.darker(130), Qt::BDiagPattern));
        m_boxes << box;
    }
    const double arena = double(data.arenaBytes) / kKiB, noReuse = double(data.noReuseBytes) / kKiB;
    auto line = [this](double y, const QPen& pen, const QString& text) {
        auto* l = new QCPItemStraightLine(this);
        l->point1->setCoords(0, y);
        l->point2->setCoords(1, y);
        l->setPen(pen);
        auto* label = new QCPItemText(this);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.01, y);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setText(text);
        label->setColor(pen.color());
    };
    line(arena, QPen(QColor(0x22, 0x22, 0x22), 1.5), tr("arena: %1").arg(TeachCards::bytesText(data.arenaBytes)));
    if (noReuse > arena)
        line(noReuse, QPen(QColor(0xb9, 0x1c, 0x1c), 1.5, Qt::DashLine),
             tr("without reuse: %1").arg(TeachCards::bytesText(data.noReuseBytes)));
    const int layers = std::max<int>(1, int(data.layers.size()));
    xAxis->setRange(-0.8, layers + 0.2);
    yAxis->setRange(0, std::max({noReuse, arena, 1.0}) * 1.08);
    replot(QCustomPlot::rpQueuedReplot);
}

void LifetimePlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    const double x = xAxis->pixelToCoord(event->position().x()), y = yAxis->pixelToCoord(event->position().y());
    for (int i = int(m_data.bars.size()) - 1; i >= 0; --i) {
        const LifetimeBar& b = m_data.bars[i];
        if (x < b.firstLayer - 0.45 || x > b.lastLayer + 0.45 || y < b.offset / kKiB || y > (b.offset + b.bytes) / kKiB) continue;
        auto layer = [this](int k) {
            return k >= 0 && k < m_data.layers.size() ? m_data.layers[k] : tr("(graph output: kept to the end)");
        };
        QString tip = tr("%1\n%2 at offset %3, slot %4\nlives from layer %5 (%6)\nto layer %7 (%8)")
                          .arg(b.tensor, TeachCards::bytesText(b.bytes), TeachCards::bytesText(b.offset))
                          .arg(b.slot + 1)
                          .arg(b.firstLayer).arg(layer(b.firstLayer))
                          .arg(b.lastLayer).arg(layer(b.lastLayer));
        if (!b.aliasOf.isEmpty()) tip += QLatin1Char('\n') + tr("a view of %1: no bytes of its own").arg(b.aliasOf);
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
        return;
    }
    QToolTip::hideText();
}

MemoryLesson::MemoryLesson(QWidget* parent)
    : QWidget(parent), m_plot(new LifetimePlot), m_title(new QLabel), m_summary(new QLabel), m_message(new QLabel) {
    m_title->setStyleSheet(QStringLiteral("font-weight:bold;font-size:large"));
    m_summary->setWordWrap(true);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setStyleSheet(QStringLiteral("color:#555;font-size:large"));
    auto* explain = new QLabel(tr("Every box is one activation tensor: it is written by the layer where it starts and read "
                                  "for the last time where it ends. Boxes of one colour share an arena slot: once a "
                                  "tensor is dead, the memory planner gives its bytes to a later one. Hatched boxes are "
                                  "views (Reshape, Flatten): they have no bytes of their own."));
    explain->setWordWrap(true);
    explain->setStyleSheet(QStringLiteral("color:#444"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_message, 1);
    layout->addWidget(explain);
    showMessage(tr("No engine yet."));
}

void MemoryLesson::setData(const LifetimeData& data, const QString& engineName) {
    m_message->hide();
    m_plot->show();
    m_plot->setData(data);
    m_title->setText(tr("Tensor lifetimes of %1").arg(engineName));
    const double saved = data.noReuseBytes > 0 ? 100.0 * (1.0 - double(data.arenaBytes) / double(data.noReuseBytes)) : 0.0;
    QString s = tr("%1 activation buffers over %2 layers share %3 arena slots. Arena: <b>%4</b>; one buffer per tensor "
                   "would take <b>%5</b>: reuse saves <b>%6%</b>.")
                    .arg(data.bars.size())
                    .arg(data.layers.size())
                    .arg(data.numSlots)
                    .arg(TeachCards::bytesText(data.arenaBytes), TeachCards::bytesText(data.noReuseBytes))
                    .arg(saved, 0, 'f', 0);
    if (data.unplanned > 0) s += QLatin1Char(' ') + tr("%1 more are sized at run time and live outside the arena.").arg(data.unplanned);
    m_summary->setText(s);
}

void MemoryLesson::showMessage(const QString& message) {
    m_plot->hide();
    m_message->setText(message);
    m_message->show();
}

QString MemoryLesson::summaryText() const { return m_summary->text(); }

}  // namespace kiln::views
