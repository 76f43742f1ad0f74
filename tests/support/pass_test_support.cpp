#include <QtGlobal>
#include "support/pass_test_support.h"

#include <random>

#include "backends/cpu/cpu_executor.h"
#include "core/compare.h"
#include "onnx/exporter.h"
#include "onnx/importer.h"

namespace kiln::test {

TestGraph::TestGraph(int opset) : m_opset(opset) { m_g.info().opsets[""] = opset; }

ir::Value* TestGraph::input(const std::string& name, std::vector<int64_t> dims, DataType type) {
    ir::Value* v = *m_g.addValue(name);
    v->setType(type);
    v->setShape(Shape::fromDims(dims));
    m_g.addInput(v);
    return v;
}

ir::Value* TestGraph::constant(const std::string& name, HostTensor t) { return m_g.addConstant(name, std::move(t)); }

ir::Value* TestGraph::randomConstant(const std::string& name, std::vector<int64_t> dims, float lo, float hi) {
    std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(name)));
    std::uniform_real_distribution<float> d(lo, hi);
    HostTensor t(DataType::Float32, std::move(dims));
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
    return constant(name, std::move(t));
}

ir::Value* TestGraph::op(const std::string& opType, std::vector<ir::Value*> inputs, Attrs attrs, const std::string& name) {
    return opN(opType, std::move(inputs), 1, std::move(attrs), name)[0];
}

std::vector<ir::Value*> TestGraph::opN(const std::string& opType, std::vector<ir::Value*> inputs, int outputs,
                                       Attrs attrs, const std::string& name) {
    const std::string n = name.empty() ? opType + "_" + std::to_string(m_counter++) : name;
    std::vector<ir::Value*> outs;
    for (int i = 0; i < outputs; ++i) outs.push_back(m_g.addIntermediate(n + (outputs > 1 ? "_out" + std::to_string(i) : "_out")));
    ir::Node* node = m_g.addNode(n, opType, "", inputs, outs);
    for (auto& [k, a] : attrs) node->setAttr(k, a);
    return outs;
}

void TestGraph::output(ir::Value* v) { m_g.addOutput(v); }

std::unique_ptr<ir::Graph> TestGraph::build() {
    auto bytes = onnx::exportModelBytes(m_g);
    if (!bytes) {
        qWarning("TestGraph export failed: %s", bytes.status().toString().c_str());
        return nullptr;
    }
    // The checker wants graph outputs typed, which hand-built graphs leave to shape inference.
    auto g = onnx::importModelBytes(bytes->data(), bytes->size(), {}, {.runChecker = false});
    if (!g) {
        qWarning("TestGraph import failed: %s", g.status().toString().c_str());
        return nullptr;
    }
    for (const ir::Value* v : (*g)->values())
        if (v->dtype() == DataType::Undefined) {
            qWarning("TestGraph: shape inference left '%s' untyped", v->name().c_str());
            return nullptr;
        }
    return std::move(g).value();
}

PassResult runPass(const ir::Graph& g, passes::Pass& pass) {
    PassResult r;
    r.graph = g.clone();
    r.log.begin(*r.graph);
    r.log.beginPass(pass.name(), pass.description(), *r.graph);
    passes::PassContext ctx(r.log, ops::OpRegistry::builtin());
    r.status = pass.run(*r.graph, ctx);
    if (r.status.isOk()) r.status = r.graph->topologicalSort();
    r.graph->pruneUnusedValues();
    if (r.status.isOk()) r.status = r.graph->verify();
    r.log.endPass(*r.graph, 0.0);
    return r;
}

int countOps(const ir::Graph& g, const std::string& opType, const std::string& domain) {
    int n = 0;
    for (auto& node : g.nodes())
        if (node->opType() == opType && node->domain() == domain) ++n;
    return n;
}

std::string checkEquivalent(const ir::Graph& before, const ir::Graph& after, double maxRelL2, uint64_t seed) {
    std::map<std::string, int64_t> symbols;
    for (const ir::Value* v : before.runtimeInputs())
        for (const Dim& d : v->shape().dims())
            if (d.isSymbolic()) symbols[d.symbol] = 2;
    auto inputs = cpu::makeRandomInputs(before, seed, symbols, 2);
    if (!inputs) return "inputs: " + inputs.status().toString();
    return checkEquivalentOn(before, after, *inputs, maxRelL2);
}

std::string checkEquivalentOn(const ir::Graph& before, const ir::Graph& after, const cpu::TensorMap& inputs,
                              double maxRelL2) {
    cpu::CpuExecutor a(before), b(after);
    auto ra = a.run(inputs);
    if (!ra) return "before: " + ra.status().toString();
    auto rb = b.run(inputs);
    if (!rb) return "after: " + rb.status().toString();
    for (auto& [name, t] : *ra) {
        auto it = rb->find(name);
        if (it == rb->end()) return "output '" + name + "' is missing after the pass";
        CompareResult c = compareTensors(it->second, t, 0, 0);
        if (!c.shapesMatch || !c.typesMatch) return "output '" + name + "' changed shape or type";
        if (c.nanMismatch || c.relativeL2 > maxRelL2)
            return "output '" + name + "': relative L2 " + std::to_string(c.relativeL2) + " (" + c.toString() + ")";
    }
    return {};
}

void forgetShapes(ir::Graph& g) {
    for (ir::Value* v : g.values())
        if (!v->constant() && !v->isGraphInput()) v->setShape(Shape::unknownRank());
}

}  // namespace kiln::test
