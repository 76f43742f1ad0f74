#include "inspector/engine_text.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>
#include <algorithm>
#include <map>
#include <numeric>

#include "engine/engine_model.h"
#include "graph/labels.h"
#include "inspector/html.h"
#include "inspector/plugin_text.h"

namespace kiln::views {

using html::esc;
using html::rawRow;
using html::row;
using html::section;
using html::table;

namespace {

QString millis(double ms) { return QString::number(ms, 'f', ms < 0.1 ? 3 : ms < 10 ? 2 : 1); }
QString bytes(int64_t n) { return QLocale().formattedDataSize(n); }
QString dimsText(const std::vector<int64_t>& dims) {
    QStringList parts;
    for (int64_t d : dims) parts << QString::number(d);
    return dims.empty() ? QStringLiteral("scalar") : parts.join(QChar(0x00D7));
}
QString swatch(double fraction) {
    return QStringLiteral("<span style='color:%1'>\u25A0</span> ").arg(heatColor(fraction).name());
}
// Fused layers are named after all their origins; a list keeps both ends of the name.
QString shortName(const QString& name) {
    constexpr int kMax = 40;
    return name.size() <= kMax ? name : name.left(kMax / 2 - 1) + QChar(0x2026) + name.right(kMax / 2 - 1);
}
double percentile(const SampleStats& s, double percent) {
    for (const auto& [p, v] : s.percentiles)
        if (p == percent) return v;
    return -1;
}

}  // namespace

QString EngineText::model(const EngineModel& engine, const QString& fileName) {
    // A report is opened for its run: latency and the hot layers come first.
    QString html = overview(engine, fileName) + PluginText::engineSection(engine);
    if (engine.report() && engine.report()->run) html += run(engine);
    if (engine.hasLayerTimes()) html += slowestLayers(engine);
    return html + passport(engine) + profiles(engine) + layerTypes(engine);
}

QString EngineText::overview(const EngineModel& engine, const QString& fileName) {
    const Report* report = engine.report();
    const plan::MemoryPlan& mem = engine.plan().memory;
    const QLocale loc;
    QString rows = row(tr("File"), fileName);
    rows += row(tr("Kind"), report ? tr("Kiln report") : tr("Kiln plan"));
    if (report) {
        if (!report->generator.empty()) rows += row(tr("Generator"), qs(report->generator));
        if (!report->created.empty()) rows += row(tr("Report created"), qs(report->created));
        if (!report->source.empty()) rows += row(tr("Source"), qs(report->source));
    }
    rows += row(tr("Layers"), loc.toString(engine.numLayers()));
    rows += row(tr("Weights"), report ? tr("%1 (not stored in reports)").arg(bytes(engine.weightsBytes())) : bytes(engine.weightsBytes()));
    const double saved = mem.noReuseBytes > 0 ? 100.0 * double(mem.noReuseBytes - mem.arenaBytes) / double(mem.noReuseBytes) : 0.0;
    rows += row(tr("Activation arena"), tr("%1 (without reuse %2: %3% saved)")
                                            .arg(bytes(mem.arenaBytes), bytes(mem.noReuseBytes))
                                            .arg(saved, 0, 'f', 1));
    rows += row(tr("Planned tensors"), tr("%1, aligned to %2 bytes").arg(loc.toString(qlonglong(mem.buffers.size()))).arg(mem.alignment));
    if (report && report->buildTimings)
        rows += row(tr("Build time"), tr("%1 ms (tactics %2 ms)").arg(millis(report->buildTimings->totalMs), millis(report->buildTimings->tacticsMs)));
    return section(tr("Engine")) + table(rows);
}

QString EngineText::passport(const EngineModel& engine) {
    const plan::Passport& p = engine.plan().passport;
    const bool cuda = p.backend == "cuda";
    QString rows = row(tr("Kiln version"), qs(p.kilnVersion));
    rows += row(tr("Backend"), qs(p.backend));
    rows += row(tr("Device"), qs(p.deviceName));
    if (cuda) {
        rows += row(tr("Compute capability"), QStringLiteral("%1.%2").arg(p.computeCapabilityMajor).arg(p.computeCapabilityMinor));
        rows += row(tr("Multiprocessors"), QString::number(p.multiprocessorCount));
    } else if (p.multiprocessorCount > 0) {
        rows += row(tr("CPU cores"), QString::number(p.multiprocessorCount));
    }
    if (!p.cudaVersion.empty()) rows += row(tr("CUDA"), qs(p.cudaVersion));
    if (!p.cudnnVersion.empty()) rows += row(tr("cuDNN"), qs(p.cudnnVersion));
    if (!p.cublasVersion.empty()) rows += row(tr("cuBLAS"), qs(p.cublasVersion));
    rows += row(tr("Build options"), qs(p.buildOptions));
    if (!p.sourceModelName.empty()) rows += row(tr("Source model"), qs(p.sourceModelName));
    rows += row(tr("Source SHA-256"), p.sourceModelSha256.empty() ? tr("none (built with the C++ API)") : qs(p.sourceModelSha256));
    if (p.createdUnixSeconds > 0)
        rows += row(tr("Built"), QDateTime::fromSecsSinceEpoch(p.createdUnixSeconds).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    return section(tr("Passport")) + table(rows);
}

QString EngineText::profiles(const EngineModel& engine) {
    const auto& profiles = engine.plan().profiles;
    if (profiles.empty()) return {};
    QString rows;
    for (size_t k = 0; k < profiles.size(); ++k)
        for (const auto& [name, range] : profiles[k].inputs)
            rows += row(tr("%1 · profile %2").arg(qs(name)).arg(k),
                        tr("min %1 · opt %2 · max %3").arg(dimsText(range.min), dimsText(range.opt), dimsText(range.max)));
    return section(tr("Optimization profiles")) + table(rows);
}

QString EngineText::run(const EngineModel& engine) {
    const ReportRun& r = *engine.report()->run;
    auto stats = [](const SampleStats& s) {
        return tr("min %1 · median %2 · mean %3 · max %4 ms").arg(millis(s.min), millis(s.median), millis(s.mean), millis(s.max));
    };
    auto tails = [](const SampleStats& s) {
        QStringList parts;
        for (const auto& [p, v] : s.percentiles) parts << QStringLiteral("p%1 %2").arg(p).arg(millis(v));
        return tr("%1 ms").arg(parts.join(QStringLiteral(" · ")));
    };
    QString rows = row(tr("Device"), qs(r.device));
    rows += row(tr("Iterations"), QLocale().toString(qlonglong(r.iterations)));
    rows += row(tr("Throughput"), tr("%1 inferences/s").arg(r.throughputQps, 0, 'f', 1));
    const double p99 = percentile(r.latency, 99);
    rows += rawRow(tr("Latency"), QStringLiteral("<b>%1</b>").arg(esc(
                                      tr("median %1 ms · p99 %2 ms").arg(millis(r.latency.median), p99 >= 0 ? millis(p99) : QStringLiteral("–")))));
    rows += row(QString(), stats(r.latency));
    if (!r.latency.percentiles.empty()) rows += row(QString(), tails(r.latency));
    rows += row(tr("Compute"), stats(r.compute));
    if (r.h2d.total > 0 || r.d2h.total > 0)
        rows += row(tr("Copies"), tr("H2D median %1 ms · D2H median %2 ms").arg(millis(r.h2d.median), millis(r.d2h.median)));
    QStringList shapes;
    for (const auto& [name, dims] : r.inputShapes) shapes << QStringLiteral("%1 %2").arg(qs(name), dimsText(dims));
    if (!shapes.isEmpty()) rows += row(tr("Input shapes"), shapes.join(QStringLiteral(", ")));
    rows += row(tr("Wall time"), tr("%1 s").arg(r.walltimeSeconds, 0, 'f', 2));
    return section(tr("Inference run")) + table(rows);
}

QString EngineText::slowestLayers(const EngineModel& engine) {
    const auto& profiles = engine.report()->layerProfiles;
    std::vector<size_t> order(profiles.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return profiles[a].percentage > profiles[b].percentage; });
    QString rows;
    const auto& nodes = engine.network().nodes();
    for (size_t i = 0; i < order.size() && i < 8; ++i) {
        const LayerProfile& p = profiles[order[i]];
        const double heat = engine.maxShare() > 0 ? p.percentage / engine.maxShare() : 0;
        const QString type = order[i] < nodes.size() ? qualifiedOpType(*nodes[order[i]]) : QString();
        // Time first (never wrapped), then the layer's name and type.
        rows += QStringLiteral("<tr><td nowrap style='padding-right:10px'>%1</td><td>%2 %3</td></tr>")
                    .arg(swatch(heat) + esc(tr("%1 ms · %2%").arg(millis(p.averageMs)).arg(p.percentage, 0, 'f', 1)),
                         esc(shortName(qs(p.name))), html::grey(type));
    }
    return section(tr("Slowest layers")) + table(rows);
}

QString EngineText::layerTypes(const EngineModel& engine) {
    std::map<QString, std::pair<int, double>> types;  // type -> (count, share of the run)
    std::map<QString, int> precisions;
    for (const auto& n : engine.network().nodes()) {
        auto& t = types[qualifiedOpType(*n)];
        t.first += 1;
        if (const LayerProfile* p = engine.profile(n.get())) t.second += p->percentage;
        if (const plan::LayerRecord* rec = engine.record(n.get())) precisions[qs(rec->precision)] += 1;
    }
    QStringList prec;
    for (const auto& [name, count] : precisions) prec << QStringLiteral("%1 \u00D7%2").arg(name).arg(count);
    QString rows = row(tr("Precisions"), prec.join(QStringLiteral(", ")));
    for (const auto& [type, t] : types)
        rows += row(type, engine.hasLayerTimes() ? tr("%1 · %2% of the time").arg(t.first).arg(t.second, 0, 'f', 1) : QString::number(t.first));
    return section(tr("Layer types")) + table(rows);
}

QString EngineText::layer(const EngineModel& engine, const ir::Node& node) {
    QString html = layerSummary(engine, node) + PluginText::layerSection(engine, node);
    const auto& origins = node.origins();
    QString rows;
    for (size_t i = 0; i < origins.size(); ++i) rows += row(QString::number(i + 1), qs(origins[i]));
    html += section(origins.size() > 1 ? tr("Fused from %n ONNX nodes", nullptr, int(origins.size())) : tr("Origin")) + table(rows);
    html += candidates(engine, node);
    QString attrs;
    for (const auto& [name, attr] : node.attributes()) {
        if (PluginText::isInternalAttribute(name)) continue;  // in the plugin section, not as a raw tensor
        // Report attributes are the writer's text already; plan attributes are typed.
        const bool text = engine.isReport() && attr.is<std::string>();
        attrs += row(qs(name), text ? qs(attr.get<std::string>())
                                    : qs(attr.toString()) + QStringLiteral("  (") + QLatin1String(ir::attributeKindName(attr.kind())) + QLatin1Char(')'));
    }
    if (!attrs.isEmpty()) html += section(tr("Attributes")) + table(attrs);
    html += section(tr("Inputs")) + table(tensors(engine, node, true));
    html += section(tr("Outputs")) + table(tensors(engine, node, false));
    return html;
}

QString EngineText::layerSummary(const EngineModel& engine, const ir::Node& node) {
    QString rows = row(tr("Name"), qs(node.name()));
    rows += row(tr("Type"), qualifiedOpType(node));
    const int index = engine.layerIndex(&node);
    if (index >= 0) rows += row(tr("Layer"), tr("%1 of %2").arg(index + 1).arg(engine.numLayers()));
    if (const plan::LayerRecord* rec = engine.record(&node)) {
        rows += row(tr("Precision"), qs(rec->precision));
        rows += row(tr("Tactic"), rec->milliseconds >= 0 ? tr("%1 (%2 ms when built)").arg(qs(rec->tactic), millis(rec->milliseconds))
                                                         : qs(rec->tactic));
    }
    if (const LayerProfile* p = engine.profile(&node)) {
        const double heat = engine.maxShare() > 0 ? p->percentage / engine.maxShare() : 0;
        rows += rawRow(tr("Run time"), swatch(heat) + QStringLiteral("<b>%1</b>").arg(esc(tr("%1 ms · %2% of the layer time")
                                                                                        .arg(millis(p->averageMs))
                                                                                        .arg(p->percentage, 0, 'f', 1))));
        rows += row(QString(), tr("median %1 ms · total %2 ms").arg(millis(p->medianMs), millis(p->totalMs)));
    }
    return section(tr("Layer")) + table(rows);
}

QString EngineText::candidates(const EngineModel& engine, const ir::Node& node) {
    const plan::LayerRecord* rec = engine.record(&node);
    if (!rec || rec->candidates.empty()) return {};
    QString rows;
    for (const plan::TacticCandidate& c : rec->candidates) {
        QString text = c.milliseconds >= 0 ? tr("%1 ms").arg(millis(c.milliseconds)) : tr("not timed");
        if (c.chosen) text = tr("%1 · chosen").arg(text);
        if (!c.rejected.empty()) text = tr("rejected: %1").arg(qs(c.rejected));
        rows += c.chosen ? rawRow(qs(c.tactic), QStringLiteral("<b>%1</b>").arg(esc(text))) : row(qs(c.tactic), text);
    }
    return section(tr("Tactic candidates")) + table(rows);
}

QString EngineText::tensors(const EngineModel& engine, const ir::Node& node, bool inputs) {
    const auto& values = inputs ? node.inputs() : node.outputs();
    QString rows;
    for (size_t i = 0; i < values.size(); ++i) {
        const ir::Value* v = values[i];
        if (!v) continue;
        QString text = qs(v->name()) + QStringLiteral("  ") + shapeText(v->shape()) + QLatin1Char(' ') + qs(dataTypeName(v->dtype()));
        if (v->constant()) text += QStringLiteral("  ") + tr("[weight]");
        rows += row(inputs ? inputSlotName(node, int(i)) : QStringLiteral("out%1").arg(i), text);
        if (!v->constant()) rows += rawRow(QString(), html::grey(memoryText(engine, *v)));
    }
    return rows;
}

QString EngineText::memoryText(const EngineModel& engine, const ir::Value& value) {
    const plan::BufferRecord* b = engine.buffer(value.name());
    if (!b) return value.isGraphInput() ? tr("graph input: memory of the caller") : tr("not in the memory plan");
    const QLocale loc;
    QString life;
    if (b->firstLayer < 0) life = tr("bound by the caller");
    else if (b->lastLayer >= engine.numLayers()) life = tr("layers %1 to the end (graph output)").arg(b->firstLayer + 1);
    else life = tr("layers %1–%2").arg(b->firstLayer + 1).arg(b->lastLayer + 1);
    if (!b->aliasOf.empty())
        return tr("view of %1 at +%2 bytes · %3").arg(qs(b->aliasOf), loc.toString(qlonglong(b->aliasOffset)), life);
    if (b->offset < 0) return tr("sized at run time, outside the arena · %1").arg(life);
    return tr("arena offset %1 · %2 · %3").arg(loc.toString(qlonglong(b->offset)), bytes(b->bytes), life);
}

}  // namespace kiln::views
