#include "core/logger.h"

#include <cstdio>
#include <mutex>

namespace kiln {

const char* severityTag(Severity s) {
    switch (s) {
    case Severity::InternalError: return "[F]";
    case Severity::Error: return "[E]";
    case Severity::Warning: return "[W]";
    case Severity::Info: return "[I]";
    case Severity::Verbose: return "[V]";
    }
    return "[?]";
}

void StderrLogger::log(Severity severity, std::string_view message) noexcept {
    if (severity > m_threshold) return;
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    std::fprintf(stderr, "%s %.*s\n", severityTag(severity), int(message.size()), message.data());
}

Logger& defaultLogger() {
    static StderrLogger logger;
    return logger;
}

}  // namespace kiln
