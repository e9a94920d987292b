/* xform.c: band transforms across channels, in one frame of reference.
 *
 * Each active channel, normalised to [0, 1] and in-painted, is taken
 * through a J-level wavelet packet per frame (J = 0 for the KLT), so every
 * site (t, i, j) of the subband grid carries a feature vector u of
 * d = channels x 4^J numbers. An encoder E (K x d, the top principal
 * directions of u) makes K latent channels z = E (u - mu), each a video of
 * T frames of cY x cX. The decoder is
 *
 *     u^ = mu + D1 z^ + D2 tanh(A z^ + a0)
 *
 * with D1 = E^T and no hidden layer for the KLT (an orthonormal transform),
 * and D1, A, a0, D2 fitted on the decoded latents for the wavelet
 * autoencoder (wae_train.c). Only the decoder travels in the stream, as
 * float32; the encoder rounds its weights the same way before use, so both
 * sides compute the same reconstruction.
 *
 * XFRM payload: kind u8 | J u8 | Ca u16 | K u16 | H u16 | Ca x channel u16 |
 *               float32 mu[d], D1[d*K], A[H*K], a0[H], D2[d*H]
 */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIT_SITES 20000      /* sites sampled for the covariance */
#define MAX_LATENTS VC_MAX_LATENTS

void vc_xform_free(vc_xform *xf)
{
    free(xf->band);
    free(xf->mu);
    free(xf->D1);
    free(xf->A);
    free(xf->a0);
    free(xf->D2);
    free(xf->E);
    free(xf->lambda);
    memset(xf, 0, sizeof *xf);
}

void vc_xform_geometry(vc_xform *xf, size_t T, size_t Y, size_t X, int J)
{
    xf->T = T;
    xf->Y = Y;
    xf->X = X;
    xf->J = J;
    xf->Yp = vc_wavelet_padded(Y, J);
    xf->Xp = vc_wavelet_padded(X, J);
    xf->cY = xf->Yp >> J;
    xf->cX = xf->Xp >> J;
    xf->d = xf->Ca << (2 * J);
}

size_t vc_xform_sites(const vc_xform *xf)
{
    return xf->T * xf->cY * xf->cX;
}

/* Frame t of channel a, padded by edge replication and packet-transformed,
 * scattered into the feature rows U (sites x d). */
int vc_xform_features(const vc_xform *xf, const double *const *x, double *U)
{
    size_t P = xf->Yp * xf->Xp, tiles = (size_t)1 << xf->J, F = xf->Y * xf->X;
    double *img = malloc(P * sizeof *img);
    if (!img)
        return VC_ERR_NOMEM;
    int rc = VC_OK;
    for (size_t t = 0; t < xf->T && rc == VC_OK; t++)
        for (size_t a = 0; a < xf->Ca && rc == VC_OK; a++) {
            const double *src = x[a] + t * F;
            for (size_t y = 0; y < xf->Yp; y++)
                for (size_t xx = 0; xx < xf->Xp; xx++)
                    img[y * xf->Xp + xx] = src[(y < xf->Y ? y : xf->Y - 1) * xf->X +
                                               (xx < xf->X ? xx : xf->X - 1)];
            rc = vc_wavelet_forward(img, xf->Yp, xf->Xp, xf->J);
            for (size_t p = 0; p < tiles; p++)
                for (size_t q = 0; q < tiles; q++)
                    for (size_t i = 0; i < xf->cY; i++)
                        for (size_t j = 0; j < xf->cX; j++) {
                            size_t site = (t * xf->cY + i) * xf->cX + j;
                            size_t f = (a * tiles + p) * tiles + q;
                            U[site * xf->d + f] = img[(p * xf->cY + i) * xf->Xp + q * xf->cX + j];
                        }
        }
    free(img);
    return rc;
}

/* The inverse of vc_xform_features for one channel a. */
int vc_xform_unfeatures(const vc_xform *xf, const double *U, size_t a, double *x)
{
    size_t P = xf->Yp * xf->Xp, tiles = (size_t)1 << xf->J, F = xf->Y * xf->X;
    double *img = malloc(P * sizeof *img);
    if (!img)
        return VC_ERR_NOMEM;
    int rc = VC_OK;
    for (size_t t = 0; t < xf->T && rc == VC_OK; t++) {
        for (size_t p = 0; p < tiles; p++)
            for (size_t q = 0; q < tiles; q++)
                for (size_t i = 0; i < xf->cY; i++)
                    for (size_t j = 0; j < xf->cX; j++) {
                        size_t site = (t * xf->cY + i) * xf->cX + j;
                        size_t f = (a * tiles + p) * tiles + q;
                        img[(p * xf->cY + i) * xf->Xp + q * xf->cX + j] = U[site * xf->d + f];
                    }
        rc = vc_wavelet_inverse(img, xf->Yp, xf->Xp, xf->J);
        for (size_t y = 0; y < xf->Y; y++)
            memcpy(x + t * F + y * xf->X, img + y * xf->Xp, xf->X * sizeof *x);
    }
    free(img);
    return rc;
}

static double round_f32(double v) { return (double)(float)v; }

/* Round decoder weights to what the stream carries. */
void vc_xform_round(vc_xform *xf)
{
    size_t d = xf->d, K = xf->K, H = xf->H;
    for (size_t i = 0; i < d; i++) xf->mu[i] = round_f32(xf->mu[i]);
    for (size_t i = 0; i < d * K; i++) xf->D1[i] = round_f32(xf->D1[i]);
    for (size_t i = 0; i < H * K; i++) xf->A[i] = round_f32(xf->A[i]);
    for (size_t i = 0; i < H; i++) xf->a0[i] = round_f32(xf->a0[i]);
    for (size_t i = 0; i < d * H; i++) xf->D2[i] = round_f32(xf->D2[i]);
}

/* Group features by correlation (complete linkage: every pair in a group
 * correlates at least `link`), so the transform only mixes channels that
 * share their structure; group[f] receives each feature's group. A single
 * group is the plain PCA. */
static size_t group_features(const double *cov, size_t d, double link, size_t *group)
{
    for (size_t f = 0; f < d; f++)
        group[f] = f;
    for (;;) {
        double best = link;
        size_t ga = d, gb = d;
        for (size_t a = 0; a < d; a++)
            for (size_t b = a + 1; b < d; b++) {
                if (group[a] == group[b] || group[a] != a || group[b] != b)
                    continue;
                /* complete linkage between the groups led by a and b */
                double worst = 1;
                for (size_t i = 0; i < d; i++)
                    for (size_t j = 0; j < d; j++)
                        if (group[i] == a && group[j] == b) {
                            double den = sqrt(cov[i * d + i] * cov[j * d + j]);
                            double r = den > 0 ? fabs(cov[i * d + j]) / den : 0;
                            if (r < worst)
                                worst = r;
                        }
                if (worst >= best) {
                    best = worst;
                    ga = a;
                    gb = b;
                }
            }
        if (ga == d)
            break;
        for (size_t f = 0; f < d; f++)
            if (group[f] == gb)
                group[f] = ga;
    }
    size_t n = 0;
    for (size_t f = 0; f < d; f++)
        n += group[f] == f;
    return n;
}

/* PCA within each group of the sub-matrix; eigenvectors go into V (d x d,
 * column per latent, zero outside the group) and variances into w, sorted
 * by variance over all groups. */
static int grouped_eigen(const double *cov, size_t d, const size_t *group, double *w, double *V)
{
    size_t *idx = malloc(d * sizeof *idx), col = 0;
    double *A = malloc(d * d * sizeof *A), *Vg = malloc(d * d * sizeof *Vg), *wg = malloc(d * sizeof *wg);
    int rc = idx && A && Vg && wg ? VC_OK : VC_ERR_NOMEM;
    memset(V, 0, d * d * sizeof *V);
    for (size_t g = 0; rc == VC_OK && g < d; g++) {
        size_t m = 0;
        for (size_t f = 0; f < d; f++)
            if (group[f] == g)
                idx[m++] = f;
        if (m == 0)
            continue;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++)
                A[i * m + j] = cov[idx[i] * d + idx[j]];
        rc = vc_eigen_sym(A, m, wg, Vg);
        for (size_t k = 0; rc == VC_OK && k < m; k++, col++) {
            w[col] = wg[k];
            for (size_t i = 0; i < m; i++)
                V[idx[i] * d + col] = Vg[i * m + k];
        }
    }
    /* order all latents by variance (stable: ties keep group order) */
    if (rc == VC_OK)
        vc_eigen_sort(w, V, d);
    free(idx); free(A); free(Vg); free(wg);
    return rc;
}

/* PCA of the feature rows: mu, E (K x d), D1 = E^T, latent variances.
 * With link > 0 the features are first grouped by correlation. */
int vc_xform_fit_pca(vc_xform *xf, const double *U, size_t maxK, double link)
{
    size_t n = vc_xform_sites(xf), d = xf->d, step = n > MAX_FIT_SITES ? n / MAX_FIT_SITES : 1;
    size_t ns = (n + step - 1) / step;
    double *S = malloc(ns * d * sizeof *S), *cov = malloc(d * d * sizeof *cov);
    double *w = malloc(d * sizeof *w), *V = malloc(d * d * sizeof *V);
    size_t *group = malloc(d * sizeof *group);
    xf->mu = malloc(d * sizeof *xf->mu);
    int rc = S && cov && w && V && group && xf->mu ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK) {
        for (size_t k = 0; k < ns; k++)      /* a regular sample, not random */
            memcpy(S + k * d, U + k * step * d, d * sizeof *S);
        rc = vc_covariance(S, ns, d, xf->mu, cov);
    }
    if (rc == VC_OK) {
        if (link > 0)
            group_features(cov, d, link, group);
        else
            for (size_t f = 0; f < d; f++)
                group[f] = 0;
        rc = grouped_eigen(cov, d, group, w, V);
    }
    if (rc == VC_OK) {
        double total = 0;
        for (size_t k = 0; k < d; k++)
            total += w[k] > 0 ? w[k] : 0;
        size_t K = 0;
        while (K < d && K < maxK && K < MAX_LATENTS && w[K] > 1e-12 * total)
            K++;
        xf->K = K ? K : 1;
        xf->H = 0;
        xf->E = malloc(xf->K * d * sizeof *xf->E);
        xf->D1 = malloc(d * xf->K * sizeof *xf->D1);
        xf->lambda = malloc(xf->K * sizeof *xf->lambda);
        xf->A = calloc(1, sizeof *xf->A);
        xf->a0 = calloc(1, sizeof *xf->a0);
        xf->D2 = calloc(1, sizeof *xf->D2);
        if (!xf->E || !xf->D1 || !xf->lambda || !xf->A || !xf->a0 || !xf->D2)
            rc = VC_ERR_NOMEM;
        for (size_t k = 0; rc == VC_OK && k < xf->K; k++) {
            xf->lambda[k] = w[k] > 0 ? w[k] : 0;
            for (size_t f = 0; f < d; f++) {
                xf->E[k * d + f] = V[f * d + k];
                xf->D1[f * xf->K + k] = V[f * d + k];
            }
        }
    }
    free(S); free(cov); free(w); free(V); free(group);
    return rc;
}

/* z = E (u - mu) for every site; z[k] is latent k (sites long). */
void vc_xform_encode(const vc_xform *xf, const double *U, double *const *z)
{
    size_t n = vc_xform_sites(xf), d = xf->d;
    for (size_t s = 0; s < n; s++)
        for (size_t k = 0; k < xf->K; k++) {
            double acc = 0;
            const double *e = xf->E + k * d, *u = U + s * d;
            for (size_t f = 0; f < d; f++)
                acc += e[f] * (u[f] - xf->mu[f]);
            z[k][s] = acc;
        }
}

/* u^ for one site from its decoded latents zs (K); h is H scratch. */
void vc_xform_decode_site(const vc_xform *xf, const double *zs, double *h, double *u)
{
    size_t d = xf->d, K = xf->K, H = xf->H;
    for (size_t j = 0; j < H; j++) {
        double acc = xf->a0[j];
        for (size_t k = 0; k < K; k++)
            acc += xf->A[j * K + k] * zs[k];
        h[j] = tanh(acc);
    }
    for (size_t f = 0; f < d; f++) {
        double acc = xf->mu[f];
        for (size_t k = 0; k < K; k++)
            acc += xf->D1[f * K + k] * zs[k];
        for (size_t j = 0; j < H; j++)
            acc += xf->D2[f * H + j] * h[j];
        u[f] = acc;
    }
}

/* u^ for every site (rows of U) from the decoded latents. */
int vc_xform_decode(const vc_xform *xf, const double *const *zhat, double *U)
{
    double *zs = malloc((xf->K + xf->H + 1) * sizeof *zs);
    if (!zs)
        return VC_ERR_NOMEM;
    size_t n = vc_xform_sites(xf);
    for (size_t s = 0; s < n; s++) {
        for (size_t k = 0; k < xf->K; k++)
            zs[k] = zhat[k][s];
        vc_xform_decode_site(xf, zs, zs + xf->K, U + s * xf->d);
    }
    free(zs);
    return VC_OK;
}

static void put_f32s(vc_buf *out, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float f = (float)v[i];
        uint32_t bits;
        memcpy(&bits, &f, 4);
        vc_buf_u32(out, bits);
    }
}

static double *get_f32s(vc_rd *r, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        uint32_t bits = vc_rd_u32(r);
        float f;
        memcpy(&f, &bits, 4);
        v[i] = f;
    }
    return v;
}

void vc_xform_put(vc_buf *out, const vc_xform *xf)
{
    vc_buf_u8(out, (unsigned)xf->kind);
    vc_buf_u8(out, (unsigned)xf->J);
    vc_buf_u16(out, (unsigned)xf->Ca);
    vc_buf_u16(out, (unsigned)xf->K);
    vc_buf_u16(out, (unsigned)xf->H);
    for (size_t a = 0; a < xf->Ca; a++)
        vc_buf_u16(out, xf->band[a]);
    put_f32s(out, xf->mu, xf->d);
    put_f32s(out, xf->D1, xf->d * xf->K);
    put_f32s(out, xf->A, xf->H * xf->K);
    put_f32s(out, xf->a0, xf->H);
    put_f32s(out, xf->D2, xf->d * xf->H);
}

int vc_xform_get(const uint8_t *p, size_t n, const vc_geom *g, vc_xform *xf)
{
    vc_rd r;
    vc_rd_init(&r, p, n);
    memset(xf, 0, sizeof *xf);
    xf->kind = (vc_transform)vc_rd_u8(&r);
    int J = (int)vc_rd_u8(&r);
    xf->Ca = vc_rd_u16(&r);
    xf->K = vc_rd_u16(&r);
    xf->H = vc_rd_u16(&r);
    if (r.err || (xf->kind != VC_TRANSFORM_KLT && xf->kind != VC_TRANSFORM_WAE) || J > 3 ||
        xf->Ca < 1 || xf->Ca > g->C || xf->K < 1 || xf->K > MAX_LATENTS || xf->H > 256)
        return VC_ERR_CORRUPT;
    xf->band = malloc(xf->Ca * sizeof *xf->band);
    if (!xf->band)
        return VC_ERR_NOMEM;
    for (size_t a = 0; a < xf->Ca; a++) {
        xf->band[a] = (uint16_t)vc_rd_u16(&r);
        if (xf->band[a] >= g->C || (a && xf->band[a] <= xf->band[a - 1]))
            return VC_ERR_CORRUPT;
    }
    vc_xform_geometry(xf, g->T, g->Y, g->X, J);
    size_t d = xf->d;
    /* What the encoder never writes, and what would make the decoder's
     * float64 latents (K x sites) and features (sites x d) outgrow the
     * array: more latents than features, more levels than the frame gives
     * (each pads the frame to a multiple of 2^J). */
    if (xf->K > d || J > vc_wavelet_levels(g->Y, g->X))
        return VC_ERR_CORRUPT;
    if (r.n - r.pos != 4 * (d + d * xf->K + xf->H * xf->K + xf->H + d * xf->H))
        return VC_ERR_CORRUPT;
    xf->mu = get_f32s(&r, d);
    xf->D1 = get_f32s(&r, d * xf->K);
    xf->A = get_f32s(&r, xf->H * xf->K);
    xf->a0 = get_f32s(&r, xf->H);
    xf->D2 = get_f32s(&r, d * xf->H);
    if (!xf->mu || !xf->D1 || !xf->A || !xf->a0 || !xf->D2)
        return VC_ERR_NOMEM;
    const double *arrays[] = { xf->mu, xf->D1, xf->A, xf->a0, xf->D2 };
    size_t sizes[] = { d, d * xf->K, xf->H * xf->K, xf->H, d * xf->H };
    for (int k = 0; k < 5; k++)
        for (size_t i = 0; i < sizes[k]; i++)
            if (!isfinite(arrays[k][i]))
                return VC_ERR_CORRUPT;
    return r.err ? VC_ERR_CORRUPT : VC_OK;
}

double vc_xform_value(vc_dtype d, double min, double max, double xhat)
{
    double v = min + (max - min) * xhat;
    if (!(v >= min)) v = min;      /* NaN too: the decoder's float64 math overflowed */
    if (v > max) v = max;
    return vc_dtype_cast(d, v);
}
