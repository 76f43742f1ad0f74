// The operator table. Each op family file (elementwise.cpp, conv.cpp, ...) has one
// register<Family>Ops(OpRegistry&) function, listed once in register_all.cpp; adding an op
// touches its family file only.
#pragma once

#include <climits>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/host_tensor.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln::ops {

// What a CPU reference kernel sees: the node (attributes, opset), its input tensors (null for
// omitted optional inputs) and the outputs to fill. A kernel computes its output dims from the
// actual inputs, allocates each output it produces and never keeps pointers past the call.
// Where a memory plan wants an output written: `capacity` bytes at `offset` in `buffer`. An
// output that does not fit (a larger run-time shape than planned) is allocated as usual.
// `zeroFill` is off for outputs that alias data already there (a Split piece viewing its input,
// a Concat whose producers wrote their slices in place): those must not be cleared.
struct OutputPlacement {
    std::shared_ptr<std::byte[]> buffer;
    size_t offset = 0;
    size_t capacity = 0;
    bool zeroFill = true;
};

class KernelContext {
public:
    KernelContext(const ir::Node& node, std::vector<const HostTensor*> inputs, std::vector<HostTensor>& outputs,
                  const std::vector<OutputPlacement>* placements = nullptr)
        : m_node(node), m_inputs(std::move(inputs)), m_outputs(outputs), m_placements(placements) {}

    const ir::Node& node() const { return m_node; }
    int opset() const { return m_node.opsetVersion(); }
    int numInputs() const { return static_cast<int>(m_inputs.size()); }
    int numOutputs() const { return static_cast<int>(m_outputs.size()); }
    bool hasInput(int i) const { return i < numInputs() && m_inputs[size_t(i)] && m_inputs[size_t(i)]->isValid(); }
    // Only call for inputs known to be present (hasInput or a required input: the executor
    // checks that required inputs, as declared at registration, are there).
    const HostTensor& input(int i) const { return *m_inputs[size_t(i)]; }
    const HostTensor* inputOrNull(int i) const { return hasInput(i) ? m_inputs[size_t(i)] : nullptr; }
    HostTensor& output(int i) { return m_outputs[size_t(i)]; }
    bool wantsOutput(int i) const { return i < numOutputs() && m_node.output(i) != nullptr; }

    // Allocates output i with the given type and dims (checked for overflow).
    Expected<HostTensor*> allocateOutput(int i, DataType type, std::vector<int64_t> dims);
    void setOutput(int i, HostTensor t) { m_outputs[size_t(i)] = std::move(t); }

    // An error about this node: "node 'Conv_3' (Conv): <message>".
    Status error(const std::string& message, StatusCode code = StatusCode::InvalidArgument) const {
        return Status(code, message, m_node.name(), m_node.opType());
    }

    // Attribute shorthands.
    int64_t attrInt(const std::string& n, int64_t def) const { return m_node.attrInt(n, def); }
    float attrFloat(const std::string& n, float def) const { return m_node.attrFloat(n, def); }
    std::string attrString(const std::string& n, const std::string& def) const { return m_node.attrString(n, def); }
    std::vector<int64_t> attrInts(const std::string& n, std::vector<int64_t> def = {}) const {
        return m_node.attrInts(n, std::move(def));
    }
    std::vector<float> attrFloats(const std::string& n, std::vector<float> def = {}) const {
        return m_node.attrFloats(n, std::move(def));
    }
    bool hasAttr(const std::string& n) const { return m_node.hasAttr(n); }

private:
    const ir::Node& m_node;
    std::vector<const HostTensor*> m_inputs;
    std::vector<HostTensor>& m_outputs;
    const std::vector<OutputPlacement>* m_placements = nullptr;  // parallel to outputs, or null
};

using KernelFn = std::function<Status(KernelContext&)>;

struct OpDef {
    std::string opType{};
    std::string domain{};         // "" = ai.onnx, "com.microsoft", ...
    int minOpset = 1;             // opset range of the domain this kernel implements
    int maxOpset = INT_MAX;
    int requiredInputs = 1;       // the executor rejects nodes with fewer (present) inputs
    KernelFn kernel{};
};

class OpRegistry {
public:
    // The registry with every built-in op (filled on first use).
    static const OpRegistry& builtin();

    // add("Relu", reluKernel) or add({.opType = "Resize", .minOpset = 11, ...}).
    void add(OpDef def);
    void add(const std::string& opType, KernelFn kernel, int requiredInputs = 1) {
        add(OpDef{opType, "", 1, INT_MAX, requiredInputs, std::move(kernel)});
    }

    // Replaces the kernel of every opset range of (domain, opType) with wrap(kernel): for an
    // attribute that changes how several families' ops read their tensors (kiln_layout).
    void wrapKernels(const std::string& domain, const std::string& opType, const std::function<KernelFn(KernelFn)>& wrap);

    // The definition that serves (domain, opType) at the given opset, or null. Ops no built-in
    // definition serves fall back to a loaded plugin's (plugins::cpuOpDef).
    const OpDef* find(const std::string& domain, const std::string& opType, int opset) const;
    // Built-in definitions only.
    bool knows(const std::string& domain, const std::string& opType) const;
    std::vector<std::string> opTypes(const std::string& domain = "") const;

private:
    std::map<std::pair<std::string, std::string>, std::vector<OpDef>> m_defs;
};

// The family registration functions (one per ops/*.cpp), all called by builtin().
void registerElementwiseOps(OpRegistry& r);   // binary/unary math, comparisons, logic, Where, Cast
void registerActivationOps(OpRegistry& r);    // Relu, Sigmoid, Gelu, Clip, Softplus, ...
void registerConvOps(OpRegistry& r);          // Conv, ConvTranspose
void registerPoolOps(OpRegistry& r);          // MaxPool, AveragePool, Global*, LpPool
void registerNormalizationOps(OpRegistry& r); // BatchNormalization, InstanceNorm, LayerNorm, LRN
void registerMatMulOps(OpRegistry& r);        // MatMul, Gemm, Einsum
void registerReduceOps(OpRegistry& r);        // Reduce*, ArgMax/ArgMin, CumSum, TopK
void registerShapeOps(OpRegistry& r);         // Reshape, Flatten, Squeeze, Unsqueeze, Expand, Identity, Dropout, Shape, Size
void registerTensorOps(OpRegistry& r);        // Transpose, Concat, Split, Slice, Tile, Pad
void registerGatherOps(OpRegistry& r);        // Gather, GatherElements, GatherND, Scatter*, OneHot, NonZero, Trilu
void registerSoftmaxOps(OpRegistry& r);       // Softmax, LogSoftmax, Hardmax
void registerGeneratorOps(OpRegistry& r);     // Constant, ConstantOfShape, Range, EyeLike, RandomLike*
void registerResizeOps(OpRegistry& r);        // Resize, Upsample, DepthToSpace, SpaceToDepth
void registerQuantizeOps(OpRegistry& r);      // QuantizeLinear, DequantizeLinear
// Kiln's own layer types (domain "kiln"), produced by the optimizer passes.
void registerFusedOps(OpRegistry& r);         // FusedConv, FusedConvTranspose, FusedGemm (bias + activation + residual)
void registerPatternOps(OpRegistry& r);       // LayerNormalization, Gelu, Silu, Attention
void registerPointwiseOps(OpRegistry& r);     // Pointwise (a fused chain of elementwise ops)
// Attributes that wrap kernels registered above (listed last).
void registerLayoutOps(OpRegistry& r);        // kiln_layout = "NHWC" on Conv, FusedConv and pooling

}  // namespace kiln::ops
