#include "passes/shape_arithmetic.h"

#include <algorithm>

#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

// Shape tensors are tiny; a longer int64 constant is data, not a shape.
constexpr int64_t kMaxShapeElems = 64;

// The int64 values of a small integer constant of rank <= 1.
std::optional<std::vector<int64_t>> constInts(const ir::Value* v) {
    const HostTensor* t = constantOf(v);
    if (!t || v->isGraphInput() || t->rank() > 1 || t->numel() > kMaxShapeElems) return std::nullopt;
    auto ints = t->toInt64Vector();
    if (!ints) return std::nullopt;
    return *ints;
}

// An axes / starts / ... operand: input `index` from opset `fromOpset` on, the attribute before.
std::optional<std::vector<int64_t>> intsOperand(const ir::Node& n, int index, int fromOpset, const char* attr) {
    if (n.opsetVersion() >= fromOpset) {
        if (!n.input(index)) return std::nullopt;
        return constInts(n.input(index));
    }
    if (!n.hasAttr(attr)) return std::nullopt;
    return n.attrInts(attr);
}

// The one axis of a 1-D tensor: 0 or -1.
bool isAxisZero(int64_t axis) { return axis == 0 || axis == -1; }
bool isAxesZero(const std::optional<std::vector<int64_t>>& axes) {
    return axes && axes->size() == 1 && isAxisZero((*axes)[0]);
}

int64_t clampIndex(int64_t i, int64_t n, int64_t lo, int64_t hi) {
    if (i < 0) i += n;
    return std::clamp(i, lo, hi);
}

}  // namespace

bool ShapeValue::allKnown() const {
    return std::all_of(elems.begin(), elems.end(), [](const ShapeElem& e) { return e.value.has_value(); });
}

HostTensor ShapeValue::toTensor() const {
    std::vector<int64_t> values;
    for (const ShapeElem& e : elems) values.push_back(e.value.value_or(-1));
    std::vector<int64_t> dims;
    if (!scalar) dims.push_back(int64_t(values.size()));
    return HostTensor::fromVector<int64_t>(dims, values);
}

bool sameDim(const Dim& a, const Dim& b) {
    if (a.isKnown() || b.isKnown()) return a.isKnown() && b.isKnown() && a.value == b.value;
    return a.isSymbolic() && b.isSymbolic() && a.symbol == b.symbol;
}

bool sameShape(const Shape& a, const Shape& b) {
    if (!a.rankKnown() || !b.rankKnown() || a.rank() != b.rank()) return false;
    for (int i = 0; i < a.rank(); ++i)
        if (!sameDim(a[i], b[i])) return false;
    return true;
}

const ShapeValue* ShapeArithmetic::valueOf(const ir::Value* v) {
    if (!v) return nullptr;
    if (auto it = m_values.find(v); it != m_values.end()) return &it->second;
    if (v->dtype() != DataType::Int64) return nullptr;
    auto ints = constInts(v);
    if (!ints) return nullptr;
    ShapeValue s;
    s.scalar = v->constant()->rank() == 0;
    for (int64_t i : *ints) s.elems.push_back(ShapeElem{i, {}});
    return &m_values.emplace(v, std::move(s)).first->second;
}

const ShapeValue* ShapeArithmetic::evaluate(const ir::Node& n) {
    const ir::Value* out = n.output(0);
    if (!n.domain().empty() || !out || out->dtype() != DataType::Int64) return nullptr;
    std::optional<ShapeValue> s = compute(n);
    if (!s) return nullptr;
    return &(m_values[out] = std::move(*s));
}

std::optional<ShapeValue> ShapeArithmetic::compute(const ir::Node& n) {
    const std::string& op = n.opType();
    const ir::Value* x = n.input(0);
    if (op == "Shape") {
        if (!x || !x->shape().rankKnown()) return std::nullopt;
        const int64_t r = x->shape().rank();
        const int64_t start = clampIndex(n.attrInt("start", 0), r, 0, r);
        const int64_t end = clampIndex(n.attrInt("end", r), r, 0, r);
        ShapeValue s;
        for (int64_t i = start; i < end; ++i) s.elems.push_back(ShapeElem::of(x->shape()[int(i)]));
        return s;
    }
    if (op == "Size") {
        auto dims = x ? x->shape().staticDims() : std::nullopt;
        auto numel = dims ? checkedNumel(*dims) : Expected<int64_t>(invalidArgument("not static"));
        if (!numel) return std::nullopt;
        return ShapeValue{{ShapeElem{*numel, {}}}, true};
    }
    if (op == "Gather") return gather(n);
    if (op == "Slice") return slice(n);
    if (op == "Unsqueeze") return unsqueeze(n);
    if (op == "Squeeze") return squeeze(n);
    if (op == "Concat") return concat(n);
    if (op == "Identity" || op == "Cast") {
        const ShapeValue* v = valueOf(x);
        if (v) return *v;
    }
    return std::nullopt;
}

std::optional<ShapeValue> ShapeArithmetic::gather(const ir::Node& n) {
    const ShapeValue* data = valueOf(n.input(0));
    auto indices = constInts(n.input(1));
    if (!data || data->scalar || !indices || !isAxisZero(n.attrInt("axis", 0))) return std::nullopt;
    const int64_t size = int64_t(data->elems.size());
    ShapeValue s;
    s.scalar = n.input(1)->constant()->rank() == 0;
    for (int64_t i : *indices) {
        if (i < -size || i >= size) return std::nullopt;
        s.elems.push_back(data->elems[size_t(i < 0 ? i + size : i)]);
    }
    return s;
}

// Python-style slicing of a 1-D tensor, with ONNX's clamping of starts and ends.
std::optional<ShapeValue> ShapeArithmetic::slice(const ir::Node& n) {
    const ShapeValue* data = valueOf(n.input(0));
    auto starts = intsOperand(n, 1, 10, "starts");
    auto ends = intsOperand(n, 2, 10, "ends");
    if (!data || data->scalar || !starts || !ends || starts->size() != 1 || ends->size() != 1) return std::nullopt;
    if (n.opsetVersion() >= 10 ? n.input(3) != nullptr : n.hasAttr("axes")) {
        if (!isAxesZero(intsOperand(n, 3, 10, "axes"))) return std::nullopt;
    }
    int64_t step = 1;
    if (n.opsetVersion() >= 10 && n.input(4)) {
        auto steps = constInts(n.input(4));
        if (!steps || steps->size() != 1 || (*steps)[0] == 0) return std::nullopt;
        step = (*steps)[0];
    }
    const int64_t size = int64_t(data->elems.size());
    const int64_t start = step > 0 ? clampIndex((*starts)[0], size, 0, size) : clampIndex((*starts)[0], size, 0, size - 1);
    const int64_t end = step > 0 ? clampIndex((*ends)[0], size, 0, size) : clampIndex((*ends)[0], size, -1, size - 1);
    ShapeValue s;
    for (int64_t i = start; step > 0 ? i < end : i > end; i += step) s.elems.push_back(data->elems[size_t(i)]);
    return s;
}

std::optional<ShapeValue> ShapeArithmetic::unsqueeze(const ir::Node& n) {
    const ShapeValue* data = valueOf(n.input(0));
    if (!data || !data->scalar || !isAxesZero(intsOperand(n, 1, 13, "axes"))) return std::nullopt;
    return ShapeValue{data->elems, false};
}

std::optional<ShapeValue> ShapeArithmetic::squeeze(const ir::Node& n) {
    const ShapeValue* data = valueOf(n.input(0));
    if (!data || data->scalar || data->elems.size() != 1) return std::nullopt;
    const bool axesGiven = n.opsetVersion() >= 13 ? n.input(1) != nullptr : n.hasAttr("axes");
    if (axesGiven && !isAxesZero(intsOperand(n, 1, 13, "axes"))) return std::nullopt;
    return ShapeValue{data->elems, true};
}

std::optional<ShapeValue> ShapeArithmetic::concat(const ir::Node& n) {
    if (!isAxisZero(n.attrInt("axis", 0))) return std::nullopt;
    ShapeValue s;
    for (const ir::Value* in : n.inputs()) {
        const ShapeValue* part = valueOf(in);
        if (part && !part->scalar) {
            s.elems.insert(s.elems.end(), part->elems.begin(), part->elems.end());
            continue;
        }
        // Computed some other way (batch * seq): elements of unknown value, as many as its length.
        auto dims = in ? in->shape().staticDims() : std::nullopt;
        if (part || !dims || dims->size() != 1 || (*dims)[0] > kMaxShapeElems) return std::nullopt;
        s.elems.insert(s.elems.end(), size_t((*dims)[0]), ShapeElem{});
    }
    return s;
}

std::optional<std::vector<int64_t>> copyDimTarget(const ShapeValue& target, const Shape& input) {
    if (target.scalar || !input.rankKnown()) return std::nullopt;
    std::vector<int64_t> out;
    int unresolved = 0;
    for (size_t i = 0; i < target.elems.size(); ++i) {
        const ShapeElem& e = target.elems[i];
        if (e.value)
            out.push_back(*e.value);
        else if (int(i) < input.rank() && sameDim(e.dim, input[int(i)]))
            out.push_back(0);
        else
            out.push_back(-1), ++unresolved;
    }
    const auto inferred = std::count(out.begin(), out.end(), -1);
    if (unresolved > 1 || inferred > 1) return std::nullopt;
    return out;
}

}  // namespace kiln::passes
