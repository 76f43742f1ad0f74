// The animated transition between the graph before a pass and the graph after it, played over the
// "after" canvas: nodes that stay slide to their new place, the nodes a rewrite matched slide
// together into the layer it produced (which fades in there), removed nodes fade out, old edges
// fade out and new ones fade in. Items are proxies that paint the real scene items, so the
// picture is the canvas' own.
#pragma once

#include <QGraphicsScene>
#include <QHash>
#include <QPointF>
#include <QStringList>
#include <QVariantAnimation>

class QGraphicsView;

namespace kiln::views {

class GraphScene;

// One rewrite as the morph needs it: the before-nodes it matched and the after-layer it produced.
struct MorphRewrite {
    QStringList matched;
    QString result;  // empty when the nodes were only removed
};

class StepMorph : public QObject {
    Q_OBJECT
public:
    explicit StepMorph(QObject* parent = nullptr);
    ~StepMorph() override;

    QGraphicsScene* scene() { return &m_scene; }
    // Builds the proxies from two laid-out scenes (which must stay alive until finished or stop)
    // and starts. `duration` in ms.
    void start(const GraphScene& before, const GraphScene& after, const QList<MorphRewrite>& rewrites, int duration = 1100);
    void stop();  // drops the proxies at once (before the scenes they paint change)
    bool isRunning() const { return m_animation.state() == QAbstractAnimation::Running; }
    int proxyCount() const { return int(m_tracks.size()); }
    int framesApplied() const { return m_frames; }  // of the last start (smoothness checks)

signals:
    void finished();

private:
    struct Track {
        QGraphicsItem* proxy;
        QPointF from, to;
        double opacityFrom, opacityTo;
        double fadeStart = 0, fadeEnd = 1;  // part of the animation the fade takes
    };
    void apply(double t);

    QGraphicsScene m_scene;
    QVariantAnimation m_animation;
    QList<Track> m_tracks;
    int m_frames = 0;
};

}  // namespace kiln::views
