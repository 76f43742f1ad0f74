#include "graph/scope_summary.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <map>

#include "graph/canvas_structure.h"
#include "graph/labels.h"
#include "inspector/flops.h"

namespace kiln::views {

namespace {

// The initializer behind a weight (through Identity nodes), or null for a Constant node's tensor:
// parameters are the model's initializers, not the shapes and scalars an exporter writes as
// Constant nodes.
const ir::Value* parameterOf(const ir::Value* v) {
    while (v && !v->constant() && v->producer() && v->producer()->opType() == "Identity") v = v->producer()->input(0);
    return v && v->constant() ? v : nullptr;
}

// Elements of an initializer: its data's count, else its static shape's (a report keeps no data).
qint64 weightElements(const ir::Value* v) {
    if (v->constant()->raw()) return v->constant()->numel();
    const auto n = v->shape().numel();
    return n ? qint64(*n) : 0;
}

bool computes(NodeCategory c) { return c != NodeCategory::Shape && c != NodeCategory::Other; }

// The ops that do most of a network's arithmetic.
bool isHeavy(const QString& op) {
    static const QSet<QString> heavy = {QStringLiteral("Conv"), QStringLiteral("ConvTranspose"), QStringLiteral("MatMul"),
                                        QStringLiteral("Gemm"), QStringLiteral("Einsum"), QStringLiteral("Attention"),
                                        QStringLiteral("kiln.FusedConv"), QStringLiteral("kiln.FusedGemm"),
                                        QStringLiteral("kiln.Attention")};
    return heavy.contains(op);
}

}  // namespace

ScopeSummary summarizeNodes(const std::vector<const ir::Node*>& nodes) {
    ScopeSummary s;
    QHash<QString, int> counts;
    QHash<QString, double> flopsByOp;
    bool heavyUnknown = false;  // FLOPs cannot say which op dominates
    QSet<const ir::Value*> weights;
    for (const ir::Node* n : nodes) {
        ++s.nodes;
        if (isFoldedConstant(*n)) {
            ++s.constants;
            continue;
        }
        const QString op = qualifiedOpType(*n);
        ++counts[op];
        if (const std::optional<double> f = estimateFlops(*n)) {
            s.flops += *f;
            flopsByOp[op] += *f;
        } else {
            ++s.flopsUnknown;
            heavyUnknown = heavyUnknown || isHeavy(op);
        }
        for (const ir::Value* in : n->inputs()) {
            // One initializer counts once, also when Identity nodes pass it on under other names.
            const ir::Value* v = isWeight(in) ? parameterOf(in) : nullptr;
            if (v && !weights.contains(v)) {
                weights.insert(v);
                const qint64 elements = weightElements(v);
                s.parameters += elements;
                s.parameterBytes += elements * qint64(dataTypeSize(v->dtype()));
            }
        }
    }
    s.weightTensors = int(weights.size());
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) s.opCounts.emplace_back(it.key(), it.value());
    std::sort(s.opCounts.begin(), s.opCounts.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    // The dominant op does most of the work (FLOPs).
    double best = 0;
    for (auto it = flopsByOp.cbegin(); !heavyUnknown && it != flopsByOp.cend(); ++it)
        if (it.value() > best || (it.value() == best && best > 0 && it.key() < s.dominantOp)) {
            best = it.value();
            s.dominantOp = it.key();
        }
    // Without shapes: the commonest of the ops that usually do the work, then of those that compute.
    for (const auto& [op, count] : s.opCounts)
        if (s.dominantOp.isEmpty() && isHeavy(op)) s.dominantOp = op;
    if (s.dominantOp.isEmpty())
        for (const auto& [op, count] : s.opCounts)
            if (computes(categoryOf(op.toStdString(), {}))) {
                s.dominantOp = op;
                break;
            }
    if (s.dominantOp.isEmpty() && !s.opCounts.empty()) s.dominantOp = s.opCounts.front().first;
    if (!s.dominantOp.isEmpty()) {
        const qsizetype dot = s.dominantOp.lastIndexOf(QLatin1Char('.'));
        const std::string domain = dot < 0 ? std::string() : s.dominantOp.left(dot).toStdString();
        s.dominantCategory = categoryOf(s.dominantOp.mid(dot + 1).toStdString(), domain);
    }
    return s;
}

QString opSummaryText(const ScopeSummary& summary, int max) {
    QStringList parts;
    for (size_t i = 0; i < summary.opCounts.size() && int(i) < max; ++i)
        parts << QStringLiteral("%1 %2").arg(summary.opCounts[i].first).arg(summary.opCounts[i].second);
    if (int(summary.opCounts.size()) > max) parts << QStringLiteral("\u2026");
    return parts.join(QStringLiteral(" \u00B7 "));
}

QString shortCount(double count) {
    static const char* const units[] = {"", " k", " M", " G", " T", " P"};
    int u = 0;
    while (count >= 1000 && u < 5) {
        count /= 1000;
        ++u;
    }
    return QString::number(count, 'f', u == 0 || count >= 100 ? 0 : 1) + QLatin1String(units[u]);
}

}  // namespace kiln::views
