// Teaching mode (issue 9): the stepper's states are the optimizer's graphs after each pass, the
// cards say what the PassLog says, playground edits change the PassLog as they should (a second
// consumer blocks Conv+ReLU and the card says why), the lifetime chart is the memory plan, the
// window steps and plays, and the first-run tour can be skipped and stays away.
// With KILN_SCREENSHOT_DIR set, screenshots() writes the guide's pictures there.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set by CTest).
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGraphicsView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTranslator>
#include <QtTest>
#include <functional>
#include <map>
#include <set>

#include "builder/memory_planner.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "main_window.h"
#include "onnx/importer.h"
#include "passes/pipeline.h"
#include "teach/card_panel.h"
#include "teach/lifetime_plot.h"
#include "teach/pass_stepper.h"
#include "teach/playground_panel.h"
#include "teach/step_morph.h"
#include "teach/step_view.h"
#include "teach/teach_cards.h"
#include "teach/teach_window.h"
#include "teach/tour_overlay.h"
#include "support/test_support.h"

using namespace kiln;
using namespace kiln::views;

namespace {

std::unique_ptr<ir::Graph> sample(const std::string& name) {
    onnx::ImportOptions options;
    auto g = onnx::importModelFile(test::sampleModel(name + ".onnx"), options);
    if (!g) qWarning("%s", g.status().toString().c_str());
    return g ? std::move(g).value() : nullptr;
}

std::unique_ptr<ir::Graph> playground(const PlaygroundOptions& o = {}) {
    auto g = buildPlaygroundModel(o);
    if (!g) qWarning("%s", g.status().toString().c_str());
    return g ? std::move(g).value() : nullptr;
}

std::shared_ptr<TeachResult> teach(const ir::Graph& g, int level = 3) {
    auto r = runTeachPipeline(g, {.level = level});
    if (!r) qWarning("%s", r.status().toString().c_str());
    return r ? *r : nullptr;
}

std::set<std::string> nodeNames(const ir::Graph& g) {
    std::set<std::string> s;
    for (const auto& n : g.nodes()) s.insert(n->name() + " :" + n->opType());
    return s;
}
std::set<std::string> nodeNames(const passes::GraphSnapshot& g) {
    std::set<std::string> s;
    for (const auto& n : g.nodes) s.insert(n.name + " :" + n.opType);
    return s;
}

const passes::PassRecord* passNamed(const TeachResult& r, const std::string& name) {
    for (const passes::PassRecord& p : r.log.passes())
        if (p.name == name) return &p;
    return nullptr;
}
int passIndex(const TeachResult& r, const std::string& name) {
    for (int i = 0; i < r.numPasses(); ++i)
        if (r.log.passes()[size_t(i)].name == name) return i;
    return -1;
}

bool mentions(const std::vector<std::string>& names, const std::string& part) {
    for (const std::string& n : names)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

bool waitForResult(TeachWindow& w, QSignalSpy& spy) {
    return QTest::qWaitFor([&] { return !spy.isEmpty(); }, 60000);
}

}  // namespace

class TestTeach : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void stepperStatesEqualOptimizer_data();
    void stepperStatesEqualOptimizer();
    void cardsMatchPassLog();
    void bnFoldingCard();
    void playgroundEdits_data();
    void playgroundEdits();
    void secondConsumerBlocksConvRelu();
    void lifetimeChartEqualsMemoryPlan();
    void windowStepsAndPlays();
    void morphAnimates();
    void playgroundRerunsFromTheGui();
    void teachingModeFromStudio();
    void tourSkippableAndRemembered();
    void screenshots();
};

void TestTeach::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("KilnTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_teach"));
    QSettings().clear();
}

void TestTeach::stepperStatesEqualOptimizer_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("level");
    for (const char* m : {"resnet_mini", "lenet5", "encoder_mini", "playground"})
        for (int level : {1, 3}) QTest::newRow(qPrintable(QStringLiteral("%1 level %2").arg(m).arg(level))) << m << level;
}

// Every state of the stepper is the graph passes::optimize had after that pass: the same node
// names and op types as the optimizer's own PassLog snapshots, and the same final graph.
void TestTeach::stepperStatesEqualOptimizer() {
    QFETCH(QString, model);
    QFETCH(int, level);
    auto g = model == QLatin1String("playground") ? playground() : sample(model.toStdString());
    QVERIFY(g);
    auto r = teach(*g, level);
    QVERIFY(r);
    auto optimized = g->clone();
    passes::PassLog log(true);
    QVERIFY(passes::optimize(*optimized, {.level = level}, &log).isOk());
    QCOMPARE(r->numPasses(), int(log.passes().size()));
    QCOMPARE(int(r->states.size()), r->numPasses() + 1);
    QCOMPARE(nodeNames(*r->states[0]), nodeNames(*log.snapshotAfter(-1)));
    for (int i = 0; i < r->numPasses(); ++i) {
        QCOMPARE(r->log.passes()[size_t(i)].name, log.passes()[size_t(i)].name);
        auto snap = log.snapshotAfter(i);
        QVERIFY(snap.hasValue());
        QCOMPARE(nodeNames(r->after(i)), nodeNames(*snap));
        QCOMPARE(nodeNames(*r->log.snapshotAfter(i)), nodeNames(*snap));
        QCOMPARE(r->log.passes()[size_t(i)].rewrites.size(), log.passes()[size_t(i)].rewrites.size());
    }
    QCOMPARE(nodeNames(*r->states.back()), nodeNames(*optimized));
    // The numeric check ran on every pass and found nothing a pass should not change.
    QVERIFY2(r->numericProblem.empty(), r->numericProblem.c_str());
    for (double d : r->maxAbsDiff) QVERIFY2(d >= 0 && d < 1e-3, qPrintable(QString::number(d)));
}

// Every card is one PassLog entry: rule, matched, result, explanation, reason.
void TestTeach::cardsMatchPassLog() {
    for (const char* name : {"resnet_mini", "playground", "encoder_mini"}) {
        auto g = std::string(name) == "playground" ? playground({.secondConsumer = true}) : sample(name);
        QVERIFY(g);
        auto r = teach(*g);
        QVERIFY(r);
        int total = 0;
        for (int i = 0; i < r->numPasses(); ++i) {
            const passes::PassRecord& p = r->log.passes()[size_t(i)];
            const QList<RewriteCard> cards = TeachCards::rewrites(*r, i);
            QCOMPARE(cards.size(), qsizetype(p.rewrites.size()));
            for (int k = 0; k < cards.size(); ++k) {
                const passes::Rewrite& w = p.rewrites[size_t(k)];
                QCOMPARE(cards[k].passName.toStdString(), p.name);
                QCOMPARE(cards[k].rule, TeachCards::prettyRule(w.rule));
                QCOMPARE(cards[k].matched.size(), qsizetype(w.matched.size()));
                for (size_t m = 0; m < w.matched.size(); ++m) QCOMPARE(cards[k].matched[qsizetype(m)].toStdString(), w.matched[m]);
                QCOMPARE(cards[k].result.toStdString(), w.result);
                QCOMPARE(cards[k].explanation.toStdString(), w.explanation);
                QCOMPARE(cards[k].maxAbsDiff, r->maxAbsDiff[size_t(i)]);
                // A fusion of n nodes into one layer saves n - 1 kernels.
                if (!w.result.empty() && p.name.rfind("fuse", 0) == 0) {
                    QCOMPARE(cards[k].kernelsBefore, int(w.matched.size()));
                    QCOMPARE(cards[k].kernelsAfter, 1);
                    QVERIFY(cards[k].trafficSaved > 0);
                }
            }
            const QList<DeclineCard> declines = TeachCards::declines(*r, i);
            QCOMPARE(declines.size(), qsizetype(p.declines.size()));
            for (int k = 0; k < declines.size(); ++k) QCOMPARE(declines[k].reason.toStdString(), p.declines[size_t(k)].reason);
            total += int(cards.size());
        }
        QCOMPARE(total, r->log.totalRewrites());
    }
}

// BN folding: the formula, this layer's numbers (the conv's output tensor, its bytes), 2 -> 1.
void TestTeach::bnFoldingCard() {
    auto g = sample("resnet_mini");
    QVERIFY(g);
    auto r = teach(*g);
    QVERIFY(r);
    const int fold = passIndex(*r, "fold-batchnorm");
    QVERIFY(fold >= 0);
    const QList<RewriteCard> cards = TeachCards::rewrites(*r, fold);
    QCOMPARE(cards.size(), 11);
    const RewriteCard& c = cards.first();
    QCOMPARE(c.matched, QStringList({QStringLiteral("Conv_0"), QStringLiteral("BatchNormalization_1")}));
    QVERIFY(c.formula.contains(QStringLiteral("w′ = w·γ / √(σ² + ε)")));
    QVERIFY(c.formula.contains(QStringLiteral("b′ = (b − μ)·γ / √(σ² + ε) + β")));
    QVERIFY2(c.formulaNote.contains(QStringLiteral("BatchNormalization_1")), qPrintable(c.formulaNote));
    QCOMPARE(c.kernelsBefore, 2);
    QCOMPARE(c.kernelsAfter, 1);
    QCOMPARE(c.tensors.size(), 1);
    QCOMPARE(c.tensors[0].name, QStringLiteral("Conv_0_out"));
    // [batch, 16, 32, 32] float at batch 1, written once and read once.
    const ir::Value* v = r->before(fold).findValue("Conv_0_out");
    QVERIFY(v);
    QCOMPARE(c.tensors[0].bytes, valueBytes(*v));
    QCOMPARE(c.trafficSaved, 2 * valueBytes(*v));
    QVERIFY(c.maxAbsDiff >= 0 && c.maxAbsDiff < 1e-4);
    const QString html = TeachCards::html(c);
    QVERIFY(html.contains(QStringLiteral("Why it is faster")));
    QVERIFY(html.contains(QStringLiteral("Max difference before/after on a random input")));
}

void TestTeach::playgroundEdits_data() {
    QTest::addColumn<int>("activation");
    QTest::addColumn<bool>("batchNorm");
    QTest::addColumn<bool>("residual");
    QTest::addColumn<int>("bnFolds");
    QTest::addColumn<int>("residualFusions");
    QTest::addColumn<QString>("act1Fusion");   // the rule that fused act1, or "" when declined
    QTest::addColumn<QString>("act1Decline");  // part of the decline's reason
    using A = PlaygroundActivation;
    QTest::newRow("relu") << int(A::Relu) << true << true << 2 << 1 << "Conv(x) -> Relu => kiln.FusedConv(x)" << "";
    QTest::newRow("no batchnorm") << int(A::Relu) << false << true << 0 << 1 << "Conv(x) -> Relu => kiln.FusedConv(x)" << "";
    QTest::newRow("no residual") << int(A::Relu) << true << false << 2 << 0 << "Conv(x) -> Relu => kiln.FusedConv(x)" << "";
    QTest::newRow("leaky") << int(A::LeakyRelu) << true << true << 2 << 1 << "Conv(x) -> LeakyRelu => kiln.FusedConv(x)" << "";
    QTest::newRow("relu6") << int(A::Relu6) << true << true << 2 << 1 << "Conv(x) -> Clip => kiln.FusedConv(x)" << "";
    QTest::newRow("silu") << int(A::Silu) << true << true << 2 << 1 << "Conv(x) -> Silu => kiln.FusedConv(x)" << "";
    QTest::newRow("gelu") << int(A::Gelu) << true << true << 2 << 1 << "Conv(x) -> Gelu => kiln.FusedConv(x)" << "";
    QTest::newRow("softsign") << int(A::Softsign) << true << true << 2 << 1 << "" << "cannot be fused";
}

void TestTeach::playgroundEdits() {
    QFETCH(int, activation);
    QFETCH(bool, batchNorm);
    QFETCH(bool, residual);
    QFETCH(int, bnFolds);
    QFETCH(int, residualFusions);
    QFETCH(QString, act1Fusion);
    QFETCH(QString, act1Decline);
    auto g = playground({.activation = PlaygroundActivation(activation), .batchNorm = batchNorm, .residual = residual});
    QVERIFY(g);
    auto r = teach(*g);
    QVERIFY(r);
    QCOMPARE(int(passNamed(*r, "fold-batchnorm")->rewrites.size()), bnFolds);
    QCOMPARE(int(passNamed(*r, "fuse-residual")->rewrites.size()), residualFusions);
    const passes::PassRecord* fuse = passNamed(*r, "fuse-bias-activation");
    QString rule;
    for (const passes::Rewrite& w : fuse->rewrites)
        if (mentions(w.matched, "conv1")) rule = QString::fromStdString(w.rule);
    QCOMPARE(rule, act1Fusion);
    QString reason;
    for (const passes::Decline& d : fuse->declines)
        if (mentions(d.nodes, "conv1")) reason = QString::fromStdString(d.reason);
    if (act1Decline.isEmpty()) QVERIFY2(reason.isEmpty(), qPrintable(reason));
    else QVERIFY2(reason.contains(act1Decline), qPrintable(reason));
}

// The example: a second consumer of the tensor a ReLU reads blocks Conv+ReLU, the PassLog
// says why, and so do the cards and the "why not fused" panel.
void TestTeach::secondConsumerBlocksConvRelu() {
    auto plain = teach(*playground());
    auto tapped = teach(*playground({.secondConsumer = true}));
    QVERIFY(plain && tapped);
    const int fuse = passIndex(*plain, "fuse-bias-activation");
    auto fusedAct1 = [](const TeachResult& r, int pass) {
        for (const RewriteCard& c : TeachCards::rewrites(r, pass))
            if (c.matched.contains(QStringLiteral("act1"))) return true;
        return false;
    };
    QVERIFY(fusedAct1(*plain, fuse));
    QVERIFY(TeachCards::declines(*plain, fuse).isEmpty());
    QVERIFY(!fusedAct1(*tapped, fuse));
    const QList<DeclineCard> declines = TeachCards::declines(*tapped, fuse);
    QCOMPARE(declines.size(), 1);
    QCOMPARE(declines[0].nodes, QStringList({QStringLiteral("conv1 + bn1"), QStringLiteral("act1")}));
    QCOMPARE(declines[0].reason, QStringLiteral("the output of Conv 'conv1 + bn1' has 2 consumers"));
    QVERIFY(declines[0].hint.contains(QStringLiteral("written to memory anyway")));
    QVERIFY(TeachCards::html(declines[0]).contains(QStringLiteral("has 2 consumers")));
    // "Why not fused" for the Relu, picked on the canvas after the pass.
    const ir::Node* act1 = tapped->after(fuse).findNode("act1");
    QVERIFY(act1);
    CardPanel panel;
    panel.setPass(tapped, fuse);
    panel.showNode(act1);
    QCOMPARE(panel.nodeDeclines().size(), 1);
    QVERIFY2(panel.whyNotText().contains(QStringLiteral("fuse-bias-activation: the output of Conv 'conv1 + bn1' has 2 consumers")),
             qPrintable(panel.whyNotText()));
    QVERIFY(panel.cardsText().contains(QStringLiteral("Not fused: conv1 + bn1 → act1")));
    // The conv itself was still folded with its BatchNorm; its history says so.
    const ir::Node* conv = tapped->after(fuse).findNode("conv1 + bn1");
    QVERIFY(conv);
    panel.showNode(conv);
    QVERIFY(panel.whyNotText().contains(QStringLiteral("fold-batchnorm: Conv(x) → BatchNormalization ⇒ Conv'(x)")));
}

// Every bar is a buffer of the plan: tensor, lifetime, offset, bytes; one slot per offset.
void TestTeach::lifetimeChartEqualsMemoryPlan() {
    for (const char* name : {"resnet_mini", "playground", "encoder_mini"}) {
        auto g = std::string(name) == "playground" ? playground() : sample(name);
        QVERIFY(g);
        auto plan = buildTeachingPlan(*g);
        QVERIFY2(plan.hasValue(), plan ? "" : plan.status().toString().c_str());
        QCOMPARE(findMemoryPlanConflict(plan->memory), std::string());
        const LifetimeData d = lifetimeData(*plan);
        QCOMPARE(d.arenaBytes, plan->memory.arenaBytes);
        QCOMPARE(d.noReuseBytes, plan->memory.noReuseBytes);
        QVERIFY(d.arenaBytes < d.noReuseBytes);  // the planner reused something
        QCOMPARE(d.layers.size(), qsizetype(plan->network->numNodes()));
        int k = 0;
        std::map<int64_t, int> slotOf;
        for (const plan::BufferRecord& b : plan->memory.buffers) {
            if (b.offset < 0) continue;
            QVERIFY(k < d.bars.size());
            const LifetimeBar& bar = d.bars[k++];
            QCOMPARE(bar.tensor.toStdString(), b.tensor);
            QCOMPARE(bar.firstLayer, b.firstLayer);
            QCOMPARE(bar.lastLayer, b.lastLayer);
            QCOMPARE(bar.offset, b.offset);
            QCOMPARE(bar.bytes, b.bytes);
            QCOMPARE(bar.aliasOf.toStdString(), b.aliasOf);
            auto [it, fresh] = slotOf.emplace(b.offset, bar.slot);
            QCOMPARE(bar.slot, it->second);  // one slot per offset
        }
        QCOMPARE(k, int(d.bars.size()));
        QCOMPARE(d.numSlots, int(slotOf.size()));
        LifetimePlot plot;
        plot.setData(d);
        QCOMPARE(plot.boxes().size(), d.bars.size());
        for (int i = 0; i < d.bars.size(); ++i) {
            QCOMPARE(plot.boxes()[i]->bottomRight->coords().y(), double(d.bars[i].offset) / 1024.0);
            QCOMPARE(plot.boxes()[i]->topLeft->coords().x(), d.bars[i].firstLayer - 0.45);
        }
    }
}

// The window: a run, the stepper on the first pass that did something, next / previous, play
// to the end.
void TestTeach::windowStepsAndPlays() {
    TeachWindow w;
    w.stepView()->setAnimated(false);
    QSignalSpy ready(&w, &TeachWindow::resultReady);
    w.playground()->setSource(PlaygroundPanel::Source::Playground);
    QVERIFY(waitForResult(w, ready));
    auto r = w.result();
    QVERIFY(r);
    PassStepper* s = w.stepper();
    QVERIFY(!s->steps().isEmpty());
    for (int pass : s->steps()) {
        const passes::PassRecord& p = r->log.passes()[size_t(pass)];
        QVERIFY(!p.rewrites.empty() || !p.declines.empty());
    }
    QCOMPARE(r->log.passes()[size_t(s->currentPass())].name, std::string("fold-batchnorm"));
    QVERIFY(QTest::qWaitFor([&] { return w.stepView()->isReady(); }, 30000));
    // The rings are on the nodes the pass matched, on each side.
    QCOMPARE(w.stepView()->touchedBefore(), QStringList({"conv1", "bn1", "conv2", "bn2"}));
    QCOMPARE(w.stepView()->touchedAfter(), QStringList({"conv1 + bn1", "conv2 + bn2"}));
    QCOMPARE(w.cards()->rewriteCards().size(), 2);
    s->next();
    QCOMPARE(r->log.passes()[size_t(s->currentPass())].name, std::string("fuse-bias-activation"));
    QCOMPARE(w.stepView()->pass(), s->currentPass());
    s->previous();
    QCOMPARE(s->currentStep(), 0);
    // The keys over the canvases.
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    w.stepView()->beforeView()->setFocus();
    QTest::keyClick(w.stepView()->beforeView(), Qt::Key_Right);
    QCOMPARE(s->currentStep(), 1);
    QTest::keyClick(w.stepView()->beforeView(), Qt::Key_Left);
    QCOMPARE(s->currentStep(), 0);
    s->setShowUnchanged(true);
    QCOMPARE(int(s->steps().size()), r->numPasses());
    QCOMPARE(r->log.passes()[size_t(s->currentPass())].name, std::string("fold-batchnorm"));  // stays on its pass
    s->setShowUnchanged(false);
    s->setInterval(30);
    QSignalSpy playing(s, &PassStepper::playingChanged);
    s->play();
    QVERIFY(s->isPlaying());
    QVERIFY(QTest::qWaitFor([&] { return !s->isPlaying(); }, 20000));
    QCOMPARE(s->currentStep(), int(s->steps().size()) - 1);
    QCOMPARE(playing.size(), 2);
}

// The transition: proxies for both graphs, running smoothly, then the real "after" canvas again.
// On resnet_mini's busiest step (11 BatchNorms folded at once) a frame must paint well inside
// the 16 ms of a 60 Hz tick.
void TestTeach::morphAnimates() {
    auto g = sample("resnet_mini");
    QVERIFY(g);
    auto r = teach(*g);
    QVERIFY(r);
    StepView v;
    v.resize(1200, 700);
    v.show();
    for (const char* pass : {"fold-batchnorm", "fuse-residual"}) {
        QSignalSpy shown(&v, &StepView::stepShown);
        v.setStep(r, passIndex(*r, pass));
        QVERIFY(QTest::qWaitFor([&] { return v.morph()->isRunning() || !shown.isEmpty(); }, 30000));
        QVERIFY(v.morph()->isRunning());
        const int proxies = v.morph()->proxyCount();
        QVERIFY(proxies > v.afterScene()->nodeItems().size());
        QTest::qWait(300);
        QElapsedTimer paint;
        paint.start();
        constexpr int kFrames = 10;
        for (int i = 0; i < kFrames; ++i) (void)v.morphView()->viewport()->grab();
        const double msPerFrame = double(paint.nsecsElapsed()) / 1e6 / kFrames;
        QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 10000));
        qInfo("%s: %d proxies, %d animation frames in 1.1 s, %.2f ms to paint a frame", pass, proxies,
              v.morph()->framesApplied(), msPerFrame);
        QVERIFY2(msPerFrame < 16.0, qPrintable(QString::number(msPerFrame)));
        QVERIFY(v.morph()->framesApplied() >= 10);
        QVERIFY(!v.morph()->isRunning());
        QCOMPARE(v.morph()->proxyCount(), 0);
        QVERIFY(v.isReady());
    }
}

// Playground edits from the GUI: toggling "second consumer" re-runs at once and the card says why.
void TestTeach::playgroundRerunsFromTheGui() {
    TeachWindow w;
    w.stepView()->setAnimated(false);
    QSignalSpy ready(&w, &TeachWindow::resultReady);
    w.playground()->setSource(PlaygroundPanel::Source::Playground);
    QVERIFY(waitForResult(w, ready));
    ready.clear();
    auto* tap = w.playground()->findChildren<QCheckBox*>().at(1);
    QVERIFY(tap->text().contains(QStringLiteral("Second consumer")));
    tap->setChecked(true);
    QVERIFY(waitForResult(w, ready));
    QVERIFY(w.playground()->options().secondConsumer);
    PassStepper* s = w.stepper();
    while (w.result()->log.passes()[size_t(s->currentPass())].name != "fuse-bias-activation") s->next();
    QVERIFY(w.cards()->cardsText().contains(QStringLiteral("the output of Conv 'conv1 + bn1' has 2 consumers")));
    // The numeric check comes after the passes, off the GUI thread, and fills in the cards.
    QVERIFY(QTest::qWaitFor([&] { return !w.result()->numericPending; }, 60000));
    s->previous();  // fold-batchnorm
    QVERIFY(!w.cards()->rewriteCards().isEmpty());
    for (const RewriteCard& c : w.cards()->rewriteCards()) {
        QVERIFY(c.maxAbsDiff >= 0 && c.maxAbsDiff < 1e-4);
        QCOMPARE(c.numericText, TeachCards::diffText(*w.result(), s->currentPass()));
        QVERIFY(!c.numericText.contains(QStringLiteral("checking")));
    }
    QSignalSpy memory(&w, &TeachWindow::memoryReady);
    QVERIFY(QTest::qWaitFor([&] { return w.plan() != nullptr; }, 60000));
    QCOMPARE(w.memoryLesson()->plot()->data().arenaBytes, w.plan()->memory.arenaBytes);
}

// View > Teaching Mode on the studio's open model.
void TestTeach::teachingModeFromStudio() {
    studio::MainWindow main;
    QSignalSpy shown(&main, &studio::MainWindow::documentShown);
    main.openSample(QStringLiteral("resnet_mini"));
    QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 60000));
    QVERIFY(!main.findChild<TourOverlay*>());  // never by itself offscreen
    QAction* action = main.findChild<QAction*>(QStringLiteral("actionTeachingMode"));
    QVERIFY(action);
    action->trigger();
    TeachWindow* w = main.teachWindow();
    QVERIFY(w);
    QVERIFY(QTest::qWaitFor([&] { return w->result() != nullptr; }, 60000));
    QCOMPARE(w->playground()->source(), PlaygroundPanel::Source::OpenDocument);
    QCOMPARE(w->result()->states.front()->numNodes(), main.document()->graph().numNodes());
    QCOMPARE(w->result()->states.back()->numNodes(), 15);
}

void TestTeach::tourSkippableAndRemembered() {
    QSettings().remove(QStringLiteral("tour/done"));
    studio::MainWindow main;
    main.resize(1400, 900);
    main.show();
    main.startTour();
    auto* tour = main.findChild<TourOverlay*>();
    QVERIFY(tour);
    QCOMPARE(tour->current(), 0);
    tour->next();
    QVERIFY(!tour->targetRect().isEmpty());  // the toolbar
    QVERIFY(!tour->bubble()->geometry().intersects(tour->targetRect().adjusted(8, 8, -8, -8)));
    QPointer<TourOverlay> guard(tour);
    QTest::mouseClick(tour->findChild<QPushButton*>(QStringLiteral("tourSkip")), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return guard.isNull(); }, 5000));
    QVERIFY(QSettings().value(QStringLiteral("tour/done")).toBool());
}

namespace {

// Runs the window on a source, steps to a pass and waits until its transition is over.
bool showPass(TeachWindow& w, const std::string& pass) {
    if (!QTest::qWaitFor([&] { return !w.result()->numericPending; }, 60000)) return false;
    PassStepper* s = w.stepper();
    s->setCurrentStep(0);
    while (s->currentPass() >= 0 && w.result()->log.passes()[size_t(s->currentPass())].name != pass) {
        if (s->currentStep() + 1 >= s->steps().size()) return false;
        s->next();
    }
    return QTest::qWaitFor([&] { return w.stepView()->isReady(); }, 30000);
}

bool rerunAndWait(TeachWindow& w, const std::function<void()>& change) {
    QSignalSpy ready(&w, &TeachWindow::resultReady);
    change();
    return QTest::qWaitFor([&] { return !ready.isEmpty(); }, 60000);
}

}  // namespace

// The guide's pictures (docs/images/teach_*.png), rendered offscreen by the window itself.
void TestTeach::screenshots() {
    const QString dir = qEnvironmentVariable("KILN_SCREENSHOT_DIR");
    if (dir.isEmpty()) QSKIP("set KILN_SCREENSHOT_DIR to write the guide's screenshots");
    auto save = [&](QWidget& widget, const QString& name) { QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name)); };
    // KILN_SCREENSHOT_QM=teach_zh_CN.qm: the same pictures in another language (to look at).
    QTranslator translator;
    if (const QString qm = qEnvironmentVariable("KILN_SCREENSHOT_QM"); !qm.isEmpty()) {
        QVERIFY(translator.load(qm));
        QCoreApplication::installTranslator(&translator);
    }
    TeachWindow w;
    w.setSamples({QStringLiteral("resnet_mini"), QStringLiteral("encoder_mini"), QStringLiteral("lenet5")},
                 [](const QString& name) -> Expected<std::unique_ptr<ir::Graph>> {
                     return onnx::importModelFile(test::sampleModel(name.toStdString() + ".onnx"));
                 });
    w.resize(1500, 940);
    w.show();
    QVERIFY(rerunAndWait(w, [&] { w.playground()->setSource(PlaygroundPanel::Source::Sample, QStringLiteral("resnet_mini")); }));
    QVERIFY(showPass(w, "fold-batchnorm"));
    save(w, QStringLiteral("teach_fold_batchnorm.png"));
    QVERIFY(showPass(w, "fuse-bias-activation"));
    save(w, QStringLiteral("teach_fuse_bias_activation.png"));
    // The transition, half way.
    w.stepper()->setCurrentStep(0);
    QVERIFY(QTest::qWaitFor([&] { return w.stepView()->isReady(); }, 30000));
    w.stepper()->next();
    w.stepper()->next();
    QVERIFY(QTest::qWaitFor([&] { return w.stepView()->morph()->isRunning(); }, 30000));
    QTest::qWait(480);
    save(w, QStringLiteral("teach_transition.png"));
    QVERIFY(QTest::qWaitFor([&] { return w.stepView()->isReady(); }, 30000));
    save(w, QStringLiteral("teach_fuse_residual.png"));
    QVERIFY(QTest::qWaitFor([&] { return w.plan() != nullptr; }, 60000));
    w.tabs()->setCurrentIndex(1);
    QTest::qWait(200);
    save(w, QStringLiteral("teach_memory.png"));
    w.tabs()->setCurrentIndex(0);

    // Playground: a second consumer blocks conv1's fusion; act1 selected for "why not fused".
    QVERIFY(rerunAndWait(w, [&] {
        w.playground()->setSource(PlaygroundPanel::Source::Playground);
    }));
    QVERIFY(rerunAndWait(w, [&] { w.playground()->setOptions({.secondConsumer = true}); }));
    QVERIFY(showPass(w, "fuse-bias-activation"));
    for (NodeItem* item : w.stepView()->afterScene()->nodeItems())
        if (item->node()->name() == "act1") w.stepView()->afterScene()->selectOnly(item);
    QVERIFY(w.cards()->whyNotText().contains(QStringLiteral("2 consumers")));
    save(w, QStringLiteral("teach_declined.png"));
    // A pattern: GELU in its five-node erf form becomes one layer, then joins the conv.
    QVERIFY(rerunAndWait(w, [&] { w.playground()->setOptions({.activation = PlaygroundActivation::Gelu}); }));
    QVERIFY(showPass(w, "recognize-gelu"));
    save(w, QStringLiteral("teach_recognize_gelu.png"));

    // The first-run tour over the studio, on the canvas step.
    studio::MainWindow main;
    main.resize(1400, 900);
    QSignalSpy shown(&main, &studio::MainWindow::documentShown);
    main.show();
    main.openSample(QStringLiteral("resnet_mini"));
    QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 60000));
    main.startTour();
    auto* tour = main.findChild<TourOverlay*>();
    QVERIFY(tour);
    tour->next();
    tour->next();
    QTest::qWait(100);
    save(main, QStringLiteral("teach_tour.png"));
    tour->skip();
}

QTEST_MAIN(TestTeach)
#include "test_teach.moc"
