#include "passes/shape_arithmetic.h"

#include <algorithm>

#include "passes/pattern_utils.h"

namespace kiln::passes {

namespace {

bool isValueType(DataType t) { return t == DataType::Int64 || t == DataType::Int32 || t == DataType::Bool; }

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

// a OP b for two elements of which at least one is a dim (>= 0): what the sign decides.
std::optional<bool> compareWithDim(const std::string& op, const ShapeElem& a, const ShapeElem& b) {
    if (a.value && b.value) {
        if (op == "Equal") return *a.value == *b.value;
        if (op == "Less") return *a.value < *b.value;
        if (op == "Greater") return *a.value > *b.value;
        if (op == "LessOrEqual") return *a.value <= *b.value;
        return *a.value >= *b.value;  // GreaterOrEqual
    }
    if (!a.value && !b.value) {
        if (!sameDim(a.dim, b.dim)) return std::nullopt;
        return op == "Equal" || op == "LessOrEqual" || op == "GreaterOrEqual";
    }
    // d OP v for a dim d >= 0 and a number v (mirrored when the number is first).
    const bool dimFirst = !a.value;
    const int64_t v = dimFirst ? *b.value : *a.value;
    std::string o = op;
    if (!dimFirst && o != "Equal") o = o.find("Less") == 0 ? "Greater" + o.substr(4) : "Less" + o.substr(7);
    if (o == "Equal") return v < 0 ? std::optional(false) : std::nullopt;
    if (o == "Less") return v <= 0 ? std::optional(false) : std::nullopt;
    if (o == "LessOrEqual") return v < 0 ? std::optional(false) : std::nullopt;
    if (o == "Greater") return v < 0 ? std::optional(true) : std::nullopt;
    return v <= 0 ? std::optional(true) : std::nullopt;  // GreaterOrEqual
}

bool isComparison(const std::string& op) {
    return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual";
}

}  // namespace

bool ShapeValue::allKnown() const {
    return std::all_of(elems.begin(), elems.end(), [](const ShapeElem& e) { return e.value.has_value(); });
}

HostTensor ShapeValue::toTensor() const {
    std::vector<int64_t> dims;
    if (!scalar) dims.push_back(int64_t(elems.size()));
    HostTensor t(dtype, dims);
    for (size_t i = 0; i < elems.size(); ++i) t.setDouble(int64_t(i), double(elems[i].value.value_or(-1)));
    return t;
}

std::string ShapeValue::toString() const {
    std::string s;
    for (const ShapeElem& e : elems) s += (s.empty() ? "" : ", ") + e.toString();
    return scalar ? s : "[" + s + "]";
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
    if (!isValueType(v->dtype())) return nullptr;
    auto ints = constInts(v);
    if (!ints) return nullptr;
    ShapeValue s;
    s.scalar = v->constant()->rank() == 0;
    s.dtype = v->dtype();
    for (int64_t i : *ints) s.elems.push_back(ShapeElem::number(i));
    return &m_values.emplace(v, std::move(s)).first->second;
}

const ShapeValue* ShapeArithmetic::evaluate(const ir::Node& n) {
    const ir::Value* out = n.output(0);
    if (!n.domain().empty() || !out || !isValueType(out->dtype())) return nullptr;
    std::optional<ShapeValue> s = compute(n);
    if (!s || s->elems.size() > size_t(kMaxShapeElems) || (s->scalar && s->elems.size() != 1)) return nullptr;
    s->dtype = out->dtype();
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
        if (!x || !x->shape().rankKnown()) return std::nullopt;
        return ShapeValue{{ShapeElem::of(m_dims.product(x->shape().dims()))}, true};
    }
    if (op == "Gather") return gather(n);
    if (op == "Slice") return slice(n);
    if (op == "Unsqueeze") return unsqueeze(n);
    if (op == "Squeeze") return squeeze(n);
    if (op == "Concat") return concat(n);
    if (op == "Reshape") return reshape(n);
    if (op == "Where") return where(n);
    if (op == "Identity" || op == "Cast") {
        const ShapeValue* v = valueOf(x);
        if (!v) return std::nullopt;
        ShapeValue s = *v;
        if (n.output(0)->dtype() == DataType::Bool)  // Cast to bool: nonzero -> 1
            for (ShapeElem& e : s.elems) e = e.value ? ShapeElem::number(*e.value != 0) : ShapeElem{};
        return s;
    }
    return elementwise(n);
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
        // Computed some other way: elements of unknown value, as many as its length.
        const Shape& ps = in ? in->shape() : Shape::unknownRank();
        if (part || !ps.rankKnown() || ps.rank() != 1 || !ps[0].isKnown() || ps[0].value > kMaxShapeElems)
            return std::nullopt;
        s.elems.insert(s.elems.end(), size_t(ps[0].value), ShapeElem{});
    }
    return s;
}

// Reshape of a shape tensor to 1-D ([-1] or [n]) or to a scalar ([]): the elements stay.
std::optional<ShapeValue> ShapeArithmetic::reshape(const ir::Node& n) {
    const ShapeValue* data = valueOf(n.input(0));
    const ShapeValue* target = valueOf(n.input(1));
    if (!data || !target || target->scalar || target->elems.size() > 1) return std::nullopt;
    if (target->elems.empty()) {
        if (data->elems.size() != 1) return std::nullopt;
        return ShapeValue{data->elems, true};
    }
    const ShapeElem& t = target->elems[0];
    const auto size = int64_t(data->elems.size());
    const bool copies = t.value == 0 && !data->scalar && n.attrInt("allowzero", 0) == 0;  // 0: input dim 0
    if (!t.value || !(*t.value == -1 || *t.value == size || copies)) return std::nullopt;
    return ShapeValue{data->elems, false};
}

// Add, Sub, Mul, Div, comparisons, Not, And, Or, Max, Min on values of one element or of equal
// lengths (numpy broadcasting of 1-D tensors).
std::optional<ShapeValue> ShapeArithmetic::elementwise(const ir::Node& n) {
    const std::string& op = n.opType();
    static const char* const kOps[] = {"Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "LessOrEqual",
                                       "GreaterOrEqual", "Not", "And", "Or", "Max", "Min"};
    if (std::find_if(std::begin(kOps), std::end(kOps), [&](const char* o) { return op == o; }) == std::end(kOps))
        return std::nullopt;
    const ShapeValue* a = valueOf(n.input(0));
    if (!a) return std::nullopt;
    if (op == "Not") {
        ShapeValue s = *a;
        for (ShapeElem& e : s.elems) e = e.value ? ShapeElem::number(*e.value == 0) : ShapeElem{};
        return s;
    }
    const ShapeValue* b = n.numInputs() == 2 ? valueOf(n.input(1)) : nullptr;
    if (!b) return std::nullopt;
    const size_t la = a->elems.size(), lb = b->elems.size();
    if (la != lb && la != 1 && lb != 1) return std::nullopt;
    ShapeValue s;
    s.scalar = a->scalar && b->scalar;
    for (size_t i = 0; i < std::max(la, lb); ++i) {
        auto e = binary(op, a->elems[la == 1 ? 0 : i], b->elems[lb == 1 ? 0 : i]);
        s.elems.push_back(e.value_or(ShapeElem{}));
    }
    return s;
}

std::optional<ShapeElem> ShapeArithmetic::binary(const std::string& op, const ShapeElem& a, const ShapeElem& b) {
    if (isComparison(op)) {
        if ((!a.value && !a.dim.isSymbolic()) || (!b.value && !b.dim.isSymbolic())) return std::nullopt;
        auto r = compareWithDim(op, a, b);
        return r ? std::optional(ShapeElem::number(*r)) : std::nullopt;
    }
    if (a.value && b.value) {
        const int64_t x = *a.value, y = *b.value;
        int64_t r = 0;
        if (op == "Add" && !__builtin_add_overflow(x, y, &r)) return ShapeElem::number(r);
        if (op == "Sub" && !__builtin_sub_overflow(x, y, &r)) return ShapeElem::number(r);
        if (op == "Mul" && !__builtin_mul_overflow(x, y, &r)) return ShapeElem::number(r);
        if (op == "Div" && y != 0 && !(x == INT64_MIN && y == -1)) return ShapeElem::number(x / y);
        if (op == "And") return ShapeElem::number(x != 0 && y != 0);
        if (op == "Or") return ShapeElem::number(x != 0 || y != 0);
        if (op == "Max") return ShapeElem::number(std::max(x, y));
        if (op == "Min") return ShapeElem::number(std::min(x, y));
        return std::nullopt;
    }
    // One side (at least) is a dim: a symbol, or unknown.
    const Dim da = a.asDim(), db = b.asDim();
    const bool aDim = da.isKnown() || da.isSymbolic(), bDim = db.isKnown() || db.isSymbolic();
    if (op == "Add" && aDim && bDim) return ShapeElem::of(m_dims.add(da, db));
    if (op == "Sub") {
        if (b.value == 0) return a;
        if (!a.value && !b.value && sameDim(a.dim, b.dim)) return ShapeElem::number(0);
    }
    if (op == "Mul" && aDim && bDim) return ShapeElem::of(m_dims.mul(da, db));
    if (op == "Div" && aDim && bDim && !(db.isKnown() && db.value == 0)) {
        if (auto q = m_dims.div(da, db)) return ShapeElem::of(*q);
    }
    // max(d, v) = d and min(d, v) = v for a dim d >= 0 and a number v <= 0 (v < 0 for min)
    if (op == "Max" || op == "Min") {
        const bool aSym = !a.value && a.dim.isSymbolic(), bSym = !b.value && b.dim.isSymbolic();
        const std::optional<int64_t> v = aSym ? b.value : (bSym ? a.value : std::nullopt);
        const ShapeElem& d = aSym ? a : b;
        if (v && op == "Max" && *v <= 0) return d;
        if (v && op == "Min" && *v < 0) return ShapeElem::number(*v);
    }
    return std::nullopt;
}

std::optional<ShapeValue> ShapeArithmetic::where(const ir::Node& n) {
    const ShapeValue* c = valueOf(n.input(0));
    const ShapeValue* x = valueOf(n.input(1));
    const ShapeValue* y = valueOf(n.input(2));
    if (!c || !x || !y) return std::nullopt;
    const size_t len = std::max({c->elems.size(), x->elems.size(), y->elems.size()});
    for (const ShapeValue* v : {c, x, y})
        if (v->elems.size() != len && v->elems.size() != 1) return std::nullopt;
    auto at = [&](const ShapeValue* v, size_t i) { return v->elems[v->elems.size() == 1 ? 0 : i]; };
    ShapeValue s;
    s.scalar = c->scalar && x->scalar && y->scalar;
    for (size_t i = 0; i < len; ++i) {
        const ShapeElem cond = at(c, i);
        s.elems.push_back(!cond.value ? ShapeElem{} : (*cond.value != 0 ? at(x, i) : at(y, i)));
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
