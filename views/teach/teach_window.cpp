#include "teach/teach_window.h"

#include <QDockWidget>
#include <QLabel>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "plan/plan.h"
#include "teach/card_panel.h"
#include "teach/lifetime_plot.h"
#include "teach/pass_stepper.h"
#include "teach/playground_panel.h"
#include "teach/step_view.h"
#include "teach/teach_runner.h"

namespace kiln::views {

TeachWindow::TeachWindow(QWidget* parent)
    : QMainWindow(parent), m_runner(new TeachRunner(this)), m_stepper(new PassStepper), m_stepView(new StepView),
      m_cards(new CardPanel), m_panel(new PlaygroundPanel), m_memory(new MemoryLesson), m_tabs(new QTabWidget),
      m_passesStack(new QStackedWidget), m_passesMessage(new QLabel) {
    setObjectName(QStringLiteral("TeachWindow"));
    setWindowTitle(tr("Teaching Mode — Kiln"));
    m_passesMessage->setWordWrap(true);
    m_passesMessage->setAlignment(Qt::AlignCenter);
    m_passesMessage->setStyleSheet(QStringLiteral("color:#555;font-size:large;padding:40px"));
    auto* passes = new QWidget;
    auto* passesLayout = new QVBoxLayout(passes);
    passesLayout->setContentsMargins(0, 0, 0, 0);
    passesLayout->addWidget(m_stepper);
    passesLayout->addWidget(m_stepView, 1);
    m_passesStack->addWidget(passes);
    m_passesStack->addWidget(m_passesMessage);
    m_tabs->addTab(m_passesStack, tr("Passes"));
    m_tabs->addTab(m_memory, tr("Memory"));
    m_tabs->setObjectName(QStringLiteral("teachTabs"));
    setCentralWidget(m_tabs);

    auto addDock = [this](QWidget* w, const QString& title, const QString& name, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(w);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, dock);
        return dock;
    };
    QDockWidget* left = addDock(m_panel, tr("Model"), QStringLiteral("TeachModelDock"), Qt::LeftDockWidgetArea);
    QDockWidget* right = addDock(m_cards, tr("Explanations"), QStringLiteral("TeachCardsDock"), Qt::RightDockWidgetArea);
    resizeDocks({left, right}, {250, 420}, Qt::Horizontal);

    connect(m_panel, &PlaygroundPanel::changed, this, &TeachWindow::rerun);
    connect(m_stepper, &PassStepper::passChanged, this, &TeachWindow::onPassChanged);
    connect(m_stepView, &StepView::nodeSelected, m_cards, &CardPanel::showNode);
    connect(m_cards, &CardPanel::cardActivated, m_stepView, &StepView::focusNodes);
    connect(m_runner, &TeachRunner::pipelineReady, this, &TeachWindow::onPipeline);
    connect(m_runner, &TeachRunner::numericReady, this, &TeachWindow::onNumericCheck);
    connect(m_runner, &TeachRunner::planReady, this, &TeachWindow::onPlan);
    connect(m_runner, &TeachRunner::failed, this, &TeachWindow::onFailed);
    connect(m_runner, &TeachRunner::progress, this, [this](quint64 id, int done, int total) {
        if (id == m_requestId) statusBar()->showMessage(tr("Running the optimizer: pass %1 of %2").arg(done).arg(total));
    });
    // Keys over the canvases: Space plays or pauses, the arrows step.
    auto key = [this](QKeySequence k, auto slot) {
        auto* s = new QShortcut(k, m_passesStack, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, m_stepper, slot);
    };
    key(QKeySequence(Qt::Key_Space), &PassStepper::togglePlay);
    key(QKeySequence(Qt::Key_Right), &PassStepper::next);
    key(QKeySequence(Qt::Key_Left), &PassStepper::previous);
    resize(1400, 900);
}

TeachWindow::~TeachWindow() {
    m_stepView->setStep(nullptr, -1);  // the canvases point into the result
    m_runner->cancel();
}

void TeachWindow::setSamples(const QStringList& names, SampleLoader loader) {
    m_loader = std::move(loader);
    m_panel->setSamples(names);
}

void TeachWindow::setOpenDocument(const QString& name, std::shared_ptr<const ir::Graph> model,
                                  std::optional<LifetimeData> engineMemory) {
    m_docName = name;
    m_docModel = std::move(model);
    m_docMemory = std::move(engineMemory);
    m_panel->setOpenDocumentName(name);
    if (m_panel->source() == PlaygroundPanel::Source::OpenDocument) rerun();
}

QString TeachWindow::sourceName() const {
    switch (m_panel->source()) {
    case PlaygroundPanel::Source::OpenDocument: return m_docName;
    case PlaygroundPanel::Source::Playground: return tr("the playground model");
    case PlaygroundPanel::Source::Sample: return m_panel->sampleName();
    }
    return {};
}

void TeachWindow::rerun() {
    m_stepper->pause();
    TeachRequest request;
    request.id = ++m_requestId;
    request.options.level = m_panel->level();
    switch (m_panel->source()) {
    case PlaygroundPanel::Source::OpenDocument:
        if (!m_docModel) {
            m_runner->cancel();
            m_waiting = 0;
            m_passesMessage->setText(m_docName.isEmpty()
                                         ? tr("No model is open in the studio. Choose the playground model or a sample on the left.")
                                         : tr("%1 is a built engine: its passes ran when it was built. Open the ONNX model to step "
                                              "through them, or choose the playground or a sample on the left. The Memory tab "
                                              "shows this engine's memory plan.").arg(m_docName));
            m_passesStack->setCurrentWidget(m_passesMessage);
            m_stepper->setLog(nullptr);
            m_stepView->setStep(nullptr, -1);
            m_cards->setPass(nullptr, -1);
            m_result.reset();
            if (m_docMemory) {
                m_memory->setData(*m_docMemory, m_docName);
                emit memoryReady();
            } else {
                m_memory->showMessage(tr("No engine."));
            }
            return;
        }
        request.load = [model = m_docModel]() -> Expected<std::shared_ptr<const ir::Graph>> { return model; };
        break;
    case PlaygroundPanel::Source::Playground:
        request.load = [options = m_panel->options()]() -> Expected<std::shared_ptr<const ir::Graph>> {
            KILN_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> g, buildPlaygroundModel(options));
            return std::shared_ptr<const ir::Graph>(std::move(g));
        };
        break;
    case PlaygroundPanel::Source::Sample:
        request.load = [loader = m_loader, name = m_panel->sampleName()]() -> Expected<std::shared_ptr<const ir::Graph>> {
            if (!loader) return invalidArgument("no sample loader");
            KILN_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> g, loader(name));
            return std::shared_ptr<const ir::Graph>(std::move(g));
        };
        break;
    }
    m_waiting = request.id;
    m_passesStack->setCurrentIndex(0);
    statusBar()->showMessage(tr("Running the optimizer on %1…").arg(sourceName()));
    m_memory->showMessage(tr("Building the engine for the memory lesson…"));
    m_runner->request(std::move(request));
}

void TeachWindow::onPipeline(quint64 id, std::shared_ptr<TeachResult> result) {
    if (id != m_requestId) return;
    m_waiting = 0;
    m_result = std::move(result);
    m_cards->showNode(nullptr);
    int rewrites = 0, declines = 0;
    for (const passes::PassRecord& p : m_result->log.passes()) {
        rewrites += int(p.rewrites.size());
        declines += int(p.declines.size());
    }
    const int before = m_result->states.front()->numNodes(), after = m_result->states.back()->numNodes();
    const QString summary = tr("%1 rewrites, %2 declined: %3 nodes became %4 layers.").arg(rewrites).arg(declines).arg(before).arg(after);
    m_panel->setRunSummary(summary);
    statusBar()->showMessage(tr("%1: %2").arg(sourceName(), summary));
    m_stepper->setLog(&m_result->log);
    if (m_stepper->currentPass() < 0) onPassChanged(-1);
    emit resultReady();
}

void TeachWindow::onPassChanged(int pass) {
    m_stepView->setStep(m_result, pass);
    m_cards->setPass(m_result, pass);
}

void TeachWindow::onNumericCheck(quint64 id, const NumericCheck& check) {
    if (id != m_requestId || !m_result) return;
    m_result->maxAbsDiff = check.maxAbsDiff;
    m_result->numericProblem = check.problem;
    m_result->numericPending = false;
    m_cards->setPass(m_result, m_stepper->currentPass());
    emit numericReady();
}

void TeachWindow::onPlan(quint64 id, std::shared_ptr<plan::Plan> plan) {
    if (id != m_requestId) return;
    m_plan = std::move(plan);
    m_memory->setData(lifetimeData(*m_plan), sourceName());
    emit memoryReady();
}

void TeachWindow::onFailed(quint64 id, const QString& stage, const QString& message) {
    if (id != m_requestId) return;
    if (stage == QLatin1String("build")) {
        m_memory->showMessage(tr("The engine could not be built: %1").arg(message));
    } else {
        m_waiting = 0;
        m_passesMessage->setText(tr("The optimizer could not run on %1: %2").arg(sourceName(), message));
        m_passesStack->setCurrentWidget(m_passesMessage);
        m_memory->showMessage(tr("No engine."));
    }
    statusBar()->showMessage(message);
    emit runFailed(message);
}

}  // namespace kiln::views
