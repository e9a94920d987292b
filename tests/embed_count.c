/* embed_count.c: count vc_compress and vc_decompress calls by interposing
 * them (see embed_count.h). An executable's exported definition comes first
 * in the dynamic linker's search order, so the plugin and libvidcube_nc,
 * which call these through their PLT, land here; dlsym(RTLD_NEXT) finds
 * libvidcube's own. If the interposition did not happen, the counts stay
 * at 0 and the tests that expect encodes fail: they cannot pass silently. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "vidcube.h"
#include "embed_count.h"

static atomic_ulong encodes, decodes;

static void *next_symbol(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "embed_count: dlsym(RTLD_NEXT, %s): %s\n", name, dlerror());
        abort();
    }
    return f;
}

int vc_compress(vc_ctx *ctx, const vc_array *a, const void *src, void *dst,
                size_t dst_capacity, size_t *dst_size)
{
    typedef int (*fn)(vc_ctx *, const vc_array *, const void *, void *, size_t, size_t *);
    static fn real;
    if (!real)
        *(void **)&real = next_symbol("vc_compress");
    atomic_fetch_add(&encodes, 1);
    return real(ctx, a, src, dst, dst_capacity, dst_size);
}

int vc_decompress(vc_ctx *ctx, const void *src, size_t src_size, void *dst,
                  size_t dst_capacity)
{
    typedef int (*fn)(vc_ctx *, const void *, size_t, void *, size_t);
    static fn real;
    if (!real)
        *(void **)&real = next_symbol("vc_decompress");
    atomic_fetch_add(&decodes, 1);
    return real(ctx, src, src_size, dst, dst_capacity);
}

unsigned long ec_encodes(void)
{
    return atomic_load(&encodes);
}

unsigned long ec_decodes(void)
{
    return atomic_load(&decodes);
}
