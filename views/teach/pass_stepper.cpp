#include "teach/pass_stepper.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace kiln::views {

namespace {
bool changedSomething(const passes::PassRecord& p) { return !p.rewrites.empty() || !p.declines.empty(); }
}  // namespace

PassStepper::PassStepper(QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)), m_prev(new QToolButton), m_play(new QToolButton),
      m_next(new QToolButton), m_title(new QLabel), m_detail(new QLabel), m_unchanged(new QCheckBox(tr("Show passes that changed nothing"))) {
    m_timer.setInterval(2800);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_current + 1 >= m_steps.size()) pause();
        else setCurrentStep(m_current + 1);
    });
    m_prev->setIcon(style()->standardIcon(QStyle::SP_MediaSeekBackward));
    m_prev->setToolTip(tr("Previous pass (Left)"));
    m_prev->setObjectName(QStringLiteral("teachPrevious"));
    m_next->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    m_next->setToolTip(tr("Next pass (Right)"));
    m_next->setObjectName(QStringLiteral("teachNext"));
    m_play->setObjectName(QStringLiteral("teachPlay"));
    m_play->setToolTip(tr("Play or pause (Space)"));
    m_play->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    for (QToolButton* b : {m_prev, m_play, m_next}) b->setAutoRaise(true);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setPageStep(1);
    m_slider->setObjectName(QStringLiteral("teachTimeline"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_detail->setWordWrap(true);
    m_detail->setStyleSheet(QStringLiteral("color:#444"));
    connect(m_prev, &QToolButton::clicked, this, &PassStepper::previous);
    connect(m_next, &QToolButton::clicked, this, &PassStepper::next);
    connect(m_play, &QToolButton::clicked, this, &PassStepper::togglePlay);
    connect(m_slider, &QSlider::valueChanged, this, &PassStepper::setCurrentStep);
    connect(m_unchanged, &QCheckBox::toggled, this, &PassStepper::setShowUnchanged);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_prev);
    controls->addWidget(m_play);
    controls->addWidget(m_next);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_unchanged);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_title);
    layout->addWidget(m_detail);
    updateLabels();
}

void PassStepper::setLog(const passes::PassLog* log) {
    pause();
    m_log = log;
    m_current = -1;
    rebuildSteps();
    setCurrentStep(0);
}

void PassStepper::setShowUnchanged(bool on) {
    if (m_unchanged->isChecked() != on) {
        m_unchanged->setChecked(on);  // comes back here through toggled
        return;
    }
    const int pass = currentPass();
    m_showUnchanged = on;
    rebuildSteps();
    // Stay on the same pass when it is still a step; else the next step after it.
    int step = 0;
    while (step < m_steps.size() - 1 && m_steps[step] < pass) ++step;
    m_current = -1;
    setCurrentStep(step);
}

void PassStepper::rebuildSteps() {
    m_steps.clear();
    if (m_log)
        for (int i = 0; i < int(m_log->passes().size()); ++i)
            if (m_showUnchanged || changedSomething(m_log->passes()[size_t(i)])) m_steps << i;
    const QSignalBlocker blocker(m_slider);
    m_slider->setRange(0, std::max(0, int(m_steps.size()) - 1));
    m_slider->setEnabled(m_steps.size() > 1);
}

void PassStepper::setCurrentStep(int step) {
    if (m_steps.isEmpty()) step = -1;
    else step = std::clamp(step, 0, int(m_steps.size()) - 1);
    if (step == m_current) return;
    m_current = step;
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(std::max(0, step));
    }
    updateLabels();
    emit passChanged(currentPass());
}

void PassStepper::next() { setCurrentStep(m_current + 1); }
void PassStepper::previous() { setCurrentStep(m_current - 1); }

void PassStepper::play() {
    if (m_steps.isEmpty()) return;
    if (m_current + 1 >= m_steps.size()) setCurrentStep(0);  // from the start again
    m_timer.start();
    updateLabels();
    emit playingChanged(true);
}

void PassStepper::pause() {
    if (!m_timer.isActive()) return;
    m_timer.stop();
    updateLabels();
    emit playingChanged(false);
}

void PassStepper::togglePlay() { isPlaying() ? pause() : play(); }

void PassStepper::updateLabels() {
    m_play->setIcon(style()->standardIcon(isPlaying() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_play->setText(isPlaying() ? tr("Pause") : tr("Play"));
    m_prev->setEnabled(m_current > 0);
    m_next->setEnabled(m_current + 1 < m_steps.size());
    m_play->setEnabled(!m_steps.isEmpty());
    const int pass = currentPass();
    if (!m_log || pass < 0) {
        m_title->setText(m_log ? tr("No pass changed this model") : tr("No model"));
        m_detail->clear();
        return;
    }
    const passes::PassRecord& p = m_log->passes()[size_t(pass)];
    m_title->setText(tr("Step %1 of %2 · pass %3 of %4: %5")
                         .arg(m_current + 1).arg(m_steps.size()).arg(pass + 1).arg(m_log->passes().size())
                         .arg(QString::fromStdString(p.name)));
    m_detail->setText(tr("%1 — rewrites: %2, declined: %3, %4 → %5 nodes")
                          .arg(QString::fromStdString(p.description))
                          .arg(p.rewrites.size())
                          .arg(p.declines.size())
                          .arg(p.nodesBefore)
                          .arg(p.nodesAfter));
}

}  // namespace kiln::views
