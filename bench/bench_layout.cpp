// Layout benchmark: graphviz dot against Kiln's layered layout (views/graph/layered_layout.h) on
// the studio's own boxes and edges for each model (sizes from the real fonts), median of
// --repeats runs. dot runs only up to --dot-limit boxes (it took minutes on a 1,700-node BERT).
//
//   kiln-bench-layout [--repeats N] [--dot-limit N] [MODEL.onnx ...]
//   (no models: the bundled resnet_mini and encoder_mini)
#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "graph/graph_scene.h"
#include "graph/layered_layout.h"
#include "graph/layout_runner.h"
#include "onnx/importer.h"

using namespace kiln;

namespace {

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The request GraphScene makes, rebuilt from its items.
views::LayoutRequest requestFor(const views::GraphScene& scene) {
    std::vector<const views::BoxItem*> boxes;
    for (QGraphicsItem* item : scene.items())
        if (auto* box = dynamic_cast<const views::BoxItem*>(item)) boxes.push_back(box);
    std::sort(boxes.begin(), boxes.end(), [](auto* a, auto* b) { return a->layoutIndex() < b->layoutIndex(); });
    views::LayoutRequest r;
    for (const views::BoxItem* b : boxes) r.nodeSizes << b->size();
    for (const views::EdgeItem* e : scene.edgeItems())
        r.edges << views::LayoutEdge{e->from()->layoutIndex(), e->to()->layoutIndex(), e->label()};
    return r;
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

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int repeats = 3, dotLimit = views::kDotNodeLimit;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--dot-limit") && i + 1 < argc) dotLimit = std::atoi(argv[++i]);
        else models.emplace_back(argv[i]);
    }
    if (models.empty())
        for (const char* s : {"resnet_mini", "encoder_mini"})
            models.push_back(std::string(KILN_SOURCE_DIR) + "/resources/models/" + s + ".onnx");

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
        views::GraphScene scene;
        timer.restart();
        scene.setGraph(g->get(), /*startLayout=*/false);
        const double itemsMs = double(timer.nsecsElapsed()) / 1e6;
        const views::LayoutRequest request = requestFor(scene);
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
