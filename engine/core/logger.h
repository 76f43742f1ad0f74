// The Logger the builder and runtime report through (TensorRT's ILogger): one virtual call per
// message with a severity. Callers implement it to route messages into their own UI; the
// default writes "[E] ...", "[W] ...", "[I] ..." lines to stderr at Warning and above.
#pragma once

#include <string>
#include <string_view>

namespace kiln {

enum class Severity { InternalError = 0, Error = 1, Warning = 2, Info = 3, Verbose = 4 };

// "[E]", "[W]", "[I]", "[V]" ("[F]" for internal errors), as trtexec prints them.
const char* severityTag(Severity s);

class Logger {
public:
    virtual ~Logger() = default;
    // Called from the thread doing the work (a builder or context may run on a worker thread),
    // so implementations must be thread-safe if they share state.
    virtual void log(Severity severity, std::string_view message) noexcept = 0;
};

// Writes tagged lines to stderr for messages at or above a threshold.
class StderrLogger : public Logger {
public:
    explicit StderrLogger(Severity threshold = Severity::Warning) : m_threshold(threshold) {}
    void setThreshold(Severity s) { m_threshold = s; }
    Severity threshold() const { return m_threshold; }
    void log(Severity severity, std::string_view message) noexcept override;

private:
    Severity m_threshold;
};

// The process-wide default (a StderrLogger at Warning).
Logger& defaultLogger();

}  // namespace kiln
