// Helpers shared by the Qt Test executables.
#pragma once

#include <QString>
#include <cstdlib>
#include <QTemporaryDir>
#include <string>

#include "core/compare.h"
#include "core/status.h"

namespace kiln::test {

// The source tree; $KILN_SOURCE_DIR overrides the build-time path (tests run on another machine).
inline std::string sourceDir() {
    const char* env = std::getenv("KILN_SOURCE_DIR");
    return env && *env ? env : KILN_SOURCE_DIR;
}
inline std::string testDataDir() { return KILN_TESTDATA_DIR; }
inline std::string sampleModel(const std::string& name) { return sourceDir() + "/resources/models/" + name; }

// "Ok" or the Status text, for QVERIFY2 messages.
inline QByteArray describe(const Status& s) { return QByteArray::fromStdString(s.toString()); }

// Writes bytes to a file (for crafting bad inputs in tests).
bool writeBytes(const std::string& path, const std::string& bytes);

}  // namespace kiln::test

// QVERIFY2 on a Status / Expected, printing the error.
#define KILN_VERIFY_OK(expr)                                                   \
    do {                                                                       \
        const ::kiln::Status _st = (expr);                                     \
        QVERIFY2(_st.isOk(), ::kiln::test::describe(_st).constData());         \
    } while (0)
#define KILN_VERIFY_EXPECTED(exp) QVERIFY2((exp).hasValue(), ::kiln::test::describe((exp).status()).constData())
