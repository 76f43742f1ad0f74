// The process-wide table of plugin creators (kiln_plugin.h), and the loader of plugin libraries.
// A creator serves one (namespace, op type); the importer, the optimizer, the builders and the
// runtimes look plugins up here by the node's domain and op type. Libraries stay loaded for the
// life of the process (their creators and plugins' code must outlive every engine).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "plugin/kiln_plugin.h"

namespace kiln::plugins {

struct PluginInfo {
    std::string type;        // op type ("BatchedNMS")
    std::string domain;      // namespace / ONNX domain ("kiln.samples"; "" = ai.onnx)
    std::string version;     // the creator's version string
    std::string library;     // absolute path of the library; "" for creators registered in-process
    std::string libraryHash; // XXH64 of the library file, 16 hex digits; "" in-process
    std::vector<std::string> fields;  // attribute names from getFieldNames()
    // "BatchedNMS 1 (kiln.samples, libkiln_nms_plugin.so)"
    std::string describe() const;
};

class PluginRegistry {
public:
    static PluginRegistry& global();

    // Loads a plugin library and registers each of its creators. Errors name the file and say
    // what is wrong: not found, not a loadable library (dlopen's message: missing symbols, wrong
    // architecture), no kilnPluginApiVersion / kilnGetPluginCreators, an API version other than
    // kPluginApiVersion, a creator without a type, or an op another library already provides.
    // Loading the same file twice is a no-op that returns its plugins again.
    Expected<std::vector<PluginInfo>> loadLibrary(const std::string& path);
    // Every *.so in `dir` (not recursive, sorted by name). One message per library that failed
    // goes to `errors`; the others are loaded.
    std::vector<PluginInfo> loadFolder(const std::string& dir, std::vector<std::string>* errors);

    // A creator linked into the process (tests, applications with built-in plugins). The
    // registry does not own it.
    Status registerCreator(plugin::IPluginCreator* creator, const std::string& library = "");
    // Forgets a creator registered in-process (tests). Libraries are never unloaded.
    void deregisterCreator(plugin::IPluginCreator* creator);

    // The creator for (domain, op type), or null. "ai.onnx" is the same as "".
    plugin::IPluginCreator* creator(const std::string& domain, const std::string& type) const;
    std::optional<PluginInfo> find(const std::string& domain, const std::string& type) const;
    std::vector<PluginInfo> list() const;

private:
    PluginRegistry() = default;
    struct Entry {
        PluginInfo info;
        plugin::IPluginCreator* creator = nullptr;
    };
    struct Library {
        std::string path;  // canonical
        void* handle = nullptr;
        std::vector<PluginInfo> plugins;
    };
    Status addLocked(plugin::IPluginCreator* creator, const std::string& library, const std::string& hash,
                     PluginInfo* added);

    mutable std::mutex m_mutex;
    std::vector<Entry> m_entries;
    std::vector<Library> m_libraries;
};

}  // namespace kiln::plugins
