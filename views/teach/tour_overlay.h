// A first-run tour: an overlay over a window that dims everything but one widget at a time and
// explains it in a bubble beside it (Back / Next / Skip). The caller decides when it runs and
// remembers that it ran.
#pragma once

#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QFrame;

namespace kiln::views {

struct TourStep {
    QPointer<QWidget> target;  // null: the bubble sits in the middle of the window
    QString title, text;
};

class TourOverlay : public QWidget {
    Q_OBJECT
public:
    TourOverlay(QWidget* window, QList<TourStep> steps);

    void start();
    int current() const { return m_current; }
    int count() const { return int(m_steps.size()); }
    QRect targetRect() const;  // in overlay coordinates; empty for a centred step
    QFrame* bubble() const { return m_bubble; }

public slots:
    void next();
    void back();
    void skip();

signals:
    void finished(bool completed);  // false when skipped

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void showStep(int i);
    void placeBubble();
    void finish(bool completed);

    QList<TourStep> m_steps;
    int m_current = -1;
    QFrame* m_bubble;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_counter;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_skip;
};

}  // namespace kiln::views
