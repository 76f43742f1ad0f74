// Symbolic shape rules of the elementwise ops: unary ops keep their input's shape, n-ary ops
// broadcast (numpy rules), and the kiln layers that are elementwise (Gelu, Silu, Pointwise).
#include "passes/symbolic_shape_rules.h"

namespace kiln::passes::shape_rules {

namespace {

// Every output has input 0's shape (Dropout's mask, BatchNormalization's y, ...).
std::optional<Outputs> sameAsInput(Context& c) {
    if (!c.in(0).rankKnown()) return std::nullopt;
    return all(c, c.in(0));
}

// BatchNormalization in training mode has running-stat outputs of [C]; inference mode has one.
std::optional<Outputs> batchNorm(Context& c) {
    if (!c.in(0).rankKnown()) return std::nullopt;
    Outputs o(size_t(c.outputs()), Shape::unknownRank());
    o[0] = c.in(0);
    return o;
}

std::optional<Outputs> broadcastAll(Context& c) {
    std::vector<Shape> shapes;
    for (int i = 0; i < c.node.numInputs(); ++i)
        if (c.has(i)) shapes.push_back(c.in(i));
    auto s = broadcast(shapes, c.dims);
    if (!s) return std::nullopt;
    return all(c, *s);
}

}  // namespace

void addElementwiseRules(RuleTable& t) {
    for (const char* op : {"Identity", "Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos", "Cosh",
                           "Erf", "Exp", "Floor", "Log", "Neg", "Not", "Reciprocal", "Round", "Sigmoid", "Sign", "Sin",
                           "Sinh", "Sqrt", "Tan", "Tanh", "IsNaN", "IsInf", "Relu", "LeakyRelu", "Elu", "Selu", "Celu",
                           "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Shrink",
                           "Gelu", "Clip", "Cast", "CastLike", "BitwiseNot", "Dropout", "Softmax", "LogSoftmax",
                           "Hardmax", "LRN", "CumSum", "Trilu", "InstanceNormalization", "MeanVarianceNormalization",
                           "LpNormalization"})
        t[op] = sameAsInput;
    t["BatchNormalization"] = batchNorm;
    t["PRelu"] = sameAsInput;  // the slope broadcasts to x, one way
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift", "Equal", "Less", "Greater",
                           "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
                           "Where", "Max", "Min", "Sum", "Mean"})
        t[op] = broadcastAll;
    t["kiln.Gelu"] = sameAsInput;
    t["kiln.Silu"] = sameAsInput;
    t["kiln.Pointwise"] = broadcastAll;
}

}  // namespace kiln::passes::shape_rules
