// The open model: the imported graph plus where it came from. The studio keeps exactly one;
// views read its graph.
#pragma once

#include <QString>
#include <QStringList>
#include <memory>

#include "core/status.h"
#include "ir/graph.h"

namespace kiln::studio {

class ModelDocument {
public:
    // Imports a file (or a ":/models/..." resource). Ops Kiln cannot run are still shown.
    static Expected<std::unique_ptr<ModelDocument>> open(const QString& path);

    const ir::Graph& graph() const { return *m_graph; }
    const QString& path() const { return m_path; }
    QString displayName() const;
    bool isSample() const { return m_path.startsWith(QLatin1String(":/")); }
    double importMilliseconds() const { return m_importMs; }

private:
    std::unique_ptr<ir::Graph> m_graph;
    QString m_path;
    double m_importMs = 0;
};

// The sample models embedded in the executable (resources/kiln.qrc).
QStringList sampleModelNames();
QString samplePath(const QString& name);  // ":/models/<name>.onnx"
inline const char* kDefaultSample = "resnet_mini";

}  // namespace kiln::studio
