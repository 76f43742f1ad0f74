// Short text forms of IR things for the graph canvas, outline and inspector.
#pragma once

#include <QString>

#include "ir/graph.h"

namespace kiln::views {

// "1×64×56×56", "batch×3×224×224", "?" for an unknown rank, "scalar" for rank 0.
QString shapeText(const Shape& shape);
// "f32", "i64", "f16" ... (compact, for edge labels).
QString shortTypeName(DataType t);
// "1×64×56×56 f32": an edge label.
QString valueLabel(const ir::Value& v);
// The conventional name of a node's i-th input ("W" for Conv's weight, "B" for its bias);
// falls back to "in<i>" where the op has no usual names.
QString inputSlotName(const ir::Node& node, int index);
// "Conv" or "kiln.FusedConv" (domain-qualified outside the ONNX domain, as reports write it).
QString qualifiedOpType(const ir::Node& node);
inline QString qs(const std::string& s) { return QString::fromStdString(s); }

}  // namespace kiln::views
