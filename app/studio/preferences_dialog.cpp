#include "preferences_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "plugin/plugin_registry.h"
#include "plugin_manager.h"

namespace kiln::studio {

namespace {
enum Column { OpColumn, VersionColumn, DomainColumn, LibraryColumn, HashColumn, ColumnCount };
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

PreferencesDialog::PreferencesDialog(PluginManager* plugins, QWidget* parent)
    : QDialog(parent), m_plugins(plugins), m_tabs(new QTabWidget) {
    setObjectName(QStringLiteral("PreferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_tabs->addTab(createPluginsPage(), tr("Plugins"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resize(760, 460);
    connect(m_plugins, &PluginManager::loadStarted, this, &PreferencesDialog::refresh);
    connect(m_plugins, &PluginManager::pathLoaded, this, &PreferencesDialog::refresh);
    refresh();
}

QWidget* PreferencesDialog::createPluginsPage() {
    auto* page = new QWidget;
    auto* intro = new QLabel(tr("Plugins are custom layers from shared libraries for ONNX ops that Kiln does not implement. "
                                "Every library (*.so) in the plugin folder is loaded when Kiln starts and when the folder "
                                "changes; kiln --plugins adds more for one session."));
    intro->setWordWrap(true);
    m_folder = new QLineEdit(PluginManager::folder());
    m_folder->setObjectName(QStringLiteral("PluginFolderEdit"));
    m_folder->setPlaceholderText(tr("No plugin folder"));
    m_folder->setClearButtonEnabled(true);
    // Enter, or leaving the field (Browse..., Close), applies a changed folder.
    connect(m_folder, &QLineEdit::editingFinished, this, &PreferencesDialog::applyFolder);
    auto* browse = new QPushButton(tr("Browse..."));
    browse->setObjectName(QStringLiteral("PluginFolderBrowse"));
    connect(browse, &QPushButton::clicked, this, &PreferencesDialog::browse);
    m_reload = new QPushButton(tr("Reload"));
    m_reload->setToolTip(tr("Load the libraries added to the folder since (loaded ones stay as they are)"));
    connect(m_reload, &QPushButton::clicked, this, [this] {
        if (!applyFolder()) m_plugins->reloadFolder();
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(new QLabel(tr("Plugin folder:")));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    folderRow->addWidget(m_reload);

    m_list = new QTreeWidget;
    m_list->setObjectName(QStringLiteral("PluginList"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Op"), tr("Version"), tr("Domain"), tr("Library"), tr("Hash (xxh64)")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);

    m_status = new QLabel;
    m_errors = new QLabel;
    m_errors->setObjectName(QStringLiteral("PluginErrors"));
    m_errors->setWordWrap(true);
    m_errors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->setStyleSheet(QStringLiteral("color: #c62828"));

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(intro);
    layout->addLayout(folderRow);
    m_listTitle = new QLabel;
    layout->addWidget(m_listTitle);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_errors);
    return page;
}

void PreferencesDialog::browse() {
    const QString start = m_folder->text().isEmpty() ? QString() : m_folder->text();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Plugin Folder"), start);
    if (dir.isEmpty()) return;
    m_folder->setText(dir);
    applyFolder();
}

bool PreferencesDialog::applyFolder() {
    const QString dir = m_folder->text().trimmed();
    if (PluginManager::normalized(dir) == PluginManager::folder()) return false;
    m_plugins->setFolder(dir);
    refresh();
    return true;
}

void PreferencesDialog::refresh() {
    m_list->clear();
    for (const plugins::PluginInfo& p : plugins::PluginRegistry::global().list()) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setText(OpColumn, qs(p.type));
        item->setText(VersionColumn, qs(p.version));
        item->setText(DomainColumn, p.domain.empty() ? QStringLiteral("ai.onnx") : qs(p.domain));
        item->setText(LibraryColumn, p.library.empty() ? tr("built in") : QFileInfo(qs(p.library)).fileName());
        item->setText(HashColumn, qs(p.libraryHash));
        QStringList fields;
        for (const std::string& f : p.fields) fields << qs(f);
        const QString tip = (p.library.empty() ? tr("Registered by the program itself") : qs(p.library)) + QLatin1Char('\n') +
                            tr("Attributes: %1").arg(fields.isEmpty() ? tr("none") : fields.join(QStringLiteral(", ")));
        for (int c = 0; c < ColumnCount; ++c) item->setToolTip(c, tip);
    }
    m_reload->setEnabled(!PluginManager::folder().isEmpty());
    m_listTitle->setText(tr("Loaded plugins: %1").arg(m_list->topLevelItemCount()));
    m_status->setText(m_plugins->isLoading() ? tr("Loading plugins ...") : QString());
    m_status->setVisible(m_plugins->isLoading());
    const QStringList errors = m_plugins->errors();
    m_errors->setText(errors.join(QLatin1Char('\n')));
    m_errors->setVisible(!errors.isEmpty());
}

QString PreferencesDialog::errorText() const { return m_errors->text(); }

}  // namespace kiln::studio
