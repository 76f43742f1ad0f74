#include "engine/engine_model.h"

#include <QStringList>
#include <algorithm>

#include "graph/labels.h"

namespace kiln::views {

EngineModel::EngineModel(const plan::Plan& plan, const Report* report) : m_plan(plan), m_report(report) {
    const auto& nodes = plan.network->nodes();
    // Layer records are parallel to the network's nodes (plan.h).
    for (size_t i = 0; i < nodes.size() && i < plan.layers.size(); ++i) m_index.insert(nodes[i].get(), int(i));
    for (const plan::BufferRecord& b : plan.memory.buffers) m_buffers.emplace(b.tensor, &b);
    if (report) {
        for (const LayerProfile& p : report->layerProfiles) m_maxShare = std::max(m_maxShare, p.percentage);
        m_weightsBytes = report->weightsBytes;
    } else {
        for (const ir::Value* v : plan.network->values())
            if (v->constant()) m_weightsBytes += int64_t(v->constant()->byteSize());
    }
}

const plan::LayerRecord* EngineModel::record(const ir::Node* node) const {
    const int i = layerIndex(node);
    return i < 0 ? nullptr : &m_plan.layers[size_t(i)];
}

const LayerProfile* EngineModel::profile(const ir::Node* node) const {
    const int i = layerIndex(node);
    if (i < 0 || !m_report || size_t(i) >= m_report->layerProfiles.size()) return nullptr;
    return &m_report->layerProfiles[size_t(i)];
}

const plan::BufferRecord* EngineModel::buffer(const std::string& tensor) const {
    auto it = m_buffers.find(tensor);
    return it == m_buffers.end() ? nullptr : it->second;
}

QString originsText(const ir::Node& node) {
    QStringList names;
    for (const std::string& o : node.origins()) names << qs(o);
    return names.join(QStringLiteral(" + "));
}

QColor heatColor(double fraction) {
    // Linear in HSV from pale yellow (cool) to dark red (hot), like TREx's heat maps.
    const double f = std::clamp(fraction, 0.0, 1.0);
    return QColor::fromHsvF(float(0.15 * (1.0 - f)), float(0.25 + 0.75 * f), float(1.0 - 0.35 * f));
}

}  // namespace kiln::views
