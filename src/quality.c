/* quality.c: encoding a channel at a quantiser and measuring what the
 * decoder will get, and the search for the quantiser that meets a PSNR
 * target. The measure runs on x264's own reconstruction pushed through the
 * decoder's value map, so the reported quality is the decoded quality. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vc_trial_free(vc_trial *tr)
{
    free(tr->base);
    tr->base = NULL;
    vc_buf_free(&tr->bits);
    vc_buf_free(&tr->res);
    vc_buf_free(&tr->exc);
}

size_t vc_trial_bytes(const vc_trial *tr)
{
    size_t n = VC_SECTION_OVERHEAD + tr->bits.n;
    if (tr->res.n)
        n += VC_SECTION_OVERHEAD + tr->res.n;
    if (tr->exc.n)
        n += VC_SECTION_OVERHEAD + tr->exc.n;
    return n;
}

static int samples_equal(const vc_frames *f, const uint16_t *recon)
{
    size_t plane = f->W * f->H;
    for (size_t t = 0; t < f->T; t++)
        for (size_t y = 0; y < f->Y; y++)
            if (memcmp(recon + t * plane + y * f->W, f->s + t * plane + y * f->W,
                       f->X * sizeof *recon))
                return 0;
    return 1;
}

int vc_video_trial(const vc_vband *b, const vc_video_cfg *cfg, vc_trial *tr,
                   char *err, size_t errsz)
{
    const vc_frames *f = &b->frames;
    size_t n = f->T * f->Y * f->X;
    memset(tr, 0, sizeof *tr);
    tr->q = cfg->q;
    uint16_t *recon = malloc(f->T * f->W * f->H * sizeof *recon);
    int rc = recon ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = vc_x264_encode(cfg, f->s, &tr->bits, recon, err, errsz);
    vc_basesrc bs = { NULL, recon, b->lut, b->norm.maxcode, f->X, f->Y, f->W, f->H };
    if (rc == VC_OK) {
        tr->exact = samples_equal(f, recon);
        vc_lband lb = { b->dtype, b->v, b->m, n, b->norm.min, b->norm.max };
        rc = vc_layer_encode(&lb, &bs, &b->layer, &tr->res, &tr->exc, &tr->acc, NULL);
    }
    if (rc == VC_OK && cfg->keep_base) {
        /* rate plans and transforms reuse the decoded values */
        tr->base = malloc((n ? n : 1) * sizeof *tr->base);
        if (!tr->base)
            rc = VC_ERR_NOMEM;
        for (size_t i = 0; rc == VC_OK && i < n; i++)
            tr->base[i] = vc_base_at(&bs, i);
    }
    free(recon);
    if (rc != VC_OK)
        vc_trial_free(tr);
    return rc;
}

static double trial_psnr(const vc_trial *tr, const vc_norm *nm)
{
    return vc_psnr(nm->max - nm->min, tr->acc.sse, tr->acc.n_valid);
}

/* Search constants, measured on the shared data: PSNR falls 0.7-0.85 dB
 * per QP step; a pass closer than CLOSE_DB to the target is kept without
 * proving that the next QP fails (a QP step is worth more than that); long
 * series are first probed on a prefix of PROBE_FRAMES frames. */
#define DB_PER_QP   0.75
#define CLOSE_DB    0.4
#define PROBE_FRAMES 16
#define TYPICAL_DB_AT_MID 46.0    /* at QP 30 (10-bit): 44.8-47.4 dB measured */

typedef struct search {
    double   target;
    int      qmax;
    int      ok, fail;          /* largest passing QP, smallest failing QP */
    double   p_ok, p_fail;
    vc_trial best;
} search;

/* The QP a measured point predicts for the target (rounded to pass). */
static int predict(int qp, double p, double target)
{
    if (!isfinite(p))
        return p > 0 ? qp + 12 : qp - 12;
    return (int)floor(qp + (p - target) / DB_PER_QP);
}

/* PSNR at qp on the first PROBE_FRAMES frames only: a cheap first point. */
static int probe(const vc_vband *b, vc_video_cfg cfg, int qp, double *p,
                 char *err, size_t errsz)
{
    vc_vband pre = *b;
    vc_trial tr;
    pre.frames.T = cfg.T = PROBE_FRAMES;
    cfg.q = qp;
    int rc = vc_video_trial(&pre, &cfg, &tr, err, errsz);
    if (rc == VC_OK)
        *p = trial_psnr(&tr, &b->norm);
    vc_trial_free(&tr);
    return rc;
}

/* A starting QP for a PSNR: the mid-range QP, or, for long series, the
 * prediction from a probe of the first frames. */
static int first_guess(const vc_vband *b, vc_video_cfg cfg, double target_db, int *guess,
                       char *err, size_t errsz)
{
    int qmax = vc_qp_max(cfg.bit_depth), mid = cfg.bit_depth > 8 ? 30 : 18;
    /* Without a probe, the shared data's typical PSNR at the mid QP. */
    int g = predict(mid, TYPICAL_DB_AT_MID, target_db);
    if (cfg.T > 2 * PROBE_FRAMES) {
        double p = NAN;
        int q = g < 0 ? 0 : g > qmax ? qmax : g;
        int rc = probe(b, cfg, q, &p, err, errsz);
        if (rc != VC_OK)
            return rc;
        g = predict(q, p, target_db);
    }
    *guess = g < 0 ? 0 : g > qmax ? qmax : g;
    return VC_OK;
}

static void record(search *s, vc_trial *tr, int qp, double p)
{
    if (p >= s->target && qp > s->ok) {
        vc_trial_free(&s->best);
        s->best = *tr;
        s->ok = qp;
        s->p_ok = p;
        return;
    }
    if (p < s->target && qp < s->fail) {
        s->fail = qp;
        s->p_fail = p;
    }
    vc_trial_free(tr);
}

/* Encode at up to two QPs at once (when threads are spare). On success every
 * trial is valid; on failure none is kept and err says why. */
static int encode_pair(const vc_vband *b, vc_video_cfg cfg, const int *qps, int n,
                       vc_trial *tr, char *err, size_t errsz)
{
    int rc[2] = { VC_OK, VC_OK };
    char errs[2][160] = { "", "" };
#pragma omp parallel for num_threads(n) if (n > 1)
    for (int k = 0; k < n; k++) {
        vc_video_cfg c = cfg;
        c.q = qps[k];
        rc[k] = vc_video_trial(b, &c, &tr[k], errs[k], sizeof errs[k]);
    }
    for (int k = 0; k < n; k++)
        if (rc[k] != VC_OK) {
            snprintf(err, errsz, "%s", errs[k]);
            for (int j = 0; j < n; j++)
                if (rc[j] == VC_OK)
                    vc_trial_free(&tr[j]);
            return rc[k];
        }
    return VC_OK;
}

/* Near the top of 10-bit video, QP 0 (x264's lossless coding of the
 * samples) is often smaller than QP 3-9 as well as better: on OLCI conc_tsm
 * 0.78 against 1.30 bpppb. The monotone search cannot see it; ask. */
#define LOSSLESS_CHECK_QP 12
static int try_lossless(search *s, const vc_vband *b, vc_video_cfg cfg, char *err, size_t errsz)
{
    vc_trial tr;
    cfg.q = 0;
    int rc = vc_video_trial(b, &cfg, &tr, err, errsz);
    if (rc != VC_OK)
        return rc;
    double p = trial_psnr(&tr, &b->norm);
    if (p >= s->target && vc_trial_bytes(&tr) < vc_trial_bytes(&s->best)) {
        vc_trial_free(&s->best);
        s->best = tr;
        s->ok = 0;
        s->p_ok = p;
    } else {
        vc_trial_free(&tr);
    }
    return VC_OK;
}

/* The next QP to try: a secant step inside the bracket when both ends are
 * known, else a step from the nearest known point. */
static int next_guess(const search *s)
{
    int g;
    if (s->ok >= 0 && s->fail <= s->qmax && isfinite(s->p_ok) && isfinite(s->p_fail) &&
        s->p_ok > s->p_fail)
        g = (int)floor(s->ok + (s->p_ok - s->target) * (s->fail - s->ok) / (s->p_ok - s->p_fail));
    else if (s->ok >= 0)
        g = predict(s->ok, s->p_ok, s->target);
    else
        g = predict(s->fail, s->p_fail, s->target);
    if (g <= s->ok) g = s->ok + 1;
    if (g >= s->fail) g = s->fail - 1;
    return g;
}

int vc_search_psnr(const vc_vband *b, vc_video_cfg cfg, double target, int par,
                   vc_trial *best, char *err, size_t errsz)
{
    search s;
    memset(&s, 0, sizeof s);
    s.target = target;
    s.qmax = vc_qp_max(cfg.bit_depth);
    s.ok = -1;
    s.fail = s.qmax + 1;
    /* With threads to spare, the neighbour of each guess is encoded at the
     * same time, on speculation: the search records it only if it later
     * asks for that QP, so it takes the same steps, and gives the same
     * stream, for any thread count. */
    vc_trial spare;
    int spare_qp = -1;
    int guess, rc = first_guess(b, cfg, target, &guess, err, errsz);
    for (int round = 0; rc == VC_OK && round < 12; round++) {
        if (guess == spare_qp) {
            spare_qp = -1;
            record(&s, &spare, guess, trial_psnr(&spare, &b->norm));
        } else {
            int qps[2] = { guess, guess + 1 }, n = 1;
            if (par > 1) {                   /* the neighbour that can decide */
                if (qps[1] >= s.fail)
                    qps[1] = guess - 1;
                n = qps[1] > s.ok && qps[1] < s.fail ? 2 : 1;
            }
            vc_trial tr[2];
            rc = encode_pair(b, cfg, qps, n, tr, err, errsz);
            if (rc == VC_OK && n == 2) {
                if (spare_qp >= 0)
                    vc_trial_free(&spare);
                spare = tr[1];
                spare_qp = qps[1];
            }
            if (rc == VC_OK)
                record(&s, &tr[0], guess, trial_psnr(&tr[0], &b->norm));
        }
        if (rc != VC_OK || s.fail - s.ok <= 1 || (s.ok >= 0 && s.p_ok - target < CLOSE_DB))
            break;
        guess = next_guess(&s);
    }
    if (spare_qp >= 0)
        vc_trial_free(&spare);
    if (rc == VC_OK && s.ok > 0 && s.ok <= LOSSLESS_CHECK_QP)
        rc = try_lossless(&s, b, cfg, err, errsz);
    if (rc == VC_OK && s.ok < 0) {
        if (err && errsz && !err[0])
            snprintf(err, errsz, "%.1f dB is beyond what %d-bit video reaches on this band "
                     "(lossless video gives %.1f dB); lower the target or use the lossless mode",
                     target, cfg.bit_depth, s.p_fail);
        rc = VC_ERR_TARGET;
    }
    if (rc != VC_OK) {
        vc_trial_free(&s.best);
        return rc;
    }
    *best = s.best;
    return VC_OK;
}

/* ---- bound modes: the cheapest QP ---------------------------------------- */

/* Video noise around this fraction of the bound leaves a residual of mostly
 * zeros and ones, near the cheapest total on the shared data. */
#define NOISE_PER_BOUND 0.6

typedef struct cheapest {
    vc_trial best;
    size_t   best_bytes;
    int      best_qp;
    size_t   cost[64];          /* bytes per QP; 0 = not tried */
} cheapest;

static int try_qps(cheapest *s, const vc_vband *b, vc_video_cfg cfg, const int *qps, int n,
                   char *err, size_t errsz)
{
    vc_trial tr[2];
    int rc = encode_pair(b, cfg, qps, n, tr, err, errsz);
    for (int k = 0; rc == VC_OK && k < n; k++) {
        size_t bytes = vc_trial_bytes(&tr[k]);
        s->cost[qps[k]] = bytes;
        if (bytes < s->best_bytes) {
            vc_trial_free(&s->best);
            s->best = tr[k];
            s->best_bytes = bytes;
            s->best_qp = qps[k];
        } else {
            vc_trial_free(&tr[k]);
        }
    }
    return rc;
}

/* Evaluate the untried QPs among a and b (either may be out of range). */
static int try_pair(cheapest *s, const vc_vband *b, vc_video_cfg cfg, int par, int qa, int qb,
                    char *err, size_t errsz)
{
    int qmax = vc_qp_max(cfg.bit_depth), qps[2], n = 0;
    if (qa >= 0 && qa <= qmax && !s->cost[qa]) qps[n++] = qa;
    if (qb >= 0 && qb <= qmax && !s->cost[qb] && qb != qa) qps[n++] = qb;
    if (n == 0)
        return VC_OK;
    if (par < 2 && n == 2) {
        int rc = try_qps(s, b, cfg, qps, 1, err, errsz);
        return rc != VC_OK ? rc : try_qps(s, b, cfg, qps + 1, 1, err, errsz);
    }
    return try_qps(s, b, cfg, qps, n, err, errsz);
}

/* Total bytes (video + residual + exceptions) against QP is valley-shaped:
 * walk downhill in steps of 2 from a predicted start, then settle +-1. */
int vc_search_smallest(const vc_vband *b, vc_video_cfg cfg, int par, vc_trial *best,
                       char *err, size_t errsz)
{
    cheapest s;
    memset(&s, 0, sizeof s);
    s.best_bytes = SIZE_MAX;
    double range = b->norm.max - b->norm.min;
    double start_db = vc_psnr(range, NOISE_PER_BOUND * b->layer.bound *
                                     NOISE_PER_BOUND * b->layer.bound, 1);
    int qp, rc = first_guess(b, cfg, isfinite(start_db) ? start_db : 60, &qp, err, errsz);
    if (rc == VC_OK)
        rc = try_pair(&s, b, cfg, par, qp, qp + 2, err, errsz);
    int step = s.best_qp > qp ? 2 : -2;
    for (int cur = s.best_qp; rc == VC_OK;) {
        int next = cur + step;
        if (next < 0 || next > vc_qp_max(cfg.bit_depth) || s.cost[next])
            break;
        rc = try_pair(&s, b, cfg, 1, next, -1, err, errsz);
        if (rc != VC_OK || s.best_qp != next)
            break;
        cur = next;
    }
    if (rc == VC_OK)
        rc = try_pair(&s, b, cfg, par, s.best_qp - 1, s.best_qp + 1, err, errsz);
    if (rc != VC_OK) {
        vc_trial_free(&s.best);
        return rc;
    }
    *best = s.best;
    return VC_OK;
}
