#include "backends/cuda/cuda_common.h"

#include <cublasLt.h>
#include <cudnn.h>

namespace kiln::cuda {

namespace {
std::string versionString(int v, int majorDiv, int minorDiv) {
    return std::to_string(v / majorDiv) + "." + std::to_string((v % majorDiv) / minorDiv);
}
}  // namespace

Status cudaError(cudaError_t e, const std::string& what) {
    const std::string msg = what + ": " + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ")";
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();  // clear the sticky-free error so later calls work
        return Status(StatusCode::OutOfRange, "GPU out of memory: " + msg);
    }
    return Status(StatusCode::Internal, msg);
}

bool isOutOfMemory(const Status& s) {
    return s.code() == StatusCode::OutOfRange && s.message().find("out of memory") != std::string::npos;
}

Expected<DeviceBuffer> DeviceBuffer::allocate(size_t bytes, const std::string& what) {
    DeviceBuffer b;
    if (bytes == 0) return b;
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes);
    if (e != cudaSuccess) {
        cudaGetLastError();
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
        size_t freeBytes = 0, total = 0;
        cudaMemGetInfo(&freeBytes, &total);
        char fb[64];
        std::snprintf(fb, sizeof fb, "%.1f MiB", double(freeBytes) / (1024.0 * 1024.0));
        return Status(StatusCode::OutOfRange, "GPU out of memory: cannot allocate " + std::string(buf) + " for " + what +
                                                  " (" + fb + " free): " + cudaGetErrorString(e));
    }
    b.m_ptr = p;
    b.m_bytes = bytes;
    return b;
}

void DeviceBuffer::reset() {
    if (m_ptr) cudaFree(m_ptr);
    m_ptr = nullptr;
    m_bytes = 0;
}

Stream::~Stream() {
    if (m_s) cudaStreamDestroy(m_s);
}

Expected<Stream> Stream::create() {
    Stream s;
    KILN_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&s.m_s, cudaStreamNonBlocking));
    return s;
}

Event::~Event() {
    if (m_e) cudaEventDestroy(m_e);
}

Expected<Event> Event::create() {
    Event e;
    KILN_CUDA_RETURN_IF_ERROR(cudaEventCreate(&e.m_e));
    return e;
}

Expected<float> elapsedMs(const Event& from, const Event& to) {
    float ms = 0;
    KILN_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, from.get(), to.get()));
    return ms;
}

Expected<DeviceInfo> currentDevice() {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        cudaGetLastError();
        return unsupported(std::string("no CUDA device: ") + cudaGetErrorString(e) +
                           " (is an NVIDIA GPU with its driver present? build and run with --device cpu instead)");
    }
    if (count == 0) return unsupported("no CUDA device found (build and run with --device cpu instead)");
    DeviceInfo d;
    KILN_CUDA_RETURN_IF_ERROR(cudaGetDevice(&d.ordinal));
    cudaDeviceProp prop{};
    KILN_CUDA_RETURN_IF_ERROR(cudaGetDeviceProperties(&prop, d.ordinal));
    d.name = prop.name;
    d.major = prop.major;
    d.minor = prop.minor;
    d.multiprocessors = prop.multiProcessorCount;
    d.totalMemory = prop.totalGlobalMem;
    d.sharedMemoryPerBlockOptin = prop.sharedMemPerBlockOptin;
    int v = 0;
    cudaDriverGetVersion(&v);
    d.driverVersion = versionString(v, 1000, 10);
    cudaRuntimeGetVersion(&v);
    d.runtimeVersion = versionString(v, 1000, 10);
    const size_t dnn = cudnnGetVersion();  // 91900 = 9.19.0
    d.cudnnVersion = std::to_string(dnn / 10000) + "." + std::to_string((dnn % 10000) / 100) + "." + std::to_string(dnn % 100);
    const size_t blas = cublasLtGetVersion();  // 130100 = 13.1.0 (major*10000 + minor*100 + patch)
    d.cublasVersion = std::to_string(blas / 10000) + "." + std::to_string((blas % 10000) / 100) + "." + std::to_string(blas % 100);
    return d;
}

bool deviceAvailable() {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError();
        return false;
    }
    return count > 0;
}

}  // namespace kiln::cuda
