// Op categories that colour the graph canvas and fill its legend.
#pragma once

#include <QColor>
#include <QString>
#include <string>

namespace kiln::ir {
class Node;
}

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
    Plugin,      // a loaded plugin provides the op, or the layer was built as a plugin layer
    Unsupported, // neither Kiln nor a loaded plugin implements the op (drawn with a dashed red border)
    Other,
};

inline constexpr int kNodeCategoryCount = int(NodeCategory::Other) + 1;

// By op type and domain alone (op statistics, scope summaries).
NodeCategory categoryOf(const std::string& opType, const std::string& domain);
// A node's category, which also asks the plugin registry: Plugin for a node a loaded plugin
// provides or an engine layer built as a plugin layer; Unsupported for an ONNX node whose op
// neither Kiln nor a loaded plugin implements (engine layers were built, so never). Changes as
// plugins load.
NodeCategory categoryOfNode(const ir::Node& node, bool engineLayer);
QColor categoryColor(NodeCategory c);
QString categoryName(NodeCategory c);  // translated
// The border of a box, or of a legend swatch, of this category: dashed red for Unsupported.
bool hasAlertBorder(NodeCategory c);
QColor alertBorderColor();

}  // namespace kiln::views
