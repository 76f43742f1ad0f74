#include "graph/labels.h"

#include <QHash>
#include <QStringList>

namespace kiln::views {

QString shapeText(const Shape& shape) {
    if (!shape.rankKnown()) return QStringLiteral("?");
    if (shape.rank() == 0) return QStringLiteral("scalar");
    QStringList parts;
    for (const Dim& d : shape.dims()) parts << qs(d.toString());
    return parts.join(QChar(0x00D7));
}

QString shortTypeName(DataType t) {
    switch (t) {
    case DataType::Float32: return QStringLiteral("f32");
    case DataType::Float16: return QStringLiteral("f16");
    case DataType::BFloat16: return QStringLiteral("bf16");
    case DataType::Float64: return QStringLiteral("f64");
    case DataType::Int8: return QStringLiteral("i8");
    case DataType::Int16: return QStringLiteral("i16");
    case DataType::Int32: return QStringLiteral("i32");
    case DataType::Int64: return QStringLiteral("i64");
    case DataType::UInt8: return QStringLiteral("u8");
    case DataType::UInt16: return QStringLiteral("u16");
    case DataType::UInt32: return QStringLiteral("u32");
    case DataType::UInt64: return QStringLiteral("u64");
    case DataType::Bool: return QStringLiteral("bool");
    case DataType::Undefined: break;
    }
    return QStringLiteral("?");
}

QString valueLabel(const ir::Value& v) {
    return shapeText(v.shape()) + QLatin1Char(' ') + shortTypeName(v.dtype());
}

QString inputSlotName(const ir::Node& node, int index) {
    // Operand names as the ONNX operator docs give them, for the ops with weights.
    static const QHash<QString, QStringList> names = {
        {"Conv", {"X", "W", "B"}},
        {"ConvTranspose", {"X", "W", "B"}},
        {"FusedConv", {"X", "W", "B"}},
        {"FusedConvTranspose", {"X", "W", "B"}},
        {"Gemm", {"A", "B", "C"}},
        {"FusedGemm", {"A", "B", "C"}},
        {"MatMul", {"A", "B"}},
        {"BatchNormalization", {"X", "scale", "B", "mean", "var"}},
        {"InstanceNormalization", {"X", "scale", "B"}},
        {"LayerNormalization", {"X", "scale", "B"}},
        {"Add", {"A", "B"}}, {"Sub", {"A", "B"}}, {"Mul", {"A", "B"}}, {"Div", {"A", "B"}},
        {"Pow", {"X", "Y"}},
        {"Reshape", {"data", "shape"}},
        {"Gather", {"data", "indices"}},
        {"GatherElements", {"data", "indices"}},
        {"Slice", {"data", "starts", "ends", "axes", "steps"}},
        {"Unsqueeze", {"data", "axes"}},
        {"Squeeze", {"data", "axes"}},
        {"Expand", {"input", "shape"}},
        {"Tile", {"input", "repeats"}},
        {"Pad", {"data", "pads", "value", "axes"}},
        {"Range", {"start", "limit", "delta"}},
        {"Where", {"condition", "X", "Y"}},
        {"Clip", {"input", "min", "max"}},
        {"Resize", {"X", "roi", "scales", "sizes"}},
        {"ReduceMean", {"data", "axes"}}, {"ReduceSum", {"data", "axes"}},
        {"Equal", {"A", "B"}}, {"Less", {"A", "B"}}, {"Greater", {"A", "B"}},
        {"GreaterOrEqual", {"A", "B"}}, {"LessOrEqual", {"A", "B"}}, {"And", {"A", "B"}}, {"Or", {"A", "B"}},
        {"ConstantOfShape", {"input"}},
        {"PRelu", {"X", "slope"}},
        {"QuantizeLinear", {"x", "scale", "zero"}},
        {"DequantizeLinear", {"x", "scale", "zero"}},
    };
    const QStringList list = names.value(qs(node.opType()));
    if (index < list.size()) return list[index];
    return QStringLiteral("in%1").arg(index);
}

QString qualifiedOpType(const ir::Node& node) {
    if (node.domain().empty() || node.domain() == "ai.onnx") return qs(node.opType());
    return qs(node.domain()) + QLatin1Char('.') + qs(node.opType());
}

}  // namespace kiln::views
