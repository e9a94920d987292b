/* harden_shim.h: the interface of libvcshim, an LD_PRELOAD allocator shim
 * for the hardening tests (harden_shim.c).
 *
 * Preloaded, the shim passes every allocation to glibc and, inside a
 * window opened by vcshim_arm(), numbers the allocations, fails the n-th
 * one, and tracks the blocks allocated in the window: how many are still
 * live when the window closes (leaks) and the peak of their bytes.
 *
 * A program reaches the shim through dlsym (vcshim_find), so it still runs,
 * and can skip, when the shim is not preloaded. Without any call, the
 * environment arms it for a whole process (the CLI tests use that):
 *     VC_FAIL_AT=n        fail the n-th allocation after the shim loads
 *                         (0: count only)
 *     VC_FAIL_ALIGNED=1   count and fail posix_memalign/memalign/
 *                         aligned_alloc too (x264 and libavcodec use them)
 *     VC_FAIL_IN=name     count and fail only allocations called from an
 *                         object whose file name contains name ("vidcube":
 *                         the library and the command, not HDF5 or netCDF,
 *                         which crash on their own allocation failures)
 *     VC_SHIM_REPORT=file at exit, add a line "count failed" to file (a
 *                         forked child numbers on from its parent)
 */
#ifndef VC_HARDEN_SHIM_H
#define VC_HARDEN_SHIM_H

#include <stddef.h>

typedef struct vcshim_stats {
    long   count;        /* allocations numbered in the window */
    int    failed;       /* the n-th allocation was reached and failed */
    long   live;         /* blocks allocated in the window, not yet freed */
    size_t live_bytes;   /* their bytes */
    size_t peak_bytes;   /* the most bytes of window blocks live at once */
    long   untracked;    /* blocks the tracking table had no room for */
    char   failed_in[48];/* the object whose call failed ("libx264.so.164") */
    long   live_x264;    /* of the live blocks, those libx264 allocated */
    size_t live_x264_bytes;
} vcshim_stats;

/* Open a window: number allocations from 1 and fail number fail_at (0:
 * none). aligned: number and fail the aligned allocators as well. */
typedef void (*vcshim_arm_fn)(long fail_at, int aligned);
/* Close the window and report it. */
typedef vcshim_stats (*vcshim_disarm_fn)(void);

typedef struct vcshim {
    vcshim_arm_fn    arm;
    vcshim_disarm_fn disarm;
} vcshim;

/* Find the preloaded shim: 1 and *s filled, or 0 when it is absent. */
int vcshim_find(vcshim *s);

#endif
