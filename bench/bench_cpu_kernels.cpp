// CPU kernel benchmark: GEMM and Conv layers and the bundled samples run through the CPU
// backend (CpuExecutor and the op registry, as a plan would run them), at 1 thread and at all
// cores. Prints a markdown table: best-of-N milliseconds and GFLOP/s (2 flops per multiply-add
// of the Conv / ConvTranspose / Gemm / MatMul / Attention layers; the other ops are timed but
// not counted).
//
//   kiln-bench-cpu-kernels [--repeats N] [--threads 1,2,...] [--only SUBSTRING] [--layers]
//                          [--isa generic|avx2|avx512]
// --layers also lists every node of the last run: op, output dims, milliseconds, GFLOP.
// --isa forces a GEMM micro-kernel variant (default: the widest the CPU has).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"
#include "ops/gemm_kernel.h"
#include "ops/parallel.h"
#include "passes/pipeline.h"

using namespace kiln;

namespace {

HostTensor randomTensor(std::vector<int64_t> dims, uint32_t seed) {
    HostTensor t(DataType::Float32, std::move(dims));
    uint32_t s = seed * 2654435761u + 1;
    for (int64_t i = 0; i < t.numel(); ++i) {
        s = s * 1664525u + 1013904223u;
        t.data<float>()[i] = float(s >> 8) / float(1 << 24) * 2.f - 1.f;
    }
    return t;
}

// One layer: X is a runtime input, W a constant; typed and shaped through an ONNX round trip.
std::unique_ptr<ir::Graph> singleLayer(const std::string& opType, std::vector<int64_t> xDims, std::vector<int64_t> wDims,
                                       std::vector<std::pair<std::string, std::vector<int64_t>>> attrs) {
    ir::Graph g;
    g.info().opsets[""] = 13;
    ir::Value* x = *g.addValue("x");
    x->setType(DataType::Float32);
    x->setShape(Shape::fromDims(xDims));
    g.addInput(x);
    ir::Value* w = g.addConstant("w", randomTensor(wDims, 7));
    ir::Value* y = g.addIntermediate("y");
    ir::Node* n = g.addNode("layer", opType, "", {x, w}, {y});
    for (auto& [name, v] : attrs) n->setAttr(name, ir::Attribute(v));
    g.addOutput(y);
    auto bytes = onnx::exportModelBytes(g);
    if (!bytes) return nullptr;
    auto imported = onnx::importModelBytes(bytes->data(), bytes->size(), {}, {.runChecker = false});
    return imported ? std::move(imported).value() : nullptr;
}

int64_t numel(const std::vector<int64_t>& d, size_t from = 0) {
    int64_t p = 1;
    for (size_t i = from; i < d.size(); ++i) p *= d[i];
    return p;
}

// The dims every value had in the current run: graph inputs and constants up front, node
// outputs as they are produced (the models' shapes are symbolic).
using DimsByValue = std::map<const ir::Value*, std::vector<int64_t>>;

std::vector<int64_t> dimsOf(const ir::Value* v, const DimsByValue& known) {
    if (!v) return {};
    if (v->constant()) return v->constant()->dims();
    auto it = known.find(v);
    return it == known.end() ? std::vector<int64_t>{} : it->second;
}

// Multiply-adds x 2 of one executed node, from its output dims and its inputs' shapes.
double flopsOf(const ir::Node& n, const std::vector<HostTensor>& outputs, const DimsByValue& known) {
    if (outputs.empty() || !outputs[0].isValid()) return 0;
    const std::vector<int64_t>& y = outputs[0].dims();
    const std::string& op = n.opType();
    const std::vector<int64_t> a = dimsOf(n.input(0), known), w = dimsOf(n.input(1), known);
    if ((op == "Conv" || op == "FusedConv") && w.size() >= 3 && w[0] > 0)
        return 2.0 * double(numel(y)) * double(numel(w, 1));
    if ((op == "ConvTranspose" || op == "FusedConvTranspose") && a.size() >= 3 && w.size() >= 3)
        return 2.0 * double(numel(a)) * double(numel(w, 1));  // every input element times W[c]
    if ((op == "MatMul" || op == "Gemm" || op == "FusedGemm") && !a.empty()) {
        const bool transA = op != "MatMul" && n.attrInt("transA", 0) != 0 && n.attrInt("matmul", 0) == 0;
        const int64_t k = transA ? a[0] : a.back();
        return 2.0 * double(numel(y)) * double(k);
    }
    if (op == "Attention" && a.size() >= 3) {
        const std::vector<int64_t> kd = dimsOf(n.input(1), known);
        const int64_t sk = kd.size() >= 2 ? kd[1] : 0;
        return 2.0 * double(a[0] * a[1]) * double(sk) * double(numel(a, 2) + numel(y, 2));
    }
    return 0;
}

struct LayerRow {
    std::string op, dims;
    double ms = 0, flops = 0;
};

struct Measurement {
    double bestMs = 0, flops = 0;
    std::vector<LayerRow> layers;  // of the last run
};

// Best of `repeats` runs after one warm-up run.
Measurement measure(const ir::Graph& g, const cpu::TensorMap& inputs, int repeats) {
    cpu::CpuExecutor exec(g);
    Measurement m;
    double flops = 0;
    DimsByValue known;
    for (const auto& [name, t] : inputs) known[g.findValue(name)] = t.dims();
    exec.setNodeCallback([&](const ir::Node& n, const std::vector<HostTensor>& outs) {
        const double f = flopsOf(n, outs, known);
        for (size_t i = 0; i < outs.size() && int(i) < n.numOutputs(); ++i)
            if (n.outputs()[i]) known[n.outputs()[i]] = outs[i].dims();
        flops += f;
        m.layers.push_back({n.opType(), outs.empty() ? "" : dimsToString(outs[0].dims()), 0, f});
    });
    m.bestMs = 1e300;
    for (int r = 0; r <= repeats; ++r) {
        flops = 0;
        m.layers.clear();
        const auto t0 = std::chrono::steady_clock::now();
        Expected<cpu::TensorMap> out = exec.run(inputs);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!out) {
            std::fprintf(stderr, "run failed: %s\n", out.status().toString().c_str());
            std::exit(1);
        }
        if (r > 0) m.bestMs = std::min(m.bestMs, ms);
        m.flops = flops;
    }
    const std::vector<cpu::NodeTiming>& timings = exec.timings();
    for (size_t i = 0; i < m.layers.size() && i < timings.size(); ++i) m.layers[i].ms = timings[i].milliseconds;
    return m;
}

struct Case {
    std::string name;
    std::unique_ptr<ir::Graph> graph;
    std::map<std::string, int64_t> symbols{};  // values of the inputs' symbolic dims (others 1)
};

std::vector<Case> makeCases() {
    std::vector<Case> cases;
    using Attrs = std::vector<std::pair<std::string, std::vector<int64_t>>>;
    for (int64_t s : {512, 1024})
        cases.push_back({"MatMul " + std::to_string(s) + "^3", singleLayer("MatMul", {s, s}, {s, s}, {})});
    cases.push_back({"Conv 3x3 1x64x56x56 -> 64",
                     singleLayer("Conv", {1, 64, 56, 56}, {64, 64, 3, 3}, Attrs{{"pads", {1, 1, 1, 1}}})});
    cases.push_back({"Conv 1x1 1x256x56x56 -> 64", singleLayer("Conv", {1, 256, 56, 56}, {64, 256, 1, 1}, {})});
    const std::vector<std::pair<std::string, std::map<std::string, int64_t>>> samples = {
        {"resnet_mini", {{"batch", 1}}}, {"resnet_mini", {{"batch", 8}}}, {"encoder_mini", {{"batch", 1}, {"sequence", 64}}}};
    for (const auto& [s, symbols] : samples) {
        auto g = onnx::importModelFile(std::string(KILN_SOURCE_DIR) + "/resources/models/" + s + ".onnx");
        if (!g) {
            std::fprintf(stderr, "%s\n", g.status().toString().c_str());
            std::exit(1);
        }
        auto optimized = (*g)->clone();
        Status st = passes::optimize(*optimized, {.level = 3}, nullptr);
        if (!st.isOk()) {
            std::fprintf(stderr, "%s: %s\n", s.c_str(), st.toString().c_str());
            std::exit(1);
        }
        std::string label = s;
        for (const auto& [name, v] : symbols) label += " " + name + "=" + std::to_string(v);
        cases.push_back({label + " (as imported)", std::move(*g), symbols});
        cases.push_back({label + " (level 3)", std::move(optimized), symbols});
    }
    return cases;
}

std::vector<int> parseThreads(const char* s) {
    std::vector<int> out;
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, ',');) out.push_back(part == "all" ? 0 : std::atoi(part.c_str()));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    int repeats = 5;
    std::vector<int> threads{1, 0};
    std::string only;
    bool layers = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = parseThreads(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!std::strcmp(argv[i], "--layers")) layers = true;
        else if (!std::strcmp(argv[i], "--isa") && i + 1 < argc) {
            const std::string name = argv[++i];
            for (ops::gemm::Isa isa : ops::gemm::availableIsas())
                if (name == ops::gemm::isaName(isa)) ops::gemm::setIsa(isa);
            if (name != ops::gemm::isaName(ops::gemm::activeIsa())) {
                std::fprintf(stderr, "GEMM variant %s is not available on this CPU\n", name.c_str());
                return 2;
            }
        }
        else {
            std::fprintf(stderr, "usage: %s [--repeats N] [--threads 1,all] [--only SUBSTRING] [--layers] [--isa NAME]\n", argv[0]);
            return 2;
        }
    }
    std::vector<Case> cases = makeCases();
    std::printf("GEMM micro-kernel: %s\n\n", ops::gemm::isaName(ops::gemm::activeIsa()));
    std::printf("| case | threads | best ms | GFLOP/s |\n|---|---:|---:|---:|\n");
    for (Case& c : cases) {
        if (!c.graph) {
            std::fprintf(stderr, "%s: could not build the graph\n", c.name.c_str());
            return 1;
        }
        if (!only.empty() && c.name.find(only) == std::string::npos) continue;
        Expected<cpu::TensorMap> inputs = cpu::makeRandomInputs(*c.graph, 42, c.symbols);
        if (!inputs) {
            std::fprintf(stderr, "%s: %s\n", c.name.c_str(), inputs.status().toString().c_str());
            return 1;
        }
        for (int t : threads) {
            ops::setCpuThreadCount(t);
            const Measurement m = measure(*c.graph, *inputs, repeats);
            std::printf("| %s | %d | %.2f | %.2f |\n", c.name.c_str(), ops::cpuThreadCount(), m.bestMs,
                        m.flops / (m.bestMs * 1e6));
            if (layers)
                for (const LayerRow& l : m.layers)
                    std::printf("|   %s %s | | %.3f | %.4f GFLOP |\n", l.op.c_str(), l.dims.c_str(), l.ms, l.flops / 1e9);
            std::fflush(stdout);
        }
    }
    ops::setCpuThreadCount(0);
    return 0;
}
