/* xform_encode.c: coding channels through a band transform (KLT or wavelet
 * autoencoder, xform.c).
 *
 * The channels with something to code are normalised to [0, 1] by their
 * valid range, in-painted, and turned into K latent videos. A PSNR target T
 * means a mean squared error of D = 10^(-T/10) per channel in these units;
 * with an orthonormal transform, coding every latent to error D gives every
 * channel error D (reverse water-filling; a latent whose variance is below
 * D is dropped, costing its variance). Errors of different latents are not
 * quite independent and the autoencoder is not orthonormal, so the encoder
 * reconstructs exactly as the decoder will, measures every channel, and
 * tightens D until every channel meets the target. Error bounds then hold
 * through the residual layer, which sees the final reconstruction.
 */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WAE_HIDDEN 8
#define MAX_ROUNDS 5
/* Above this PSNR (in a latent's own range) 10-bit video stops being
 * efficient and, near 70 dB, stops being able: the latent gets video to
 * here and a residual refinement for the rest. The first latents of an
 * energy-compacting transform need it (a range of ~80 against an error of
 * 0.01 is 78 dB). */
#define LATENT_VIDEO_CAP 60.0

typedef struct xenc {
    vc_plan   *pl;
    vc_xform   xf;
    size_t     Ca, n;            /* active channels, values per channel */
    double   **v;                /* originals (T*Y*X) per active channel */
    uint8_t  **m;
    double    *min, *max;
    double   **x;                /* normalised, in-painted */
    double    *U;                /* features, sites x d */
    double   **z, **zhat;        /* latents and their decoded values */
    vc_trial  *tr;               /* per latent, the chosen video */
    vc_norm   *lnorm;            /* per latent, its normalisation */
    vc_buf    *lres;             /* per latent, its residual refinement */
    int       *dropped;
    double   **base;             /* per active channel: decoded values */
    int        threads;
    char      *err;
    size_t     errsz;
} xenc;

static double **alloc_rows(size_t rows, size_t n)
{
    double **r = calloc(rows, sizeof *r);
    for (size_t i = 0; r && i < rows; i++)
        if (!(r[i] = malloc((n ? n : 1) * sizeof **r))) {
            for (size_t j = 0; j < i; j++)
                free(r[j]);
            free(r);
            return NULL;
        }
    return r;
}

static void free_rows(double **r, size_t rows)
{
    for (size_t i = 0; r && i < rows; i++)
        free(r[i]);
    free(r);
}

/* Which channels the transform takes: those with a range to code. */
static int select_bands(xenc *X)
{
    vc_plan *pl = X->pl;
    size_t C = pl->g.C;
    X->n = pl->n;
    pl->xactive = malloc(C * sizeof *pl->xactive);
    double *v = malloc(X->n * sizeof *v);
    uint8_t *m = malloc(X->n);
    X->xf.band = malloc(C * sizeof *X->xf.band);
    if (!pl->xactive || !v || !m || !X->xf.band) {
        free(v); free(m);
        return VC_ERR_NOMEM;
    }
    for (size_t c = 0; c < C; c++) {
        double lo, hi;
        size_t nv;
        vc_band_values(pl, c, v, m, &lo, &hi, &nv);
        pl->xactive[c] = -1;
        if (nv > 0 && lo < hi && c < 65536) {
            pl->xactive[c] = (int)X->Ca;
            X->xf.band[X->Ca++] = (uint16_t)c;
        }
    }
    free(v); free(m);
    return VC_OK;
}

static int load_bands(xenc *X)
{
    size_t Ca = X->Ca;
    X->v = alloc_rows(Ca, X->n);
    X->x = alloc_rows(Ca, X->n);
    X->m = calloc(Ca, sizeof *X->m);
    X->min = malloc(Ca * sizeof *X->min);
    X->max = malloc(Ca * sizeof *X->max);
    if (!X->v || !X->x || !X->m || !X->min || !X->max)
        return VC_ERR_NOMEM;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(X->threads, Ca)) reduction(min:rc)
    for (size_t a = 0; a < Ca; a++) {
        size_t nv;
        X->m[a] = malloc(X->n);
        if (!X->m[a]) {
            rc = VC_ERR_NOMEM;
            continue;
        }
        vc_band_values(X->pl, X->xf.band[a], X->v[a], X->m[a], &X->min[a], &X->max[a], &nv);
        double r = X->max[a] - X->min[a];
        for (size_t i = 0; i < X->n; i++)
            X->x[a][i] = (X->v[a][i] - X->min[a]) / r;
        int r2 = vc_inpaint(X->x[a], X->m[a], X->pl->g.T, X->pl->g.Y, X->pl->g.X);
        if (r2 != VC_OK)
            rc = r2;
    }
    return rc;
}

/* Wavelet levels of the autoencoder: as many as the frame allows, while the
 * feature vector (channels x 4^J) stays at most MAX_FEATURES wide, since
 * the decoder's weights (d x K floats) travel in every stream. */
#define MAX_FEATURES 64
static int wae_levels(const xenc *X)
{
    int J = vc_wavelet_levels(X->pl->g.Y, X->pl->g.X);
    while (J > 0 && (X->Ca << (2 * J)) > MAX_FEATURES)
        J--;
    return J;
}


/* Features, PCA and latents. */
static int fit(xenc *X, vc_transform kind)
{
    const vc_geom *g = &X->pl->g;
    X->xf.kind = kind;
    X->xf.Ca = X->Ca;
    vc_xform_geometry(&X->xf, g->T, g->Y, g->X, kind == VC_TRANSFORM_WAE ? wae_levels(X) : 0);
    size_t sites = vc_xform_sites(&X->xf);
    X->U = malloc(sites * X->xf.d * sizeof *X->U);
    if (!X->U)
        return VC_ERR_NOMEM;
    int rc = vc_xform_features(&X->xf, (const double *const *)X->x, X->U);
    if (rc == VC_OK)
        rc = vc_xform_fit_pca(&X->xf, X->U, X->xf.d, kind == VC_TRANSFORM_KLT ? X->pl->klt_link : 0);
    if (rc != VC_OK)
        return rc;
    size_t K = X->xf.K;
    X->z = alloc_rows(K, sites);
    X->zhat = alloc_rows(K, sites);
    X->tr = calloc(K, sizeof *X->tr);
    X->dropped = calloc(K, sizeof *X->dropped);
    X->lnorm = calloc(K, sizeof *X->lnorm);
    X->lres = calloc(K, sizeof *X->lres);
    X->base = alloc_rows(X->Ca, X->n);
    if (!X->z || !X->zhat || !X->tr || !X->dropped || !X->lnorm || !X->lres || !X->base)
        return VC_ERR_NOMEM;
    vc_xform_encode(&X->xf, X->U, X->z);
    return VC_OK;
}

/* Code latent k at a PSNR (in its own range) or a fixed QP; keep what the
 * decoder will see in zhat[k]. */
static int code_latent(xenc *X, size_t k, double psnr, int qp)
{
    const vc_params *p = X->pl->p;
    size_t sites = vc_xform_sites(&X->xf);
    vc_trial_free(&X->tr[k]);
    double lo, hi;
    size_t nv;
    uint8_t *none = calloc(sites ? sites : 1, 1);
    if (!none)
        return VC_ERR_NOMEM;
    vc_norm_range(X->z[k], none, sites, &lo, &hi, &nv);
    if (!(lo < hi)) {                       /* a flat latent: nothing to code */
        X->dropped[k] = 1;
        vc_buf_free(&X->lres[k]);
        for (size_t s = 0; s < sites; s++)
            X->zhat[k][s] = 0;
        free(none);
        return VC_OK;
    }
    vc_vband vb;
    memset(&vb, 0, sizeof vb);
    vb.dtype = VC_FLOAT64;
    vb.v = X->z[k];
    vb.m = none;
    vb.layer.bound = HUGE_VAL;
    vc_norm_fit(&vb.norm, lo, hi, p->bit_depth);
    double *lut = malloc(((size_t)vb.norm.maxcode + 1) * sizeof *lut);
    uint16_t *q = malloc(sites * sizeof *q);
    vc_frames_geometry(&vb.frames, X->xf.T, X->xf.cY, X->xf.cX);
    vb.frames.s = malloc(vb.frames.T * vb.frames.H * vb.frames.W * sizeof *vb.frames.s);
    int rc = lut && q && vb.frames.s ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK) {
        for (unsigned c = 0; c <= vb.norm.maxcode; c++)
            lut[c] = vc_norm_value(&vb.norm, VC_FLOAT64, c);
        vb.lut = lut;
        vc_norm_to_samples(&vb.norm, X->z[k], sites, q);
        vc_frames_pad(&vb.frames, q);
        vc_video_cfg cfg = { vb.frames.W, vb.frames.H, vb.frames.T, p->bit_depth, p->preset,
                             p->mode == VC_MODE_CRF ? VC_MODE_CRF : VC_MODE_QP, qp, 1 };
        if (qp < 0)
            rc = vc_search_psnr(&vb, cfg, psnr < LATENT_VIDEO_CAP ? psnr : LATENT_VIDEO_CAP, 1,
                                &X->tr[k], X->err, X->errsz);
        else
            rc = vc_video_trial(&vb, &cfg, &X->tr[k], X->err, X->errsz);
    }
    vc_buf_free(&X->lres[k]);
    if (rc == VC_OK && qp < 0 && psnr > LATENT_VIDEO_CAP) {
        /* Uniform quantisation with step s leaves a mean squared error of
         * s^2 / 12: the step that gives the latent its error budget. */
        vc_layer L = { sqrt(12 * (hi - lo) * (hi - lo) * pow(10, -psnr / 10)), 1, HUGE_VAL, 0, 0 };
        vc_lband lb = { VC_FLOAT64, X->z[k], none, sites, lo, hi };
        vc_buf exc;
        vc_qacc acc;
        vc_buf_init(&exc);
        vc_basesrc bs = { X->tr[k].base, NULL, NULL, 0, 0, 0, 0, 0 };
        rc = vc_layer_encode(&lb, &bs, &L, &X->lres[k], &exc, &acc, X->zhat[k]);
        vc_buf_free(&exc);                     /* no bound, no fill: always empty */
    } else if (rc == VC_OK) {
        memcpy(X->zhat[k], X->tr[k].base, sites * sizeof **X->zhat);
    }
    if (rc == VC_OK) {
        X->dropped[k] = 0;
        X->lnorm[k] = vb.norm;
    }
    free(none); free(lut); free(q); free(vb.frames.s);
    return rc;
}

/* Code every latent for a per-channel error D (normalised units), or at a
 * fixed QP when qp >= 0. */
static int code_latents(xenc *X, double D, int qp)
{
    size_t K = X->xf.K, sites = vc_xform_sites(&X->xf);
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(X->threads, K)) reduction(min:rc)
    for (size_t k = 0; k < K; k++) {
        if (qp < 0 && X->xf.lambda[k] <= D) {       /* below the noise: drop */
            vc_trial_free(&X->tr[k]);
            vc_buf_free(&X->lres[k]);
            X->dropped[k] = 1;
            for (size_t s = 0; s < sites; s++)
                X->zhat[k][s] = 0;
            continue;
        }
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t s = 0; s < sites; s++) {
            if (X->z[k][s] < lo) lo = X->z[k][s];
            if (X->z[k][s] > hi) hi = X->z[k][s];
        }
        int r = code_latent(X, k, vc_psnr(hi - lo, D, 1), qp);
        if (r != VC_OK)
            rc = r;
    }
    return rc;
}

/* Decode as the decoder will, into base values per active channel, and
 * return the worst channel PSNR. */
static int reconstruct(xenc *X, double *worst)
{
    const vc_geom *g = &X->pl->g;
    size_t sites = vc_xform_sites(&X->xf);
    if (X->xf.kind == VC_TRANSFORM_WAE) {
        int rc = vc_wae_train(&X->xf, X->U, (const double *const *)X->zhat, WAE_HIDDEN, X->threads);
        if (rc != VC_OK)
            return rc;
    }
    vc_xform_round(&X->xf);
    double *Uh = malloc(sites * X->xf.d * sizeof *Uh);
    if (!Uh)
        return VC_ERR_NOMEM;
    int rc = vc_xform_decode(&X->xf, (const double *const *)X->zhat, Uh);
    double w = HUGE_VAL;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(X->threads, X->Ca)) reduction(min:rc) reduction(min:w)
    for (size_t a = 0; a < X->Ca; a++) {
        int r = vc_xform_unfeatures(&X->xf, Uh, a, X->base[a]);
        if (r != VC_OK) {
            rc = r;
            continue;
        }
        vc_qacc acc;
        vc_qacc_init(&acc);
        for (size_t i = 0; i < X->n; i++) {
            X->base[a][i] = vc_xform_value(g->dtype, X->min[a], X->max[a], X->base[a][i]);
            if (!X->m[a][i])
                vc_qacc_add(&acc, X->v[a][i], X->base[a][i]);
        }
        double p = vc_psnr(X->max[a] - X->min[a], acc.sse, acc.n_valid);
        if (p < w)
            w = p;
    }
    free(Uh);
    *worst = w;
    return rc;
}

/* PSNR mode: move D (as an offset delta in dB) until the worst channel sits
 * just above the target: tighten by the shortfall when it misses, relax by
 * most of the slack when it passes with room, keep the last passing coding
 * (the state is recoded for it at the end if the last round failed). */
static int meet_psnr(xenc *X, double target)
{
    double delta = 0, worst = -HUGE_VAL, pass = NAN;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        int rc = code_latents(X, pow(10, -(target + delta) / 10), -1);
        if (rc == VC_OK)
            rc = reconstruct(X, &worst);
        if (rc != VC_OK)
            return rc;
        if (worst >= target) {
            pass = delta;
            if (worst - target < 0.3)
                return VC_OK;
            delta -= 0.8 * (worst - target);
        } else {
            delta += target - worst + 0.1;
            if (!isnan(pass) && delta >= pass)
                break;
        }
    }
    if (worst >= target)
        return VC_OK;
    if (!isnan(pass)) {                       /* back to the last pass */
        int rc = code_latents(X, pow(10, -(target + pass) / 10), -1);
        if (rc == VC_OK)
            rc = reconstruct(X, &worst);
        if (rc != VC_OK || worst >= target)
            return rc;
    }
    snprintf(X->err, X->errsz, "the band transform could not reach %.1f dB on every channel "
             "(worst %.2f dB); use --transform none", target, worst);
    return VC_ERR_TARGET;
}

/* Error bounds: latent noise near a fraction of the tightest bound, the
 * residual layer does the rest (it guarantees the bound whatever D is). */
static int aim_bounds(xenc *X)
{
    const vc_params *p = X->pl->p;
    double tight = HUGE_VAL;
    for (size_t a = 0; a < X->Ca; a++) {
        double E = p->mode == VC_MODE_ABS ? p->target / (X->max[a] - X->min[a]) : p->target;
        if (E < tight)
            tight = E;
    }
    double worst;
    int rc = code_latents(X, 0.36 * tight * tight, -1);
    return rc == VC_OK ? reconstruct(X, &worst) : rc;
}

static void put_latent_sections(xenc *X, vc_buf *out, size_t *nsec)
{
    for (size_t k = 0; k < X->xf.K; k++) {
        vc_bandhdr bh;
        memset(&bh, 0, sizeof bh);
        bh.coder = X->dropped[k] ? VC_CODER_NONE : VC_CODER_VIDEO;
        bh.qp = X->dropped[k] ? -1 : (int)X->tr[k].q;
        if (!X->dropped[k])
            bh.norm = X->lnorm[k];
        vc_buf tmp;
        vc_buf_init(&tmp);
        vc_bandhdr_put(&tmp, &bh);
        if (tmp.failed)
            out->failed = 1;         /* else an empty CHDR would be written */
        vc_section_put(out, VC_SEC_CHDR, (unsigned)k, tmp.p, tmp.n);
        vc_buf_free(&tmp);
        ++*nsec;
        if (!X->dropped[k]) {
            vc_section_put(out, VC_SEC_CVID, (unsigned)k, X->tr[k].bits.p, X->tr[k].bits.n);
            ++*nsec;
        }
        if (!X->dropped[k] && X->lres[k].n) {
            vc_section_put(out, VC_SEC_CRES, (unsigned)k, X->lres[k].p, X->lres[k].n);
            ++*nsec;
        }
    }
}

static void xenc_free(xenc *X)
{
    size_t K = X->xf.K;
    free_rows(X->v, X->Ca);
    free_rows(X->x, X->Ca);
    for (size_t a = 0; X->m && a < X->Ca; a++)
        free(X->m[a]);
    free(X->m);
    free(X->min);
    free(X->max);
    free(X->U);
    free_rows(X->z, K);
    free_rows(X->zhat, K);
    for (size_t k = 0; X->tr && k < K; k++)
        vc_trial_free(&X->tr[k]);
    free(X->tr);
    free(X->dropped);
    free(X->lnorm);
    for (size_t k = 0; X->lres && k < K; k++)
        vc_buf_free(&X->lres[k]);
    free(X->lres);
    free_rows(X->base, X->Ca);
    vc_xform_free(&X->xf);
}

/* The per-channel sections of active channel a (BAND, MASK, RES, EXC). */
static int band_sections(xenc *X, size_t a, vc_job *job)
{
    vc_plan *pl = X->pl;
    size_t c = X->xf.band[a];
    vc_layer L;
    int rc = vc_band_layer(pl, c, X->min[a], X->max[a], &L, job->err, sizeof job->err);
    if (rc != VC_OK)
        return rc;
    vc_lband lb = { pl->g.dtype, X->v[a], X->m[a], X->n, X->min[a], X->max[a] };
    vc_buf res, exc;
    vc_buf_init(&res);
    vc_buf_init(&exc);
    vc_qacc acc;
    vc_basesrc bs = { X->base[a], NULL, NULL, 0, 0, 0, 0, 0 };
    rc = vc_layer_encode(&lb, &bs, &L, &res, &exc, &acc, NULL);
    if (rc == VC_OK) {
        vc_bandhdr bh;
        memset(&bh, 0, sizeof bh);
        bh.coder = VC_CODER_TRANSFORM;
        bh.qp = -1;
        bh.has_mask = pl->n_masked[c] > 0;
        bh.norm.min = X->min[a];
        bh.norm.max = X->max[a];
        bh.norm.offset = X->min[a];
        bh.norm.scale = X->max[a] - X->min[a];
        rc = vc_band_sections(pl, c, job, &bh, &res, &exc);
        vc_qacc_finish(&acc, &job->rep.quality);
    }
    vc_buf_free(&res);
    vc_buf_free(&exc);
    return rc;
}

int vc_xform_compress(vc_plan *pl, vc_job *jobs, int threads, char *err, size_t errsz)
{
    xenc X;
    memset(&X, 0, sizeof X);
    X.pl = pl;
    X.threads = threads;
    X.err = err;
    X.errsz = errsz;
    pl->xused = VC_TRANSFORM_NONE;
    int rc = select_bands(&X);
    if (rc != VC_OK || X.Ca < 2) {            /* nothing to decorrelate */
        xenc_free(&X);
        if (pl->xactive)
            for (size_t c = 0; c < pl->g.C; c++)
                pl->xactive[c] = -1;
        return rc;
    }
    rc = load_bands(&X);
    if (rc == VC_OK)
        rc = fit(&X, pl->p->transform);
    if (rc == VC_OK) {
        switch (pl->p->mode) {
        case VC_MODE_PSNR:
            rc = meet_psnr(&X, pl->p->target);
            break;
        case VC_MODE_ABS:
        case VC_MODE_REL:
            rc = aim_bounds(&X);
            break;
        default: {                              /* QP, CRF */
            double worst;
            rc = code_latents(&X, 0, (int)pl->p->target);
            if (rc == VC_OK)
                rc = reconstruct(&X, &worst);
        }
        }
    }
    if (rc == VC_OK) {
        vc_buf_init(&pl->xsec);
        vc_buf tmp;
        vc_buf_init(&tmp);
        vc_xform_put(&tmp, &X.xf);
        if (tmp.failed)
            pl->xsec.failed = 1;     /* else an empty XFRM would be written */
        vc_section_put(&pl->xsec, VC_SEC_XFRM, 0, tmp.p, tmp.n);
        vc_buf_free(&tmp);
        pl->xsec_n = 1;
        put_latent_sections(&X, &pl->xsec, &pl->xsec_n);
        rc = pl->xsec.failed ? VC_ERR_NOMEM : VC_OK;
        pl->xused = X.xf.kind;
    }
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, X.Ca))
    for (size_t a = 0; a < X.Ca; a++) {
        vc_job *job = &jobs[X.xf.band[a]];
        if (rc == VC_OK)
            job->status = band_sections(&X, a, job);
    }
    xenc_free(&X);
    return rc;
}
