#include "inspector/inspector_widget.h"

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "engine/engine_model.h"
#include "graph/canvas_structure.h"
#include "graph/labels.h"
#include "graph/scope_summary.h"
#include "inspector/engine_text.h"
#include "inspector/histogram_plot.h"
#include "inspector/html.h"
#include "inspector/plugin_text.h"
#include "ir/stats.h"

namespace kiln::views {

using html::esc;
using html::row;
using html::section;
using html::table;

InspectorWidget::InspectorWidget(QWidget* parent)
    : QWidget(parent), m_text(new QTextBrowser(this)), m_weightPicker(new QComboBox(this)),
      m_statsLabel(new QLabel(this)), m_plot(new HistogramPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_weightPicker);
    layout->addWidget(m_statsLabel);
    layout->addWidget(m_plot, 2);
    m_statsLabel->setWordWrap(true);
    m_statsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_weightPicker, &QComboBox::currentIndexChanged, this, &InspectorWidget::showWeight);
    clear();
}

void InspectorWidget::setWeightsVisible(bool visible) {
    m_weightPicker->setVisible(visible);
    m_statsLabel->setVisible(visible);
    m_plot->setVisible(visible);
}

void InspectorWidget::clear() {
    m_text->setHtml(QStringLiteral("<p>%1</p>").arg(esc(tr("No model open."))));
    m_weights.clear();
    m_stats = {};
    setWeightsVisible(false);
}

void InspectorWidget::showModel(const ir::Graph* graph, const QString& fileName) {
    if (!graph) return clear();
    if (m_engine && graph == &m_engine->network()) {
        m_text->setHtml(EngineText::model(*m_engine, fileName));
        m_weights.clear();
        m_stats = {};
        setWeightsVisible(false);
        return;
    }
    const ir::ModelInfo& info = graph->info();
    const ir::GraphStats stats = ir::computeStats(*graph);
    const QLocale loc;
    QString rows = row(tr("File"), fileName);
    rows += row(tr("Producer"), qs(info.producerName + " " + info.producerVersion).trimmed());
    rows += row(tr("IR version"), QString::number(info.irVersion));
    QStringList opsets;
    for (const auto& [domain, version] : info.opsets)
        opsets << QStringLiteral("%1 %2").arg(domain.empty() ? QStringLiteral("ai.onnx") : qs(domain)).arg(version);
    rows += row(tr("Opsets"), opsets.join(QStringLiteral(", ")));
    if (!info.graphName.empty()) rows += row(tr("Graph"), qs(info.graphName));
    if (info.modelVersion) rows += row(tr("Model version"), QString::number(info.modelVersion));
    if (!info.docString.empty()) rows += row(tr("Description"), qs(info.docString));
    rows += row(tr("Nodes"), loc.toString(stats.nodes));
    rows += row(tr("Parameters"), tr("%1 (%2 bytes in %3 tensors)")
                                      .arg(loc.toString(qlonglong(stats.parameters)), loc.toString(qlonglong(stats.parameterBytes)))
                                      .arg(stats.constants));
    QString meta;
    for (const auto& [k, v] : info.metadata) meta += row(qs(k), qs(v));
    QString ops;
    for (const auto& [op, count] : stats.opCounts) ops += row(qs(op), QString::number(count));
    QString html = section(tr("Model properties")) + table(rows) + PluginText::modelSection(*graph);
    if (!meta.isEmpty()) html += section(tr("Metadata")) + table(meta);
    html += section(tr("Operators")) + table(ops);
    m_text->setHtml(html);
    m_weights.clear();
    m_stats = {};
    setWeightsVisible(false);
}

void InspectorWidget::showNode(const ir::Node* node) {
    if (!node) return clear();
    if (m_engine && m_engine->layerIndex(node) >= 0) {
        m_text->setHtml(EngineText::layer(*m_engine, *node));
        listWeights(node);
        return;
    }
    QString rows = row(tr("Name"), qs(node->name()));
    rows += row(tr("Op type"), qs(node->opType()));
    rows += row(tr("Domain"), node->domain().empty() ? QStringLiteral("ai.onnx") : qs(node->domain()));
    if (node->opsetVersion()) rows += row(tr("Opset"), QString::number(node->opsetVersion()));
    if (node->origins().size() > 1) rows += row(tr("Fused from"), qs(node->origins().front()) + QStringLiteral(" + …"));
    QString attrs;
    for (const auto& [name, attr] : node->attributes())
        attrs += row(qs(name), qs(attr.toString()) + QStringLiteral("  (") + QLatin1String(ir::attributeKindName(attr.kind())) + QLatin1Char(')'));
    auto valueRows = [](const std::vector<ir::Value*>& values, auto slotName) {
        QString out;
        for (size_t i = 0; i < values.size(); ++i) {
            const ir::Value* v = values[i];
            if (!v) continue;
            QString text = qs(v->name()) + QStringLiteral("  ") + shapeText(v->shape()) + QLatin1Char(' ') + qs(dataTypeName(v->dtype()));
            if (isWeight(v)) text += QStringLiteral("  ") + tr("[weight]");
            out += row(slotName(int(i)), text);
        }
        return out;
    };
    QString html = section(tr("Node")) + table(rows) + PluginText::nodeSection(*node);
    if (!attrs.isEmpty()) html += section(tr("Attributes")) + table(attrs);
    html += section(tr("Inputs")) + table(valueRows(node->inputs(), [node](int i) { return inputSlotName(*node, i); }));
    html += section(tr("Outputs")) + table(valueRows(node->outputs(), [](int i) { return QStringLiteral("out%1").arg(i); }));
    if (!node->docString().empty()) html += section(tr("Description")) + QStringLiteral("<p>%1</p>").arg(esc(qs(node->docString())));
    m_text->setHtml(html);
    listWeights(node);
}

void InspectorWidget::showScope(const QString& path, const ScopeSummary& summary) {
    const QLocale loc;
    QString rows = row(tr("Name scope"), path);
    rows += row(tr("Nodes"), summary.constants > 0 ? tr("%1 (%2 of them Constant or Identity nodes, drawn as weights)")
                                                          .arg(loc.toString(summary.nodes), loc.toString(summary.constants))
                                                    : loc.toString(summary.nodes));
    if (!summary.dominantOp.isEmpty()) rows += row(tr("Dominant op"), summary.dominantOp);
    rows += row(tr("Parameters"), tr("%1 (%2 in %3 tensors)")
                                      .arg(loc.toString(summary.parameters), loc.formattedDataSize(summary.parameterBytes))
                                      .arg(summary.weightTensors));
    if (summary.flops > 0 || summary.flopsUnknown == 0) {
        QString flops = tr("%1 (%2)").arg(shortCount(summary.flops), loc.toString(summary.flops, 'f', 0));
        if (summary.flopsUnknown > 0) flops += QLatin1Char(' ') + tr("+ nodes of unknown shape: %1").arg(summary.flopsUnknown);
        rows += row(tr("FLOPs"), flops);
    } else {
        rows += row(tr("FLOPs"), tr("unknown (shapes not inferred)"));
    }
    QString ops;
    for (const auto& [op, count] : summary.opCounts) ops += row(op, loc.toString(count));
    QString html = section(tr("Collapsed name scope")) + table(rows) + section(tr("Nodes by type")) + table(ops);
    html += QStringLiteral("<p><i>%1</i></p>").arg(esc(tr("FLOPs count a multiply-add as 2, with symbolic dimensions (batch, sequence) "
                                                        "as 1. Double-click the box to expand it.")));
    m_text->setHtml(html);
    m_weights.clear();
    m_stats = {};
    setWeightsVisible(false);
}

void InspectorWidget::listWeights(const ir::Node* node) {
    m_weights.clear();
    const QSignalBlocker blocker(m_weightPicker);
    m_weightPicker->clear();
    for (int i = 0; i < node->numInputs(); ++i) {
        const ir::Value* v = node->input(i);
        // Weights read back from a report have a shape but no data; a Constant node's tensor is a weight too.
        if (!weightData(v)) continue;
        m_weights.push_back(v);
        m_weightPicker->addItem(QStringLiteral("%1: %2 \u27E8%3\u27E9").arg(inputSlotName(*node, i), qs(v->name()), shapeText(v->shape())));
    }
    setWeightsVisible(!m_weights.empty());
    m_stats = {};
    if (!m_weights.empty()) showWeight(0);
}

void InspectorWidget::showWeight(int index) {
    if (index < 0 || size_t(index) >= m_weights.size()) return;
    m_stats = computeWeightStats(*weightData(m_weights[size_t(index)]));
    const QLocale loc;
    m_statsLabel->setText(tr("min %1 · max %2 · mean %3 · std %4 · zeros %5% · %6 values")
                              .arg(m_stats.min, 0, 'g', 4).arg(m_stats.max, 0, 'g', 4)
                              .arg(m_stats.mean, 0, 'g', 4).arg(m_stats.std, 0, 'g', 4)
                              .arg(m_stats.zeroShare * 100, 0, 'f', 1).arg(loc.toString(qlonglong(m_stats.count))));
    m_plot->setStats(m_stats);
}

QString InspectorWidget::plainText() const {
    QString text = m_text->toPlainText();
    if (!m_weights.empty()) text += QLatin1Char('\n') + m_weightPicker->currentText() + QLatin1Char('\n') + m_statsLabel->text();
    return text;
}

}  // namespace kiln::views
