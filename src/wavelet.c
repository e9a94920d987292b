/* wavelet.c: the CDF 9/7 wavelet packet of a frame, by lifting.
 *
 * One level splits a (h x w) block into four quadrants (low/high along rows
 * and columns); the packet splits every quadrant again, J times, so a frame
 * padded to multiples of 2^J becomes 4^J subbands of (h/2^J x w/2^J), laid
 * out as a 2^J x 2^J grid of tiles. Lifting with symmetric extension is
 * inverted step by step, so forward then inverse gives the input back to
 * rounding (about 1e-15 relative). Plain double arithmetic in a fixed order:
 * encoder and decoder compute the same bits.
 */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>

/* Daubechies-Sweldens factorisation of CDF 9/7. The scaling makes the low
 * band's DC gain sqrt(2), so a level is close to orthonormal. */
static const double ALPHA = -1.586134342059924;
static const double BETA  = -0.052980118572961;
static const double GAMMA =  0.882911075530934;
static const double DELTA =  0.443506852043971;
static const double ZETA  =  1.149604398860241;

/* Lift in place: e[0..m-1] even samples, o[0..m-1] odd samples. */
static void lift(double *e, double *o, size_t m, double a, double b)
{
    /* o[i] += a (e[i] + e[i+1]), with e[m] = e[m-1] (symmetric extension) */
    for (size_t i = 0; i < m; i++)
        o[i] += a * (e[i] + e[i + 1 < m ? i + 1 : m - 1]);
    /* e[i] += b (o[i-1] + o[i]), with o[-1] = o[0] */
    for (size_t i = 0; i < m; i++)
        e[i] += b * (o[i ? i - 1 : 0] + o[i]);
}

static void unlift(double *e, double *o, size_t m, double a, double b)
{
    for (size_t i = 0; i < m; i++)
        e[i] -= b * (o[i ? i - 1 : 0] + o[i]);
    for (size_t i = 0; i < m; i++)
        o[i] -= a * (e[i] + e[i + 1 < m ? i + 1 : m - 1]);
}

/* One 1-D level on n (even) samples with stride; tmp holds n doubles.
 * Output: low half first, then high half. */
static void fwd1(double *s, size_t n, size_t stride, double *tmp)
{
    size_t m = n / 2;
    double *e = tmp, *o = tmp + m;
    for (size_t i = 0; i < m; i++) {
        e[i] = s[(2 * i) * stride];
        o[i] = s[(2 * i + 1) * stride];
    }
    lift(e, o, m, ALPHA, BETA);
    lift(e, o, m, GAMMA, DELTA);
    for (size_t i = 0; i < m; i++) {
        s[i * stride] = e[i] * ZETA;
        s[(m + i) * stride] = o[i] / ZETA;
    }
}

static void inv1(double *s, size_t n, size_t stride, double *tmp)
{
    size_t m = n / 2;
    double *e = tmp, *o = tmp + m;
    for (size_t i = 0; i < m; i++) {
        e[i] = s[i * stride] / ZETA;
        o[i] = s[(m + i) * stride] * ZETA;
    }
    unlift(e, o, m, GAMMA, DELTA);
    unlift(e, o, m, ALPHA, BETA);
    for (size_t i = 0; i < m; i++) {
        s[(2 * i) * stride] = e[i];
        s[(2 * i + 1) * stride] = o[i];
    }
}

/* One 2-D level on the (h x w) block at img (row stride ws), then the packet
 * recursion on each quadrant. */
static void packet_fwd(double *img, size_t ws, size_t h, size_t w, int levels, double *tmp)
{
    if (levels == 0 || h < 2 || w < 2)
        return;
    for (size_t y = 0; y < h; y++)
        fwd1(img + y * ws, w, 1, tmp);
    for (size_t x = 0; x < w; x++)
        fwd1(img + x, h, ws, tmp);
    size_t h2 = h / 2, w2 = w / 2;
    packet_fwd(img, ws, h2, w2, levels - 1, tmp);
    packet_fwd(img + w2, ws, h2, w2, levels - 1, tmp);
    packet_fwd(img + h2 * ws, ws, h2, w2, levels - 1, tmp);
    packet_fwd(img + h2 * ws + w2, ws, h2, w2, levels - 1, tmp);
}

static void packet_inv(double *img, size_t ws, size_t h, size_t w, int levels, double *tmp)
{
    if (levels == 0 || h < 2 || w < 2)
        return;
    size_t h2 = h / 2, w2 = w / 2;
    packet_inv(img, ws, h2, w2, levels - 1, tmp);
    packet_inv(img + w2, ws, h2, w2, levels - 1, tmp);
    packet_inv(img + h2 * ws, ws, h2, w2, levels - 1, tmp);
    packet_inv(img + h2 * ws + w2, ws, h2, w2, levels - 1, tmp);
    for (size_t x = 0; x < w; x++)
        inv1(img + x, h, ws, tmp);
    for (size_t y = 0; y < h; y++)
        inv1(img + y * ws, w, 1, tmp);
}

int vc_wavelet_levels(size_t Y, size_t X)
{
    /* Subbands of at least 8x8 keep the latent video worth coding. */
    int J = 0;
    while (J < 3 && Y >= (size_t)16 << J && X >= (size_t)16 << J)
        J++;
    return J;
}

size_t vc_wavelet_padded(size_t n, int J)
{
    size_t b = (size_t)1 << J;
    return (n + b - 1) / b * b;
}

int vc_wavelet_forward(double *img, size_t h, size_t w, int J)
{
    double *tmp = malloc((h > w ? h : w) * sizeof *tmp);
    if (!tmp)
        return VC_ERR_NOMEM;
    packet_fwd(img, w, h, w, J, tmp);
    free(tmp);
    return VC_OK;
}

int vc_wavelet_inverse(double *img, size_t h, size_t w, int J)
{
    double *tmp = malloc((h > w ? h : w) * sizeof *tmp);
    if (!tmp)
        return VC_ERR_NOMEM;
    packet_inv(img, w, h, w, J, tmp);
    free(tmp);
    return VC_OK;
}
