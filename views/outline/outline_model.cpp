#include "outline/outline_model.h"

#include <QColor>
#include <algorithm>
#include <map>

#include "engine/engine_model.h"
#include "graph/labels.h"
#include "graph/node_category.h"
#include "outline/name_scopes.h"

namespace kiln::views {

OutlineModel::OutlineModel(QObject* parent) : QAbstractItemModel(parent) { build(); }

void OutlineModel::setGraph(const ir::Graph* graph) {
    beginResetModel();
    m_graph = graph;
    m_engine = nullptr;
    build();
    endResetModel();
}

void OutlineModel::setEngine(const EngineModel* engine) {
    beginResetModel();
    m_graph = engine ? &engine->network() : nullptr;
    m_engine = engine;
    build();
    endResetModel();
}

bool OutlineModel::hasTimeColumn() const { return m_engine && m_engine->hasLayerTimes(); }

int OutlineModel::addEntry(int parent, Entry e) {
    e.parent = parent;
    e.row = int(m_entries[size_t(parent)].children.size());
    m_entries.push_back(std::move(e));
    const int id = int(m_entries.size()) - 1;
    m_entries[size_t(parent)].children.push_back(id);
    return id;
}

void OutlineModel::build() {
    m_entries.clear();
    m_entries.push_back(Entry{});
    if (!m_graph) return;
    const auto inputs = m_graph->runtimeInputs();
    const int in = addEntry(0, {tr("Inputs"), QString::number(inputs.size())});
    for (const ir::Value* v : inputs) addEntry(in, {qs(v->name()), valueLabel(*v), -1, 0, {}, nullptr, v});
    const int out = addEntry(0, {tr("Outputs"), QString::number(m_graph->outputs().size())});
    for (const ir::Value* v : m_graph->outputs()) addEntry(out, {qs(v->name()), valueLabel(*v), -1, 0, {}, nullptr, v});
    const int nodes = addEntry(0, {tr("Nodes"), QString::number(m_graph->numNodes())});
    std::map<QString, std::vector<const ir::Node*>> byType;
    for (const auto& n : m_graph->nodes()) byType[qualifiedOpType(*n)].push_back(n.get());
    for (const auto& [type, list] : byType) {
        const int group = addEntry(nodes, {type, QString::number(list.size())});
        for (const ir::Node* n : list) {
            Entry e{qs(n->name()), type, -1, 0, {}, n, nullptr};
            addTimes(m_entries[size_t(group)], n, e);
            addEntry(group, std::move(e));
        }
    }
    addScopes();
}

// Scopes in graph order (layer.2 before layer.10). A chain of scopes that each hold one scope and
// no node shows as one row ("m/encoder"); each scope row counts the nodes under it and, for a
// profiled engine, sums their time. A fused layer is filed under its first origin's scope.
void OutlineModel::addScopes() {
    const NameScopes scopes(*m_graph);
    if (scopes.empty()) return;
    const int root = addEntry(0, {tr("Name scopes"), QString::number(m_graph->numNodes())});
    std::vector<std::pair<int, int>> work{{NameScopes::kRoot, root}};  // (scope, its entry)
    while (!work.empty()) {
        const auto [scope, entry] = work.back();
        work.pop_back();
        std::vector<std::pair<int, int>> next;
        for (int c : scopes.scope(scope).children) {
            Entry e{scopes.scope(c).label, QString::number(scopes.scope(c).count)};
            e.scope = scopes.scope(c).path;
            next.emplace_back(c, addEntry(entry, std::move(e)));
        }
        for (const ir::Node* n : scopes.scope(scope).nodes) {
            Entry e{qs(n->name()), qualifiedOpType(*n), -1, 0, {}, n, nullptr};
            Entry unused;
            addTimes(unused, n, e);
            const double ms = e.ms, share = e.share;
            const int id = addEntry(entry, std::move(e));
            if (ms < 0) continue;
            for (int a = m_entries[size_t(id)].parent; a > 0 && a >= root; a = m_entries[size_t(a)].parent) {
                m_entries[size_t(a)].ms = std::max(0.0, m_entries[size_t(a)].ms) + ms;
                m_entries[size_t(a)].share = std::max(0.0, m_entries[size_t(a)].share) + share;
            }
        }
        work.insert(work.end(), next.rbegin(), next.rend());
    }
}

void OutlineModel::addTimes(Entry& group, const ir::Node* node, Entry& entry) const {
    const LayerProfile* p = hasTimeColumn() ? m_engine->profile(node) : nullptr;
    if (!p) return;
    entry.ms = p->averageMs;
    entry.share = p->percentage;
    group.ms = std::max(0.0, group.ms) + p->averageMs;
    group.share = std::max(0.0, group.share) + p->percentage;
}

QVariant OutlineModel::timeData(const Entry& e, int role) const {
    if (e.ms < 0) return {};
    if (role == Qt::DisplayRole)
        return tr("%1 ms (%2%)").arg(e.ms, 0, 'f', e.ms < 0.1 ? 3 : 2).arg(e.share, 0, 'f', 0);
    if (role == Qt::ToolTipRole) return tr("%1% of the layer time").arg(e.share, 0, 'f', 1);
    if (role == Qt::BackgroundRole && e.node && m_engine->maxShare() > 0)
        return heatColor(e.share / m_engine->maxShare()).lighter(115);
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QModelIndex OutlineModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= columnCount() || row < 0) return {};
    if (parent.isValid() && parent.column() != 0) return {};
    const size_t p = parent.isValid() ? size_t(parent.internalId()) : 0;
    if (p >= m_entries.size() || size_t(row) >= m_entries[p].children.size()) return {};
    return createIndex(row, column, quintptr(m_entries[p].children[size_t(row)]));
}

QModelIndex OutlineModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    const Entry& e = m_entries[size_t(child.internalId())];
    if (e.parent <= 0) return {};
    return createIndex(m_entries[size_t(e.parent)].row, 0, quintptr(e.parent));
}

int OutlineModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0) return 0;
    const size_t p = parent.isValid() ? size_t(parent.internalId()) : 0;
    return p < m_entries.size() ? int(m_entries[p].children.size()) : 0;
}

int OutlineModel::columnCount(const QModelIndex&) const { return hasTimeColumn() ? 3 : 2; }

QVariant OutlineModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const Entry& e = m_entries[size_t(index.internalId())];
    if (index.column() == TimeColumn) return timeData(e, role);
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? e.name : e.detail;
    case Qt::ToolTipRole:
        if (e.node && e.node->origins().size() > 1) return e.name + QStringLiteral(" \u2014 ") + originsText(*e.node);
        return e.detail.isEmpty() ? e.name : e.name + QStringLiteral(" \u2014 ") + e.detail;
    case Qt::DecorationRole:
        if (index.column() == NameColumn && e.node) return categoryColor(categoryOfNode(*e.node, m_engine != nullptr));
        return {};
    case NodeRole:
        return e.node ? QVariant::fromValue(quintptr(e.node)) : QVariant();
    case ValueNameRole:
        return e.value ? QVariant(qs(e.value->name())) : QVariant();
    case ScopeRole:
        return e.scope.isEmpty() ? QVariant() : QVariant(e.scope);
    default:
        return {};
    }
}

QVariant OutlineModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section == TimeColumn) return tr("Time");
    return section == NameColumn ? tr("Name") : tr("Details");
}

QModelIndex OutlineModel::indexOfScope(const QString& path) const {
    for (size_t i = 1; i < m_entries.size(); ++i)
        if (m_entries[i].scope == path) return createIndex(m_entries[i].row, 0, quintptr(i));
    return {};
}

QModelIndex OutlineModel::indexOfNode(const ir::Node* node) const {
    for (size_t i = 1; i < m_entries.size(); ++i)
        if (m_entries[i].node == node) return createIndex(m_entries[i].row, 0, quintptr(i));
    return {};
}

}  // namespace kiln::views
