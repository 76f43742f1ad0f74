// The Find bar (Ctrl+F): matches node names, op types and tensor names; next / previous wrap.
// A match inside a collapsed name scope expands the scope to show it.
#pragma once

#include <QList>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace kiln::views {
class GraphScene;
class GraphView;
class NodeItem;
}  // namespace kiln::views

namespace kiln::studio {

class FindBar : public QWidget {
    Q_OBJECT
public:
    FindBar(views::GraphScene* scene, views::GraphView* view, QWidget* parent = nullptr);

    void setText(const QString& text);
    int matchCount() const { return int(m_hits.size()); }
    int currentIndex() const { return m_current; }
    views::NodeItem* currentItem() const;

public slots:
    void activate();  // show and focus
    void findNext();
    void findPrevious();
    void close();
    void reset();     // a new document: forget the hits

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void search();
    void showCurrent();

    views::GraphScene* m_scene;
    views::GraphView* m_view;
    QLineEdit* m_edit;
    QLabel* m_status;
    QList<views::NodeItem*> m_hits;
    int m_current = -1;
};

}  // namespace kiln::studio
