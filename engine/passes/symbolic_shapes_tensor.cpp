// Symbolic shape rules of the ops that move data around: Shape, Reshape, Flatten, Squeeze,
// Unsqueeze, Concat, Split, Slice, Gather, Expand, Transpose, ConstantOfShape, Range, Tile, Pad.
// Reshape targets, Expand shapes, Slice bounds and Range limits are read as symbolic values.
#include <algorithm>
#include <numeric>

#include "passes/symbolic_shape_rules.h"

namespace kiln::passes::shape_rules {

namespace {

// Slice ends at or past this mean "to the end" (PyTorch writes INT64_MAX, others INT32_MAX).
constexpr int64_t kToTheEnd = (int64_t(1) << 31) - 1;

std::optional<Outputs> shapeOp(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return Outputs{unknownDims(1)};
    const int r = x.rank();
    auto clampAxis = [r](int64_t a) { return std::clamp<int64_t>(a < 0 ? a + r : a, 0, r); };
    const int64_t start = clampAxis(c.node.attrInt("start", 0)), end = clampAxis(c.node.attrInt("end", r));
    return Outputs{Shape({Dim(std::max<int64_t>(end - start, 0))})};
}

std::optional<Outputs> sizeOp(Context&) { return Outputs{Shape()}; }

// Reshape: 0 copies the input dim at its position (allowzero = 0), -1 is the element count
// divided by the other dims.
std::optional<Outputs> reshape(Context& c) {
    const Shape& x = c.in(0);
    const ShapeValue* target = c.value(1);
    if (!target) {
        const Shape& ts = c.in(1);
        if (ts.rankKnown() && ts.rank() == 1 && ts[0].isKnown()) return Outputs{unknownDims(int(ts[0].value))};
        return std::nullopt;
    }
    const bool allowZero = c.node.attrInt("allowzero", 0) != 0;
    std::vector<Dim> out;
    int inferred = -1;
    for (size_t i = 0; i < target->elems.size(); ++i) {
        const ShapeElem& e = target->elems[i];
        if (!e.value) {
            out.push_back(e.dim);
        } else if (*e.value == 0 && !allowZero) {
            out.push_back(x.rankKnown() && int(i) < x.rank() ? x[int(i)] : Dim::unknown());
        } else if (*e.value == -1 && inferred < 0) {
            inferred = int(i);
            out.push_back(Dim::unknown());
        } else if (*e.value >= 0) {
            out.push_back(Dim(*e.value));
        } else {
            return std::nullopt;  // an invalid target: the kernel reports it
        }
    }
    if (inferred >= 0 && x.rankKnown()) {
        std::vector<Dim> others = out;
        others.erase(others.begin() + inferred);
        if (auto d = c.dims.div(c.dims.product(x.dims()), c.dims.product(others))) out[size_t(inferred)] = *d;
    }
    return Outputs{Shape(out)};
}

std::optional<Outputs> flatten(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return Outputs{unknownDims(2)};
    int64_t axis = c.node.attrInt("axis", 1);
    if (axis < 0) axis += x.rank();
    if (axis < 0 || axis > x.rank()) return std::nullopt;
    const auto& d = x.dims();
    return Outputs{Shape({c.dims.product({d.begin(), d.begin() + axis}), c.dims.product({d.begin() + axis, d.end()})})};
}

std::optional<Outputs> squeeze(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const bool given = c.node.opsetVersion() >= 13 ? c.has(1) : c.node.hasAttr("axes");
    std::vector<bool> drop(size_t(x.rank()), false);
    if (given) {
        auto axes = c.intsOperand(1, 13, "axes");
        if (!axes) return std::nullopt;
        for (int64_t a : *axes) {
            const int ax = normAxis(a, x.rank());
            if (ax < 0) return std::nullopt;
            drop[size_t(ax)] = true;
        }
    } else {
        for (int i = 0; i < x.rank(); ++i) {
            if (!x[i].isKnown()) return std::nullopt;  // a symbolic dim may be 1 at run time
            drop[size_t(i)] = x[i].value == 1;
        }
    }
    std::vector<Dim> out;
    for (int i = 0; i < x.rank(); ++i)
        if (!drop[size_t(i)]) out.push_back(x[i]);
    return Outputs{Shape(out)};
}

std::optional<Outputs> unsqueeze(Context& c) {
    const Shape& x = c.in(0);
    auto axes = c.intsOperand(1, 13, "axes");
    if (!x.rankKnown() || !axes) return std::nullopt;
    const int rank = x.rank() + int(axes->size());
    std::vector<bool> inserted(size_t(rank), false);
    for (int64_t a : *axes) {
        const int ax = normAxis(a, rank);
        if (ax < 0 || inserted[size_t(ax)]) return std::nullopt;
        inserted[size_t(ax)] = true;
    }
    std::vector<Dim> out;
    for (int i = 0, j = 0; i < rank; ++i) out.push_back(inserted[size_t(i)] ? Dim(1) : x[j++]);
    return Outputs{Shape(out)};
}

// The dim every input has at a non-concatenated axis: the best known of theirs.
Dim agreed(const std::vector<Dim>& dims) {
    Dim best;
    for (const Dim& d : dims)
        if (d.isKnown() || (!best.isKnown() && d.isSymbolic() && !best.isSymbolic())) best = d;
    return best;
}

std::optional<Outputs> concat(Context& c) {
    int rank = -1;
    for (int i = 0; i < c.node.numInputs(); ++i) {
        if (!c.in(i).rankKnown()) return std::nullopt;
        if (rank >= 0 && c.in(i).rank() != rank) return std::nullopt;
        rank = c.in(i).rank();
    }
    const int axis = normAxis(c.node.attrInt("axis", 0), rank);
    if (rank < 0 || axis < 0) return std::nullopt;
    std::vector<Dim> out;
    for (int d = 0; d < rank; ++d) {
        std::vector<Dim> at;
        for (int i = 0; i < c.node.numInputs(); ++i) at.push_back(c.in(i)[d]);
        Dim sum(0);
        for (const Dim& a : at) sum = c.dims.add(sum, a);
        out.push_back(d == axis ? sum : agreed(at));
    }
    return Outputs{Shape(out)};
}

std::optional<Outputs> split(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const int axis = normAxis(c.node.attrInt("axis", 0), x.rank());
    if (axis < 0) return std::nullopt;
    const int n = c.outputs();
    Outputs out(size_t(n), x);
    auto sizes = c.node.opsetVersion() >= 13 ? (c.has(1) ? c.ints(1) : std::nullopt)
                                             : (c.node.hasAttr("split") ? std::optional(c.node.attrInts("split")) : std::nullopt);
    const bool given = c.node.opsetVersion() >= 13 ? c.has(1) : c.node.hasAttr("split");
    if (given && (!sizes || int(sizes->size()) != n)) return std::nullopt;
    for (int i = 0; i < n; ++i) {
        Dim d;
        if (sizes) {
            d = Dim((*sizes)[size_t(i)]);
        } else if (x[axis].isKnown()) {  // equal parts; opset 18's last part takes the remainder
            const int64_t part = (x[axis].value + n - 1) / n;
            d = Dim(i + 1 < n ? part : x[axis].value - part * (n - 1));
        } else {
            d = c.dims.div(x[axis], Dim(n)).value_or(Dim::unknown());
        }
        out[size_t(i)][axis] = d;
    }
    return out;
}

// One axis of a Slice: its dim, start, end (a number or a dim), step.
Dim sliceDim(DimAlgebra& dims, const Dim& dim, int64_t start, const ShapeElem& end, int64_t step) {
    if (dim.isKnown() && end.value) {
        const int64_t n = dim.value;
        auto clampIdx = [n](int64_t i, int64_t lo, int64_t hi) { return std::clamp(i < 0 ? i + n : i, lo, hi); };
        const int64_t s = step > 0 ? clampIdx(start, 0, n) : clampIdx(start, 0, n - 1);
        const int64_t e = step > 0 ? clampIdx(*end.value, 0, n) : clampIdx(*end.value, -1, n - 1);
        const int64_t len = step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step;
        return Dim(std::max<int64_t>(len, 0));
    }
    if (start != 0 || step != 1) return Dim::unknown();
    // x[0:end]: min(end, dim)
    if (end.value) return *end.value >= kToTheEnd ? dim : (*end.value >= 0 ? dims.minWith(dim, *end.value) : Dim::unknown());
    const Dim e = end.asDim();
    if (e.isSymbolic() && dim.isSymbolic() && e.symbol == dim.symbol) return dim;
    if (e.isSymbolic() && dim.isKnown()) return dims.minWith(e, dim.value);
    return Dim::unknown();
}

std::optional<Outputs> slice(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    const bool inputs = c.node.opsetVersion() >= 10;
    std::optional<ShapeValue> starts, ends;
    if (inputs) {
        if (const ShapeValue* v = c.value(1)) starts = *v;
        if (const ShapeValue* v = c.value(2)) ends = *v;
    } else {
        starts = ShapeValue{}, ends = ShapeValue{};
        for (int64_t s : c.node.attrInts("starts")) starts->elems.push_back(ShapeElem::number(s));
        for (int64_t e : c.node.attrInts("ends")) ends->elems.push_back(ShapeElem::number(e));
    }
    if (!starts || !ends || starts->elems.size() != ends->elems.size()) return Outputs{unknownDims(x.rank())};
    const size_t n = starts->elems.size();
    std::vector<int64_t> axes(n), steps(n, 1);
    std::iota(axes.begin(), axes.end(), 0);
    if (inputs ? c.has(3) : c.node.hasAttr("axes")) {
        auto a = c.intsOperand(3, 10, "axes");
        if (!a || a->size() != n) return Outputs{unknownDims(x.rank())};
        axes = *a;
    }
    if (inputs && c.has(4)) {
        auto s = c.ints(4);
        if (!s || s->size() != n || std::count(s->begin(), s->end(), 0)) return Outputs{unknownDims(x.rank())};
        steps = *s;
    }
    std::vector<Dim> out = x.dims();
    for (size_t i = 0; i < n; ++i) {
        const int ax = normAxis(axes[i], x.rank());
        if (ax < 0) return std::nullopt;
        const ShapeElem& s = starts->elems[i];
        out[size_t(ax)] = s.value ? sliceDim(c.dims, x[ax], *s.value, ends->elems[i], steps[i]) : Dim::unknown();
    }
    return Outputs{Shape(out)};
}

// Gather: data[:axis] + indices + data[axis + 1:]
std::optional<Outputs> gather(Context& c) {
    const Shape& data = c.in(0);
    const Shape& idx = c.in(1);
    if (!data.rankKnown() || !idx.rankKnown()) return std::nullopt;
    const int axis = normAxis(c.node.attrInt("axis", 0), data.rank());
    if (axis < 0) return std::nullopt;
    std::vector<Dim> out(data.dims().begin(), data.dims().begin() + axis);
    out.insert(out.end(), idx.dims().begin(), idx.dims().end());
    out.insert(out.end(), data.dims().begin() + axis + 1, data.dims().end());
    return Outputs{Shape(out)};
}

std::optional<Outputs> indicesShape(Context& c) {
    if (!c.in(1).rankKnown()) return std::nullopt;
    return Outputs{c.in(1)};
}

std::optional<Outputs> expand(Context& c) {
    const ShapeValue* target = c.value(1);
    if (!target) {
        const Shape& ts = c.in(1);
        if (!c.in(0).rankKnown() || !ts.rankKnown() || ts.rank() != 1 || !ts[0].isKnown()) return std::nullopt;
        return Outputs{unknownDims(std::max<int>(c.in(0).rank(), int(ts[0].value)))};
    }
    auto s = broadcast({c.in(0), Shape(dimsOf(*target))}, c.dims);
    if (!s) return std::nullopt;
    return Outputs{*s};
}

std::optional<Outputs> transpose(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    std::vector<int64_t> perm(size_t(x.rank()));
    std::iota(perm.rbegin(), perm.rend(), 0);
    perm = c.node.attrInts("perm", perm);
    if (int(perm.size()) != x.rank()) return std::nullopt;
    std::vector<Dim> out;
    for (int64_t p : perm) {
        if (normAxis(p, x.rank()) < 0) return std::nullopt;
        out.push_back(x[normAxis(p, x.rank())]);
    }
    return Outputs{Shape(out)};
}

std::optional<Outputs> constantOfShape(Context& c) {
    if (const ShapeValue* v = c.value(0)) return Outputs{Shape(dimsOf(*v))};
    const Shape& s = c.in(0);
    if (s.rankKnown() && s.rank() == 1 && s[0].isKnown()) return Outputs{unknownDims(int(s[0].value))};
    return std::nullopt;
}

// Range(start, limit, delta): max(ceil((limit - start) / delta), 0) elements.
std::optional<Outputs> range(Context& c) {
    const ShapeValue *start = c.value(0), *limit = c.value(1), *delta = c.value(2);
    Dim n;
    if (start && limit && delta && start->elems.size() == 1 && limit->elems.size() == 1 && delta->elems.size() == 1) {
        const ShapeElem &s = start->elems[0], &l = limit->elems[0], &d = delta->elems[0];
        if (s.value && l.value && d.value && *d.value != 0) {
            const int64_t diff = *l.value - *s.value, step = *d.value;
            n = Dim(std::max<int64_t>((diff + step + (step > 0 ? -1 : 1)) / step, 0));
        } else if (s.value == 0 && d.value == 1) {
            n = l.asDim();  // range(0, dim) has dim elements
        }
    }
    return Outputs{Shape({n})};
}

std::optional<Outputs> tile(Context& c) {
    const Shape& x = c.in(0);
    const ShapeValue* repeats = c.value(1);
    if (!x.rankKnown()) return std::nullopt;
    if (!repeats || int(repeats->elems.size()) != x.rank()) return Outputs{unknownDims(x.rank())};
    std::vector<Dim> out;
    for (int i = 0; i < x.rank(); ++i) out.push_back(c.dims.mul(x[i], repeats->elems[size_t(i)].asDim()));
    return Outputs{Shape(out)};
}

std::optional<Outputs> pad(Context& c) {
    const Shape& x = c.in(0);
    if (!x.rankKnown()) return std::nullopt;
    auto pads = c.intsOperand(1, 11, "pads");
    if (!pads || int(pads->size()) != 2 * x.rank() || (c.node.opsetVersion() >= 18 && c.has(3)))
        return Outputs{unknownDims(x.rank())};
    std::vector<Dim> out;
    for (int i = 0; i < x.rank(); ++i) {
        const int64_t grow = (*pads)[size_t(i)] + (*pads)[size_t(i + x.rank())];
        const bool shrinks = grow < 0 && !(x[i].isKnown() && x[i].value + grow >= 0);
        out.push_back(shrinks ? Dim::unknown() : (x[i].isKnown() ? Dim(x[i].value + grow) : c.dims.add(x[i], Dim(grow))));
    }
    return Outputs{Shape(out)};
}

std::optional<Outputs> nonZero(Context& c) {
    if (!c.in(0).rankKnown()) return std::nullopt;
    return Outputs{Shape({Dim(c.in(0).rank()), Dim::unknown()})};
}

std::optional<Outputs> dataShape(Context& c) {
    if (!c.in(0).rankKnown()) return std::nullopt;
    return all(c, c.in(0));
}

}  // namespace

void addTensorRules(RuleTable& t) {
    t["Shape"] = shapeOp;
    t["Size"] = sizeOp;
    t["Reshape"] = reshape;
    t["Flatten"] = flatten;
    t["Squeeze"] = squeeze;
    t["Unsqueeze"] = unsqueeze;
    t["Concat"] = concat;
    t["Split"] = split;
    t["Slice"] = slice;
    t["Gather"] = gather;
    t["GatherElements"] = indicesShape;
    t["Expand"] = expand;
    t["Transpose"] = transpose;
    t["ConstantOfShape"] = constantOfShape;
    t["Range"] = range;
    t["Tile"] = tile;
    t["Pad"] = pad;
    t["NonZero"] = nonZero;
    t["ScatterElements"] = dataShape;
    t["ScatterND"] = dataShape;
}

}  // namespace kiln::passes::shape_rules
