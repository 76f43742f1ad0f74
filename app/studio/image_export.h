// Renders the graph canvas to a PNG (QImage) or SVG (QSvgGenerator) file, with no window.
#pragma once

#include <QString>

class QGraphicsScene;

namespace kiln::studio {

// Writes the whole scene to `path`; the format follows the suffix (.png or .svg).
bool renderSceneToFile(QGraphicsScene& scene, const QString& path, QString* error);

// `kiln --export-image OUT [--collapse-all] FILE`: opens the model, plan or report, lays out on
// this thread (the repeated blocks collapsed when asked), renders. Returns the process exit code;
// messages go to stderr.
int exportImageCommand(const QString& outPath, const QString& modelPath, bool collapseAll = false);

}  // namespace kiln::studio
