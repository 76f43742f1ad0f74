#include "image_export.h"

#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <cmath>
#include <cstdio>

#include "graph/graph_scene.h"
#include "model_document.h"

namespace kiln::studio {

namespace {
constexpr double kMaxPixels = 60e6;  // keeps huge graphs' PNGs within memory

void printError(const QString& message) {
    std::fprintf(stderr, "kiln: %s\n", qPrintable(message));
}
}  // namespace

bool renderSceneToFile(QGraphicsScene& scene, const QString& path, QString* error) {
    const QRectF source = scene.sceneRect();
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(source.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), source.size()));
        svg.setTitle(QStringLiteral("Kiln graph"));
        QPainter painter;
        if (!painter.begin(&svg)) {
            *error = QObject::tr("cannot write '%1'").arg(path);
            return false;
        }
        painter.fillRect(QRectF(QPointF(0, 0), source.size()), Qt::white);
        scene.render(&painter, QRectF(QPointF(0, 0), source.size()), source);
        return painter.end();
    }
    if (suffix != QLatin1String("png")) {
        *error = QObject::tr("unknown image format '%1' (use .png or .svg)").arg(suffix);
        return false;
    }
    double scale = 1.5;  // sharper text than 1:1
    const double pixels = source.width() * source.height() * scale * scale;
    if (pixels > kMaxPixels) scale *= std::sqrt(kMaxPixels / pixels);
    QImage image((source.size() * scale).toSize(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    scene.render(&painter, QRectF(image.rect()), source);
    painter.end();
    if (!image.save(path)) {
        *error = QObject::tr("cannot write '%1'").arg(path);
        return false;
    }
    return true;
}

int exportImageCommand(const QString& outPath, const QString& modelPath, bool collapseAll) {
    auto doc = ModelDocument::open(modelPath);
    if (!doc) {
        printError(QObject::tr("cannot open '%1': %2").arg(modelPath, QString::fromStdString(doc.status().toString())));
        return 2;
    }
    views::GraphScene scene;
    scene.setBackgroundBrush(Qt::white);
    QString error;
    // Laid out right here: nothing else to do meanwhile.
    if (const views::EngineModel* engine = (*doc)->engine()) scene.setEngine(engine, false);
    else scene.setGraph(&(*doc)->graph(), false);
    if (collapseAll) scene.setCollapsedScopes(scene.scopes().repeatedBlocks());
    if (!scene.layoutNow(&error) || !renderSceneToFile(scene, outPath, &error)) {
        printError(error);
        return 1;
    }
    return 0;
}

}  // namespace kiln::studio
