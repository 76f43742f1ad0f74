#include "outline/name_scopes.h"

#include <QRegularExpression>
#include <algorithm>
#include <map>

namespace kiln::views {

std::vector<std::string> NameScopes::splitPath(const std::string& name) {
    std::vector<std::string> parts;
    size_t pos = 0;
    while (pos <= name.size()) {
        const size_t slash = name.find('/', pos);
        std::string part = name.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        if (!part.empty()) parts.push_back(std::move(part));
        if (slash == std::string::npos) break;
        pos = slash + 1;
    }
    return parts;
}

NameScopes::NameScopes(const ir::Graph& graph) {
    // The full tree first, one scope per path component, in graph order.
    struct Raw {
        std::string name;
        int parent = -1;
        std::vector<int> children{};
        std::map<std::string, int> byName{};
        std::vector<const ir::Node*> nodes{};
        int count = 0;
    };
    std::vector<Raw> raw(1);
    for (const auto& n : graph.nodes()) {
        const std::vector<std::string> parts = splitPath(n->origins().empty() ? n->name() : n->origins().front());
        int cur = 0;
        ++raw[0].count;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            auto it = raw[size_t(cur)].byName.find(parts[i]);
            int next = 0;
            if (it == raw[size_t(cur)].byName.end()) {
                next = int(raw.size());
                raw.push_back(Raw{parts[i], cur});
                raw[size_t(cur)].byName[parts[i]] = next;
                raw[size_t(cur)].children.push_back(next);
            } else {
                next = it->second;
            }
            cur = next;
            ++raw[size_t(cur)].count;
        }
        raw[size_t(cur)].nodes.push_back(n.get());
    }
    // Then one scope per chain of single-child scopes without nodes of their own.
    m_scopes.push_back(Scope{QString(), QString(), -1, 0, {}, raw[0].nodes, raw[0].count});
    std::vector<std::pair<int, int>> work{{0, kRoot}};  // (raw scope, its scope)
    while (!work.empty()) {
        const auto [r, s] = work.back();
        work.pop_back();
        for (int c : raw[size_t(r)].children) {
            QString label = QString::fromStdString(raw[size_t(c)].name);
            int deepest = c;
            while (raw[size_t(deepest)].nodes.empty() && raw[size_t(deepest)].children.size() == 1) {
                deepest = raw[size_t(deepest)].children.front();
                label += QLatin1Char('/') + QString::fromStdString(raw[size_t(deepest)].name);
            }
            const Scope& parent = m_scopes[size_t(s)];
            Scope child{parent.path.isEmpty() ? label : parent.path + QLatin1Char('/') + label, label, s,
                        parent.depth + 1, {}, raw[size_t(deepest)].nodes, raw[size_t(deepest)].count};
            const int id = int(m_scopes.size());
            m_scopes.push_back(std::move(child));
            m_scopes[size_t(s)].children.push_back(id);
            work.emplace_back(deepest, id);
        }
    }
    for (int i = 0; i < size(); ++i) {
        m_byPath.insert(m_scopes[size_t(i)].path, i);
        for (const ir::Node* n : m_scopes[size_t(i)].nodes) m_scopeOf.insert(n, i);
    }
    int order = 0;
    for (const auto& n : graph.nodes()) m_order.insert(n.get(), order++);
}

bool NameScopes::contains(int ancestor, int scope) const {
    for (int s = scope; s >= 0; s = m_scopes[size_t(s)].parent)
        if (s == ancestor) return true;
    return false;
}

std::vector<const ir::Node*> NameScopes::nodesUnder(int scope) const {
    std::vector<const ir::Node*> out;
    std::vector<int> work{scope};
    while (!work.empty()) {
        const int s = work.back();
        work.pop_back();
        const Scope& sc = m_scopes[size_t(s)];
        out.insert(out.end(), sc.nodes.begin(), sc.nodes.end());
        work.insert(work.end(), sc.children.begin(), sc.children.end());
    }
    std::sort(out.begin(), out.end(), [this](const ir::Node* a, const ir::Node* b) { return m_order.value(a) < m_order.value(b); });
    return out;
}

std::vector<int> NameScopes::repeatedBlocks() const {
    static const QRegularExpression numbered(QStringLiteral("^(.*?)(\\d+)$"));
    auto stemOf = [](const Scope& s) {
        const QString first = s.label.section(QLatin1Char('/'), 0, 0);
        const QRegularExpressionMatch m = numbered.match(first);
        return m.hasMatch() ? m.captured(1) : QString();
    };
    std::vector<int> blocks;
    // Outermost first: breadth-first; a repeated block's own children are not looked at.
    std::vector<int> level{kRoot};
    while (!level.empty()) {
        std::vector<int> next;
        for (int s : level) {
            QHash<QString, int> stems;  // stem -> numbered children with it
            for (int c : m_scopes[size_t(s)].children) {
                const QString stem = stemOf(m_scopes[size_t(c)]);
                if (!stem.isNull()) ++stems[stem];
            }
            for (int c : m_scopes[size_t(s)].children) {
                const QString stem = stemOf(m_scopes[size_t(c)]);
                if (!stem.isNull() && stems.value(stem) >= 2) {
                    if (m_scopes[size_t(c)].count >= 2) blocks.push_back(c);
                } else {
                    next.push_back(c);
                }
            }
        }
        level = std::move(next);
    }
    if (!blocks.empty()) return blocks;
    for (std::vector<int> bfs{kRoot}; !bfs.empty();) {
        std::vector<int> next;
        for (int s : bfs) {
            if (m_scopes[size_t(s)].children.size() > 1) {
                for (int c : m_scopes[size_t(s)].children)
                    if (m_scopes[size_t(c)].count >= 2) blocks.push_back(c);
                return blocks;
            }
            next.insert(next.end(), m_scopes[size_t(s)].children.begin(), m_scopes[size_t(s)].children.end());
        }
        bfs = std::move(next);
    }
    return blocks;
}

}  // namespace kiln::views
