// The open document: an ONNX model, a Kiln plan (.plan) or a Kiln report (kiln-report JSON),
// plus where it came from. The studio keeps exactly one; views read its graph — the imported
// model, or the engine's network of layers.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "core/status.h"
#include "engine/engine_model.h"
#include "ir/graph.h"
#include "plan/plan.h"
#include "runtime/report_reader.h"

namespace kiln::studio {

class ModelDocument {
    Q_DECLARE_TR_FUNCTIONS(kiln::studio::ModelDocument)
public:
    enum class Kind { OnnxModel, Plan, Report };
    // Told what open() is doing now (a translated line for the status bar).
    using StageCallback = std::function<void(const QString& stage)>;
    // Told how much of the file is read (bytes so far, of total).
    using BytesCallback = std::function<void(qint64 done, qint64 total)>;
    // ONNX files up to this size get libonnx's checker during the import (it costs about a fifth
    // of it); larger ones are imported without, and the studio runs the checker after the graph
    // is shown (ModelCheckRunner), its findings going to the log.
    static constexpr qint64 kInlineCheckBytes = 1 << 20;

    // Opens a file (or a ":/models/..." resource): ONNX models are imported with shape inference
    // (ops Kiln cannot run are still shown) and, when small, the checker; plans are fully
    // checked, reports are parsed. The kind comes from the file's first bytes, else its suffix.
    // Returns Cancelled when *cancel turns true between steps. Safe to call on any thread.
    static Expected<std::unique_ptr<ModelDocument>> open(const QString& path, const std::atomic<bool>* cancel = nullptr,
                                                         const StageCallback& stage = {}, const BytesCallback& bytesRead = {});

    Kind kind() const { return m_kind; }
    // The model's graph, or the engine's network.
    const ir::Graph& graph() const;
    // Plans and reports; null for ONNX models.
    const views::EngineModel* engine() const { return m_engine.get(); }
    const plan::Plan* plan() const;
    const Report* report() const { return m_report ? &*m_report : nullptr; }

    const QString& path() const { return m_path; }
    QString displayName() const;
    bool isSample() const { return m_path.startsWith(QLatin1String(":/")); }
    double importMilliseconds() const { return m_importMs; }
    double readMilliseconds() const { return m_readMs; }
    // An ONNX model imported without libonnx's checker (see kInlineCheckBytes).
    bool checkerDeferred() const { return m_checkerDeferred; }
    // What libonnx's checker said about a model it refused only because it has ops without an ONNX
    // schema (custom ops in the default domain, which a plugin may provide); the model is shown.
    const QString& checkerProblems() const { return m_checkerProblems; }

private:
    ModelDocument() = default;
    Kind m_kind = Kind::OnnxModel;
    std::unique_ptr<ir::Graph> m_graph;
    std::optional<plan::Plan> m_plan;
    std::optional<Report> m_report;
    std::unique_ptr<views::EngineModel> m_engine;  // refers to m_plan or m_report: declared after them
    QString m_path;
    double m_importMs = 0;
    double m_readMs = 0;
    bool m_checkerDeferred = false;
    QString m_checkerProblems;
};

// The sample models embedded in the executable (resources/kiln.qrc).
QStringList sampleModelNames();
QString samplePath(const QString& name);  // ":/models/<name>.onnx"
inline const char* kDefaultSample = "resnet_mini";

}  // namespace kiln::studio
