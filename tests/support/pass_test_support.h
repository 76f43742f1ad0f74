// Helpers for optimizer-pass tests: build small graphs (typed and shaped by ONNX shape
// inference, exactly like imported models), run one pass, count ops, and check that the graph
// computes the same numbers before and after on random inputs.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "core/host_tensor.h"
#include "ir/graph.h"
#include "passes/pass.h"
#include "passes/pass_log.h"

namespace kiln::test {

using Attrs = std::vector<std::pair<std::string, ir::Attribute>>;

class TestGraph {
public:
    explicit TestGraph(int opset = 13);
    int opset() const { return m_opset; }
    ir::Value* input(const std::string& name, std::vector<int64_t> dims, DataType type = DataType::Float32);
    ir::Value* constant(const std::string& name, HostTensor t);
    // Uniform in [lo, hi), deterministic per name.
    ir::Value* randomConstant(const std::string& name, std::vector<int64_t> dims, float lo = -1.f, float hi = 1.f);
    ir::Value* op(const std::string& opType, std::vector<ir::Value*> inputs, Attrs attrs = {},
                  const std::string& name = {});
    std::vector<ir::Value*> opN(const std::string& opType, std::vector<ir::Value*> inputs, int outputs,
                                Attrs attrs = {}, const std::string& name = {});
    void output(ir::Value* v);
    // Exports to ONNX and imports back: the checker validates the graph and shape inference
    // types and shapes every value. Fails the calling test (returns null) on error.
    std::unique_ptr<ir::Graph> build();

private:
    ir::Graph m_g;
    int m_opset;
    int m_counter = 0;
};

struct PassResult {
    std::unique_ptr<ir::Graph> graph;  // the graph after the pass (the input is left untouched)
    passes::PassLog log{true};
    Status status;
};
// Runs one pass on a clone of g, then sorts, prunes and verifies like the pipeline does.
PassResult runPass(const ir::Graph& g, passes::Pass& pass);

int countOps(const ir::Graph& g, const std::string& opType, const std::string& domain = "");
// Relative L2 of every output, after vs before, on random inputs (symbolic dims = 2).
// Empty string when equivalent within maxRelL2, else a description of the difference.
std::string checkEquivalent(const ir::Graph& before, const ir::Graph& after, double maxRelL2 = 1e-5,
                            uint64_t seed = 1234);
// The same on given inputs (NaN in the same places counts as equal).
std::string checkEquivalentOn(const ir::Graph& before, const ir::Graph& after, const cpu::TensorMap& inputs,
                              double maxRelL2 = 1e-5);

// Forgets the shape of every computed value (not graph inputs, not constants), the way libonnx's
// inference loses them after a Reshape whose target is computed at run time.
void forgetShapes(ir::Graph& g);

}  // namespace kiln::test
