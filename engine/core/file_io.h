// Whole-file reads and atomic writes (temp file in the same folder, then rename), so a crash
// or a full disk never leaves a half-written model, plan, report or log behind.
#pragma once

#include <string>

#include "core/status.h"

namespace kiln {

Expected<std::string> readWholeFile(const std::string& path);
Status writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace kiln
