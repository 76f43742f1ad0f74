// The .plan file format: round trips of the optimized samples (graph, records, weights bit for
// bit, CPU outputs bit for bit), deterministic bytes, a corrupted-plan corpus (truncations, byte
// flips, crafted headers, tables and sections: all rejected with a clear message, none crash),
// and the passport compatibility rules.
#include <QtTest>

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <random>
#include <tuple>

#include <nlohmann/json.hpp>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "backends/cpu/cpu_executor.h"
#include "core/file_io.h"
#include "onnx/importer.h"
#include "passes/pipeline.h"
#include "plan/plan_format.h"
#include "support/test_support.h"

using namespace kiln;
using Bytes = std::vector<uint8_t>;
using Json = nlohmann::json;

namespace {

// --- building plausible plans from the samples ---
plan::Plan makePlan(const std::string& model) {
    plan::Plan p;
    const std::string path = test::sampleModel(model + ".onnx");
    auto g = onnx::importModelFile(path);
    if (!g) qFatal("import %s: %s", model.c_str(), g.status().toString().c_str());
    passes::PassLog log;
    Status st = passes::optimize(**g, {.level = 3}, &log);
    if (!st.isOk()) qFatal("optimize %s: %s", model.c_str(), st.toString().c_str());
    p.network = std::move(g).value();
    const ir::Graph& net = *p.network;
    auto bytes = readWholeFile(path);
    p.passport = plan::currentCpuPassport();
    p.passport.sourceModelSha256 = plan::sha256Hex(bytes->data(), bytes->size());
    p.passport.sourceModelName = model + ".onnx";
    p.passport.buildOptions = "--builderOptimizationLevel=3";
    p.passLogJson = log.toJson();

    const char* precisions[] = {"FP32", "FP16", "INT8", "TF32"};
    std::map<const ir::Node*, int> index;
    for (int i = 0; i < net.numNodes(); ++i) {
        index[net.nodes()[size_t(i)].get()] = i;
        double ms = 0.01 * (i + 1);
        p.layers.push_back({precisions[i % 4], "cpu.reference", ms,
                            {{"cpu.reference", ms, true, ""}, {"cpu.im2col", -1.0, false, "needs 2 GiB workspace"}}});
    }
    int64_t offset = 0;
    for (const ir::Value* v : net.values()) {
        if (v->constant()) continue;
        plan::BufferRecord b{v->name(), offset, 0, v->producer() ? index[v->producer()] : -1, -1, "", 0};
        int64_t numel = 1;
        for (const Dim& d : v->shape().dims()) numel *= d.isKnown() ? d.value : 8;
        b.bytes = numel * int64_t(std::max<size_t>(dataTypeSize(v->dtype()), 1));
        for (const ir::Node* c : v->consumers()) b.lastLayer = std::max(b.lastLayer, index[c]);
        if (v->isGraphOutput()) b.lastLayer = net.numNodes();
        offset += (b.bytes + 255) / 256 * 256;
        p.memory.buffers.push_back(b);
    }
    p.memory.arenaBytes = p.memory.noReuseBytes = offset;
    plan::BufferRecord& view = p.memory.buffers.back();  // a view of the first buffer
    view.aliasOf = p.memory.buffers.front().tensor;
    view.offset = p.memory.buffers.front().offset;
    view.bytes = std::min(view.bytes, p.memory.buffers.front().bytes);
    plan::Profile profile;
    for (const ir::Value* v : net.runtimeInputs()) {
        plan::ShapeRange r;
        for (const Dim& d : v->shape().dims()) {
            r.min.push_back(d.isKnown() ? d.value : 1);
            r.opt.push_back(d.isKnown() ? d.value : 4);
            r.max.push_back(d.isKnown() ? d.value : 8);
        }
        profile.inputs.emplace_back(v->name(), r);
    }
    p.profiles = {profile, profile};
    for (size_t i = 0; i < p.memory.buffers.size() && i < 6; ++i)
        p.calibration.push_back({p.memory.buffers[i].tensor, 0.02f * float(i + 1), 2.54f * float(i + 1)});
    return p;
}

Bytes serialize(const plan::Plan& p) {
    auto b = plan::serializePlan(p);
    if (!b) qFatal("serialize: %s", b.status().toString().c_str());
    return std::move(b).value();
}

// --- comparing graphs and records; "" when equal ---
bool sameTensor(const HostTensor& a, const HostTensor& b) {
    return a.dtype() == b.dtype() && a.dims() == b.dims() &&
           (a.byteSize() == 0 || std::memcmp(a.raw(), b.raw(), a.byteSize()) == 0);
}

bool sameAttribute(const ir::Attribute& a, const ir::Attribute& b) {
    if (a.kind() != b.kind()) return false;
    if (a.is<float>()) return std::bit_cast<uint32_t>(a.get<float>()) == std::bit_cast<uint32_t>(b.get<float>());
    if (a.is<std::vector<float>>()) {
        const auto &x = a.get<std::vector<float>>(), &y = b.get<std::vector<float>>();
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * 4) == 0);
    }
    if (a.is<HostTensor>()) return sameTensor(a.get<HostTensor>(), b.get<HostTensor>());
    if (a.is<int64_t>()) return a.get<int64_t>() == b.get<int64_t>();
    if (a.is<std::string>()) return a.get<std::string>() == b.get<std::string>();
    if (a.is<std::vector<int64_t>>()) return a.get<std::vector<int64_t>>() == b.get<std::vector<int64_t>>();
    return a.get<std::vector<std::string>>() == b.get<std::vector<std::string>>();
}

std::vector<std::string> names(const std::vector<ir::Value*>& vs) {
    std::vector<std::string> out;
    for (const ir::Value* v : vs) out.push_back(v ? v->name() : "");
    return out;
}

std::string graphDiff(const ir::Graph& a, const ir::Graph& b) {
    const ir::ModelInfo &x = a.info(), &y = b.info();
    if (x.irVersion != y.irVersion || x.producerName != y.producerName || x.producerVersion != y.producerVersion ||
        x.domain != y.domain || x.docString != y.docString || x.graphName != y.graphName ||
        x.modelVersion != y.modelVersion || x.opsets != y.opsets || x.metadata != y.metadata)
        return "model info differs";
    auto va = a.values(), vb = b.values();
    if (va.size() != vb.size()) return "value count differs";
    for (size_t i = 0; i < va.size(); ++i) {
        const ir::Value &p = *va[i], &q = *vb[i];
        if (p.name() != q.name() || p.dtype() != q.dtype() || p.shape() != q.shape())
            return "value " + p.name() + " differs (" + p.shape().toString() + " vs " + q.shape().toString() + ")";
        if (bool(p.constant()) != bool(q.constant()) || (p.constant() && !sameTensor(*p.constant(), *q.constant())))
            return "constant " + p.name() + " differs";
        if (p.isGraphInput() != q.isGraphInput() || p.isGraphOutput() != q.isGraphOutput())
            return "io role of " + p.name();
    }
    if (names(a.inputs()) != names(b.inputs()) || names(a.outputs()) != names(b.outputs())) return "graph io differs";
    if (a.numNodes() != b.numNodes()) return "layer count differs";
    for (int i = 0; i < a.numNodes(); ++i) {
        const ir::Node &n = *a.nodes()[size_t(i)], &m = *b.nodes()[size_t(i)];
        if (n.name() != m.name() || n.opType() != m.opType() || n.domain() != m.domain() ||
            n.opsetVersion() != m.opsetVersion() || n.docString() != m.docString() || n.origins() != m.origins() ||
            names(n.inputs()) != names(m.inputs()) || names(n.outputs()) != names(m.outputs()))
            return "layer " + n.name() + " differs";
        if (n.attributes().size() != m.attributes().size()) return "attribute count of " + n.name();
        for (const auto& [key, attr] : n.attributes())
            if (!m.attr(key) || !sameAttribute(attr, *m.attr(key))) return "attribute " + key + " of " + n.name();
    }
    return {};
}

auto key(const plan::Passport& p) {
    return std::tie(p.kilnVersion, p.backend, p.deviceName, p.computeCapabilityMajor, p.computeCapabilityMinor,
                    p.multiprocessorCount, p.cudaVersion, p.cudnnVersion, p.cublasVersion, p.buildOptions,
                    p.sourceModelSha256, p.sourceModelName, p.createdUnixSeconds);
}
auto key(const plan::TacticCandidate& c) { return std::tie(c.tactic, c.milliseconds, c.chosen, c.rejected); }
auto key(const plan::BufferRecord& b) {
    return std::tie(b.tensor, b.offset, b.bytes, b.firstLayer, b.lastLayer, b.aliasOf, b.aliasOffset);
}
auto key(const plan::CalibrationRecord& c) { return std::tie(c.tensor, c.scale, c.amax); }
auto key(const std::pair<std::string, plan::ShapeRange>& i) {
    return std::tie(i.first, i.second.min, i.second.opt, i.second.max);
}
template <typename T>
bool sameList(const std::vector<T>& a, const std::vector<T>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](auto& x, auto& y) { return key(x) == key(y); });
}

std::string recordsDiff(const plan::Plan& a, const plan::Plan& b) {
    if (key(a.passport) != key(b.passport)) return "passport";
    if (a.layers.size() != b.layers.size()) return "layer record count";
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const auto &l = a.layers[i], &m = b.layers[i];
        if (std::tie(l.precision, l.tactic, l.milliseconds) != std::tie(m.precision, m.tactic, m.milliseconds) ||
            !sameList(l.candidates, m.candidates))
            return "layer record " + std::to_string(i);
    }
    const auto &ma = a.memory, &mb = b.memory;
    if (std::tie(ma.alignment, ma.arenaBytes, ma.noReuseBytes) !=
            std::tie(mb.alignment, mb.arenaBytes, mb.noReuseBytes) ||
        !sameList(ma.buffers, mb.buffers))
        return "memory plan";
    if (a.profiles.size() != b.profiles.size()) return "profile count";
    for (size_t i = 0; i < a.profiles.size(); ++i)
        if (!sameList(a.profiles[i].inputs, b.profiles[i].inputs)) return "profile " + std::to_string(i);
    if (!sameList(a.calibration, b.calibration)) return "calibration";
    return a.passLogJson == b.passLogJson ? std::string() : "passlog";
}

// --- crafting damaged files ---
uint64_t loadU64(const Bytes& b, size_t at) {
    uint64_t v = 0;
    std::memcpy(&v, b.data() + at, 8);
    return v;
}
void storeU32(Bytes& b, size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }
void storeU64(Bytes& b, size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); }
uint64_t hash(const uint8_t* p, size_t n) { return XXH64(p, n, 0); }

// Recomputes the table, header and file checksums after an edit, so that only the check
// under test can catch it.
void reseal(Bytes& b) {
    const size_t tableBytes = size_t(uint32_t(loadU64(b, 24))) * plan::kSectionEntrySize;
    if (plan::kHeaderSize + tableBytes <= b.size()) storeU64(b, 32, hash(b.data() + plan::kHeaderSize, tableBytes));
    storeU64(b, 40, hash(b.data(), 40));
    storeU64(b, b.size() - 8, hash(b.data(), b.size() - 8));
}

// A file from (id, bytes) sections, laid out exactly as the writer does.
Bytes layOut(const std::vector<std::pair<uint32_t, Bytes>>& sections) {
    size_t cursor = plan::kHeaderSize + sections.size() * plan::kSectionEntrySize;
    std::vector<size_t> offsets;
    for (const auto& s : sections) {
        cursor = (cursor + 63) / 64 * 64;
        offsets.push_back(cursor);
        cursor += s.second.size();
    }
    Bytes b((cursor + 7) / 8 * 8 + 8, 0);
    std::memcpy(b.data(), "KILNPLAN", 8);
    storeU32(b, 8, plan::kFormatVersion);
    storeU32(b, 12, plan::kHeaderSize);
    storeU64(b, 16, b.size());
    storeU32(b, 24, uint32_t(sections.size()));
    for (size_t i = 0; i < sections.size(); ++i) {
        const size_t e = plan::kHeaderSize + i * plan::kSectionEntrySize;
        storeU32(b, e, sections[i].first);
        storeU64(b, e + 8, offsets[i]);
        storeU64(b, e + 16, sections[i].second.size());
        storeU64(b, e + 24, hash(sections[i].second.data(), sections[i].second.size()));
        std::copy(sections[i].second.begin(), sections[i].second.end(), b.begin() + long(offsets[i]));
    }
    reseal(b);
    return b;
}

std::vector<plan::SectionInfo> tableOf(const Bytes& file) {
    auto t = plan::readSectionTable(file.data(), file.size());
    if (!t) qFatal("section table: %s", t.status().toString().c_str());
    return std::move(t).value();
}

std::vector<std::pair<uint32_t, Bytes>> sectionsOf(const Bytes& file) {
    std::vector<std::pair<uint32_t, Bytes>> out;
    for (const plan::SectionInfo& s : tableOf(file))
        out.emplace_back(s.id, Bytes(file.begin() + long(s.offset), file.begin() + long(s.offset + s.size)));
    return out;
}

// Decodes a CBOR section, lets `edit` change it, and lays the file out again.
Bytes editSection(const Bytes& file, plan::SectionId id, const std::function<void(Json&)>& edit) {
    auto sections = sectionsOf(file);
    for (auto& [sid, bytes] : sections)
        if (sid == uint32_t(id)) {
            Json j = Json::from_cbor(bytes);
            edit(j);
            bytes = Json::to_cbor(j);
        }
    return layOut(sections);
}

size_t tableEntry(const Bytes& file, plan::SectionId id) {
    for (uint32_t i = 0; i < uint32_t(loadU64(file, 24)); ++i) {
        uint32_t sid = 0;
        std::memcpy(&sid, file.data() + plan::kHeaderSize + i * plan::kSectionEntrySize, 4);
        if (sid == uint32_t(id)) return plan::kHeaderSize + i * plan::kSectionEntrySize;
    }
    qFatal("no such section");
}

// Recomputes one section's checksum in the table (after editing its bytes), then reseals.
void resealSection(Bytes& b, size_t entry) {
    storeU64(b, entry + 24, hash(b.data() + loadU64(b, entry + 8), size_t(loadU64(b, entry + 16))));
    reseal(b);
}

QString rejectMessage(const Bytes& b) {
    auto p = plan::deserializePlan(b.data(), b.size());
    return p ? QString() : QString::fromStdString(p.status().message());
}

}  // namespace

class TestPlan : public QObject {
    Q_OBJECT

    std::map<std::string, plan::Plan> m_plans;
    const plan::Plan& samplePlan(const std::string& model) {
        if (!m_plans.count(model)) m_plans[model] = makePlan(model);
        return m_plans[model];
    }

private slots:
    void roundTrip_data() {
        QTest::addColumn<QString>("model");
        for (const char* m : {"resnet_mini", "encoder_mini", "lenet5"}) QTest::newRow(m) << QString(m);
    }
    void roundTrip() {
        QFETCH(QString, model);
        const plan::Plan& original = samplePlan(model.toStdString());
        Bytes bytes = serialize(original);
        QVERIFY(bytes == serialize(original));  // deterministic
        auto back = plan::deserializePlan(bytes.data(), bytes.size());
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(QString::fromStdString(graphDiff(*original.network, *back->network)), QString());
        QCOMPARE(QString::fromStdString(recordsDiff(original, *back)), QString());
        QVERIFY(serialize(*back) == bytes);  // nothing lost or reordered on the way back
        // The copy owns its weights: the buffer may go away.
        for (const ir::Value* v : back->network->values())
            if (v->constant()) QVERIFY(!(v->constant()->raw() >= (void*)bytes.data() &&
                                         v->constant()->raw() < (void*)(bytes.data() + bytes.size())));
        auto sections = plan::readSectionTable(bytes.data(), bytes.size());
        KILN_VERIFY_EXPECTED(sections);
        QString layout;
        for (const auto& s : *sections)
            layout += QString(" %1=%2").arg(QString::fromStdString(plan::sectionName(s.id))).arg(s.size);
        qInfo("%s: %d layers, plan %zu bytes:%s", qPrintable(model), original.network->numNodes(), bytes.size(),
              qPrintable(layout));
    }

    void deserializedNetworkRunsBitIdentical_data() { roundTrip_data(); }
    void deserializedNetworkRunsBitIdentical() {
        QFETCH(QString, model);
        const plan::Plan& original = samplePlan(model.toStdString());
        Bytes bytes = serialize(original);
        auto back = plan::deserializePlan(bytes.data(), bytes.size());
        KILN_VERIFY_EXPECTED(back);
        auto inputs = cpu::makeRandomInputs(*original.network, 7, {}, 2);
        KILN_VERIFY_EXPECTED(inputs);
        cpu::CpuExecutor a(*original.network), b(*back->network);
        auto ra = a.run(*inputs);
        auto rb = b.run(*inputs);
        KILN_VERIFY_EXPECTED(ra);
        KILN_VERIFY_EXPECTED(rb);
        QCOMPARE(ra->size(), rb->size());
        for (const auto& [name, t] : *ra) {
            QVERIFY(rb->count(name));
            QVERIFY2(sameTensor(t, rb->at(name)), name.c_str());
        }
    }

    void everyIrFeatureSurvives() {
        // What the samples may not have: unknown ranks, symbols, dims with a value and a symbol,
        // omitted inputs, all attribute kinds (NaN / -0.0 floats), a bool tensor attribute, an
        // empty constant, metadata, an unbuilt network (no layer records).
        plan::Plan p;
        p.passport = plan::currentCpuPassport();
        p.network = std::make_unique<ir::Graph>();
        ir::Graph& g = *p.network;
        g.info().opsets = {{"", 17}, {"kiln", 1}};
        g.info().metadata = {{"author", "test"}, {"bytes", std::string("a\0b\xff", 4)}};
        ir::Value* x = *g.addValue("x");
        x->setType(DataType::Float16);
        Dim both(5);
        both.symbol = "five";
        x->setShape(Shape({Dim::symbolic("batch"), Dim::unknown(), both, Dim(0)}));
        g.addInput(x);
        ir::Value* empty = *g.addValue("empty");
        empty->setConstant(HostTensor(DataType::Int64, {0, 3}));
        ir::Value* w = *g.addValue("w");
        w->setConstant(HostTensor::fromVector<float>({2}, {1.5f, -0.0f}));
        ir::Value* y = *g.addValue("y");
        ir::Value* z = *g.addValue("z");
        z->setType(DataType::BFloat16);
        ir::Node* n = g.addNode("odd", "Custom", "kiln", {x, nullptr, w, empty}, {y, nullptr});
        n->setOpsetVersion(1);
        n->setDocString("a layer with every attribute kind");
        n->setOrigins({"A", "B", "C"});
        n->setAttr("f", ir::Attribute(std::numeric_limits<float>::quiet_NaN()));
        n->setAttr("g", ir::Attribute(-0.0f));
        n->setAttr("i", ir::Attribute(int64_t(-1) << 62));
        n->setAttr("s", ir::Attribute(std::string("text")));
        n->setAttr("t", ir::Attribute(HostTensor::fromVector<bool>({3}, {true, false, true})));
        n->setAttr("fs", ir::Attribute(std::vector<float>{1.f, std::numeric_limits<float>::infinity()}));
        n->setAttr("is", ir::Attribute(std::vector<int64_t>{}));
        n->setAttr("ss", ir::Attribute(std::vector<std::string>{"a", ""}));
        g.addNode("", "Identity", "", {y}, {z});
        g.addOutput(z);
        KILN_VERIFY_OK(g.verify());
        Bytes bytes = serialize(p);
        auto back = plan::deserializePlan(bytes.data(), bytes.size());
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(QString::fromStdString(graphDiff(g, *back->network)), QString());
        QVERIFY(back->layers.empty());
        QVERIFY(serialize(*back) == bytes);
    }

    void filesAndPassport() {
        const plan::Plan& p = samplePlan("lenet5");
        QTemporaryDir dir;
        const std::string path = dir.filePath("lenet5.plan").toStdString();
        KILN_VERIFY_OK(plan::writePlanFile(path, p));
        auto back = plan::readPlanFile(path);
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(QString::fromStdString(recordsDiff(p, *back)), QString());
        QVERIFY(!plan::readPlanFile(dir.filePath("missing.plan").toStdString()));
        Bytes bytes = serialize(p);
        // The passport comes from the beginning of the file alone, weights unread.
        const size_t passportEnd = [&] {
            for (const auto& s : tableOf(bytes))
                if (s.id == uint32_t(plan::SectionId::Passport)) return size_t(s.offset + s.size);
            return size_t(0);
        }();
        auto passport = plan::readPassport(bytes.data(), passportEnd);
        KILN_VERIFY_EXPECTED(passport);
        QCOMPARE(passport->sourceModelSha256, p.passport.sourceModelSha256);
        QCOMPARE(passport->backend, std::string("cpu"));
        auto cut = plan::readPassport(bytes.data(), passportEnd - 1);
        QVERIFY(!cut);
        QVERIFY2(cut.status().message().find("truncated") != std::string::npos, cut.status().message().c_str());
        QCOMPARE(plan::sha256Hex("abc", 3),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        plan::Plan bad;
        QCOMPARE(plan::serializePlan(bad).status().code(), StatusCode::InvalidArgument);
    }

    void corruptedCorpus_data() { roundTrip_data(); }
    void corruptedCorpus() {
        QFETCH(QString, model);
        const bool verbose = model == "resnet_mini";
        const Bytes good = serialize(samplePlan(model.toStdString()));
        QVERIFY(plan::deserializePlan(good.data(), good.size()));
        int cases = 0;
        std::map<std::string, int> kinds;
        auto expectRejected = [&](const Bytes& b, const QString& what, std::initializer_list<const char*> words) {
            ++cases;
            QString msg = rejectMessage(b);
            if (msg.isEmpty()) QFAIL(qPrintable("accepted: " + what));
            bool any = words.size() == 0;
            for (const char* w : words) any = any || msg.contains(w);
            if (!any) QFAIL(qPrintable(what + ": unexpected message: " + msg));
            const char* kind = msg.contains("checksum mismatch") ? "checksum"
                               : msg.contains("truncated")       ? "truncated"
                               : msg.contains("not a Kiln plan") || msg.contains("empty") ? "not a plan"
                               : msg.contains("format version")  ? "version"
                                                                 : "bounds/consistency";
            ++kinds[kind];
        };
        // Truncations: every section boundary (and one byte either side), every header field,
        // and a few hundred seeded offsets.
        std::vector<size_t> cuts = {0, 1, 7, 8, 12, 16, 24, 32, 40, 63, 64};
        for (const auto& s : tableOf(good))
            for (size_t at : {s.offset, s.offset + s.size})
                for (size_t d : {at - 1, at, at + 1})
                    if (d < good.size()) cuts.push_back(d);
        cuts.push_back(good.size() - 8);
        cuts.push_back(good.size() - 1);
        std::mt19937_64 rng(2024);
        for (int i = 0; i < 300; ++i) cuts.push_back(rng() % good.size());
        for (size_t n : cuts)
            expectRejected(Bytes(good.begin(), good.begin() + long(n)), QString("cut at %1").arg(n),
                           {"truncated", "empty"});
        // Single-byte flips at 500 seeded positions (the first 64 in the header and table).
        for (int i = 0; i < 500; ++i) {
            Bytes b = good;
            const size_t at = i < 64 ? rng() % 512 : rng() % b.size();
            b[at] ^= uint8_t(1 + rng() % 255);
            expectRejected(b, QString("flip at %1").arg(at), {"checksum", "not a Kiln plan", "version"});
        }
        auto crafted = [&](const char* what, std::initializer_list<const char*> words,
                           const std::function<void(Bytes&)>& edit) {
            Bytes b = good;
            edit(b);
            expectRejected(b, what, words);
            if (verbose) qInfo("  %-30s -> %s", what, qPrintable(rejectMessage(b)));
        };
        // The edit, then every checksum recomputed, so that only the check under test can catch it.
        auto resealed = [&](const char* what, std::initializer_list<const char*> words,
                            const std::function<void(Bytes&)>& edit) {
            crafted(what, words, [&](Bytes& b) { edit(b); reseal(b); });
        };
        using plan::SectionId;
        const auto offsetField = [](const Bytes& b, SectionId id) { return tableEntry(b, id) + 8; };
        crafted("wrong magic", {"not a Kiln plan"}, [](Bytes& b) { b[3] = 'X'; });
        crafted("ZIP archive", {"ZIP"}, [](Bytes& b) { std::memcpy(b.data(), "PK\x03\x04\x14\x00\x00\x00", 8); });
        resealed("format version 2", {"version 2 is not supported", "reads version 1"},
                 [](Bytes& b) { storeU32(b, 8, 2); });
        crafted("wrong file checksum", {"plan checksum mismatch"}, [](Bytes& b) { b[b.size() - 3] ^= 0x40; });
        crafted("wrong header checksum", {"header checksum"}, [](Bytes& b) { b[41] ^= 1; });
        resealed("wrong section checksum", {"section NETWORK: checksum mismatch"},
                 [&](Bytes& b) { b[loadU64(b, offsetField(b, SectionId::Network)) + 5] ^= 0x10; });
        resealed("section past the end", {"past the end"},
                 [&](Bytes& b) { storeU64(b, offsetField(b, SectionId::Weights), (b.size() + 63) / 64 * 64 + 64); });
        resealed("section size overflows", {"past the end"},
                 [&](Bytes& b) { storeU64(b, offsetField(b, SectionId::Weights) + 8, ~uint64_t(0) - 10); });
        resealed("overlapping sections", {"overlaps"}, [&](Bytes& b) {
            storeU64(b, offsetField(b, SectionId::Memory), loadU64(b, offsetField(b, SectionId::Network)));
        });
        resealed("section inside the table", {"inside the header"},
                 [&](Bytes& b) { storeU64(b, offsetField(b, SectionId::Passport), 64); });
        resealed("duplicate section", {"twice"},
                 [](Bytes& b) { storeU32(b, tableEntry(b, SectionId::Memory), uint32_t(SectionId::Bindings)); });
        resealed("missing NETWORK", {"has no NETWORK section"},
                 [](Bytes& b) { storeU32(b, tableEntry(b, SectionId::Network), 99); });
        resealed("file size field too large", {"truncated"}, [](Bytes& b) { storeU64(b, 16, b.size() + 100); });
        crafted("appended bytes", {"extra bytes"}, [](Bytes& b) { b.resize(b.size() + 16); });
        resealed("10,000 sections", {"sections"}, [](Bytes& b) { storeU32(b, 24, 10000); });
        // Crafted content with valid checksums: the semantic checks.
        auto section = [&](const char* what, plan::SectionId id, std::initializer_list<const char*> words,
                           const std::function<void(Json&)>& edit) {
            crafted(what, words, [&](Bytes& b) { b = editSection(b, id, edit); });
        };
        auto firstConst = [](Json& j) -> Json& {
            for (Json& v : j["values"])
                if (v.contains("const")) return v["const"];
            qFatal("no constant");
        };
        section("weight past WEIGHTS", SectionId::Network, {"outside the WEIGHTS"},
                [&](Json& j) { firstConst(j)["offset"] = uint64_t(1) << 62; });
        section("weight size != numel * size", SectionId::Network, {"needs"},
                [&](Json& j) { firstConst(j)["size"] = firstConst(j)["size"].get<uint64_t>() + 4; });
        section("weight dims overflow", SectionId::Network, {"invalid"},
                [&](Json& j) { firstConst(j)["dims"] = {int64_t(1) << 40, int64_t(1) << 40}; });
        section("weight dtype 99", SectionId::Network, {"not valid"}, [&](Json& j) { firstConst(j)["dtype"] = 99; });
        section("layer reads undefined tensor", SectionId::Network, {"reads tensor 'x9' that the plan does not define"},
                [](Json& j) { j["layers"][1]["inputs"][0] = "x9"; });
        section("graph output undefined", SectionId::Network, {"graph output 'nope'"},
                [](Json& j) { j["outputs"].push_back("nope"); });
        section("layers out of order", SectionId::Network, {"topological"},
                [](Json& j) {  // the last layer first: it reads what earlier layers produce
                    Json& layers = j["layers"];
                    Json last = layers.back();
                    layers.erase(layers.size() - 1);
                    layers.insert(layers.begin(), last);
                });
        section("field of the wrong type", SectionId::Network, {"not a string"},
                [](Json& j) { j["layers"][0]["op"] = 5; });
        section("buffer outside the arena", SectionId::Memory, {"outside the"},
                [](Json& j) { j["buffers"][0]["offset"] = j["arenaBytes"].get<int64_t>() - 1; });
        section("buffer of unknown tensor", SectionId::Memory, {"does not define"},
                [](Json& j) { j["buffers"][0]["tensor"] = "ghost"; });
        section("profile min > max", SectionId::Bindings, {"min <= opt <= max"},
                [](Json& j) { j["profiles"][0]["inputs"][0]["min"][0] = 1000; });
        crafted("deeply nested CBOR", {"nested"}, [](Bytes& b) {
            auto s = sectionsOf(b);
            for (auto& [id, bytes] : s)
                if (id == uint32_t(plan::SectionId::Calibration)) bytes = Bytes(100000, 0x81);
            b = layOut(s);
        });
        crafted("garbage CBOR", {"malformed CBOR"}, [](Bytes& b) {
            auto s = sectionsOf(b);
            for (auto& [id, bytes] : s)
                if (id == uint32_t(plan::SectionId::Memory)) bytes = Bytes{0xa1, 0x61, 'x', 0xff, 0x13};
            b = layOut(s);
        });
        // An ONNX model and an empty file passed as plans.
        auto onnxBytes = readWholeFile(test::sampleModel("lenet5.onnx"));
        Bytes onnxFile(onnxBytes->begin(), onnxBytes->end());
        expectRejected(onnxFile, "onnx", {"ONNX model"});
        if (verbose) qInfo("  %-30s -> %s", "ONNX model", qPrintable(rejectMessage(onnxFile)));
        expectRejected(Bytes{}, "empty", {"empty"});
        QString tally;
        for (const auto& [kind, n] : kinds) tally += QString(" %1 %2,").arg(n).arg(kind.c_str());
        qInfo("corrupted-plan corpus: %d cases, all rejected:%s", cases, qPrintable(tally.chopped(1)));

        // Forward compatibility: an unknown section is skipped.
        auto sections = sectionsOf(good);
        sections.emplace_back(42, Bytes{1, 2, 3});
        Bytes extended = layOut(sections);
        KILN_VERIFY_EXPECTED(plan::deserializePlan(extended.data(), extended.size()));
    }

    // Byte flips inside the structured sections with every checksum recomputed: the decoders
    // themselves must cope (reject or accept a still-consistent plan), never crash or hang.
    void resealedFlipsNeverCrash_data() { roundTrip_data(); }
    void resealedFlipsNeverCrash() {
        QFETCH(QString, model);
        const Bytes good = serialize(samplePlan(model.toStdString()));
        std::mt19937_64 rng(77);
        int rejected = 0, accepted = 0;
        for (plan::SectionId id : {plan::SectionId::Passport, plan::SectionId::Network, plan::SectionId::Memory,
                                   plan::SectionId::Bindings, plan::SectionId::Calibration}) {
            const size_t entry = tableEntry(good, id);
            const size_t offset = loadU64(good, entry + 8), size = loadU64(good, entry + 16);
            for (int i = 0; i < 200; ++i) {
                Bytes b = good;
                for (int k = 0; k < 1 + i % 3; ++k) b[offset + rng() % size] ^= uint8_t(1 + rng() % 255);
                resealSection(b, entry);
                auto p = plan::deserializePlan(b.data(), b.size());
                if (!p) {
                    ++rejected;
                    continue;
                }
                ++accepted;  // a flip in a name or a number can leave a consistent plan
                KILN_VERIFY_OK(p->network->verify());
                QVERIFY(plan::serializePlan(*p));
            }
        }
        qInfo("%s: 1,000 resealed section flips: %d rejected, %d still consistent", qPrintable(model), rejected,
              accepted);
    }

    void passportCompatibility() {
        plan::Passport cpuA = plan::currentCpuPassport(), cpuB = cpuA;
        cpuB.deviceName = "Some Other CPU";
        cpuB.multiprocessorCount = 3;
        cpuB.kilnVersion = "9.9.9";
        KILN_VERIFY_OK(plan::checkPassportCompatible(cpuA, cpuB, false));
        QCOMPARE(int(plan::passportWarnings(cpuA, cpuB).size()), 3);

        plan::Passport a100{"0.1.0", "cuda", "NVIDIA A100", 8, 0, 108, "13.0", "9.1.0", "13.0.0", "", "", "", 0};
        plan::Passport h100{"0.1.0", "cuda", "NVIDIA H100", 9, 0, 132, "13.0", "9.1.0", "13.0.0", "", "", "", 0};
        auto expectRefused = [](const Status& st, std::initializer_list<const char*> words) {
            QVERIFY(!st.isOk());
            for (const char* w : words) QVERIFY2(st.message().find(w) != std::string::npos, st.message().c_str());
            qInfo("  %s", st.message().c_str());
        };
        expectRefused(plan::checkPassportCompatible(a100, h100, false),
                      {"NVIDIA A100", "NVIDIA H100", "compute capability", "8.0", "9.0", "rebuild"});
        expectRefused(plan::checkPassportCompatible(a100, h100, true), {"compute capability", "even with"});
        plan::Passport h100b = h100;
        h100b.deviceName = "NVIDIA H100 PCIe";
        expectRefused(plan::checkPassportCompatible(h100b, h100, false), {"--allowForeignPlan", "allowForeignDevice"});
        KILN_VERIFY_OK(plan::checkPassportCompatible(h100b, h100, true));
        plan::Passport oldCuda = h100;
        oldCuda.cudaVersion = "12.4";
        expectRefused(plan::checkPassportCompatible(oldCuda, h100, false), {"CUDA", "--allowForeignPlan"});
        KILN_VERIFY_OK(plan::checkPassportCompatible(oldCuda, h100, true));
        expectRefused(plan::checkPassportCompatible(a100, cpuA, true), {"no CUDA GPU", "NVIDIA A100"});
        plan::Passport newer = h100;
        newer.kilnVersion = "0.2.0";
        KILN_VERIFY_OK(plan::checkPassportCompatible(newer, h100, false));
        QVERIFY(plan::passportWarnings(newer, h100).front().find("Kiln 0.2.0") != std::string::npos);
        KILN_VERIFY_OK(plan::checkPassportCompatible(cpuA, h100, false));  // a CPU plan runs anywhere
    }
};

QTEST_GUILESS_MAIN(TestPlan)
#include "test_plan.moc"
