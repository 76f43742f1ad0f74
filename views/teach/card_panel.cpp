#include "teach/card_panel.h"

#include <QEvent>
#include <QFrame>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTextDocument>
#include <QVBoxLayout>

#include "graph/labels.h"
#include "inspector/html.h"

namespace kiln::views {

namespace {
QString plain(const QString& html) {
    QTextDocument doc;
    doc.setHtml(html);
    return doc.toPlainText();
}
}  // namespace

CardPanel::CardPanel(QWidget* parent)
    : QWidget(parent), m_scroll(new QScrollArea), m_cardsHost(new QWidget), m_cards(new QVBoxLayout(m_cardsHost)),
      m_header(new QLabel), m_whyNot(new QLabel) {
    m_cards->setContentsMargins(6, 6, 6, 6);
    m_cards->setSpacing(8);
    m_cards->addStretch(1);
    m_scroll->setWidget(m_cardsHost);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setObjectName(QStringLiteral("teachCards"));
    m_header->setWordWrap(true);
    m_header->setStyleSheet(QStringLiteral("font-weight:bold;padding:4px"));
    m_whyNot->setWordWrap(true);
    m_whyNot->setTextFormat(Qt::RichText);
    m_whyNot->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_whyNot->setObjectName(QStringLiteral("teachWhyNot"));
    m_whyNot->setMargin(6);
    auto* whyScroll = new QScrollArea;
    whyScroll->setWidget(m_whyNot);
    whyScroll->setWidgetResizable(true);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_header);
    topLayout->addWidget(m_scroll, 1);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(whyScroll);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    showNode(nullptr);
}

void CardPanel::clearCards() {
    // Deleted at once (not later) so that the layout never lays out a stale card.
    qDeleteAll(m_cardWidgets);
    m_cardWidgets.clear();
    m_cardNodes.clear();
}

QWidget* CardPanel::addCard(const QString& html, const QString& accent) {
    auto* frame = new QFrame;
    frame->setObjectName(QStringLiteral("teachCard"));
    frame->setStyleSheet(QStringLiteral("QFrame#teachCard{background:white;border:1px solid #d0d0d0;"
                                        "border-left:5px solid %1;border-radius:6px}").arg(accent));
    auto* label = new QLabel(html);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("border:none;background:transparent"));
    auto* l = new QVBoxLayout(frame);
    l->setContentsMargins(10, 8, 10, 8);
    l->addWidget(label);
    frame->setCursor(Qt::PointingHandCursor);
    frame->installEventFilter(this);
    m_cards->insertWidget(m_cards->count() - 1, frame);  // before the stretch
    m_cardWidgets << frame;
    return frame;
}

void CardPanel::setPass(std::shared_ptr<const TeachResult> result, int pass) {
    clearCards();
    m_result = std::move(result);
    m_rewrites = m_result ? TeachCards::rewrites(*m_result, pass) : QList<RewriteCard>();
    m_declines = m_result ? TeachCards::declines(*m_result, pass) : QList<DeclineCard>();
    if (!m_result || pass < 0) {
        m_header->setText(tr("No pass selected."));
        return;
    }
    m_header->setText(tr("Rewrites: %1, declined: %2 · max difference before/after on a random input: %3")
                          .arg(m_rewrites.size())
                          .arg(m_declines.size())
                          .arg(TeachCards::diffText(*m_result, pass)));
    for (const RewriteCard& c : m_rewrites) {
        addCard(TeachCards::html(c), QStringLiteral("#f59e0b"));
        m_cardNodes << qMakePair(c.matched, c.result.isEmpty() ? c.matched : QStringList{c.result});
    }
    for (const DeclineCard& c : m_declines) {
        addCard(TeachCards::html(c), QStringLiteral("#dc2626"));
        m_cardNodes << qMakePair(c.nodes, c.nodes);
    }
    if (m_rewrites.isEmpty() && m_declines.isEmpty()) {
        auto* none = new QLabel(tr("This pass found nothing to change in this model."));
        none->setWordWrap(true);
        m_cards->insertWidget(m_cards->count() - 1, none);
        m_cardWidgets << none;
        m_cardNodes << qMakePair(QStringList(), QStringList());
    }
    m_scroll->verticalScrollBar()->setValue(0);
}

bool CardPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonRelease) {
        const int i = int(m_cardWidgets.indexOf(static_cast<QWidget*>(watched)));
        if (i >= 0 && i < m_cardNodes.size()) emit cardActivated(m_cardNodes[i].first, m_cardNodes[i].second);
    }
    return QWidget::eventFilter(watched, event);
}

void CardPanel::showNode(const ir::Node* node) {
    using html::esc;
    m_nodeDeclines.clear();
    if (!node || !m_result) {
        m_whyNot->setText(QStringLiteral("<b>%1</b><p style='color:#666'>%2</p>")
                              .arg(esc(tr("Why not fused?")),
                                   esc(tr("Select a node on either canvas to see every pass that considered it and "
                                          "declined, with the reason."))));
        return;
    }
    m_nodeDeclines = TeachCards::declinesOf(*m_result, *node);
    QString s = QStringLiteral("<b>%1</b>").arg(esc(tr("Why not fused: %1 (%2)").arg(qs(node->name()), qualifiedOpType(*node))));
    if (m_nodeDeclines.isEmpty()) {
        s += QStringLiteral("<p>%1</p>").arg(esc(tr("No pass declined this node.")));
    } else {
        s += QStringLiteral("<ul style='margin-left:-20px'>");
        for (const DeclineCard& c : m_nodeDeclines) {
            s += QStringLiteral("<li><b>%1</b>: %2").arg(esc(c.passName), esc(c.reason));
            if (!c.hint.isEmpty()) s += QStringLiteral("<br><span style='color:#666'>%1</span>").arg(esc(c.hint));
            s += QStringLiteral("</li>");
        }
        s += QStringLiteral("</ul>");
    }
    // What did happen to it, for contrast.
    QStringList done;
    for (const auto& [pass, rewrite] : m_result->log.rewritesOf(node->name()))
        done << QStringLiteral("<li><b>%1</b>: %2</li>").arg(esc(qs(pass->name)), esc(TeachCards::prettyRule(rewrite->rule)));
    for (const std::string& origin : node->origins())
        if (origin != node->name())
            for (const auto& [pass, rewrite] : m_result->log.rewritesOf(origin))
                done << QStringLiteral("<li><b>%1</b>: %2</li>").arg(esc(qs(pass->name)), esc(TeachCards::prettyRule(rewrite->rule)));
    done.removeDuplicates();
    if (!done.isEmpty())
        s += QStringLiteral("<p>%1</p><ul style='margin-left:-20px'>%2</ul>").arg(esc(tr("Rewrites it took part in:")), done.join(QString()));
    m_whyNot->setText(s);
}

QString CardPanel::whyNotText() const { return plain(m_whyNot->text()); }

QString CardPanel::cardsText() const {
    QStringList parts;
    for (const RewriteCard& c : m_rewrites) parts << plain(TeachCards::html(c));
    for (const DeclineCard& c : m_declines) parts << plain(TeachCards::html(c));
    return parts.join(QStringLiteral("\n\n"));
}

}  // namespace kiln::views
