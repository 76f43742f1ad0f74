#include "teach/teach_cards.h"

#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

#include "graph/labels.h"
#include "inspector/html.h"

namespace kiln::views {

namespace {

const ir::Node* findIn(const ir::Graph& g, const std::string& name) { return g.findNode(name); }

QString tensorShape(const ir::Value& v) {
    return QStringLiteral("%1 %2").arg(shapeText(v.shape()), QString::fromLatin1(dataTypeName(v.dtype())));
}

// The formula part of a pass's explanation ("... epilogue: y = Relu(conv(x, W) + b).").
QString formulaFromExplanation(const std::string& explanation) {
    static const QRegularExpression re(QStringLiteral("(?:^|[:;] )([A-Za-z]'? = [^;]+?)\\.?$"));
    static const QRegularExpression counts(QStringLiteral(",\\s*\\d+ nodes? -> \\d+ layers?$"));
    const QRegularExpressionMatch m = re.match(qs(explanation));
    return m.hasMatch() ? m.captured(1).remove(counts) : QString();
}

QString prettyMath(QString s) {
    s.replace(QStringLiteral(" * "), QStringLiteral("·"));
    s.replace(QStringLiteral("sqrt(2)"), QStringLiteral("√2"));
    s.replace(QStringLiteral("sqrt("), QStringLiteral("√("));
    s.replace(QStringLiteral(" - "), QStringLiteral(" − "));
    return s;
}

}  // namespace

QString TeachCards::prettyRule(const std::string& rule) {
    QString s = qs(rule);
    s.replace(QStringLiteral("=>"), QStringLiteral("⇒"));
    s.replace(QStringLiteral("->"), QStringLiteral("→"));
    return s;
}

QString TeachCards::bytesText(int64_t bytes) {
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString TeachCards::diffText(const TeachResult& r, int pass) {
    if (r.numericPending) return tr("checking…");
    const double d = pass >= 0 && pass < int(r.maxAbsDiff.size()) ? r.maxAbsDiff[size_t(pass)] : -1.0;
    const QString problem = qs(r.numericProblem);
    if (d < 0) return problem.isEmpty() ? tr("not computed") : tr("not computed: %1").arg(problem);
    if (d == 0) return tr("0 (identical outputs)");
    return QString::number(d, 'g', 2);
}

QList<RewriteCard> TeachCards::rewrites(const TeachResult& r, int pass) {
    QList<RewriteCard> cards;
    if (pass < 0 || pass >= r.numPasses()) return cards;
    const passes::PassRecord& p = r.log.passes()[size_t(pass)];
    for (const passes::Rewrite& w : p.rewrites) {
        RewriteCard c;
        c.pass = pass;
        c.passName = qs(p.name);
        c.rule = prettyRule(w.rule);
        for (const std::string& m : w.matched) c.matched << qs(m);
        c.result = qs(w.result);
        if (const ir::Node* n = w.result.empty() ? nullptr : findIn(r.after(pass), w.result)) c.resultOp = qualifiedOpType(*n);
        c.explanation = qs(w.explanation);
        c.maxAbsDiff = r.numericPending || r.maxAbsDiff.empty() ? -1 : r.maxAbsDiff[size_t(pass)];
        c.numericText = diffText(r, pass);
        addFormula(c, r.before(pass), w.explanation);
        addSavings(c, r.before(pass), r.after(pass));
        cards << c;
    }
    return cards;
}

void TeachCards::addFormula(RewriteCard& c, const ir::Graph& before, const std::string& explanation) {
    const ir::Node* bn = nullptr;
    const ir::Node* layer = nullptr;
    for (const QString& m : c.matched) {
        const ir::Node* n = findIn(before, m.toStdString());
        if (n && n->opType() == "BatchNormalization") bn = n;
        else if (n && !layer) layer = n;
    }
    if (bn) {
        // The rule fold_batchnorm.cpp implements; written with this layer's numbers below.
        c.formula = QStringLiteral("w′ = w·γ / √(σ² + ε)\nb′ = (b − μ)·γ / √(σ² + ε) + β");
        const ir::Value* scale = bn->input(1);
        const QString channels = scale ? shapeText(scale->shape()) : QStringLiteral("?");
        const bool hadBias = layer && layer->input(2) && layer->input(2)->constant();
        c.formulaNote = tr("γ, β, μ, σ² are %1's scale, bias, running mean and variance (%2 channels), ε = %3; "
                           "w and b are %4's weights and bias%5.")
                            .arg(qs(bn->name()), channels)
                            .arg(double(bn->attrFloat("epsilon", 1e-5f)), 0, 'g', 3)
                            .arg(layer ? qs(layer->name()) : tr("the layer"),
                                 hadBias ? QString() : tr(" (it had none, so b = 0)"));
        return;
    }
    if (c.rule.contains(QStringLiteral("Mul(s)"))) c.formula = QStringLiteral("w′ = w·s");
    else if (c.rule.contains(QStringLiteral("Add(c)")) && !c.rule.contains(QStringLiteral("Fused")))
        c.formula = QStringLiteral("b′ = b + c");
    else c.formula = prettyMath(formulaFromExplanation(explanation));
}

void TeachCards::addSavings(RewriteCard& c, const ir::Graph& before, const ir::Graph& after) {
    QSet<QString> matched(c.matched.begin(), c.matched.end());
    int kernels = 0;
    bool allConstant = !c.matched.isEmpty();
    for (const QString& m : c.matched) {
        const ir::Node* n = findIn(before, m.toStdString());
        if (!n) continue;
        ++kernels;
        for (const ir::Value* in : n->inputs())
            if (in && !in->constant() && !(in->producer() && matched.contains(qs(in->producer()->name())))) allConstant = false;
        for (const ir::Value* v : n->outputs()) {
            if (!v) continue;
            // Still an activation afterwards (the fused layer's own output, a graph output): it is
            // written as before.
            const ir::Value* later = after.findValue(v->name());
            if (later && !later->constant() && (later->producer() || later->isGraphOutput())) continue;
            TensorSaving t;
            t.name = qs(v->name());
            t.shape = tensorShape(*v);
            t.bytes = std::max<int64_t>(valueBytes(*v), 0);
            t.reads = int(v->consumers().size());
            c.tensors << t;
            c.trafficSaved += t.bytes * (1 + t.reads);
        }
    }
    c.kernelsBefore = kernels;
    c.kernelsAfter = c.result.isEmpty() || !after.findNode(c.result.toStdString()) ? 0 : 1;
    c.atBuildTime = allConstant && c.kernelsAfter == 0 && kernels > 0;
}

QList<DeclineCard> TeachCards::declines(const TeachResult& r, int pass) {
    QList<DeclineCard> cards;
    if (pass < 0 || pass >= r.numPasses()) return cards;
    const passes::PassRecord& p = r.log.passes()[size_t(pass)];
    for (const passes::Decline& d : p.declines) {
        DeclineCard c;
        c.pass = pass;
        c.passName = qs(p.name);
        for (const std::string& n : d.nodes) c.nodes << qs(n);
        c.reason = qs(d.reason);
        c.hint = hintFor(c.reason);
        cards << c;
    }
    return cards;
}

QList<DeclineCard> TeachCards::declinesOf(const TeachResult& r, const QString& nodeName) {
    QList<DeclineCard> out;
    for (int i = 0; i < r.numPasses(); ++i)
        for (const DeclineCard& c : declines(r, i))
            if (c.nodes.contains(nodeName)) out << c;
    return out;
}

QList<DeclineCard> TeachCards::declinesOf(const TeachResult& r, const ir::Node& node) {
    // A fused layer answers for the nodes it came from, and for the intermediate layers it went
    // through ("Conv_0 + BatchNormalization_1" before "+ Relu_2" joined).
    QSet<QString> names{qs(node.name())};
    for (const std::string& o : node.origins()) names.insert(qs(o));
    for (const auto& [pass, rewrite] : r.log.rewritesOf(node.name()))
        for (const std::string& m : rewrite->matched) names.insert(qs(m));
    QList<DeclineCard> out;
    for (int i = 0; i < r.numPasses(); ++i)
        for (const DeclineCard& c : declines(r, i))
            if (std::any_of(c.nodes.begin(), c.nodes.end(), [&](const QString& n) { return names.contains(n); })) out << c;
    return out;
}

QString TeachCards::hintFor(const QString& reason) {
    if (reason.contains(QLatin1String("consumers")) || reason.contains(QLatin1String("graph output")))
        return tr("A fused layer writes only its last result. Here another reader needs the tensor in the middle, "
                  "so it must be written to memory anyway: fusing would save no traffic, and the other reader "
                  "would get the wrong value.");
    if (reason.contains(QLatin1String("cannot be fused")))
        return tr("The fused layers' epilogue implements a fixed set of activations (Relu, Clip, LeakyRelu, Sigmoid, "
                  "Tanh, HardSigmoid, HardSwish, SiLU, GELU, Elu); this one is not among them, so it stays a layer "
                  "of its own.");
    if (reason.contains(QLatin1String("constant")))
        return tr("Folding needs the values at build time; a tensor computed at run time cannot be folded into weights.");
    return {};
}

QString TeachCards::html(const RewriteCard& c) {
    using html::esc;
    QString s = QStringLiteral("<div style='color:#666;font-size:small'>%1</div>").arg(esc(c.passName));
    s += QStringLiteral("<div style='font-size:large;font-weight:bold'>%1</div>").arg(esc(c.rule));
    s += QStringLiteral("<p>%1</p>")
             .arg(c.result.isEmpty() ? tr("<b>%1</b> removed.").arg(esc(c.matched.join(QStringLiteral(", "))))
                                     : tr("<b>%1</b> become one layer: <b>%2</b> (%3).")
                                           .arg(esc(c.matched.join(QStringLiteral(", "))), esc(c.result), esc(c.resultOp)));
    if (!c.formula.isEmpty()) {
        s += QStringLiteral("<table width='100%' cellpadding='6' style='background:#f3f0e6'><tr><td>"
                            "<span style='font-family:serif;font-size:large'>%1</span></td></tr></table>")
                 .arg(esc(c.formula).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        if (!c.formulaNote.isEmpty()) s += QStringLiteral("<p style='color:#555'>%1</p>").arg(esc(c.formulaNote));
    }
    s += QStringLiteral("<p><i>%1</i></p>").arg(esc(c.explanation));
    s += html::section(tr("Why it is faster"));
    QStringList why;
    if (c.atBuildTime) why << tr("Computed once while the engine is built instead of on every inference.");
    if (c.kernelsBefore > c.kernelsAfter)
        why << tr("%1 kernel launches become %2.").arg(c.kernelsBefore).arg(c.kernelsAfter);
    for (const TensorSaving& t : c.tensors)
        why << (t.reads == 1 ? tr("%1 (%2, %3) is no longer written to memory and read back.")
                             : tr("%1 (%2, %3) is no longer written to memory and read back by %4 layers."))
                   .arg(esc(t.name), esc(t.shape), bytesText(t.bytes))
                   .arg(t.reads);
    if (c.trafficSaved > 0) why << tr("<b>%1 less memory traffic</b> per inference at batch 1.").arg(bytesText(c.trafficSaved));
    if (why.isEmpty()) why << tr("No kernel and no activation tensor less: this rewrite simplifies the graph for later passes.");
    s += QStringLiteral("<ul style='margin-left:-20px'><li>%1</li></ul>").arg(why.join(QStringLiteral("</li><li>")));
    s += html::section(tr("Numeric check"));
    s += QStringLiteral("<p>%1</p>").arg(tr("Max difference before/after on a random input: <b>%1</b>")
                                              .arg(esc(c.numericText)));
    return s;
}

QString TeachCards::html(const DeclineCard& c) {
    using html::esc;
    QString s = QStringLiteral("<div style='color:#666;font-size:small'>%1</div>").arg(esc(c.passName));
    s += QStringLiteral("<div style='font-weight:bold;color:#9a3412'>%1</div>").arg(tr("Not fused: %1").arg(esc(c.nodes.join(QStringLiteral(" → ")))));
    s += QStringLiteral("<p>%1</p>").arg(tr("Reason: <b>%1</b>").arg(esc(c.reason)));
    if (!c.hint.isEmpty()) s += QStringLiteral("<p style='color:#555'>%1</p>").arg(esc(c.hint));
    return s;
}

}  // namespace kiln::views
