#include "teach/step_view.h"

#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/labels.h"
#include "teach/step_morph.h"

namespace kiln::views {

namespace {

const QColor kMatched(0xf5, 0x9e, 0x0b);   // orange: consumed by a rewrite
const QColor kProduced(0x16, 0xa3, 0x4a);  // green: the layer a rewrite produced
const QColor kDeclined(0xdc, 0x26, 0x26);  // red: a candidate a pass declined

// A coloured ring behind a box: what the pass touched.
class RingItem : public QGraphicsItem {
public:
    RingItem(const BoxItem* box, QColor colour, bool dashed) : m_colour(colour), m_dashed(dashed) {
        const QSizeF s = box->size();
        m_rect = QRectF(-s.width() / 2 - 7, -s.height() / 2 - 7, s.width() + 14, s.height() + 14);
        setPos(box->pos());
        setZValue(1.5);  // above edges, below boxes
    }
    QRectF boundingRect() const override { return m_rect.adjusted(-3, -3, 3, 3); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override {
        QColor fill = m_colour;
        fill.setAlpha(m_dashed ? 30 : 70);
        QPen pen(m_colour, 3, m_dashed ? Qt::DashLine : Qt::SolidLine);
        painter->setPen(pen);
        painter->setBrush(fill);
        painter->drawRoundedRect(m_rect, 9, 9);
    }

private:
    QRectF m_rect;
    QColor m_colour;
    bool m_dashed;
};

NodeItem* itemNamed(const GraphScene* scene, const QString& name) {
    for (NodeItem* item : scene->nodeItems())
        if (qs(item->node()->name()) == name) return item;
    return nullptr;
}

// Zooms a canvas to a set of its nodes, never past actual size nor below a readable size.
void focusView(GraphView* view, const GraphScene* scene, const QStringList& names) {
    QRectF r;
    for (const QString& n : names)
        if (NodeItem* item = itemNamed(scene, n)) r = r.united(item->sceneBoundingRect());
    if (r.isNull()) {
        view->showDefaultView();
        return;
    }
    r.adjust(-80, -60, 80, 60);
    view->fitInView(r, Qt::KeepAspectRatio);
    const double zoom = std::clamp(view->transform().m11(), 0.55, 1.0);
    view->setTransform(QTransform::fromScale(zoom, zoom));
    view->centerOn(r.center());
}

QLabel* swatch(const QColor& c, const QString& text, bool dashed = false) {
    auto* l = new QLabel(QStringLiteral("<span style='color:%1;font-size:large'>%2</span> %3")
                             .arg(c.name(), dashed ? QStringLiteral("┅") : QStringLiteral("■"), text.toHtmlEscaped()));
    return l;
}

}  // namespace

StepView::StepView(QWidget* parent)
    : QWidget(parent), m_before(new GraphScene(this)), m_after(new GraphScene(this)), m_beforeView(new GraphView),
      m_afterView(new GraphView), m_morphView(new QGraphicsView), m_afterStack(new QStackedWidget), m_morph(new StepMorph(this)),
      m_beforeTitle(new QLabel), m_afterTitle(new QLabel) {
    m_beforeView->setScene(m_before);
    m_afterView->setScene(m_after);
    for (GraphView* v : {m_beforeView, m_afterView}) {
        v->setLegendVisible(false);
        v->setMinimapVisible(false);
    }
    m_morphView->setScene(m_morph->scene());
    m_morphView->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_morphView->setBackgroundBrush(QColor(0xfa, 0xfa, 0xfa));
    m_morphView->setInteractive(false);
    m_afterStack->addWidget(m_afterView);
    m_afterStack->addWidget(m_morphView);
    for (QLabel* l : {m_beforeTitle, m_afterTitle}) l->setStyleSheet(QStringLiteral("font-weight:bold;padding:2px 4px"));

    auto* panes = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(m_beforeTitle);
    left->addWidget(m_beforeView, 1);
    auto* right = new QVBoxLayout;
    right->addWidget(m_afterTitle);
    right->addWidget(m_afterStack, 1);
    panes->addLayout(left, 1);
    panes->addLayout(right, 1);
    auto* key = new QHBoxLayout;
    key->addWidget(swatch(kMatched, tr("matched by a rewrite (fused or removed)")));
    key->addWidget(swatch(kProduced, tr("the layer it became")));
    key->addWidget(swatch(kDeclined, tr("declined (see the reason in the cards)"), true));
    key->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(panes, 1);
    layout->addLayout(key);

    connect(m_before, &GraphScene::layoutFinished, this, &StepView::onLayoutFinished);
    connect(m_after, &GraphScene::layoutFinished, this, &StepView::onLayoutFinished);
    // A failed layout still ends the wait (its side stays empty).
    connect(m_before, &GraphScene::layoutFailed, this, &StepView::onLayoutFinished);
    connect(m_after, &GraphScene::layoutFailed, this, &StepView::onLayoutFinished);
    connect(m_morph, &StepMorph::finished, this, &StepView::finishStep);
    auto forward = [this](GraphScene* from, GraphScene* other) {
        connect(from, &GraphScene::nodeSelected, this, [this, other](const ir::Node* node) {
            if (node) {
                const QSignalBlocker blocker(other);
                other->clearSelection();
            }
            emit nodeSelected(node);
        });
    };
    forward(m_before, m_after);
    forward(m_after, m_before);
}

StepView::~StepView() {
    m_morph->stop();
    m_before->setGraph(nullptr);
    m_after->setGraph(nullptr);
}

void StepView::setStep(std::shared_ptr<const TeachResult> result, int pass) {
    m_morph->stop();  // its proxies paint the items about to go
    m_afterStack->setCurrentWidget(m_afterView);
    m_ready = false;
    m_touchedBefore.clear();
    m_touchedAfter.clear();
    m_pass = result && pass >= 0 && pass < result->numPasses() ? pass : -1;
    // The scenes point into the old result's graphs: let go of them before the result.
    m_before->setGraph(nullptr);
    m_after->setGraph(nullptr);
    m_result = std::move(result);
    if (m_pass < 0) {
        m_beforeTitle->clear();
        m_afterTitle->clear();
        return;
    }
    const passes::PassRecord& p = m_result->log.passes()[size_t(m_pass)];
    m_beforeTitle->setText(tr("Before %1 — %2 nodes").arg(qs(p.name)).arg(p.nodesBefore));
    m_afterTitle->setText(tr("After %1 — %2 nodes").arg(qs(p.name)).arg(p.nodesAfter));
    for (const passes::Rewrite& r : p.rewrites) {
        for (const std::string& m : r.matched) m_touchedBefore << qs(m);
        if (!r.result.empty()) m_touchedAfter << qs(r.result);
    }
    m_touchedBefore.removeDuplicates();
    m_touchedAfter.removeDuplicates();
    m_layoutsPending = 2;
    m_before->setGraph(&m_result->before(m_pass));
    m_after->setGraph(&m_result->after(m_pass));
}

void StepView::onLayoutFinished() {
    if (m_pass < 0 || --m_layoutsPending > 0) return;
    addRings();
    const passes::PassRecord& p = m_result->log.passes()[size_t(m_pass)];
    // The first change of the pass; a pass that only declined shows its first candidate.
    QStringList before, after;
    if (!p.rewrites.empty()) {
        for (const std::string& m : p.rewrites.front().matched) before << qs(m);
        if (!p.rewrites.front().result.empty()) after << qs(p.rewrites.front().result);
        else after = before;
    } else if (!p.declines.empty()) {
        for (const std::string& n : p.declines.front().nodes) before << qs(n);
        after = before;
    }
    focusNodes(before, after);
    if (!m_animated || p.rewrites.empty()) {
        finishStep();
        return;
    }
    QList<MorphRewrite> rewrites;
    for (const passes::Rewrite& r : p.rewrites) {
        MorphRewrite m;
        for (const std::string& s : r.matched) m.matched << qs(s);
        m.result = qs(r.result);
        rewrites << m;
    }
    m_morphView->setTransform(m_afterView->transform());
    m_morph->start(*m_before, *m_after, rewrites);
    m_morphView->centerOn(m_afterView->mapToScene(m_afterView->viewport()->rect().center()));
    m_afterStack->setCurrentWidget(m_morphView);
}

void StepView::addRings() {
    const passes::PassRecord& p = m_result->log.passes()[size_t(m_pass)];
    auto ring = [](GraphScene* scene, const QString& name, QColor colour, bool dashed) {
        if (NodeItem* item = itemNamed(scene, name)) scene->addItem(new RingItem(item, colour, dashed));
    };
    for (const QString& n : m_touchedBefore) ring(m_before, n, kMatched, false);
    for (const QString& n : m_touchedAfter) ring(m_after, n, kProduced, false);
    for (const passes::Decline& d : p.declines)
        for (const std::string& n : d.nodes) {
            ring(m_before, qs(n), kDeclined, true);
            ring(m_after, qs(n), kDeclined, true);
        }
}

void StepView::finishStep() {
    m_afterStack->setCurrentWidget(m_afterView);
    m_morph->stop();
    m_ready = true;
    emit stepShown(m_pass);
}

void StepView::focusNodes(const QStringList& beforeNames, const QStringList& afterNames) {
    if (m_pass < 0) return;
    focusView(m_beforeView, m_before, beforeNames);
    focusView(m_afterView, m_after, afterNames);
}

}  // namespace kiln::views
