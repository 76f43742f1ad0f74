// libkiln_test_unresolved.so: links, but needs a symbol that no library defines, so dlopen fails
// naming it. The symbol's address is stored in exported data, a relocation the dynamic loader
// binds when the library is loaded, lazily bound or not.
#include "kiln_plugin.h"

extern "C" {
void kiln_symbol_that_does_not_exist();
__attribute__((visibility("default"))) void (*kilnTestMissingFunction)() = &kiln_symbol_that_does_not_exist;
}

KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return kiln::plugin::kPluginApiVersion; }

KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count) {
    kilnTestMissingFunction();
    *count = 0;
    return nullptr;
}
