/* wae_train.c: fitting the wavelet autoencoder's decoder, in the spirit of
 * WaLLoC: a linear map plus one tanh layer from the *decoded* latents back to
 * the wavelet-packet features,
 *
 *     u^ = mu + D1 z^ + D2 tanh(A z^ + a0),
 *
 * fitted on the chunk being compressed, to what the decoder will actually
 * receive (x264's reconstruction of the latents). The linear part is solved
 * in closed form (least squares: it undoes the quantisation's bias and
 * shrinkage); the tanh layer is then trained with Adam on what is left,
 * starting from zero, and kept only if it lowers the error on the sample.
 *
 * Deterministic: a fixed site sample, a fixed minibatch order, a fixed
 * pseudo-random initialisation, and per-thread gradient sums added in
 * thread order.
 */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define TRAIN_SITES 16384
#define BATCH 256
#define STEPS 300
#define LR 1e-3
#define BETA1 0.9
#define BETA2 0.999
#define EPS 1e-8
/* A batch's gradient is summed in this many fixed slices, then the slices
 * in order: the same sum, bit for bit, whatever the thread count. */
#define SLICES 8

typedef struct params {
    size_t d, K, H, n;        /* n = total parameter count */
    double *mu, *D1, *A, *a0, *D2;
} params;

/* The parameters are one flat vector: mu | D1 | A | a0 | D2. */
static void layout(params *p, double *base, size_t d, size_t K, size_t H)
{
    p->d = d; p->K = K; p->H = H;
    p->mu = base;
    p->D1 = p->mu + d;
    p->A = p->D1 + d * K;
    p->a0 = p->A + H * K;
    p->D2 = p->a0 + H;
    p->n = d + d * K + H * K + H + d * H;
}

/* Add one sample's gradient of ||u^ - u||^2 into g; scratch: K + 2H + d. */
static double sample_grad(const params *w, const params *g, const double *z,
                          const double *u, double *scratch)
{
    size_t d = w->d, K = w->K, H = w->H;
    double *h = scratch, *gh = h + H, *r = gh + H;
    for (size_t j = 0; j < H; j++) {
        double a = w->a0[j];
        for (size_t k = 0; k < K; k++)
            a += w->A[j * K + k] * z[k];
        h[j] = tanh(a);
        gh[j] = 0;
    }
    double loss = 0;
    for (size_t f = 0; f < d; f++) {
        double a = w->mu[f];
        for (size_t k = 0; k < K; k++)
            a += w->D1[f * K + k] * z[k];
        for (size_t j = 0; j < H; j++)
            a += w->D2[f * H + j] * h[j];
        r[f] = a - u[f];
        loss += r[f] * r[f];
        double e = 2 * r[f];
        g->mu[f] += e;
        for (size_t k = 0; k < K; k++)
            g->D1[f * K + k] += e * z[k];
        for (size_t j = 0; j < H; j++) {
            g->D2[f * H + j] += e * h[j];
            gh[j] += e * w->D2[f * H + j];
        }
    }
    for (size_t j = 0; j < H; j++) {
        double gp = gh[j] * (1 - h[j] * h[j]);
        g->a0[j] += gp;
        for (size_t k = 0; k < K; k++)
            g->A[j * K + k] += gp * z[k];
    }
    return loss;
}

/* Solve the symmetric positive definite system M x = b (n x n, M and b
 * destroyed) by Cholesky; returns -1 if M is not positive definite. */
static int cholesky_solve(double *M, double *b, size_t n, size_t nrhs)
{
    for (size_t j = 0; j < n; j++) {
        double s = M[j * n + j];
        for (size_t k = 0; k < j; k++)
            s -= M[j * n + k] * M[j * n + k];
        if (!(s > 0))
            return -1;
        M[j * n + j] = sqrt(s);
        for (size_t i = j + 1; i < n; i++) {
            double t = M[i * n + j];
            for (size_t k = 0; k < j; k++)
                t -= M[i * n + k] * M[j * n + k];
            M[i * n + j] = t / M[j * n + j];
        }
    }
    for (size_t r = 0; r < nrhs; r++) {           /* b is n x nrhs */
        for (size_t i = 0; i < n; i++) {
            double t = b[i * nrhs + r];
            for (size_t k = 0; k < i; k++)
                t -= M[i * n + k] * b[k * nrhs + r];
            b[i * nrhs + r] = t / M[i * n + i];
        }
        for (size_t i = n; i-- > 0;) {
            double t = b[i * nrhs + r];
            for (size_t k = i + 1; k < n; k++)
                t -= M[k * n + i] * b[k * nrhs + r];
            b[i * nrhs + r] = t / M[i * n + i];
        }
    }
    return 0;
}

/* The best linear decoder u ~ mu + D1 z for the sampled pairs, by least
 * squares (normal equations with a tiny ridge); unchanged if singular. */
static int fit_linear(params *w, const double *Z, const double *U, size_t ns, size_t step)
{
    size_t d = w->d, K = w->K, n = K + 1;
    double *M = calloc(n * n, sizeof *M), *B = calloc(n * d, sizeof *B);
    if (!M || !B) {
        free(M); free(B);
        return VC_ERR_NOMEM;
    }
    for (size_t s = 0; s < ns; s++) {
        const double *z = Z + s * K, *u = U + s * step * d;
        for (size_t a = 0; a < n; a++) {
            double za = a ? z[a - 1] : 1;
            for (size_t b = 0; b < n; b++)
                M[a * n + b] += za * (b ? z[b - 1] : 1);
            for (size_t f = 0; f < d; f++)
                B[a * d + f] += za * u[f];
        }
    }
    for (size_t a = 0; a < n; a++)
        M[a * n + a] += 1e-12 * (M[a * n + a] + 1);
    if (cholesky_solve(M, B, n, d) == 0)
        for (size_t f = 0; f < d; f++) {
            w->mu[f] = B[f];
            for (size_t k = 0; k < K; k++)
                w->D1[f * K + k] = B[(k + 1) * d + f];
        }
    free(M); free(B);
    return VC_OK;
}

/* Mean loss over the sample. */
static double sample_loss(const params *w, const double *Z, const double *U, size_t ns,
                          size_t step, double *gradbuf, double *scratch)
{
    params g;
    layout(&g, gradbuf, w->d, w->K, w->H);
    double L = 0;
    for (size_t s = 0; s < ns; s++)
        L += sample_grad(w, &g, Z + s * w->K, U + s * step * w->d, scratch);
    return L / (double)(ns ? ns : 1);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int vc_wae_train(vc_xform *xf, const double *U, const double *const *zhat, size_t H,
                 int threads)
{
    size_t d = xf->d, K = xf->K, sites = vc_xform_sites(xf);
    size_t step = sites > TRAIN_SITES ? sites / TRAIN_SITES : 1, ns = (sites + step - 1) / step;
    params w, m1, m2;
    size_t n = d + d * K + H * K + H + d * H;
    double *mem = calloc(3 * n, sizeof *mem);
    double *Z = malloc(ns * K * sizeof *Z);
    double *grads = calloc((size_t)SLICES * n, sizeof *grads);
    double *scratch = malloc((size_t)threads * (K + 2 * H + d) * sizeof *scratch);
    if (!mem || !Z || !grads || !scratch) {
        free(mem); free(Z); free(grads); free(scratch);
        return VC_ERR_NOMEM;
    }
    layout(&w, mem, d, K, H);
    layout(&m1, mem + n, d, K, H);
    layout(&m2, mem + 2 * n, d, K, H);
    memcpy(w.mu, xf->mu, d * sizeof *w.mu);
    memcpy(w.D1, xf->D1, d * K * sizeof *w.D1);
    /* Small deterministic A so tanh starts near its linear range. */
    double lam = 0;
    for (size_t k = 0; k < K; k++)
        lam += xf->lambda ? xf->lambda[k] : 1;
    double scale = 1.0 / sqrt((double)K * (lam / (double)K + 1e-12));
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < H * K; i++)
        w.A[i] = ((double)(xorshift(&seed) >> 11) / 9007199254740992.0 - 0.5) * scale;
    for (size_t s = 0; s < ns; s++)
        for (size_t k = 0; k < K; k++)
            Z[s * K + k] = zhat[k][s * step];
    if (fit_linear(&w, Z, U, ns, step) != VC_OK) {
        free(mem); free(Z); free(grads); free(scratch);
        return VC_ERR_NOMEM;
    }
    /* Keep the linear decoder; train only the tanh layer (mu, D1 frozen). */
    double *frozen = malloc((d + d * K) * sizeof *frozen);
    if (!frozen) {
        free(mem); free(Z); free(grads); free(scratch);
        return VC_ERR_NOMEM;
    }
    memcpy(frozen, w.mu, (d + d * K) * sizeof *frozen);
    double linear_loss = sample_loss(&w, Z, U, ns, step, grads, scratch);

    double b1 = 1, b2 = 1;
    for (int it = 0; it < STEPS; it++) {
        size_t start = ((size_t)it * BATCH) % ns;
        memset(grads, 0, (size_t)SLICES * n * sizeof *grads);
#pragma omp parallel num_threads(vc_team(threads, SLICES))
        {
#ifdef _OPENMP
            int tid = omp_get_thread_num();
#else
            int tid = 0;
#endif
            double *sc = scratch + (size_t)tid * (K + 2 * H + d);
#pragma omp for schedule(static)
            for (size_t sl = 0; sl < SLICES; sl++) {
                params g;
                layout(&g, grads + sl * n, d, K, H);
                for (size_t b = sl * BATCH / SLICES; b < (sl + 1) * BATCH / SLICES; b++) {
                    size_t s = (start + b) % ns;
                    sample_grad(&w, &g, Z + s * K, U + s * step * d, sc);
                }
            }
        }
        for (size_t sl = 1; sl < SLICES; sl++)   /* fixed order: deterministic */
            for (size_t i = 0; i < n; i++)
                grads[i] += grads[sl * n + i];
        b1 *= BETA1;
        b2 *= BETA2;
        for (size_t i = d + d * K; i < n; i++) {
            double gi = grads[i] / BATCH;
            m1.mu[i] = BETA1 * m1.mu[i] + (1 - BETA1) * gi;
            m2.mu[i] = BETA2 * m2.mu[i] + (1 - BETA2) * gi * gi;
            double mh = m1.mu[i] / (1 - b1), vh = m2.mu[i] / (1 - b2);
            w.mu[i] -= LR * mh / (sqrt(vh) + EPS);
        }
    }
    /* The tanh layer stays only if it helps on the sample. */
    double full_loss = sample_loss(&w, Z, U, ns, step, grads, scratch);
    if (!(full_loss < linear_loss)) {
        H = 0;
        memcpy(w.mu, frozen, (d + d * K) * sizeof *frozen);
    }
    free(frozen);
    /* Install the trained decoder. */
    double *A = malloc((H && K ? H * K : 1) * sizeof *A), *a0 = malloc((H ? H : 1) * sizeof *a0);
    double *D2 = malloc((d && H ? d * H : 1) * sizeof *D2);
    int rc = A && a0 && D2 ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK) {
        memcpy(xf->mu, w.mu, d * sizeof *w.mu);
        memcpy(xf->D1, w.D1, d * K * sizeof *w.D1);
        memcpy(A, w.A, H * K * sizeof *A);
        memcpy(a0, w.a0, H * sizeof *a0);
        memcpy(D2, w.D2, d * H * sizeof *D2);
        free(xf->A); free(xf->a0); free(xf->D2);
        xf->A = A; xf->a0 = a0; xf->D2 = D2;
        xf->H = H;
    } else {
        free(A); free(a0); free(D2);
    }
    free(mem); free(Z); free(grads); free(scratch);
    return rc;
}
