/* residual.c: what lifts a video reconstruction to a guarantee.
 *
 * After the video, each valid value v has a decoded base b. The residual
 * layer stores q = round((v - b) / step) for every valid value, so the
 * decoder's b + q * step lies within step/2 of v; with step = 2E that is
 * the absolute bound E. Rounding to the dtype (float32, integers) can still
 * push a value past E, and a lossy value can land exactly on the fill value
 * (which a reader would take as missing): such values become exceptions,
 * stored with their exact bits. The encoder checks every value with the
 * decoder's own arithmetic (vc_layer_value), so the bound is a guarantee,
 * not a hope.
 *
 * RES payload: step f64 | width u8 (0: every q is 0) | planes of zigzag(q)
 * EXC payload: count u64 | width u8 | planes of position deltas | zstd(raw bits)
 */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAYER_LEVEL 9

double vc_layer_value(vc_dtype d, double base, int64_t q, double step,
                      double lo, double hi)
{
    double x = q ? base + (double)q * step : base;
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    return vc_dtype_cast(d, x);
}

/* Does the decoded value break the layer's promise? */
static int breaks(const vc_layer *L, double orig, double final)
{
    return !(fabs(orig - final) <= L->bound) || (L->has_fill && final == L->fill);
}

static int put_exceptions(vc_buf *out, vc_dtype d, const uint64_t *pos, const double *vals,
                          size_t n)
{
    size_t es = vc_dtype_size(d);
    uint64_t *delta = malloc((n ? n : 1) * sizeof *delta);
    uint8_t *raw = malloc((n ? n : 1) * es);
    int rc = delta && raw ? VC_OK : VC_ERR_NOMEM;
    for (size_t k = 0; rc == VC_OK && k < n; k++) {
        delta[k] = pos[k] - (k ? pos[k - 1] : 0);
        vc_store(d, raw, k, vals[k]);
    }
    if (rc == VC_OK) {
        unsigned w = vc_planes_width(delta, n);
        vc_buf_u64(out, n);
        vc_buf_u8(out, w);
        rc = vc_planes_put(out, delta, n, w, LAYER_LEVEL);
        if (rc == VC_OK)
            rc = vc_zstd_put(out, raw, n * es, LAYER_LEVEL);
    }
    free(delta);
    free(raw);
    return rc;
}

int vc_layer_encode(const vc_lband *lb, const vc_basesrc *bs, const vc_layer *L,
                    vc_buf *res, vc_buf *exc, vc_qacc *acc, double *final_out)
{
    size_t n = lb->n, nv = 0, nx = 0;
    uint64_t *q = L->step > 0 ? malloc((n ? n : 1) * sizeof *q) : NULL;
    uint64_t *xpos = malloc(64 * sizeof *xpos);
    double *xval = malloc(64 * sizeof *xval);
    size_t xcap = 64;
    int rc = (L->step > 0 && !q) || !xpos || !xval ? VC_ERR_NOMEM : VC_OK;
    uint64_t any = 0;
    size_t n_valid = 0;
    for (size_t i = 0; i < n; i++)
        n_valid += !lb->m[i];
    double cover = L->cover > 0 && L->cover < 1 ? L->cover : 1;
    size_t covered = cover < 1 ? (size_t)(cover * (double)n_valid) : n_valid;
    vc_qacc_init(acc);
    for (size_t i = 0; rc == VC_OK && i < n; i++) {
        if (lb->m[i]) {
            acc->n_masked++;
            continue;
        }
        double v = lb->v[i], base = vc_base_at(bs, i);
        int64_t k = 0;
        if (L->step > 0 && nv < covered) {
            double r = floor((v - base) / L->step + 0.5);
            k = fabs(r) < 4e18 ? (int64_t)r : 0;     /* absurd residuals become exceptions */
        }
        if (L->step > 0) {
            q[nv] = vc_zigzag(k);
            any |= q[nv];
        }
        nv++;
        double final = vc_layer_value(lb->dtype, base, k, L->step, lb->min, lb->max);
        if (breaks(L, v, final)) {
            if (nx == xcap) {
                xcap *= 2;
                uint64_t *np = realloc(xpos, xcap * sizeof *xpos);
                double *nvv = np ? realloc(xval, xcap * sizeof *xval) : NULL;
                if (np) xpos = np;
                if (nvv) xval = nvv;
                if (!np || !nvv) {
                    rc = VC_ERR_NOMEM;
                    break;
                }
            }
            xpos[nx] = i;
            xval[nx++] = v;
            final = v;
        }
        if (final_out)
            final_out[i] = final;
        vc_qacc_add(acc, v, final);
    }
    if (rc == VC_OK && L->step > 0) {
        unsigned w = any ? vc_planes_width(q, nv) : 0;
        vc_buf_f64(res, L->step);
        vc_buf_u8(res, w);
        if (w)
            rc = vc_planes_put(res, q, nv, w, LAYER_LEVEL);
    }
    if (rc == VC_OK && nx)
        rc = put_exceptions(exc, lb->dtype, xpos, xval, nx);
    if (rc == VC_OK && (res->failed || exc->failed))
        rc = VC_ERR_NOMEM;
    free(q);
    free(xpos);
    free(xval);
    return rc;
}

static size_t pixel_offset(const vc_geom *g, size_t c, size_t i)
{
    size_t x = i % g->X, y = (i / g->X) % g->Y, t = i / (g->X * g->Y);
    return vc_geom_frame_offset(g, t, c) + y * g->sy + x * g->sx;
}

/* Read a RES payload holding nv residuals: its step and the zigzagged q
 * (NULL when every q is 0). */
static int read_residual(const uint8_t *p, size_t n, size_t nv, double *step, uint64_t **q)
{
    vc_rd r;
    vc_rd_init(&r, p, n);
    *step = vc_rd_f64(&r);
    unsigned w = vc_rd_u8(&r);
    *q = NULL;
    if (r.err || !(*step > 0) || !isfinite(*step) || w > 8)
        return VC_ERR_CORRUPT;
    if (w == 0)
        return r.pos == r.n ? VC_OK : VC_ERR_CORRUPT;   /* every q is 0 */
    *q = malloc((nv ? nv : 1) * sizeof **q);
    if (!*q)
        return VC_ERR_NOMEM;
    int rc = vc_planes_get(&r, *q, nv, w);
    if (rc == VC_OK && r.pos != r.n)
        rc = VC_ERR_CORRUPT;
    if (rc != VC_OK) {
        free(*q);
        *q = NULL;
    }
    return rc;
}

int vc_layer_apply_residual(const vc_geom *g, size_t c, const uint8_t *m,
                            const vc_norm *nm, const uint8_t *p, size_t n, void *dst)
{
    size_t count = g->T * g->Y * g->X, nv = 0;
    for (size_t i = 0; i < count; i++)
        nv += !m[i];
    double step;
    uint64_t *q;
    int rc = read_residual(p, n, nv, &step, &q);
    for (size_t i = 0, k = 0; rc == VC_OK && q && i < count; i++) {
        if (m[i])
            continue;
        size_t off = pixel_offset(g, c, i);
        double base = vc_load(g->dtype, dst, off);
        vc_store(g->dtype, dst, off,
                 vc_layer_value(g->dtype, base, vc_unzigzag(q[k++]), step, nm->min, nm->max));
    }
    free(q);
    return rc;
}

int vc_layer_apply_values(double *vals, size_t n, const vc_norm *nm, const uint8_t *p,
                          size_t len)
{
    double step;
    uint64_t *q;
    int rc = read_residual(p, len, n, &step, &q);
    for (size_t i = 0; rc == VC_OK && q && i < n; i++)
        vals[i] = vc_layer_value(VC_FLOAT64, vals[i], vc_unzigzag(q[i]), step, nm->min, nm->max);
    free(q);
    return rc;
}

int vc_layer_apply_exceptions(const vc_geom *g, size_t c, const uint8_t *m,
                              const uint8_t *p, size_t n, void *dst)
{
    size_t count = g->T * g->Y * g->X, es = g->esize;
    vc_rd r;
    vc_rd_init(&r, p, n);
    uint64_t nx = vc_rd_u64(&r);
    unsigned w = vc_rd_u8(&r);
    if (r.err || nx == 0 || nx > count)
        return VC_ERR_CORRUPT;
    uint64_t *pos = malloc(nx * sizeof *pos);
    uint8_t *raw = malloc(nx * es);
    int rc = pos && raw ? vc_planes_get(&r, pos, nx, w) : VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = vc_zstd_get(&r, raw, nx * es);
    if (rc == VC_OK && r.pos != r.n)
        rc = VC_ERR_CORRUPT;
    uint64_t at = 0;
    for (size_t k = 0; rc == VC_OK && k < nx; k++) {
        /* positions strictly increase and name valid values only */
        if ((k && pos[k] == 0) || pos[k] > count - 1 - at || m[at + pos[k]]) {
            rc = VC_ERR_CORRUPT;
            break;
        }
        at += pos[k];
        memcpy((uint8_t *)dst + pixel_offset(g, c, at) * es, raw + k * es, es);
    }
    free(pos);
    free(raw);
    return rc;
}
