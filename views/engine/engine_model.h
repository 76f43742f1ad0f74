// Read-only lookups into an engine — a .plan, or a kiln-report read back — for the graph canvas,
// outline and inspector: a layer's builder record and run profile, the memory plan's buffer of a
// tensor. It refers to the document's data and never changes it.
#pragma once

#include <QColor>
#include <QHash>
#include <QString>
#include <string>
#include <unordered_map>

#include "plan/plan.h"
#include "runtime/report_reader.h"

namespace kiln::views {

class EngineModel {
public:
    // `report` is the report `plan` belongs to, or null for a .plan file.
    explicit EngineModel(const plan::Plan& plan, const Report* report = nullptr);

    const plan::Plan& plan() const { return m_plan; }
    const ir::Graph& network() const { return *m_plan.network; }
    const Report* report() const { return m_report; }
    // Report networks hold attributes as the report's text and weights without data.
    bool isReport() const { return m_report != nullptr; }

    int numLayers() const { return int(m_plan.layers.size()); }
    int layerIndex(const ir::Node* node) const { return m_index.value(node, -1); }
    const plan::LayerRecord* record(const ir::Node* node) const;
    // The run's profile of the layer; null without a run.
    const LayerProfile* profile(const ir::Node* node) const;
    bool hasLayerTimes() const { return m_report && !m_report->layerProfiles.empty(); }
    double maxShare() const { return m_maxShare; }  // the largest layer percentage, 0..100
    // The memory plan's entry for an activation tensor; null for weights and unplanned tensors.
    const plan::BufferRecord* buffer(const std::string& tensor) const;
    int64_t weightsBytes() const { return m_weightsBytes; }

private:
    const plan::Plan& m_plan;
    const Report* m_report;
    QHash<const ir::Node*, int> m_index;
    std::unordered_map<std::string, const plan::BufferRecord*> m_buffers;
    double m_maxShare = 0;
    int64_t m_weightsBytes = 0;
};

// "conv1 + bn1 + relu1": the ONNX nodes a layer came from.
QString originsText(const ir::Node& node);
// The heat colour of a share of time: 0 pale yellow .. 1 dark red.
QColor heatColor(double fraction);

}  // namespace kiln::views
