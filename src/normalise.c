/* normalise.c: each band's valid range and the affine map between data
 * values and codec samples. Offset and scale are float64, stored as bits,
 * and the decoder's arithmetic (offset + scale * q, clamp, cast) lives here
 * alone so encoder and decoder cannot disagree. */
#include "vc_internal.h"

#include <math.h>

void vc_norm_range(const double *v, const uint8_t *m, size_t n,
                   double *min, double *max, size_t *n_valid)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i])
            continue;
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
        k++;
    }
    *min = lo;
    *max = hi;
    *n_valid = k;
}

void vc_norm_fit(vc_norm *nm, double min, double max, int bit_depth)
{
    nm->min = min;
    nm->max = max;
    nm->maxcode = (1u << bit_depth) - 1;
    nm->offset = min;
    nm->scale = (max - min) / nm->maxcode;
    if (!isfinite(nm->scale))            /* a float64 range wider than DBL_MAX */
        nm->scale = max / nm->maxcode - min / nm->maxcode;
}

void vc_norm_to_samples(const vc_norm *nm, const double *v, size_t n, uint16_t *q)
{
    double inv = nm->scale > 0 ? 1.0 / nm->scale : 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = floor((v[i] - nm->offset) * inv + 0.5);
        q[i] = (uint16_t)(s < 0 ? 0 : s > nm->maxcode ? nm->maxcode : s);
    }
}

double vc_norm_value(const vc_norm *nm, vc_dtype d, unsigned q)
{
    double x = nm->offset + nm->scale * (double)q;
    if (x < nm->min) x = nm->min;
    if (x > nm->max) x = nm->max;
    return vc_dtype_cast(d, x);
}
