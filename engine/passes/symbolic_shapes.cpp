#include "passes/symbolic_shapes.h"

#include "passes/pattern_utils.h"
#include "passes/symbolic_shape_rules.h"
#include "plugin/plugin_layer.h"

namespace kiln::passes {

namespace shape_rules {

const Shape& Context::in(int i) const {
    static const Shape kUnknown = Shape::unknownRank();
    const ir::Value* v = node.input(i);
    return v ? v->shape() : kUnknown;
}

std::optional<std::vector<int64_t>> Context::ints(int i) const {
    const HostTensor* t = constantOf(node.input(i));
    if (!t || node.input(i)->isGraphInput() || t->rank() > 1 || t->numel() > kMaxShapeElems) return std::nullopt;
    auto v = t->toInt64Vector();
    return v ? std::optional(*v) : std::nullopt;
}

std::optional<std::vector<int64_t>> Context::intsOperand(int i, int fromOpset, const char* attr) const {
    if (node.opsetVersion() >= fromOpset) return has(i) ? ints(i) : std::nullopt;
    if (!node.hasAttr(attr)) return std::nullopt;
    return node.attrInts(attr);
}

std::optional<Shape> broadcast(const std::vector<Shape>& shapes, DimAlgebra& dims) {
    int rank = 0;
    for (const Shape& s : shapes) {
        if (!s.rankKnown()) return Shape::unknownRank();
        rank = std::max(rank, s.rank());
    }
    std::vector<Dim> out(size_t(rank), Dim(1));
    for (const Shape& s : shapes)
        for (int i = 0; i < s.rank(); ++i) {
            Dim& o = out[size_t(rank - s.rank() + i)];
            auto d = dims.broadcast(o, s[i]);
            if (!d) return std::nullopt;
            o = *d;
        }
    return Shape(out);
}

int normAxis(int64_t axis, int rank) {
    if (axis < -rank || axis >= rank) return -1;
    return int(axis < 0 ? axis + rank : axis);
}

Shape unknownDims(int rank) { return Shape(std::vector<Dim>(size_t(std::max(rank, 0)))); }

Outputs all(const Context& c, const Shape& s) { return Outputs(size_t(c.outputs()), s); }

std::vector<Dim> dimsOf(const ShapeValue& v) {
    std::vector<Dim> out;
    for (const ShapeElem& e : v.elems) out.push_back(e.asDim());
    return out;
}

}  // namespace shape_rules

namespace {

using shape_rules::RuleTable;

const RuleTable& rules() {
    static const RuleTable table = [] {
        RuleTable t;
        shape_rules::addElementwiseRules(t);
        shape_rules::addTensorRules(t);
        shape_rules::addLayerRules(t);
        return t;
    }();
    return table;
}

// The better of two claims about one dim: a number over a symbol over a fresh symbol over
// unknown. Between two symbols the inferred one wins, so that the dims inference computes stay
// consistent with each other (both name the same run-time number).
Dim better(const Dim& cur, const Dim& inf) {
    if (cur.isKnown()) return cur;
    if (inf.isKnown()) return inf;
    if (inf.isSymbolic() && !DimAlgebra::isFresh(inf)) return inf;
    if (cur.isSymbolic()) return cur;
    return inf;
}

// cur and inferred combined, or the reason they contradict each other.
Expected<Shape> merge(const Shape& cur, const Shape& inf) {
    if (!inf.rankKnown()) return cur;
    if (!cur.rankKnown()) return inf;
    auto conflict = [&] { return invalidArgument("inferred " + inf.toString() + ", declared " + cur.toString()); };
    if (cur.rank() != inf.rank()) return conflict();
    std::vector<Dim> out;
    out.reserve(size_t(cur.rank()));
    for (int i = 0; i < cur.rank(); ++i) {
        if (cur[i].isKnown() && inf[i].isKnown() && cur[i].value != inf[i].value) return conflict();
        out.push_back(better(cur[i], inf[i]));
    }
    return Shape(std::move(out));
}

// A plugin layer's outputs from the plugin's own shape and type functions. Types are set here
// too: ONNX inference knows nothing of the op. A plugin that fails leaves the outputs unknown;
// cpu::checkSupported reports why.
std::optional<shape_rules::Outputs> pluginOutputs(ir::Node& n, DimAlgebra& dims) {
    auto p = plugins::instantiate(n);
    if (!p) return std::nullopt;
    std::vector<Shape> ins;
    std::vector<DataType> types;
    for (const ir::Value* v : n.inputs()) {
        ins.push_back(v ? v->shape() : Shape::unknownRank());
        types.push_back(v ? v->dtype() : DataType::Undefined);
    }
    if (auto t = plugins::outputTypes(*p, types); t && t->size() == size_t(n.numOutputs()))
        for (int i = 0; i < n.numOutputs(); ++i)
            if (ir::Value* v = n.output(i); v && v->dtype() == DataType::Undefined) v->setType((*t)[size_t(i)]);
    auto shapes = plugins::outputShapes(*p, ins, dims);
    if (!shapes) return std::nullopt;
    return *shapes;
}

}  // namespace

SymbolicShapes::Outcome SymbolicShapes::infer(ir::Node& n) {
    Outcome o;
    std::optional<shape_rules::Outputs> outs;
    const auto it = n.domain().empty() ? rules().find(n.opType()) : rules().find(n.domain() + "." + n.opType());
    if (it != rules().end()) {
        o.hasRule = true;
        shape_rules::Context c(n, m_values, m_dims);
        outs = it->second(c);
    } else if (plugins::isPluginNode(n)) {
        o.hasRule = true;
        outs = pluginOutputs(n, m_dims);
    }
    for (int i = 0; i < n.numOutputs(); ++i) {
        ir::Value* v = n.output(i);
        if (!v || v->constant()) continue;
        const Shape inferred = outs && size_t(i) < outs->size() ? (*outs)[size_t(i)] : Shape::unknownRank();
        Expected<Shape> m = merge(v->shape(), inferred);
        if (!m) {
            o.conflict = "output '" + v->name() + "': " + m.status().message();
            continue;
        }
        Shape s = std::move(*m);
        for (int d = 0; s.rankKnown() && d < s.rank(); ++d)
            if (!s[d].isKnown() && !s[d].isSymbolic()) s[d] = DimAlgebra::fresh(n.name(), i, d);
        if (s != v->shape()) {
            v->setShape(std::move(s));
            ++o.improved;
        }
    }
    m_values.evaluate(n);
    return o;
}

int inferSymbolicShapes(ir::Graph& g) {
    SymbolicShapes shapes;
    int improved = 0;
    for (auto& n : g.nodes()) improved += shapes.infer(*n).improved;
    return improved;
}

}  // namespace kiln::passes
