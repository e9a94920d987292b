/* lossless.c: bit-exact coding of one channel's valid values, for floats and
 * integers too wide for lossless video.
 *
 * Masked values (NaN, Inf, fill) are already exact in the MASK section, so
 * only valid values are coded, in raster order. Each becomes an unsigned
 * integer that keeps numeric order (float bits with the sign folded in, so
 * -0.0 and payload bits survive) or, when the channel holds few distinct
 * values (scaled digital numbers, GRIB-packed fields), its index in the
 * sorted palette of those values. A predictor chosen by estimated cost
 * (previous value, previous frame, or LOCO-I's median of left/up/corner)
 * turns smooth fields into small residuals, which are zigzagged, split into
 * byte planes and compressed with zstd. Where many residuals are exactly
 * zero (resampled imagery repeats pixels), "sparse planes" code which ones
 * are and plane only the others; the smaller of the two is kept.
 *
 * Payload: transform u8 | predictor u8 | width u8 | level-free zstd frames:
 *   [palette: u32 count, u32 zlen, zstd(zigzag deltas of the sorted values)]
 *   u32 zlen, zstd(byte planes of zigzagged residuals), or with XF_SPARSE
 *   in the transform byte (stream format 2): u32 zlen, zstd(bitmap of the
 *   non-zero residuals), u32 zlen, zstd(their byte planes)
 */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>

enum { XF_ORDERED = 0, XF_PALETTE = 1, XF_SPARSE = 0x10 };
/* Sparse planes are tried when at least this share of residuals is zero. */
#define SPARSE_TRY_SHARE 32
enum { PRED_NONE = 0, PRED_PREV = 1, PRED_FRAME = 2, PRED_MED = 3, NPRED = 4 };
#define PALETTE_MAX 65536

/* ---- value <-> order-preserving unsigned integer ---- */

static uint64_t load_bits(vc_dtype d, const void *base, size_t i)
{
    uint8_t a; uint16_t b; uint32_t c; uint64_t e;
    switch (vc_dtype_size(d)) {
    case 1:  memcpy(&a, (const uint8_t *)base + i, 1); return a;
    case 2:  memcpy(&b, (const uint8_t *)base + 2 * i, 2); return b;
    case 4:  memcpy(&c, (const uint8_t *)base + 4 * i, 4); return c;
    default: memcpy(&e, (const uint8_t *)base + 8 * i, 8); return e;
    }
}

static void store_bits(vc_dtype d, void *base, size_t i, uint64_t v)
{
    uint8_t a = (uint8_t)v; uint16_t b = (uint16_t)v; uint32_t c = (uint32_t)v;
    switch (vc_dtype_size(d)) {
    case 1:  memcpy((uint8_t *)base + i, &a, 1); break;
    case 2:  memcpy((uint8_t *)base + 2 * i, &b, 2); break;
    case 4:  memcpy((uint8_t *)base + 4 * i, &c, 4); break;
    default: memcpy((uint8_t *)base + 8 * i, &v, 8); break;
    }
}

static unsigned bits_of(vc_dtype d) { return 8 * (unsigned)vc_dtype_size(d); }

static uint64_t width_mask(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

/* Floats: flip negatives entirely, set the sign of positives; signed
 * integers: offset binary. Both make unsigned order equal numeric order. */
static uint64_t to_ordered(vc_dtype d, uint64_t u)
{
    unsigned bits = bits_of(d);
    uint64_t sign = 1ull << (bits - 1);
    switch (d) {
    case VC_FLOAT32: case VC_FLOAT64:
        return (u & sign) ? ~u & width_mask(bits) : u | sign;
    case VC_INT8: case VC_INT16: case VC_INT32:
        return (u ^ sign) & width_mask(bits);
    default:
        return u;
    }
}

static uint64_t from_ordered(vc_dtype d, uint64_t o)
{
    unsigned bits = bits_of(d);
    uint64_t sign = 1ull << (bits - 1);
    switch (d) {
    case VC_FLOAT32: case VC_FLOAT64:
        return (o & sign) ? o & ~sign : ~o & width_mask(bits);
    case VC_INT8: case VC_INT16: case VC_INT32:
        return (o ^ sign) & width_mask(bits);
    default:
        return o;
    }
}

static size_t pixel_offset(const vc_geom *g, size_t c, size_t i)
{
    size_t x = i % g->X, y = (i / g->X) % g->Y, t = i / (g->X * g->Y);
    return vc_geom_frame_offset(g, t, c) + y * g->sy + x * g->sx;
}

/* ---- prediction on a full T*Y*X plane of integers (masked = don't care) ---- */

typedef struct plane {
    const vc_geom *g;
    const uint8_t *m;       /* NULL: nothing masked */
    uint64_t      *u;       /* T*Y*X integers */
    unsigned       bits;
} plane;

static int valid(const plane *pl, size_t i) { return !pl->m || !pl->m[i]; }

static uint64_t med(uint64_t a, uint64_t b, uint64_t c, uint64_t mask)
{
    /* LOCO-I: min(a,b) if c >= max(a,b); max(a,b) if c <= min(a,b); else a+b-c. */
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (c >= hi) return lo;
    if (c <= lo) return hi;
    return (a + b - c) & mask;
}

/* Prediction of pixel i from already-decoded pixels; prev is the last valid
 * value in scan order (0 before the first). */
static uint64_t predict(const plane *pl, int pred, size_t i, uint64_t prev)
{
    const vc_geom *g = pl->g;
    size_t F = g->Y * g->X, x = i % g->X, y = (i / g->X) % g->Y;
    switch (pred) {
    case PRED_FRAME:
        if (i >= F && valid(pl, i - F))
            return pl->u[i - F];
        return prev;
    case PRED_MED:
        if (x > 0 && y > 0 && valid(pl, i - 1) && valid(pl, i - g->X) && valid(pl, i - g->X - 1))
            return med(pl->u[i - 1], pl->u[i - g->X], pl->u[i - g->X - 1], width_mask(pl->bits));
        if (x > 0 && valid(pl, i - 1))
            return pl->u[i - 1];
        if (y > 0 && valid(pl, i - g->X))
            return pl->u[i - g->X];
        return prev;
    case PRED_PREV:
        return prev;
    default:
        return 0;
    }
}

static uint64_t zigzag(uint64_t d, unsigned bits)
{
    uint64_t sign = (d >> (bits - 1)) & 1;
    return ((d << 1) & width_mask(bits)) ^ (sign ? width_mask(bits) : 0);
}

static uint64_t unzigzag(uint64_t z, unsigned bits)
{
    return ((z >> 1) ^ ((z & 1) ? width_mask(bits) : 0)) & width_mask(bits);
}

/* Residuals of every valid pixel under one predictor (into r, n_valid long);
 * returns an estimate of their cost in bits (sum of bit lengths). */
static uint64_t residuals(const plane *pl, int pred, uint64_t *r)
{
    size_t n = pl->g->T * pl->g->Y * pl->g->X, k = 0;
    uint64_t prev = 0, cost = 0, mask = width_mask(pl->bits);
    for (size_t i = 0; i < n; i++) {
        if (!valid(pl, i))
            continue;
        uint64_t z = zigzag((pl->u[i] - predict(pl, pred, i, prev)) & mask, pl->bits);
        if (r)
            r[k++] = z;
        cost += z ? 64 - (uint64_t)__builtin_clzll(z) : 0;
        prev = pl->u[i];
    }
    return cost;
}

/* ---- palette ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted distinct values, if there are few enough to be worth indexing. */
static size_t find_palette(const uint64_t *vals, size_t n, uint64_t **pal)
{
    *pal = NULL;
    if (n < 64)
        return 0;
    uint64_t *s = malloc(n * sizeof *s);
    if (!s)
        return 0;
    memcpy(s, vals, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n && k <= PALETTE_MAX; i++)
        if (i == 0 || s[i] != s[k - 1])
            s[k++] = s[i];
    if (k > PALETTE_MAX || k > n / 4) {
        free(s);
        return 0;
    }
    *pal = s;
    return k;
}

static size_t palette_index(const uint64_t *pal, size_t k, uint64_t v)
{
    size_t lo = 0, hi = k;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (pal[mid] <= v) lo = mid; else hi = mid;
    }
    return lo;
}

/* ---- encoder ---- */

/* The cheapest predictor for a plane, by estimated cost. */
static int best_predictor(const plane *pl, uint64_t *cost)
{
    int best = PRED_NONE;
    *cost = UINT64_MAX;
    for (int pr = 0; pr < NPRED; pr++) {
        uint64_t c = residuals(pl, pr, NULL);
        if (c < *cost) {
            *cost = c;
            best = pr;
        }
    }
    return best;
}

/* Turn the sorted palette into zigzagged deltas of its ordered values. */
static void palette_deltas(uint64_t *pal, size_t k, unsigned bits)
{
    uint64_t prev = 0;
    for (size_t i = 0; i < k; i++) {
        uint64_t v = pal[i];
        pal[i] = zigzag((v - prev) & width_mask(bits), bits);
        prev = v;
    }
}

/* The residuals as byte planes, or as sparse planes when that is smaller
 * (tried only when zeros are common). Sets *sparse. */
static int put_residuals(vc_buf *out, const uint64_t *r, size_t nv, unsigned w, int level,
                         int *sparse)
{
    size_t zeros = 0;
    for (size_t i = 0; i < nv; i++)
        zeros += r[i] == 0;
    *sparse = 0;
    int rc = vc_planes_put(out, r, nv, w, level);
    if (rc != VC_OK || zeros * SPARSE_TRY_SHARE < nv)
        return rc;
    vc_buf s;
    vc_buf_init(&s);
    rc = vc_sparse_planes_put(&s, r, nv, w, level);
    if (rc == VC_OK && !s.failed && s.n < out->n) {
        out->n = 0;
        vc_buf_put(out, s.p, s.n);
        *sparse = 1;
    }
    vc_buf_free(&s);
    return rc == VC_OK && (s.failed || out->failed) ? VC_ERR_NOMEM : rc;
}

/* Write one candidate coding of a plane: the header bytes, the palette (if
 * any, already as deltas) and the residuals under the cheapest predictor. */
static int put_candidate(vc_buf *out, const plane *pl, const uint64_t *pal, size_t npal,
                         unsigned esize, size_t nv, uint64_t *scratch, int level)
{
    uint64_t cost;
    int pred = best_predictor(pl, &cost), sparse = 0;
    residuals(pl, pred, scratch);
    unsigned w = vc_planes_width(scratch, nv);
    vc_buf res;
    vc_buf_init(&res);
    int rc = put_residuals(&res, scratch, nv, w, level, &sparse);
    vc_buf_u8(out, (npal ? XF_PALETTE : XF_ORDERED) | (sparse ? XF_SPARSE : 0));
    vc_buf_u8(out, (unsigned)pred);
    vc_buf_u8(out, w);
    if (rc == VC_OK && npal) {
        vc_buf_u32(out, (uint32_t)npal);
        rc = vc_planes_put(out, pal, npal, esize, level);
    }
    if (rc == VC_OK)
        vc_buf_put(out, res.p, res.n);
    vc_buf_free(&res);
    return rc == VC_OK && out->failed ? VC_ERR_NOMEM : rc;
}

int vc_raw_encode(const vc_geom *g, const void *src, size_t c, const uint8_t *m,
                  int level, vc_buf *out)
{
    size_t n = g->T * g->Y * g->X, nv = 0;
    unsigned bits = bits_of(g->dtype), es = (unsigned)vc_dtype_size(g->dtype);
    plane pl = { g, m, malloc((n ? n : 1) * sizeof(uint64_t)), bits };
    plane ix = { g, m, NULL, 32 };
    uint64_t *vals = malloc((n ? n : 1) * sizeof *vals), *pal = NULL;
    int rc = pl.u && vals ? VC_OK : VC_ERR_NOMEM;
    for (size_t i = 0; rc == VC_OK && i < n; i++) {
        pl.u[i] = 0;
        if (valid(&pl, i))
            vals[nv++] = pl.u[i] = to_ordered(g->dtype, load_bits(g->dtype, src, pixel_offset(g, c, i)));
    }
    size_t npal = rc == VC_OK ? find_palette(vals, nv, &pal) : 0;
    if (npal && (ix.u = malloc(n * sizeof(uint64_t))) != NULL) {
        for (size_t i = 0; i < n; i++)
            ix.u[i] = valid(&ix, i) ? palette_index(pal, npal, pl.u[i]) : 0;
        palette_deltas(pal, npal, bits);
    }
    /* Values as they are, and (when there is one) through the palette: the
     * estimate cannot see how zstd fares on each, so both are tried. */
    vc_buf a, b;
    vc_buf_init(&a);
    vc_buf_init(&b);
    if (rc == VC_OK)
        rc = put_candidate(&a, &pl, NULL, 0, es, nv, vals, level);
    if (rc == VC_OK && ix.u)
        rc = put_candidate(&b, &ix, pal, npal, es, nv, vals, level);
    if (rc == VC_OK) {
        const vc_buf *best = ix.u && b.n < a.n ? &b : &a;
        vc_buf_put(out, best->p, best->n);
        rc = out->failed ? VC_ERR_NOMEM : VC_OK;
    }
    vc_buf_free(&a);
    vc_buf_free(&b);
    free(pl.u);
    free(ix.u);
    free(vals);
    free(pal);
    return rc;
}

/* ---- decoder ---- */

static int rebuild(plane *pl, int pred, const uint64_t *r)
{
    size_t n = pl->g->T * pl->g->Y * pl->g->X, k = 0;
    uint64_t prev = 0, mask = width_mask(pl->bits);
    for (size_t i = 0; i < n; i++) {
        pl->u[i] = 0;
        if (!valid(pl, i))
            continue;
        pl->u[i] = (predict(pl, pred, i, prev) + unzigzag(r[k++], pl->bits)) & mask;
        prev = pl->u[i];
    }
    return VC_OK;
}

int vc_raw_decode(const vc_geom *g, const uint8_t *p, size_t n, size_t c,
                  const uint8_t *m, void *dst)
{
    size_t count = g->T * g->Y * g->X, nv = 0;
    for (size_t i = 0; i < count; i++)
        nv += !m || !m[i];
    vc_rd rd;
    vc_rd_init(&rd, p, n);
    unsigned xf = vc_rd_u8(&rd), pred = vc_rd_u8(&rd), w = vc_rd_u8(&rd);
    unsigned bits = bits_of(g->dtype), sparse = xf & XF_SPARSE;
    xf &= ~(unsigned)XF_SPARSE;
    if (rd.err || xf > XF_PALETTE || pred >= NPRED || w < 1 || w > 8)
        return VC_ERR_CORRUPT;
    uint64_t *pal = NULL, *r = NULL;
    size_t npal = 0;
    int rc = VC_OK;
    if (xf == XF_PALETTE) {
        npal = vc_rd_u32(&rd);
        if (rd.err || npal == 0 || npal > PALETTE_MAX)
            return VC_ERR_CORRUPT;
        pal = malloc(npal * sizeof *pal);
        if (!pal)
            return VC_ERR_NOMEM;
        rc = vc_planes_get(&rd, pal, npal, (unsigned)vc_dtype_size(g->dtype));
        for (size_t k = 0, prev = 0; rc == VC_OK && k < npal; k++)
            prev = pal[k] = (prev + unzigzag(pal[k], bits)) & width_mask(bits);
    }
    plane pl = { g, m, malloc((count ? count : 1) * sizeof(uint64_t)), npal ? 32 : bits };
    r = malloc((nv ? nv : 1) * sizeof *r);
    if (rc == VC_OK && (!pl.u || !r))
        rc = VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = sparse ? vc_sparse_planes_get(&rd, r, nv, w) : vc_planes_get(&rd, r, nv, w);
    if (rc == VC_OK && rd.pos != rd.n)
        rc = VC_ERR_CORRUPT;
    if (rc == VC_OK)
        rc = rebuild(&pl, (int)pred, r);
    for (size_t i = 0; rc == VC_OK && i < count; i++) {
        if (!valid(&pl, i))
            continue;
        uint64_t o = pl.u[i];
        if (npal) {
            if (o >= npal) {
                rc = VC_ERR_CORRUPT;
                break;
            }
            o = pal[o];
        }
        store_bits(g->dtype, dst, pixel_offset(g, c, i), from_ordered(g->dtype, o));
    }
    free(pal);
    free(r);
    free(pl.u);
    return rc;
}
