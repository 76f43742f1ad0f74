// Data-movement layers: Concatenation, Shuffle, Slice, Gather, Constant, Identity, Cast, and the
// Onnx layers a parsed model is made of.
#include <algorithm>
#include <limits>

#include "builder/network.h"
#include "builder/network_internal.h"
#include "passes/symbolic_dims.h"
#include "plugin/plugin_layer.h"

namespace kiln {

using detail::LayerBuilder;
using detail::Operand;

// --- Concatenation -------------------------------------------------------------------------------

ConcatenationLayer::ConcatenationLayer(NetworkDefinition& n, std::vector<Tensor*> inputs)
    : Layer(n, LayerType::Concatenation, std::move(inputs)) {}

int ConcatenationLayer::axis() const {
    if (m_axis >= 0) return m_axis;
    return std::max(0, input(0)->rank() - 3);
}

namespace {

// Why inputs cannot be concatenated on `axis` ("" when they can): types, ranks, other dims.
std::string concatProblem(const std::vector<Operand>& ins, int axis) {
    const Operand& first = ins[0];
    for (size_t i = 1; i < ins.size(); ++i) {
        const Operand& x = ins[i];
        if (x.dtype != first.dtype)
            return "input " + std::to_string(i) + " is " + dataTypeName(x.dtype) + ", input 0 is " + dataTypeName(first.dtype);
        if (x.rank() != first.rank())
            return "input " + std::to_string(i) + " " + detail::shapeText(x.shape) + " does not have input 0's rank " +
                   std::to_string(first.rank());
        for (int d = 0; d < first.rank(); ++d)
            if (d != axis && x.shape[d].isKnown() && first.shape[d].isKnown() && x.shape[d].value != first.shape[d].value)
                return "input " + std::to_string(i) + " " + x.shape.toString() + " differs from input 0 " +
                       first.shape.toString() + " in dim " + std::to_string(d) + " (only the axis, " +
                       std::to_string(axis) + ", may differ)";
    }
    return {};
}

}  // namespace

// [.., a_i, ..] (i = 0..n-1) -> [.., sum a_i, ..] along the axis; every other dim equal. With the
// default axis a mismatch is left for setAxis() to fix (validate() reports it until then), as
// TensorRT code sets the axis after adding the layer.
Status ConcatenationLayer::build(LayerBuilder& b) const {
    std::vector<Operand> ins;
    for (int i = 0; i < b.numInputs(); ++i) ins.push_back(b.input(i));
    const Operand& first = ins[0];
    const int r = first.rank();
    if (r < 1) return b.error("input 0 " + detail::shapeText(first.shape) + " must have a known rank >= 1");
    const int ax = axis();
    if (ax >= r) return b.error("axis " + std::to_string(ax) + " is outside the inputs' rank " + std::to_string(r));
    const std::string problem = concatProblem(ins, ax);
    const bool otherDimsDiffer = problem.find("differs from input 0") != std::string::npos;
    if (!problem.empty() && !(otherDimsDiffer && m_axis < 0)) return b.error(problem);
    Shape out = first.shape;
    int64_t total = 0;
    bool totalKnown = true;
    for (const Operand& x : ins) {
        for (int d = 0; d < r; ++d) {
            if (d == ax || out[d] == x.shape[d]) continue;
            if (out[d].isKnown() && x.shape[d].isKnown()) out[d] = Dim();  // the pending mismatch
            else if (x.shape[d].isKnown()) out[d] = x.shape[d];             // a symbol that must equal it
        }
        if (x.shape[ax].isKnown()) total += x.shape[ax].value;
        else totalKnown = false;
    }
    out[ax] = totalKnown ? Dim(total) : ins.size() == 1 ? first.shape[ax] : Dim();
    return b.output("Concat", std::move(ins), {{"axis", int64_t(ax)}}, {{first.dtype, std::move(out)}});
}

std::string ConcatenationLayer::pendingProblem() const {
    std::vector<Operand> ins;
    for (int i = 0; i < numInputs(); ++i) ins.push_back({nullptr, input(i)->dataType(), input(i)->shape()});
    return concatProblem(ins, axis());
}

bool ConcatenationLayer::setAxis(int axis) {
    if (axis < 0) return reject("setAxis: the axis must be >= 0, got " + std::to_string(axis));
    auto old = m_axis;
    return change([&] { m_axis = axis; }, [&] { m_axis = old; });
}

// --- Shuffle -------------------------------------------------------------------------------------

ShuffleLayer::ShuffleLayer(NetworkDefinition& n, Tensor* input) : Layer(n, LayerType::Shuffle, {input}) {}

namespace {
bool isIdentityPerm(const std::vector<int64_t>& perm) {
    for (size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != int64_t(i)) return false;
    return true;
}
}  // namespace

// x -> Transpose(first) -> Reshape(dims) -> Transpose(second), each only when it does something.
Status ShuffleLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    std::vector<detail::Step> steps;
    Shape shape = x.shape;
    if (!m_first.empty() && !isIdentityPerm(m_first)) {
        if (!shape.rankKnown() || !detail::isPermutation(m_first, shape.rank()))
            return b.error("the first transpose " + dimsToString(m_first) + " is not a permutation of the input " +
                           detail::shapeText(shape) + "'s dims");
        shape = detail::transposeShape(shape, m_first);
        steps.push_back({"transpose1", "Transpose", {}, {{"perm", m_first}}, shape});
    }
    if (m_hasReshape) {
        auto r = detail::reshapeShape(shape, m_reshape, m_zeroIsPlaceholder);
        if (!r) return b.error(r.status().message());
        detail::Attrs attrs;
        const bool literalZero = !m_zeroIsPlaceholder && std::count(m_reshape.begin(), m_reshape.end(), 0) > 0;
        if (literalZero) {
            if (b.opset() < 14)
                return b.error("a literal 0 in the reshape dims needs opset 14 (Reshape's allowzero)", StatusCode::Unsupported);
            attrs.emplace_back("allowzero", int64_t(1));
        }
        shape = *r;
        steps.push_back({"reshape", "Reshape", {b.int64s("shape", m_reshape)}, std::move(attrs), shape});
    }
    if (!m_second.empty() && !isIdentityPerm(m_second)) {
        if (!shape.rankKnown() || !detail::isPermutation(m_second, shape.rank()))
            return b.error("the second transpose " + dimsToString(m_second) + " is not a permutation of the dims of " +
                           detail::shapeText(shape));
        shape = detail::transposeShape(shape, m_second);
        steps.push_back({"transpose2", "Transpose", {}, {{"perm", m_second}}, shape});
    }
    return detail::emitChain(b, x, std::move(steps));
}

bool ShuffleLayer::setFirstTranspose(std::vector<int64_t> perm) {
    auto old = m_first;
    return change([&] { m_first = perm; }, [&] { m_first = old; });
}
bool ShuffleLayer::setReshapeDimensions(std::vector<int64_t> dims) {
    auto old = m_reshape;
    auto oldHas = m_hasReshape;
    return change([&] { m_reshape = dims; m_hasReshape = true; }, [&] { m_reshape = old; m_hasReshape = oldHas; });
}
bool ShuffleLayer::setSecondTranspose(std::vector<int64_t> perm) {
    auto old = m_second;
    return change([&] { m_second = perm; }, [&] { m_second = old; });
}
bool ShuffleLayer::setZeroIsPlaceholder(bool zeroIsPlaceholder) {
    auto old = m_zeroIsPlaceholder;
    return change([&] { m_zeroIsPlaceholder = zeroIsPlaceholder; }, [&] { m_zeroIsPlaceholder = old; });
}

// --- Slice ---------------------------------------------------------------------------------------

SliceLayer::SliceLayer(NetworkDefinition& n, Tensor* input, std::vector<int64_t> start, std::vector<int64_t> size,
                       std::vector<int64_t> stride)
    : Layer(n, LayerType::Slice, {input}), m_start(std::move(start)), m_size(std::move(size)), m_stride(std::move(stride)) {}

// out[i] = x[start + i * stride] for i < size, per dim -> ONNX Slice(starts, ends, axes, steps)
// with ends = start + (size - 1) * stride + sign(stride) (INT64_MIN when a negative walk ends
// before index 0: a plain -1 would mean "the last element" to Slice).
Status SliceLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    const int r = x.rank();
    if (r < 1) return b.error("the input " + detail::shapeText(x.shape) + " must have a known rank >= 1");
    if (int(m_start.size()) != r || int(m_size.size()) != r || int(m_stride.size()) != r)
        return b.error("start " + dimsToString(m_start) + ", size " + dimsToString(m_size) + " and stride " +
                       dimsToString(m_stride) + " need one value per dim of the input " + x.shape.toString());
    std::vector<int64_t> ends, axes;
    for (int d = 0; d < r; ++d) {
        const int64_t s = m_start[size_t(d)], n = m_size[size_t(d)], st = m_stride[size_t(d)];
        if (st == 0) return b.error("stride " + dimsToString(m_stride) + " has a 0 in dim " + std::to_string(d));
        if (n < 0) return b.error("size " + dimsToString(m_size) + " is negative in dim " + std::to_string(d));
        if (s < 0) return b.error("start " + dimsToString(m_start) + " is negative in dim " + std::to_string(d));
        const int64_t last = s + (n > 0 ? (n - 1) * st : 0);
        if (x.shape[d].isKnown() && n > 0 && (s >= x.shape[d].value || last < 0 || last >= x.shape[d].value))
            return b.error("dim " + std::to_string(d) + ": elements " + std::to_string(s) + " to " + std::to_string(last) +
                           " are outside the input " + x.shape.toString());
        int64_t end = n == 0 ? s : last + (st > 0 ? 1 : -1);
        if (end < 0) end = std::numeric_limits<int64_t>::min();
        ends.push_back(end);
        axes.push_back(d);
    }
    return b.output("Slice", {x, b.int64s("starts", m_start), b.int64s("ends", ends), b.int64s("axes", axes),
                              b.int64s("steps", m_stride)},
                    {}, {{x.dtype, Shape::fromDims(m_size)}});
}

bool SliceLayer::setStart(std::vector<int64_t> start) {
    auto old = m_start;
    return change([&] { m_start = start; }, [&] { m_start = old; });
}
bool SliceLayer::setSize(std::vector<int64_t> size) {
    auto old = m_size;
    return change([&] { m_size = size; }, [&] { m_size = old; });
}
bool SliceLayer::setStride(std::vector<int64_t> stride) {
    auto old = m_stride;
    return change([&] { m_stride = stride; }, [&] { m_stride = old; });
}

// --- Gather --------------------------------------------------------------------------------------

GatherLayer::GatherLayer(NetworkDefinition& n, Tensor* data, Tensor* indices, int axis)
    : Layer(n, LayerType::Gather, {data, indices}), m_axis(axis) {}

// data [d0..d(a-1), da, d(a+1)..], indices [i..] -> [d0..d(a-1), i.., d(a+1)..]
Status GatherLayer::build(LayerBuilder& b) const {
    const Operand data = b.input(0), idx = b.input(1);
    if (idx.dtype != DataType::Int32 && idx.dtype != DataType::Int64)
        return b.error(std::string("the indices must be Int32 or Int64, got ") + dataTypeName(idx.dtype));
    const int r = data.rank();
    if (r < 1) return b.error("the data " + detail::shapeText(data.shape) + " must have a known rank >= 1");
    if (m_axis < -r || m_axis >= r) return b.error("axis " + std::to_string(m_axis) + " is outside the data " + data.shape.toString());
    const int axis = m_axis < 0 ? m_axis + r : m_axis;
    Shape out = Shape::unknownRank();
    if (idx.shape.rankKnown()) {
        std::vector<Dim> d(data.shape.dims().begin(), data.shape.dims().begin() + axis);
        d.insert(d.end(), idx.shape.dims().begin(), idx.shape.dims().end());
        d.insert(d.end(), data.shape.dims().begin() + axis + 1, data.shape.dims().end());
        out = Shape(std::move(d));
    }
    return b.output("Gather", {data, idx}, {{"axis", int64_t(axis)}}, {{data.dtype, std::move(out)}});
}

bool GatherLayer::setGatherAxis(int axis) {
    auto old = m_axis;
    return change([&] { m_axis = axis; }, [&] { m_axis = old; });
}

// --- Constant, Identity, Cast --------------------------------------------------------------------

ConstantLayer::ConstantLayer(NetworkDefinition& n, HostTensor value) : Layer(n, LayerType::Constant, {}), m_value(std::move(value)) {}

Status ConstantLayer::build(LayerBuilder& b) const {
    return b.output("Constant", {}, {{"value", m_value}}, {{m_value.dtype(), m_value.shape()}});
}

bool ConstantLayer::setWeights(Weights w) {
    auto t = detail::copyWeights(w, "constant");
    if (!t) return reject(t.status().message());
    if (t->numel() != m_value.numel())
        return reject("setWeights: " + std::to_string(t->numel()) + " values for the dims " + dimsToString(m_value.dims()) +
                      " (" + std::to_string(m_value.numel()) + " elements)");
    auto old = m_value;
    HostTensor v = *t->reshaped(m_value.dims());
    return change([&] { m_value = v; }, [&] { m_value = old; });
}

bool ConstantLayer::setDimensions(std::vector<int64_t> dims) {
    auto numel = checkedNumel(dims);
    if (!numel) return reject("setDimensions: " + numel.status().message());
    if (*numel != m_value.numel())
        return reject("setDimensions: " + dimsToString(dims) + " has " + std::to_string(*numel) + " elements, the weights " +
                      std::to_string(m_value.numel()));
    auto old = m_value;
    HostTensor v = *m_value.reshaped(dims);
    return change([&] { m_value = v; }, [&] { m_value = old; });
}

IdentityLayer::IdentityLayer(NetworkDefinition& n, Tensor* input) : Layer(n, LayerType::Identity, {input}) {}

Status IdentityLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    return b.output("Identity", {x}, {}, {{x.dtype, x.shape}});
}

CastLayer::CastLayer(NetworkDefinition& n, Tensor* input, DataType to) : Layer(n, LayerType::Cast, {input}), m_to(to) {}

Status CastLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    return b.output("Cast", {x}, {{"to", int64_t(dataTypeToOnnx(m_to))}}, {{m_to, x.shape}});
}

bool CastLayer::setToType(DataType t) {
    if (t == DataType::Undefined) return reject("setToType: the type is undefined");
    auto old = m_to;
    return change([&] { m_to = t; }, [&] { m_to = old; });
}

// --- Plugin ----------------------------------------------------------------------------------------

PluginLayer::PluginLayer(NetworkDefinition& n, std::vector<Tensor*> inputs, std::string opType, std::string domain,
                         std::map<std::string, ir::Attribute> attrs)
    : Layer(n, LayerType::Plugin, std::move(inputs)), m_opType(std::move(opType)), m_domain(std::move(domain)),
      m_attrs(std::move(attrs)) {}

// One node of the plugin's op; its outputs' types and shapes are the plugin's answers.
Status PluginLayer::build(LayerBuilder& b) const {
    std::vector<ir::Value*> ins;
    for (int i = 0; i < b.numInputs(); ++i) ins.push_back(b.input(i).value);
    KILN_RETURN_IF_ERROR(b.rawNode(m_opType, m_domain, ins, m_attrs, 1, {}, {}));
    ir::Node& n = *b.nodes().back();
    KILN_ASSIGN_OR_RETURN(plugins::PluginInstance p, plugins::instantiate(n));
    passes::DimAlgebra dims;
    KILN_ASSIGN_OR_RETURN(plugins::LayerOutputs outs, plugins::layerOutputs(p, n, dims));
    for (int o = 0; o < n.numOutputs(); ++o) {
        n.output(o)->setType(outs.types[size_t(o)]);
        n.output(o)->setShape(outs.shapes[size_t(o)]);
    }
    return Status::ok();
}

// --- Onnx ----------------------------------------------------------------------------------------

OnnxNodeLayer::OnnxNodeLayer(NetworkDefinition& n, const ir::Node& node, std::vector<Tensor*> inputs)
    : Layer(n, LayerType::Onnx, std::move(inputs)), m_opType(node.opType()), m_domain(node.domain()),
      m_doc(node.docString()), m_opset(node.opsetVersion()), m_attrs(node.attributes()), m_origins(node.origins()) {}

// The imported node again, as it was (only its name follows the layer's).
Status OnnxNodeLayer::build(LayerBuilder& b) const {
    std::vector<ir::Value*> ins;
    for (int i = 0; i < b.numInputs(); ++i) ins.push_back(b.input(i).value);
    return b.rawNode(m_opType, m_domain, std::move(ins), m_attrs, m_opset, m_doc, m_origins);
}

}  // namespace kiln
