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
    vc_buf_free(&tr->bits);
}

int vc_video_trial(const vc_vband *b, const vc_video_cfg *cfg, vc_trial *tr,
                   char *err, size_t errsz)
{
    const vc_frames *f = &b->frames;
    size_t plane = f->W * f->H;
    vc_buf_init(&tr->bits);
    tr->q = cfg->q;
    tr->exact = 1;
    vc_qacc_init(&tr->acc);
    uint16_t *recon = malloc(f->T * plane * sizeof *recon);
    double *lut = malloc(((size_t)b->norm.maxcode + 1) * sizeof *lut);
    int rc = recon && lut ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = vc_x264_encode(cfg, f->s, &tr->bits, recon, err, errsz);
    if (rc == VC_OK) {
        for (unsigned q = 0; q <= b->norm.maxcode; q++)
            lut[q] = vc_norm_value(&b->norm, b->dtype, q);
        for (size_t t = 0; t < f->T; t++)
            for (size_t y = 0; y < f->Y; y++) {
                const uint16_t *rr = recon + t * plane + y * f->W;
                const uint16_t *in = f->s + t * plane + y * f->W;
                size_t i = (t * f->Y + y) * f->X;
                for (size_t x = 0; x < f->X; x++, i++) {
                    if (rr[x] != in[x])
                        tr->exact = 0;
                    if (b->m[i])
                        tr->acc.n_masked++;
                    else
                        vc_qacc_add(&tr->acc, b->v[i], lut[rr[x] > b->norm.maxcode ? b->norm.maxcode : rr[x]]);
                }
            }
    }
    free(recon);
    free(lut);
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

/* Encode at up to two QPs at once (when threads are spare) and record them. */
static int run_round(search *s, const vc_vband *b, vc_video_cfg cfg, const int *qps,
                     int n, char *err, size_t errsz)
{
    vc_trial tr[2];
    int rc[2] = { VC_OK, VC_OK };
    char errs[2][160] = { "", "" };
#pragma omp parallel for num_threads(n) if (n > 1)
    for (int k = 0; k < n; k++) {
        vc_video_cfg c = cfg;
        c.q = qps[k];
        rc[k] = vc_video_trial(b, &c, &tr[k], errs[k], sizeof errs[k]);
    }
    int status = VC_OK;
    for (int k = 0; k < n; k++) {
        if (rc[k] != VC_OK) {
            if (status == VC_OK) {
                status = rc[k];
                snprintf(err, errsz, "%s", errs[k]);
            }
            continue;
        }
        record(s, &tr[k], qps[k], trial_psnr(&tr[k], &b->norm));
    }
    return status;
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
    int guess = cfg.bit_depth > 8 ? 30 : 18, rc = VC_OK;
    if (cfg.T > 2 * PROBE_FRAMES) {
        double p = NAN;
        rc = probe(b, cfg, guess, &p, err, errsz);
        guess = predict(guess, p, target);
        if (guess < 0) guess = 0;
        if (guess > s.qmax) guess = s.qmax;
    }
    for (int round = 0; rc == VC_OK && round < 12; round++) {
        int qps[2] = { guess, guess + 1 }, n = 1;
        if (par > 1) {                       /* the neighbour that can decide */
            if (qps[1] >= s.fail)
                qps[1] = guess - 1;
            n = qps[1] > s.ok && qps[1] < s.fail ? 2 : 1;
        }
        rc = run_round(&s, b, cfg, qps, n, err, errsz);
        if (rc != VC_OK || s.fail - s.ok <= 1 || (s.ok >= 0 && s.p_ok - target < CLOSE_DB))
            break;
        guess = next_guess(&s);
    }
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
