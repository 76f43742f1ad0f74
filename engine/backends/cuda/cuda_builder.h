// The CUDA half of the builder (called by builder.cpp for backend "cuda"; no CUDA headers here).
#pragma once

#include <map>
#include <string>

#include "builder/build_config.h"
#include "core/logger.h"
#include "core/status.h"
#include "plan/plan.h"

namespace kiln::cuda {

struct CudaBuildStats {
    int layers = 0;           // layers of the engine, reformats included
    int reformats = 0;        // reformat layers inserted
    int signatures = 0;       // distinct layer signatures tuned
    int tacticsTimed = 0;     // tactic trials run on the GPU this build
    int cacheHits = 0;        // signatures found in the timing cache
    double tuningMs = 0;
};

// For every layer of p.network (optimized, topologically sorted): chooses its precision and its
// fastest tactic by timing every candidate on the current GPU (each checked against the CPU
// reference), inserts reformat layers where neighbours store activations in different types,
// sets every activation's storage type, and fills p.layers and p.passport's CUDA fields.
// `optSymbols` gives the symbols' values at the profile's opt shapes (what tactics are timed at).
Status buildCudaLayers(plan::Plan& p, const BuilderConfig& config, const std::map<std::string, int64_t>& optSymbols,
                       Logger& log, CudaBuildStats* stats = nullptr);

// The passport of a plan built on the current GPU (fails without one).
Status fillCudaPassport(plan::Passport& p);
// The passport of the machine this runs on, for checkPassportCompatible (fails without a GPU).
Expected<plan::Passport> currentCudaPassport();

}  // namespace kiln::cuda
