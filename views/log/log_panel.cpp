#include "log/log_panel.h"

#include <QTime>

namespace kiln::views {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
    setReadOnly(true);
    setMaximumBlockCount(5000);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void LogPanel::info(const QString& line) { append(line, palette().color(QPalette::Text)); }
void LogPanel::error(const QString& line) { append(line, QColor(0xc6, 0x28, 0x28)); }

void LogPanel::append(const QString& line, const QColor& color) {
    QTextCharFormat format;
    format.setForeground(color);
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty()) cursor.insertBlock();
    cursor.insertText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line, format);
    ensureCursorVisible();
}

}  // namespace kiln::views
