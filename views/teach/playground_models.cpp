#include "teach/playground_models.h"

#include <cmath>
#include <random>

#include "onnx/exporter.h"
#include "onnx/importer.h"

namespace kiln::views {

namespace {

constexpr int64_t kChannels = 8, kSize = 16, kClasses = 10;

// Builds nodes by hand, then goes through ONNX export and import so that the model is checked,
// typed and shaped exactly like a file the studio opens.
class ModelBuilder {
public:
    ModelBuilder() { m_g.info().opsets[""] = 17; m_g.info().graphName = "playground"; m_g.info().producerName = "kiln playground"; }

    ir::Value* input(const std::string& name, std::vector<int64_t> dims) {
        ir::Value* v = *m_g.addValue(name);
        v->setType(DataType::Float32);
        v->setShape(Shape::fromDims(dims));
        m_g.addInput(v);
        return v;
    }
    // Uniform in [lo, hi), the same for a name every time (FNV-1a of the name seeds it).
    ir::Value* weights(const std::string& name, std::vector<int64_t> dims, float lo, float hi) {
        uint64_t seed = 1469598103934665603ull;
        for (char ch : name) seed = (seed ^ uint8_t(ch)) * 1099511628211ull;
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<float> d(lo, hi);
        HostTensor t(DataType::Float32, std::move(dims));
        for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
        return m_g.addConstant(name, std::move(t));
    }
    ir::Value* scalar(const std::string& name, float v) { return m_g.addConstant(name, HostTensor::scalar(DataType::Float32, v)); }
    ir::Value* op(const std::string& type, const std::string& name, std::vector<ir::Value*> inputs,
                  std::vector<std::pair<std::string, ir::Attribute>> attrs = {}) {
        ir::Value* out = m_g.addIntermediate(name + "_out");
        ir::Node* n = m_g.addNode(name, type, "", inputs, {out});
        for (auto& [k, a] : attrs) n->setAttr(k, std::move(a));
        return out;
    }
    void output(ir::Value* v) { m_g.addOutput(v); }

    Expected<std::unique_ptr<ir::Graph>> build() {
        KILN_ASSIGN_OR_RETURN(std::string bytes, onnx::exportModelBytes(m_g));
        // Graph outputs are typed by shape inference, after the checker would have wanted them.
        KILN_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> g,
                              onnx::importModelBytes(bytes.data(), bytes.size(), {}, {.runChecker = false}));
        KILN_RETURN_IF_ERROR(g->topologicalSort());
        KILN_RETURN_IF_ERROR(g->verify());
        return g;
    }

private:
    ir::Graph m_g;
};

ir::Value* conv(ModelBuilder& b, const std::string& name, ir::Value* x, int64_t in) {
    const float bound = 1.f / std::sqrt(float(in * 9));
    return b.op("Conv", name, {x, b.weights(name + ".weight", {kChannels, in, 3, 3}, -bound, bound),
                               b.weights(name + ".bias", {kChannels}, -0.1f, 0.1f)},
                {{"kernel_shape", ir::Attribute(std::vector<int64_t>{3, 3})},
                 {"pads", ir::Attribute(std::vector<int64_t>{1, 1, 1, 1})}});
}

ir::Value* batchNorm(ModelBuilder& b, const std::string& name, ir::Value* x) {
    return b.op("BatchNormalization", name,
                {x, b.weights(name + ".weight", {kChannels}, 0.5f, 1.5f), b.weights(name + ".bias", {kChannels}, -0.2f, 0.2f),
                 b.weights(name + ".running_mean", {kChannels}, -0.2f, 0.2f),
                 b.weights(name + ".running_var", {kChannels}, 0.5f, 1.5f)},
                {{"epsilon", ir::Attribute(1e-5f)}});
}

ir::Value* activation(ModelBuilder& b, PlaygroundActivation a, const std::string& name, ir::Value* x) {
    using A = PlaygroundActivation;
    switch (a) {
    case A::None: return x;
    case A::Relu: return b.op("Relu", name, {x});
    case A::LeakyRelu: return b.op("LeakyRelu", name, {x}, {{"alpha", ir::Attribute(0.1f)}});
    case A::Sigmoid: return b.op("Sigmoid", name, {x});
    case A::Tanh: return b.op("Tanh", name, {x});
    case A::Relu6: return b.op("Clip", name, {x, b.scalar(name + ".min", 0.f), b.scalar(name + ".max", 6.f)});
    case A::HardSwish: return b.op("HardSwish", name, {x});
    case A::Silu: return b.op("Mul", name + "_mul", {x, b.op("Sigmoid", name + "_sigmoid", {x})});
    case A::Gelu: {
        // x · 0.5 · (1 + erf(x / √2)), as PyTorch exports nn.GELU()
        ir::Value* e = b.op("Erf", name + "_erf", {b.op("Div", name + "_div", {x, b.scalar(name + ".sqrt2", 1.4142135f)})});
        ir::Value* onePlus = b.op("Add", name + "_add", {e, b.scalar(name + ".one", 1.f)});
        return b.op("Mul", name + "_half", {b.op("Mul", name + "_mul", {x, onePlus}), b.scalar(name + ".half", 0.5f)});
    }
    case A::Softsign: return b.op("Softsign", name, {x});
    }
    return x;
}

}  // namespace

const char* activationName(PlaygroundActivation a) {
    using A = PlaygroundActivation;
    switch (a) {
    case A::None: return "None";
    case A::Relu: return "Relu";
    case A::LeakyRelu: return "LeakyRelu(0.1)";
    case A::Sigmoid: return "Sigmoid";
    case A::Tanh: return "Tanh";
    case A::Relu6: return "Relu6 (Clip 0..6)";
    case A::HardSwish: return "HardSwish";
    case A::Silu: return "SiLU (x·sigmoid(x))";
    case A::Gelu: return "GELU (erf form)";
    case A::Softsign: return "Softsign";
    }
    return "?";
}

std::vector<PlaygroundActivation> allPlaygroundActivations() {
    using A = PlaygroundActivation;
    return {A::Relu, A::LeakyRelu, A::Sigmoid, A::Tanh, A::Relu6, A::HardSwish, A::Silu, A::Gelu, A::Softsign, A::None};
}

Expected<std::unique_ptr<ir::Graph>> buildPlaygroundModel(const PlaygroundOptions& o) {
    ModelBuilder b;
    ir::Value* x = b.input("input", {1, 3, kSize, kSize});
    // [1, 3, 16, 16] -> [1, 8, 16, 16]
    ir::Value* y = conv(b, "conv1", x, 3);
    if (o.batchNorm) y = batchNorm(b, "bn1", y);
    if (o.secondConsumer) b.output(b.op("GlobalAveragePool", "tap", {y}));  // reads the tensor act1 reads
    ir::Value* a1 = activation(b, o.activation, "act1", y);
    y = conv(b, "conv2", a1, kChannels);
    if (o.batchNorm) y = batchNorm(b, "bn2", y);
    if (o.residual) y = b.op("Add", "add", {y, a1});
    y = b.op("Relu", "relu2", {y});
    // [1, 8, 16, 16] -> [1, 8, 1, 1] -> [1, 8] -> [1, 10]
    y = b.op("Flatten", "flatten", {b.op("GlobalAveragePool", "pool", {y})});
    const float bound = 1.f / std::sqrt(float(kChannels));
    ir::Value* logits = b.op("Gemm", "fc", {y, b.weights("fc.weight", {kClasses, kChannels}, -bound, bound),
                                            b.weights("fc.bias", {kClasses}, -0.1f, 0.1f)},
                             {{"transB", ir::Attribute(int64_t(1))}});
    b.output(logits);
    return b.build();
}

}  // namespace kiln::views
