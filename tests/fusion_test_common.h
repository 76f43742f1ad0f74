// Shared by test_pass_fusion.cpp and test_pass_residual.cpp (each includes it once).
#pragma once

#include <QtTest>

#include <chrono>

#include "onnx/importer.h"
#include "ops/activation_fn.h"
#include "passes/passes.h"
#include "support/pass_test_support.h"
#include "support/test_support.h"

using namespace kiln;
using test::Attrs;
using test::countOps;
using test::PassResult;
using test::TestGraph;

namespace fusion_test {

inline ir::Attribute ints(std::vector<int64_t> v) { return ir::Attribute(std::move(v)); }
inline ir::Attribute i64(int64_t v) { return ir::Attribute(v); }
inline ir::Attribute f32(float v) { return ir::Attribute(v); }

inline Attrs conv3x3() { return {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}; }

inline ir::Value* batchNorm(TestGraph& t, ir::Value* x, int64_t c, const std::string& name) {
    return t.op("BatchNormalization",
                {x, t.randomConstant(name + ".scale", {c}, 0.5f, 1.5f), t.randomConstant(name + ".B", {c}),
                 t.randomConstant(name + ".mean", {c}, -0.5f, 0.5f), t.randomConstant(name + ".var", {c}, 0.5f, 1.5f)},
                {{"epsilon", f32(1e-3f)}}, name);
}

inline PassResult run(const ir::Graph& g, std::unique_ptr<passes::Pass> p) { return test::runPass(g, *p); }

// Milliseconds of the pass's run() alone, on a clone of g.
inline double runOnlyMs(const ir::Graph& g, std::unique_ptr<passes::Pass> p) {
    auto c = g.clone();
    passes::PassLog log(false);
    passes::PassContext ctx(log, ops::OpRegistry::builtin());
    const auto t0 = std::chrono::steady_clock::now();
    const Status st = p->run(*c, ctx);
    const auto t1 = std::chrono::steady_clock::now();
    return st.isOk() ? std::chrono::duration<double, std::milli>(t1 - t0).count() : -1.0;
}

inline const std::vector<passes::Rewrite>& rewrites(const PassResult& r) { return r.log.passes().at(0).rewrites; }
inline const std::vector<passes::Decline>& declines(const PassResult& r) { return r.log.passes().at(0).declines; }

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The reasons of every decline, one per line (for failure messages).
inline QByteArray reasons(const PassResult& r) {
    std::string s;
    for (const passes::Decline& d : declines(r)) s += d.reason + "\n";
    return QByteArray::fromStdString(s);
}

inline bool declinedWith(const PassResult& r, const std::string& part) {
    for (const passes::Decline& d : declines(r))
        if (contains(d.reason, part)) return true;
    return false;
}

inline std::string activationOf(const ir::Graph& g, const std::string& opType) {
    for (const auto& n : g.nodes())
        if (n->opType() == opType && n->domain() == "kiln") return n->attrString("activation", "?");
    return "(none)";
}

#define VERIFY_EQUIVALENT(before, after) \
    QCOMPARE(QString::fromStdString(test::checkEquivalent(before, after)), QString())

}  // namespace fusion_test
using namespace fusion_test;
