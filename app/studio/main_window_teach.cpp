// The studio's way into teaching mode (View > Teaching Mode) and the first-run tour of the main
// panels (Help > Take the Tour; shown once by itself, remembered in QSettings "tour/done").
#include <QAction>
#include <QDockWidget>
#include <QGuiApplication>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QTimer>
#include <QToolBar>

#include "graph/graph_view.h"
#include "main_window.h"
#include "teach/lifetime_data.h"
#include "teach/playground_panel.h"
#include "teach/teach_window.h"
#include "teach/tour_overlay.h"

namespace kiln::studio {

namespace {
const char* kTourDone = "tour/done";
}  // namespace

void MainWindow::createTeachActions() {
    m_viewMenu->addSeparator();
    QAction* teach = m_viewMenu->addAction(tr("&Teaching Mode"), this, &MainWindow::openTeachingMode);
    teach->setObjectName(QStringLiteral("actionTeachingMode"));
    teach->setShortcut(QKeySequence(tr("Ctrl+Shift+T")));
    teach->setStatusTip(tr("Step through the optimizer pass by pass, with the rule, the formula and the reason for every rewrite"));
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->menu()->title() == tr("&Help")) {
            QAction* tour = new QAction(tr("Take the &Tour"), this);
            tour->setObjectName(QStringLiteral("actionTour"));
            connect(tour, &QAction::triggered, this, &MainWindow::startTour);
            a->menu()->insertAction(a->menu()->actions().value(0), tour);
            a->menu()->insertSeparator(a->menu()->actions().value(1));
        }
    connect(this, &MainWindow::documentLoaded, this, &MainWindow::syncTeachingMode);
    // The tour shows itself once, on a real screen (not in headless renders and tests).
    if (!QSettings().value(QLatin1String(kTourDone), false).toBool() &&
        QGuiApplication::platformName() != QLatin1String("offscreen") && QGuiApplication::platformName() != QLatin1String("minimal"))
        QTimer::singleShot(800, this, &MainWindow::startTour);
}

views::TeachWindow* MainWindow::teachWindow() const { return m_teach; }

void MainWindow::openTeachingMode() {
    if (!m_teach) {
        m_teach = new views::TeachWindow(this);
        m_teach->setWindowFlag(Qt::Window);
        m_teach->setAttribute(Qt::WA_DeleteOnClose);
        m_teach->setSamples(sampleModelNames(), [](const QString& name) -> Expected<std::unique_ptr<ir::Graph>> {
            KILN_ASSIGN_OR_RETURN(std::unique_ptr<ModelDocument> doc, ModelDocument::open(samplePath(name)));
            return doc->graph().clone();
        });
        syncTeachingMode();  // runs on the open model
        // Without an ONNX model open, start with the playground: it is made for teaching.
        if (!m_doc || m_doc->kind() != ModelDocument::Kind::OnnxModel)
            m_teach->playground()->setSource(views::PlaygroundPanel::Source::Playground);
    }
    m_teach->show();
    m_teach->raise();
    m_teach->activateWindow();
}

void MainWindow::syncTeachingMode() {
    if (!m_teach) return;
    if (!m_doc) {
        m_teach->setOpenDocument(QString(), nullptr);
        return;
    }
    if (m_doc->kind() == ModelDocument::Kind::OnnxModel) {
        m_teach->setOpenDocument(m_doc->displayName(), std::shared_ptr<const ir::Graph>(m_doc->graph().clone()));
        return;
    }
    std::optional<views::LifetimeData> memory;
    if (const plan::Plan* plan = m_doc->plan()) memory = views::lifetimeData(*plan);
    m_teach->setOpenDocument(m_doc->displayName(), nullptr, memory);
}

void MainWindow::startTour() {
    if (auto* running = findChild<views::TourOverlay*>()) running->close();
    auto dock = [this](const char* name) -> QWidget* { return findChild<QDockWidget*>(QLatin1String(name)); };
    QList<views::TourStep> steps = {
        {nullptr, tr("Welcome to Kiln"),
         tr("Kiln opens ONNX models, builds them into engines and shows what the optimizer did. This tour points at "
            "the main panels; press Next, or Skip tour at any time (Help ▸ Take the Tour shows it again).")},
        {findChild<QToolBar*>(QStringLiteral("MainToolBar")), tr("Open a model"),
         tr("Open an ONNX model (.onnx), a Kiln plan (.plan) or a report (.json), or drop a file on the window. "
            "File ▸ Open Sample has three small models to start with.")},
        {m_view, tr("The graph"),
         tr("Every box is an operator, coloured by its category (the legend is in the corner). Edges carry the "
            "tensor's shape and type. Drag to pan, wheel or Ctrl +/− to zoom, click a box to inspect it.")},
        {dock("OutlineDock"), tr("Outline"), tr("Inputs, outputs and every node grouped by op type. Click one to find it on the canvas.")},
        {dock("InspectorDock"), tr("Inspector"),
         tr("The selected node: attributes, inputs and outputs, weight statistics. With nothing selected: the model "
            "or the engine — its passport, memory and latency.")},
        {dock("LogDock"), tr("Log"), tr("What was opened and how long it took; errors appear here in red.")},
        {menuBar(), tr("Teaching Mode"),
         tr("View ▸ Teaching Mode steps through the optimizer pass by pass: the graph before and after each pass, "
            "a card for every fusion with its formula and why it is faster, why a node was not fused, a "
            "playground to change a model, and the memory planner's lesson.")},
    };
    auto* overlay = new views::TourOverlay(this, steps);
    connect(overlay, &views::TourOverlay::finished, this, [] { QSettings().setValue(QLatin1String(kTourDone), true); });
    overlay->start();
}

}  // namespace kiln::studio
