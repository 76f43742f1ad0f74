// Kiln's own CUDA kernels (pooling, reductions, softmax, normalizations, attention: the tactics of
// engine/backends/cuda/own_tactics*.cpp) against the CPU reference kernels, every tactic, on
// random shapes and attribute sets at FP32 and FP16 (TF32 once per op family: the same kernels as
// FP32). Includes odd and non-power-of-two sizes, rows longer than a warp handles (4096+), fully
// masked attention rows and broadcast masks. attentionTiming prints the tactics' times for the
// BERT-base attention shape.
#include <QtTest>

#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "support/cuda_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using cuda::Precision;

namespace {

using Dims = std::vector<int64_t>;
using Attrs = std::vector<std::pair<std::string, ir::Attribute>>;

HostTensor uniform(const Dims& dims, uint64_t seed, float lo = -1.f, float hi = 1.f) {
    HostTensor t(DataType::Float32, dims);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    return t;
}

HostTensor ints(const std::vector<int64_t>& v) { return HostTensor::fromVector<int64_t>({int64_t(v.size())}, v); }

// One input of the node: a graph input with dims (float32 unless typed), a constant, or omitted.
struct Input {
    std::string name;
    Dims dims;
    HostTensor constant;
};
Input in(std::string name, Dims dims) { return {std::move(name), std::move(dims), {}}; }
Input constant(std::string name, HostTensor t) { return {std::move(name), t.dims(), std::move(t)}; }
Input omitted() { return {}; }

// A graph with one node. Every graph gets new node and value names: a test's session keeps the
// weights it uploaded by name, and so do the kernels that prepare their own.
std::unique_ptr<ir::Graph> oneNode(const std::string& opType, const std::string& domain, int opset,
                                   const std::vector<Input>& inputs, int outputs, const Attrs& attrs = {}) {
    static int graphs = 0;
    const std::string prefix = "g" + std::to_string(++graphs) + ".";
    auto g = std::make_unique<ir::Graph>();
    g->info().opsets[domain] = opset;
    std::vector<ir::Value*> ins, outs;
    for (const Input& i : inputs) {
        if (i.name.empty()) {
            ins.push_back(nullptr);
            continue;
        }
        ir::Value* v = *g->addValue(prefix + i.name);
        if (i.constant.isValid()) {
            v->setConstant(i.constant);
        } else {
            v->setType(DataType::Float32);
            v->setShape(Shape::fromDims(i.dims));
            g->addInput(v);
        }
        ins.push_back(v);
    }
    for (int o = 0; o < outputs; ++o) {
        outs.push_back(*g->addValue(prefix + "y" + std::to_string(o)));
        g->addOutput(outs.back());
    }
    ir::Node* n = g->addNode(prefix + "node", opType, domain, ins, outs);
    n->setOpsetVersion(opset);
    for (const auto& [name, a] : attrs) n->setAttr(name, a);
    return g;
}

const ir::Node& theNode(const ir::Graph& g) { return *g.nodes().front(); }

// Random inputs in [-1, 1) for the node's graph inputs (dims from the graph).
std::vector<HostTensor> randomInputs(const ir::Graph& g, uint64_t seed) {
    const ir::Node& n = theNode(g);
    std::vector<HostTensor> out;
    for (int i = 0; i < n.numInputs(); ++i) {
        const ir::Value* v = n.input(i);
        out.push_back(v && !v->constant() ? uniform(*v->shape().staticDims(), seed + uint64_t(i)) : HostTensor());
    }
    return out;
}

// checkAllTactics at each precision; the error names the precision and the case.
Status checkPrecisions(cuda::Session& gpu, const ir::Graph& g, const std::vector<HostTensor>& inputs,
                       const std::string& what, std::initializer_list<Precision> precisions = {Precision::FP32, Precision::FP16}) {
    for (Precision p : precisions) {
        Status s = test::checkAllTactics(gpu, theNode(g), p, inputs);
        if (!s) return s.prefix(what + " at " + cuda::precisionName(p));
    }
    return Status::ok();
}

// FP32 and FP16 always; TF32 too for the first case of a test.
std::initializer_list<Precision> precisionsFor(size_t caseIndex) {
    static const std::initializer_list<Precision> all = {Precision::FP32, Precision::FP16, Precision::TF32};
    static const std::initializer_list<Precision> two = {Precision::FP32, Precision::FP16};
    return caseIndex == 0 ? all : two;
}

std::string str(const Dims& d) { return dimsToString(d); }

}  // namespace

class TestCudaKernels : public QObject {
    Q_OBJECT

private slots:
    void pooling();
    void globalPooling();
    void softmax();
    void layerNorm();
    void batchInstanceGroupNorm();
    void reductions();
    void argExtremes();
    void attention();
    void attentionTiming();
};

void TestCudaKernels::pooling() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        const char* op;
        Dims x;
        Attrs attrs;
    };
    const std::vector<Case> cases = {
        {"MaxPool", {2, 3, 9, 11}, {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}}},
        {"MaxPool", {1, 4, 10, 13}, {{"kernel_shape", Dims{3, 2}}, {"strides", Dims{2, 3}}, {"ceil_mode", int64_t(1)}}},
        {"MaxPool", {2, 2, 12, 12}, {{"kernel_shape", Dims{3, 3}}, {"dilations", Dims{2, 1}}, {"pads", Dims{0, 1, 2, 0}}}},
        {"MaxPool", {1, 3, 7, 8}, {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"auto_pad", std::string("SAME_UPPER")}}},
        {"MaxPool", {2, 5, 17}, {{"kernel_shape", Dims{4}}, {"strides", Dims{3}}, {"pads", Dims{1, 2}}, {"ceil_mode", int64_t(1)}}},
        {"MaxPool", {1, 2, 5, 6, 7}, {{"kernel_shape", Dims{2, 3, 2}}, {"strides", Dims{1, 2, 2}}, {"pads", Dims{1, 0, 1, 0, 1, 1}}}},
        {"AveragePool", {2, 3, 9, 11}, {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}}},
        {"AveragePool",
         {2, 3, 9, 11},
         {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"pads", Dims{1, 0, 2, 1}}, {"count_include_pad", int64_t(1)}}},
        {"AveragePool",
         {1, 4, 10, 13},
         {{"kernel_shape", Dims{2, 3}}, {"strides", Dims{3, 2}}, {"ceil_mode", int64_t(1)}, {"pads", Dims{1, 1, 0, 0}},
          {"count_include_pad", int64_t(1)}}},
        {"AveragePool", {1, 3, 7, 8}, {{"kernel_shape", Dims{4, 3}}, {"auto_pad", std::string("SAME_LOWER")}}},
        {"AveragePool", {2, 2, 9, 9}, {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"auto_pad", std::string("VALID")}}},
        {"AveragePool", {3, 5, 17}, {{"kernel_shape", Dims{5}}, {"strides", Dims{2}}, {"pads", Dims{2, 2}}, {"count_include_pad", int64_t(1)}}},
        {"AveragePool", {1, 2, 6, 5, 7}, {{"kernel_shape", Dims{3, 2, 3}}, {"strides", Dims{2, 1, 2}}, {"pads", Dims{1, 1, 1, 1, 0, 1}}}},
        {"AveragePool", {32, 64, 56, 56}, {{"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}}}},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        auto g = oneNode(c.op, "", 19, {in("x", c.x)}, 1, c.attrs);
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 10 + i), std::string(c.op) + " " + str(c.x) + " case " +
                                                                            std::to_string(i), precisionsFor(i)));
    }
}

void TestCudaKernels::globalPooling() {
    KILN_SKIP_WITHOUT_GPU();
    const std::vector<Dims> shapes = {{2, 64, 7, 7}, {3, 5, 13}, {1, 3, 2, 3, 4}, {1, 4, 64, 64}, {2, 7, 1, 1}};
    size_t i = 0;
    for (const char* op : {"GlobalAveragePool", "GlobalMaxPool"}) {
        for (const Dims& x : shapes) {
            auto g = oneNode(op, "", 13, {in("x", x)}, 1);
            KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 20 + i), std::string(op) + " " + str(x), precisionsFor(i)));
            ++i;
        }
    }
}

void TestCudaKernels::softmax() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        int opset;
        Dims x;
        int64_t axis;
    };
    const std::vector<Case> cases = {
        {13, {4, 7}, -1},         {13, {3, 1000}, -1},      {13, {2, 4096}, -1},       {13, {5, 12, 128}, -1},
        {13, {3, 50, 768}, -1},   {13, {2, 3, 4, 5}, 1},    {13, {6, 9, 31}, 0},        {13, {1, 20000}, -1},
        {13, {2, 3, 5000}, 2},    {13, {7, 33}, 1},         {11, {2, 3, 4, 5}, 1},      {11, {2, 3, 4, 5}, 2},
        {11, {3, 40, 70}, 1},     {12, {4, 9}, -1},
    };
    size_t k = 0;
    for (const char* op : {"Softmax", "LogSoftmax"}) {
        for (const Case& c : cases) {
            auto g = oneNode(op, "", c.opset, {in("x", c.x)}, 1, {{"axis", c.axis}});
            KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 30 + k),
                                           std::string(op) + " opset " + std::to_string(c.opset) + " " + str(c.x) +
                                               " axis " + std::to_string(c.axis),
                                           precisionsFor(k)));
            ++k;
        }
    }
}

void TestCudaKernels::layerNorm() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        const char* domain;
        Dims x;
        int64_t axis;
        Dims scale;  // broadcast to x.dims[axis:]
        bool bias;
        int outputs;  // 3: Mean and InvStdDev too
    };
    const std::vector<Case> cases = {
        {"", {4, 768}, -1, {768}, true, 1},
        {"", {3, 5, 1000}, -1, {1000}, false, 1},
        {"", {2, 6, 4096}, -1, {4096}, true, 1},
        {"", {2, 3, 4, 5}, 1, {3, 4, 5}, true, 1},
        {"", {2, 3, 4, 5}, -2, {5}, true, 3},
        {"", {2, 17000}, -1, {17000}, true, 1},
        {"", {5, 37}, -1, {37}, true, 3},
        {"kiln", {2, 128, 768}, -1, {768}, true, 1},
        {"kiln", {3, 10, 99}, -1, {99}, false, 1},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        std::vector<Input> inputs = {in("x", c.x), constant("scale", uniform(c.scale, 100 + i, 0.5f, 1.5f))};
        if (c.bias) inputs.push_back(constant("bias", uniform(c.scale, 200 + i)));
        const bool onnx = std::string(c.domain).empty();
        auto g = oneNode("LayerNormalization", c.domain, onnx ? 17 : 1, inputs, c.outputs,
                         {{"axis", c.axis}, {"epsilon", onnx ? 1e-5f : 1e-12f}});
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 40 + i),
                                       std::string(onnx ? "" : "kiln.") + "LayerNormalization " + str(c.x) + " axis " +
                                           std::to_string(c.axis),
                                       precisionsFor(i)));
    }
}

void TestCudaKernels::batchInstanceGroupNorm() {
    KILN_SKIP_WITHOUT_GPU();
    // BatchNormalization (inference): opset 15, and opset 7 with spatial = 0 (per-activation parameters).
    const std::vector<Dims> bnShapes = {{2, 16, 7, 9}, {4, 8}, {1, 3, 5, 6, 7}};
    for (size_t i = 0; i < bnShapes.size(); ++i) {
        const Dims c = {bnShapes[i][1]};
        auto g = oneNode("BatchNormalization", "", 15,
                         {in("x", bnShapes[i]), constant("scale", uniform(c, 1)), constant("b", uniform(c, 2)),
                          constant("mean", uniform(c, 3)), constant("var", uniform(c, 4, 0.1f, 1.f))},
                         1, {{"epsilon", 1e-3f}});
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 50 + i), "BatchNormalization " + str(bnShapes[i]), precisionsFor(i)));
    }
    {
        const Dims x = {2, 3, 4}, p = {3, 4};
        auto g = oneNode("BatchNormalization", "", 7,
                         {in("x", x), constant("scale", uniform(p, 1)), constant("b", uniform(p, 2)),
                          constant("mean", uniform(p, 3)), constant("var", uniform(p, 4, 0.1f, 1.f))},
                         1, {{"spatial", int64_t(0)}});
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 55), "BatchNormalization spatial=0"));
    }
    const std::vector<Dims> inShapes = {{2, 5, 7, 9}, {3, 4, 1000}, {1, 3, 64, 64}, {2, 6, 1}};
    for (size_t i = 0; i < inShapes.size(); ++i) {
        const Dims c = {inShapes[i][1]};
        auto g = oneNode("InstanceNormalization", "", 6,
                         {in("x", inShapes[i]), constant("scale", uniform(c, 5)), constant("b", uniform(c, 6))}, 1,
                         {{"epsilon", 1e-5f}});
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 60 + i), "InstanceNormalization " + str(inShapes[i]), precisionsFor(i)));
    }
    struct GroupCase {
        int opset;
        Dims x;
        int64_t groups;
        int64_t params;  // num_groups (opset 18) or C (opset 21)
    };
    const std::vector<GroupCase> gnCases = {{18, {2, 8, 5, 5}, 4, 4}, {21, {2, 12, 33}, 3, 12}, {21, {1, 32, 16, 16}, 8, 32},
                                            {21, {3, 6, 7}, 6, 6}};
    for (size_t i = 0; i < gnCases.size(); ++i) {
        const GroupCase& c = gnCases[i];
        auto g = oneNode("GroupNormalization", "", c.opset,
                         {in("x", c.x), constant("scale", uniform({c.params}, 7)), constant("bias", uniform({c.params}, 8))},
                         1, {{"num_groups", c.groups}, {"epsilon", 1e-5f}});
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, randomInputs(*g, 70 + i), "GroupNormalization " + str(c.x) + " groups " +
                                                                             std::to_string(c.groups), precisionsFor(i)));
    }
}

void TestCudaKernels::reductions() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        Dims x;
        std::optional<Dims> axes;  // none: every axis (or the identity with noop_with_empty_axes)
        int64_t keepdims;
        int64_t noop;
    };
    const std::vector<Case> cases = {
        {{3, 4, 5}, Dims{1}, 1, 0},      {{6, 1000}, Dims{-1}, 1, 0},   {{2, 4096}, Dims{1}, 0, 0},
        {{4, 3000}, Dims{1}, 0, 0},      {{2, 3, 4, 5}, Dims{0, 2}, 1, 0}, {{2, 3, 4, 5}, std::nullopt, 0, 0},
        {{2, 3, 4, 5}, std::nullopt, 1, 1}, {{5, 1, 7}, Dims{1}, 1, 0},  {{7, 9, 11}, Dims{0, 1}, 0, 0},
        {{3, 2, 5, 4, 3}, Dims{1, 3}, 1, 0}, {{33, 65}, Dims{0}, 1, 0},
    };
    const char* ops[] = {"ReduceSum",  "ReduceMean", "ReduceMax", "ReduceMin",       "ReduceProd",
                         "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp"};
    size_t k = 0;
    for (const char* op : ops) {
        const std::string name = op;
        const bool positive = name == "ReduceProd" || name == "ReduceLogSum";  // keeps products and logs finite
        const int inputOpset = name == "ReduceSum" ? 13 : 18;
        for (size_t i = 0; i < cases.size(); ++i, ++k) {
            const Case& c = cases[i];
            int64_t reducedCount = 1;
            for (size_t a = 0; a < c.x.size(); ++a) {
                bool r = !c.axes;
                if (c.axes)
                    for (int64_t ax : *c.axes) r = r || (ax < 0 ? ax + int64_t(c.x.size()) : ax) == int64_t(a);
                if (r) reducedCount *= c.x[a];
            }
            if (name == "ReduceProd" && reducedCount > 64) continue;  // float16 cannot hold long products
            // Axes as the constant input from its opset, and once as the attribute of opset 11.
            for (int opset : {inputOpset, 11}) {
                if (opset == 11 && (i % 3 != 0 || c.noop)) continue;
                std::vector<Input> inputs = {in("x", c.x)};
                Attrs attrs = {{"keepdims", c.keepdims}};
                if (opset >= 13) attrs.emplace_back("noop_with_empty_axes", c.noop);
                if (c.axes && opset >= 13) inputs.push_back(constant("axes", ints(*c.axes)));
                if (c.axes && opset < 13) attrs.emplace_back("axes", *c.axes);
                auto g = oneNode(op, "", opset, inputs, 1, attrs);
                std::vector<HostTensor> x = {positive ? uniform(c.x, 80 + k, 0.8f, 1.25f) : uniform(c.x, 80 + k)};
                x.resize(size_t(theNode(*g).numInputs()));
                KILN_VERIFY_OK(checkPrecisions(gpu, *g, x,
                                               name + " opset " + std::to_string(opset) + " " + str(c.x) + " axes " +
                                                   (c.axes ? str(*c.axes) : "none") + " keepdims " + std::to_string(c.keepdims),
                                               precisionsFor(k)));
            }
        }
    }
}

void TestCudaKernels::argExtremes() {
    KILN_SKIP_WITHOUT_GPU();
    struct Case {
        Dims x;
        int64_t axis, keepdims, selectLast;
    };
    const std::vector<Case> cases = {{{4, 1000}, 1, 1, 0}, {{3, 4, 5}, 1, 0, 1}, {{2, 4096}, -1, 1, 1},
                                     {{6, 7, 8}, 0, 1, 0}, {{5, 33}, -1, 0, 0}, {{2, 3, 70, 2}, 2, 1, 1}};
    size_t k = 0;
    for (const char* op : {"ArgMax", "ArgMin"}) {
        for (const Case& c : cases) {
            auto g = oneNode(op, "", 13, {in("x", c.x)}, 1,
                             {{"axis", c.axis}, {"keepdims", c.keepdims}, {"select_last_index", c.selectLast}});
            // Multiples of 1/256 in [-8, 8): exact in float16, so both precisions see the same
            // values, and with many ties (which exercise select_last_index).
            HostTensor x(DataType::Float32, c.x);
            std::mt19937_64 rng(90 + k);
            std::uniform_int_distribution<int> u(-2048, 2047);
            for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = float(u(rng)) / 256.f;
            KILN_VERIFY_OK(checkPrecisions(gpu, *g, {x}, std::string(op) + " " + str(c.x) + " axis " + std::to_string(c.axis),
                                           precisionsFor(k)));
            ++k;
        }
    }
}

namespace {

struct AttentionCase {
    int64_t b, sq, sk, heads, d, dv;
    Dims mask;  // empty: none
    float scale;
    int64_t zeroNan;
};

// Q, K, V random; the mask random 0 / -10000 (BERT's padding mask) with some -inf.
std::unique_ptr<ir::Graph> attentionGraph(const AttentionCase& c, std::vector<HostTensor>& inputs, uint64_t seed) {
    std::vector<Input> ins = {in("q", {c.b, c.sq, c.heads * c.d}), in("k", {c.b, c.sk, c.heads * c.d}),
                              in("v", {c.b, c.sk, c.heads * c.dv})};
    if (!c.mask.empty()) ins.push_back(in("mask", c.mask));
    auto g = oneNode("Attention", "kiln", 1, ins, 1,
                     {{"num_heads", c.heads}, {"scale", c.scale}, {"zero_nan_rows", c.zeroNan}});
    inputs = randomInputs(*g, seed);
    if (!c.mask.empty()) {
        HostTensor& m = inputs[3];
        std::mt19937_64 rng(seed + 7);
        std::uniform_int_distribution<int> u(0, 9);
        for (int64_t i = 0; i < m.numel(); ++i) {
            const int r = u(rng);
            m.data<float>()[i] = r < 6 ? 0.f : r < 9 ? -10000.f : -std::numeric_limits<float>::infinity();
        }
    }
    return g;
}

}  // namespace

void TestCudaKernels::attention() {
    KILN_SKIP_WITHOUT_GPU();
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<AttentionCase> cases = {
        {2, 128, 128, 12, 64, 64, {2, 1, 1, 128}, 0.125f, 0},  // BERT-base
        {1, 77, 77, 4, 32, 32, {1, 1, 77, 77}, 0.17f, 0},
        {2, 33, 200, 2, 128, 128, {}, 0.09f, 0},
        {2, 50, 61, 3, 48, 80, {50, 61}, 0.2f, 0},             // Dv != D, a rank-2 mask
        {1, 600, 600, 2, 64, 64, {1, 1, 1, 600}, 0.125f, 0},   // longer than 512
        {3, 17, 9, 5, 16, 16, {3, 5, 17, 9}, 1.f, 0},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        std::vector<HostTensor> inputs;
        auto g = attentionGraph(cases[i], inputs, 100 + i);
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, inputs, "Attention case " + std::to_string(i), precisionsFor(i)));
    }
    // Fully masked query rows (every key -inf): NaN rows without zero_nan_rows, zeros with it.
    // The first 70 keys are masked for every row too, so a whole 64-key tile is -inf.
    for (int64_t zeroNan : {1, 0}) {
        const AttentionCase c = {2, 40, 130, 2, 64, 64, {2, 1, 40, 130}, 0.125f, zeroNan};
        std::vector<HostTensor> inputs;
        auto g = attentionGraph(c, inputs, 200 + uint64_t(zeroNan));
        float* m = inputs[3].data<float>();
        for (int64_t row = 0; row < 2 * 40; ++row)
            for (int64_t j = 0; j < 130; ++j)
                if (row % 7 == 3 || j < 70) m[row * 130 + j] = -inf;
        KILN_VERIFY_OK(checkPrecisions(gpu, *g, inputs, "Attention, masked rows, zero_nan_rows " + std::to_string(zeroNan)));
    }
}

void TestCudaKernels::attentionTiming() {
    KILN_SKIP_WITHOUT_GPU();
    for (int64_t batch : {1, 64}) {
        const AttentionCase c = {batch, 128, 128, 12, 64, 64, {batch, 1, 1, 128}, 0.125f, 0};
        std::vector<HostTensor> inputs;
        auto g = attentionGraph(c, inputs, 300);
        const ir::Node& n = theNode(*g);
        auto want = cuda::cpuReference(n, inputs);
        KILN_VERIFY_EXPECTED(want);
        const cuda::LayerShapes shapes = cuda::layerShapes(n, Precision::FP16, inputs, *want);
        const cuda::TacticQuery q{n, Precision::FP16, shapes, gpu.device()};
        auto tactics = cuda::TacticRegistry::builtin().tactics(q);
        KILN_VERIFY_EXPECTED(tactics);
        for (const cuda::Tactic& t : *tactics) {
            auto trial = cuda::runTactic(gpu, n, Precision::FP16, t, inputs, *want,
                                         {.warmupRuns = 10, .timedRuns = 200, .readOutputs = true});
            KILN_VERIFY_EXPECTED(trial);
            const double rel = relativeL2(trial->outputs[0], (*want)[0]);
            qInfo("attention B=%lld S=128 H=12 D=64 FP16 on %s: %-22s median %.4f ms (rel L2 %.2e)", (long long)batch,
                  gpu.device().name.c_str(), t.name.c_str(), trial->medianMs, rel);
            QVERIFY(rel <= 1e-2);
        }
    }
}

QTEST_GUILESS_MAIN(TestCudaKernels)
#include "test_cuda_kernels.moc"
