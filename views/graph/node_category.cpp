#include "graph/node_category.h"

#include <QCoreApplication>
#include <QHash>

#include "ir/graph.h"
#include "ops/op_registry.h"
#include "plugin/plugin_layer.h"

namespace kiln::views {

namespace {

const QHash<QString, NodeCategory>& categoryTable() {
    using C = NodeCategory;
    static const QHash<QString, NodeCategory> table = [] {
        QHash<QString, NodeCategory> t;
        auto add = [&t](C c, std::initializer_list<const char*> ops) {
            for (const char* op : ops) t.insert(QLatin1String(op), c);
        };
        add(C::Convolution, {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv"});
        add(C::Activation, {"Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Celu",
                            "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Gelu", "Mish",
                            "ThresholdedRelu", "Clip"});
        add(C::Normalization, {"BatchNormalization", "LayerNormalization", "InstanceNormalization",
                               "GroupNormalization", "LpNormalization", "LRN",
                               "MeanVarianceNormalization"});
        add(C::Pooling, {"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool",
                         "GlobalLpPool", "MaxUnpool", "MaxRoiPool", "RoiAlign"});
        add(C::Shape, {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split",
                       "Slice", "Gather", "GatherElements", "GatherND", "Scatter", "ScatterND",
                       "ScatterElements", "Shape", "Size", "Expand", "Tile", "Pad", "Identity",
                       "Constant", "ConstantOfShape", "Cast", "CastLike", "Resize", "Upsample",
                       "DepthToSpace", "SpaceToDepth", "Range", "Where", "NonZero", "OneHot",
                       "Dropout", "Trilu", "Compress", "Unique", "ReverseSequence"});
        add(C::Math, {"Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal",
                      "MatMul", "Gemm", "MatMulInteger", "Einsum", "ReduceMean", "ReduceSum",
                      "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                      "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp", "Min", "Max", "Sum",
                      "Mean", "Erf", "Floor", "Ceil", "Round", "Sign", "Mod", "Equal", "Less",
                      "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
                      "ArgMax", "ArgMin", "CumSum", "TopK", "Sin", "Cos", "IsNaN", "IsInf"});
        add(C::Attention, {"Softmax", "LogSoftmax", "Hardmax", "Attention", "MultiHeadAttention"});
        add(C::Quantization, {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
                              "QLinearMatMul", "QLinearAdd"});
        return t;
    }();
    return table;
}

}  // namespace

NodeCategory categoryOf(const std::string& opType, const std::string& domain) {
    if (domain == "kiln") return NodeCategory::KilnFused;
    const QString op = QString::fromStdString(opType);
    if (op.contains(QLatin1String("Attention"))) return NodeCategory::Attention;
    return categoryTable().value(op, NodeCategory::Other);
}

NodeCategory categoryOfNode(const ir::Node& node, bool engineLayer) {
    if (plugins::isBuiltPluginNode(node)) return NodeCategory::Plugin;
    if (engineLayer) return categoryOf(node.opType(), node.domain());
    // A built-in op wins over a plugin of the same name (isPluginNode says so).
    if (plugins::isPluginNode(node)) return NodeCategory::Plugin;
    if (!ops::OpRegistry::builtin().knows(node.domain(), node.opType())) return NodeCategory::Unsupported;
    return categoryOf(node.opType(), node.domain());
}

QColor categoryColor(NodeCategory c) {
    // Muted fills that keep black text readable (Netron's palette idea, lighter).
    switch (c) {
    case NodeCategory::Convolution: return QColor(0x8f, 0xb8, 0xe8);
    case NodeCategory::Activation: return QColor(0xf2, 0xa6, 0x9b);
    case NodeCategory::Normalization: return QColor(0x9e, 0xd8, 0xb2);
    case NodeCategory::Pooling: return QColor(0xb5, 0xd9, 0xe8);
    case NodeCategory::Shape: return QColor(0xd9, 0xd4, 0xc7);
    case NodeCategory::Math: return QColor(0xf5, 0xd7, 0x8e);
    case NodeCategory::Attention: return QColor(0xd2, 0xb0, 0xe8);
    case NodeCategory::Quantization: return QColor(0xe8, 0xb8, 0xd6);
    case NodeCategory::KilnFused: return QColor(0xff, 0x9f, 0x4a);
    // Saturated teal: no other category is a blue-green this strong.
    case NodeCategory::Plugin: return QColor(0x3f, 0xc1, 0xb0);
    case NodeCategory::Unsupported: return QColor(0xfa, 0xe3, 0xe3);
    case NodeCategory::Other: break;
    }
    return QColor(0xe4, 0xe4, 0xe4);
}

QString categoryName(NodeCategory c) {
    switch (c) {
    case NodeCategory::Convolution: return QCoreApplication::translate("NodeCategory", "Convolution");
    case NodeCategory::Activation: return QCoreApplication::translate("NodeCategory", "Activation");
    case NodeCategory::Normalization: return QCoreApplication::translate("NodeCategory", "Normalization");
    case NodeCategory::Pooling: return QCoreApplication::translate("NodeCategory", "Pooling");
    case NodeCategory::Shape: return QCoreApplication::translate("NodeCategory", "Shape / tensor");
    case NodeCategory::Math: return QCoreApplication::translate("NodeCategory", "Math");
    case NodeCategory::Attention: return QCoreApplication::translate("NodeCategory", "Attention");
    case NodeCategory::Quantization: return QCoreApplication::translate("NodeCategory", "Quantization");
    case NodeCategory::KilnFused: return QCoreApplication::translate("NodeCategory", "Kiln fused layer");
    case NodeCategory::Plugin: return QCoreApplication::translate("NodeCategory", "Plugin");
    case NodeCategory::Unsupported: return QCoreApplication::translate("NodeCategory", "Not implemented");
    case NodeCategory::Other: break;
    }
    return QCoreApplication::translate("NodeCategory", "Other");
}

bool hasAlertBorder(NodeCategory c) { return c == NodeCategory::Unsupported; }

QColor alertBorderColor() { return QColor(0xd3, 0x2f, 0x2f); }

}  // namespace kiln::views
