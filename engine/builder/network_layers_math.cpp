// MatrixMultiply, ElementWise, SoftMax, Reduce, Unary and TopK layers.
#include <algorithm>

#include "builder/network.h"
#include "builder/network_internal.h"

namespace kiln {

using detail::LayerBuilder;
using detail::Operand;

// --- MatrixMultiply ------------------------------------------------------------------------------

MatrixMultiplyLayer::MatrixMultiplyLayer(NetworkDefinition& n, Tensor* a, MatrixOperation opA, Tensor* b, MatrixOperation opB)
    : Layer(n, LayerType::MatrixMultiply, {a, b}), m_ops{opA, opB} {}

namespace {

// [..., M, K] x [..., K, N] -> [broadcast(...), M, N]; a rank-1 operand is a vector (numpy's
// matmul: [K] as [1, K] or [K, 1], that dim dropped from the result).
Expected<Shape> matmulShape(const Shape& a, const Shape& b) {
    if (!a.rankKnown() || !b.rankKnown()) return Shape::unknownRank();
    std::vector<Dim> da = a.dims(), db = b.dims();
    const bool aVec = da.size() == 1, bVec = db.size() == 1;
    if (aVec) da.insert(da.begin(), Dim(1));
    if (bVec) db.push_back(Dim(1));
    const Dim& ka = da.back();
    const Dim& kb = db[db.size() - 2];
    if (ka.isKnown() && kb.isKnown() && ka.value != kb.value)
        return invalidArgument("the inner dims differ: " + a.toString() + " x " + b.toString() + " (" +
                               std::to_string(ka.value) + " vs " + std::to_string(kb.value) + ")");
    KILN_ASSIGN_OR_RETURN(Shape batch, detail::broadcastShapes(Shape(std::vector<Dim>(da.begin(), da.end() - 2)),
                                                               Shape(std::vector<Dim>(db.begin(), db.end() - 2))));
    std::vector<Dim> out = batch.dims();
    if (!aVec) out.push_back(da[da.size() - 2]);
    if (!bVec) out.push_back(db.back());
    return Shape(std::move(out));
}

}  // namespace

// y = op(A) x op(B): Transpose swaps the last two dims; Vector makes [..., K] a batch of
// vectors ([..., 1, K] for A, [..., K, 1] for B, that dim squeezed from the result).
Status MatrixMultiplyLayer::build(LayerBuilder& b) const {
    Operand ops[2] = {b.input(0), b.input(1)};
    if (!isFloatingPoint(ops[0].dtype) || ops[0].dtype != ops[1].dtype)
        return b.error(std::string("A and B must have the same floating-point type, got ") + dataTypeName(ops[0].dtype) +
                       " and " + dataTypeName(ops[1].dtype));
    bool unsqueezed[2] = {false, false};
    for (int i = 0; i < 2; ++i) {
        Operand& x = ops[i];
        const char* which = i == 0 ? "A" : "B";
        if (x.rank() < 0) return b.error(std::string(which) + "'s rank must be known");
        if (x.rank() == 0) return b.error(std::string(which) + " is a scalar; matrix multiplication needs rank >= 1");
        if (m_ops[i] == MatrixOperation::Transpose) {
            if (x.rank() < 2) return b.error(std::string("Transpose needs ") + which + " of rank >= 2, got " + x.shape.toString());
            std::vector<int64_t> perm(size_t(x.rank()));
            for (int k = 0; k < x.rank(); ++k) perm[size_t(k)] = k;
            std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
            x = b.node(std::string("transpose_") + which, "Transpose", {x}, {{"perm", perm}}, x.dtype,
                       detail::transposeShape(x.shape, perm));
        } else if (m_ops[i] == MatrixOperation::Vector && x.rank() >= 2) {
            std::vector<Dim> d = x.shape.dims();
            d.insert(i == 0 ? d.end() - 1 : d.end(), Dim(1));
            x = b.node(std::string("unsqueeze_") + which, "Unsqueeze",
                       {x, b.int64s(std::string("axes_") + which, {i == 0 ? -2 : -1})}, {}, x.dtype, Shape(std::move(d)));
            unsqueezed[i] = true;
        }
    }
    auto shape = matmulShape(ops[0].shape, ops[1].shape);
    if (!shape) return b.error(shape.status().message());
    if (!unsqueezed[0] && !unsqueezed[1]) return b.output("MatMul", {ops[0], ops[1]}, {}, {{ops[0].dtype, *shape}});
    // The inserted 1 of A is the product's M dim (-2, or -1 when a rank-1 B dropped N); B's is N (-1).
    std::vector<int64_t> axes;
    if (unsqueezed[0]) axes.push_back(ops[1].rank() == 1 ? -1 : -2);
    if (unsqueezed[1]) axes.push_back(-1);
    std::vector<Dim> out = shape->dims();
    for (int64_t a : axes) out.erase(out.end() + a);  // [-2, -1]: -2 first, then the last
    Operand p = b.node("matmul", "MatMul", {ops[0], ops[1]}, {}, ops[0].dtype, *shape);
    return b.output("Squeeze", {p, b.int64s("squeeze_axes", axes)}, {}, {{ops[0].dtype, Shape(std::move(out))}});
}

bool MatrixMultiplyLayer::setOperation(int index, MatrixOperation op) {
    if (index != 0 && index != 1) return reject("setOperation: the operand index must be 0 (A) or 1 (B)");
    auto old = m_ops[index];
    return change([&] { m_ops[index] = op; }, [&] { m_ops[index] = old; });
}

// --- ElementWise ---------------------------------------------------------------------------------

ElementWiseLayer::ElementWiseLayer(NetworkDefinition& n, Tensor* a, Tensor* b, ElementWiseOperation op)
    : Layer(n, LayerType::ElementWise, {a, b}), m_op(op) {}

namespace {
struct ElementWiseInfo {
    const char* opType;
    enum Kind { Arithmetic, Logic, Comparison } kind;
};
ElementWiseInfo elementWiseInfo(ElementWiseOperation op) {
    using E = ElementWiseOperation;
    switch (op) {
    case E::Sum: return {"Add", ElementWiseInfo::Arithmetic};
    case E::Prod: return {"Mul", ElementWiseInfo::Arithmetic};
    case E::Max: return {"Max", ElementWiseInfo::Arithmetic};
    case E::Min: return {"Min", ElementWiseInfo::Arithmetic};
    case E::Sub: return {"Sub", ElementWiseInfo::Arithmetic};
    case E::Div: return {"Div", ElementWiseInfo::Arithmetic};
    case E::Pow: return {"Pow", ElementWiseInfo::Arithmetic};
    case E::FloorDiv: return {"Div", ElementWiseInfo::Arithmetic};
    case E::And: return {"And", ElementWiseInfo::Logic};
    case E::Or: return {"Or", ElementWiseInfo::Logic};
    case E::Xor: return {"Xor", ElementWiseInfo::Logic};
    case E::Equal: return {"Equal", ElementWiseInfo::Comparison};
    case E::Greater: return {"Greater", ElementWiseInfo::Comparison};
    case E::Less: return {"Less", ElementWiseInfo::Comparison};
    }
    return {"?", ElementWiseInfo::Arithmetic};
}
}  // namespace

Status ElementWiseLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0), y = b.input(1);
    const ElementWiseInfo info = elementWiseInfo(m_op);
    if (x.dtype != y.dtype)
        return b.error(std::string("the inputs must have one type, got ") + dataTypeName(x.dtype) + " and " + dataTypeName(y.dtype));
    if (info.kind == ElementWiseInfo::Logic && x.dtype != DataType::Bool)
        return b.error(std::string(info.opType) + " needs Bool inputs, got " + dataTypeName(x.dtype));
    if (info.kind == ElementWiseInfo::Arithmetic && x.dtype == DataType::Bool)
        return b.error(std::string(info.opType) + " needs numeric inputs, got bool");
    if (m_op == ElementWiseOperation::FloorDiv && !isFloatingPoint(x.dtype))
        return b.error(std::string("FloorDiv is implemented for floating-point inputs only, got ") + dataTypeName(x.dtype),
                       StatusCode::Unsupported);
    auto shape = detail::broadcastShapes(x.shape, y.shape);
    if (!shape) return b.error(shape.status().message());
    const DataType outType = info.kind == ElementWiseInfo::Comparison ? DataType::Bool : x.dtype;
    if (m_op == ElementWiseOperation::FloorDiv) {  // floor(a / b)
        Operand q = b.node("div", "Div", {x, y}, {}, x.dtype, *shape);
        return b.output("Floor", {q}, {}, {{x.dtype, *shape}});
    }
    return b.output(info.opType, {x, y}, {}, {{outType, *shape}});
}

bool ElementWiseLayer::setOperation(ElementWiseOperation op) {
    auto old = m_op;
    return change([&] { m_op = op; }, [&] { m_op = old; });
}

// --- SoftMax -------------------------------------------------------------------------------------

SoftMaxLayer::SoftMaxLayer(NetworkDefinition& n, Tensor* input) : Layer(n, LayerType::SoftMax, {input}) {}

Status SoftMaxLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    if (!isFloatingPoint(x.dtype)) return b.error(std::string("the input must be floating-point, got ") + dataTypeName(x.dtype));
    if (x.rank() < 1) return b.error("the input " + detail::shapeText(x.shape) + " must have a known rank >= 1");
    const int axis = m_axis < 0 ? x.rank() - 1 : m_axis;
    if (axis >= x.rank()) return b.error("axis " + std::to_string(axis) + " is outside the input " + x.shape.toString());
    return b.output("Softmax", {x}, {{"axis", int64_t(axis)}}, {{x.dtype, x.shape}});
}

uint32_t SoftMaxLayer::axes() const {
    if (m_axis >= 0) return uint32_t(1) << m_axis;
    const int r = input(0)->rank();
    return r > 0 ? uint32_t(1) << (r - 1) : 0;
}

bool SoftMaxLayer::setAxes(uint32_t axes) {
    if (axes == 0 || (axes & (axes - 1)) != 0)
        return reject("setAxes: the mask must have exactly one bit set, got " + std::to_string(axes));
    int axis = 0;
    while (!(axes & (uint32_t(1) << axis))) ++axis;
    auto old = m_axis;
    return change([&] { m_axis = axis; }, [&] { m_axis = old; });
}

// --- Reduce --------------------------------------------------------------------------------------

ReduceLayer::ReduceLayer(NetworkDefinition& n, Tensor* input, ReduceOperation op, uint32_t axes, bool keep)
    : Layer(n, LayerType::Reduce, {input}), m_op(op), m_axes(axes), m_keep(keep) {}

Status ReduceLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    if (x.dtype == DataType::Bool) return b.error("the input must be numeric, got bool");
    auto axes = detail::axesFromMask(m_axes, x.rank(), "the reduce axes");
    if (!axes) return b.error(axes.status().message());
    static const char* const kOps[] = {"ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceMean"};
    const std::string op = kOps[int(m_op)];
    auto [ins, attrs] = detail::reduceArgs(b, op, x, *axes, m_keep);
    return b.output(op, std::move(ins), std::move(attrs), {{x.dtype, detail::reduceShape(x.shape, *axes, m_keep)}});
}

bool ReduceLayer::setOperation(ReduceOperation op) {
    auto old = m_op;
    return change([&] { m_op = op; }, [&] { m_op = old; });
}
bool ReduceLayer::setReduceAxes(uint32_t axes) {
    if (axes == 0) return reject("setReduceAxes: the mask is empty");
    auto old = m_axes;
    return change([&] { m_axes = axes; }, [&] { m_axes = old; });
}
bool ReduceLayer::setKeepDimensions(bool keep) {
    auto old = m_keep;
    return change([&] { m_keep = keep; }, [&] { m_keep = old; });
}

// --- Unary ---------------------------------------------------------------------------------------

UnaryLayer::UnaryLayer(NetworkDefinition& n, Tensor* input, UnaryOperation op) : Layer(n, LayerType::Unary, {input}), m_op(op) {}

Status UnaryLayer::build(LayerBuilder& b) const {
    using U = UnaryOperation;
    static const char* const kOps[] = {"Exp",  "Log",  "Sqrt",  "Reciprocal", "Abs",  "Neg",   "Sin",   "Cos",
                                       "Tan",  "Sinh", "Cosh",  "Asin",       "Acos", "Atan",  "Asinh", "Acosh",
                                       "Atanh", "Ceil", "Floor", "Erf",        "Not",  "Sign",  "Round"};
    const Operand x = b.input(0);
    const char* op = kOps[int(m_op)];
    if (m_op == U::Not) {
        if (x.dtype != DataType::Bool) return b.error(std::string("Not needs a Bool input, got ") + dataTypeName(x.dtype));
    } else if (m_op == U::Abs || m_op == U::Neg || m_op == U::Sign) {
        if (x.dtype == DataType::Bool || (m_op == U::Neg && isUnsignedInteger(x.dtype)))
            return b.error(std::string(op) + " does not take " + dataTypeName(x.dtype) + " inputs");
    } else if (!isFloatingPoint(x.dtype)) {
        return b.error(std::string(op) + " needs a floating-point input, got " + dataTypeName(x.dtype));
    }
    return b.output(op, {x}, {}, {{x.dtype, x.shape}});
}

bool UnaryLayer::setOperation(UnaryOperation op) {
    auto old = m_op;
    return change([&] { m_op = op; }, [&] { m_op = old; });
}

// --- TopK ----------------------------------------------------------------------------------------

TopKLayer::TopKLayer(NetworkDefinition& n, Tensor* input, TopKOperation op, int64_t k, int axis)
    : Layer(n, LayerType::TopK, {input}), m_op(op), m_k(k), m_axis(axis) {}

// values, indices = TopK(x, [k]; axis, largest, sorted = 1): the axis dim becomes k
Status TopKLayer::build(LayerBuilder& b) const {
    const Operand x = b.input(0);
    if (x.dtype == DataType::Bool) return b.error("the input must be numeric, got bool");
    if (x.rank() < 0 || m_axis >= x.rank())
        return b.error("axis " + std::to_string(m_axis) + " is outside the input " + detail::shapeText(x.shape));
    if (x.shape[m_axis].isKnown() && m_k > x.shape[m_axis].value)
        return b.error("k = " + std::to_string(m_k) + " exceeds the axis's " + std::to_string(x.shape[m_axis].value) + " elements");
    Shape out = x.shape;
    out[m_axis] = Dim(m_k);
    return b.output("TopK", {x, b.int64s("k", {m_k})},
                    {{"axis", int64_t(m_axis)}, {"largest", int64_t(m_op == TopKOperation::Max ? 1 : 0)}, {"sorted", int64_t(1)}},
                    {{x.dtype, out}, {DataType::Int64, out}});
}

bool TopKLayer::setOperation(TopKOperation op) {
    auto old = m_op;
    return change([&] { m_op = op; }, [&] { m_op = old; });
}
bool TopKLayer::setK(int64_t k) {
    if (k <= 0) return reject("k must be positive, got " + std::to_string(k));
    auto old = m_k;
    return change([&] { m_k = k; }, [&] { m_k = old; });
}
bool TopKLayer::setReduceAxes(uint32_t axes) {
    if (axes == 0 || (axes & (axes - 1)) != 0)
        return reject("setReduceAxes: the mask must have exactly one bit set, got " + std::to_string(axes));
    int axis = 0;
    while (!(axes & (uint32_t(1) << axis))) ++axis;
    auto old = m_axis;
    return change([&] { m_axis = axis; }, [&] { m_axis = old; });
}

}  // namespace kiln
