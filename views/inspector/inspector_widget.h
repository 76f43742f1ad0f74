// The inspector: the selected node (name, op type, domain, attributes, inputs and outputs,
// weight statistics with a histogram), a collapsed name scope's summary, or the model's properties
// when nothing is selected.
// For an engine (setEngine) the pages are the layer's and the engine's (engine_text.h).
#pragma once

#include <QWidget>
#include <vector>

#include "inspector/weight_stats.h"
#include "ir/graph.h"

class QComboBox;
class QLabel;
class QTextBrowser;

namespace kiln::views {

class EngineModel;
class HistogramPlot;
struct ScopeSummary;

class InspectorWidget : public QWidget {
    Q_OBJECT
public:
    explicit InspectorWidget(QWidget* parent = nullptr);

    // The engine whose network the next showModel / showNode calls show; null for an ONNX model.
    void setEngine(const EngineModel* engine) { m_engine = engine; }
    void showModel(const ir::Graph* graph, const QString& fileName);
    void showNode(const ir::Node* node);
    // A collapsed name scope's box: nodes by type, parameters, FLOPs.
    void showScope(const QString& path, const ScopeSummary& summary);
    void clear();

    // Everything shown, as plain text (for tests and copying).
    QString plainText() const;
    const WeightStats& currentStats() const { return m_stats; }
    HistogramPlot* histogram() const { return m_plot; }

private:
    void showWeight(int index);
    void setWeightsVisible(bool visible);
    void listWeights(const ir::Node* node);

    QTextBrowser* m_text;
    QComboBox* m_weightPicker;
    QLabel* m_statsLabel;
    HistogramPlot* m_plot;
    const EngineModel* m_engine = nullptr;
    std::vector<const ir::Value*> m_weights;
    WeightStats m_stats;
};

}  // namespace kiln::views
