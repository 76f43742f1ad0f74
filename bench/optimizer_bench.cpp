// Optimizer benchmark: the whole pass pipeline on a generated 10,000-node model (2,000 residual
// blocks of Conv -> BatchNormalization -> Add -> Relu -> Dropout) and on the bundled samples.
// Prints a table and writes JSON (--json FILE). Median of --repeats runs.
//
//   bench/run_optimizer_bench.sh   (generates a 12-layer BERT-style model too, then runs this)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"
#include "passes/pipeline.h"

using namespace kiln;

namespace {

HostTensor filled(std::vector<int64_t> dims, float base) {
    HostTensor t(DataType::Float32, std::move(dims));
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = base + 0.001f * float(i % 97);
    return t;
}

// x:[1,8,8,8] -> blocks of Conv(3x3) -> BN -> Add(block input) -> Relu -> Dropout
std::unique_ptr<ir::Graph> residualTower(int blocks) {
    ir::Graph g;
    g.info().opsets[""] = 13;
    const int64_t c = 8;
    ir::Value* x = *g.addValue("input");
    x->setType(DataType::Float32);
    x->setShape(Shape{1, c, 8, 8});
    g.addInput(x);
    ir::Value* cur = x;
    for (int b = 0; b < blocks; ++b) {
        const std::string p = "block" + std::to_string(b);
        ir::Value* w = g.addConstant(p + ".w", filled({c, c, 3, 3}, 0.01f));
        ir::Value* conv = g.addIntermediate(p + ".conv");
        ir::Node* n = g.addNode(p + "/Conv", "Conv", "", {cur, w}, {conv});
        n->setAttr("pads", ir::Attribute(std::vector<int64_t>{1, 1, 1, 1}));
        n->setAttr("kernel_shape", ir::Attribute(std::vector<int64_t>{3, 3}));
        ir::Value* bn = g.addIntermediate(p + ".bn");
        g.addNode(p + "/BatchNormalization", "BatchNormalization", "",
                  {conv, g.addConstant(p + ".gamma", filled({c}, 1.f)), g.addConstant(p + ".beta", filled({c}, 0.f)),
                   g.addConstant(p + ".mean", filled({c}, 0.f)), g.addConstant(p + ".var", filled({c}, 1.f))},
                  {bn});
        ir::Value* add = g.addIntermediate(p + ".add");
        g.addNode(p + "/Add", "Add", "", {bn, cur}, {add});
        ir::Value* relu = g.addIntermediate(p + ".relu");
        g.addNode(p + "/Relu", "Relu", "", {add}, {relu});
        ir::Value* drop = g.addIntermediate(p + ".out");
        g.addNode(p + "/Dropout", "Dropout", "", {relu}, {drop});
        cur = drop;
    }
    g.addOutput(cur);
    // Through ONNX so every value is typed and shaped by shape inference, as with real models.
    auto bytes = onnx::exportModelBytes(g);
    if (!bytes) return nullptr;
    auto imported = onnx::importModelBytes(bytes->data(), bytes->size(), {}, {.runChecker = false});
    return imported ? std::move(imported).value() : nullptr;
}

struct Result {
    std::string model;
    int nodesBefore = 0, layersAfter = 0, rewrites = 0;
    double medianMs = 0, minMs = 0;
};

Result measure(const std::string& name, const ir::Graph& g, int repeats) {
    Result r{name, g.numNodes()};
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        auto copy = g.clone();
        passes::PassLog log(/*recordSnapshots=*/false);
        auto t0 = std::chrono::steady_clock::now();
        Status st = passes::optimize(*copy, {.level = 3}, &log);
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (!st.isOk()) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), st.toString().c_str());
            std::exit(1);
        }
        r.layersAfter = copy->numNodes();
        r.rewrites = log.totalRewrites();
    }
    std::sort(times.begin(), times.end());
    r.medianMs = times[times.size() / 2];
    r.minMs = times.front();
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int blocks = 2000, repeats = 5;
    std::string jsonPath;
    std::vector<std::string> extraModels;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--blocks") && i + 1 < argc) blocks = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) jsonPath = argv[++i];
        else if (!std::strcmp(argv[i], "--model") && i + 1 < argc) extraModels.push_back(argv[++i]);
        else {
            std::fprintf(stderr, "usage: %s [--blocks N] [--repeats N] [--json FILE] [--model FILE.onnx]...\n", argv[0]);
            return 2;
        }
    }
    std::vector<Result> results;
    auto tower = residualTower(blocks);
    if (!tower) {
        std::fprintf(stderr, "could not build the generated model\n");
        return 1;
    }
    results.push_back(measure("residual_tower_" + std::to_string(blocks) + "_blocks", *tower, repeats));
    for (const char* s : {"resnet_mini", "encoder_mini", "lenet5"}) {
        auto g = onnx::importModelFile(std::string(KILN_SOURCE_DIR) + "/resources/models/" + s + ".onnx");
        if (!g) {
            std::fprintf(stderr, "%s\n", g.status().toString().c_str());
            return 1;
        }
        results.push_back(measure(s, **g, repeats));
    }
    for (const std::string& path : extraModels) {
        auto g = onnx::importModelFile(path);
        if (!g) {
            std::fprintf(stderr, "%s\n", g.status().toString().c_str());
            return 1;
        }
        const std::string base = path.substr(path.find_last_of('/') + 1);
        results.push_back(measure(base.substr(0, base.rfind('.')), **g, repeats));
    }
    std::printf("| model | nodes | layers after level 3 | rewrites | pipeline median (ms) | min (ms) |\n");
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    nlohmann::json j = nlohmann::json::array();
    for (const Result& r : results) {
        std::printf("| %s | %d | %d | %d | %.1f | %.1f |\n", r.model.c_str(), r.nodesBefore, r.layersAfter, r.rewrites,
                    r.medianMs, r.minMs);
        j.push_back({{"model", r.model}, {"nodes", r.nodesBefore}, {"layers", r.layersAfter}, {"rewrites", r.rewrites},
                     {"median_ms", r.medianMs}, {"min_ms", r.minMs}, {"repeats", repeats}});
    }
    if (!jsonPath.empty()) {
        Status st = writeFileAtomically(jsonPath, j.dump(2) + "\n");
        if (!st.isOk()) {
            std::fprintf(stderr, "%s\n", st.toString().c_str());
            return 1;
        }
    }
    return 0;
}
