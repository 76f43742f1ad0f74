// The program of a kiln.Pointwise layer: a fused tree of elementwise ops, evaluated once per
// output element. Shared by the pass that builds it (passes/pointwise_fusion.cpp), the CPU
// reference kernel (ops/pointwise.cpp) and, later, the CUDA code generator (one NVRTC kernel).
//
// Encoding, as node attributes (all steps in evaluation order; s = number of steps):
//   ops    strings [s]    the op of each step, by mnemonic: "add", "relu", "clip", "cast_f16", ...
//                         (kOps in pointwise_program.cpp lists them with their arity)
//   args   ints    [2*s]  operands of step i at args[2i], args[2i+1] (the second is ignored, 0,
//                         for unary ops). An operand k means:
//                           0 <= k < n       the layer's input k (read with broadcasting)
//                           n <= k < n + i   the result of step k - n (an earlier step)
//                           k < 0            the immediate imms[-k - 1] (a baked scalar constant)
//   params floats  [2*s]  per-step parameters at params[2i], params[2i+1] (0 when unused):
//                           clip: min, max; leaky_relu: alpha; elu: alpha; hard_sigmoid: alpha, beta
//   imms   floats  [m]    immediates (optional attribute when m = 0)
//   expr   string         readable summary, "relu(x0 * x1 + x2)"; not read by kernels
// The layer's output is the last step's result. Output dims = the broadcast of all inputs' dims;
// each input is read at the output index with numpy broadcasting (stride 0 on broadcast axes).
// Arithmetic runs in float (double if any input or step is float64); only cast steps and the
// final store round to a narrower type, so a float16 chain is more precise than the unfused ops.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data_type.h"
#include "core/status.h"
#include "ir/graph.h"

namespace kiln::ops::pointwise {

enum class Op : uint8_t {
    Add, Sub, Mul, Div, Pow, Max, Min,
    Sqrt, Exp, Log, Neg, Abs, Reciprocal, Erf, Floor, Ceil, Sin, Cos,
    Relu, LeakyRelu, Sigmoid, Tanh, Clip, HardSigmoid, HardSwish, Elu, Softplus, Softsign,
    CastF16, CastBF16, CastF32, CastF64,
};

struct OpInfo {
    Op op;
    const char* mnemonic;  // "add"
    int arity;             // 1 or 2
};
const OpInfo& opInfo(Op op);
std::optional<Op> opFromMnemonic(const std::string& m);
// The cast step producing type t, or none for a non-float type.
std::optional<Op> castOpFor(DataType t);

struct Step {
    Op op = Op::Add;
    int64_t a = 0, b = 0;     // operands (see the encoding above)
    float p0 = 0.f, p1 = 0.f; // parameters
};

struct Program {
    int numInputs = 0;
    std::vector<Step> steps;
    std::vector<float> imms;
};

inline constexpr const char* kOpsAttr = "ops";
inline constexpr const char* kArgsAttr = "args";
inline constexpr const char* kParamsAttr = "params";
inline constexpr const char* kImmsAttr = "imms";
inline constexpr const char* kExprAttr = "expr";

// Writes the program (and its expr) as attributes of n.
void writeProgram(ir::Node& n, const Program& p);
// Reads and validates the program of a node with numInputs inputs.
Expected<Program> readProgram(const ir::Node& n, int numInputs);
// "relu(x0 * x1 + x2)"
std::string describe(const Program& p);
// The type of every step's result, given the input types (binary steps take their first
// non-immediate operand's type, casts their target). Fails on a step that reads only immediates.
Expected<std::vector<DataType>> stepTypes(const Program& p, const std::vector<DataType>& inputTypes);

// Rounds v to the precision of a narrower float type.
template <typename V, typename T>
V roundTo(V v) { return static_cast<V>(static_cast<float>(T(static_cast<float>(v)))); }

// One step on values of the compute type V (float or double). Matches the ONNX reference kernels.
template <typename V>
V evalStep(const Step& s, V a, V b) {
    switch (s.op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return a / b;
    case Op::Pow: return std::pow(a, b);
    case Op::Max: return (std::isnan(a) || a > b) ? a : b;
    case Op::Min: return (std::isnan(a) || a < b) ? a : b;
    case Op::Sqrt: return std::sqrt(a);
    case Op::Exp: return std::exp(a);
    case Op::Log: return std::log(a);
    case Op::Neg: return -a;
    case Op::Abs: return std::fabs(a);
    case Op::Reciprocal: return V(1) / a;
    case Op::Erf: return std::erf(a);
    case Op::Floor: return std::floor(a);
    case Op::Ceil: return std::ceil(a);
    case Op::Sin: return std::sin(a);
    case Op::Cos: return std::cos(a);
    case Op::Relu: return a < V(0) ? V(0) : a;
    case Op::LeakyRelu: return a < V(0) ? V(s.p0) * a : a;
    case Op::Sigmoid: {
        if (a >= V(0)) return V(1) / (V(1) + std::exp(-a));
        const V e = std::exp(a);
        return e / (V(1) + e);
    }
    case Op::Tanh: return std::tanh(a);
    case Op::Clip: {  // min(max(x, lo), hi)
        const V v = a < V(s.p0) ? V(s.p0) : a;
        return V(s.p1) < v ? V(s.p1) : v;
    }
    case Op::HardSigmoid: {
        const V v = V(s.p0) * a + V(s.p1);
        return v < V(0) ? V(0) : (v > V(1) ? V(1) : v);
    }
    case Op::HardSwish: {
        const V v = a / V(6) + V(0.5);
        return a * (v < V(0) ? V(0) : (v > V(1) ? V(1) : v));
    }
    case Op::Elu: return a >= V(0) ? a : V(s.p0) * std::expm1(a);
    case Op::Softplus: return a > V(0) ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a));
    case Op::Softsign: return a / (V(1) + std::fabs(a));
    case Op::CastF16: return roundTo<V, Half>(a);
    case Op::CastBF16: return roundTo<V, BFloat16>(a);
    case Op::CastF32: return static_cast<V>(static_cast<float>(a));
    case Op::CastF64: return a;
    }
    return a;
}

}  // namespace kiln::ops::pointwise
