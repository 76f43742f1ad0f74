#include "find_bar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "graph/graph_scene.h"
#include "graph/graph_view.h"

namespace kiln::studio {

FindBar::FindBar(views::GraphScene* scene, views::GraphView* view, QWidget* parent)
    : QWidget(parent), m_scene(scene), m_view(view), m_edit(new QLineEdit(this)), m_status(new QLabel(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(new QLabel(tr("Find:"), this));
    m_edit->setPlaceholderText(tr("node name, op type or tensor name"));
    m_edit->setClearButtonEnabled(true);
    layout->addWidget(m_edit, 1);
    auto addButton = [this, layout](const QString& text, const QString& tip, void (FindBar::*slot)()) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        layout->addWidget(b);
    };
    addButton(QStringLiteral("\u25B2"), tr("Previous match (Shift+F3)"), &FindBar::findPrevious);
    addButton(QStringLiteral("\u25BC"), tr("Next match (F3)"), &FindBar::findNext);
    layout->addWidget(m_status);
    addButton(QStringLiteral("\u2715"), tr("Close (Esc)"), &FindBar::close);
    connect(m_edit, &QLineEdit::textChanged, this, &FindBar::search);
    connect(m_edit, &QLineEdit::returnPressed, this, &FindBar::findNext);
    hide();
}

void FindBar::setText(const QString& text) { m_edit->setText(text); }

views::NodeItem* FindBar::currentItem() const { return m_current >= 0 ? m_hits.value(m_current) : nullptr; }

void FindBar::activate() {
    show();
    m_edit->setFocus();
    m_edit->selectAll();
}

void FindBar::search() {
    m_hits = m_scene->find(m_edit->text());
    m_current = m_hits.isEmpty() ? -1 : 0;
    showCurrent();
}

void FindBar::findNext() {
    if (m_hits.isEmpty()) return;
    m_current = (m_current + 1) % int(m_hits.size());
    showCurrent();
}

void FindBar::findPrevious() {
    if (m_hits.isEmpty()) return;
    m_current = (m_current - 1 + int(m_hits.size())) % int(m_hits.size());
    showCurrent();
}

void FindBar::showCurrent() {
    if (m_edit->text().isEmpty()) m_status->clear();
    else if (m_hits.isEmpty()) m_status->setText(tr("no matches"));
    else m_status->setText(tr("%1 of %2").arg(m_current + 1).arg(m_hits.size()));
    if (views::NodeItem* item = currentItem()) {
        // Inside a collapsed scope: the scope expands, and the match is selected and centred once
        // laid out (GraphScene::nodeRevealed).
        if (m_scene->reveal(item->node())) return;
        m_scene->selectOnly(item);
        m_view->centerOnItem(item);
    }
}

void FindBar::close() {
    m_scene->clearFindHits();
    hide();
}

void FindBar::reset() {
    m_hits.clear();
    m_current = -1;
    m_status->clear();
    if (isVisible() && !m_edit->text().isEmpty()) search();
}

void FindBar::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape) close();
    else QWidget::keyPressEvent(event);
}

}  // namespace kiln::studio
