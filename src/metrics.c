/* metrics.c: the quality measures used everywhere (compress reports,
 * vc_measure, the CLI's verify and the benchmark): PSNR with the peak taken
 * as max - min of the valid original values, RMSE and max abs error over
 * valid values only, all in float64. */
#include "vc_internal.h"

#include <math.h>
#include <string.h>

void vc_qacc_init(vc_qacc *a)
{
    a->sse = 0;
    a->maxerr = 0;
    a->min = HUGE_VAL;
    a->max = -HUGE_VAL;
    a->n_valid = 0;
    a->n_masked = 0;
}

void vc_qacc_add(vc_qacc *a, double orig, double rec)
{
    double e = fabs(orig - rec);
    a->sse += e * e;
    if (e > a->maxerr || isnan(e))
        a->maxerr = e;
    if (orig < a->min) a->min = orig;
    if (orig > a->max) a->max = orig;
    a->n_valid++;
}

void vc_qacc_merge(vc_qacc *into, const vc_qacc *from)
{
    into->sse += from->sse;
    if (from->maxerr > into->maxerr || isnan(from->maxerr))
        into->maxerr = from->maxerr;
    if (from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
    into->n_valid += from->n_valid;
    into->n_masked += from->n_masked;
}

double vc_psnr(double peak, double sse, size_t n)
{
    if (n == 0)
        return NAN;
    if (sse == 0)
        return HUGE_VAL;
    return 10.0 * log10(peak * peak * (double)n / sse);
}

void vc_qacc_finish(const vc_qacc *a, vc_quality *q)
{
    memset(q, 0, sizeof *q);
    q->n_valid = a->n_valid;
    q->n_masked = a->n_masked;
    q->min = a->n_valid ? a->min : NAN;
    q->max = a->n_valid ? a->max : NAN;
    q->peak = a->n_valid ? a->max - a->min : NAN;
    q->rmse = a->n_valid ? sqrt(a->sse / (double)a->n_valid) : NAN;
    q->max_abs_error = a->n_valid ? a->maxerr : NAN;
    q->psnr_db = vc_psnr(q->peak, a->sse, a->n_valid);
    q->mask_exact = 1;
}

static int is_masked(vc_dtype d, double v, int use_fill, double fill)
{
    return (vc_dtype_is_float(d) && !isfinite(v)) || (use_fill && v == fill);
}

int vc_measure(const vc_array *a, const void *orig, const void *recon,
               int has_fill, double fill, vc_quality *bands, size_t nbands,
               vc_quality *total)
{
    vc_geom g;
    if (!a || !orig || !recon)
        return VC_ERR_NULL;
    int rc = vc_geom_init(&g, a);
    if (rc != VC_OK)
        return rc;
    if (bands && nbands < g.C)
        return VC_ERR_PARAM;
    double f = has_fill ? vc_dtype_cast(g.dtype, fill) : 0;
    int use_fill = has_fill && (g.dtype == VC_FLOAT32 || f == fill);
    vc_qacc all;
    vc_qacc_init(&all);
    int all_exact = 1;
    for (size_t c = 0; c < g.C; c++) {
        vc_qacc acc;
        vc_qacc_init(&acc);
        int exact = 1;
        for (size_t t = 0; t < g.T; t++) {
            size_t base = vc_geom_frame_offset(&g, t, c);
            for (size_t y = 0; y < g.Y; y++)
                for (size_t x = 0; x < g.X; x++) {
                    size_t i = base + y * g.sy + x * g.sx;
                    double o = vc_load(g.dtype, orig, i), r = vc_load(g.dtype, recon, i);
                    if (is_masked(g.dtype, o, use_fill, f)) {
                        acc.n_masked++;
                        if (memcmp((const uint8_t *)orig + i * g.esize,
                                   (const uint8_t *)recon + i * g.esize, g.esize))
                            exact = 0;
                    } else {
                        if (is_masked(g.dtype, r, use_fill, f))
                            exact = 0;
                        vc_qacc_add(&acc, o, r);
                    }
                }
        }
        if (bands) {
            vc_qacc_finish(&acc, &bands[c]);
            bands[c].mask_exact = exact;
        }
        vc_qacc_merge(&all, &acc);
        all_exact &= exact;
    }
    if (total) {
        vc_qacc_finish(&all, total);
        total->mask_exact = all_exact;
    }
    return VC_OK;
}
