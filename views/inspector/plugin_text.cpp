#include "inspector/plugin_text.h"

#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <map>

#include "engine/engine_model.h"
#include "graph/labels.h"
#include "graph/node_category.h"
#include "inspector/html.h"
#include "plugin/plugin_layer.h"
#include "plugin/plugin_registry.h"

namespace kiln::views {

using html::esc;
using html::grey;
using html::rawRow;
using html::row;
using html::section;
using html::table;

namespace {

QString coloured(const QString& text, const char* colour) {
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(QLatin1String(colour), esc(text));
}
constexpr const char* kGood = "#2e7d32";
constexpr const char* kWarn = "#e65100";
constexpr const char* kBad = "#c62828";

QString domainName(const std::string& domain) { return domain.empty() ? QStringLiteral("ai.onnx") : qs(domain); }

// A plan attribute is typed; a report keeps the writer's text ("'1'", "tensor<uint8 [24]>").
std::string builtVersion(const ir::Node& node) {
    const ir::Attribute* a = node.attr(plugins::kVersionAttr);
    if (!a || !a->is<std::string>()) return {};
    std::string v = a->get<std::string>();
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
    return v;
}

// Bytes of the plugin's serialized parameters, or -1 when the layer has none.
qint64 serializedBytes(const ir::Node& node) {
    const ir::Attribute* a = node.attr(plugins::kDataAttr);
    if (!a) return -1;
    if (a->is<HostTensor>()) return qint64(a->get<HostTensor>().byteSize());
    if (!a->is<std::string>()) return -1;
    static const QRegularExpression text(QStringLiteral("^tensor<u?int8 \\[(\\d+)\\]>"));
    const QRegularExpressionMatch m = text.match(qs(a->get<std::string>()));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

QString fieldList(const std::vector<std::string>& fields) {
    QStringList names;
    for (const std::string& f : fields) names << qs(f);
    return names.join(QStringLiteral(", "));
}

}  // namespace

RequiredPlugin::State pluginState(const plan::PluginRecord& record, std::string* loadedVersion, std::string* loadedLibrary) {
    // The runtime's rule (runtime.cpp): type, namespace and version must match; another build
    // of the same version runs with a warning.
    const auto loaded = plugins::PluginRegistry::global().find(record.domain, record.type);
    if (!loaded) return RequiredPlugin::State::Missing;
    if (loadedVersion) *loadedVersion = loaded->version;
    if (loadedLibrary) *loadedLibrary = loaded->library;
    if (loaded->version != record.version) return RequiredPlugin::State::OtherVersion;
    if (!record.libraryHash.empty() && !loaded->libraryHash.empty() && record.libraryHash != loaded->libraryHash)
        return RequiredPlugin::State::OtherBuild;
    return RequiredPlugin::State::Loaded;
}

std::vector<RequiredPlugin> requiredPlugins(const EngineModel& engine) {
    std::vector<plan::PluginRecord> records = engine.plan().plugins;
    if (records.empty()) {
        for (const auto& n : engine.network().nodes()) {
            if (!plugins::isBuiltPluginNode(*n)) continue;
            auto same = [&](const plan::PluginRecord& r) { return r.type == n->opType() && r.domain == n->domain(); };
            auto it = std::find_if(records.begin(), records.end(), same);
            if (it == records.end()) {
                records.push_back({n->opType(), n->domain(), builtVersion(*n), {}, {}, {}});
                it = records.end() - 1;
            }
            it->layers.push_back(n->name());
        }
    }
    std::vector<RequiredPlugin> out;
    for (plan::PluginRecord& r : records) {
        RequiredPlugin p;
        p.state = pluginState(r, &p.loadedVersion, &p.loadedLibrary);
        p.record = std::move(r);
        out.push_back(std::move(p));
    }
    return out;
}

QString PluginText::title(const std::string& type, const std::string& version, const std::string& domain) {
    if (version.empty()) return QStringLiteral("%1 (%2)").arg(qs(type), domainName(domain));
    return QStringLiteral("%1 %2 (%3)").arg(qs(type), qs(version), domainName(domain));
}

QString PluginText::libraryName(const std::string& path) {
    return path.empty() ? tr("built into the program (no library)") : QFileInfo(qs(path)).fileName();
}

bool PluginText::isInternalAttribute(const std::string& name) {
    return name == plugins::kVersionAttr || name == plugins::kDataAttr;
}

QString PluginText::modelSection(const ir::Graph& graph) {
    std::map<QString, std::pair<int, QString>> used;  // plugin -> (nodes, library)
    std::map<QString, int> missing;                   // op (domain) -> nodes
    for (const auto& n : graph.nodes()) {
        const NodeCategory category = categoryOfNode(*n, false);
        if (category == NodeCategory::Unsupported) {
            missing[QStringLiteral("%1 (%2)").arg(qs(n->opType()), domainName(n->domain()))] += 1;
        } else if (category == NodeCategory::Plugin) {
            if (const auto info = plugins::PluginRegistry::global().find(n->domain(), n->opType())) {
                auto& u = used[title(info->type, info->version, info->domain)];
                u.first += 1;
                u.second = libraryName(info->library);
            }
        }
    }
    if (used.empty() && missing.empty()) return {};
    QString rows;
    for (const auto& [plugin, u] : used) rows += row(plugin, tr("×%1 · %2").arg(u.first).arg(u.second));
    for (const auto& [op, count] : missing) rows += rawRow(op, coloured(tr("×%1 · not implemented").arg(count), kBad));
    return section(tr("Plugins")) + table(rows);
}

QString PluginText::nodeSection(const ir::Node& node) {
    const NodeCategory category = categoryOfNode(node, false);
    if (category == NodeCategory::Unsupported) {
        const QString op = QStringLiteral("%1 (%2)").arg(qs(node.opType()), domainName(node.domain()));
        return section(tr("Not implemented")) +
               QStringLiteral("<p>%1</p><p>%2</p>")
                   .arg(coloured(tr("Neither Kiln nor a loaded plugin implements %1. The studio shows the node, but Kiln "
                                    "cannot build or run the model.").arg(op), kBad),
                        esc(tr("Load a plugin library that provides it: Edit ▸ Preferences ▸ Plugins.")));
    }
    if (category != NodeCategory::Plugin) return {};
    const auto info = plugins::PluginRegistry::global().find(node.domain(), node.opType());
    if (!info) return {};
    QString rows = row(tr("Plugin"), title(info->type, info->version, info->domain));
    rows += row(tr("Library"), libraryName(info->library));
    if (!info->library.empty()) rows += rawRow(QString(), grey(QFileInfo(qs(info->library)).absolutePath()));
    if (!info->libraryHash.empty()) rows += row(tr("Library hash"), QStringLiteral("xxh64 %1").arg(qs(info->libraryHash)));
    rows += row(tr("Attributes it reads"), info->fields.empty() ? tr("none") : fieldList(info->fields));
    return section(tr("Plugin layer")) + table(rows);
}

QString PluginText::layerSection(const EngineModel& engine, const ir::Node& node) {
    if (!plugins::isBuiltPluginNode(node)) return {};
    const std::string version = builtVersion(node);
    RequiredPlugin required;
    required.record = {node.opType(), node.domain(), version, {}, {}, {node.name()}};
    for (RequiredPlugin& p : requiredPlugins(engine))
        if (p.record.type == node.opType() && p.record.domain == node.domain()) required = std::move(p);
    required.state = pluginState(required.record, &required.loadedVersion, &required.loadedLibrary);
    const plan::PluginRecord& r = required.record;
    QString rows = row(tr("Plugin"), title(r.type, version.empty() ? r.version : version, r.domain));
    if (!engine.plan().plugins.empty()) {
        rows += row(tr("Library"), libraryName(r.library));
        if (!r.libraryHash.empty()) rows += row(tr("Library hash"), QStringLiteral("xxh64 %1").arg(qs(r.libraryHash)));
    }
    const qint64 bytes = serializedBytes(node);
    if (bytes >= 0)
        rows += row(tr("Parameters"), tr("%1 bytes of serialized parameters").arg(QLocale().toString(bytes)));
    rows += rawRow(tr("In this process"), stateText(required));
    if (required.state != RequiredPlugin::State::Missing) {
        if (const auto info = plugins::PluginRegistry::global().find(r.domain, r.type))
            rows += row(tr("Attributes it reads"), info->fields.empty() ? tr("none") : fieldList(info->fields));
    }
    return section(tr("Plugin layer")) + table(rows);
}

QString PluginText::engineSection(const EngineModel& engine) {
    const std::vector<RequiredPlugin> required = requiredPlugins(engine);
    if (required.empty()) return {};
    QString rows;
    for (const RequiredPlugin& p : required) {
        const plan::PluginRecord& r = p.record;
        QStringList detail;
        if (!engine.plan().plugins.empty()) detail << libraryName(r.library);
        if (!r.libraryHash.empty()) detail << QStringLiteral("xxh64 %1").arg(qs(r.libraryHash));
        QStringList layers;
        for (const std::string& l : r.layers) layers << qs(l);
        detail << tr("layers: %1").arg(layers.join(QStringLiteral(", ")));
        rows += rawRow(title(r.type, r.version, r.domain), stateText(p) + QStringLiteral("<br>") + grey(detail.join(QStringLiteral(" · "))));
    }
    return section(tr("Plugins this engine needs")) + table(rows);
}

QString PluginText::stateText(const RequiredPlugin& p) {
    switch (p.state) {
    case RequiredPlugin::State::Loaded:
        return coloured(tr("loaded (%1)").arg(libraryName(p.loadedLibrary)), kGood);
    case RequiredPlugin::State::OtherBuild:
        return coloured(tr("loaded from another build of the library (%1): runs, with a warning").arg(libraryName(p.loadedLibrary)), kWarn);
    case RequiredPlugin::State::OtherVersion:
        return coloured(tr("other version loaded: %1 (%2); the engine cannot run")
                            .arg(qs(p.loadedVersion), libraryName(p.loadedLibrary)), kBad);
    case RequiredPlugin::State::Missing:
        break;
    }
    return coloured(tr("missing: load its library to run the engine"), kBad);
}

}  // namespace kiln::views
