#include "teach/step_morph.h"

#include <QEasingCurve>
#include <QGraphicsItem>
#include <QPainter>

#include "graph/graph_scene.h"
#include "graph/labels.h"

namespace kiln::views {

namespace {

// Paints another scene's item (a box or an edge) as it is.
class PaintProxy : public QGraphicsItem {
public:
    explicit PaintProxy(QGraphicsItem* source) : m_source(source) { setZValue(source->zValue()); }
    QRectF boundingRect() const override { return m_source->boundingRect(); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override {
        m_source->paint(painter, option, widget);
    }

private:
    QGraphicsItem* m_source;
};

// A name for every box: the node's name, or the tensor's for a graph input/output pill.
QString boxKey(const QGraphicsItem* item) {
    if (item->type() == NodeItem::Type) return qs(static_cast<const NodeItem*>(item)->node()->name());
    if (item->type() == IoItem::Type) {
        const auto* io = static_cast<const IoItem*>(item);
        return (io->isInput() ? QStringLiteral("in:") : QStringLiteral("out:")) + qs(io->value()->name());
    }
    return {};
}

QHash<QString, BoxItem*> boxesOf(const GraphScene& scene) {
    QHash<QString, BoxItem*> out;
    for (QGraphicsItem* item : scene.items())
        if (item->type() == NodeItem::Type || item->type() == IoItem::Type) out.insert(boxKey(item), static_cast<BoxItem*>(item));
    return out;
}

}  // namespace

StepMorph::StepMorph(QObject* parent) : QObject(parent) {
    m_animation.setStartValue(0.0);
    m_animation.setEndValue(1.0);
    m_animation.setEasingCurve(QEasingCurve::InOutCubic);
    connect(&m_animation, &QVariantAnimation::valueChanged, this, [this](const QVariant& v) { apply(v.toDouble()); });
    connect(&m_animation, &QVariantAnimation::finished, this, &StepMorph::finished);
}

StepMorph::~StepMorph() { stop(); }

void StepMorph::stop() {
    m_animation.stop();
    m_tracks.clear();
    m_scene.clear();
}

void StepMorph::start(const GraphScene& before, const GraphScene& after, const QList<MorphRewrite>& rewrites, int duration) {
    stop();
    const QHash<QString, BoxItem*> old = boxesOf(before), now = boxesOf(after);
    // The two layouts have their own origins: line them up on the first graph input.
    QPointF shift;
    for (auto it = old.begin(); it != old.end(); ++it)
        if (it.key().startsWith(QLatin1String("in:")) && now.contains(it.key())) {
            shift = now.value(it.key())->pos() - it.value()->pos();
            break;
        }
    QHash<QString, QString> mergedInto;         // before-node -> the after-layer it became part of
    QHash<QString, QList<QPointF>> sourcesOf;   // after-layer -> where its parts were
    for (const MorphRewrite& r : rewrites)
        for (const QString& m : r.matched) {
            if (!old.contains(m) || r.result.isEmpty() || !now.contains(r.result)) continue;
            mergedInto.insert(m, r.result);
            sourcesOf[r.result] << old.value(m)->pos() + shift;
        }
    auto add = [this](QGraphicsItem* source, QPointF from, QPointF to, double o0, double o1, double f0 = 0, double f1 = 1) {
        auto* proxy = new PaintProxy(source);
        m_scene.addItem(proxy);
        m_tracks << Track{proxy, from, to, o0, o1, f0, f1};
    };
    for (auto it = old.begin(); it != old.end(); ++it) {
        BoxItem* box = it.value();
        const QPointF from = box->pos() + shift;
        if (now.contains(it.key())) continue;  // drawn from the after side
        if (mergedInto.contains(it.key())) add(box, from, now.value(mergedInto.value(it.key()))->pos(), 1, 0, 0.35, 1);
        else add(box, from, from, 1, 0, 0, 0.6);  // removed: fades out in place
    }
    for (auto it = now.begin(); it != now.end(); ++it) {
        BoxItem* box = it.value();
        if (old.contains(it.key())) {
            add(box, old.value(it.key())->pos() + shift, box->pos(), 1, 1);
        } else {
            // A new layer grows where its parts were (their centre) and settles in its place.
            QPointF from = box->pos();
            const QList<QPointF> parts = sourcesOf.value(it.key());
            if (!parts.isEmpty()) {
                from = QPointF();
                for (const QPointF& p : parts) from += p / double(parts.size());
            }
            add(box, from, box->pos(), 0, 1, 0.3, 0.9);
        }
    }
    for (EdgeItem* e : before.edgeItems()) add(e, e->pos() + shift, e->pos() + shift, 1, 0, 0, 0.35);
    for (EdgeItem* e : after.edgeItems()) add(e, e->pos(), e->pos(), 0, 1, 0.65, 1);
    m_scene.setSceneRect(after.sceneRect().united(before.sceneRect().translated(shift)));
    m_frames = 0;
    apply(0);
    m_animation.setDuration(duration);
    m_animation.start();
}

void StepMorph::apply(double t) {
    ++m_frames;
    for (const Track& k : m_tracks) {
        k.proxy->setPos(k.from + (k.to - k.from) * t);
        const double f = k.fadeEnd > k.fadeStart ? std::clamp((t - k.fadeStart) / (k.fadeEnd - k.fadeStart), 0.0, 1.0) : 1.0;
        k.proxy->setOpacity(k.opacityFrom + (k.opacityTo - k.opacityFrom) * f);
    }
}

}  // namespace kiln::views
