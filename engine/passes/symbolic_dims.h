// Arithmetic on dims that keeps symbols, for symbolic shape inference (symbolic_shapes.h).
// A dim is a known number, a symbol, or unknown. A symbol Kiln derives is named after the
// expression that computes it, so two dims with one name are equal at run time:
//   batch * sequence * 4   -> "4*batch*sequence"  (a product: coefficient, then sorted factors)
//   Slice(x, 0, sequence) on a dim of 128 -> "min(sequence, 128)"
//   broadcast(a, b)        -> "bcast(a, b)" (sorted), unless one side is 1 or the same dim
//   data-dependent dims    -> "NonZero_7:1" (node name, output dim), fresh per node
// Names Kiln did not make (the model's "batch", libonnx's "unk__3") are plain factors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/shape.h"

namespace kiln::passes {

class DimAlgebra {
public:
    // a * b. Unknown when either is unknown (or the product would overflow).
    Dim mul(const Dim& a, const Dim& b);
    Dim product(const std::vector<Dim>& dims);
    // a / b when b is known to divide a (numbers, or a product holding b's factors); else nullopt.
    std::optional<Dim> div(const Dim& a, const Dim& b);
    // a + b: a number, a product ("2*seq" for seq + seq), or the symbol "a+b" (sorted).
    Dim add(const Dim& a, const Dim& b);
    // min(a, c) for a number c >= 0.
    Dim minWith(const Dim& a, int64_t c);
    // The functions plugins may use in their output shapes (kiln_plugin.h's DimOp): computed
    // when both dims are numbers, else the symbol "fn(a, b)" evaluateDim understands. fn is one
    // of "min", "max", "sub", "floordiv", "ceildiv". Unknown when either dim is.
    Dim function(const std::string& fn, const Dim& a, const Dim& b);
    // The dim of a numpy broadcast of a and b; nullopt when both are known and incompatible.
    // A known n != 1 wins over a symbol (the symbol must be 1 or n for the model to run).
    std::optional<Dim> broadcast(const Dim& a, const Dim& b);
    // A fresh symbol for a dim Kiln cannot compute: "<node>:<dim>" ("<node>:<output>:<dim>").
    static Dim fresh(const std::string& node, int output, int dim);
    // Whether d is a symbol made by fresh() (a weaker fact than a symbol the model or ONNX named).
    static bool isFresh(const Dim& d);

private:
    struct Monomial {
        int64_t coef = 1;
        std::vector<std::string> factors;  // sorted
    };
    std::optional<Monomial> monomialOf(const Dim& d) const;
    Dim dimOf(const Monomial& m);

    std::unordered_map<std::string, Monomial> m_products;  // names this algebra gave products
    std::unordered_map<std::string, std::string> m_minOf;  // "min(x, c)" -> "x"
};

// The value of a dim once the model's own symbols have values (an input's "batch" and
// "sequence"): evaluates the names DimAlgebra derives (products, sums, min(x, c), bcast(a, b)).
// nullopt for an unknown dim, a symbol without a value, or a fresh (data-dependent) symbol.
std::optional<int64_t> evaluateDim(const Dim& d, const std::map<std::string, int64_t>& symbols);
// evaluateDim over a shape; nullopt when the rank or any dim is not known.
std::optional<std::vector<int64_t>> evaluateShape(const Shape& s, const std::map<std::string, int64_t>& symbols);

}  // namespace kiln::passes
