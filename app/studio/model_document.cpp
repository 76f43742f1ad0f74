#include "model_document.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include "onnx/importer.h"

// Resources compiled into a static library need an explicit init from outside any namespace.
static void initKilnResources() { Q_INIT_RESOURCE(kiln); }

namespace kiln::studio {

Expected<std::unique_ptr<ModelDocument>> ModelDocument::open(const QString& path) {
    initKilnResources();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ioError(QStringLiteral("cannot open '%1': %2").arg(path, file.errorString()).toStdString());
    const QByteArray bytes = file.readAll();
    QElapsedTimer timer;
    timer.start();
    onnx::ImportOptions options;
    options.requireSupportedOps = false;  // a viewer shows models Kiln cannot run yet
    // External data lives beside the file; embedded resources have none.
    const std::string baseDir = path.startsWith(QLatin1String(":/"))
                                    ? std::string()
                                    : QFile::encodeName(QFileInfo(path).absolutePath()).toStdString();
    auto graph = onnx::importModelBytes(bytes.constData(), size_t(bytes.size()), baseDir, options);
    if (!graph) return std::move(graph).takeStatus();
    auto doc = std::unique_ptr<ModelDocument>(new ModelDocument);
    doc->m_graph = std::move(graph).value();
    doc->m_path = path;
    doc->m_importMs = double(timer.nsecsElapsed()) / 1e6;
    return doc;
}

QString ModelDocument::displayName() const { return QFileInfo(m_path).fileName(); }

QStringList sampleModelNames() {
    return {QStringLiteral("resnet_mini"), QStringLiteral("encoder_mini"), QStringLiteral("lenet5")};
}

QString samplePath(const QString& name) { return QStringLiteral(":/models/%1.onnx").arg(name); }

}  // namespace kiln::studio
