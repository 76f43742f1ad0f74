// The pass stepper's timeline: a slider over the optimizer's passes with previous / next / play.
// It knows the passes by their PassLog record only; the window shows what the current one did.
#pragma once

#include <QTimer>
#include <QVector>
#include <QWidget>

#include "passes/pass_log.h"

class QCheckBox;
class QLabel;
class QSlider;
class QToolButton;

namespace kiln::views {

class PassStepper : public QWidget {
    Q_OBJECT
public:
    explicit PassStepper(QWidget* parent = nullptr);

    // The passes of a run; the current step goes to the first one. Null clears.
    void setLog(const passes::PassLog* log);
    // Pass indices (into log->passes()) the timeline visits, in order.
    const QVector<int>& steps() const { return m_steps; }
    int currentStep() const { return m_current; }
    int currentPass() const { return m_current >= 0 && m_current < m_steps.size() ? m_steps[m_current] : -1; }
    // Passes that rewrote nothing and declined nothing are left out unless this is on.
    void setShowUnchanged(bool on);
    bool showsUnchanged() const { return m_showUnchanged; }
    bool isPlaying() const { return m_timer.isActive(); }
    void setInterval(int ms) { m_timer.setInterval(ms); }

public slots:
    void setCurrentStep(int step);
    void next();
    void previous();
    void play();
    void pause();
    void togglePlay();

signals:
    void passChanged(int passIndex);  // -1 when there is none
    void playingChanged(bool playing);

private:
    void rebuildSteps();
    void updateLabels();

    const passes::PassLog* m_log = nullptr;
    QVector<int> m_steps;
    int m_current = -1;
    bool m_showUnchanged = false;
    QTimer m_timer;
    QSlider* m_slider;
    QToolButton *m_prev, *m_play, *m_next;
    QLabel* m_title;
    QLabel* m_detail;
    QCheckBox* m_unchanged;
};

}  // namespace kiln::views
