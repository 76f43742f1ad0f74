// Op categories that colour the graph canvas and fill its legend.
#pragma once

#include <QColor>
#include <QString>
#include <string>

namespace kiln::views {

enum class NodeCategory {
    Convolution,
    Activation,
    Normalization,
    Pooling,
    Shape,       // shape / tensor manipulation (Reshape, Concat, Transpose, Gather, ...)
    Math,        // elementwise and matrix math (Add, MatMul, Gemm, ReduceMean, ...)
    Attention,   // Softmax and attention patterns
    Quantization,
    KilnFused,   // layers Kiln's passes produced (domain "kiln")
    Other,
};

inline constexpr int kNodeCategoryCount = int(NodeCategory::Other) + 1;

NodeCategory categoryOf(const std::string& opType, const std::string& domain);
QColor categoryColor(NodeCategory c);
QString categoryName(NodeCategory c);  // translated

}  // namespace kiln::views
