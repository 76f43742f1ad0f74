#include "ops/pointwise_program.h"

#include <sstream>

namespace kiln::ops::pointwise {

namespace {

constexpr OpInfo kOps[] = {
    {Op::Add, "add", 2},          {Op::Sub, "sub", 2},           {Op::Mul, "mul", 2},
    {Op::Div, "div", 2},          {Op::Pow, "pow", 2},           {Op::Max, "max", 2},
    {Op::Min, "min", 2},          {Op::Sqrt, "sqrt", 1},         {Op::Exp, "exp", 1},
    {Op::Log, "log", 1},          {Op::Neg, "neg", 1},           {Op::Abs, "abs", 1},
    {Op::Reciprocal, "recip", 1}, {Op::Erf, "erf", 1},           {Op::Floor, "floor", 1},
    {Op::Ceil, "ceil", 1},        {Op::Sin, "sin", 1},           {Op::Cos, "cos", 1},
    {Op::Relu, "relu", 1},        {Op::LeakyRelu, "leaky_relu", 1}, {Op::Sigmoid, "sigmoid", 1},
    {Op::Tanh, "tanh", 1},        {Op::Clip, "clip", 1},         {Op::HardSigmoid, "hard_sigmoid", 1},
    {Op::HardSwish, "hard_swish", 1}, {Op::Elu, "elu", 1},       {Op::Softplus, "softplus", 1},
    {Op::Softsign, "softsign", 1},
    {Op::CastF16, "cast_f16", 1}, {Op::CastBF16, "cast_bf16", 1}, {Op::CastF32, "cast_f32", 1},
    {Op::CastF64, "cast_f64", 1},
};

// Infix operators for expr, with precedence (higher binds tighter).
struct Infix {
    Op op;
    const char* symbol;
    int precedence;
};
constexpr Infix kInfix[] = {{Op::Add, " + ", 1}, {Op::Sub, " - ", 1}, {Op::Mul, " * ", 2}, {Op::Div, " / ", 2}};
constexpr int kPrimary = 3;

std::string number(double v) {
    std::ostringstream os;
    os.precision(6);
    os << v;
    return os.str();
}

std::string parenthesized(const std::string& s) { return std::string("(").append(s).append(")"); }

struct Text {
    std::string s;
    int precedence = kPrimary;
};

Text operandText(const Program& p, const std::vector<Text>& steps, int64_t k) {
    if (k < 0) return {number(p.imms[size_t(-k - 1)])};
    if (k < p.numInputs) return {std::string("x").append(std::to_string(k))};
    return steps[size_t(k - p.numInputs)];
}

Text stepText(const Program& p, const std::vector<Text>& done, const Step& s) {
    const Text a = operandText(p, done, s.a);
    for (const Infix& in : kInfix) {
        if (in.op != s.op) continue;
        const Text b = operandText(p, done, s.b);
        std::string text = a.precedence < in.precedence ? parenthesized(a.s) : a.s;
        text.append(in.symbol).append(b.precedence <= in.precedence ? parenthesized(b.s) : b.s);
        return {text, in.precedence};
    }
    const OpInfo& info = opInfo(s.op);
    std::string args = a.s;
    if (info.arity == 2) args += ", " + operandText(p, done, s.b).s;
    switch (s.op) {
    case Op::Clip:
    case Op::HardSigmoid: args += ", " + number(s.p0) + ", " + number(s.p1); break;
    case Op::LeakyRelu:
    case Op::Elu: args += ", " + number(s.p0); break;
    default: break;
    }
    return {std::string(info.mnemonic).append(parenthesized(args))};
}

}  // namespace

const OpInfo& opInfo(Op op) {
    for (const OpInfo& i : kOps)
        if (i.op == op) return i;
    return kOps[0];
}

std::optional<Op> opFromMnemonic(const std::string& m) {
    for (const OpInfo& i : kOps)
        if (m == i.mnemonic) return i.op;
    return std::nullopt;
}

std::optional<Op> castOpFor(DataType t) {
    switch (t) {
    case DataType::Float16: return Op::CastF16;
    case DataType::BFloat16: return Op::CastBF16;
    case DataType::Float32: return Op::CastF32;
    case DataType::Float64: return Op::CastF64;
    default: return std::nullopt;
    }
}

void writeProgram(ir::Node& n, const Program& p) {
    std::vector<std::string> ops;
    std::vector<int64_t> args;
    std::vector<float> params;
    for (const Step& s : p.steps) {
        ops.push_back(opInfo(s.op).mnemonic);
        args.push_back(s.a);
        args.push_back(opInfo(s.op).arity == 2 ? s.b : 0);
        params.push_back(s.p0);
        params.push_back(s.p1);
    }
    n.setAttr(kOpsAttr, std::move(ops));
    n.setAttr(kArgsAttr, std::move(args));
    n.setAttr(kParamsAttr, std::move(params));
    if (!p.imms.empty()) n.setAttr(kImmsAttr, p.imms);
    n.setAttr(kExprAttr, describe(p));
}

Expected<Program> readProgram(const ir::Node& n, int numInputs) {
    Program p;
    p.numInputs = numInputs;
    p.imms = n.attrFloats(kImmsAttr);
    const ir::Attribute* opsAttr = n.attr(kOpsAttr);
    if (!opsAttr || !opsAttr->is<std::vector<std::string>>() || opsAttr->get<std::vector<std::string>>().empty())
        return invalidArgument("attribute 'ops' (a non-empty list of strings) is missing");
    const auto& ops = opsAttr->get<std::vector<std::string>>();
    const std::vector<int64_t> args = n.attrInts(kArgsAttr);
    const std::vector<float> params = n.attrFloats(kParamsAttr);
    if (args.size() != 2 * ops.size() || params.size() != 2 * ops.size())
        return invalidArgument("'args' and 'params' must hold 2 entries per step (" + std::to_string(ops.size()) +
                               " steps)");
    for (size_t i = 0; i < ops.size(); ++i) {
        std::optional<Op> op = opFromMnemonic(ops[i]);
        if (!op) return invalidArgument("step " + std::to_string(i) + ": unknown op '" + ops[i] + "'");
        Step s{*op, args[2 * i], args[2 * i + 1], params[2 * i], params[2 * i + 1]};
        const int64_t limit = numInputs + int64_t(i);
        const int64_t lowest = -int64_t(p.imms.size());
        for (int k = 0; k < opInfo(*op).arity; ++k) {
            const int64_t v = k == 0 ? s.a : s.b;
            if (v >= limit || v < lowest)
                return invalidArgument("step " + std::to_string(i) + " (" + ops[i] + "): operand " + std::to_string(v) +
                                       " is not an input, an earlier step or an immediate");
        }
        p.steps.push_back(s);
    }
    return p;
}

std::string describe(const Program& p) {
    std::vector<Text> done;
    done.reserve(p.steps.size());
    for (const Step& s : p.steps) done.push_back(stepText(p, done, s));
    return done.empty() ? std::string() : done.back().s;
}

Expected<std::vector<DataType>> stepTypes(const Program& p, const std::vector<DataType>& inputTypes) {
    std::vector<DataType> types;
    auto typeOf = [&](int64_t k) {
        if (k < 0) return DataType::Undefined;
        return k < p.numInputs ? inputTypes[size_t(k)] : types[size_t(k - p.numInputs)];
    };
    for (size_t i = 0; i < p.steps.size(); ++i) {
        const Step& s = p.steps[i];
        DataType t = typeOf(s.a);
        if (t == DataType::Undefined && opInfo(s.op).arity == 2) t = typeOf(s.b);
        if (t == DataType::Undefined)
            return invalidArgument("step " + std::to_string(i) + " reads only immediates: its type is unknown");
        switch (s.op) {
        case Op::CastF16: t = DataType::Float16; break;
        case Op::CastBF16: t = DataType::BFloat16; break;
        case Op::CastF32: t = DataType::Float32; break;
        case Op::CastF64: t = DataType::Float64; break;
        default: break;
        }
        types.push_back(t);
    }
    return types;
}

}  // namespace kiln::ops::pointwise
