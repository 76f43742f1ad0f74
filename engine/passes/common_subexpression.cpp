// common-subexpression-elimination: two nodes that apply the same op, with the same attributes,
// to the same inputs compute the same outputs; the second one's readers read the first's.
//   y1 = f(a, b; attrs), y2 = f(a, b; attrs) => y2 := y1
// "The same inputs" are the same values, or small constants with equal type, dims and data:
// exporters write one Constant per use, so BERT's twelve layers each build the same additive
// mask Where(mask, 0, -inf) from their own two constants. Walked in topological order, so the
// readers of a merged node can merge in turn. Not for random ops (each draw differs) or nodes
// without inputs (constant folding has made those initializers).
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "passes/passes.h"
#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

// Constants up to this size are compared by content; larger ones by identity (weights are not
// duplicated by exporters, and hashing them would cost more than it finds).
constexpr size_t kMaxComparedBytes = 4096;

bool isRandom(const ir::Node& n) {
    const std::string& op = n.opType();
    return op.rfind("Random", 0) == 0 || op == "Multinomial" || op == "Bernoulli" || op == "Dropout";
}

std::string bytesOf(const HostTensor& t) {
    std::string s = std::to_string(int(t.dtype())) + dimsToString(t.dims());
    s.append(static_cast<const char*>(t.raw()), t.byteSize());
    return s;
}

std::string floatBits(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return std::to_string(bits);
}

// A string written with its length, so that no content can fake a separator.
std::string counted(const std::string& s) { return std::to_string(s.size()) + "'" + s; }

// The attributes as text that is equal exactly when they are (every element; floats by their
// bits); nullopt when one holds a tensor too large to compare.
std::optional<std::string> attributeKey(const ir::Node& n) {
    std::string key;
    for (const auto& [name, a] : n.attributes()) {
        key += counted(name) + std::to_string(int(a.kind())) + ":";
        switch (a.kind()) {
        case ir::AttributeKind::Float: key += floatBits(a.get<float>()); break;
        case ir::AttributeKind::Int: key += std::to_string(a.get<int64_t>()); break;
        case ir::AttributeKind::String: key += counted(a.get<std::string>()); break;
        case ir::AttributeKind::Tensor:
            if (a.get<HostTensor>().byteSize() > kMaxComparedBytes) return std::nullopt;
            key += counted(bytesOf(a.get<HostTensor>()));
            break;
        case ir::AttributeKind::Floats:
            for (float f : a.get<std::vector<float>>()) key += floatBits(f) + ",";
            break;
        case ir::AttributeKind::Ints:
            for (int64_t i : a.get<std::vector<int64_t>>()) key += std::to_string(i) + ",";
            break;
        case ir::AttributeKind::Strings:
            for (const std::string& str : a.get<std::vector<std::string>>()) key += counted(str);
            break;
        }
        key += ";";
    }
    return key;
}

class CsePass final : public Pass {
public:
    std::string name() const override { return "common-subexpression-elimination"; }
    std::string description() const override { return "merges nodes that compute the same op on the same inputs"; }

    Status run(ir::Graph& g, PassContext& ctx) override {
        KILN_RETURN_IF_ERROR(g.topologicalSort());
        std::unordered_map<std::string, ir::Node*> seen;
        std::unordered_set<const ir::Node*> merged;
        for (ir::Node* n : nodeSnapshot(g)) {
            if (n->numInputs() == 0 || isRandom(*n)) continue;
            auto key = keyOf(*n);
            if (!key) continue;
            auto [it, first] = seen.emplace(std::move(*key), n);
            if (first) continue;
            if (std::string why = replace(g, *n, *it->second); !why.empty()) {
                ctx.declined({it->second, n}, why);
                continue;
            }
            merged.insert(n);
            ctx.applied("f(x) twice => f(x) once", {it->second, n}, it->second,
                        "'" + n->name() + "' computes the same " + n->opType() + " of the same inputs as '" +
                            it->second->name() + "': its readers now read the first one's output.");
        }
        g.removeNodes(merged);
        return Status::ok();
    }

private:
    // Op, opset, attributes and inputs; inputs by identity, small constants by content.
    std::optional<std::string> keyOf(const ir::Node& n) {
        auto attrs = attributeKey(n);
        if (!attrs) return std::nullopt;
        std::string key = n.domain() + "." + n.opType() + "/" + std::to_string(n.opsetVersion()) + "|" + *attrs + "|";
        for (const ir::Value* v : n.inputs()) key += std::to_string(inputId(v)) + ",";
        key += "|" + std::to_string(n.numOutputs());
        return key;
    }

    // One number per distinct input: equal small constants share theirs.
    size_t inputId(const ir::Value* v) {
        if (!v) return 0;
        if (auto it = m_ids.find(v); it != m_ids.end()) return it->second;
        size_t id = m_ids.size() + 1;
        const HostTensor* t = v->constant();
        if (t && !v->isGraphInput() && t->byteSize() <= kMaxComparedBytes)
            id = m_constantIds.emplace(bytesOf(*t), id).first->second;
        m_ids.emplace(v, id);
        return id;
    }

    // Makes dup's readers read first's outputs; "" on success, else why not (nothing changed).
    static std::string replace(ir::Graph& g, ir::Node& dup, ir::Node& first) {
        for (int i = 0; i < dup.numOutputs(); ++i) {
            ir::Value *from = dup.output(i), *into = first.output(i);
            if (from && !into) return "'" + first.name() + "' does not produce output " + std::to_string(i);
            if (from && from->isGraphOutput() && !g.canReplaceAllUses(from, into))
                return "both '" + from->name() + "' and '" + into->name() + "' are graph outputs";
        }
        for (int i = 0; i < dup.numOutputs(); ++i)
            if (ir::Value* from = dup.output(i))
                if (Status st = g.replaceAllUses(from, first.output(i)); !st.isOk()) return st.message();
        return {};
    }

    std::unordered_map<const ir::Value*, size_t> m_ids;
    std::unordered_map<std::string, size_t> m_constantIds;
};

}  // namespace

std::unique_ptr<Pass> makeCommonSubexpressionPass() { return std::make_unique<CsePass>(); }

}  // namespace kiln::passes
