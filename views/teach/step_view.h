// One step of the pass stepper: the graph before the pass and the graph after it, side by side,
// each laid out in the graph canvas' worker thread. The nodes the pass touched are ringed
// (matched nodes orange, the layers they became green, declined candidates red), both canvases
// zoom to the first change, and the after side plays the transition (StepMorph) once both
// layouts are in.
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>

#include "ir/graph.h"
#include "teach/teach_pipeline.h"

class QLabel;
class QStackedWidget;
class QGraphicsView;

namespace kiln::views {

class GraphScene;
class GraphView;
class StepMorph;

class StepView : public QWidget {
    Q_OBJECT
public:
    explicit StepView(QWidget* parent = nullptr);
    ~StepView() override;

    // Shows pass `pass` of `result` (-1 or null: nothing). The result is kept alive here.
    void setStep(std::shared_ptr<const TeachResult> result, int pass);
    void setAnimated(bool on) { m_animated = on; }
    int pass() const { return m_pass; }

    GraphScene* beforeScene() const { return m_before; }
    GraphScene* afterScene() const { return m_after; }
    GraphView* beforeView() const { return m_beforeView; }
    GraphView* afterView() const { return m_afterView; }
    StepMorph* morph() const { return m_morph; }
    QGraphicsView* morphView() const { return m_morphView; }
    bool isReady() const { return m_ready; }  // both laid out and the transition over
    // Names of the ringed nodes on each side.
    const QStringList& touchedBefore() const { return m_touchedBefore; }
    const QStringList& touchedAfter() const { return m_touchedAfter; }

public slots:
    // Zooms both sides to these nodes (before-side names and after-side names may differ).
    void focusNodes(const QStringList& beforeNames, const QStringList& afterNames);

signals:
    void nodeSelected(const kiln::ir::Node* node);  // either side; null when nothing is
    void stepShown(int pass);                       // laid out, ringed, transition finished

private:
    void onLayoutFinished();
    void addRings();
    void finishStep();

    std::shared_ptr<const TeachResult> m_result;
    int m_pass = -1;
    bool m_animated = true;
    bool m_ready = false;
    int m_layoutsPending = 0;
    GraphScene* m_before;
    GraphScene* m_after;
    GraphView* m_beforeView;
    GraphView* m_afterView;
    QGraphicsView* m_morphView;
    QStackedWidget* m_afterStack;
    StepMorph* m_morph;
    QLabel* m_beforeTitle;
    QLabel* m_afterTitle;
    QStringList m_touchedBefore, m_touchedAfter;
};

}  // namespace kiln::views
