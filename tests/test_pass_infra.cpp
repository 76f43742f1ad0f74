// The optimizer's framework: graph edits, PassLog (rewrites, declines, JSON, rebuilding the
// graph after each pass from snapshots + diffs) and the pipeline's levels.
#include <QtTest>

#include "passes/graph_snapshot.h"
#include "passes/pattern_utils.h"
#include "passes/pipeline.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;

namespace {

// Removes Identity nodes (a tiny pass used to exercise the framework), declining graph outputs.
class DropIdentity final : public passes::Pass {
public:
    std::string name() const override { return "drop-identity"; }
    std::string description() const override { return "removes Identity"; }
    Status run(ir::Graph& g, passes::PassContext& ctx) override {
        std::vector<ir::Node*> ids;
        for (auto& n : g.nodes())
            if (passes::isOp(n.get(), "Identity")) ids.push_back(n.get());
        for (ir::Node* n : ids) {
            if (!g.canReplaceAllUses(n->output(0), n->input(0))) {
                ctx.declined({n}, "its input is a graph input and its output a graph output");
                continue;
            }
            KILN_RETURN_IF_ERROR(g.replaceAllUses(n->output(0), n->input(0)));
            ctx.applied("Identity(x) => x", {n}, nullptr, "Identity copies its input; readers read x directly.");
            g.removeNode(n);
        }
        return Status::ok();
    }
};

std::unique_ptr<ir::Graph> chain() {
    test::TestGraph t;
    ir::Value* x = t.input("x", {2, 3});
    ir::Value* a = t.op("Identity", {x}, {}, "id1");
    ir::Value* b = t.op("Relu", {a}, {}, "relu");
    ir::Value* c = t.op("Identity", {b}, {}, "id2");  // produces the graph output
    t.output(c);
    return t.build();
}

}  // namespace

class TestPassInfra : public QObject {
    Q_OBJECT

private slots:
    void cloneIsIndependent() {
        auto g = chain();
        QVERIFY(g);
        auto c = g->clone();
        c->removeNode(c->findNode("relu"));
        QCOMPARE(g->numNodes(), 3);
        QCOMPARE(c->numNodes(), 2);
        QVERIFY(g->findNode("relu"));
        KILN_VERIFY_OK(g->verify());
    }

    void replacingAGraphOutputKeepsItsName() {
        auto r = [] {
            auto g = chain();
            DropIdentity p;
            return test::runPass(*g, p);
        }();
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        QCOMPARE(r.graph->outputs()[0]->name(), std::string("id2_out"));  // the output kept its name
        QCOMPARE(r.graph->outputs()[0]->producer()->name(), std::string("relu"));
        auto before = chain();
        QCOMPARE(QString::fromStdString(test::checkEquivalent(*before, *r.graph)), QString());
        QCOMPARE(r.log.totalRewrites(), 2);
    }

    void declinesAreRecorded() {
        test::TestGraph t;
        ir::Value* x = t.input("x", {4});
        t.output(t.op("Identity", {x}, {}, "passthrough"));
        auto g = t.build();
        DropIdentity p;
        auto r = test::runPass(*g, p);
        KILN_VERIFY_OK(r.status);
        QCOMPARE(r.graph->numNodes(), 1);
        auto d = r.log.declinesOf("passthrough");
        QCOMPARE(int(d.size()), 1);
        QVERIFY(d[0].second->reason.find("graph input") != std::string::npos);
    }

    void snapshotsRebuildEachPassAndSurviveJson() {
        auto g = chain();
        DropIdentity p;
        auto r = test::runPass(*g, p);
        auto before = r.log.snapshotAfter(-1);
        auto after = r.log.snapshotAfter(0);
        KILN_VERIFY_EXPECTED(before);
        KILN_VERIFY_EXPECTED(after);
        QCOMPARE(int(before->nodes.size()), 3);
        QVERIFY(after->nodes == passes::GraphSnapshot::of(*r.graph).nodes);
        QVERIFY(after->values == passes::GraphSnapshot::of(*r.graph).values);

        auto back = passes::PassLog::fromJson(r.log.toJson());
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(int(back->passes().size()), 1);
        QCOMPARE(back->passes()[0].rewrites[0].rule, std::string("Identity(x) => x"));
        auto rebuilt = back->snapshotAfter(0);
        KILN_VERIFY_EXPECTED(rebuilt);
        QVERIFY(rebuilt->nodes == after->nodes);
        QVERIFY(!back->snapshotAfter(1).hasValue());
        QVERIFY(!passes::PassLog::fromJson("{\"format\": \"other\"}").hasValue());
        QVERIFY(!passes::PassLog::fromJson("not json").hasValue());
        QVERIFY(!passes::PassLog::fromJson("{\"format\":\"kiln-passlog\",\"version\":1}").hasValue());
    }

    void pipelineLevels() {
        auto g = chain();
        QVERIFY(!passes::optimize(*g, {.level = 4}).isOk());
        passes::PassLog log;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = 0}, &log));
        QCOMPARE(int(log.passes().size()), 0);
        QCOMPARE(g->numNodes(), 3);
        auto names = passes::pipelinePassNames();
        QVERIFY(names.size() >= 13);
        QCOMPARE(names.front().first, std::string("constant-folding"));
        for (auto& [n, level] : names) QVERIFY(level >= 1 && level <= 3);
        passes::PassLog l1;
        KILN_VERIFY_OK(passes::optimize(*g, {.level = 1}, &l1));
        for (auto& p : l1.passes()) {
            auto it = std::find_if(names.begin(), names.end(), [&](auto& e) { return e.first == p.name; });
            QVERIFY(it != names.end() && it->second == 1);
        }
    }

    void fusedNamesAndOrigins() {
        auto g = chain();
        std::vector<const ir::Node*> nodes{g->findNode("id1"), g->findNode("relu")};
        QCOMPARE(passes::fusedName(nodes), std::string("id1 + relu"));
        ir::Node* f = passes::addFusedNode(*g, nodes, "Fused", passes::kKilnDomain, {}, {});
        QCOMPARE(f->origins(), (std::vector<std::string>{"id1", "relu"}));
        QCOMPARE(g->opsetFor("kiln"), 1);
        std::vector<const ir::Node*> again{f, g->findNode("id2")};
        QCOMPARE(passes::mergedOrigins(again), (std::vector<std::string>{"id1", "relu", "id2"}));
    }
};

QTEST_GUILESS_MAIN(TestPassInfra)
#include "test_pass_infra.moc"
