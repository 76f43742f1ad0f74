// Teaching mode: a window of its own that steps through the optimizer pass by pass on the open
// model, a bundled sample or the playground model. Timeline and the before/after canvases in the
// centre (tab "Passes"), the memory lesson in the tab "Memory", the model and playground edits on
// the left, the explanation cards and "why not fused" on the right. Runs happen in TeachRunner.
#pragma once

#include <QMainWindow>
#include <functional>
#include <memory>
#include <optional>

#include "core/status.h"
#include "ir/graph.h"
#include "teach/lifetime_data.h"
#include "teach/teach_pipeline.h"

class QLabel;
class QStackedWidget;
class QTabWidget;

namespace kiln::plan {
struct Plan;
}

namespace kiln::views {

class CardPanel;
class MemoryLesson;
class PassStepper;
class PlaygroundPanel;
class StepView;
class TeachRunner;

class TeachWindow : public QMainWindow {
    Q_OBJECT
public:
    // Imports a bundled sample by name; called on the worker thread.
    using SampleLoader = std::function<Expected<std::unique_ptr<ir::Graph>>(const QString& name)>;

    explicit TeachWindow(QWidget* parent = nullptr);
    ~TeachWindow() override;

    void setSamples(const QStringList& names, SampleLoader loader);
    // The studio's open document: its model (null for a plan or report) and, for a plan or
    // report, its engine's memory plan. An empty name: no document.
    void setOpenDocument(const QString& name, std::shared_ptr<const ir::Graph> model,
                         std::optional<LifetimeData> engineMemory = std::nullopt);
    // Re-runs for the panel's current choice (called on every change).
    void rerun();

    PassStepper* stepper() const { return m_stepper; }
    StepView* stepView() const { return m_stepView; }
    CardPanel* cards() const { return m_cards; }
    PlaygroundPanel* playground() const { return m_panel; }
    MemoryLesson* memoryLesson() const { return m_memory; }
    QTabWidget* tabs() const { return m_tabs; }
    std::shared_ptr<const TeachResult> result() const { return m_result; }
    const plan::Plan* plan() const { return m_plan.get(); }
    bool isRunning() const { return m_waiting != 0; }

signals:
    void resultReady();  // a run's passes are in and the stepper is on its first step
    void numericReady(); // every card has its numeric check
    void memoryReady();  // the memory lesson shows a plan
    void runFailed(const QString& message);

private:
    void onPipeline(quint64 id, std::shared_ptr<kiln::views::TeachResult> result);
    void onNumericCheck(quint64 id, const kiln::views::NumericCheck& check);
    void onPlan(quint64 id, std::shared_ptr<kiln::plan::Plan> plan);
    void onFailed(quint64 id, const QString& stage, const QString& message);
    void onPassChanged(int pass);
    QString sourceName() const;

    TeachRunner* m_runner;
    quint64 m_requestId = 0;
    quint64 m_waiting = 0;  // the request whose pipeline is awaited
    SampleLoader m_loader;
    QString m_docName;
    std::shared_ptr<const ir::Graph> m_docModel;
    std::optional<LifetimeData> m_docMemory;
    std::shared_ptr<TeachResult> m_result;  // the window fills in the numeric check when it comes
    std::shared_ptr<const plan::Plan> m_plan;
    PassStepper* m_stepper;
    StepView* m_stepView;
    CardPanel* m_cards;
    PlaygroundPanel* m_panel;
    MemoryLesson* m_memory;
    QTabWidget* m_tabs;
    QStackedWidget* m_passesStack;
    QLabel* m_passesMessage;
};

}  // namespace kiln::views
