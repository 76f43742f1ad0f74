// The inspector's small HTML vocabulary: titled sections of two-column key/value tables.
#pragma once

#include <QString>

namespace kiln::views::html {

inline QString esc(const QString& s) { return s.toHtmlEscaped(); }
inline QString row(const QString& key, const QString& value) {
    return QStringLiteral("<tr><td style='color:#555;padding-right:10px'>%1</td><td>%2</td></tr>").arg(esc(key), esc(value));
}
// A row whose value is already HTML (coloured or multi-line).
inline QString rawRow(const QString& key, const QString& valueHtml) {
    return QStringLiteral("<tr><td style='color:#555;padding-right:10px'>%1</td><td>%2</td></tr>").arg(esc(key), valueHtml);
}
inline QString section(const QString& title) { return QStringLiteral("<h4 style='margin-bottom:2px'>%1</h4>").arg(esc(title)); }
inline QString table(const QString& rows) { return QStringLiteral("<table cellspacing='0'>%1</table>").arg(rows); }
inline QString grey(const QString& text) { return QStringLiteral("<span style='color:#777'>%1</span>").arg(esc(text)); }

}  // namespace kiln::views::html
