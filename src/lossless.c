/* lossless.c: bit-exact coding of one channel's raw values, for floats and
 * integers too wide for lossless video. Values are taken as unsigned
 * integers of their width (so NaN payloads and -0.0 survive), predicted,
 * split into byte planes (the high bytes of smooth data are nearly
 * constant) and compressed with zstd. */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

enum { PRED_NONE = 0, PRED_LEFT = 1 };

static void gather(const vc_geom *g, const void *src, size_t c, uint8_t *out)
{
    size_t es = g->esize;
    for (size_t t = 0; t < g->T; t++) {
        size_t base = vc_geom_frame_offset(g, t, c);
        for (size_t y = 0; y < g->Y; y++) {
            const uint8_t *row = (const uint8_t *)src + (base + y * g->sy) * es;
            uint8_t *o = out + ((t * g->Y + y) * g->X) * es;
            if (g->sx == 1)
                memcpy(o, row, g->X * es);
            else
                for (size_t x = 0; x < g->X; x++)
                    memcpy(o + x * es, row + x * g->sx * es, es);
        }
    }
}

static void scatter(const vc_geom *g, const uint8_t *in, size_t c, void *dst)
{
    size_t es = g->esize;
    for (size_t t = 0; t < g->T; t++) {
        size_t base = vc_geom_frame_offset(g, t, c);
        for (size_t y = 0; y < g->Y; y++) {
            uint8_t *row = (uint8_t *)dst + (base + y * g->sy) * es;
            const uint8_t *s = in + ((t * g->Y + y) * g->X) * es;
            for (size_t x = 0; x < g->X; x++)
                memcpy(row + x * g->sx * es, s + x * es, es);
        }
    }
}

/* The value as a native unsigned integer of its width, so the byte planes
 * below mean the same on any host. */
static uint64_t get_uint(const uint8_t *p, size_t es)
{
    uint8_t a; uint16_t b; uint32_t c; uint64_t d;
    switch (es) {
    case 1:  memcpy(&a, p, 1); return a;
    case 2:  memcpy(&b, p, 2); return b;
    case 4:  memcpy(&c, p, 4); return c;
    default: memcpy(&d, p, 8); return d;
    }
}

static void put_uint(uint8_t *p, size_t es, uint64_t v)
{
    uint8_t a = (uint8_t)v; uint16_t b = (uint16_t)v; uint32_t c = (uint32_t)v;
    switch (es) {
    case 1:  memcpy(p, &a, 1); break;
    case 2:  memcpy(p, &b, 2); break;
    case 4:  memcpy(p, &c, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* Left prediction on the integer view, wrapping: exact and reversible. Byte
 * planes are written least-significant first, in little-endian order. */
static void forward(const uint8_t *in, size_t n, size_t es, uint8_t *planes)
{
    uint64_t prev = 0, mask = es == 8 ? ~0ull : (1ull << (8 * es)) - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = get_uint(in + i * es, es);
        uint64_t d = (v - prev) & mask;
        prev = v;
        for (size_t b = 0; b < es; b++)
            planes[b * n + i] = (uint8_t)(d >> (8 * b));
    }
}

static void inverse(const uint8_t *planes, size_t n, size_t es, uint8_t *out)
{
    uint64_t prev = 0, mask = es == 8 ? ~0ull : (1ull << (8 * es)) - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = 0;
        for (size_t b = 0; b < es; b++)
            d |= (uint64_t)planes[b * n + i] << (8 * b);
        prev = (prev + d) & mask;
        put_uint(out + i * es, es, prev);
    }
}

int vc_raw_encode(const vc_geom *g, const void *src, size_t c, int level, vc_buf *out)
{
    size_t n = g->T * g->Y * g->X, bytes = n * g->esize;
    uint8_t *raw = malloc(bytes), *planes = malloc(bytes);
    int rc = VC_ERR_NOMEM;
    if (raw && planes) {
        gather(g, src, c, raw);
        forward(raw, n, g->esize, planes);
        size_t cap = ZSTD_compressBound(bytes);
        vc_buf_u8(out, PRED_LEFT);
        if (vc_buf_reserve(out, cap) == VC_OK) {
            size_t z = ZSTD_compress(out->p + out->n, cap, planes, bytes, level);
            if (ZSTD_isError(z)) {
                rc = VC_ERR_GENERIC;
            } else {
                out->n += z;
                rc = VC_OK;
            }
        }
    }
    free(raw);
    free(planes);
    return rc;
}

int vc_raw_decode(const vc_geom *g, const uint8_t *p, size_t n, size_t c, void *dst)
{
    size_t count = g->T * g->Y * g->X, bytes = count * g->esize;
    if (n < 1 || p[0] != PRED_LEFT)
        return VC_ERR_CORRUPT;
    if (ZSTD_getFrameContentSize(p + 1, n - 1) != bytes)
        return VC_ERR_CORRUPT;
    uint8_t *planes = malloc(bytes), *raw = malloc(bytes);
    int rc = VC_ERR_NOMEM;
    if (planes && raw) {
        size_t got = ZSTD_decompress(planes, bytes, p + 1, n - 1);
        if (ZSTD_isError(got) || got != bytes) {
            rc = VC_ERR_CORRUPT;
        } else {
            inverse(planes, count, g->esize, raw);
            scatter(g, raw, c, dst);
            rc = VC_OK;
        }
    }
    free(planes);
    free(raw);
    return rc;
}
