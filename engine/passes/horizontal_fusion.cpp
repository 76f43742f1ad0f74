// horizontal-fusion: sibling projections of one input => one wider projection + a free Split
//   [y_1 | ... | y_n] = x . [W_1 | ... | W_n]         MatMul / Gemm: W concatenated along N
//   [y_1 ; ... ; y_n] = conv(x, [W_1 ; ... ; W_n])    Conv (group 1): along output channels
// Biases, where present, are concatenated the same way (zeros for siblings without one). The
// y_i become outputs of a Split marked kiln_view = 1: views of the wide result, no copy. The
// main target are a transformer's Q/K/V projections: one GEMM instead of three, x read once.
#include <algorithm>
#include <cstring>
#include <map>
#include <type_traits>
#include <variant>

#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

// The layers horizontal fusion widens. Kiln's own layers (from fuse-bias-activation) are listed
// here too: adding a kind is one line. Their inputs are (A, W, bias?, residual?).
struct ProjectionKind {
    const char* domain;
    const char* opType;
    bool conv;          // W [Cout, Cin, k...] grows along axis 0, the output along axis 1
    int biasInput;      // -1: no bias input
    int residualInput;  // -1: no residual input
};
constexpr ProjectionKind kKinds[] = {
    {"", "MatMul", false, -1, -1},
    {"", "Gemm", false, 2, -1},
    {"", "Conv", true, 2, -1},
    {kKilnDomain, "FusedGemm", false, 2, 3},
    {kKilnDomain, "FusedConv", true, 2, 3},
};

int kindIndexOf(const ir::Node& n) {
    for (size_t k = 0; k < std::size(kKinds); ++k)
        if (n.opType() == kKinds[k].opType && n.domain() == kKinds[k].domain) return int(k);
    return -1;
}

std::string describeNode(const ir::Node* n) { return n->opType() + " '" + n->name() + "'"; }

// A projection that can be widened, and along which axes.
struct Candidate {
    ir::Node* node = nullptr;
    const HostTensor* weight = nullptr;
    const HostTensor* bias = nullptr;  // null: none
    int weightAxis = 0;                // the axis of W that grows (N or Cout)
    int outputAxis = 0;                // the axis of the output that is split
    int64_t width = 0;                 // N_i or Cout_i
};

// Bias: a constant with one value per output column / channel.
Status checkBias(const ir::Node& n, const ProjectionKind& k, Candidate& c) {
    const ir::Value* b = k.biasInput >= 0 ? n.input(k.biasInput) : nullptr;
    if (!b) return Status::ok();
    c.bias = constantOf(b);
    if (!c.bias) return unsupported("its bias '" + b->name() + "' is not a constant");
    if (c.bias->rank() != 1 || c.bias->numel() != c.width)
        return unsupported("its bias '" + b->name() + "' of shape " + dimsToString(c.bias->dims()) +
                           " is not one value per output " + (k.conv ? "channel" : "column"));
    if (c.bias->dtype() != c.weight->dtype()) return unsupported("its bias and weight differ in type");
    return Status::ok();
}

// The candidate n is, or why it cannot be widened.
Expected<Candidate> candidateOf(ir::Node* n, const ProjectionKind& k, int opset) {
    Candidate c;
    c.node = n;
    const ir::Value* w = n->input(1);
    c.weight = constantOf(w);
    if (!c.weight) return unsupported("its weight '" + (w ? w->name() : std::string("?")) + "' is not a constant");
    if (k.residualInput >= 0 && n->input(k.residualInput)) return unsupported("it adds a residual input");
    const ir::Value* y = n->output(0);
    if (n->numOutputs() != 1 || !y) return unsupported("it has several outputs");
    if (k.conv) {
        if (n->attrInt("group", 1) != 1)
            return unsupported("it is a grouped convolution (group = " + std::to_string(n->attrInt("group", 1)) + ")");
        if (c.weight->rank() < 3) return unsupported("its weight is not a convolution kernel");
        c.weightAxis = 0;
        c.outputAxis = 1;
    } else {
        if (c.weight->rank() != 2) return unsupported("its weight is not 2-D");
        c.weightAxis = (n->opType() != "MatMul" && n->attrInt("transB", 0) != 0) ? 0 : 1;
        // The last axis; counted from the back when the rank is unknown (Split allows that from opset 11).
        c.outputAxis = y->shape().rankKnown() ? y->shape().rank() - 1 : -1;
        if (c.outputAxis < 0 && opset < 11)
            return unsupported("the rank of its output is unknown, and Split before opset 11 needs it");
    }
    c.width = c.weight->dim(c.weightAxis);
    KILN_RETURN_IF_ERROR(checkBias(*n, k, c));
    return c;
}

bool sameAttribute(const ir::Attribute& a, const ir::Attribute& b) {
    if (a.kind() != b.kind()) return false;
    return std::visit(
        [&b](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, HostTensor>) return false;
            else return x == b.get<T>();
        },
        a.storage());
}

// Why b cannot be merged with a, or "" if it can.
std::string mismatch(const Candidate& a, const Candidate& b) {
    const HostTensor& wa = *a.weight;
    const HostTensor& wb = *b.weight;
    if (wa.dtype() != wb.dtype())
        return std::string("weights differ in type (") + dataTypeName(wb.dtype()) + " vs " + dataTypeName(wa.dtype()) + ")";
    if (a.weightAxis != b.weightAxis) return "weights are laid out differently (transB differs)";
    std::vector<int64_t> da = wa.dims(), db = wb.dims();
    da[size_t(a.weightAxis)] = db[size_t(b.weightAxis)] = 0;
    if (da != db)
        return "weights differ in shape beyond the output axis (" + dimsToString(wb.dims()) + " vs " +
               dimsToString(wa.dims()) + ")";
    if (a.node->output(0)->dtype() != b.node->output(0)->dtype()) return "outputs differ in type";
    const auto& aa = a.node->attributes();
    const auto& ab = b.node->attributes();
    for (const auto& [name, attr] : ab) {
        auto it = aa.find(name);
        if (it == aa.end() || !sameAttribute(it->second, attr))
            return "attribute '" + name + "' differs (" + attr.toString() + " vs " +
                   (it == aa.end() ? std::string("unset") : it->second.toString()) + ")";
    }
    for (const auto& [name, attr] : aa)
        if (!ab.count(name)) return "attribute '" + name + "' differs (unset vs " + attr.toString() + ")";
    return {};
}

// Concatenation of same-typed tensors along axis (dims agree elsewhere).
HostTensor concatAlong(const std::vector<HostTensor>& parts, int axis) {
    std::vector<int64_t> dims = parts[0].dims();
    dims[size_t(axis)] = 0;
    for (const HostTensor& p : parts) dims[size_t(axis)] += p.dim(axis);
    HostTensor out(parts[0].dtype(), dims);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= dims[size_t(d)];
    for (size_t d = size_t(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
    const size_t es = dataTypeSize(out.dtype());
    const int64_t outRow = dims[size_t(axis)] * inner;
    auto* dst = static_cast<std::byte*>(out.raw());
    int64_t column = 0;
    for (const HostTensor& p : parts) {
        const int64_t block = p.dim(axis) * inner;
        const auto* src = static_cast<const std::byte*>(p.raw());
        for (int64_t o = 0; o < outer && block > 0; ++o)
            std::memcpy(dst + size_t(o * outRow + column) * es, src + size_t(o * block) * es, size_t(block) * es);
        column += block;
    }
    return out;
}

// "Merged 3 MatMuls reading 'x' into one [64 x 192] GEMM (64 + 64 + 64); ..."
std::string explanation(const ProjectionKind& kind, const std::string& x, const Candidate& first,
                        const std::vector<int64_t>& widths) {
    int64_t total = 0;
    std::string sizes;
    for (int64_t w : widths) {
        total += w;
        sizes += (sizes.empty() ? "" : " + ") + std::to_string(w);
    }
    std::string layer = kind.conv ? "one " + std::string(kind.opType) + " with " + std::to_string(total) + " output channels"
                                  : "one [" + std::to_string(first.weight->dim(1 - first.weightAxis)) + " x " +
                                        std::to_string(total) + "] GEMM";
    const std::string n = std::to_string(widths.size());
    return "Merged " + n + " " + kind.opType + "s reading '" + x + "' into " + layer + " (" + sizes +
           "); its output is split into " + n + " views at no cost: one kernel launch instead of " + n + ", '" + x +
           "' read once instead of " + n + " times.";
}

class HorizontalFusionPass final : public Pass {
public:
    std::string name() const override { return "horizontal-fusion"; }
    std::string description() const override {
        return "Merges sibling MatMuls/Convs reading one input into one wider layer split into free views";
    }
    Status run(ir::Graph& g, PassContext& ctx) override;

private:
    // Siblings of one kind reading the same input, in graph order.
    struct Family {
        ir::Value* input;
        int kind;
        std::vector<ir::Node*> nodes;
    };
    void fuseFamily(ir::Graph& g, PassContext& ctx, const Family& f);
    void merge(ir::Graph& g, PassContext& ctx, const Family& f, const std::vector<Candidate>& cluster);
    std::vector<ir::Node*> m_doomed;
};

Status HorizontalFusionPass::run(ir::Graph& g, PassContext& ctx) {
    m_doomed.clear();
    std::vector<Family> families;
    std::map<std::pair<const ir::Value*, int>, size_t> index;
    for (const auto& np : g.nodes()) {
        const int kind = kindIndexOf(*np);
        ir::Value* x = np->input(0);
        if (kind < 0 || !x) continue;
        auto [it, added] = index.try_emplace({x, kind}, families.size());
        if (added) families.push_back({x, kind, {}});
        families[it->second].nodes.push_back(np.get());
    }
    for (const Family& f : families)
        if (f.nodes.size() >= 2) fuseFamily(g, ctx, f);
    g.removeNodes(m_doomed);
    return Status::ok();
}

// Clusters the family's candidates by compatibility; merges every cluster of >= 2.
void HorizontalFusionPass::fuseFamily(ir::Graph& g, PassContext& ctx, const Family& f) {
    const ProjectionKind& kind = kKinds[size_t(f.kind)];
    const std::string siblings = std::to_string(f.nodes.size() - 1) + " sibling(s) reading '" + f.input->name() + "'";
    std::vector<std::vector<Candidate>> clusters;
    for (ir::Node* n : f.nodes) {
        Expected<Candidate> c = candidateOf(n, kind, g.opsetFor(""));
        if (!c) {
            ctx.declined({n}, describeNode(n) + " cannot join its " + siblings + ": " + c.status().message());
            continue;
        }
        auto fits = [&](const std::vector<Candidate>& cl) { return mismatch(cl[0], *c).empty(); };
        auto it = std::find_if(clusters.begin(), clusters.end(), fits);
        if (it == clusters.end()) clusters.push_back({*c});
        else it->push_back(*c);
    }
    for (size_t i = 0; i < clusters.size(); ++i) {
        if (clusters[i].size() >= 2) {
            merge(g, ctx, f, clusters[i]);
            continue;
        }
        if (clusters.size() < 2) continue;  // the only candidate: its siblings were declined above
        const Candidate& other = clusters[i == 0 ? 1 : 0][0];
        ctx.declined({clusters[i][0].node, other.node}, describeNode(clusters[i][0].node) + " cannot join " +
                                                            describeNode(other.node) + ": " +
                                                            mismatch(other, clusters[i][0]));
    }
}

void HorizontalFusionPass::merge(ir::Graph& g, PassContext& ctx, const Family& f, const std::vector<Candidate>& cl) {
    const ProjectionKind& kind = kKinds[size_t(f.kind)];
    const Candidate& first = cl[0];
    std::vector<const ir::Node*> members;
    std::vector<HostTensor> weights, biases;
    std::vector<ir::Value*> outputs;
    std::vector<int64_t> widths;
    const HostTensor* someBias = nullptr;
    for (const Candidate& c : cl) {
        members.push_back(c.node);
        outputs.push_back(c.node->output(0));
        widths.push_back(c.width);
        weights.push_back(*c.weight);
        if (c.bias) someBias = c.bias;
    }
    int64_t total = 0;
    for (int64_t w : widths) total += w;
    // Missing biases are zeros, so every sibling can share the one bias input.
    if (someBias)
        for (const Candidate& c : cl) biases.push_back(c.bias ? *c.bias : HostTensor(someBias->dtype(), {c.width}));

    std::vector<ir::Value*> inputs{f.input, g.addConstant(first.node->input(1)->name() + "_merged",
                                                          concatAlong(weights, first.weightAxis))};
    if (someBias) inputs.push_back(g.addConstant(first.node->input(kind.biasInput)->name() + "_merged", concatAlong(biases, 0)));
    ir::Value* wide = g.addIntermediate(outputs[0]->name() + "_merged");
    wide->setType(outputs[0]->dtype());
    Shape shape = outputs[0]->shape();
    if (shape.rankKnown()) shape[first.outputAxis] = Dim(total);
    wide->setShape(shape);
    ir::Node* fused = addFusedNode(g, members, kind.opType, kind.domain, inputs, {wide});
    for (const auto& [name, attr] : first.node->attributes()) fused->setAttr(name, attr);

    // Split [.., N_1 + ... + N_n, ..] -> [.., N_i, ..]: views of the wide output.
    std::vector<ir::Value*> splitInputs{wide};
    if (g.opsetFor("") >= 13)
        splitInputs.push_back(g.addConstant(wide->name() + "_split", HostTensor::fromVector<int64_t>({int64_t(widths.size())}, widths)));
    ir::Node* split = addFusedNode(g, members, "Split", "", splitInputs, outputs);
    split->setAttr("axis", int64_t(first.outputAxis));
    if (g.opsetFor("") < 13) split->setAttr("split", widths);
    split->setAttr("kiln_view", int64_t(1));
    for (const Candidate& c : cl) m_doomed.push_back(c.node);

    const std::string n = std::to_string(cl.size());
    ctx.applied(std::string(kind.opType) + "(x, W_i) x " + n + " => Split(" + kind.opType + "(x, concat(W_i)))",
                members, fused, explanation(kind, f.input->name(), first, widths));
}

}  // namespace

std::unique_ptr<Pass> makeHorizontalFusionPass() { return std::make_unique<HorizontalFusionPass>(); }

}  // namespace kiln::passes
