#include "model_document.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <string_view>

#include "onnx/importer.h"
#include "plan/plan_format.h"

// Resources compiled into a static library need an explicit init from outside any namespace.
static void initKilnResources() { Q_INIT_RESOURCE(kiln); }

namespace kiln::studio {

namespace {

ModelDocument::Kind detectKind(const QString& path, const QByteArray& bytes) {
    // The content decides where it is clear; the suffix routes damaged files to the reader that
    // explains best what is wrong with them.
    if (bytes.startsWith(QByteArray(plan::kMagic, sizeof plan::kMagic))) return ModelDocument::Kind::Plan;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("plan") || suffix == QLatin1String("engine")) return ModelDocument::Kind::Plan;
    if (bytes.trimmed().startsWith('{') || suffix == QLatin1String("json")) return ModelDocument::Kind::Report;
    return ModelDocument::Kind::OnnxModel;
}

Expected<std::unique_ptr<ir::Graph>> importOnnx(const QString& path, const QByteArray& bytes, bool runChecker) {
    onnx::ImportOptions options;
    options.requireSupportedOps = false;  // a viewer shows models Kiln cannot run yet
    options.runChecker = runChecker;
    // External data lives beside the file; embedded resources have none.
    const std::string baseDir = path.startsWith(QLatin1String(":/"))
                                    ? std::string()
                                    : QFile::encodeName(QFileInfo(path).absolutePath()).toStdString();
    return onnx::importModelBytes(bytes.constData(), size_t(bytes.size()), baseDir, options);
}

}  // namespace

Expected<std::unique_ptr<ModelDocument>> ModelDocument::open(const QString& path, const std::atomic<bool>* cancel,
                                                             const StageCallback& stage, const BytesCallback& bytesRead) {
    initKilnResources();
    auto cancelled = [cancel] { return cancel && cancel->load(); };
    auto report = [&stage](const QString& line) {
        if (stage) stage(line);
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ioError(QStringLiteral("cannot open '%1': %2").arg(path, file.errorString()).toStdString());
    report(tr("Reading %1 (%2)").arg(QFileInfo(path).fileName(), QLocale().formattedDataSize(file.size())));
    QElapsedTimer timer;
    timer.start();
    // In pieces, for the progress bar and to stop early.
    const qint64 total = file.size();
    QByteArray bytes;
    bytes.reserve(total);
    constexpr qint64 kChunk = 4 << 20;
    while (!file.atEnd()) {
        const QByteArray piece = file.read(kChunk);
        if (piece.isEmpty()) break;
        bytes += piece;
        if (cancelled()) return Status(StatusCode::Cancelled, "cancelled");
        if (bytesRead) bytesRead(bytes.size(), total);
    }
    if (file.error() != QFileDevice::NoError)
        return ioError(QStringLiteral("cannot read '%1': %2").arg(path, file.errorString()).toStdString());
    const double readMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    auto doc = std::unique_ptr<ModelDocument>(new ModelDocument);
    doc->m_kind = detectKind(path, bytes);
    doc->m_path = path;
    doc->m_readMs = readMs;
    switch (doc->m_kind) {
    case Kind::OnnxModel: {
        doc->m_checkerDeferred = bytes.size() > kInlineCheckBytes;
        report(doc->m_checkerDeferred ? tr("Importing the ONNX model and inferring shapes")
                                      : tr("Checking the ONNX model and inferring shapes"));
        auto graph = importOnnx(path, bytes, !doc->m_checkerDeferred);
        if (!graph) return std::move(graph).takeStatus();
        doc->m_graph = std::move(graph).value();
        break;
    }
    case Kind::Plan: {
        report(tr("Checking the plan (checksums, bounds, references)"));
        auto p = plan::deserializePlan(bytes.constData(), size_t(bytes.size()));
        if (!p) return std::move(p).takeStatus();
        doc->m_plan = std::move(p).value();
        doc->m_engine = std::make_unique<views::EngineModel>(*doc->m_plan);
        break;
    }
    case Kind::Report: {
        report(tr("Reading the report"));
        auto r = parseReport(std::string_view(bytes.constData(), size_t(bytes.size())));
        if (!r) return std::move(r).takeStatus();
        doc->m_report = std::move(r).value();
        doc->m_engine = std::make_unique<views::EngineModel>(doc->m_report->plan, &*doc->m_report);
        break;
    }
    }
    if (cancelled()) return Status(StatusCode::Cancelled, "cancelled");
    doc->m_importMs = double(timer.nsecsElapsed()) / 1e6;
    return doc;
}

const ir::Graph& ModelDocument::graph() const { return m_engine ? m_engine->network() : *m_graph; }

const plan::Plan* ModelDocument::plan() const {
    if (m_plan) return &*m_plan;
    return m_report ? &m_report->plan : nullptr;
}

QString ModelDocument::displayName() const { return QFileInfo(m_path).fileName(); }

QStringList sampleModelNames() {
    return {QStringLiteral("resnet_mini"), QStringLiteral("encoder_mini"), QStringLiteral("lenet5")};
}

QString samplePath(const QString& name) { return QStringLiteral(":/models/%1.onnx").arg(name); }

}  // namespace kiln::studio
