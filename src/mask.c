/* mask.c: the exact record of values a codec must not touch. NaN (any
 * payload), +-Inf and an optional fill value are found, their positions kept
 * as a zstd-compressed bitmap, and their raw bits kept in a small palette, so
 * they come back bit for bit whatever the lossy path does elsewhere. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MASK_ZSTD_LEVEL 9
#define MASK_KIND_BITMAP 0
#define MASK_KIND_REF 1
#define MASK_KIND_ALL 2        /* every value masked: no bitmap needed */
#define MASK_PALETTE_MAX 255

/* Is the fill value representable in the dtype? Only then can it match. */
static int fill_in_dtype(vc_dtype d, double fill, double *as_dtype)
{
    double v = vc_dtype_cast(d, fill);
    *as_dtype = v;
    return d == VC_FLOAT32 ? isfinite(v) || isinf(fill) : v == fill;
}

size_t vc_mask_find(const vc_geom *g, const void *src, size_t c,
                    const vc_maskspec *ms, uint8_t *m)
{
    double fill = 0;
    int use_fill = ms->has_fill && fill_in_dtype(g->dtype, ms->fill, &fill);
    int is_float = vc_dtype_is_float(g->dtype);
    size_t count = 0;
    if (!use_fill && !is_float) {
        memset(m, 0, g->T * g->Y * g->X);
        return 0;
    }
    for (size_t t = 0; t < g->T; t++) {
        size_t base = vc_geom_frame_offset(g, t, c);
        for (size_t y = 0; y < g->Y; y++) {
            uint8_t *mo = m + (t * g->Y + y) * g->X;
            for (size_t x = 0; x < g->X; x++) {
                double v = vc_load(g->dtype, src, base + y * g->sy + x * g->sx);
                int masked = (is_float && !isfinite(v)) || (use_fill && v == fill);
                mo[x] = (uint8_t)masked;
                count += (size_t)masked;
            }
        }
    }
    return count;
}

void vc_mask_pack(const uint8_t *m, size_t n, uint8_t *bits)
{
    memset(bits, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        bits[i >> 3] |= (uint8_t)(m[i] << (i & 7));
}

/* Offset of the i-th pixel (frame-major) of channel c in the array. */
static size_t pixel_offset(const vc_geom *g, size_t c, size_t i)
{
    size_t x = i % g->X, y = (i / g->X) % g->Y, t = i / (g->X * g->Y);
    return vc_geom_frame_offset(g, t, c) + y * g->sy + x * g->sx;
}

static int encode_values(const vc_geom *g, const void *src, size_t c,
                         const uint8_t *bits, size_t n_masked, vc_buf *out)
{
    size_t n = g->T * g->Y * g->X, es = g->esize, npal = 0, k = 0;
    uint8_t pal[MASK_PALETTE_MAX * 8];
    uint8_t *idx = malloc(n_masked ? n_masked : 1);
    if (!idx)
        return VC_ERR_NOMEM;
    for (size_t i = 0; i < n && npal <= MASK_PALETTE_MAX; i++) {
        if (!(bits[i >> 3] >> (i & 7) & 1))
            continue;
        const uint8_t *v = (const uint8_t *)src + pixel_offset(g, c, i) * es;
        size_t j = 0;
        while (j < npal && memcmp(pal + j * es, v, es))
            j++;
        if (j == npal && npal++ < MASK_PALETTE_MAX)
            memcpy(pal + j * es, v, es);
        idx[k++] = (uint8_t)j;
    }
    int rc = VC_OK;
    if (npal <= MASK_PALETTE_MAX) {
        vc_buf_u8(out, (unsigned)npal);
        vc_buf_put(out, pal, npal * es);
        if (npal > 1)
            rc = vc_zstd_put(out, idx, n_masked, MASK_ZSTD_LEVEL);
    } else {
        /* Too many distinct patterns (NaN payloads carrying data): keep all. */
        uint8_t *raw = realloc(idx, n_masked * es);
        if (!raw) {
            free(idx);
            return VC_ERR_NOMEM;
        }
        idx = raw;
        for (size_t i = 0, j = 0; i < n; i++)
            if (bits[i >> 3] >> (i & 7) & 1)
                memcpy(raw + es * j++, (const uint8_t *)src + pixel_offset(g, c, i) * es, es);
        vc_buf_u8(out, 0);
        rc = vc_zstd_put(out, raw, n_masked * es, MASK_ZSTD_LEVEL);
    }
    free(idx);
    return rc;
}

int vc_mask_encode(const vc_geom *g, const void *src, size_t c,
                   const uint8_t *bits, size_t n_masked, int ref_band, vc_buf *out)
{
    size_t n = g->T * g->Y * g->X;
    if (n_masked == n) {
        vc_buf_u8(out, MASK_KIND_ALL);
    } else if (ref_band >= 0) {
        vc_buf_u8(out, MASK_KIND_REF);
        vc_buf_u16(out, (unsigned)ref_band);
        vc_buf_u64(out, n_masked);
    } else {
        vc_buf_u8(out, MASK_KIND_BITMAP);
        vc_buf_u64(out, n_masked);
        int rc = vc_zstd_put(out, bits, (n + 7) / 8, MASK_ZSTD_LEVEL);
        if (rc != VC_OK)
            return rc;
    }
    int rc = encode_values(g, src, c, bits, n_masked, out);
    return rc != VC_OK ? rc : out->failed ? VC_ERR_NOMEM : VC_OK;
}

/* Decode the bitmap part of band b's payload into m; returns n_masked or <0. */
static int decode_bitmap(const vc_geom *g, const uint8_t *p, size_t sz,
                         uint8_t *m, size_t *n_masked, vc_rd *rest)
{
    size_t n = g->T * g->Y * g->X, nb = (n + 7) / 8;
    vc_rd r;
    vc_rd_init(&r, p, sz);
    if (vc_rd_u8(&r) != MASK_KIND_BITMAP)
        return VC_ERR_CORRUPT;
    uint64_t declared = vc_rd_u64(&r);
    /* The bitmap is expanded in place at the tail of m, then unpacked. */
    uint8_t *bits = m + n - nb;
    int rc = vc_zstd_get(&r, bits, nb);
    if (rc != VC_OK)
        return rc;
    if ((n & 7) && bits[nb - 1] >> (n & 7))
        return VC_ERR_CORRUPT;             /* padding bits must be zero */
    size_t count = 0;
    /* Unpacking in place is safe: byte j of the bitmap is read for the last
     * time at step 8j+7, before step n-nb+j overwrites it (8*nb <= n+7). */
    for (size_t i = 0; i < n; i++) {
        uint8_t bit = (uint8_t)(bits[i >> 3] >> (i & 7) & 1);
        m[i] = bit;
        count += bit;
    }
    if (count != declared)
        return VC_ERR_CORRUPT;
    *n_masked = count;
    if (rest)
        *rest = r;
    return VC_OK;
}

int vc_mask_decode(const vc_geom *g, const uint8_t *const *masks,
                   const size_t *sizes, size_t c, uint8_t *m, void *dst)
{
    size_t n = g->T * g->Y * g->X, es = g->esize, n_masked = 0;
    vc_rd r;
    int rc;
    if (!masks[c])
        return VC_ERR_CORRUPT;
    vc_rd_init(&r, masks[c], sizes[c]);
    unsigned kind = vc_rd_u8(&r);
    if (kind == MASK_KIND_REF) {
        unsigned b = vc_rd_u16(&r);
        uint64_t declared = vc_rd_u64(&r);
        if (r.err || b >= c || !masks[b])
            return VC_ERR_CORRUPT;
        rc = decode_bitmap(g, masks[b], sizes[b], m, &n_masked, NULL);
        if (rc == VC_OK && n_masked != declared)
            rc = VC_ERR_CORRUPT;
    } else if (kind == MASK_KIND_BITMAP) {
        rc = decode_bitmap(g, masks[c], sizes[c], m, &n_masked, &r);
    } else if (kind == MASK_KIND_ALL) {
        memset(m, 1, n);
        n_masked = n;
        rc = VC_OK;
    } else {
        rc = VC_ERR_CORRUPT;
    }
    if (rc != VC_OK)
        return rc;

    size_t npal = vc_rd_u8(&r);
    const uint8_t *pal = npal ? vc_rd_bytes(&r, npal * es) : NULL;
    if (r.err || n_masked == 0)
        return (r.err || r.pos != r.n) ? VC_ERR_CORRUPT : VC_OK;
    uint8_t *vals = NULL;
    if (npal != 1) {
        size_t len = npal ? n_masked : n_masked * es;
        vals = malloc(len);
        if (!vals)
            return VC_ERR_NOMEM;
        rc = vc_zstd_get(&r, vals, len);
    }
    if (rc == VC_OK && r.pos != r.n)
        rc = VC_ERR_CORRUPT;
    for (size_t i = 0, j = 0; rc == VC_OK && i < n; i++) {
        if (!m[i])
            continue;
        const uint8_t *v;
        if (npal == 1)
            v = pal;
        else if (npal == 0)
            v = vals + j * es;
        else if (vals[j] < npal)
            v = pal + (size_t)vals[j] * es;
        else {
            rc = VC_ERR_CORRUPT;
            break;
        }
        j++;
        memcpy((uint8_t *)dst + pixel_offset(g, c, i) * es, v, es);
    }
    free(vals);
    return rc;
}
