// The explanation cards of the current pass (one per rewrite, one per decline) and, below them,
// "why not fused" for the node selected on either canvas: every decline the PassLog recorded
// for it, with the reason, and what did happen to it.
#pragma once

#include <QList>
#include <QWidget>
#include <memory>

#include "ir/graph.h"
#include "teach/teach_cards.h"

class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace kiln::views {

class CardPanel : public QWidget {
    Q_OBJECT
public:
    explicit CardPanel(QWidget* parent = nullptr);

    void setPass(std::shared_ptr<const TeachResult> result, int pass);
    void showNode(const ir::Node* node);  // null: the hint to select one

    const QList<RewriteCard>& rewriteCards() const { return m_rewrites; }
    const QList<DeclineCard>& declineCards() const { return m_declines; }
    const QList<DeclineCard>& nodeDeclines() const { return m_nodeDeclines; }
    QString whyNotText() const;  // the "why not fused" panel as plain text (tests)
    QString cardsText() const;   // every card as plain text (tests)

signals:
    // A card was clicked: focus the canvases on its nodes.
    void cardActivated(const QStringList& beforeNames, const QStringList& afterNames);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void clearCards();
    QWidget* addCard(const QString& html, const QString& accent);

    std::shared_ptr<const TeachResult> m_result;
    QList<RewriteCard> m_rewrites;
    QList<DeclineCard> m_declines, m_nodeDeclines;
    QScrollArea* m_scroll;
    QWidget* m_cardsHost;
    QVBoxLayout* m_cards;
    QLabel* m_header;
    QLabel* m_whyNot;
    QList<QPair<QStringList, QStringList>> m_cardNodes;  // parallel to the card widgets
    QList<QWidget*> m_cardWidgets;
};

}  // namespace kiln::views
