// Elementwise layers on the GPU: every kiln.Pointwise layer (a fused chain, ops/pointwise_program.h)
// and every standalone elementwise op (as a program of one step, or a fold for the variadic ops)
// becomes one kernel generated for its program, types and broadcast pattern
// (pointwise_codegen.h), compiled with NVRTC when the layer is prepared (nvrtc_compiler.h). The
// plan stores only the tactic name: prepare regenerates the same source from the node and the
// tuned shapes, and the process-wide cache makes that compile happen once.
//
// Tactics (the builder times them):
//   nvrtc.pointwise        one element per thread and iteration
//   nvrtc.pointwise.vec4   4 elements per access (float4 for float32)
//   nvrtc.pointwise.vec8   8 elements per access (16 bytes of halves); 16-bit types only
// A vectorized tactic needs the innermost (coalesced) output dim divisible by its width at the
// tuned shapes; where that fails at run time (other shapes, unaligned pointers) it runs the
// one-element kernel, and where the broadcast pattern differs from the tuned one, every tactic
// runs the generic kernel (kiln_pw_generic).
#include <algorithm>
#include <array>
#include <limits>

#include "backends/cuda/cuda_common.h"
#include "backends/cuda/layer_kernel.h"
#include "backends/cuda/nvrtc_compiler.h"
#include "backends/cuda/pointwise_codegen.h"
#include "ops/pointwise_program.h"

namespace kiln::cuda {

namespace {

namespace pw = ops::pointwise;
using pw::Op;
using pointwise::Access;
using pointwise::ExtraOp;
using pointwise::GenProgram;
using pointwise::GenStep;
using pointwise::kMaxInputs;
using pointwise::kMaxRank;

constexpr int kThreads = 256;

// ---- programs of the layers ------------------------------------------------------------------

// ONNX ops that are one step on their inputs, in order.
struct OneStepOp {
    const char* onnx;
    std::variant<Op, ExtraOp> op;
};
const OneStepOp kOneStepOps[] = {
    {"Add", Op::Add}, {"Sub", Op::Sub}, {"Mul", Op::Mul}, {"Div", Op::Div}, {"Pow", Op::Pow},
    {"Sqrt", Op::Sqrt}, {"Exp", Op::Exp}, {"Log", Op::Log}, {"Neg", Op::Neg}, {"Abs", Op::Abs},
    {"Reciprocal", Op::Reciprocal}, {"Erf", Op::Erf}, {"Floor", Op::Floor}, {"Ceil", Op::Ceil},
    {"Sin", Op::Sin}, {"Cos", Op::Cos}, {"Relu", Op::Relu}, {"Sigmoid", Op::Sigmoid}, {"Tanh", Op::Tanh},
    {"HardSwish", Op::HardSwish}, {"Softplus", Op::Softplus}, {"Softsign", Op::Softsign},
    {"Mish", ExtraOp::Mish}, {"PRelu", ExtraOp::PRelu},
    {"Equal", ExtraOp::Equal}, {"Less", ExtraOp::Less}, {"Greater", ExtraOp::Greater},
    {"LessOrEqual", ExtraOp::LessOrEqual}, {"GreaterOrEqual", ExtraOp::GreaterOrEqual},
    {"Not", ExtraOp::Not}, {"And", ExtraOp::And}, {"Or", ExtraOp::Or}, {"Xor", ExtraOp::Xor},
    {"Where", ExtraOp::Where},
};
// Variadic ops: a pairwise fold over every input.
struct FoldOp {
    const char* onnx;
    Op op;
};
constexpr FoldOp kFoldOps[] = {{"Max", Op::Max}, {"Min", Op::Min}, {"Sum", Op::Add}, {"Mean", Op::Add}};
// Ops with float attributes: the step's parameters.
constexpr const char* kAttrOps[] = {"LeakyRelu", "Elu", "HardSigmoid", "Selu", "Gelu", "Clip"};
constexpr const char* kLegacyBroadcastOps[] = {"Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Equal", "Less", "Greater",
                                               "And", "Or", "Xor"};

bool isPointwiseLayer(const ir::Node& n) { return n.domain() == "kiln" && n.opType() == "Pointwise"; }

// The step of an op with attributes, reading input 0.
Expected<GenStep> attrStep(const ir::Node& n) {
    const std::string& t = n.opType();
    if (t == "LeakyRelu") return GenStep{Op::LeakyRelu, 0, 0, 0, n.attrFloat("alpha", 0.01f)};
    if (t == "Elu") return GenStep{Op::Elu, 0, 0, 0, n.attrFloat("alpha", 1.0f)};
    if (t == "HardSigmoid") return GenStep{Op::HardSigmoid, 0, 0, 0, n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f)};
    if (t == "Selu")
        return GenStep{ExtraOp::Selu, 0, 0, 0, n.attrFloat("alpha", 1.67326319217681884765625f),
                       n.attrFloat("gamma", 1.05070102214813232421875f)};
    if (t == "Clip")  // before opset 11: bounds are attributes
        return GenStep{Op::Clip, 0, 0, 0, n.attrFloat("min", std::numeric_limits<float>::lowest()),
                       n.attrFloat("max", std::numeric_limits<float>::max())};
    if (t != "Gelu") return unsupported(t + " is not an elementwise op");
    const std::string approx = n.attrString("approximate", "none");
    if (approx == "none") return GenStep{ExtraOp::Gelu};
    if (approx == "tanh") return GenStep{ExtraOp::GeluTanh};
    return unsupported("Gelu approximate=\"" + approx + "\" is not implemented");
}

// The steps of a standalone op; its program inputs are its present inputs, in order.
Expected<std::vector<GenStep>> standaloneSteps(const ir::Node& n, int count, std::vector<float>& imms) {
    const std::string& t = n.opType();
    if (n.domain() == "kiln") {
        if (t == "Silu") return std::vector<GenStep>{{ExtraOp::Silu}};
        KILN_ASSIGN_OR_RETURN(GenStep gelu, attrStep(n));  // kiln.Gelu has ONNX Gelu's attribute
        return std::vector<GenStep>{gelu};
    }
    for (const char* legacy : kLegacyBroadcastOps)
        if (t == legacy && n.opsetVersion() < 7 && (n.attrInt("broadcast", 0) != 0 || t == "PRelu"))
            return unsupported(t + " before opset 7 (broadcast along an axis) is not implemented");
    for (const OneStepOp& o : kOneStepOps)
        if (t == o.onnx) return std::vector<GenStep>{{o.op, 0, 1, 2}};
    for (const FoldOp& f : kFoldOps) {
        if (t != f.onnx) continue;
        if (count == 1) return std::vector<GenStep>{{ExtraOp::Identity}};
        std::vector<GenStep> steps{{f.op, 0, 1}};
        for (int k = 2; k < count; ++k) steps.push_back({f.op, count + k - 2, k});
        if (t == "Mean") {  // the sum divided by the number of inputs
            imms.push_back(float(count));
            steps.push_back({Op::Div, count + int64_t(steps.size()) - 1, -1});
        }
        return steps;
    }
    if (t == "Clip" && n.opsetVersion() >= 11) {
        // min(max(x, lo), hi) with the optional bounds (inputs 1 and 2) read as inputs.
        std::vector<GenStep> steps;
        int64_t value = 0, bound = 1;
        for (int k = 1; k <= 2; ++k) {
            if (!n.input(k)) continue;
            steps.push_back({k == 1 ? Op::Max : Op::Min, value, bound++});
            value = count + int64_t(steps.size()) - 1;
        }
        if (steps.empty()) steps.push_back({ExtraOp::Identity});
        return steps;
    }
    KILN_ASSIGN_OR_RETURN(GenStep step, attrStep(n));
    return std::vector<GenStep>{step};
}

// The program of `node` for the storage types of `shapes`: a kiln.Pointwise layer's from its
// attributes, a standalone op's built here (the graph is left as it is).
Expected<GenProgram> programFor(const ir::Node& node, const LayerShapes& shapes) {
    GenProgram p;
    for (int k = 0; k < node.numInputs(); ++k) {
        if (!node.input(k)) continue;  // an omitted optional input
        if (size_t(k) >= shapes.inputTypes.size() || shapes.inputTypes[size_t(k)] == DataType::Undefined)
            return invalidArgument("input " + std::to_string(k) + " has no type");
        p.nodeInputs.push_back(k);
        p.inputTypes.push_back(shapes.inputTypes[size_t(k)]);
    }
    if (shapes.outputTypes.empty() || shapes.outputs.empty()) return invalidArgument("the layer has no output");
    p.outputType = shapes.outputTypes[0];
    if (isPointwiseLayer(node)) {
        if (p.numInputs() != node.numInputs()) return invalidArgument("kiln.Pointwise has an omitted input");
        KILN_ASSIGN_OR_RETURN(pw::Program prog, pw::readProgram(node, node.numInputs()));
        for (const pw::Step& s : prog.steps) p.steps.push_back({s.op, s.a, s.b, 0, s.p0, s.p1});
        p.imms = std::move(prog.imms);
        return p;
    }
    KILN_ASSIGN_OR_RETURN(p.steps, standaloneSteps(node, p.numInputs(), p.imms));
    return p;
}

// ---- broadcasting ------------------------------------------------------------------------------

// The output's dims with every size-1 dim dropped and neighbours merged where every input is
// laid out alike (both contiguous, or both broadcast), innermost first, with each input's
// element strides along them (0 where it is broadcast). Fixed-size: enqueue must not allocate.
struct Layout {
    int64_t n = 1;
    int rank = 1;
    std::array<int64_t, kMaxRank> dims{};
    std::array<std::array<int64_t, kMaxRank>, kMaxInputs> strides{};
    std::array<Access, kMaxInputs> access{};
};
using InputDims = std::array<const std::vector<int64_t>*, kMaxInputs>;

constexpr int64_t kMaxIndex32 = int64_t(1) << 31;

Status analyze(const std::vector<int64_t>& out, const InputDims& in, int count, Layout& L) {
    const int r = int(out.size());
    L.n = 1;
    for (int64_t d : out) L.n *= d;
    for (int k = 0; k < count; ++k) {
        const std::vector<int64_t>& id = *in[size_t(k)];
        bool ok = int(id.size()) <= r;
        for (int e = 0; ok && e < int(id.size()); ++e) {
            const int64_t o = out[size_t(r - int(id.size()) + e)];
            ok = id[size_t(e)] == o || id[size_t(e)] == 1;
        }
        if (!ok) return invalidArgument("input " + std::to_string(k) + " does not broadcast to the output's shape");
    }
    // Element stride of input k along output dim d (0 where broadcast).
    auto strideOf = [&](int k, int d) {
        const std::vector<int64_t>& id = *in[size_t(k)];
        const int e = d - (r - int(id.size()));
        if (e < 0 || id[size_t(e)] == 1) return int64_t(0);
        int64_t s = 1;
        for (size_t j = size_t(e) + 1; j < id.size(); ++j) s *= id[j];
        return s;
    };
    int rank = 0;
    for (int d = r - 1; d >= 0; --d) {
        if (out[size_t(d)] == 1) continue;
        bool merge = rank > 0;
        for (int k = 0; merge && k < count; ++k)
            merge = strideOf(k, d) == L.strides[size_t(k)][size_t(rank - 1)] * L.dims[size_t(rank - 1)];
        if (merge) {
            L.dims[size_t(rank - 1)] *= out[size_t(d)];
            continue;
        }
        if (rank == kMaxRank)
            return unsupported("more than " + std::to_string(kMaxRank) + " dims remain after merging the output's dims");
        L.dims[size_t(rank)] = out[size_t(d)];
        for (int k = 0; k < count; ++k) L.strides[size_t(k)][size_t(rank)] = strideOf(k, d);
        ++rank;
    }
    if (rank == 0) L.dims[0] = 1;  // a single element
    L.rank = std::max(rank, 1);
    for (int k = 0; k < count; ++k) {
        int64_t numel = 1;
        for (int64_t d : *in[size_t(k)]) numel *= d;
        L.access[size_t(k)] = numel == L.n ? Access::Linear
                              : numel == 1 ? Access::Scalar
                              : L.strides[size_t(k)][0] == 1 ? Access::Strided
                                                             : Access::StridedInnerBcast;
    }
    return Status::ok();
}

bool readsVectors(Access a) { return a == Access::Linear || a == Access::Strided; }

// Whether W-wide accesses fit: every W consecutive outputs lie in one innermost row, and (for
// W = 8) every vector read or written has 16-bit elements, so an access is 16 bytes at most.
bool vectorizable(const GenProgram& p, const Layout& L, int w) {
    if (L.dims[0] % w != 0) return false;
    if (w == 8) {
        if (dataTypeSize(p.outputType) > 2) return false;
        for (int k = 0; k < p.numInputs(); ++k)
            if (readsVectors(L.access[size_t(k)]) && dataTypeSize(p.inputTypes[size_t(k)]) > 2) return false;
    }
    return true;
}

// What a layer compiles at given shapes: the same node and shapes give the same source.
struct Plan {
    GenProgram program;
    pointwise::KernelSpec spec;
    std::string source;
};

Expected<Plan> planFor(const ir::Node& node, const LayerShapes& shapes) {
    Plan plan;
    KILN_ASSIGN_OR_RETURN(plan.program, programFor(node, shapes));
    const int count = plan.program.numInputs();
    if (count < 1 || count > kMaxInputs)
        return unsupported("a pointwise kernel takes 1 to " + std::to_string(kMaxInputs) + " inputs, not " +
                           std::to_string(count));
    InputDims dims{};
    for (int k = 0; k < count; ++k) dims[size_t(k)] = &shapes.inputs[size_t(plan.program.nodeInputs[size_t(k)])];
    Layout L;
    KILN_RETURN_IF_ERROR(analyze(shapes.outputs[0], dims, count, L));
    plan.spec.access.assign(L.access.begin(), L.access.begin() + count);
    plan.spec.index64 = L.n >= kMaxIndex32;
    for (int w : {4, 8})
        if (vectorizable(plan.program, L, w)) plan.spec.vectorWidths.push_back(w);
    KILN_ASSIGN_OR_RETURN(plan.source, pointwise::generateSource(plan.program, plan.spec));
    return plan;
}

// ---- the layer kernel --------------------------------------------------------------------------

class PointwiseKernel final : public LayerKernel {
public:
    // width 1: kiln_pw_spec; 4 or 8: kiln_pw_vec<width> where it applies.
    explicit PointwiseKernel(int width) : m_width(width) {}

    Status prepare(const PrepareArgs& a) override {
        Status st = load(a);
        return st.isOk() ? st : st.atNode(a.node.name(), a.node.opType());
    }

    Status enqueue(const LaunchArgs& a) override;

private:
    Status load(const PrepareArgs& a);
    bool aligned(const LaunchArgs& a) const;

    int m_width;
    GenProgram m_program;
    pointwise::KernelSpec m_spec;
    std::shared_ptr<const NvrtcModule> m_module;
    cudaKernel_t m_spec_kernel = nullptr, m_generic_kernel = nullptr, m_vec_kernel = nullptr;
    int64_t m_maxBlocks = 1;
    // Launch arguments, reused by every enqueue: the pointers, then the KilnShape words.
    std::vector<const void*> m_pointers;
    std::vector<int64_t> m_shape;
    std::vector<void*> m_args;
};

Status PointwiseKernel::load(const PrepareArgs& a) {
    KILN_ASSIGN_OR_RETURN(Plan plan, planFor(a.node, a.shapes));
    KILN_ASSIGN_OR_RETURN(m_module, compileCached(plan.source, a.device, "the kernel of node '" + a.node.name() + "'"));
    m_program = std::move(plan.program);
    m_spec = std::move(plan.spec);
    KILN_ASSIGN_OR_RETURN(m_spec_kernel, m_module->kernel(pointwise::kSpecKernel));
    KILN_ASSIGN_OR_RETURN(m_generic_kernel, m_module->kernel(pointwise::kGenericKernel));
    if (m_width > 1) {
        if (std::find(m_spec.vectorWidths.begin(), m_spec.vectorWidths.end(), m_width) == m_spec.vectorWidths.end())
            return unsupported("the " + std::to_string(m_width) + "-wide kernel does not apply at these shapes");
        KILN_ASSIGN_OR_RETURN(m_vec_kernel, m_module->kernel(pointwise::vecKernelName(m_width)));
    }
    // One wave of fully occupied SMs; the grid-stride loops cover the rest.
    m_maxBlocks = int64_t(std::max(a.device.multiprocessors, 1)) * (2048 / kThreads);
    const int n = m_program.numInputs();
    m_pointers.assign(size_t(n) + 1, nullptr);
    m_shape.assign(size_t(pointwise::shapeWords(n)), 0);
    m_args.assign(size_t(n) + 2, nullptr);
    for (int k = 0; k <= n; ++k) m_args[size_t(k)] = &m_pointers[size_t(k)];
    m_args[size_t(n) + 1] = m_shape.data();
    return Status::ok();
}

bool PointwiseKernel::aligned(const LaunchArgs& a) const {
    auto ok = [&](const void* p, DataType t) {
        return reinterpret_cast<uintptr_t>(p) % (uintptr_t(m_width) * dataTypeSize(t)) == 0;
    };
    for (int k = 0; k < m_program.numInputs(); ++k)
        if (readsVectors(m_spec.access[size_t(k)]) && !ok(m_pointers[size_t(k)], m_program.inputTypes[size_t(k)]))
            return false;
    return ok(a.outputs[0].data, m_program.outputType);
}

Status PointwiseKernel::enqueue(const LaunchArgs& a) {
    const int n = m_program.numInputs();
    const DeviceOutput& y = a.outputs[0];
    if (y.numel() == 0) return Status::ok();
    if (y.type != m_program.outputType)
        return invalidArgument(std::string("the output is ") + dataTypeName(y.type) + ", the kernel was generated for " +
                               dataTypeName(m_program.outputType));
    InputDims dims{};
    for (int k = 0; k < n; ++k) {
        const DeviceTensor& t = a.inputs[size_t(m_program.nodeInputs[size_t(k)])];
        if (!t.present() || t.type != m_program.inputTypes[size_t(k)])
            return invalidArgument("input " + std::to_string(m_program.nodeInputs[size_t(k)]) +
                                   " is missing or not of the type the kernel was generated for");
        dims[size_t(k)] = &t.dims;
        m_pointers[size_t(k)] = t.data;
    }
    m_pointers[size_t(n)] = y.data;
    Layout L;
    KILN_RETURN_IF_ERROR(analyze(y.dims, dims, n, L));

    // The generated kernels assume the access pattern of the tuned shapes; other shapes (a
    // broadcast that appears only at another batch size) take the generic kernel.
    bool same = m_spec.index64 || L.n < kMaxIndex32, compatible = same;
    for (int k = 0; k < n; ++k) {
        const Access want = m_spec.access[size_t(k)], got = L.access[size_t(k)];
        same = same && got == want;
        const bool strided = want == Access::Strided || want == Access::StridedInnerBcast;
        compatible = compatible && (got == want || (strided && (got == Access::Strided || got == Access::StridedInnerBcast)));
    }
    cudaKernel_t kernel = m_generic_kernel;
    int64_t work = L.n;
    if (m_width > 1 && same && L.dims[0] % m_width == 0 && aligned(a)) {
        kernel = m_vec_kernel;
        work = L.n / m_width;
    } else if (compatible) {
        kernel = m_spec_kernel;
    }

    m_shape[0] = L.n;
    m_shape[1] = L.rank;
    for (int d = 0; d < kMaxRank; ++d) m_shape[size_t(2 + d)] = L.dims[size_t(d)];
    for (int k = 0; k < n; ++k)
        for (int d = 0; d < kMaxRank; ++d) m_shape[size_t(2 + kMaxRank * (1 + k) + d)] = L.strides[size_t(k)][size_t(d)];
    const int64_t blocks = std::clamp<int64_t>((work + kThreads - 1) / kThreads, 1, m_maxBlocks);
    KILN_CUDA_RETURN_IF_ERROR(cudaLaunchKernel(reinterpret_cast<const void*>(kernel), dim3(unsigned(blocks)),
                                               dim3(kThreads), m_args.data(), 0, a.stream));
    return Status::ok();
}

Expected<std::vector<Tactic>> pointwiseTactics(const TacticQuery& q) {
    KILN_ASSIGN_OR_RETURN(Plan plan, planFor(q.node, q.shapes));
    std::vector<Tactic> tactics{{"nvrtc.pointwise", [] { return std::make_unique<PointwiseKernel>(1); }}};
    for (int w : plan.spec.vectorWidths)
        tactics.push_back({"nvrtc.pointwise.vec" + std::to_string(w), [w] { return std::make_unique<PointwiseKernel>(w); }});
    return tactics;
}

}  // namespace

Expected<std::string> pointwise::layerSource(const ir::Node& node, const LayerShapes& shapes) {
    KILN_ASSIGN_OR_RETURN(Plan plan, planFor(node, shapes));
    return plan.source;
}

void registerPointwiseTactics(TacticRegistry& r) {
    auto add = [&r](const char* opType, const char* domain) {
        r.add(opType, domain, "nvrtc", PrecisionRule::Compute, pointwiseTactics);
    };
    add("Pointwise", "kiln");
    add("Gelu", "kiln");
    add("Silu", "kiln");
    for (const OneStepOp& o : kOneStepOps) add(o.onnx, "");
    for (const FoldOp& f : kFoldOps) add(f.onnx, "");
    for (const char* op : kAttrOps) add(op, "");
}

}  // namespace kiln::cuda
