/* harden_shim.c: libvcshim, the allocation-failure and allocation-counting
 * shim of the hardening tests (interface and environment in harden_shim.h).
 *
 * The real allocators are found with dlsym(RTLD_NEXT), not glibc's
 * __libc_* entry points, so the shim also works under valgrind (which
 * redirects libc's malloc, not __libc_malloc) and leaves its leak and
 * access checking intact. dlsym itself may allocate while the shim is
 * resolving: those few bytes come from a static arena.
 *
 * strdup is interposed too, so x264's copies of its parameter strings are
 * attributed to x264 (harden_faults.c tolerates one known x264 leak).
 *
 * libgomp's allocations are never failed or counted: libgomp treats an
 * allocation failure as fatal by design (gomp_fatal, exit), so failing it
 * would test libgomp, not vidcube.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harden_shim.h"

#define EXPORT __attribute__((visibility("default")))

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void  (*real_free)(void *);
static void *(*real_memalign)(size_t, size_t);

/* ---- bootstrap: what dlsym allocates before the real allocators are known ---- */
static _Alignas(16) unsigned char arena[8192];
static size_t arena_used;
static int resolving;

static void *arena_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof arena - arena_used)
        return NULL;
    void *p = arena + arena_used;
    arena_used += n;
    return p;
}

static int in_arena(const void *p)
{
    return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void resolve(void)
{
    if (real_free || resolving)
        return;
    resolving = 1;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    real_free = dlsym(RTLD_NEXT, "free");
    resolving = 0;
}

/* ---- the window: numbering, failure and tracking ---- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int armed, aligned_too, fail_reached;
static long fail_at, count, live, untracked;
static size_t live_bytes, peak_bytes;
static char failed_in[48];
static const char *only_in;      /* VC_FAIL_IN */

/* Blocks allocated in the window: open addressing on the pointer, with
 * backward-shift deletion. Static, so tracking never allocates. */
#define SLOTS (1u << 20)
static struct slot { void *p; size_t n; int x264; } table[SLOTS];

/* Who called the allocator: a flag per object of interest. */
enum { FROM_OTHER = 0, FROM_GOMP = 1, FROM_X264 = 2 };
static int caller_of(const void *caller, const char **name)
{
    Dl_info info;
    *name = "?";
    if (!dladdr(caller, &info) || !info.dli_fname)
        return FROM_OTHER;
    const char *slash = strrchr(info.dli_fname, '/');
    *name = slash ? slash + 1 : info.dli_fname;
    if (strstr(*name, "libgomp"))
        return FROM_GOMP;
    return strstr(*name, "libx264") ? FROM_X264 : FROM_OTHER;
}

static size_t slot_of(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 44) & (SLOTS - 1);
}

static void track(void *p, size_t n, int x264)
{
    if ((size_t)live >= SLOTS / 2) {
        untracked++;
        return;
    }
    size_t i = slot_of(p);
    while (table[i].p)
        i = (i + 1) & (SLOTS - 1);
    table[i].p = p;
    table[i].n = n;
    table[i].x264 = x264;
    live++;
    live_bytes += n;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
}

static void untrack(const void *p)
{
    size_t i = slot_of(p);
    while (table[i].p && table[i].p != p)
        i = (i + 1) & (SLOTS - 1);
    if (!table[i].p)
        return;                          /* allocated outside the window */
    live--;
    live_bytes -= table[i].n;
    table[i].p = NULL;
    /* Shift back the entries of the cluster that probed past slot i. */
    for (size_t j = (i + 1) & (SLOTS - 1); table[j].p; j = (j + 1) & (SLOTS - 1)) {
        size_t home = slot_of(table[j].p);
        if (((j - home) & (SLOTS - 1)) >= ((j - i) & (SLOTS - 1))) {
            table[i] = table[j];
            table[j].p = NULL;
            i = j;
        }
    }
}

/* Take a number for an allocation about to happen: 0 means fail it, else
 * 1 + where it comes from. Called with the lock held. */
static int may_allocate(const void *caller, int aligned)
{
    if (!armed || (aligned && !aligned_too))
        return 1;
    const char *name;
    int from = caller_of(caller, &name);
    if (from == FROM_GOMP || (only_in && !strstr(name, only_in)))
        return 1;
    if (++count == fail_at) {
        fail_reached = 1;
        size_t k = 0;                      /* no snprintf: it may allocate */
        for (; name[k] && k + 1 < sizeof failed_in; k++)
            failed_in[k] = name[k];
        failed_in[k] = '\0';
        return 0;
    }
    return 1 + from;
}

/* Record the outcome of an allocation (ok as from may_allocate). */
static void after(void *p, size_t n, int ok)
{
    if (p && armed)
        track(p, n, ok - 1 == FROM_X264);
}

/* ---- the interposed allocators ---- */
static void *malloc_from(size_t n, const void *caller)
{
    resolve();
    if (!real_malloc)
        return arena_alloc(n);
    pthread_mutex_lock(&lock);
    int ok = may_allocate(caller, 0);
    pthread_mutex_unlock(&lock);
    if (!ok) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_malloc(n);
    pthread_mutex_lock(&lock);
    after(p, n, ok);
    pthread_mutex_unlock(&lock);
    return p;
}

EXPORT void *malloc(size_t n)
{
    return malloc_from(n, __builtin_return_address(0));
}

/* strdup allocates inside libc: interposed so the block is its caller's. */
EXPORT char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc_from(n, __builtin_return_address(0));
    return p ? memcpy(p, s, n) : NULL;
}

EXPORT void *calloc(size_t k, size_t n)
{
    resolve();
    if (!real_calloc) {
        void *p = k && n > SIZE_MAX / k ? NULL : arena_alloc(k * n);
        return p ? memset(p, 0, k * n) : NULL;
    }
    pthread_mutex_lock(&lock);
    int ok = may_allocate(__builtin_return_address(0), 0);
    pthread_mutex_unlock(&lock);
    if (!ok) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_calloc(k, n);
    pthread_mutex_lock(&lock);
    after(p, k * n, ok);
    pthread_mutex_unlock(&lock);
    return p;
}

EXPORT void free(void *p)
{
    if (!p || in_arena(p))
        return;
    resolve();
    pthread_mutex_lock(&lock);
    untrack(p);
    pthread_mutex_unlock(&lock);
    real_free(p);
}

EXPORT void *realloc(void *p, size_t n)
{
    resolve();
    if (p && in_arena(p)) {                /* never happens in practice */
        void *q = malloc(n);
        if (q)
            memcpy(q, p, n < sizeof arena ? n : sizeof arena);
        return q;
    }
    if (!real_realloc)
        return arena_alloc(n);
    if (p && n == 0) {
        free(p);
        return NULL;
    }
    pthread_mutex_lock(&lock);
    int ok = may_allocate(__builtin_return_address(0), 0);
    pthread_mutex_unlock(&lock);
    if (!ok) {
        errno = ENOMEM;
        return NULL;                     /* p stays valid, as for a real failure */
    }
    void *q = real_realloc(p, n);
    pthread_mutex_lock(&lock);
    if (q) {
        if (p)
            untrack(p);
        after(q, n, ok);
    }
    pthread_mutex_unlock(&lock);
    return q;
}

static void *aligned(size_t align, size_t n, const void *caller)
{
    resolve();
    pthread_mutex_lock(&lock);
    int ok = may_allocate(caller, 1);
    pthread_mutex_unlock(&lock);
    if (!ok)
        return NULL;
    void *p = real_memalign(align, n);
    pthread_mutex_lock(&lock);
    after(p, n, ok);
    pthread_mutex_unlock(&lock);
    return p;
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = aligned(align, n, __builtin_return_address(0));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

EXPORT void *memalign(size_t align, size_t n)
{
    void *p = aligned(align, n, __builtin_return_address(0));
    if (!p)
        errno = ENOMEM;
    return p;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
    void *p = aligned(align, n, __builtin_return_address(0));
    if (!p)
        errno = ENOMEM;
    return p;
}

/* ---- control ---- */
static void arm_locked(long n, int with_aligned)
{
    armed = 1;
    aligned_too = with_aligned;
    fail_at = n;
    fail_reached = 0;
    count = live = untracked = 0;
    live_bytes = peak_bytes = 0;
    failed_in[0] = '\0';
}

EXPORT void vcshim_arm(long n, int with_aligned)
{
    pthread_mutex_lock(&lock);
    /* Forget blocks of an earlier window that were never freed. */
    if (live)
        memset(table, 0, sizeof table);
    arm_locked(n, with_aligned);
    pthread_mutex_unlock(&lock);
}

EXPORT vcshim_stats vcshim_disarm(void)
{
    pthread_mutex_lock(&lock);
    vcshim_stats s = { count, fail_reached, live, live_bytes, peak_bytes, untracked, "", 0, 0 };
    memcpy(s.failed_in, failed_in, sizeof s.failed_in);
    for (size_t i = 0; live && i < SLOTS; i++)
        if (table[i].p && table[i].x264) {
            s.live_x264++;
            s.live_x264_bytes += table[i].n;
        }
    armed = 0;
    pthread_mutex_unlock(&lock);
    return s;
}

__attribute__((constructor)) static void from_environment(void)
{
    const char *at = getenv("VC_FAIL_AT"), *al = getenv("VC_FAIL_ALIGNED");
    only_in = getenv("VC_FAIL_IN");
    if (at && atol(at) >= 0) {
        pthread_mutex_lock(&lock);
        arm_locked(atol(at), al && atoi(al) != 0);
        pthread_mutex_unlock(&lock);
    }
}

/* VC_SHIM_REPORT: the count and whether the failure happened, for tests
 * that arm a whole process. Written without stdio's formatting. */
__attribute__((destructor)) static void report_at_exit(void)
{
    const char *path = getenv("VC_SHIM_REPORT");
    if (!path || !armed || !count)      /* (the shells of a libtool wrapper) */
        return;
    char line[32], digits[24];
    int n = 0, k = 0;
    long v = count;
    do
        digits[k++] = (char)('0' + v % 10);
    while ((v /= 10) > 0 && k < 23);
    while (k)
        line[n++] = digits[--k];
    line[n++] = ' ';
    line[n++] = fail_reached ? '1' : '0';
    line[n++] = '\n';
    FILE *f = fopen(path, "a");       /* forked workers add their own line */
    if (f) {
        fwrite(line, 1, (size_t)n, f);
        fclose(f);
    }
}
