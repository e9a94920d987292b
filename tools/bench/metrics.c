/* metrics.c: the arithmetic behind every number the benchmark prints.
 * Quality itself is the library's vc_measure (one PSNR in the project, not
 * two); this file only adds rates, medians and the interpolation that puts
 * peers with different sweeps on the same rate axis. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double bench_bpppb(size_t bytes, size_t nvalues)
{
    return nvalues ? 8.0 * (double)bytes / (double)nvalues : NAN;
}

double bench_ratio(size_t raw_bytes, size_t stored)
{
    return stored ? (double)raw_bytes / (double)stored : NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int cmp_point(const void *a, const void *b)
{
    const bench_point *p = a, *q = b;
    if (p->bpppb != q->bpppb)
        return (p->bpppb > q->bpppb) - (p->bpppb < q->bpppb);
    return (p->psnr < q->psnr) - (p->psnr > q->psnr);   /* best first */
}

int bench_front(const bench_point *in, int n, bench_point *out)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(in[i].psnr) && isfinite(in[i].bpppb) && in[i].bpppb > 0)
            out[m++] = in[i];
    qsort(out, (size_t)m, sizeof *out, cmp_point);
    /* A point that costs more than another but is no better is a setting
     * nobody would choose: drop it so the curve is monotone. */
    int k = 0;
    for (int i = 0; i < m; i++)
        if (k == 0 || out[i].psnr > out[k - 1].psnr)
            out[k++] = out[i];
    return k;
}

double bench_interp_psnr(const bench_point *front, int n, double rate)
{
    if (n <= 0 || !(rate > 0))
        return NAN;
    if (rate < front[0].bpppb || rate > front[n - 1].bpppb)
        return NAN;
    for (int i = 0; i + 1 < n; i++) {
        const bench_point *a = &front[i], *b = &front[i + 1];
        if (rate <= b->bpppb) {
            double w = (log(rate) - log(a->bpppb)) / (log(b->bpppb) - log(a->bpppb));
            return a->psnr + w * (b->psnr - a->psnr);
        }
    }
    return front[n - 1].psnr;   /* n == 1 and rate == that point's rate */
}

double bench_exact_rate(const bench_point *pts, int n)
{
    double r = HUGE_VAL;
    for (int i = 0; i < n; i++)
        if (isinf(pts[i].psnr) && pts[i].psnr > 0 && pts[i].bpppb < r)
            r = pts[i].bpppb;
    return r;
}

double bench_psnr_at(const bench_point *pts, int n, double rate)
{
    if (rate >= bench_exact_rate(pts, n))
        return HUGE_VAL;
    bench_point *front = n > 0 ? malloc((size_t)n * sizeof *front) : NULL;
    if (!front)
        return NAN;
    double v = bench_interp_psnr(front, bench_front(pts, n, front), rate);
    free(front);
    return v;
}

int bench_measure(const bench_data *d, const float *recon, bench_quality *q,
                  char *err, size_t errsz)
{
    vc_array a;
    vc_quality total, *bands = malloc(d->C * sizeof *bands);
    if (!bands) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    bench_data_array(d, &a);
    int rc = vc_measure(&a, d->v, recon, 0, 0, bands, d->C, &total);
    if (rc != VC_OK) {
        snprintf(err, errsz, "vc_measure: %s", vc_strerror(rc));
        free(bands);
        return -1;
    }
    q->psnr_db = total.psnr_db;
    q->peak = total.peak;
    q->rmse = total.rmse;
    q->max_abs_error = total.max_abs_error;
    q->mask_exact = total.mask_exact;
    q->min_band_psnr_db = HUGE_VAL;
    double sum = 0;
    size_t measured = 0;
    for (size_t c = 0; c < d->C; c++) {  /* all-NaN channels have no PSNR */
        if (!bands[c].n_valid)
            continue;
        if (bands[c].psnr_db < q->min_band_psnr_db)
            q->min_band_psnr_db = bands[c].psnr_db;
        sum += bands[c].psnr_db;
        measured++;
    }
    q->mean_band_psnr_db = measured ? sum / (double)measured : NAN;
    free(bands);
    return 0;
}
