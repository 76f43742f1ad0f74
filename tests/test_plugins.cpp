// Plugins (engine/plugin): the registry and the loader (good, missing, foreign and broken
// libraries), the import fallback and its error, symbolic output shapes, fusion at plugin
// boundaries and its PassLog, the plan round trip with a plugin layer, and the refusal of a plan
// whose plugin is missing or of another version. The in-process plugins are in
// support/inproc_plugins.h; the libraries are built from tests/plugins and samples/plugins.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "builder/builder.h"
#include "builder/network.h"
#include "builder/network_layers.h"
#include "builder/onnx_parser.h"
#include "passes/symbolic_dims.h"
#include "plan/plan_format.h"
#include "plugin/plugin_layer.h"
#include "plugin/plugin_registry.h"
#include "runtime/runtime.h"
#include "support/inproc_plugins.h"
#include "support/test_support.h"

using namespace kiln;
using kiln::test::describe;
namespace fs = std::filesystem;
namespace pb = ::onnx;

namespace {

struct QuietLogger : Logger {
    std::vector<std::string> warnings;
    void log(Severity s, std::string_view m) noexcept override {
        if (s <= Severity::Warning) warnings.emplace_back(m);
    }
};

void addInfo(pb::ValueInfoProto* vi, const std::string& name, std::vector<std::string> dims) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(pb::TensorProto::FLOAT);
    auto* s = tt->mutable_shape();
    for (const std::string& d : dims) {
        if (!d.empty() && std::isdigit(static_cast<unsigned char>(d[0]))) s->add_dim()->set_dim_value(std::stoll(d));
        else s->add_dim()->set_dim_param(d);
    }
}

// x [batch, 8] -> <op>(kiln.test.inproc, attrs) -> [Relu] -> y
std::string pluginModel(const std::string& op, float scale, int fusable, int mode, bool relu,
                        const std::string& domain = "kiln.test.inproc") {
    pb::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(17);
    if (!domain.empty()) {
        auto* ds = m.add_opset_import();
        ds->set_domain(domain);
        ds->set_version(1);
    }
    pb::GraphProto* g = m.mutable_graph();
    g->set_name("plugin_test");
    addInfo(g->add_input(), "x", {"batch", "8"});
    pb::NodeProto* n = g->add_node();
    n->set_name("custom");
    n->set_op_type(op);
    n->set_domain(domain);
    n->add_input("x");
    n->add_output(relu ? "t" : "y");
    auto attrF = [&](const char* name, float v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(pb::AttributeProto::FLOAT);
        a->set_f(v);
    };
    auto attrI = [&](const char* name, int64_t v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(pb::AttributeProto::INT);
        a->set_i(v);
    };
    if (scale != 0) attrF("scale", scale);
    attrI("fusable", fusable);
    attrI("mode", mode);
    if (relu) {
        pb::NodeProto* r = g->add_node();
        r->set_name("relu");
        r->set_op_type("Relu");
        r->add_input("t");
        r->add_output("y");
    }
    addInfo(g->add_output(), "y", {"batch", op == "Trim" ? "4" : "8"});
    return m.SerializeAsString();
}

Status parseInto(NetworkDefinition& net, const std::string& bytes) {
    QuietLogger log;
    OnnxParser parser(net, log);
    return parser.parse(bytes.data(), bytes.size(), "plugin_test");
}

BuilderConfig profileConfig() {
    BuilderConfig c;
    OptimizationProfile p;
    (void)p.setDimensions("x", {1, 8}, {2, 8}, {4, 8});
    c.profiles.push_back(p);
    return c;
}

Expected<std::vector<uint8_t>> buildModel(const std::string& bytes) {
    QuietLogger log;
    Builder builder(log);
    auto net = builder.createNetwork();
    KILN_RETURN_IF_ERROR(parseInto(*net, bytes));
    return builder.buildSerializedNetwork(*net, profileConfig());
}

Expected<HostTensor> runPlan(const std::vector<uint8_t>& plan, const HostTensor& x, Logger& log) {
    Runtime rt(log);
    KILN_ASSIGN_OR_RETURN(auto engine, rt.deserializeEngine(plan.data(), plan.size()));
    KILN_ASSIGN_OR_RETURN(auto ctx, engine->createExecutionContext());
    KILN_RETURN_IF_ERROR(ctx->setInputShape("x", x.dims()));
    KILN_RETURN_IF_ERROR(ctx->setInputs({{"x", x}}));
    KILN_RETURN_IF_ERROR(ctx->execute());
    return ctx->output("y");
}

HostTensor ramp(int64_t rows) {
    HostTensor t(DataType::Float32, {rows, 8});
    for (int64_t i = 0; i < rows * 8; ++i) t.data<float>()[i] = float(i % 11) - 5.0f;
    return t;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }
#define EXPECT_CONTAINS(text, needle) \
    QVERIFY2(contains(text, needle), (std::string("missing '") + (needle) + "' in: " + (text)).c_str())

// The build's plugins folder, or $KILN_PLUGIN_DIR (scripts/stage_gpu.sh sets it on a GPU server).
std::string pluginDir() {
    const char* env = std::getenv("KILN_PLUGIN_DIR");
    return env && *env ? env : KILN_BINARY_DIR "/plugins";
}
std::string testLib(const std::string& name) { return pluginDir() + "/test/libkiln_test_" + name + ".so"; }

// Registers a creator for one test and forgets it at the end of the scope.
struct Registered {
    test::InprocCreator creator;
    Registered(const std::string& type, const std::string& version, const std::string& ns = "kiln.test.inproc")
        : creator(type, version, ns) {
        Status st = plugins::PluginRegistry::global().registerCreator(&creator);
        if (!st.isOk()) qFatal("%s", st.toString().c_str());
    }
    ~Registered() { plugins::PluginRegistry::global().deregisterCreator(&creator); }
};

}  // namespace

class TestPlugins : public QObject {
    Q_OBJECT

private slots:
    void registryInProcess() {
        auto& reg = plugins::PluginRegistry::global();
        {
            Registered gain("Gain", "1");
            auto info = reg.find("kiln.test.inproc", "Gain");
            QVERIFY(info.has_value());
            QCOMPARE(info->version, std::string("1"));
            QCOMPARE(info->fields, (std::vector<std::string>{"scale", "fusable", "mode"}));
            QVERIFY(info->library.empty());
            test::InprocCreator twin("Gain", "2");
            Status dup = reg.registerCreator(&twin);
            QVERIFY(!dup.isOk());
            EXPECT_CONTAINS(dup.message(), "already provided by plugin Gain 1 (kiln.test.inproc)");
        }
        QVERIFY(!reg.find("kiln.test.inproc", "Gain"));
    }

    void loadLibraryErrors() {
        auto& reg = plugins::PluginRegistry::global();
        auto missing = reg.loadLibrary(pluginDir() + "/libnot_there.so");
        QVERIFY(!missing);
        EXPECT_CONTAINS(missing.status().message(), "does not exist");

        const std::string garbage = (fs::temp_directory_path() / "kiln_garbage_plugin.so").string();
        std::ofstream(garbage) << "this is not an ELF file";
        auto bad = reg.loadLibrary(garbage);
        QVERIFY(!bad);
        EXPECT_CONTAINS(bad.status().message(), "cannot be loaded");
        fs::remove(garbage);

        auto noEntry = reg.loadLibrary(testLib("noentry"));
        QVERIFY(!noEntry);
        EXPECT_CONTAINS(noEntry.status().message(), "is not a Kiln plugin: it does not export kilnPluginApiVersion");

        auto version = reg.loadLibrary(testLib("badversion"));
        QVERIFY(!version);
        EXPECT_CONTAINS(version.status().message(), "plugin API version 999");

        auto unresolved = reg.loadLibrary(testLib("unresolved"));
        QVERIFY(!unresolved);
        EXPECT_CONTAINS(unresolved.status().message(), "cannot be loaded");
        EXPECT_CONTAINS(unresolved.status().message(), "kiln_symbol_that_does_not_exist");
    }

    void loadGoodLibrary() {
        auto& reg = plugins::PluginRegistry::global();
        auto v1 = reg.loadLibrary(testLib("scale_v1"));
        QVERIFY2(v1, describe(v1.status()));
        QCOMPARE(v1->size(), size_t(1));
        QCOMPARE((*v1)[0].type, std::string("Scale2"));
        QCOMPARE((*v1)[0].version, std::string("1"));
        QCOMPARE((*v1)[0].libraryHash.size(), size_t(16));
        QVERIFY(contains((*v1)[0].describe(), "libkiln_test_scale_v1.so"));
        auto again = reg.loadLibrary(testLib("scale_v1"));  // a no-op
        QVERIFY(again);
        QCOMPARE(again->size(), size_t(1));
        auto v2 = reg.loadLibrary(testLib("scale_v2"));  // the same op from another library
        QVERIFY(!v2);
        EXPECT_CONTAINS(v2.status().message(), "already provided by plugin Scale2 1");

        std::vector<std::string> errors;
        auto all = reg.loadFolder(pluginDir() + "/test", &errors);
        QVERIFY(!all.empty());  // scale_v1 again, faulty
        QVERIFY(errors.size() >= 4);  // noentry, badversion, unresolved, scale_v2
    }

    void importFallbackError() {
        QuietLogger log;
        auto net = Builder(log).createNetwork();
        Status st = parseInto(*net, pluginModel("Mystery", 2.0f, 0, 0, false, "acme.ops"));
        QVERIFY(!st.isOk());
        EXPECT_CONTAINS(st.toString(), "neither Kiln nor a loaded plugin implements Mystery (acme.ops)");
        EXPECT_CONTAINS(st.toString(), "--plugins");
        EXPECT_CONTAINS(st.toString(), "custom");
    }

    // TensorRT-style plugin ops live in the default domain, where ONNX's checker knows no schema
    // for them: the import must get past the checker to the plugin, or to Kiln's own error.
    void defaultDomainPluginOp() {
        QuietLogger log;
        {
            auto net = Builder(log).createNetwork();
            Status st = parseInto(*net, pluginModel("Mystery", 2.0f, 0, 0, false, ""));
            QVERIFY(!st.isOk());
            EXPECT_CONTAINS(st.toString(), "neither Kiln nor a loaded plugin implements Mystery (ai.onnx)");
        }
        Registered gain("Gain_TRT", "1", "");
        auto built = buildModel(pluginModel("Gain_TRT", 2.0f, 1, 0, true, ""));
        QVERIFY2(built, describe(built.status()));
        auto y = runPlan(*built, ramp(2), log);
        QVERIFY2(y, describe(y.status()));
        const HostTensor x = ramp(2);
        for (int64_t i = 0; i < 16; ++i) QCOMPARE(y->data<float>()[i], std::max(0.0f, 2.0f * x.data<float>()[i]));
    }

    void importWithPlugin() {
        Registered gain("Gain", "1");
        QuietLogger log;
        auto net = Builder(log).createNetwork();
        Status st = parseInto(*net, pluginModel("Gain", 2.0f, 0, 0, false));
        QVERIFY2(st.isOk(), describe(st));
        const ir::Node* n = net->graph().findNode("custom");
        QVERIFY(n && plugins::isPluginNode(*n));

        // Bad attributes are found at import, naming the node and saying what the plugin said.
        auto net2 = Builder(log).createNetwork();
        Status bad = parseInto(*net2, pluginModel("Gain", 0.0f, 0, 0, false));
        QVERIFY(!bad.isOk());
        EXPECT_CONTAINS(bad.toString(), "custom");
        EXPECT_CONTAINS(bad.toString(), "Gain needs a 'scale' attribute");
    }

    void symbolicOutputShapes() {
        Registered trim("Trim", "1");
        QuietLogger log;
        auto net = Builder(log).createNetwork();
        Status st = parseInto(*net, pluginModel("Trim", 1.0f, 0, 0, false));
        QVERIFY2(st.isOk(), describe(st));
        const ir::Value* y = net->graph().findValue("y");
        QCOMPARE(y->shape().toString(), std::string("[batch, 4]"));
        QCOMPARE(y->dtype(), DataType::Float32);
        // The same rule at concrete dims, as the runtime sizes outputs.
        auto p = plugins::instantiate(*net->graph().findNode("custom"));
        QVERIFY2(p, describe(p.status()));
        auto dims = plugins::outputDims(*p, {{3, 9}});
        QVERIFY2(dims, describe(dims.status()));
        QCOMPARE((*dims)[0], (std::vector<int64_t>{3, 5}));

        passes::DimAlgebra alg;
        const Dim half = alg.function("ceildiv", Dim::symbolic("n"), Dim(2));
        QCOMPARE(half.symbol, std::string("ceildiv(n, 2)"));
        QCOMPARE(passes::evaluateDim(half, {{"n", 7}}).value_or(-1), int64_t(4));
        const Dim mx = alg.function("max", Dim::symbolic("b"), Dim::symbolic("a"));
        QCOMPARE(mx.symbol, std::string("max(a, b)"));
        QCOMPARE(passes::evaluateDim(mx, {{"a", 3}, {"b", 9}}).value_or(-1), int64_t(9));
        QCOMPARE(passes::evaluateDim(alg.function("sub", Dim::symbolic("a"), Dim(1)), {{"a", 3}}).value_or(-1), int64_t(2));
        QCOMPARE(alg.function("floordiv", Dim(9), Dim(2)).value, int64_t(4));
    }

    void planRoundTripWithFusedActivation() {
        std::vector<uint8_t> plan;
        {
            Registered gain("Gain", "1");
            auto built = buildModel(pluginModel("Gain", 3.0f, /*fusable=*/1, 0, /*relu=*/true));
            QVERIFY2(built, describe(built.status()));
            plan = std::move(*built);
            auto p = plan::deserializePlan(plan.data(), plan.size());
            QVERIFY2(p, describe(p.status()));
            // The Relu went into the plugin: one layer, with the activation as a field.
            QCOMPARE(p->network->numNodes(), 1);
            const ir::Node& layer = *p->network->nodes()[0];
            QCOMPARE(layer.opType(), std::string("Gain"));
            QCOMPARE(layer.attrString("kiln_activation", ""), std::string("relu"));
            QCOMPARE(layer.attrString(plugins::kVersionAttr, ""), std::string("1"));
            QVERIFY(layer.hasAttr(plugins::kDataAttr));
            QCOMPARE(layer.origins(), (std::vector<std::string>{"custom", "relu"}));
            QCOMPARE(p->plugins.size(), size_t(1));
            QCOMPARE(p->plugins[0].type, std::string("Gain"));
            QCOMPARE(p->plugins[0].version, std::string("1"));
            QCOMPARE(p->plugins[0].layers, std::vector<std::string>{layer.name()});
            EXPECT_CONTAINS(p->passLogJson, "The plugin applies the Relu to its output itself");

            QuietLogger log;
            auto y = runPlan(plan, ramp(3), log);
            QVERIFY2(y, describe(y.status()));
            const HostTensor x = ramp(3);
            for (int64_t i = 0; i < 24; ++i)
                QCOMPARE(y->data<float>()[i], std::max(0.0f, 3.0f * x.data<float>()[i]));
        }
        // The plan without its plugin, and with another version of it.
        QuietLogger log;
        auto none = runPlan(plan, ramp(1), log);
        QVERIFY(!none);
        EXPECT_CONTAINS(none.status().message(), "plugin Gain (kiln.test.inproc) version 1 is not loaded");
        Registered v2("Gain", "2");
        auto other = runPlan(plan, ramp(1), log);
        QVERIFY(!other);
        EXPECT_CONTAINS(other.status().message(), "is loaded in version 2");
        EXPECT_CONTAINS(other.status().message(), "built with version 1");
    }

    // The network-definition API: addPlugin (TensorRT's addPluginV3), then the usual layers.
    void networkApiAddPlugin() {
        Registered trim("Trim", "1");
        QuietLogger log;
        Builder builder(log);
        auto net = builder.createNetwork();
        Tensor* x = net->addInput("x", DataType::Float32, {-1, 8});
        QVERIFY(x);
        QVERIFY(!net->addPlugin({x}, "Nope", "kiln.test.inproc"));
        EXPECT_CONTAINS(net->lastError().toString(), "no loaded plugin provides Nope (kiln.test.inproc)");
        PluginLayer* layer = net->addPlugin({x}, "Trim", "kiln.test.inproc", {{"scale", ir::Attribute(-2.0f)}});
        QVERIFY2(layer, describe(net->lastError()));
        QCOMPARE(layer->numOutputs(), 1);
        QCOMPARE(layer->output(0)->dims().size(), size_t(2));
        QCOMPARE(layer->output(0)->dims()[1], int64_t(4));  // ceildiv(8, 2)
        auto* relu = net->addActivation(layer->output(0), ActivationType::Relu);
        QVERIFY(relu);
        relu->output(0)->setName("y");
        QVERIFY(net->markOutput(*relu->output(0)));
        auto plan = builder.buildSerializedNetwork(*net, profileConfig());
        QVERIFY2(plan, describe(plan.status()));
        auto y = runPlan(*plan, ramp(3), log);
        QVERIFY2(y, describe(y.status()));
        QCOMPARE(y->dims(), (std::vector<int64_t>{3, 4}));
        const HostTensor in = ramp(3);
        for (int64_t r = 0; r < 3; ++r)
            for (int64_t j = 0; j < 4; ++j)
                QCOMPARE(y->data<float>()[r * 4 + j], std::max(0.0f, -2.0f * in.data<float>()[r * 8 + j]));
    }

    void fusionDeclinedAtBoundary() {
        Registered gain("Gain", "1");
        auto built = buildModel(pluginModel("Gain", 2.0f, /*fusable=*/0, 0, /*relu=*/true));
        QVERIFY2(built, describe(built.status()));
        auto p = plan::deserializePlan(built->data(), built->size());
        QVERIFY(p);
        QCOMPARE(p->network->numNodes(), 2);  // the plugin and the Relu
        EXPECT_CONTAINS(p->passLogJson, "does not take a fused Relu: the activation stays a separate layer");
        QuietLogger log;
        auto y = runPlan(*built, ramp(2), log);
        QVERIFY2(y, describe(y.status()));
        const HostTensor x = ramp(2);
        for (int64_t i = 0; i < 16; ++i) QCOMPARE(y->data<float>()[i], std::max(0.0f, 2.0f * x.data<float>()[i]));
    }

    void failingPluginGivesStatus() {
        Registered broken("Broken", "1");
        QuietLogger log;
        for (int mode : {1, 2}) {
            auto built = buildModel(pluginModel("Broken", 1.0f, 0, mode, false));
            QVERIFY2(built, describe(built.status()));
            auto y = runPlan(*built, ramp(1), log);
            QVERIFY(!y);
            const std::string text = y.status().toString();
            EXPECT_CONTAINS(text, "custom");
            EXPECT_CONTAINS(text, mode == 1 ? "enqueue failed (status 7): broken plugin: enqueue fails on purpose"
                                            : "threw in enqueue: broken plugin: enqueue throws on purpose");
        }
        auto net = Builder(log).createNetwork();
        Status st = parseInto(*net, pluginModel("Broken", 1.0f, 0, 3, false));
        QVERIFY(!st.isOk());
        EXPECT_CONTAINS(st.toString(), "threw in getOutputShapes: broken plugin: getOutputShapes throws on purpose");
    }

    void faultyLibraryAcrossTheBoundary() {
        // Exceptions thrown inside another shared library are caught the same way.
        auto loaded = plugins::PluginRegistry::global().loadLibrary(testLib("faulty"));
        QVERIFY2(loaded, describe(loaded.status()));
        QuietLogger log;
        for (int mode : {1, 2}) {
            auto bytes = pluginModel("Faulty", 0.0f, 0, mode, false, "kiln.test");
            auto built = buildModel(bytes);
            QVERIFY2(built, describe(built.status()));
            auto y = runPlan(*built, ramp(1), log);
            QVERIFY(!y);
            EXPECT_CONTAINS(y.status().toString(), mode == 1 ? "faulty plugin: enqueue failed on purpose"
                                                             : "faulty plugin: thrown on purpose");
        }
        auto net = Builder(log).createNetwork();
        Status refused = parseInto(*net, pluginModel("Faulty", 0.0f, 0, 4, false, "kiln.test"));
        QVERIFY(!refused.isOk());
        EXPECT_CONTAINS(refused.toString(), "faulty plugin: mode 4 refuses to be created");
    }
};

QTEST_GUILESS_MAIN(TestPlugins)
#include "test_plugins.moc"
