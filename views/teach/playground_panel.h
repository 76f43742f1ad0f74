// Teaching mode's left panel: which model to teach with (the studio's open model, the playground
// model or a bundled sample), the optimization level, and the playground's edits (activation,
// BatchNorm, a second consumer, the residual add). Every change asks for a new run at once.
#pragma once

#include <QWidget>

#include "teach/playground_models.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;

namespace kiln::views {

class PlaygroundPanel : public QWidget {
    Q_OBJECT
public:
    enum class Source { OpenDocument, Playground, Sample };
    explicit PlaygroundPanel(QWidget* parent = nullptr);

    void setSamples(const QStringList& names);
    // The studio's document ("" when none is open); its entry is disabled without one.
    void setOpenDocumentName(const QString& name);

    Source source() const;
    QString sampleName() const;  // with Source::Sample
    PlaygroundOptions options() const;
    int level() const;

    void setSource(Source source, const QString& sample = {});
    void setOptions(const PlaygroundOptions& options);
    void setLevel(int level);
    // One line under the edits: what the last run did ("4 fusions, 1 declined").
    void setRunSummary(const QString& text);

signals:
    void changed();  // source, level or an edit

private:
    void syncEnabled();

    QComboBox* m_source;
    QComboBox* m_level;
    QGroupBox* m_edits;
    QComboBox* m_activation;
    QCheckBox* m_batchNorm;
    QCheckBox* m_secondConsumer;
    QCheckBox* m_residual;
    QLabel* m_summary;
    bool m_quiet = false;  // programmatic changes emit one changed() at the end
};

}  // namespace kiln::views
