#include "outline/outline_model.h"

#include <QColor>
#include <map>

#include "graph/labels.h"
#include "graph/node_category.h"

namespace kiln::views {

OutlineModel::OutlineModel(QObject* parent) : QAbstractItemModel(parent) { build(); }

void OutlineModel::setGraph(const ir::Graph* graph) {
    beginResetModel();
    m_graph = graph;
    build();
    endResetModel();
}

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
        for (const ir::Node* n : list) addEntry(group, {qs(n->name()), type, -1, 0, {}, n, nullptr});
    }
}

QModelIndex OutlineModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ColumnCount || row < 0) return {};
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

int OutlineModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant OutlineModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const Entry& e = m_entries[size_t(index.internalId())];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? e.name : e.detail;
    case Qt::ToolTipRole:
        return e.detail.isEmpty() ? e.name : e.name + QStringLiteral(" \u2014 ") + e.detail;
    case Qt::DecorationRole:
        if (index.column() == NameColumn && e.node) return categoryColor(categoryOf(e.node->opType(), e.node->domain()));
        return {};
    case NodeRole:
        return e.node ? QVariant::fromValue(quintptr(e.node)) : QVariant();
    case ValueNameRole:
        return e.value ? QVariant(qs(e.value->name())) : QVariant();
    default:
        return {};
    }
}

QVariant OutlineModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return section == NameColumn ? tr("Name") : tr("Details");
}

QModelIndex OutlineModel::indexOfNode(const ir::Node* node) const {
    for (size_t i = 1; i < m_entries.size(); ++i)
        if (m_entries[i].node == node) return createIndex(m_entries[i].row, 0, quintptr(i));
    return {};
}

}  // namespace kiln::views
