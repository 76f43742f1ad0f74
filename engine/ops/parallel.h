// How many cores the CPU kernels use. The heavy kernels (GEMM, Conv, ConvTranspose, Attention,
// pooling) split their work over an OpenMP team of kernelThreads() threads; everything else runs
// on the calling thread.
//
// OpenMP (libgomp) keeps idle team threads spinning for a while after each parallel region, which
// is right on a machine of one's own and costly on one shared with other jobs: there, run with
// OMP_WAIT_POLICY=passive or fewer threads (bench/results/cpu-kernels-2026-11-22.md).
#pragma once

#include <cstdint>

namespace kiln::ops {

// The threads the CPU kernels may use: the count set by setCpuThreadCount, or with 0 (the
// default) all cores, i.e. OpenMP's default team size (OMP_NUM_THREADS if set). 1 when Kiln
// is built without OpenMP.
int cpuThreadCount();
// 0 = all cores, n > 0 = at most n threads. Applies to kernels started from any thread (the
// count is passed to each parallel region, not kept in the calling thread's OpenMP state).
void setCpuThreadCount(int threads);

// The team size for one parallel region doing `work` units (about one multiply-add each):
// 1 inside another parallel region (no nested teams: the outer one already uses the cores) or
// when the work is too small to pay for waking the team, else at most cpuThreadCount().
int kernelThreads(double work);

// For `tasks` independent pieces of `workPerTask` multiply-adds each (batch indices, groups,
// heads): the team size to hand the pieces out one per thread (each piece then runs serially
// inside), or 1 where running them one after another, each split over the threads itself, uses
// the cores better (few large pieces).
int taskThreads(int64_t tasks, double workPerTask);

}  // namespace kiln::ops
