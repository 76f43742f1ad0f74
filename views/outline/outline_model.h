// The model outline: Inputs, Outputs, Nodes grouped by op type and, when the model names its
// nodes by module path as PyTorch exports do ("/encoder/layer.3/attention/MatMul"), Name scopes:
// the nodes in a tree of those scopes (name_scopes.h). A two-column tree (name, details); for a
// profiled engine a third column holds each layer's (and each group's) average time and share of
// the run. Reads the graph; never changes it.
#pragma once

#include <QAbstractItemModel>
#include <vector>

#include "ir/graph.h"

namespace kiln::views {

class EngineModel;

class OutlineModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        NodeRole = Qt::UserRole + 1,
        ValueNameRole,
        ScopeRole,  // a Name scopes row: the scope's path ("m/encoder/layer.3"), as the canvas names it
    };
    enum Column { NameColumn, DetailColumn, TimeColumn };

    explicit OutlineModel(QObject* parent = nullptr);
    void setGraph(const ir::Graph* graph);
    // An engine's layers; with run times the time column appears.
    void setEngine(const EngineModel* engine);
    bool hasTimeColumn() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of a node, for selecting it from the canvas.
    QModelIndex indexOfNode(const ir::Node* node) const;
    // The Name scopes row of a scope path.
    QModelIndex indexOfScope(const QString& path) const;

private:
    struct Entry {
        QString name, detail;
        int parent = -1;  // entry index; -1 for the invisible root
        int row = 0;
        std::vector<int> children{};
        const ir::Node* node = nullptr;
        const ir::Value* value = nullptr;
        double ms = -1, share = -1;  // run time of a layer or a group of layers
        QString scope{};             // a Name scopes row's path
    };
    int addEntry(int parent, Entry e);
    void build();
    void addScopes();
    void addTimes(Entry& group, const ir::Node* node, Entry& entry) const;
    QVariant timeData(const Entry& e, int role) const;

    const ir::Graph* m_graph = nullptr;
    const EngineModel* m_engine = nullptr;
    std::vector<Entry> m_entries;  // [0] is the invisible root
};

}  // namespace kiln::views
