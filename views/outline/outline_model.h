// The model outline: Inputs, Outputs and Nodes grouped by op type, as a two-column tree
// (name, details). Reads the graph; never changes it.
#pragma once

#include <QAbstractItemModel>
#include <vector>

#include "ir/graph.h"

namespace kiln::views {

class OutlineModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role { NodeRole = Qt::UserRole + 1, ValueNameRole };
    enum Column { NameColumn, DetailColumn, ColumnCount };

    explicit OutlineModel(QObject* parent = nullptr);
    void setGraph(const ir::Graph* graph);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of a node, for selecting it from the canvas.
    QModelIndex indexOfNode(const ir::Node* node) const;

private:
    struct Entry {
        QString name, detail;
        int parent = -1;  // entry index; -1 for the invisible root
        int row = 0;
        std::vector<int> children;
        const ir::Node* node = nullptr;
        const ir::Value* value = nullptr;
    };
    int addEntry(int parent, Entry e);
    void build();

    const ir::Graph* m_graph = nullptr;
    std::vector<Entry> m_entries;  // [0] is the invisible root
};

}  // namespace kiln::views
