/* h5z_filter.c: the filter function. One chunk is one vidcube stream.
 *
 * Rules HDF5 does not enforce for us: the output buffer is allocated with
 * H5allocate_memory (HDF5 frees it with H5free_memory), the return value
 * is the number of valid bytes and never exceeds *buf_size, and a decoded
 * stream must be exactly one chunk (HDF5 trusts the filter's size). On any
 * failure the filter returns 0, leaves *buf alone and says why on the
 * error stack; for chunks written back from the cache, that surfaces at
 * H5Dclose / H5Fclose / nc_close. */
#include <stdio.h>
#include <string.h>

#include "h5z_internal.h"
#include "h5z_reencode.h"
#include "h5z_vidcube.h"

/* "<status>: <detail>" for a failed library call, without repeating the
 * status when the context has nothing to add. */
static const char *reason(int rc, const vc_ctx *ctx, char *buf, size_t size)
{
    const char *what = vc_strerror(rc), *detail = vc_ctx_error(ctx);
    if (!detail[0] || !strcmp(detail, what))
        snprintf(buf, size, "%s", what);
    else
        snprintf(buf, size, "%s: %s", what, detail);
    return buf;
}

/* The chunk as set_local described it (cd words 10..19). */
static int chunk_of(size_t cd_nelmts, const unsigned int cd[], vc_params *p, vc_array *a)
{
    vc_axis roles[VC_MAX_RANK];
    vc_cd_local local;
    int has_local = 0;
    int rc = vc_cd_unpack(cd, cd_nelmts, p, roles, &local, &has_local);
    if (rc == VC_OK && !has_local)
        rc = VC_ERR_PARAM;
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_BADVALUE, "the dataset's %zu cd_values words are not complete vidcube "
                    "v1 parameters (%s)", cd_nelmts, vc_strerror(rc));
        return 0;
    }
    memset(a, 0, sizeof *a);
    a->dtype = local.dtype;
    a->rank = local.rank;
    for (int i = 0; i < local.rank; i++) {
        a->dims[i] = local.chunk[i];
        a->roles[i] = roles[i];
    }
    p->has_fill = local.has_fill;      /* the value set_local chose to mask */
    p->fill_value = local.fill;
    rc = vc_array_check(a);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_BADVALUE, "the chunk described by cd_values is invalid: %s",
                    vc_strerror(rc));
        return 0;
    }
    return 1;
}

static size_t compress_chunk(vc_ctx *ctx, const vc_array *a, size_t nbytes,
                             size_t *buf_size, void **buf)
{
    size_t expected = vc_array_nvalues(a) * vc_dtype_size(a->dtype);
    if (nbytes != expected) {
        VC_H5Z_PUSH(H5E_CANTFILTER, "HDF5 passed %zu bytes, but a chunk holds %zu", nbytes,
                    expected);
        return 0;
    }
    size_t cap = vc_compress_bound(a), n = 0;
    void *out = cap ? H5allocate_memory(cap, 0) : NULL;
    if (!out) {
        VC_H5Z_PUSH(H5E_CANTALLOC, "cannot allocate %zu bytes for a compressed chunk", cap);
        return 0;
    }
    char why[512];
    int rc = vc_compress(ctx, a, *buf, out, cap, &n);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_CANTFILTER, "cannot compress a chunk of %zu %s values: %s",
                    vc_array_nvalues(a), vc_dtype_name(a->dtype),
                    reason(rc, ctx, why, sizeof why));
        H5free_memory(out);
        return 0;
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = cap;
    return n;
}

static int same_shape(const vc_array *x, const vc_array *y)
{
    if (x->dtype != y->dtype || x->rank != y->rank)
        return 0;
    for (int i = 0; i < x->rank; i++)
        if (x->dims[i] != y->dims[i])
            return 0;
    return 1;
}

static size_t decompress_chunk(vc_ctx *ctx, const vc_array *a, size_t nbytes,
                               size_t *buf_size, void **buf)
{
    size_t expected = vc_array_nvalues(a) * vc_dtype_size(a->dtype);
    vc_stream_info info;
    int rc = vc_stream_info_read(*buf, nbytes, &info);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_CANTFILTER, "a stored chunk of %zu bytes is not a readable vidcube "
                    "stream: %s", nbytes, vc_strerror(rc));
        return 0;
    }
    if (info.decoded_size != expected || !same_shape(&info.array, a)) {
        char got[128], want[128];
        VC_H5Z_PUSH(H5E_CANTFILTER, "a stored chunk decodes to %zu bytes (%s), but the "
                    "dataset's chunk holds %zu bytes (%s)", info.decoded_size,
                    vc_h5z_describe(&info.array, got, sizeof got), expected,
                    vc_h5z_describe(a, want, sizeof want));
        return 0;
    }
    void *out = H5allocate_memory(expected, 0);
    if (!out) {
        VC_H5Z_PUSH(H5E_CANTALLOC, "cannot allocate %zu bytes for a decoded chunk", expected);
        return 0;
    }
    char why[512];
    rc = vc_decompress(ctx, *buf, nbytes, out, expected);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_CANTFILTER, "cannot decode a stored chunk of %zu bytes: %s",
                    nbytes, reason(rc, ctx, why, sizeof why));
        H5free_memory(out);
        return 0;
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = expected;
    return expected;
}

size_t vc_h5z_filter_observed(unsigned int flags, size_t cd_nelmts,
                              const unsigned int cd_values[], size_t nbytes,
                              size_t *buf_size, void **buf, vc_h5z_encode_observer observe)
{
    vc_params p;
    vc_array a;
    if (!chunk_of(cd_nelmts, cd_values, &p, &a))
        return 0;
    vc_ctx *ctx = vc_ctx_create(&p);
    if (!ctx) {
        VC_H5Z_PUSH(H5E_CANTALLOC, "cannot create a vidcube context");
        return 0;
    }
    if (!(flags & H5Z_FLAG_REVERSE))          /* warn of decode-patch-encode cycles */
        vc_h5z_reencode_check(&a, *buf, nbytes);
    size_t n = (flags & H5Z_FLAG_REVERSE) ? decompress_chunk(ctx, &a, nbytes, buf_size, buf)
                                          : compress_chunk(ctx, &a, nbytes, buf_size, buf);
    if (n && (flags & H5Z_FLAG_REVERSE))
        vc_h5z_reencode_note(&a, *buf, n);
    else if (n && observe)
        observe(ctx, &a, n);
    vc_ctx_free(ctx);
    return n;
}

size_t vc_h5z_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                     size_t nbytes, size_t *buf_size, void **buf)
{
    return vc_h5z_filter_observed(flags, cd_nelmts, cd_values, nbytes, buf_size, buf, NULL);
}
