#include "teach/playground_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace kiln::views {

namespace {
const QString kOpen = QStringLiteral("open"), kPlayground = QStringLiteral("playground"), kSample = QStringLiteral("sample:");
}  // namespace

PlaygroundPanel::PlaygroundPanel(QWidget* parent)
    : QWidget(parent), m_source(new QComboBox), m_level(new QComboBox), m_edits(new QGroupBox(tr("Edit the playground model"))),
      m_activation(new QComboBox), m_batchNorm(new QCheckBox(tr("BatchNorm after each conv"))),
      m_secondConsumer(new QCheckBox(tr("Second consumer of act1's input (a tap)"))),
      m_residual(new QCheckBox(tr("Residual add (skip connection)"))), m_summary(new QLabel) {
    m_source->setObjectName(QStringLiteral("teachSource"));
    m_source->addItem(tr("The open model"), kOpen);
    m_source->addItem(tr("Playground: residual block"), kPlayground);
    m_level->addItem(tr("1 — cleanup and folding"), 1);
    m_level->addItem(tr("2 — + vertical fusion"), 2);
    m_level->addItem(tr("3 — everything"), 3);
    m_level->setCurrentIndex(2);
    for (PlaygroundActivation a : allPlaygroundActivations())
        m_activation->addItem(QString::fromLatin1(activationName(a)), int(a));
    m_activation->setObjectName(QStringLiteral("teachActivation"));
    m_batchNorm->setChecked(true);
    m_residual->setChecked(true);
    m_batchNorm->setToolTip(tr("fold-batchnorm folds a BatchNorm into the conv before it: w' = w·γ/√(σ²+ε)."));
    m_secondConsumer->setToolTip(tr("A GlobalAveragePool also reads the tensor act1 reads. The conv must then write that "
                                    "tensor to memory, so the activation cannot run in the conv's epilogue."));
    m_residual->setToolTip(tr("conv2's output plus act1's output, before relu2: fuse-residual adds it in conv2's epilogue."));
    auto* reset = new QPushButton(tr("Reset edits"));
    connect(reset, &QPushButton::clicked, this, [this] { setOptions(PlaygroundOptions{}); });

    auto* edits = new QFormLayout(m_edits);
    edits->addRow(tr("Activation (act1):"), m_activation);
    edits->addRow(m_batchNorm);
    edits->addRow(m_secondConsumer);
    edits->addRow(m_residual);
    edits->addRow(reset);
    auto* picture = new QLabel(tr("<small><tt>input → conv1 → [bn1] → act1 → conv2 → [bn2] → [+ act1] → relu2 → pool → fc</tt></small>"));
    picture->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("teachRunSummary"));

    auto* form = new QFormLayout;
    form->addRow(tr("Model:"), m_source);
    form->addRow(tr("Optimization level:"), m_level);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_edits);
    layout->addWidget(picture);
    layout->addWidget(m_summary);
    layout->addStretch(1);

    auto emitChanged = [this] {
        syncEnabled();
        if (!m_quiet) emit changed();
    };
    connect(m_source, &QComboBox::currentIndexChanged, this, emitChanged);
    connect(m_level, &QComboBox::currentIndexChanged, this, emitChanged);
    connect(m_activation, &QComboBox::currentIndexChanged, this, emitChanged);
    for (QCheckBox* c : {m_batchNorm, m_secondConsumer, m_residual}) connect(c, &QCheckBox::toggled, this, emitChanged);
    setOpenDocumentName(QString());
    syncEnabled();
}

void PlaygroundPanel::setSamples(const QStringList& names) {
    m_quiet = true;
    for (int i = m_source->count() - 1; i >= 0; --i)
        if (m_source->itemData(i).toString().startsWith(kSample)) m_source->removeItem(i);
    for (const QString& n : names) m_source->addItem(tr("Sample: %1").arg(n), kSample + n);
    m_quiet = false;
}

void PlaygroundPanel::setOpenDocumentName(const QString& name) {
    m_source->setItemText(0, name.isEmpty() ? tr("The open model (none)") : tr("The open model: %1").arg(name));
    if (auto* model = qobject_cast<QStandardItemModel*>(m_source->model()))
        if (QStandardItem* item = model->item(0)) item->setEnabled(!name.isEmpty());
}

PlaygroundPanel::Source PlaygroundPanel::source() const {
    const QString d = m_source->currentData().toString();
    return d == kOpen ? Source::OpenDocument : d == kPlayground ? Source::Playground : Source::Sample;
}

QString PlaygroundPanel::sampleName() const {
    const QString d = m_source->currentData().toString();
    return d.startsWith(kSample) ? d.mid(kSample.size()) : QString();
}

PlaygroundOptions PlaygroundPanel::options() const {
    PlaygroundOptions o;
    o.activation = PlaygroundActivation(m_activation->currentData().toInt());
    o.batchNorm = m_batchNorm->isChecked();
    o.secondConsumer = m_secondConsumer->isChecked();
    o.residual = m_residual->isChecked();
    return o;
}

int PlaygroundPanel::level() const { return m_level->currentData().toInt(); }

void PlaygroundPanel::setSource(Source source, const QString& sample) {
    const QString key = source == Source::OpenDocument ? kOpen : source == Source::Playground ? kPlayground : kSample + sample;
    const int i = m_source->findData(key);
    if (i >= 0) m_source->setCurrentIndex(i);
}

void PlaygroundPanel::setOptions(const PlaygroundOptions& o) {
    m_quiet = true;
    m_activation->setCurrentIndex(m_activation->findData(int(o.activation)));
    m_batchNorm->setChecked(o.batchNorm);
    m_secondConsumer->setChecked(o.secondConsumer);
    m_residual->setChecked(o.residual);
    m_quiet = false;
    syncEnabled();
    emit changed();
}

void PlaygroundPanel::setLevel(int level) { m_level->setCurrentIndex(m_level->findData(level)); }

void PlaygroundPanel::setRunSummary(const QString& text) { m_summary->setText(text); }

void PlaygroundPanel::syncEnabled() { m_edits->setEnabled(source() == Source::Playground); }

}  // namespace kiln::views
