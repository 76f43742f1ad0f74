// Kernels generated at build time: CUDA C++ source compiled by NVRTC into a CUBIN for the
// device and loaded with the CUDA runtime's library API (cudaLibraryLoadData), never the driver
// API, so that libkiln still loads where no NVIDIA driver is installed.
//
// Modules are cached process-wide by (source text, architecture): identical layers compile once
// per build, and every execution context of every engine shares the loaded code. A library is
// context-independent (the runtime loads it into each context on first use) and stays loaded
// until the process ends.
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <string>

#include "core/status.h"

namespace kiln::cuda {

struct DeviceInfo;

class NvrtcModule {
public:
    // The handle of an `extern "C" __global__` function of the module, for cudaLaunchKernel
    // (cast to const void*).
    Expected<cudaKernel_t> kernel(const std::string& name) const;
    // "sm_90" (a CUBIN) or "compute_90" (PTX, for a device newer than this NVRTC knows).
    const std::string& target() const { return m_target; }
    double compileMs() const { return m_compileMs; }

private:
    friend class NvrtcCache;
    cudaLibrary_t m_library = nullptr;
    std::string m_target;
    double m_compileMs = 0.0;
};

struct NvrtcStats {
    int compiles = 0;       // programs compiled (cache misses), failed ones included
    int hits = 0;           // requests served from the cache
    double totalMs = 0.0;   // time spent in NVRTC and loading
};

// The module for `source` on `device`, compiled on the first request. A compile error is a
// Status with NVRTC's log; `what` names the source in it ("the kernel of node 'add_1'"). Errors
// are cached too: the same source fails the same way.
Expected<std::shared_ptr<const NvrtcModule>> compileCached(const std::string& source, const DeviceInfo& device,
                                                           const std::string& what);

NvrtcStats nvrtcStats();

}  // namespace kiln::cuda
