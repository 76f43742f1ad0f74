#include "plugin/plugin_registry.h"

#include <dlfcn.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kiln::plugins {

namespace fs = std::filesystem;

namespace {

std::string normDomain(const std::string& d) { return d == "ai.onnx" ? std::string() : d; }

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

// XXH64 of a file, streamed.
std::string fileHash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    XXH64_state_t* state = XXH64_createState();
    XXH64_reset(state, 0);
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        if (in.gcount() > 0) XXH64_update(state, buf.data(), size_t(in.gcount()));
    }
    const uint64_t h = XXH64_digest(state);
    XXH64_freeState(state);
    char text[17];
    std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(h));
    return text;
}

// Reads a creator's identity and fields, catching what plugin code may throw.
Expected<PluginInfo> describeCreator(plugin::IPluginCreator* c) {
    PluginInfo info;
    try {
        info.type = str(c->getPluginType());
        info.domain = normDomain(str(c->getPluginNamespace()));
        info.version = str(c->getPluginVersion());
        if (const plugin::PluginFieldCollection* f = c->getFieldNames())
            for (int32_t i = 0; f->fields && i < f->nbFields; ++i) info.fields.push_back(str(f->fields[i].name));
    } catch (const std::exception& e) {
        return internalError(std::string("a plugin creator threw while describing itself: ") + e.what());
    } catch (...) {
        return internalError("a plugin creator threw while describing itself");
    }
    if (info.type.empty()) return invalidArgument("a plugin creator has no op type");
    if (info.version.empty()) return invalidArgument("plugin creator '" + info.type + "' has no version");
    return info;
}

}  // namespace

std::string PluginInfo::describe() const {
    std::string s = type + " " + version + " (" + (domain.empty() ? std::string("ai.onnx") : domain);
    if (!library.empty()) s += ", " + fs::path(library).filename().string();
    return s + ")";
}

PluginRegistry& PluginRegistry::global() {
    static PluginRegistry* registry = new PluginRegistry();  // never destroyed: plugins outlive static teardown
    return *registry;
}

Status PluginRegistry::addLocked(plugin::IPluginCreator* creator, const std::string& library, const std::string& hash,
                                 PluginInfo* added) {
    if (!creator) return invalidArgument("a null plugin creator");
    KILN_ASSIGN_OR_RETURN(PluginInfo info, describeCreator(creator));
    info.library = library;
    info.libraryHash = hash;
    for (const Entry& e : m_entries)
        if (e.info.type == info.type && e.info.domain == info.domain)
            return invalidArgument("op " + info.type + " (" + (info.domain.empty() ? "ai.onnx" : info.domain) +
                                   ") is already provided by plugin " + e.info.describe());
    m_entries.push_back({info, creator});
    if (added) *added = std::move(info);
    return Status::ok();
}

Status PluginRegistry::registerCreator(plugin::IPluginCreator* creator, const std::string& library) {
    std::lock_guard lock(m_mutex);
    return addLocked(creator, library, "", nullptr);
}

void PluginRegistry::deregisterCreator(plugin::IPluginCreator* creator) {
    std::lock_guard lock(m_mutex);
    std::erase_if(m_entries, [&](const Entry& e) { return e.creator == creator && e.info.libraryHash.empty(); });
}

Expected<std::vector<PluginInfo>> PluginRegistry::loadLibrary(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return notFound("plugin library '" + path + "' does not exist");
    if (fs::is_directory(path, ec)) return invalidArgument("'" + path + "' is a folder, not a plugin library");
    const std::string canonical = fs::canonical(path, ec).string();
    const std::string where = "plugin library '" + path + "'";

    std::lock_guard lock(m_mutex);
    for (const Library& l : m_libraries)
        if (l.path == canonical) return l.plugins;

    // RTLD_NOW: unresolved symbols fail here with dlerror's message, not later in the middle of
    // a run. RTLD_LOCAL: two plugins may use the same internal symbol names.
    dlerror();
    void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return invalidArgument(where + " cannot be loaded: " + (why ? why : "unknown dlopen error"));
    }
    auto fail = [&](Status st) {
        dlclose(handle);
        return st;
    };
    auto versionFn = reinterpret_cast<KilnPluginApiVersionFn>(dlsym(handle, "kilnPluginApiVersion"));
    auto creatorsFn = reinterpret_cast<KilnGetPluginCreatorsFn>(dlsym(handle, "kilnGetPluginCreators"));
    if (!versionFn || !creatorsFn)
        return fail(invalidArgument(where + " is not a Kiln plugin: it does not export " +
                                    (versionFn ? "kilnGetPluginCreators" : "kilnPluginApiVersion") +
                                    " (see engine/plugin/kiln_plugin.h)"));
    int32_t version = 0;
    plugin::IPluginCreator* const* creators = nullptr;
    int32_t count = 0;
    try {
        version = versionFn();
        if (version == plugin::kPluginApiVersion) creators = creatorsFn(&count);
    } catch (...) {
        return fail(invalidArgument(where + " threw while being queried"));
    }
    if (version != plugin::kPluginApiVersion)
        return fail(unsupported(where + " was built for plugin API version " + std::to_string(version) +
                                "; this Kiln supports version " + std::to_string(plugin::kPluginApiVersion) +
                                ": rebuild the plugin against this Kiln's kiln_plugin.h"));
    if (!creators || count <= 0) return fail(invalidArgument(where + " provides no plugin creators"));

    const std::string hash = fileHash(canonical);
    Library lib{canonical, handle, {}};
    const size_t before = m_entries.size();
    for (int32_t i = 0; i < count; ++i) {
        PluginInfo added;
        Status st = addLocked(creators[i], canonical, hash, &added);
        if (!st.isOk()) {
            m_entries.resize(before);  // all or nothing
            // The library stays mapped: a creator's code may already be referenced elsewhere in
            // its static state, and dlclose of C++ libraries is unreliable.
            return st.prefix(where);
        }
        lib.plugins.push_back(std::move(added));
    }
    m_libraries.push_back(lib);
    return lib.plugins;
}

std::vector<PluginInfo> PluginRegistry::loadFolder(const std::string& dir, std::vector<std::string>* errors) {
    std::vector<PluginInfo> all;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        if (errors) errors->push_back("plugin folder '" + dir + "' does not exist");
        return all;
    }
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".so") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
        auto loaded = loadLibrary(f);
        if (!loaded) {
            if (errors) errors->push_back(loaded.status().message());
            continue;
        }
        all.insert(all.end(), loaded->begin(), loaded->end());
    }
    return all;
}

plugin::IPluginCreator* PluginRegistry::creator(const std::string& domain, const std::string& type) const {
    const std::string d = normDomain(domain);
    std::lock_guard lock(m_mutex);
    for (const Entry& e : m_entries)
        if (e.info.type == type && e.info.domain == d) return e.creator;
    return nullptr;
}

std::optional<PluginInfo> PluginRegistry::find(const std::string& domain, const std::string& type) const {
    const std::string d = normDomain(domain);
    std::lock_guard lock(m_mutex);
    for (const Entry& e : m_entries)
        if (e.info.type == type && e.info.domain == d) return e.info;
    return std::nullopt;
}

std::vector<PluginInfo> PluginRegistry::list() const {
    std::lock_guard lock(m_mutex);
    std::vector<PluginInfo> out;
    for (const Entry& e : m_entries) out.push_back(e.info);
    return out;
}

}  // namespace kiln::plugins
