// The log panel: time-stamped lines, errors in red.
#pragma once

#include <QPlainTextEdit>

namespace kiln::views {

class LogPanel : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);

public slots:
    void info(const QString& line);
    void error(const QString& line);

private:
    void append(const QString& line, const QColor& color);
};

}  // namespace kiln::views
