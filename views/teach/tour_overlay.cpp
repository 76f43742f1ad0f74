#include "teach/tour_overlay.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QVBoxLayout>

namespace kiln::views {

TourOverlay::TourOverlay(QWidget* window, QList<TourStep> steps)
    : QWidget(window), m_steps(std::move(steps)), m_bubble(new QFrame(this)), m_title(new QLabel), m_text(new QLabel),
      m_counter(new QLabel), m_back(new QPushButton(tr("Back"))), m_next(new QPushButton(tr("Next"))),
      m_skip(new QPushButton(tr("Skip tour"))) {
    setObjectName(QStringLiteral("TourOverlay"));
    setAttribute(Qt::WA_DeleteOnClose);
    setFocusPolicy(Qt::StrongFocus);
    m_bubble->setObjectName(QStringLiteral("TourBubble"));
    m_bubble->setStyleSheet(QStringLiteral("QFrame#TourBubble{background:#ffffff;border:2px solid #1a73e8;border-radius:10px}"
                                           "QLabel{border:none}"));
    m_title->setStyleSheet(QStringLiteral("font-weight:bold;font-size:large;color:#1a73e8"));
    m_text->setWordWrap(true);
    m_counter->setStyleSheet(QStringLiteral("color:#777"));
    m_next->setDefault(true);
    m_next->setObjectName(QStringLiteral("tourNext"));
    m_skip->setObjectName(QStringLiteral("tourSkip"));
    connect(m_back, &QPushButton::clicked, this, &TourOverlay::back);
    connect(m_next, &QPushButton::clicked, this, &TourOverlay::next);
    connect(m_skip, &QPushButton::clicked, this, &TourOverlay::skip);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_counter);
    buttons->addStretch(1);
    buttons->addWidget(m_skip);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(m_bubble);
    layout->setContentsMargins(14, 12, 14, 10);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    m_bubble->setFixedWidth(380);
    window->installEventFilter(this);
    hide();
}

void TourOverlay::start() {
    setGeometry(parentWidget()->rect());
    show();
    raise();
    setFocus();
    showStep(0);
}

void TourOverlay::next() {
    if (m_current + 1 >= m_steps.size()) finish(true);
    else showStep(m_current + 1);
}

void TourOverlay::back() { showStep(std::max(0, m_current - 1)); }
void TourOverlay::skip() { finish(false); }

void TourOverlay::finish(bool completed) {
    parentWidget()->removeEventFilter(this);
    emit finished(completed);
    close();
}

void TourOverlay::showStep(int i) {
    if (i < 0 || i >= m_steps.size()) return;
    m_current = i;
    const TourStep& s = m_steps[i];
    m_title->setText(s.title);
    m_text->setText(s.text);
    m_counter->setText(tr("%1 of %2").arg(i + 1).arg(m_steps.size()));
    m_back->setEnabled(i > 0);
    m_next->setText(i + 1 == m_steps.size() ? tr("Done") : tr("Next"));
    m_bubble->adjustSize();
    placeBubble();
    update();
}

QRect TourOverlay::targetRect() const {
    if (m_current < 0) return {};
    QWidget* t = m_steps[m_current].target;
    if (!t || !t->isVisible()) return {};
    return QRect(t->mapTo(parentWidget(), QPoint(0, 0)), t->size()).adjusted(-4, -4, 4, 4);
}

void TourOverlay::placeBubble() {
    const QRect t = targetRect(), area = rect().adjusted(12, 12, -12, -12);
    const QSize b = m_bubble->sizeHint();
    QPoint p;
    if (t.isEmpty()) {
        p = area.center() - QPoint(b.width() / 2, b.height() / 2);
    } else if (t.right() + 16 + b.width() <= area.right()) {
        p = QPoint(t.right() + 16, t.top() + 20);  // right of the target
    } else if (t.left() - 16 - b.width() >= area.left()) {
        p = QPoint(t.left() - 16 - b.width(), t.top() + 20);  // left of it
    } else if (t.bottom() + 16 + b.height() <= area.bottom()) {
        p = QPoint(t.center().x() - b.width() / 2, t.bottom() + 16);  // below
    } else {
        p = QPoint(t.center().x() - b.width() / 2, t.top() - 16 - b.height());  // above, or inside a big target
        if (p.y() < area.top()) p = t.center() - QPoint(b.width() / 2, b.height() / 2);
    }
    p.setX(std::clamp(p.x(), area.left(), std::max(area.left(), area.right() - b.width())));
    p.setY(std::clamp(p.y(), area.top(), std::max(area.top(), area.bottom() - b.height())));
    m_bubble->resize(b);
    m_bubble->move(p);
}

void TourOverlay::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath dim;
    dim.addRect(rect());
    const QRect t = targetRect();
    if (!t.isEmpty()) {
        QPainterPath hole;
        hole.addRoundedRect(t, 8, 8);
        dim = dim.subtracted(hole);
    }
    p.fillPath(dim, QColor(0, 0, 0, 120));
    if (!t.isEmpty()) {
        p.setPen(QPen(QColor(0x1a, 0x73, 0xe8), 3));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(t, 8, 8);
    }
}

bool TourOverlay::eventFilter(QObject* watched, QEvent* event) {
    if (watched == parentWidget() && event->type() == QEvent::Resize) {
        setGeometry(parentWidget()->rect());
        placeBubble();
    }
    return QWidget::eventFilter(watched, event);
}

void TourOverlay::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape) skip();
    else if (event->key() == Qt::Key_Right || event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) next();
    else if (event->key() == Qt::Key_Left) back();
    else QWidget::keyPressEvent(event);
}

}  // namespace kiln::views
