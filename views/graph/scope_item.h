// A collapsed name scope on the canvas: one box in place of every node under it, drawn as a small
// stack of cards in the colour of its dominant op, with its name, node count, commonest op types,
// weights and FLOPs, and a [+] marker that expands it.
#pragma once

#include "graph/graph_items.h"
#include "graph/scope_summary.h"

namespace kiln::views {

class ScopeItem : public BoxItem {
public:
    enum { Type = UserType + 4 };
    ScopeItem(int scope, const QString& path, const QString& label, ScopeSummary summary);
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    int scope() const { return m_scope; }
    const QString& path() const { return m_path; }
    const QString& title() const { return m_title; }
    const ScopeSummary& summary() const { return m_summary; }
    NodeCategory category() const { return m_summary.dominantCategory; }
    const QStringList& lines() const { return m_lines; }
    // The [+] marker, in item coordinates: a click there expands the scope.
    QRectF markerRect() const;
    // How many find hits lie inside (drawn as the find colour's border).
    void setFindHits(int hits);
    int findHits() const { return m_findHits; }

private:
    int m_scope;
    QString m_path, m_title;
    QStringList m_lines;
    ScopeSummary m_summary;
    int m_findHits = 0;
    bool m_pathLine = false;  // the first line is the full path
};

}  // namespace kiln::views
