// The LayerBuilder layers emit their nodes through, weights copying, and the shape rules with
// symbolic dims that type every layer's outputs.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <set>

#include "builder/network_internal.h"

namespace kiln::detail {

// --- LayerBuilder ------------------------------------------------------------------------------

LayerBuilder::LayerBuilder(NetworkDefinition& network, const Layer& layer)
    : m_graph(*network.m_graph), m_layer(layer) {}

int LayerBuilder::opset() const { return m_graph.opsetFor(""); }

Operand LayerBuilder::input(int i) const {
    const Tensor* t = m_layer.input(i);
    if (!t) return {};
    return {t->m_value, t->dataType(), t->shape()};
}

Operand LayerBuilder::constant(const std::string& suffix, HostTensor t) {
    const DataType type = t.dtype();
    Shape shape = t.shape();
    ir::Value* v = m_graph.addConstant(layerName() + "." + suffix, std::move(t));
    return {v, type, std::move(shape)};
}

Operand LayerBuilder::int64s(const std::string& suffix, const std::vector<int64_t>& values) {
    return constant(suffix, HostTensor::fromVector<int64_t>({int64_t(values.size())}, values));
}

Operand LayerBuilder::scalarLike(const std::string& suffix, DataType type, double value) {
    return constant(suffix, HostTensor::scalar(type, value));
}

ir::Node* LayerBuilder::emit(std::string name, const std::string& opType, const std::vector<Operand>& inputs,
                             const std::vector<ir::Value*>& outputs, Attrs attrs) {
    std::vector<ir::Value*> ins;
    for (const Operand& o : inputs) ins.push_back(o.value);
    ir::Node* n = m_graph.addNode(std::move(name), opType, "", ins, outputs);
    for (auto& [k, a] : attrs) n->setAttr(k, std::move(a));
    m_nodes.push_back(n);
    return n;
}

Operand LayerBuilder::node(const std::string& suffix, const std::string& opType, std::vector<Operand> inputs,
                           Attrs attrs, DataType outType, Shape outShape) {
    std::string name = layerName() + "/" + suffix;
    for (int k = 1; m_graph.findNode(name); ++k) name = layerName() + "/" + suffix + "_" + std::to_string(k);
    ir::Value* out = m_graph.addIntermediate(name + "_out");
    out->setType(outType);
    out->setShape(outShape);
    emit(name, opType, inputs, {out}, std::move(attrs));
    return {out, outType, std::move(outShape)};
}

Status LayerBuilder::output(const std::string& opType, std::vector<Operand> inputs, Attrs attrs,
                            std::vector<std::pair<DataType, Shape>> outs) {
    if (int(outs.size()) != m_layer.numOutputs())
        return error("internal: " + std::to_string(outs.size()) + " output types for " +
                     std::to_string(m_layer.numOutputs()) + " outputs", StatusCode::Internal);
    if (m_graph.findNode(layerName())) return error("a node named '" + layerName() + "' already exists");
    std::vector<ir::Value*> values;
    for (size_t i = 0; i < outs.size(); ++i) {
        ir::Value* v = m_layer.output(int(i))->m_value;
        v->setType(outs[i].first);
        v->setShape(std::move(outs[i].second));
        values.push_back(v);
    }
    emit(layerName(), opType, inputs, values, std::move(attrs));
    return Status::ok();
}

Status LayerBuilder::rawNode(const std::string& opType, const std::string& domain, std::vector<ir::Value*> inputs,
                             const std::map<std::string, ir::Attribute>& attrs, int opset, const std::string& doc,
                             std::vector<std::string> origins) {
    if (m_graph.findNode(layerName())) return error("a node named '" + layerName() + "' already exists");
    std::vector<ir::Value*> outs;
    for (int i = 0; i < m_layer.numOutputs(); ++i)
        outs.push_back(m_layer.output(i) ? m_layer.output(i)->m_value : nullptr);
    ir::Node* n = m_graph.addNode(layerName(), opType, domain, inputs, outs);
    n->setOpsetVersion(opset);
    n->setDocString(doc);
    for (const auto& [k, a] : attrs) n->setAttr(k, a);
    n->setOrigins(std::move(origins));
    m_nodes.push_back(n);
    return Status::ok();
}

Status LayerBuilder::error(const std::string& message, StatusCode code) const {
    return Status(code, message, layerName(), layerTypeName(m_layer.type()));
}

void LayerBuilder::rollback() {
    m_graph.removeNodes(m_nodes);
    m_nodes.clear();
}

std::pair<std::vector<Operand>, Attrs> reduceArgs(LayerBuilder& b, const std::string& opType, const Operand& x,
                                                  const std::vector<int64_t>& axes, bool keep) {
    const bool axesInput = b.opset() >= (opType == "ReduceSum" ? 13 : 18);
    std::vector<Operand> ins = {x};
    Attrs attrs;
    attrs.emplace_back("keepdims", ir::Attribute(int64_t(keep ? 1 : 0)));
    if (axesInput) ins.push_back(b.int64s("axes", axes));
    else attrs.emplace_back("axes", ir::Attribute(axes));
    return {std::move(ins), std::move(attrs)};
}

Status emitChain(LayerBuilder& b, Operand x, std::vector<Step> steps) {
    if (steps.empty()) return b.output("Identity", {x}, {}, {{x.dtype, x.shape}});
    for (size_t i = 0; i < steps.size(); ++i) {
        Step& s = steps[i];
        std::vector<Operand> ins = {x};
        ins.insert(ins.end(), s.extraInputs.begin(), s.extraInputs.end());
        if (i + 1 == steps.size()) return b.output(s.opType, std::move(ins), std::move(s.attrs), {{x.dtype, s.shape}});
        x = b.node(s.suffix, s.opType, std::move(ins), std::move(s.attrs), x.dtype, s.shape);
    }
    return Status::ok();
}

// --- weights -------------------------------------------------------------------------------------

Expected<HostTensor> copyWeights(const Weights& w, const char* what) {
    if (w.count == 0) return HostTensor();
    if (w.count < 0) return invalidArgument(std::string(what) + " weights have a negative count (" + std::to_string(w.count) + ")");
    if (!w.values) return invalidArgument(std::string(what) + " weights have " + std::to_string(w.count) + " values but a null pointer");
    if (dataTypeSize(w.type) == 0) return invalidArgument(std::string(what) + " weights have an undefined type");
    KILN_ASSIGN_OR_RETURN(HostTensor t, HostTensor::create(w.type, {w.count}));
    std::memcpy(t.raw(), w.values, t.byteSize());
    return t;
}

Status checkCount(const HostTensor& w, int64_t count, const char* what, bool optional) {
    if (!w.isValid()) {
        if (optional) return Status::ok();
        return invalidArgument(std::string(what) + " weights are required, got none (count 0)");
    }
    if (w.numel() != count)
        return invalidArgument(std::string(what) + " weights have " + std::to_string(w.numel()) + " values, expected " +
                               std::to_string(count));
    return Status::ok();
}

HostTensor weightsAs(const HostTensor& w, std::vector<int64_t> dims, DataType type) {
    HostTensor t = *w.reshaped(std::move(dims));
    return t.dtype() == type ? t : t.castTo(type);
}

// --- shape rules ---------------------------------------------------------------------------------

std::string shapeText(const Shape& s) { return s.rankKnown() ? s.toString() : "[unknown rank]"; }
std::string dimText(const Dim& d) { return d.toString(); }

Expected<Shape> broadcastShapes(const Shape& a, const Shape& b) {
    if (!a.rankKnown() || !b.rankKnown()) return Shape::unknownRank();
    const int r = std::max(a.rank(), b.rank());
    std::vector<Dim> out(static_cast<size_t>(r));
    for (int i = 0; i < r; ++i) {
        const int ia = i - (r - a.rank()), ib = i - (r - b.rank());
        const Dim da = ia >= 0 ? a[ia] : Dim(1), db = ib >= 0 ? b[ib] : Dim(1);
        Dim d;
        if (da.isKnown() && db.isKnown()) {
            if (da.value != db.value && da.value != 1 && db.value != 1)
                return invalidArgument("shapes " + a.toString() + " and " + b.toString() + " do not broadcast (dim " +
                                       std::to_string(i) + ": " + std::to_string(da.value) + " vs " +
                                       std::to_string(db.value) + ")");
            d = da.value == 1 ? db : da;
        } else if (da.isKnown()) {
            d = da.value == 1 ? db : da;
        } else if (db.isKnown()) {
            d = db.value == 1 ? da : db;
        } else if (da.isSymbolic() && da == db) {
            d = da;
        }
        out[size_t(i)] = d;
    }
    return Shape(std::move(out));
}

Expected<Dim> windowOutputDim(const Dim& in, int64_t kernel, int64_t stride, int64_t padBegin, int64_t padEnd,
                              int64_t dilation, PaddingMode mode) {
    const int64_t extent = dilation * (kernel - 1) + 1;
    if (mode == PaddingMode::SameUpper || mode == PaddingMode::SameLower) {
        if (in.isKnown()) return Dim((in.value + stride - 1) / stride);
        return stride == 1 ? in : Dim();
    }
    if (!in.isKnown())  // an unchanged size keeps the input's symbol
        return stride == 1 && padBegin + padEnd == extent - 1 ? in : Dim();
    const int64_t span = in.value + padBegin + padEnd - extent;
    if (span < 0)
        return invalidArgument("the window extent " + std::to_string(extent) + " exceeds the padded input size " +
                               std::to_string(in.value + padBegin + padEnd));
    const bool ceil = mode == PaddingMode::ExplicitRoundUp;
    int64_t out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
    if (ceil && (out - 1) * stride >= in.value + padBegin) --out;  // the last window starts in the input
    return Dim(out);
}

Shape transposeShape(const Shape& s, const std::vector<int64_t>& perm) {
    if (!s.rankKnown()) return s;
    std::vector<Dim> out;
    for (int64_t p : perm) out.push_back(s[int(p)]);
    return Shape(std::move(out));
}

namespace {

// A product of dims as a known factor and the symbols it multiplies; unknown when a dim is.
struct SymbolicProduct {
    int64_t known = 1;
    std::multiset<std::string> symbols;
    bool unknown = false;
    void times(const Dim& d) {
        if (d.isKnown()) known *= d.value;
        else if (d.isSymbolic()) symbols.insert(d.symbol);
        else unknown = true;
    }
};

}  // namespace

Expected<Shape> reshapeShape(const Shape& in, const std::vector<int64_t>& dims, bool zeroIsPlaceholder) {
    int inferred = -1;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < -1) return invalidArgument("reshape dim " + std::to_string(i) + " is " + std::to_string(dims[i]));
        if (dims[i] == -1) {
            if (inferred >= 0) return invalidArgument("reshape dims " + dimsToString(dims) + " have more than one -1");
            inferred = int(i);
        }
        if (dims[i] == 0 && !zeroIsPlaceholder && inferred >= 0)
            return invalidArgument("reshape dims " + dimsToString(dims) + " mix -1 with a literal 0");
    }
    std::vector<Dim> out(dims.size());
    SymbolicProduct outProduct;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (int(i) == inferred) continue;
        if (dims[i] == 0 && zeroIsPlaceholder) {
            if (in.rankKnown() && int(i) >= in.rank())
                return invalidArgument("reshape dim " + std::to_string(i) + " is 0 (copy the input's) but the input " +
                                       in.toString() + " has rank " + std::to_string(in.rank()));
            out[i] = in.rankKnown() ? in[int(i)] : Dim();
        } else {
            out[i] = Dim(dims[i]);
        }
        outProduct.times(out[i]);
    }
    if (!in.rankKnown()) return Shape(std::move(out));
    SymbolicProduct inProduct;
    for (const Dim& d : in.dims()) inProduct.times(d);
    if (inProduct.unknown || outProduct.unknown) return Shape(std::move(out));
    // Symbols on both sides cancel: [batch, 16, 5, 5] -> [0, -1] infers 400.
    std::multiset<std::string> inOnly, outOnly;
    std::set_difference(inProduct.symbols.begin(), inProduct.symbols.end(), outProduct.symbols.begin(),
                        outProduct.symbols.end(), std::inserter(inOnly, inOnly.end()));
    std::set_difference(outProduct.symbols.begin(), outProduct.symbols.end(), inProduct.symbols.begin(),
                        inProduct.symbols.end(), std::inserter(outOnly, outOnly.end()));
    const std::string mismatch = "cannot reshape " + in.toString() + " into " + dimsToString(dims);
    if (inferred < 0) {
        if (inOnly.empty() && outOnly.empty() && inProduct.known != outProduct.known)
            return invalidArgument(mismatch + ": the element counts differ (" + std::to_string(inProduct.known) +
                                   " vs " + std::to_string(outProduct.known) + ")");
        return Shape(std::move(out));
    }
    if (!outOnly.empty() || outProduct.known == 0) return Shape(std::move(out));
    if (inOnly.empty()) {
        if (inProduct.known % outProduct.known != 0)
            return invalidArgument(mismatch + ": " + std::to_string(inProduct.known) + " elements are not a multiple of " +
                                   std::to_string(outProduct.known));
        out[size_t(inferred)] = Dim(inProduct.known / outProduct.known);
    } else if (inOnly.size() == 1 && inProduct.known == outProduct.known) {
        out[size_t(inferred)] = Dim::symbolic(*inOnly.begin());
    }
    return Shape(std::move(out));
}

Shape reduceShape(const Shape& in, const std::vector<int64_t>& axes, bool keep) {
    if (!in.rankKnown()) return in;
    std::vector<Dim> out;
    for (int i = 0; i < in.rank(); ++i) {
        const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
        if (!reduced) out.push_back(in[i]);
        else if (keep) out.push_back(Dim(1));
    }
    return Shape(std::move(out));
}

std::optional<int64_t> knownProduct(const Shape& s, int from, int to) {
    if (!s.rankKnown()) return std::nullopt;
    int64_t p = 1;
    for (int i = from; i < to; ++i) {
        if (!s[i].isKnown()) return std::nullopt;
        p *= s[i].value;
    }
    return p;
}

Expected<std::vector<int64_t>> axesFromMask(uint32_t mask, int rank, const char* what) {
    if (rank < 0) return invalidArgument(std::string(what) + ": the input's rank is unknown");
    std::vector<int64_t> axes;
    for (int b = 0; b < 32; ++b) {
        if (!(mask & (uint32_t(1) << b))) continue;
        if (b >= rank)
            return invalidArgument(std::string(what) + ": bit " + std::to_string(b) + " is set but the input has rank " +
                                   std::to_string(rank));
        axes.push_back(b);
    }
    return axes;
}

bool isPermutation(const std::vector<int64_t>& perm, int rank) {
    if (int(perm.size()) != rank) return false;
    std::vector<bool> seen(size_t(rank), false);
    for (int64_t p : perm) {
        if (p < 0 || p >= rank || seen[size_t(p)]) return false;
        seen[size_t(p)] = true;
    }
    return true;
}

}  // namespace kiln::detail
