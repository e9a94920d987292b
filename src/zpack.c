/* zpack.c: the two ways sections store bulk integers. A length-prefixed
 * zstd frame (u32 compressed size, then the frame), refused on read unless
 * it expands to exactly the expected size; and "byte planes": n unsigned
 * integers of w bytes each, written as w planes (all low bytes, then all
 * next bytes...) so zstd sees the nearly constant high bytes together;
 * "sparse planes" (stream format 2) first say which integers are zero (a
 * bitmap, zstd) and plane only the others, for data where a third of the
 * residuals are exactly zero (resampled imagery repeats pixels) and the
 * rest are noise: zstd's fast levels cannot model the mix, a bitmap can. */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

int vc_zstd_put(vc_buf *out, const void *src, size_t n, int level)
{
    size_t cap = ZSTD_compressBound(n);
    if (cap > UINT32_MAX)
        return VC_ERR_LIMIT;
    if (vc_buf_reserve(out, 4 + cap) != VC_OK)
        return VC_ERR_NOMEM;
    size_t z = ZSTD_compress(out->p + out->n + 4, cap, src, n, level);
    if (ZSTD_isError(z))
        return ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation ? VC_ERR_NOMEM
                                                                    : VC_ERR_GENERIC;
    vc_put_le32(out->p + out->n, (uint32_t)z);
    out->n += 4 + z;
    return VC_OK;
}

int vc_zstd_get(vc_rd *r, void *dst, size_t n)
{
    uint32_t z = vc_rd_u32(r);
    const uint8_t *p = vc_rd_bytes(r, z);
    if (!p || ZSTD_getFrameContentSize(p, z) != n)
        return VC_ERR_CORRUPT;
    size_t got = ZSTD_decompress(dst, n, p, z);
    /* zstd allocates its context: running out of memory is not damage */
    if (ZSTD_isError(got) && ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation)
        return VC_ERR_NOMEM;
    return ZSTD_isError(got) || got != n ? VC_ERR_CORRUPT : VC_OK;
}

unsigned vc_planes_width(const uint64_t *r, size_t n)
{
    uint64_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= r[i];
    unsigned w = 1;
    while (w < 8 && (all >> (8 * w)))
        w++;
    return w;
}

int vc_planes_put(vc_buf *out, const uint64_t *r, size_t n, unsigned w, int level)
{
    uint8_t *planes = malloc(n ? n * w : 1);
    if (!planes)
        return VC_ERR_NOMEM;
    for (unsigned b = 0; b < w; b++)
        for (size_t i = 0; i < n; i++)
            planes[b * n + i] = (uint8_t)(r[i] >> (8 * b));
    int rc = vc_zstd_put(out, planes, n * w, level);
    free(planes);
    return rc;
}

int vc_planes_get(vc_rd *rd, uint64_t *r, size_t n, unsigned w)
{
    if (w < 1 || w > 8)
        return VC_ERR_CORRUPT;
    uint8_t *planes = malloc(n ? n * w : 1);
    if (!planes)
        return VC_ERR_NOMEM;
    int rc = vc_zstd_get(rd, planes, n * w);
    for (size_t i = 0; rc == VC_OK && i < n; i++) {
        uint64_t v = 0;
        for (unsigned b = 0; b < w; b++)
            v |= (uint64_t)planes[b * n + i] << (8 * b);
        r[i] = v;
    }
    free(planes);
    return rc;
}

int vc_sparse_planes_put(vc_buf *out, const uint64_t *r, size_t n, unsigned w, int level)
{
    size_t nb = (n + 7) / 8, nz = 0;
    uint8_t *bits = calloc(nb ? nb : 1, 1);
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);
    int rc = bits && v ? VC_OK : VC_ERR_NOMEM;
    for (size_t i = 0; rc == VC_OK && i < n; i++)
        if (r[i]) {
            bits[i / 8] |= (uint8_t)(1u << (i % 8));
            v[nz++] = r[i];
        }
    if (rc == VC_OK)
        rc = vc_zstd_put(out, bits, nb, level);
    if (rc == VC_OK)
        rc = vc_planes_put(out, v, nz, w, level);
    free(bits);
    free(v);
    return rc;
}

int vc_sparse_planes_get(vc_rd *rd, uint64_t *r, size_t n, unsigned w)
{
    size_t nb = (n + 7) / 8, nz = 0;
    uint8_t *bits = malloc(nb ? nb : 1);
    if (!bits)
        return VC_ERR_NOMEM;
    int rc = vc_zstd_get(rd, bits, nb);
    for (size_t i = 0; rc == VC_OK && i < n; i++)
        nz += (bits[i / 8] >> (i % 8)) & 1;
    if (rc == VC_OK && (n % 8) && (bits[nb - 1] >> (n % 8)))
        rc = VC_ERR_CORRUPT;                  /* flags past the end */
    /* the non-zero values go to the front of r, then spread out from the
     * back, so no second buffer is needed */
    if (rc == VC_OK)
        rc = vc_planes_get(rd, r, nz, w);
    for (size_t i = n, k = nz; rc == VC_OK && i-- > 0;)
        r[i] = (bits[i / 8] >> (i % 8)) & 1 ? r[--k] : 0;
    free(bits);
    return rc;
}
