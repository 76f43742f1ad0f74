// libkiln_test_noentry.so: a shared library that exports neither kilnPluginApiVersion nor
// kilnGetPluginCreators, so the loader must refuse it as "not a Kiln plugin".
extern "C" __attribute__((visibility("default"))) int kilnTestNotAPlugin() { return 42; }
