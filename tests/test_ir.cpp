// ir/: building graphs, topological order, the verifier, the printer, and the CPU executor on
// hand-built graphs.
#include <QtTest>

#include "backends/cpu/cpu_executor.h"
#include "ir/graph.h"
#include "ir/stats.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

// x -> Relu -> r ; (r, bias) -> Add -> y, with the nodes inserted in reverse order.
std::unique_ptr<ir::Graph> reluAddGraph() {
    auto g = std::make_unique<ir::Graph>();
    g->info().opsets[""] = 13;
    ir::Value* x = *g->addValue("x");
    x->setType(DataType::Float32);
    x->setShape(Shape({Dim::symbolic("batch"), Dim(4)}));
    g->addInput(x);
    ir::Value* bias = *g->addValue("bias");
    bias->setConstant(HostTensor::fromVector<float>({4}, {1, 2, 3, 4}));
    ir::Value* r = *g->addValue("r");
    ir::Value* y = *g->addValue("y");
    g->addNode("add", "Add", "", {r, bias}, {y});
    g->addNode("relu", "Relu", "", {x}, {r});
    g->addOutput(y);
    return g;
}

}  // namespace

class TestIr : public QObject {
    Q_OBJECT

private slots:
    void topologicalSortOrdersProducersFirst() {
        auto g = reluAddGraph();
        QCOMPARE(g->nodes()[0]->name(), std::string("add"));
        KILN_VERIFY_OK(g->topologicalSort());
        QCOMPARE(g->nodes()[0]->name(), std::string("relu"));
        QCOMPARE(g->nodes()[1]->name(), std::string("add"));
        KILN_VERIFY_OK(g->verify());
    }

    void verifierCatchesUnsortedGraph() {
        auto g = reluAddGraph();
        Status st = g->verify();
        QVERIFY(!st.isOk());
        QCOMPARE(st.node(), std::string("add"));
        QVERIFY(st.message().find("later node 'relu'") != std::string::npos);
    }

    void cycleIsReportedWithItsNodes() {
        ir::Graph g;
        ir::Value* x = *g.addValue("x");
        g.addInput(x);
        ir::Value* a = *g.addValue("a");
        ir::Value* b = *g.addValue("b");
        g.addNode("A", "Add", "", {x, b}, {a});
        g.addNode("B", "Relu", "", {a}, {b});
        g.addOutput(b);
        Status st = g.topologicalSort();
        QVERIFY(!st.isOk());
        QCOMPARE(st.code(), StatusCode::InvalidModel);
        QVERIFY2(st.message().find("cycle") != std::string::npos, st.message().c_str());
        QVERIFY(st.message().find("A (Add)") != std::string::npos);
        QVERIFY(st.message().find("B (Relu)") != std::string::npos);
        QCOMPARE(g.numNodes(), 2);  // nothing lost
    }

    void danglingInputIsReported() {
        ir::Graph g;
        ir::Value* x = *g.addValue("x");
        g.addInput(x);
        ir::Value* w = *g.addValue("conv.weight");  // never given data: a missing initializer
        ir::Value* y = *g.addValue("y");
        g.addNode("Conv_0", "Conv", "", {x, w}, {y});
        g.addOutput(y);
        Status st = g.verify();
        QVERIFY(!st.isOk());
        QCOMPARE(st.node(), std::string("Conv_0"));
        QVERIFY(st.message().find("'conv.weight'") != std::string::npos);
    }

    void duplicatesAreRejected() {
        ir::Graph g;
        QVERIFY(g.addValue("t").hasValue());
        QVERIFY(!g.addValue("t").hasValue());
        ir::Value* x = *g.addValue("x");
        g.addInput(x);
        ir::Value* a = *g.addValue("a");
        ir::Value* b = *g.addValue("b");
        g.addNode("n", "Relu", "", {x}, {a});
        g.addNode("n", "Relu", "", {a}, {b});
        g.addOutput(b);
        Status st = g.verify();
        QVERIFY(!st.isOk());
        QVERIFY(st.message().find("duplicate node name") != std::string::npos);
    }

    void typeConflictWithConstant() {
        ir::Graph g;
        ir::Value* c = *g.addValue("c");
        c->setConstant(HostTensor::fromVector<float>({2}, {1, 2}));
        c->setShape(Shape{3});
        g.addOutput(c);
        Status st = g.verify();
        QVERIFY(!st.isOk());
        QVERIFY(st.message().find("shape") != std::string::npos);
    }

    void dumpIsReadable() {
        auto g = reluAddGraph();
        KILN_VERIFY_OK(g->topologicalSort());
        const std::string d = g->dump();
        QVERIFY2(d.find("input  x: float32[batch, 4]") != std::string::npos, d.c_str());
        QVERIFY2(d.find("%r = Relu(x)") != std::string::npos, d.c_str());
        QVERIFY2(d.find("%y = Add(r, bias<float32[4]>)") != std::string::npos, d.c_str());
        auto s = ir::computeStats(*g);
        QCOMPARE(s.nodes, 2);
        QCOMPARE(s.parameters, int64_t(4));
        QCOMPARE(s.opCounts["Relu"], 1);
    }

    void removeAndRewire() {
        auto g = reluAddGraph();
        KILN_VERIFY_OK(g->topologicalSort());
        ir::Node* relu = g->findNode("relu");
        ir::Node* add = g->findNode("add");
        g->replaceInput(add, 0, g->findValue("x"));  // bypass the Relu
        QCOMPARE(g->findValue("r")->consumers().size(), size_t(0));
        g->removeNode(relu);
        QCOMPARE(g->numNodes(), 1);
        QCOMPARE(g->findValue("x")->consumers().size(), size_t(1));
        KILN_VERIFY_OK(g->verify());
    }

    void executorRunsAndChecksInputs() {
        auto g = reluAddGraph();
        KILN_VERIFY_OK(g->topologicalSort());
        cpu::CpuExecutor exec(*g);
        KILN_VERIFY_OK(exec.prepare());
        cpu::TensorMap in{{"x", HostTensor::fromVector<float>({2, 4}, {-1, 0, 1, 2, -3, 5, -7, 9})}};
        auto out = exec.run(in);
        KILN_VERIFY_EXPECTED(out);
        auto expected = HostTensor::fromVector<float>({2, 4}, {1, 2, 4, 6, 1, 7, 3, 13});
        QVERIFY(compareTensors(out->at("y"), expected, 0, 0).ok());
        QCOMPARE(int(exec.timings().size()), 2);

        // wrong dtype, wrong rank, fixed dim mismatch, unknown name, missing input: errors, no crash
        QVERIFY(!exec.run({{"x", HostTensor::fromVector<double>({2, 4}, std::vector<double>(8))}}).hasValue());
        QVERIFY(!exec.run({{"x", HostTensor::fromVector<float>({8}, std::vector<float>(8))}}).hasValue());
        QVERIFY(!exec.run({{"x", HostTensor::fromVector<float>({2, 5}, std::vector<float>(10))}}).hasValue());
        QVERIFY(!exec.run({{"x", HostTensor::fromVector<float>({1, 4}, std::vector<float>(4))}, {"zz", HostTensor()}}).hasValue());
        QVERIFY(!exec.run({}).hasValue());
    }

    // Every op of torchvision classifiers and PyTorch exports of BERT/ViT has a CPU kernel.
    void registryCoversTheReferenceOpList() {
        const char* ops[] = {
            "Conv", "ConvTranspose", "BatchNormalization", "InstanceNormalization", "LayerNormalization", "Relu",
            "LeakyRelu", "PRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus",
            "Erf", "Gelu", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Min",
            "Max", "MatMul", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten",
            "Reshape", "Transpose", "Concat", "Split", "Slice", "Gather", "GatherElements", "Squeeze", "Unsqueeze",
            "Expand", "Tile", "Pad", "Resize", "Softmax", "LogSoftmax", "ReduceMean", "ReduceSum", "ReduceMax",
            "ReduceMin", "ReduceProd", "ReduceL2", "ArgMax", "ArgMin", "Shape", "Size", "Cast", "CastLike", "Constant",
            "ConstantOfShape", "Range", "Where", "Equal", "Less", "Greater", "And", "Or", "Not", "IsNaN", "Identity",
            "Dropout", "DepthToSpace", "SpaceToDepth", "LRN", "TopK", "CumSum", "Einsum", "QuantizeLinear",
            "DequantizeLinear"};
        const ops::OpRegistry& r = ops::OpRegistry::builtin();
        for (const char* op : ops) {
            QVERIFY2(r.knows("", op), op);
            QVERIFY2(r.find("", op, 13) || r.find("", op, 17) || r.find("", op, 20), op);
        }
        QVERIFY(!r.knows("", "NoSuchOp"));
        QVERIFY(r.opTypes().size() >= sizeof(ops) / sizeof(ops[0]));
    }

    void unsupportedOpsAreListedTogether() {
        ir::Graph g;
        g.info().opsets[""] = 13;
        g.info().opsets["com.example"] = 1;
        ir::Value* x = *g.addValue("x");
        g.addInput(x);
        ir::Value* a = *g.addValue("a");
        ir::Value* b = *g.addValue("b");
        g.addNode("first", "FancyOp", "com.example", {x}, {a});
        g.addNode("second", "OtherOp", "com.example", {a}, {b});
        g.addOutput(b);
        Status st = cpu::checkSupported(g);
        QCOMPARE(st.code(), StatusCode::Unsupported);
        QVERIFY(st.message().find("2 node(s)") != std::string::npos);
        QVERIFY(st.message().find("first (FancyOp, domain com.example, opset 1)") != std::string::npos);
        QVERIFY(st.message().find("second (OtherOp") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestIr)
#include "test_ir.moc"
