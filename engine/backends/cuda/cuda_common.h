// Shared by the CUDA backend: CUDA / cuDNN / cuBLAS errors as Status, RAII device memory, streams
// and events, and what the device is (name, compute capability, library versions).
// Only compiled with KILN_WITH_CUDA; nothing outside engine/backends/cuda includes it.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/status.h"

namespace kiln::cuda {

// "cudaMalloc(...): out of memory (cudaErrorMemoryAllocation)". Out-of-memory errors get
// StatusCode::OutOfRange so that the tuner can skip a tactic and the caller can report it.
Status cudaError(cudaError_t e, const std::string& what);
bool isOutOfMemory(const Status& s);

#define KILN_CUDA_RETURN_IF_ERROR(expr)                                                  \
    do {                                                                                 \
        const cudaError_t kiln_cuda_e_ = (expr);                                         \
        if (kiln_cuda_e_ != cudaSuccess) return ::kiln::cuda::cudaError(kiln_cuda_e_, #expr); \
    } while (0)

// A unique_ptr deleter calling a library's destroy function (cudnnDestroyTensorDescriptor, ...).
template <auto Destroy>
struct DestroyWith {
    template <typename P> void operator()(P p) const { Destroy(p); }
};

// A library handle (cuDNN, cuBLASLt) of the current device for tactic queries (heuristics, no
// launches). A query has no execution context, so the handles are process-wide, one per device,
// created on first use by create(&handle) (a Status) and kept; one query at a time uses a
// handle (`lock`).
template <typename Handle>
struct LockedHandle {
    Handle handle = nullptr;
    std::unique_lock<std::mutex> lock;
};

template <typename Handle, typename Create>
Expected<LockedHandle<Handle>> queryHandleOf(Create&& create) {
    static std::mutex mutex;
    static std::map<int, Handle> byDevice;
    int device = 0;
    KILN_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
    LockedHandle<Handle> h{nullptr, std::unique_lock(mutex)};
    if (auto it = byDevice.find(device); it != byDevice.end()) {
        h.handle = it->second;
        return h;
    }
    KILN_RETURN_IF_ERROR(create(&h.handle));
    byDevice.emplace(device, h.handle);
    return h;
}

// Device memory, freed on destruction. Moves, never copies.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    ~DeviceBuffer() { reset(); }
    DeviceBuffer(DeviceBuffer&& o) noexcept : m_ptr(std::exchange(o.m_ptr, nullptr)), m_bytes(std::exchange(o.m_bytes, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            reset();
            m_ptr = std::exchange(o.m_ptr, nullptr);
            m_bytes = std::exchange(o.m_bytes, 0);
        }
        return *this;
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    // `what` names the allocation in the error ("the activation arena").
    static Expected<DeviceBuffer> allocate(size_t bytes, const std::string& what);
    void reset();
    void* get() const { return m_ptr; }
    template <typename T> T* as() const { return static_cast<T*>(m_ptr); }
    size_t bytes() const { return m_bytes; }
    explicit operator bool() const { return m_ptr != nullptr; }

private:
    void* m_ptr = nullptr;
    size_t m_bytes = 0;
};

class Stream {
public:
    Stream() = default;
    ~Stream();
    Stream(Stream&& o) noexcept : m_s(std::exchange(o.m_s, nullptr)) {}
    Stream& operator=(Stream&& o) noexcept { std::swap(m_s, o.m_s); return *this; }
    Stream(const Stream&) = delete;
    static Expected<Stream> create();
    cudaStream_t get() const { return m_s; }

private:
    cudaStream_t m_s = nullptr;
};

class Event {
public:
    Event() = default;
    ~Event();
    Event(Event&& o) noexcept : m_e(std::exchange(o.m_e, nullptr)) {}
    Event& operator=(Event&& o) noexcept { std::swap(m_e, o.m_e); return *this; }
    Event(const Event&) = delete;
    static Expected<Event> create();
    cudaEvent_t get() const { return m_e; }

private:
    cudaEvent_t m_e = nullptr;
};

// Milliseconds between two recorded, completed events.
Expected<float> elapsedMs(const Event& from, const Event& to);

struct DeviceInfo {
    int ordinal = 0;
    std::string name;                // "NVIDIA H200"
    int major = 0, minor = 0;        // compute capability
    int multiprocessors = 0;
    size_t totalMemory = 0;
    size_t sharedMemoryPerBlockOptin = 0;
    std::string driverVersion;       // "13.0" (the driver's CUDA API version)
    std::string runtimeVersion;      // "13.0"
    std::string cudnnVersion;        // "9.19.0"
    std::string cublasVersion;       // "13.1.0"
};

// The current device, or a clear error when there is none ("no CUDA device: <reason>").
Expected<DeviceInfo> currentDevice();
// Whether a CUDA device can be used, without an error message on the way.
bool deviceAvailable();

}  // namespace kiln::cuda
