#include "backends/cuda/pointwise_codegen.h"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>

namespace kiln::cuda::pointwise {

namespace pw = ops::pointwise;
using pw::Op;

std::string vecKernelName(int width) { return "kiln_pw_vec" + std::to_string(width); }

namespace {

// Inside a kernel every float type computes in the compute type (float or double), marked here
// with Float32; other types compute in themselves.
constexpr DataType kFloat = DataType::Float32;
DataType valueTypeOf(DataType storage) { return isFloatingPoint(storage) ? kFloat : storage; }

// The C type a tensor element is stored as (16-bit floats as their bits), or null.
const char* storageName(DataType t) {
    switch (t) {
        case DataType::Float32: return "float";
        case DataType::Float64: return "double";
        case DataType::Float16:
        case DataType::BFloat16:
        case DataType::UInt16: return "unsigned short";
        case DataType::Int8: return "signed char";
        case DataType::UInt8: return "unsigned char";
        case DataType::Int16: return "short";
        case DataType::Int32: return "int";
        case DataType::UInt32: return "unsigned int";
        case DataType::Int64: return "long long";
        case DataType::UInt64: return "unsigned long long";
        case DataType::Bool: return "bool";
        default: return nullptr;
    }
}

struct ExtraInfo {
    ExtraOp op;
    const char* name;
    int arity;
};
constexpr ExtraInfo kExtra[] = {
    {ExtraOp::Identity, "identity", 1}, {ExtraOp::Gelu, "gelu", 1},       {ExtraOp::GeluTanh, "gelu_tanh", 1},
    {ExtraOp::Silu, "silu", 1},         {ExtraOp::Mish, "mish", 1},       {ExtraOp::Selu, "selu", 1},
    {ExtraOp::PRelu, "prelu", 2},       {ExtraOp::Equal, "equal", 2},     {ExtraOp::Less, "less", 2},
    {ExtraOp::Greater, "greater", 2},   {ExtraOp::LessOrEqual, "less_or_equal", 2},
    {ExtraOp::GreaterOrEqual, "greater_or_equal", 2},                     {ExtraOp::Not, "not", 1},
    {ExtraOp::And, "and", 2},           {ExtraOp::Or, "or", 2},           {ExtraOp::Xor, "xor", 2},
    {ExtraOp::Where, "where", 3},
};
const ExtraInfo& extraInfo(ExtraOp op) {
    for (const ExtraInfo& e : kExtra)
        if (e.op == op) return e;
    return kExtra[0];
}

std::string stepName(const GenStep& s) {
    if (const Op* op = std::get_if<Op>(&s.op)) return pw::opInfo(*op).mnemonic;
    return extraInfo(std::get<ExtraOp>(s.op)).name;
}
int arity(const GenStep& s) {
    if (const Op* op = std::get_if<Op>(&s.op)) return pw::opInfo(*op).arity;
    return extraInfo(std::get<ExtraOp>(s.op)).arity;
}

// Ops that also compute on integers (wrapping like the CPU reference).
bool integerCapable(Op op) {
    return op == Op::Add || op == Op::Sub || op == Op::Mul || op == Op::Div || op == Op::Max || op == Op::Min ||
           op == Op::Neg || op == Op::Abs || op == Op::Relu;
}

// Helpers of the float ops, for compute type $V ($f: the float functions' suffix).
constexpr const char* kHelpers = R"(
__device__ __forceinline__ float kiln_h2f(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
__device__ __forceinline__ unsigned short kiln_f2h(float f) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }
__device__ __forceinline__ float kiln_bf2f(unsigned short b) { return __uint_as_float(((unsigned int)b) << 16); }
__device__ __forceinline__ unsigned short kiln_f2bf(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (unsigned short)(u >> 16);
}
__device__ __forceinline__ $V kiln_round_f16($V x) { return ($V)kiln_h2f(kiln_f2h((float)x)); }
__device__ __forceinline__ $V kiln_round_bf16($V x) { return ($V)kiln_bf2f(kiln_f2bf((float)x)); }
__device__ __forceinline__ $V kiln_sigmoid($V x) {
  if (x >= ($V)0) return ($V)1 / (($V)1 + exp$f(-x));
  const $V e = exp$f(x);
  return e / (($V)1 + e);
}
__device__ __forceinline__ $V kiln_softplus($V x) { return x > ($V)0 ? x + log1p$f(exp$f(-x)) : log1p$f(exp$f(x)); }
__device__ __forceinline__ $V kiln_silu($V x) {
  const $V e = exp$f(-fabs$f(x));
  return x >= ($V)0 ? x / (($V)1 + e) : x * e / (($V)1 + e);
}
__device__ __forceinline__ $V kiln_clip($V x, $V lo, $V hi) { const $V v = x < lo ? lo : x; return hi < v ? hi : v; }
__device__ __forceinline__ $V kiln_unit($V v) { return v < ($V)0 ? ($V)0 : (v > ($V)1 ? ($V)1 : v); }
__device__ __forceinline__ $V kiln_hard_sigmoid($V x, $V a, $V b) { return kiln_unit(a * x + b); }
__device__ __forceinline__ $V kiln_hard_swish($V x) { return x * kiln_unit(x / ($V)6 + ($V)0.5); }
)";

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

class SourceWriter {
public:
    SourceWriter(const GenProgram& p, const KernelSpec& s) : m_p(p), m_s(s) {}
    Expected<std::string> write();

private:
    Status typeSteps();
    Expected<DataType> stepType(size_t i) const;
    DataType typeOf(int64_t k) const { return k < 0 ? DataType::Undefined : m_types[size_t(k)]; }
    std::string V() const { return m_wide ? "double" : "float"; }
    std::string fn(const char* name) const { return m_wide ? name : std::string(name) + "f"; }
    std::string lit(double v) const;
    std::string cType(DataType valueType) const { return valueType == kFloat ? V() : storageName(valueType); }
    std::string operand(int64_t k, DataType want) const;
    std::string floatExpr(Op op, const GenStep& s) const;
    std::string intExpr(Op op, const GenStep& s, DataType t) const;
    std::string extraExpr(ExtraOp op, const GenStep& s, DataType t) const;
    std::string load(int k, const std::string& element) const;
    std::string store(const std::string& value) const;
    std::string params() const;
    void writeEval();
    void writeOffsets(const std::string& indent, const std::string& index, bool allStrided);
    std::string evalCall(const std::vector<std::string>& args) const;
    void writeSpecKernel(const char* name, bool generic);
    void writeVecKernel(int width);

    const GenProgram& m_p;
    const KernelSpec& m_s;
    std::vector<DataType> m_types;  // value types of the inputs, then of the steps
    bool m_wide = false;            // compute in double
    std::ostringstream m_os;
};

// A literal of the compute type that reads back as exactly v (in that type).
std::string SourceWriter::lit(double v) const {
    if (std::isnan(v)) return m_wide ? "__longlong_as_double(0x7ff8000000000000ll)" : "__int_as_float(0x7fffffff)";
    if (!m_wide) v = double(float(v));
    if (std::isinf(v)) {
        const char* inf = m_wide ? "__longlong_as_double(0x7ff0000000000000ll)" : "__int_as_float(0x7f800000)";
        return v > 0 ? inf : std::string("(-") + inf + ")";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, m_wide ? "%.17g" : "%.9g", v);
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    if (!m_wide) s += "f";
    return v < 0 ? "(" + s + ")" : s;
}

std::string SourceWriter::operand(int64_t k, DataType want) const {
    if (k < 0) {
        const double v = m_p.imms[size_t(-k - 1)];
        if (want == kFloat) return lit(v);
        if (want == DataType::Bool) return v != 0.0 ? "true" : "false";
        return "((" + cType(want) + ")" + lit(v) + ")";
    }
    const int n = m_p.numInputs();
    const std::string name = k < n ? "x" + std::to_string(k) : "t" + std::to_string(k - n);
    return typeOf(k) == want ? name : "((" + cType(want) + ")" + name + ")";
}

// The type of step i's value, or why the step cannot compute on its operands' types.
Expected<DataType> SourceWriter::stepType(size_t i) const {
    const GenStep& s = m_p.steps[i];
    const int n = arity(s);
    const DataType a = typeOf(s.a), b = n >= 2 ? typeOf(s.b) : DataType::Undefined,
                   c = n >= 3 ? typeOf(s.c) : DataType::Undefined;
    auto fail = [&](const std::string& why) {
        return unsupported("step " + std::to_string(i) + " (" + stepName(s) + "): " + why);
    };
    // Binary ops compute in their first non-immediate operand's type; the other must agree.
    auto common = [&](DataType x, DataType y) -> Expected<DataType> {
        if (x == DataType::Undefined) x = y;
        if (y == DataType::Undefined) y = x;
        if (x == DataType::Undefined) return fail("reads only immediates");
        if (x != y) return fail(std::string("operands of different types (") + dataTypeName(x) + ", " + dataTypeName(y) + ")");
        return x;
    };
    auto floatOnly = [&](DataType t) -> Expected<DataType> {
        if (t == kFloat || t == DataType::Undefined) return kFloat;
        return fail(std::string("not implemented for ") + dataTypeName(t));
    };
    if (const Op* op = std::get_if<Op>(&s.op)) {
        if (*op == Op::Pow) return floatOnly(a);  // any numeric exponent, converted
        KILN_ASSIGN_OR_RETURN(DataType t, n == 2 ? common(a, b) : common(a, a));
        if (t == kFloat) return kFloat;
        if (t != DataType::Bool && integerCapable(*op)) return t;
        return fail(std::string("not implemented for ") + dataTypeName(t));
    }
    switch (std::get<ExtraOp>(s.op)) {
        case ExtraOp::Identity: return a == DataType::Undefined ? kFloat : a;
        case ExtraOp::Gelu:
        case ExtraOp::GeluTanh:
        case ExtraOp::Silu:
        case ExtraOp::Mish:
        case ExtraOp::Selu: return floatOnly(a);
        case ExtraOp::PRelu: {
            KILN_ASSIGN_OR_RETURN(DataType t, common(a, b));
            return floatOnly(t);
        }
        case ExtraOp::Equal:
        case ExtraOp::Less:
        case ExtraOp::Greater:
        case ExtraOp::LessOrEqual:
        case ExtraOp::GreaterOrEqual: {
            KILN_ASSIGN_OR_RETURN(DataType t, common(a, b));
            (void)t;
            return DataType::Bool;
        }
        case ExtraOp::Not:
        case ExtraOp::And:
        case ExtraOp::Or:
        case ExtraOp::Xor: {
            KILN_ASSIGN_OR_RETURN(DataType t, n == 2 ? common(a, b) : common(a, a));
            if (t != DataType::Bool) return fail(std::string("needs bool operands, got ") + dataTypeName(t));
            return t;
        }
        case ExtraOp::Where:
            if (a != DataType::Bool) return fail("the condition must be bool");
            return common(b, c);
    }
    return fail("unknown op");
}

Status SourceWriter::typeSteps() {
    const int n = m_p.numInputs();
    if (n == 0 || n > kMaxInputs)
        return unsupported("a pointwise kernel takes 1 to " + std::to_string(kMaxInputs) + " inputs, not " + std::to_string(n));
    if (m_s.access.size() != size_t(n) || m_p.inputTypes.size() != size_t(n))
        return invalidArgument("the kernel spec does not match the program's inputs");
    if (m_p.steps.empty()) return invalidArgument("the program has no steps");
    for (DataType t : m_p.inputTypes) {
        if (!storageName(t)) return unsupported(std::string("inputs of type ") + dataTypeName(t) + " are not supported");
        m_types.push_back(valueTypeOf(t));
        m_wide = m_wide || t == DataType::Float64;
    }
    if (!storageName(m_p.outputType))
        return unsupported(std::string("outputs of type ") + dataTypeName(m_p.outputType) + " are not supported");
    for (size_t i = 0; i < m_p.steps.size(); ++i) {
        const GenStep& s = m_p.steps[i];
        const int64_t limit = n + int64_t(i), lowest = -int64_t(m_p.imms.size());
        const int64_t ops[] = {s.a, s.b, s.c};
        for (int k = 0; k < arity(s); ++k)
            if (ops[k] >= limit || ops[k] < lowest)
                return invalidArgument("step " + std::to_string(i) + " (" + stepName(s) + "): operand " +
                                       std::to_string(ops[k]) + " is not an input, an earlier step or an immediate");
        KILN_ASSIGN_OR_RETURN(DataType t, stepType(i));
        m_types.push_back(t);
        m_wide = m_wide || (std::holds_alternative<Op>(s.op) && std::get<Op>(s.op) == Op::CastF64);
    }
    const DataType result = m_types.back(), out = m_p.outputType;
    const bool storable = result == valueTypeOf(out) || out == DataType::Bool || (isInteger(out) && isInteger(result));
    if (!storable)
        return unsupported(std::string("a ") + (result == kFloat ? "float" : dataTypeName(result)) +
                           " result cannot be stored as " + dataTypeName(out));
    return Status::ok();
}

std::string SourceWriter::floatExpr(Op op, const GenStep& s) const {
    const std::string a = operand(s.a, kFloat), b = arity(s) == 2 ? operand(s.b, kFloat) : "";
    const std::string p0 = lit(s.p0), p1 = lit(s.p1), zero = lit(0), one = lit(1);
    auto call = [&](const char* f) { return fn(f) + "(" + a + ")"; };
    switch (op) {
        case Op::Add: return "(" + a + " + " + b + ")";
        case Op::Sub: return "(" + a + " - " + b + ")";
        case Op::Mul: return "(" + a + " * " + b + ")";
        case Op::Div: return "(" + a + " / " + b + ")";
        case Op::Pow: return fn("pow") + "(" + a + ", " + b + ")";
        // Max/Min propagate NaN from either side, like the reference (a != a: a is NaN).
        case Op::Max: return "((" + a + " != " + a + " || " + a + " > " + b + ") ? " + a + " : " + b + ")";
        case Op::Min: return "((" + a + " != " + a + " || " + a + " < " + b + ") ? " + a + " : " + b + ")";
        case Op::Sqrt: return call("sqrt");
        case Op::Exp: return call("exp");
        case Op::Log: return call("log");
        case Op::Neg: return "(-" + a + ")";
        case Op::Abs: return call("fabs");
        case Op::Reciprocal: return "(" + one + " / " + a + ")";
        case Op::Erf: return call("erf");
        case Op::Floor: return call("floor");
        case Op::Ceil: return call("ceil");
        case Op::Sin: return call("sin");
        case Op::Cos: return call("cos");
        case Op::Relu: return "(" + a + " < " + zero + " ? " + zero + " : " + a + ")";
        case Op::LeakyRelu: return "(" + a + " < " + zero + " ? " + p0 + " * " + a + " : " + a + ")";
        case Op::Sigmoid: return "kiln_sigmoid(" + a + ")";
        case Op::Tanh: return call("tanh");
        case Op::Clip: return "kiln_clip(" + a + ", " + p0 + ", " + p1 + ")";
        case Op::HardSigmoid: return "kiln_hard_sigmoid(" + a + ", " + p0 + ", " + p1 + ")";
        case Op::HardSwish: return "kiln_hard_swish(" + a + ")";
        case Op::Elu: return "(" + a + " >= " + zero + " ? " + a + " : " + p0 + " * " + fn("expm1") + "(" + a + "))";
        case Op::Softplus: return "kiln_softplus(" + a + ")";
        case Op::Softsign: return "(" + a + " / (" + one + " + " + fn("fabs") + "(" + a + ")))";
        case Op::CastF16: return "kiln_round_f16(" + a + ")";
        case Op::CastBF16: return "kiln_round_bf16(" + a + ")";
        case Op::CastF32: return "((" + V() + ")(float)" + a + ")";
        case Op::CastF64: return a;
    }
    return a;
}

// Integer arithmetic wraps modulo 2^bits (through unsigned long long); x / 0 gives 0 and
// MIN / -1 wraps, where the CPU reference reports an error or wraps.
std::string SourceWriter::intExpr(Op op, const GenStep& s, DataType t) const {
    const std::string T = cType(t), a = operand(s.a, t), b = arity(s) == 2 ? operand(s.b, t) : "";
    auto wrap = [&](const std::string& x, const char* sym, const std::string& y) {
        return "((" + T + ")((unsigned long long)" + x + " " + sym + " (unsigned long long)" + y + "))";
    };
    const bool isSigned = isSignedInteger(t);
    switch (op) {
        case Op::Add: return wrap(a, "+", b);
        case Op::Sub: return wrap(a, "-", b);
        case Op::Mul: return wrap(a, "*", b);
        case Op::Div:
            return "(" + b + " == 0 ? (" + T + ")0 : " +
                   (isSigned ? b + " == (" + T + ")-1 ? " + wrap("0", "-", a) + " : " : std::string()) + "(" + T + ")(" +
                   a + " / " + b + "))";
        case Op::Max: return "(" + a + " > " + b + " ? " + a + " : " + b + ")";
        case Op::Min: return "(" + a + " < " + b + " ? " + a + " : " + b + ")";
        case Op::Neg: return wrap("0", "-", a);
        case Op::Abs: return isSigned ? "(" + a + " < 0 ? " + wrap("0", "-", a) + " : " + a + ")" : a;
        case Op::Relu: return isSigned ? "(" + a + " < 0 ? (" + T + ")0 : " + a + ")" : a;
        default: return a;  // not reached: stepType admits only the ops above
    }
}

std::string SourceWriter::extraExpr(ExtraOp op, const GenStep& s, DataType t) const {
    const int n = arity(s);
    // The type the operands are read in: float for the math, the common operand type for the
    // comparisons, the result's for the rest (Where's condition is always bool).
    DataType in = t;
    switch (op) {
        case ExtraOp::Gelu:
        case ExtraOp::GeluTanh:
        case ExtraOp::Silu:
        case ExtraOp::Mish:
        case ExtraOp::Selu:
        case ExtraOp::PRelu: in = kFloat; break;
        case ExtraOp::Equal:
        case ExtraOp::Less:
        case ExtraOp::Greater:
        case ExtraOp::LessOrEqual:
        case ExtraOp::GreaterOrEqual: in = typeOf(s.a) != DataType::Undefined ? typeOf(s.a) : typeOf(s.b); break;
        default: break;
    }
    const std::string a = op == ExtraOp::Where ? operand(s.a, DataType::Bool) : operand(s.a, in);
    const std::string b = n >= 2 ? operand(s.b, in) : "", c = n >= 3 ? operand(s.c, in) : "";
    const std::string zero = lit(0), one = lit(1), half = lit(0.5);
    switch (op) {
        case ExtraOp::Identity: return a;
        // gelu(x) = x/2 * (1 + erf(x / sqrt(2)))
        case ExtraOp::Gelu:
            return "(" + half + " * " + a + " * (" + one + " + " + fn("erf") + "(" + a + " * " +
                   lit(1.0 / std::numbers::sqrt2) + ")))";
        // gelu_tanh(x) = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
        case ExtraOp::GeluTanh:
            return "(" + half + " * " + a + " * (" + one + " + " + fn("tanh") + "(" +
                   lit(std::numbers::sqrt2 * std::numbers::inv_sqrtpi) + " * (" + a + " + " + lit(0.044715) + " * " + a +
                   " * " + a + " * " + a + "))))";
        case ExtraOp::Silu: return "kiln_silu(" + a + ")";
        case ExtraOp::Mish: return "(" + a + " * " + fn("tanh") + "(kiln_softplus(" + a + ")))";
        // selu(x) = gamma * (x > 0 ? x : alpha * (exp(x) - 1))
        case ExtraOp::Selu:
            return "(" + lit(s.p1) + " * (" + a + " > " + zero + " ? " + a + " : " + lit(s.p0) + " * " + fn("expm1") +
                   "(" + a + ")))";
        case ExtraOp::PRelu: return "(" + a + " < " + zero + " ? " + b + " * " + a + " : " + a + ")";
        case ExtraOp::Equal: return "(" + a + " == " + b + ")";
        case ExtraOp::Less: return "(" + a + " < " + b + ")";
        case ExtraOp::Greater: return "(" + a + " > " + b + ")";
        case ExtraOp::LessOrEqual: return "(" + a + " <= " + b + ")";
        case ExtraOp::GreaterOrEqual: return "(" + a + " >= " + b + ")";
        case ExtraOp::Not: return "(!" + a + ")";
        case ExtraOp::And: return "(" + a + " && " + b + ")";
        case ExtraOp::Or: return "(" + a + " || " + b + ")";
        case ExtraOp::Xor: return "(" + a + " != " + b + ")";
        case ExtraOp::Where: return "(" + a + " ? " + b + " : " + c + ")";
    }
    return a;
}

// An input element (storage) as its value type.
std::string SourceWriter::load(int k, const std::string& element) const {
    const std::string widen = m_wide ? "(double)" : "";
    switch (m_p.inputTypes[size_t(k)]) {
        case DataType::Float16: return widen + "kiln_h2f(" + element + ")";
        case DataType::BFloat16: return widen + "kiln_bf2f(" + element + ")";
        case DataType::Float32: return widen + element;
        default: return element;
    }
}

// The result as the output's storage type (typeSteps checked that it converts).
std::string SourceWriter::store(const std::string& value) const {
    switch (m_p.outputType) {
        case DataType::Float16: return "kiln_f2h((float)" + value + ")";
        case DataType::BFloat16: return "kiln_f2bf((float)" + value + ")";
        case DataType::Bool: return m_types.back() == DataType::Bool ? value : "(" + value + " != 0)";
        default: return "(" + std::string(storageName(m_p.outputType)) + ")" + value;
    }
}

std::string SourceWriter::params() const {
    std::string s;
    for (int k = 0; k < m_p.numInputs(); ++k)
        s += "const " + std::string(storageName(m_p.inputTypes[size_t(k)])) + "* __restrict__ in" + std::to_string(k) + ", ";
    return s + storageName(m_p.outputType) + "* __restrict__ out, const KilnShape s";
}

void SourceWriter::writeEval() {
    const int n = m_p.numInputs();
    m_os << "__device__ __forceinline__ " << cType(m_types.back()) << " kiln_pw_eval(";
    for (int k = 0; k < n; ++k) m_os << (k ? ", " : "") << cType(m_types[size_t(k)]) << " x" << k;
    m_os << ") {\n";
    for (size_t i = 0; i < m_p.steps.size(); ++i) {
        const GenStep& s = m_p.steps[i];
        const DataType t = m_types[size_t(n) + i];
        std::string e;
        if (const Op* op = std::get_if<Op>(&s.op)) e = t == kFloat ? floatExpr(*op, s) : intExpr(*op, s, t);
        else e = extraExpr(std::get<ExtraOp>(s.op), s, t);
        m_os << "  const " << cType(t) << " t" << i << " = " << e << ";\n";
    }
    m_os << "  return t" << m_p.steps.size() - 1 << ";\n}\n";
}

// Element offsets o<k> of the strided inputs (all inputs when allStrided) for output element
// `index`, decomposed over the coalesced dims (innermost first).
void SourceWriter::writeOffsets(const std::string& indent, const std::string& index, bool allStrided) {
    std::vector<int> ks;
    for (int k = 0; k < m_p.numInputs(); ++k) {
        const Access a = m_s.access[size_t(k)];
        if (allStrided || a == Access::Strided || a == Access::StridedInnerBcast) ks.push_back(k);
    }
    if (ks.empty()) return;
    m_os << indent << "I";
    for (size_t j = 0; j < ks.size(); ++j) m_os << (j ? ", o" : " o") << ks[j] << " = 0";
    m_os << ";\n" << indent << "{\n" << indent << "  I rem = " << index << ";\n" << "#pragma unroll\n"
         << indent << "  for (int d = 0; d < " << kMaxRank << "; ++d) {\n"
         << indent << "    if (d >= (int)s.rank) break;\n"
         << indent << "    I r = rem;\n"
         << indent << "    if (d + 1 < (int)s.rank) { const I dim = (I)s.dims[d]; const I q = rem / dim; r = rem - q * dim; rem = q; }\n";
    for (int k : ks) m_os << indent << "    o" << k << " += r * (I)s.strides[" << k << "][d];\n";
    m_os << indent << "  }\n" << indent << "}\n";
}

std::string SourceWriter::evalCall(const std::vector<std::string>& args) const {
    std::string s = "kiln_pw_eval(";
    for (size_t k = 0; k < args.size(); ++k) s += (k ? ", " : "") + args[k];
    return store(s + ")");
}

void SourceWriter::writeSpecKernel(const char* name, bool generic) {
    const bool wide = generic || m_s.index64;
    m_os << "extern \"C\" __global__ void " << name << "(" << params() << ") {\n"
         << "  typedef " << (wide ? "unsigned long long" : "unsigned int") << " I;\n"
         << "  const I n = (I)s.n;\n";
    std::vector<std::string> args;
    for (int k = 0; k < m_p.numInputs(); ++k) {
        const std::string ks = std::to_string(k);
        const Access a = generic ? Access::Strided : m_s.access[size_t(k)];
        if (a == Access::Scalar) m_os << "  const " << cType(m_types[size_t(k)]) << " x" << ks << " = " << load(k, "in" + ks + "[0]") << ";\n";
        args.push_back(a == Access::Scalar ? "x" + ks : load(k, "in" + ks + (a == Access::Linear ? "[i]" : "[o" + ks + "]")));
    }
    m_os << "  for (I i = (I)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {\n";
    writeOffsets("    ", "i", generic);
    m_os << "    out[i] = " << evalCall(args) << ";\n  }\n}\n";
}

void SourceWriter::writeVecKernel(int width) {
    const std::string W = std::to_string(width);
    auto vec = [&](DataType t) { return "KilnVec<" + std::string(storageName(t)) + ", " + W + ">"; };
    m_os << "extern \"C\" __global__ void " << vecKernelName(width) << "(" << params() << ") {\n"
         << "  typedef " << (m_s.index64 ? "unsigned long long" : "unsigned int") << " I;\n"
         << "  const I groups = (I)s.n / " << W << ";\n";
    std::vector<std::string> args;
    for (int k = 0; k < m_p.numInputs(); ++k) {
        const std::string ks = std::to_string(k);
        const Access a = m_s.access[size_t(k)];
        if (a == Access::Scalar) m_os << "  const " << cType(m_types[size_t(k)]) << " x" << ks << " = " << load(k, "in" + ks + "[0]") << ";\n";
        args.push_back(a == Access::Scalar || a == Access::StridedInnerBcast ? "x" + ks : load(k, "v" + ks + ".v[j]"));
    }
    m_os << "  for (I g = (I)blockIdx.x * blockDim.x + threadIdx.x; g < groups; g += (I)gridDim.x * blockDim.x) {\n"
         << "    const I i = g * " << W << ";\n";
    writeOffsets("    ", "i", false);
    for (int k = 0; k < m_p.numInputs(); ++k) {
        const std::string ks = std::to_string(k);
        const DataType t = m_p.inputTypes[size_t(k)];
        switch (m_s.access[size_t(k)]) {
            case Access::Linear:
            case Access::Strided:
                m_os << "    const " << vec(t) << " v" << ks << " = *reinterpret_cast<const " << vec(t) << "*>(in" << ks
                     << " + " << (m_s.access[size_t(k)] == Access::Linear ? "i" : "o" + ks) << ");\n";
                break;
            case Access::StridedInnerBcast:
                m_os << "    const " << cType(m_types[size_t(k)]) << " x" << ks << " = " << load(k, "in" + ks + "[o" + ks + "]") << ";\n";
                break;
            case Access::Scalar: break;
        }
    }
    m_os << "    " << vec(m_p.outputType) << " r;\n"
         << "#pragma unroll\n"
         << "    for (int j = 0; j < " << W << "; ++j) r.v[j] = " << evalCall(args) << ";\n"
         << "    *reinterpret_cast<" << vec(m_p.outputType) << "*>(out + i) = r;\n  }\n}\n";
}

Expected<std::string> SourceWriter::write() {
    KILN_RETURN_IF_ERROR(typeSteps());
    m_os << "// Generated by Kiln (engine/backends/cuda/pointwise_codegen.cpp)\n"
         << "struct KilnShape { long long n; long long rank; long long dims[" << kMaxRank << "]; long long strides["
         << m_p.numInputs() << "][" << kMaxRank << "]; };\n"
         << "template <typename T, int W> struct alignas(sizeof(T) * W) KilnVec { T v[W]; };\n"
         << replaceAll(replaceAll(kHelpers, "$V", V()), "$f", m_wide ? "" : "f");
    writeEval();
    writeSpecKernel(kSpecKernel, false);
    writeSpecKernel(kGenericKernel, true);
    for (int w : m_s.vectorWidths) writeVecKernel(w);
    return m_os.str();
}

}  // namespace

Expected<std::string> generateSource(const GenProgram& p, const KernelSpec& spec) {
    return SourceWriter(p, spec).write();
}

}  // namespace kiln::cuda::pointwise
