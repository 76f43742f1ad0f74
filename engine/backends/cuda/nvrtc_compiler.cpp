#include "backends/cuda/nvrtc_compiler.h"

#include <nvrtc.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backends/cuda/cuda_common.h"

namespace kiln::cuda {

namespace {

Status nvrtcError(nvrtcResult r, const std::string& call) {
    return internalError(call + ": " + nvrtcGetErrorString(r));
}

#define KILN_NVRTC_RETURN_IF_ERROR(expr)                                                  \
    do {                                                                                  \
        const nvrtcResult kiln_nvrtc_r_ = (expr);                                         \
        if (kiln_nvrtc_r_ != NVRTC_SUCCESS) return nvrtcError(kiln_nvrtc_r_, #expr);      \
    } while (0)

// "sm_XY" when this NVRTC can emit a CUBIN for the device; otherwise "compute_XY" of the newest
// architecture it knows below the device's, whose PTX the driver compiles when loading.
Expected<std::string> targetFor(const DeviceInfo& device) {
    int n = 0;
    KILN_NVRTC_RETURN_IF_ERROR(nvrtcGetNumSupportedArchs(&n));
    std::vector<int> archs(size_t(std::max(n, 0)));
    if (n > 0) KILN_NVRTC_RETURN_IF_ERROR(nvrtcGetSupportedArchs(archs.data()));
    const int want = device.major * 10 + device.minor;
    if (std::find(archs.begin(), archs.end(), want) != archs.end()) return "sm_" + std::to_string(want);
    int best = 0;
    for (int a : archs)
        if (a <= want) best = std::max(best, a);
    if (best == 0)
        return unsupported("NVRTC " + std::string("cannot generate code for compute capability ") +
                           std::to_string(device.major) + "." + std::to_string(device.minor));
    return "compute_" + std::to_string(best);
}

// RAII for an nvrtcProgram.
struct Program {
    nvrtcProgram p = nullptr;
    ~Program() {
        if (p) nvrtcDestroyProgram(&p);
    }
};

std::string programLog(nvrtcProgram p) {
    size_t size = 0;
    if (nvrtcGetProgramLogSize(p, &size) != NVRTC_SUCCESS || size <= 1) return {};
    std::string log(size, '\0');
    if (nvrtcGetProgramLog(p, log.data()) != NVRTC_SUCCESS) return {};
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
}

// The CUBIN (or PTX, see targetFor) of `source`.
Expected<std::string> compileToBinary(const std::string& source, const std::string& target) {
    Program prog;
    KILN_NVRTC_RETURN_IF_ERROR(nvrtcCreateProgram(&prog.p, source.c_str(), "kiln_generated.cu", 0, nullptr, nullptr));
    const std::string arch = "--gpu-architecture=" + target;
    const char* options[] = {arch.c_str(), "--std=c++17"};
    const nvrtcResult r = nvrtcCompileProgram(prog.p, int(std::size(options)), options);
    if (r != NVRTC_SUCCESS)
        return internalError(std::string("NVRTC could not compile the generated kernel (") + nvrtcGetErrorString(r) +
                             "):\n" + programLog(prog.p));
    const bool cubin = target.rfind("sm_", 0) == 0;
    size_t size = 0;
    KILN_NVRTC_RETURN_IF_ERROR(cubin ? nvrtcGetCUBINSize(prog.p, &size) : nvrtcGetPTXSize(prog.p, &size));
    std::string code(size, '\0');
    KILN_NVRTC_RETURN_IF_ERROR(cubin ? nvrtcGetCUBIN(prog.p, code.data()) : nvrtcGetPTX(prog.p, code.data()));
    return code;
}

}  // namespace

Expected<cudaKernel_t> NvrtcModule::kernel(const std::string& name) const {
    cudaKernel_t k = nullptr;
    if (const cudaError_t e = cudaLibraryGetKernel(&k, m_library, name.c_str()); e != cudaSuccess) {
        cudaGetLastError();  // not sticky: clear it, so that later launches do not report it
        return cudaError(e, "cudaLibraryGetKernel('" + name + "')");
    }
    return k;
}

// The process-wide cache. Each entry compiles under its own lock, so that different sources
// compile in parallel and a second request for one waits for the first instead of compiling
// it again.
class NvrtcCache {
public:
    // Never destroyed: the libraries stay loaded until the process exits (unloading them from a
    // static destructor could run after the CUDA runtime has shut down).
    static NvrtcCache& instance() {
        static NvrtcCache* cache = new NvrtcCache();
        return *cache;
    }

    Expected<std::shared_ptr<const NvrtcModule>> get(const std::string& source, const DeviceInfo& device,
                                                     const std::string& what) {
        KILN_ASSIGN_OR_RETURN(std::string target, targetFor(device));
        std::shared_ptr<Entry> e;
        {
            std::lock_guard lock(m_mutex);
            std::shared_ptr<Entry>& slot = m_entries[target + '\n' + source];
            if (!slot) slot = std::make_shared<Entry>();
            e = slot;
        }
        std::lock_guard entryLock(e->mutex);
        if (!e->done) {
            const auto t0 = std::chrono::steady_clock::now();
            Expected<std::shared_ptr<const NvrtcModule>> m = build(source, target);
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            if (m) {
                e->module = std::move(m).value();
            } else {
                e->status = std::move(m).takeStatus();
            }
            e->done = true;
            std::lock_guard lock(m_mutex);
            ++m_stats.compiles;
            m_stats.totalMs += ms;
        } else {
            std::lock_guard lock(m_mutex);
            ++m_stats.hits;
        }
        if (!e->module) return Status(e->status).prefix(what);
        return e->module;
    }

    NvrtcStats stats() {
        std::lock_guard lock(m_mutex);
        return m_stats;
    }

private:
    struct Entry {
        std::mutex mutex;
        bool done = false;
        std::shared_ptr<const NvrtcModule> module;
        Status status;
    };

    static Expected<std::shared_ptr<const NvrtcModule>> build(const std::string& source, const std::string& target) {
        const auto t0 = std::chrono::steady_clock::now();
        KILN_ASSIGN_OR_RETURN(std::string code, compileToBinary(source, target));
        auto m = std::make_shared<NvrtcModule>();
        m->m_target = target;
        if (const cudaError_t e = cudaLibraryLoadData(&m->m_library, code.data(), nullptr, nullptr, 0, nullptr, nullptr, 0);
            e != cudaSuccess) {
            cudaGetLastError();
            return cudaError(e, "cudaLibraryLoadData (" + target + ")");
        }
        m->m_compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return std::shared_ptr<const NvrtcModule>(std::move(m));
    }

    std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<Entry>> m_entries;
    NvrtcStats m_stats;
};

Expected<std::shared_ptr<const NvrtcModule>> compileCached(const std::string& source, const DeviceInfo& device,
                                                           const std::string& what) {
    return NvrtcCache::instance().get(source, device, what);
}

NvrtcStats nvrtcStats() { return NvrtcCache::instance().stats(); }

}  // namespace kiln::cuda
