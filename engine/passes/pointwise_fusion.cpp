// pointwise-fusion: a tree of elementwise ops => one kiln.Pointwise layer
//   y = f_k(... f_2(f_1(x_0, x_1), x_2) ...)  computed per output element in one kernel, with
//   broadcasting: y[i] = program(x_0[bcast_0(i)], ..., x_{n-1}[bcast_{n-1}(i)]).
// Every value inside the tree has one consuming node and is not a graph output, so none of them
// needs to exist in memory. Scalar float constants become immediates of the program. The
// program encoding is documented in ops/pointwise_program.h.
#include <algorithm>
#include <unordered_map>

#include "ops/activation_fn.h"
#include "ops/pointwise_program.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

namespace pw = ops::pointwise;
using pw::Op;

// ONNX ops that are one program step with no parameters.
struct SimpleOp {
    const char* onnx;
    Op op;
};
constexpr SimpleOp kSimpleOps[] = {
    {"Add", Op::Add},   {"Sub", Op::Sub},   {"Mul", Op::Mul},         {"Div", Op::Div},
    {"Pow", Op::Pow},   {"Max", Op::Max},   {"Min", Op::Min},         {"Sqrt", Op::Sqrt},
    {"Exp", Op::Exp},   {"Log", Op::Log},   {"Neg", Op::Neg},         {"Abs", Op::Abs},
    {"Reciprocal", Op::Reciprocal},         {"Erf", Op::Erf},         {"Floor", Op::Floor},
    {"Ceil", Op::Ceil}, {"Sin", Op::Sin},   {"Cos", Op::Cos},         {"Relu", Op::Relu},
    {"Sigmoid", Op::Sigmoid}, {"Tanh", Op::Tanh}, {"HardSwish", Op::HardSwish},
    {"Softplus", Op::Softplus}, {"Softsign", Op::Softsign},
};
// ONNX ops whose parameters come from ops::activationOf (alpha, beta).
struct ParamOp {
    const char* onnx;
    Op op;
};
constexpr ParamOp kParamOps[] = {
    {"Clip", Op::Clip}, {"LeakyRelu", Op::LeakyRelu}, {"HardSigmoid", Op::HardSigmoid}, {"Elu", Op::Elu},
};

// Constants of at most this many elements are baked into the program as immediates.
constexpr int64_t kMaxImmediateElements = 1;

// What one node contributes: a step without operands yet, and which of its inputs are operands.
struct StepSpec {
    pw::Step step;
    std::vector<int> operands;
};

bool isPointwiseType(const ir::Node& n) {
    if (!n.domain().empty()) return false;
    if (n.opType() == "Cast") return true;
    for (const SimpleOp& s : kSimpleOps)
        if (n.opType() == s.onnx) return true;
    for (const ParamOp& p : kParamOps)
        if (n.opType() == p.onnx) return true;
    return false;
}

Expected<pw::Step> stepFor(const ir::Node& n) {
    const std::string& t = n.opType();
    for (const SimpleOp& s : kSimpleOps) {
        if (t != s.onnx) continue;
        const int arity = pw::opInfo(s.op).arity;
        if (n.numInputs() != arity)
            return unsupported(t + " with " + std::to_string(n.numInputs()) + " inputs is not a " +
                               (arity == 1 ? "unary" : "binary") + " op");
        return pw::Step{s.op};
    }
    for (const ParamOp& p : kParamOps) {
        if (t != p.onnx) continue;
        Expected<ops::Activation> a = ops::activationOf(n);
        if (!a) return a.status();
        return pw::Step{p.op, 0, 0, a->alpha, a->beta};
    }
    // Cast: only between float types; the target's rounding is the step.
    Expected<DataType> to = dataTypeFromOnnx(int(n.attrInt("to", 0)));
    std::optional<Op> cast = to ? pw::castOpFor(*to) : std::nullopt;
    if (!cast) return unsupported("Cast to " + std::string(to ? dataTypeName(*to) : "an unknown type") + " is not between float types");
    return pw::Step{*cast};
}

// The step n computes, or why it cannot join a pointwise layer.
Expected<StepSpec> stepOf(const ir::Node& n) {
    if (n.numOutputs() != 1 || !n.output(0)) return unsupported(n.opType() + " has several outputs");
    KILN_ASSIGN_OR_RETURN(pw::Step step, stepFor(n));
    StepSpec spec{step, {0}};
    if (pw::opInfo(step.op).arity == 2) spec.operands.push_back(1);
    bool computed = false;
    for (int k : spec.operands) {
        const ir::Value* v = n.input(k);
        if (!v) return unsupported("input " + std::to_string(k) + " is omitted");
        if (!isFloatingPoint(v->dtype())) return unsupported("'" + v->name() + "' is " + dataTypeName(v->dtype()) + ", not a float type");
        computed = computed || !v->constant();
    }
    if (!isFloatingPoint(n.output(0)->dtype())) return unsupported("its output is not a float type");
    if (!computed) return unsupported("all its operands are constants (constant folding's job)");
    return spec;
}

// The node that reads v, when that is exactly one node (possibly several times: x * x) and v
// is not a graph output; else null.
ir::Node* onlyReader(const ir::Value* v) {
    if (v->isGraphOutput() || v->consumers().empty()) return nullptr;
    ir::Node* c = v->consumers()[0];
    for (ir::Node* o : v->consumers())
        if (o != c) return nullptr;
    return c;
}

class PointwiseFusionPass final : public Pass {
public:
    std::string name() const override { return "pointwise-fusion"; }
    std::string description() const override {
        return "Fuses chains of elementwise ops into one kiln.Pointwise kernel whose intermediates stay in registers";
    }
    Status run(ir::Graph& g, PassContext& ctx) override;

private:
    void fuse(ir::Graph& g, PassContext& ctx, const std::vector<size_t>& group);
    std::vector<ir::Value*> externalOperands(const std::vector<size_t>& group, pw::Program& prog,
                                             std::unordered_map<const ir::Value*, int64_t>& operand) const;
    bool inGroup(const ir::Value* v, int id) const;
    void declineBreaks(PassContext& ctx);
    void declineIneligible(PassContext& ctx, const std::vector<std::string>& whyNot);

    std::vector<ir::Node*> m_nodes;                      // snapshot, in topological order
    std::unordered_map<const ir::Node*, size_t> m_index; // node -> position in m_nodes
    std::vector<std::optional<StepSpec>> m_specs;        // per node: its step, if it can fuse
    std::vector<int> m_groupOf;                          // per node: its group, -1 if none
    std::vector<ir::Node*> m_doomed;

    const StepSpec* specOf(const ir::Node* n) const {
        auto it = m_index.find(n);
        return it == m_index.end() || !m_specs[it->second] ? nullptr : &*m_specs[it->second];
    }
};

Status PointwiseFusionPass::run(ir::Graph& g, PassContext& ctx) {
    KILN_RETURN_IF_ERROR(g.topologicalSort());
    m_nodes.clear();
    m_index.clear();
    m_doomed.clear();
    for (const auto& np : g.nodes()) {
        m_index[np.get()] = m_nodes.size();
        m_nodes.push_back(np.get());
    }
    m_specs.assign(m_nodes.size(), std::nullopt);
    std::vector<std::string> whyNot(m_nodes.size());
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (!isPointwiseType(*m_nodes[i])) continue;
        Expected<StepSpec> s = stepOf(*m_nodes[i]);
        if (s) m_specs[i] = *s;
        else whyNot[i] = s.status().message();
    }
    // Trees, grown from their root (a node whose output leaves the tree) back to the leaves:
    // in reverse topological order a node's only reader is assigned before the node itself.
    m_groupOf.assign(m_nodes.size(), -1);
    std::vector<std::vector<size_t>> groups;
    for (size_t i = m_nodes.size(); i-- > 0;) {
        if (!m_specs[i]) continue;
        const ir::Node* reader = onlyReader(m_nodes[i]->output(0));
        if (reader && specOf(reader)) {
            m_groupOf[i] = m_groupOf[m_index.at(reader)];
        } else {
            m_groupOf[i] = int(groups.size());
            groups.emplace_back();
        }
        groups[size_t(m_groupOf[i])].push_back(i);
    }
    declineBreaks(ctx);
    declineIneligible(ctx, whyNot);
    for (std::vector<size_t>& group : groups) {
        if (group.size() < 2) continue;
        std::reverse(group.begin(), group.end());  // topological order, root last
        fuse(g, ctx, group);
    }
    g.removeNodes(m_doomed);
    return Status::ok();
}

// Where a fusable node's output feeds another fusable node but cannot be fused away.
void PointwiseFusionPass::declineBreaks(PassContext& ctx) {
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (!m_specs[i]) continue;
        const ir::Value* v = m_nodes[i]->output(0);
        if (onlyReader(v)) continue;
        std::vector<const ir::Node*> nodes{m_nodes[i]};
        for (const ir::Node* c : v->consumers())
            if (specOf(c) && std::find(nodes.begin(), nodes.end(), c) == nodes.end()) nodes.push_back(c);
        if (nodes.size() < 2) continue;
        std::string why = whyNotFusable(v, m_nodes[i]);
        if (why.empty()) why = "the output of " + m_nodes[i]->opType() + " '" + m_nodes[i]->name() + "' has several readers";
        ctx.declined(nodes, why + ": it must be written to memory, so the elementwise chain is split there");
    }
}

// Elementwise ops that cannot join a neighbouring chain (only those next to one: a candidate).
void PointwiseFusionPass::declineIneligible(PassContext& ctx, const std::vector<std::string>& whyNot) {
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (whyNot[i].empty()) continue;
        const ir::Node* n = m_nodes[i];
        bool nextToChain = false;
        for (const ir::Value* v : n->inputs()) nextToChain = nextToChain || (v && specOf(v->producer()));
        for (const ir::Node* c : n->output(0) ? n->output(0)->consumers() : std::vector<ir::Node*>{})
            nextToChain = nextToChain || specOf(c);
        if (nextToChain) ctx.declined({n}, n->opType() + " '" + n->name() + "' cannot join a pointwise layer: " + whyNot[i]);
    }
}

std::string bytesText(int64_t bytes) {
    return bytes >= 4096 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " bytes";
}

// A scalar float constant that does not add a dim to the output (its rank <= the inputs' rank).
bool bakeable(const ir::Value* v, int inputsRank) {
    const HostTensor* c = v->constant();
    if (!c || c->numel() != 1 || c->numel() > kMaxImmediateElements || c->rank() > inputsRank) return false;
    // Exact in the float immediate; a float64 constant stays an input.
    return c->dtype() == DataType::Float32 || c->dtype() == DataType::Float16 || c->dtype() == DataType::BFloat16;
}

bool PointwiseFusionPass::inGroup(const ir::Value* v, int id) const {
    auto it = v->producer() ? m_index.find(v->producer()) : m_index.end();
    return it != m_index.end() && m_groupOf[it->second] == id;
}

// Numbers the group's external operands: layer inputs 0..n-1 (returned), immediates -1, -2, ...
// (appended to prog.imms). Inputs are numbered in order of first appearance in the expression (a
// depth-first walk from the root), so expr reads x0, x1, ... from left to right.
std::vector<ir::Value*> PointwiseFusionPass::externalOperands(const std::vector<size_t>& group, pw::Program& prog,
                                                              std::unordered_map<const ir::Value*, int64_t>& operand) const {
    const int id = m_groupOf[group[0]];
    int inputsRank = 0;  // the rank of the broadcast of every non-scalar input
    for (size_t i : group)
        for (int k : m_specs[i]->operands) {
            const ir::Value* v = m_nodes[i]->input(k);
            const HostTensor* c = v->constant();
            if (!inGroup(v, id) && (!c || c->numel() != 1) && v->shape().rankKnown())
                inputsRank = std::max(inputsRank, v->shape().rank());
        }
    std::vector<ir::Value*> inputs;
    std::unordered_map<const ir::Node*, bool> visited;
    std::vector<std::pair<const ir::Node*, size_t>> stack{{m_nodes[group.back()], 0}};
    while (!stack.empty()) {
        const ir::Node* n = stack.back().first;
        const std::vector<int>& operands = specOf(n)->operands;
        if (stack.back().second == operands.size()) {
            stack.pop_back();
            continue;
        }
        ir::Value* v = n->input(operands[stack.back().second++]);
        if (inGroup(v, id)) {
            if (!visited[v->producer()]) stack.push_back({v->producer(), 0});
            visited[v->producer()] = true;
        } else if (!operand.count(v) && bakeable(v, inputsRank)) {
            prog.imms.push_back(float(v->constant()->getDouble(0)));
            operand[v] = -int64_t(prog.imms.size());
        } else if (!operand.count(v)) {
            operand[v] = int64_t(inputs.size());
            inputs.push_back(v);
        }
    }
    return inputs;
}

void PointwiseFusionPass::fuse(ir::Graph& g, PassContext& ctx, const std::vector<size_t>& group) {
    // Operands: layer inputs 0..n-1, immediates -1, -2, ..., then steps n, n+1, ...
    pw::Program prog;
    std::unordered_map<const ir::Value*, int64_t> operand;
    const std::vector<ir::Value*> inputs = externalOperands(group, prog, operand);
    prog.numInputs = int(inputs.size());
    std::vector<const ir::Node*> members;
    std::string opList;
    int64_t savedBytes = 0;
    bool allStatic = true;
    for (size_t s = 0; s < group.size(); ++s) {
        const ir::Node* n = m_nodes[group[s]];
        const StepSpec& spec = *m_specs[group[s]];
        pw::Step step = spec.step;
        step.a = operand.at(n->input(spec.operands[0]));
        if (spec.operands.size() > 1) step.b = operand.at(n->input(spec.operands[1]));
        prog.steps.push_back(step);
        operand[n->output(0)] = prog.numInputs + int64_t(s);
        members.push_back(n);
        opList += (opList.empty() ? "" : ", ") + n->opType();
        if (s + 1 == group.size()) continue;
        Expected<int64_t> numel = n->output(0)->shape().numel();
        if (numel) savedBytes += *numel * int64_t(dataTypeSize(n->output(0)->dtype()));
        else allStatic = false;
    }
    ir::Value* out = m_nodes[group.back()]->output(0);
    ir::Node* layer = addFusedNode(g, members, "Pointwise", kKilnDomain, inputs, {out});
    pw::writeProgram(*layer, prog);
    for (size_t i : group) m_doomed.push_back(m_nodes[i]);

    const std::string count = std::to_string(group.size());
    const std::string saved = std::to_string(group.size() - 1) + " intermediate tensor" + (group.size() > 2 ? "s" : "") +
                              (allStatic ? " (" + bytesText(savedBytes) + ")" : std::string());
    ctx.applied("elementwise chain => kiln.Pointwise", members, layer,
                "Fused " + count + " elementwise ops (" + opList + ") into one kernel computing " +
                    pw::describe(prog) + " per element: " + saved +
                    " never written to memory and read back, one launch instead of " + count + ".");
}

}  // namespace

std::unique_ptr<Pass> makePointwiseFusionPass() { return std::make_unique<PointwiseFusionPass>(); }

}  // namespace kiln::passes
