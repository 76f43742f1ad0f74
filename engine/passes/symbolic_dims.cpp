#include "passes/symbolic_dims.h"

#include <algorithm>
#include <cstring>

namespace kiln::passes {

namespace {

bool sameSymbol(const Dim& a, const Dim& b) { return a.isSymbolic() && b.isSymbolic() && a.symbol == b.symbol; }

std::string sortedPair(const char* fn, std::string a, std::string b, const char* sep = ", ") {
    if (b < a) std::swap(a, b);
    return fn[0] ? std::string(fn) + "(" + a + sep + b + ")" : a + sep + b;
}

}  // namespace

std::optional<DimAlgebra::Monomial> DimAlgebra::monomialOf(const Dim& d) const {
    if (d.isKnown()) return Monomial{d.value, {}};
    if (!d.isSymbolic()) return std::nullopt;
    if (auto it = m_products.find(d.symbol); it != m_products.end()) return it->second;
    return Monomial{1, {d.symbol}};
}

Dim DimAlgebra::dimOf(const Monomial& m) {
    if (m.factors.empty() || m.coef == 0) return Dim(m.coef);
    if (m.coef == 1 && m.factors.size() == 1) return Dim::symbolic(m.factors[0]);
    std::string name = m.coef == 1 ? "" : std::to_string(m.coef);
    for (const std::string& f : m.factors) name += (name.empty() ? "" : "*") + f;
    m_products.emplace(name, m);
    return Dim::symbolic(name);
}

Dim DimAlgebra::mul(const Dim& a, const Dim& b) {
    if ((a.isKnown() && a.value == 0) || (b.isKnown() && b.value == 0)) return Dim(0);
    auto ma = monomialOf(a), mb = monomialOf(b);
    if (!ma || !mb) return Dim::unknown();
    Monomial m;
    if (__builtin_mul_overflow(ma->coef, mb->coef, &m.coef) || m.coef > kMaxElements) return Dim::unknown();
    m.factors = ma->factors;
    m.factors.insert(m.factors.end(), mb->factors.begin(), mb->factors.end());
    std::sort(m.factors.begin(), m.factors.end());
    return dimOf(m);
}

Dim DimAlgebra::product(const std::vector<Dim>& dims) {
    Dim p(1);
    for (const Dim& d : dims) p = mul(p, d);
    return p;
}

std::optional<Dim> DimAlgebra::div(const Dim& a, const Dim& b) {
    auto ma = monomialOf(a), mb = monomialOf(b);
    if (!ma || !mb || mb->coef == 0 || ma->coef % mb->coef != 0) return std::nullopt;
    Monomial m{ma->coef / mb->coef, ma->factors};
    for (const std::string& f : mb->factors) {
        auto it = std::find(m.factors.begin(), m.factors.end(), f);
        if (it == m.factors.end()) return std::nullopt;
        m.factors.erase(it);
    }
    return dimOf(m);
}

Dim DimAlgebra::add(const Dim& a, const Dim& b) {
    if (a.isKnown() && b.isKnown()) return Dim(a.value + b.value);
    if (a.isKnown() && a.value == 0) return b;
    if (b.isKnown() && b.value == 0) return a;
    auto ma = monomialOf(a), mb = monomialOf(b);
    if (!ma || !mb) return Dim::unknown();
    if (ma->factors == mb->factors && !__builtin_add_overflow(ma->coef, mb->coef, &ma->coef)) return dimOf(*ma);  // 2*s + s
    return Dim::symbolic(sortedPair("", a.toString(), b.toString(), "+"));
}

Dim DimAlgebra::minWith(const Dim& a, int64_t c) {
    if (a.isKnown()) return Dim(std::min(a.value, c));
    if (!a.isSymbolic()) return Dim::unknown();
    std::string name = "min(" + a.symbol + ", " + std::to_string(c) + ")";
    m_minOf.emplace(name, a.symbol);
    return Dim::symbolic(name);
}

namespace {

std::optional<int64_t> applyFunction(const std::string& fn, int64_t a, int64_t b) {
    if (fn == "min") return std::min(a, b);
    if (fn == "max") return std::max(a, b);
    if (fn == "sub") return a - b;
    if (fn == "bcast") return a == 1 ? b : a;  // a 1 takes the other's size
    if (b <= 0 || a < 0) return std::nullopt;
    if (fn == "floordiv") return a / b;
    if (fn == "ceildiv") return (a + b - 1) / b;
    return std::nullopt;
}

}  // namespace

Dim DimAlgebra::function(const std::string& fn, const Dim& a, const Dim& b) {
    if (a.isKnown() && b.isKnown()) {
        auto v = applyFunction(fn, a.value, b.value);
        return v && *v >= 0 ? Dim(*v) : Dim::unknown();
    }
    if ((!a.isKnown() && !a.isSymbolic()) || (!b.isKnown() && !b.isSymbolic())) return Dim::unknown();
    if (fn == "min" && b.isKnown()) return minWith(a, b.value);
    if (fn == "min" && a.isKnown()) return minWith(b, a.value);
    if ((fn == "min" || fn == "max") && a == b) return a;
    if (fn == "floordiv" || fn == "ceildiv")
        if (auto q = div(a, b)) return *q;
    if (fn == "min" || fn == "max") return Dim::symbolic(sortedPair(fn.c_str(), a.toString(), b.toString()));
    return Dim::symbolic(fn + "(" + a.toString() + ", " + b.toString() + ")");
}

std::optional<Dim> DimAlgebra::broadcast(const Dim& a, const Dim& b) {
    if (a.isKnown() && b.isKnown()) {
        if (a.value == b.value || b.value == 1) return a;
        if (a.value == 1) return b;
        return std::nullopt;
    }
    if (a.isKnown()) return a.value == 1 ? b : a;
    if (b.isKnown()) return b.value == 1 ? a : b;
    if (!a.isSymbolic() || !b.isSymbolic()) return Dim::unknown();
    if (sameSymbol(a, b)) return a;
    // bcast(x, min(x, c)) = x: min(x, c) is x, or c, which must then be 1 (or x) for the
    // broadcast to be valid; both give x. PyTorch slices position ids like that.
    if (auto it = m_minOf.find(b.symbol); it != m_minOf.end() && it->second == a.symbol) return a;
    if (auto it = m_minOf.find(a.symbol); it != m_minOf.end() && it->second == b.symbol) return b;
    return Dim::symbolic(sortedPair("bcast", a.symbol, b.symbol));
}

Dim DimAlgebra::fresh(const std::string& node, int output, int dim) {
    return Dim::symbolic("?" + node + (output ? ":" + std::to_string(output) : "") + ":" + std::to_string(dim));
}

bool DimAlgebra::isFresh(const Dim& d) { return d.isSymbolic() && d.symbol[0] == '?'; }

// --- evaluation -------------------------------------------------------------------------------

namespace {

// Recursive descent over the names above: sum := product ('+' product)*,
// product := atom ('*' atom)*, atom := number | fn(sum, sum) | name, where fn is min, max, sub,
// bcast, floordiv or ceildiv.
// A name runs to the next top-level '*', '+', ',' or ')'; a name given a value in `symbols` as a
// whole (the model's own "batch+1", say) wins over parsing it.
class DimEvaluator {
public:
    DimEvaluator(const std::string& s, const std::map<std::string, int64_t>& symbols) : m_s(s), m_symbols(symbols) {}

    std::optional<int64_t> run() {
        auto v = sum();
        if (!v || m_pos != m_s.size()) return std::nullopt;
        return v;
    }

private:
    void skipSpaces() {
        while (m_pos < m_s.size() && m_s[m_pos] == ' ') ++m_pos;
    }
    std::optional<int64_t> sum() {
        auto v = product();
        while (v) {
            skipSpaces();
            if (m_pos >= m_s.size() || m_s[m_pos] != '+') break;
            ++m_pos;
            auto w = product();
            if (!w) return std::nullopt;
            v = *v + *w;
        }
        return v;
    }
    std::optional<int64_t> product() {
        auto v = atom();
        while (v) {
            skipSpaces();
            if (m_pos >= m_s.size() || m_s[m_pos] != '*') break;
            ++m_pos;
            auto w = atom();
            if (!w) return std::nullopt;
            if (*w != 0 && *v > INT64_MAX / *w) return std::nullopt;
            v = *v * *w;
        }
        return v;
    }
    std::optional<int64_t> call(const std::string& fn) {
        auto a = sum();
        skipSpaces();
        if (!a || m_pos >= m_s.size() || m_s[m_pos] != ',') return std::nullopt;
        ++m_pos;
        auto b = sum();
        skipSpaces();
        if (!b || m_pos >= m_s.size() || m_s[m_pos] != ')') return std::nullopt;
        ++m_pos;
        return applyFunction(fn, *a, *b);
    }
    std::optional<int64_t> atom() {
        skipSpaces();
        for (const char* fn : {"min", "max", "sub", "bcast", "floordiv", "ceildiv"}) {
            const size_t n = std::strlen(fn);
            if (m_s.compare(m_pos, n, fn) == 0 && m_pos + n < m_s.size() && m_s[m_pos + n] == '(') {
                m_pos += n + 1;
                return call(fn);
            }
        }
        const size_t start = m_pos;
        int depth = 0;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c == '(') ++depth;
            else if (c == ')' && depth-- == 0) break;
            else if (depth == 0 && (c == '*' || c == '+' || c == ',')) break;
            ++m_pos;
        }
        std::string name = m_s.substr(start, m_pos - start);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (name.empty()) return std::nullopt;
        if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }) && name.size() < 19)
            return std::stoll(name);
        auto it = m_symbols.find(name);
        if (it == m_symbols.end()) return std::nullopt;
        return it->second;
    }

    const std::string& m_s;
    const std::map<std::string, int64_t>& m_symbols;
    size_t m_pos = 0;
};

}  // namespace

std::optional<int64_t> evaluateDim(const Dim& d, const std::map<std::string, int64_t>& symbols) {
    if (d.isKnown()) return d.value;
    if (!d.isSymbolic()) return std::nullopt;
    if (auto it = symbols.find(d.symbol); it != symbols.end()) return it->second;
    if (DimAlgebra::isFresh(d)) return std::nullopt;
    return DimEvaluator(d.symbol, symbols).run();
}

std::optional<std::vector<int64_t>> evaluateShape(const Shape& s, const std::map<std::string, int64_t>& symbols) {
    if (!s.rankKnown()) return std::nullopt;
    std::vector<int64_t> dims;
    dims.reserve(size_t(s.rank()));
    for (const Dim& d : s.dims()) {
        auto v = evaluateDim(d, symbols);
        if (!v) return std::nullopt;
        dims.push_back(*v);
    }
    return dims;
}

}  // namespace kiln::passes
