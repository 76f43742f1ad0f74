// Explanation cards: what teaching mode says about each rewrite and each decline of a pass, all
// taken from the PassLog (rule, matched nodes, result, explanation, reason) and from the graphs
// before and after the pass (this layer's tensors, their shapes and bytes, the numeric check).
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include "ir/graph.h"
#include "teach/teach_pipeline.h"

namespace kiln::views {

// An activation tensor a rewrite took out of memory: no longer written, nor read back.
struct TensorSaving {
    QString name, shape;   // "Conv_0_out", "1×16×32×32 float32"
    int64_t bytes = 0;
    int reads = 0;         // consumers that read it before the rewrite
};

struct RewriteCard {
    int pass = -1;
    QString passName;
    QString rule;              // the PassLog's rule, arrows made pretty
    QStringList matched;       // PassLog: the nodes it consumed
    QString result;            // PassLog: the layer it produced ("" when nodes were only removed)
    QString resultOp;          // that layer's op type after the pass ("kiln.FusedConv")
    QString explanation;       // PassLog: the pass's own sentence
    QString formula;           // the rewrite's math, one line each; empty when there is none
    QString formulaNote;       // what the symbols are, with this layer's numbers
    int kernelsBefore = 0, kernelsAfter = 0;
    QList<TensorSaving> tensors;
    int64_t trafficSaved = 0;  // bytes no longer written + read, batch 1
    bool atBuildTime = false;  // folded into constants: computed once when the engine is built
    double maxAbsDiff = -1;    // of the whole pass; < 0 when not computed
    QString numericText;       // maxAbsDiff as the card shows it ("8.6e-06", "checking…", why not)
};

struct DeclineCard {
    int pass = -1;
    QString passName;
    QStringList nodes;         // PassLog: the candidate's nodes
    QString reason;            // PassLog: why it declined
    QString hint;              // what the reason means, for a newcomer; may be empty
};

class TeachCards {
    Q_DECLARE_TR_FUNCTIONS(kiln::views::TeachCards)
public:
    static QList<RewriteCard> rewrites(const TeachResult& r, int pass);
    static QList<DeclineCard> declines(const TeachResult& r, int pass);
    // Every decline the PassLog recorded for a node (by its name or, for a fused layer, any of
    // the nodes it came from), in pass order.
    static QList<DeclineCard> declinesOf(const TeachResult& r, const ir::Node& node);
    static QList<DeclineCard> declinesOf(const TeachResult& r, const QString& nodeName);

    static QString html(const RewriteCard& card);
    static QString html(const DeclineCard& card);
    static QString prettyRule(const std::string& rule);  // "->" as "→", "=>" as "⇒"
    static QString bytesText(int64_t bytes);              // "64 KiB"
    // The numeric check of a pass as text: the number, "checking…" while it runs, or why not.
    static QString diffText(const TeachResult& r, int pass);

private:
    static void addFormula(RewriteCard& card, const ir::Graph& before, const std::string& explanation);
    static void addSavings(RewriteCard& card, const ir::Graph& before, const ir::Graph& after);
    static QString hintFor(const QString& reason);
};

}  // namespace kiln::views
