// libkiln_test_badversion.so: both entry points, but built for plugin API version 999, which the
// loader must refuse before it asks for creators.
#include "kiln_plugin.h"

KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return 999; }

KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count) {
    *count = 0;
    return nullptr;
}
