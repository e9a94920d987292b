/* inpaint.c: values for masked pixels that cost the codec almost nothing.
 * Masked pixels carry no information (their raw bits are in the mask), so
 * any value will do; the cheapest is one the codec can predict. Spatially
 * that is a smooth continuation of the valid field (push-pull: average down
 * a pyramid, interpolate back up); temporally it is "no change", so a P or
 * B frame codes those blocks as skips. */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct level {
    size_t h, w;
    double *v;      /* value, meaningful where wt > 0 */
    double *wt;     /* number of valid pixels under this one */
} level;

static void push(const level *fine, level *coarse)
{
    for (size_t y = 0; y < coarse->h; y++)
        for (size_t x = 0; x < coarse->w; x++) {
            double s = 0, w = 0;
            for (size_t dy = 0; dy < 2; dy++)
                for (size_t dx = 0; dx < 2; dx++) {
                    size_t fy = 2 * y + dy, fx = 2 * x + dx;
                    if (fy < fine->h && fx < fine->w) {
                        double fw = fine->wt[fy * fine->w + fx];
                        s += fw * fine->v[fy * fine->w + fx];
                        w += fw;
                    }
                }
            coarse->wt[y * coarse->w + x] = w;
            coarse->v[y * coarse->w + x] = w > 0 ? s / w : 0;
        }
}

static size_t clampi(double c, size_t n)
{
    return c <= 0 ? 0 : (size_t)c >= n ? n - 1 : (size_t)c;
}

/* Fill the holes of `fine` by bilinear interpolation of the (full) coarse. */
static void pull(level *fine, const level *coarse)
{
    for (size_t y = 0; y < fine->h; y++) {
        double cy = (y + 0.5) / 2 - 0.5;
        size_t y0 = clampi(cy, coarse->h), y1 = clampi(cy + 1, coarse->h);
        double fy = cy - (double)(long)cy;
        if (cy < 0) fy = 0;
        for (size_t x = 0; x < fine->w; x++) {
            size_t i = y * fine->w + x;
            if (fine->wt[i] > 0)
                continue;
            double cx = (x + 0.5) / 2 - 0.5;
            size_t x0 = clampi(cx, coarse->w), x1 = clampi(cx + 1, coarse->w);
            double fx = cx - (double)(long)cx;
            if (cx < 0) fx = 0;
            const double *c = coarse->v;
            double top = c[y0 * coarse->w + x0] * (1 - fx) + c[y0 * coarse->w + x1] * fx;
            double bot = c[y1 * coarse->w + x0] * (1 - fx) + c[y1 * coarse->w + x1] * fx;
            fine->v[i] = top * (1 - fy) + bot * fy;
            fine->wt[i] = 1;
        }
    }
}

/* Push-pull fill of one frame; frame must have at least one valid pixel. */
static int fill_frame(double *v, const uint8_t *m, size_t Y, size_t X)
{
    level lv[64];
    int nl = 0;
    size_t total = 0, h = Y, w = X;
    for (;;) {
        lv[nl].h = h;
        lv[nl].w = w;
        total += h * w;
        nl++;
        if (h == 1 && w == 1)
            break;
        h = (h + 1) / 2;
        w = (w + 1) / 2;
    }
    double *mem = malloc(2 * total * sizeof *mem);
    if (!mem)
        return VC_ERR_NOMEM;
    double *p = mem;
    for (int k = 0; k < nl; k++) {
        lv[k].v = p;  p += lv[k].h * lv[k].w;
        lv[k].wt = p; p += lv[k].h * lv[k].w;
    }
    for (size_t i = 0; i < Y * X; i++) {
        lv[0].v[i] = m[i] ? 0 : v[i];
        lv[0].wt[i] = m[i] ? 0 : 1;
    }
    for (int k = 1; k < nl; k++)
        push(&lv[k - 1], &lv[k]);
    for (int k = nl - 2; k >= 0; k--)
        pull(&lv[k], &lv[k + 1]);
    for (size_t i = 0; i < Y * X; i++)
        if (m[i])
            v[i] = lv[0].v[i];
    free(mem);
    return VC_OK;
}

int vc_inpaint(double *v, const uint8_t *m, size_t T, size_t Y, size_t X)
{
    size_t F = Y * X, first = T;
    for (size_t t = 0; t < T && first == T; t++)
        for (size_t i = 0; i < F; i++)
            if (!m[t * F + i]) {
                first = t;
                break;
            }
    if (first == T)
        return VC_OK;                 /* nothing valid: the band is not coded */
    int rc = fill_frame(v + first * F, m + first * F, Y, X);
    if (rc != VC_OK)
        return rc;
    for (size_t t = 0; t < first; t++)
        memcpy(v + t * F, v + first * F, F * sizeof *v);
    for (size_t t = first + 1; t < T; t++)
        for (size_t i = 0; i < F; i++)
            if (m[t * F + i])
                v[t * F + i] = v[(t - 1) * F + i];
    return VC_OK;
}
