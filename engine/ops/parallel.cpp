#include "ops/parallel.h"

#include <algorithm>
#include <atomic>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace kiln::ops {

namespace {

std::atomic<int> g_requestedThreads{0};

// Below this many multiply-adds per thread (some 10 to 50 microseconds of work) a parallel
// region is not worth it: waking the team costs microseconds on an idle machine, and on a
// loaded one every barrier may wait out a time slice of a thread that lost its core.
constexpr double kMinWorkPerThread = 1 << 19;

}  // namespace

int cpuThreadCount() {
    const int requested = g_requestedThreads.load(std::memory_order_relaxed);
    if (requested > 0) return requested;
#ifdef _OPENMP
    return std::max(1, omp_get_max_threads());
#else
    return 1;
#endif
}

void setCpuThreadCount(int threads) { g_requestedThreads.store(std::max(0, threads), std::memory_order_relaxed); }

int kernelThreads(double work) {
#ifdef _OPENMP
    if (omp_in_parallel()) return 1;
    const int byWork = int(std::clamp(work / kMinWorkPerThread, 1.0, 1e6));
    return std::min(cpuThreadCount(), byWork);
#else
    (void)work;
    return 1;
#endif
}

int taskThreads(int64_t tasks, double workPerTask) {
    const int all = kernelThreads(workPerTask * double(tasks));
    if (all <= 1 || tasks <= 1) return 1;
    const int perTask = kernelThreads(workPerTask);  // what one piece would use alone
    const int byTask = int(std::min<int64_t>(tasks, all));
    // Plenty of pieces balance well whatever their size; otherwise split the pieces only
    // where that keeps more threads busy than splitting each piece does.
    return tasks >= 4 * int64_t(all) || byTask > perTask ? byTask : 1;
}

}  // namespace kiln::ops
