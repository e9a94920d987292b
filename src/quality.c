/* quality.c: encoding a channel at a quantiser and measuring what the
 * decoder will get, and the search for the quantiser that meets a PSNR
 * target. The measure runs on x264's own reconstruction pushed through the
 * decoder's value map, so the reported quality is the decoded quality. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>

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

/* PSNR falls about 1 dB per QP step (6 steps double the quantiser), which
 * gives a first guess; then secant steps inside the bracket, then bisection,
 * until the largest passing QP sits next to the smallest failing one. */
int vc_search_psnr(const vc_vband *b, vc_video_cfg cfg, double target,
                   vc_trial *best, char *err, size_t errsz)
{
    int qmax = vc_qp_max(cfg.bit_depth);
    int ok = -1, fail = qmax + 1;            /* largest pass, smallest fail */
    double p_ok = 0, p_fail = 0;
    int qp = cfg.bit_depth > 8 ? 30 : 20;
    vc_buf_init(&best->bits);
    for (int iter = 0; iter < 16 && fail - ok > 1; iter++) {
        vc_trial tr;
        cfg.q = qp;
        int rc = vc_video_trial(b, &cfg, &tr, err, errsz);
        if (rc != VC_OK) {
            vc_trial_free(best);
            return rc;
        }
        double p = trial_psnr(&tr, &b->norm);
        if (p >= target) {
            vc_trial_free(best);
            *best = tr;
            ok = qp;
            p_ok = p;
        } else {
            vc_trial_free(&tr);
            fail = qp;
            p_fail = p;
        }
        if (fail - ok <= 1)
            break;
        /* Next guess: secant through the bracket when both ends are known
         * and finite, else a 1 dB/QP step from the last point. */
        double guess;
        if (ok >= 0 && fail <= qmax && isfinite(p_ok) && isfinite(p_fail) && p_ok > p_fail)
            guess = ok + (p_ok - target) * (fail - ok) / (p_ok - p_fail);
        else
            guess = qp + (isfinite(p) ? p - target : 8.0);
        int next = (int)floor(guess);
        if (next <= ok) next = ok + 1;
        if (next >= fail) next = fail - 1;
        if (next == qp)                       /* no progress: bisect */
            next = ok + (fail - ok) / 2;
        qp = next;
    }
    if (ok < 0) {
        vc_trial_free(best);
        if (err && errsz && !err[0])
            snprintf(err, errsz, "%.1f dB is beyond what %d-bit video reaches on this band "
                     "(lossless video gives %.1f dB); lower the target or use the lossless mode",
                     target, cfg.bit_depth, p_fail);
        return VC_ERR_TARGET;
    }
    return VC_OK;
}
