// Layout benchmark: graphviz dot against Kiln's layered layout (views/graph/layered_layout.h) on
// the studio's own boxes and edges for each model (sizes from the real fonts), median of
// --repeats runs. dot runs only up to --dot-limit boxes (it took minutes on a 1,700-node BERT).
// With --open, the studio's open instead: each step of the path from file to graph on screen
// (read, import with and without libonnx's checker, boxes, layout, adoption by the scene, first
// paint), the whole open in a real main window, and Collapse All Scopes.
//
//   kiln-bench-layout [--repeats N] [--dot-limit N] [--open] [MODEL.onnx ...]
//   (no models: the bundled resnet_mini and encoder_mini)
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/layered_layout.h"
#include "graph/layout_runner.h"
#include "graph/prepared_scene.h"
#include "main_window.h"
#include "model_document.h"
#include "onnx/importer.h"

using namespace kiln;

namespace {

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double timeLayout(views::LayoutRequest request, views::LayoutEngine engine, int repeats) {
    request.engine = engine;
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const views::LayoutResult result = views::computeLayout(request);
        if (!result.ok()) {
            std::fprintf(stderr, "layout failed: %s\n", qPrintable(result.error));
            return -1;
        }
        ms.push_back(result.milliseconds);
    }
    return medianOf(ms);
}

// Crossings before / after the sweeps and virtual nodes, from the layered layout itself.
std::string crossingStats(const views::LayoutRequest& request) {
    views::layered::Input in;
    for (const QSizeF& s : request.nodeSizes) {
        in.widths.push_back(s.width());
        in.heights.push_back(s.height());
    }
    for (const views::LayoutEdge& e : request.edges) in.edges.push_back({e.from, e.to});
    const views::layered::Output out = views::layered::layout(in);
    char text[96];
    std::snprintf(text, sizeof text, "%lld -> %lld crossings, %d virtual nodes", out.crossingsBefore,
                  out.crossingsAfter, out.virtualNodes);
    return text;
}

double msSince(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

// Waits in the event loop until `done` or `timeoutMs`.
template <typename Done>
bool spin(Done done, int timeoutMs = 120000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return done();
}

struct OpenRow {
    double readMs = 0, checkerImportMs = 0, importMs = 0, boxesMs = 0, layoutMs = 0, adoptMs = 0, paintMs = 0;
    double windowMs = 0, collapseMs = -1;
    int nodes = 0, boxesBefore = 0, boxes = 0, collapsedBoxes = 0;
};

double importMs(const std::string& path, bool checker) {
    onnx::ImportOptions options;
    options.requireSupportedOps = false;
    options.runChecker = checker;
    QElapsedTimer t;
    t.start();
    auto g = onnx::importModelFile(path, options);
    return g ? msSince(t) : -1;
}

// One open, step by step as the studio does it (ModelDocument::open reads and imports; the
// import worker prepares the boxes and layout; the GUI thread adopts and paints), then the whole
// open in a main window (openFile -> documentShown, then one paint), then Collapse All Scopes.
OpenRow measureOpen(const std::string& path) {
    OpenRow row;
    row.checkerImportMs = importMs(path, true);
    row.importMs = importMs(path, false);
    auto doc = studio::ModelDocument::open(QString::fromStdString(path));
    if (!doc) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), doc.status().toString().c_str());
        return row;
    }
    row.readMs = (*doc)->readMilliseconds();
    const ir::Graph& g = (*doc)->graph();
    row.nodes = g.numNodes();
    row.boxesBefore = g.numNodes() + int(g.runtimeInputs().size() + g.outputs().size());
    std::shared_ptr<views::PreparedScene> prepared = views::prepareScene(&g, (*doc)->engine(), true);
    row.boxesMs = prepared->itemsMs;
    row.layoutMs = prepared->layoutMs;
    {
        views::GraphScene scene;
        views::GraphView view;
        view.resize(1000, 700);
        view.setGraphScene(&scene);
        view.show();
        QElapsedTimer t;
        t.start();
        scene.adopt(prepared);
        view.showDefaultView();
        row.adoptMs = msSince(t);
        row.boxes = int(scene.shownBoxes().size());
        t.restart();
        const QPixmap frame = view.viewport()->grab();  // one full paint of the visible part
        row.paintMs = msSince(t);
    }
    studio::MainWindow w;
    w.resize(1400, 900);
    w.show();
    QElapsedTimer t;
    t.start();
    bool shown = false;
    QObject::connect(&w, &studio::MainWindow::documentShown, &w, [&shown] { shown = true; });
    w.openFile(QString::fromStdString(path));
    if (!spin([&shown] { return shown; })) return row;
    w.graphView()->viewport()->grab();
    row.windowMs = msSince(t);
    if (w.scene()->hasScopes()) {
        bool relaid = false;
        QObject::connect(w.scene(), &views::GraphScene::relayoutFinished, &w, [&relaid] { relaid = true; });
        t.restart();
        w.scene()->collapseAll();
        if (spin([&relaid] { return relaid; })) {
            w.graphView()->viewport()->grab();
            row.collapseMs = msSince(t);
            row.collapsedBoxes = int(w.scene()->shownBoxes().size());
        }
    }
    return row;
}

int runOpenBench(const std::vector<std::string>& models, int repeats) {
    std::printf("| model | MB | nodes | boxes (was) | read ms | import ms (checker) | import ms (no checker) | boxes ms | layout ms | adopt ms | paint ms | window open ms | collapse all ms (boxes) |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& path : models) {
        std::vector<OpenRow> rows;
        for (int i = 0; i < repeats; ++i) rows.push_back(measureOpen(path));
        auto med = [&rows](double OpenRow::*field) {
            std::vector<double> v;
            for (const OpenRow& r : rows) v.push_back(r.*field);
            return medianOf(v);
        };
        const OpenRow& r = rows.front();
        const std::string name = path.substr(path.find_last_of('/') + 1);
        char collapse[48] = "no scopes";
        if (r.collapseMs >= 0) std::snprintf(collapse, sizeof collapse, "%.0f (%d)", med(&OpenRow::collapseMs), r.collapsedBoxes);
        std::printf("| %s | %.1f | %d | %d (%d) | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %s |\n", name.c_str(),
                    double(QFileInfo(QString::fromStdString(path)).size()) / 1e6, r.nodes, r.boxes, r.boxesBefore,
                    med(&OpenRow::readMs), med(&OpenRow::checkerImportMs), med(&OpenRow::importMs), med(&OpenRow::boxesMs),
                    med(&OpenRow::layoutMs), med(&OpenRow::adoptMs), med(&OpenRow::paintMs), med(&OpenRow::windowMs), collapse);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Kiln"));
    QApplication::setApplicationName(QStringLiteral("kiln-bench-layout"));  // its own settings
    int repeats = 3, dotLimit = views::kDotNodeLimit;
    bool open = false;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--dot-limit") && i + 1 < argc) dotLimit = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--open")) open = true;
        else models.emplace_back(argv[i]);
    }
    if (models.empty())
        for (const char* s : {"resnet_mini", "encoder_mini"})
            models.push_back(std::string(KILN_SOURCE_DIR) + "/resources/models/" + s + ".onnx");
    if (open) return runOpenBench(models, repeats);

    std::printf("| model | nodes | boxes | edges | import ms | items ms | dot ms | layered ms | layered + apply ms |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& path : models) {
        QElapsedTimer timer;
        timer.start();
        onnx::ImportOptions options;
        options.requireSupportedOps = false;
        auto g = onnx::importModelFile(path, options);
        if (!g) {
            std::fprintf(stderr, "%s: %s\n", path.c_str(), g.status().toString().c_str());
            return 1;
        }
        const double importMs = double(timer.nsecsElapsed()) / 1e6;
        // The boxes and edges GraphScene lays out (Constant nodes are weight lines, not boxes).
        timer.restart();
        const std::unique_ptr<views::PreparedScene> prepared = views::prepareScene(g->get(), nullptr, false);
        const double itemsMs = double(timer.nsecsElapsed()) / 1e6;
        const views::LayoutRequest request = prepared->request();
        views::GraphScene scene;
        scene.setGraph(g->get(), /*startLayout=*/false);
        const double dotMs = request.nodeSizes.size() <= dotLimit ? timeLayout(request, views::LayoutEngine::Dot, repeats) : -1;
        const double layeredMs = timeLayout(request, views::LayoutEngine::Layered, repeats);
        // The whole synchronous path the export takes: request, layout, items moved.
        qputenv("KILN_LAYOUT", "layered");
        timer.restart();
        scene.layoutNow();
        const double applyMs = double(timer.nsecsElapsed()) / 1e6;
        qunsetenv("KILN_LAYOUT");
        const std::string name = path.substr(path.find_last_of('/') + 1);
        char dot[32] = "not run";
        if (dotMs >= 0) std::snprintf(dot, sizeof dot, "%.1f", dotMs);
        std::printf("| %s | %d | %d | %d | %.1f | %.1f | %s | %.1f | %.1f |\n", name.c_str(), (*g)->numNodes(),
                    int(request.nodeSizes.size()), int(request.edges.size()), importMs, itemsMs, dot, layeredMs, applyMs);
        std::fprintf(stderr, "%s: %s\n", name.c_str(), crossingStats(request).c_str());
        std::fflush(stdout);
    }
    return 0;
}
