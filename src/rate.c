/* rate.c: the rate mode's plan. A target in bits per value is a budget for
 * the whole stream, every byte counted. The plan:
 *
 *  1. Everything that does not depend on the quantiser (header, band
 *     headers, masks, constant channels) is measured first; a budget below
 *     that is refused.
 *  2. One QP for every video channel (equal quantisers give about equal
 *     quality relative to each channel's range): the smallest QP whose
 *     stream fits, found by a log-size model and bisection.
 *  3. Channels whose step to QP-1 buys the most quality per byte are moved
 *     there while the stream still fits.
 *     A channel whose exact (lossless) coding is smaller than its video is
 *     coded exactly: better quality for fewer bytes.
 *  4. If the stream is still more than 5 % under budget (one channel, few
 *     frames: a QP step is about 12 % of size), a residual layer with a
 *     common relative step fills the rest; its size falls smoothly as the
 *     step grows, so a bisection lands it.
 */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NQP 64
#define LOG_SIZE_PER_QP 0.115     /* size halves every ~6 QP */
#define FILL 0.95                 /* land within 5 % of the budget */

typedef struct rband {
    int      video;               /* coded as video (else fixed size) */
    double  *v;
    uint8_t *m;
    vc_vband vb;
    double   peak2;               /* range squared, for normalised error */
    size_t   raw;                 /* bytes of the exact coding */
    size_t   bytes[NQP];          /* trial bytes per QP, 0 = not tried */
    double   sse[NQP];
    vc_trial keep;                /* the chosen trial, with reconstruction */
    int      qp;
} rband;

typedef struct rplan {
    vc_plan *pl;
    rband   *b;
    size_t   fixed, budget;
    int      threads, qmax;
    char    *err;
    size_t   errsz;
} rplan;

/* Fixed cost of a channel and, for video channels, its prepared codec input. */
static int prepare(rplan *R, size_t c)
{
    vc_plan *pl = R->pl;
    rband *rb = &R->b[c];
    double min, max;
    size_t nv;
    rb->v = malloc(pl->n * sizeof *rb->v);
    rb->m = malloc(pl->n);
    if (!rb->v || !rb->m)
        return VC_ERR_NOMEM;
    vc_band_values(pl, c, rb->v, rb->m, &min, &max, &nv);
    size_t fixed = VC_SECTION_OVERHEAD + BANDHDR_BYTES;
    if (pl->n_masked[c]) {
        vc_buf tmp;
        vc_buf_init(&tmp);
        int rc = vc_mask_encode(&pl->g, pl->src, c, pl->bits + c * pl->nbits,
                                pl->n_masked[c], pl->ref[c], &tmp);
        fixed += VC_SECTION_OVERHEAD + tmp.n;
        vc_buf_free(&tmp);
        if (rc != VC_OK)
            return rc;
    }
#pragma omp atomic
    R->fixed += fixed;
    rb->video = nv > 0 && min < max;
    if (!rb->video)
        return VC_OK;
    rb->peak2 = (max - min) * (max - min);
    vc_buf raw;
    vc_buf_init(&raw);
    int rc = vc_raw_encode(&pl->g, pl->src, c, pl->n_masked[c] ? rb->m : NULL, VC_RAW_LEVEL, &raw);
    rb->raw = VC_SECTION_OVERHEAD + raw.n;
    vc_buf_free(&raw);
    if (rc == VC_OK)
        rc = vc_prepare_video_band(pl, rb->v, rb->m, min, max, &rb->vb);
    if (rc == VC_OK)
        rc = vc_band_layer(pl, c, min, max, &rb->vb.layer, NULL, 0);
    rb->vb.layer.step = 0;
    return rc;
}

/* A channel's bytes at qp: its video, or its exact coding when smaller. */
static size_t cost(const rband *rb, int qp)
{
    return rb->raw < rb->bytes[qp] ? rb->raw : rb->bytes[qp];
}

static int coded_exactly(const rband *rb)
{
    return rb->raw <= rb->bytes[rb->qp];
}

/* Bytes and error of every video channel at qp (cached). */
static int measure(rplan *R, int qp, size_t *total)
{
    vc_plan *pl = R->pl;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(R->threads, pl->g.C)) reduction(min:rc)
    for (size_t c = 0; c < pl->g.C; c++) {
        rband *rb = &R->b[c];
        if (!rb->video || rb->bytes[qp])
            continue;
        vc_video_cfg cfg = { rb->vb.frames.W, rb->vb.frames.H, rb->vb.frames.T,
                             pl->p->bit_depth, pl->p->preset, VC_MODE_QP, qp, 0 };
        vc_trial tr;
        int r = vc_video_trial(&rb->vb, &cfg, &tr, NULL, 0);
        if (r != VC_OK) {
            rc = r;
            continue;
        }
        rb->bytes[qp] = vc_trial_bytes(&tr);
        rb->sse[qp] = tr.acc.sse;
        vc_trial_free(&tr);
    }
    size_t sum = R->fixed;
    for (size_t c = 0; c < pl->g.C; c++)
        if (R->b[c].video)
            sum += cost(&R->b[c], qp);
    *total = sum;
    return rc;
}

/* The smallest QP whose stream fits the budget. */
static int common_qp(rplan *R, int *best)
{
    int ok = R->qmax + 1, fail = -1, qp = R->pl->p->bit_depth > 8 ? 30 : 18;
    size_t s_ok = 0, s_fail = 0;
    for (int it = 0; it < 16 && ok - fail > 1; it++) {
        size_t s;
        int rc = measure(R, qp, &s);
        if (rc != VC_OK)
            return rc;
        if (s <= R->budget) { ok = qp; s_ok = s; }
        else { fail = qp; s_fail = s; }
        if (ok - fail <= 1)
            break;
        /* ln(video bytes) falls about linearly in QP. */
        double video = (double)(s - R->fixed), want = (double)(R->budget - R->fixed);
        int next = (int)ceil(qp + log(video / want) / LOG_SIZE_PER_QP);
        if (fail >= 0 && ok <= R->qmax && s_fail > R->fixed && s_ok > R->fixed)
            next = (int)ceil(fail + (log((double)(s_fail - R->fixed)) - log(want)) /
                             (log((double)(s_fail - R->fixed)) - log((double)(s_ok - R->fixed))) *
                             (ok - fail));
        if (next <= fail) next = fail + 1;
        if (next >= ok) next = ok - 1;
        qp = next;
    }
    if (ok > R->qmax) {
        snprintf(R->err, R->errsz, "%.4g bpppb is below the smallest this data reaches "
                 "(%.4g bpppb at the coarsest quantiser)", R->pl->p->target,
                 8.0 * (double)s_fail / (double)(R->pl->g.C * R->pl->n));
        return VC_ERR_TARGET;
    }
    *best = ok;
    return VC_OK;
}

static int by_gain(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Step 3: move the channels with the best error reduction per byte to qp-1. */
static void upgrade(rplan *R, int qp, size_t *total)
{
    size_t C = R->pl->g.C;
    double (*order)[2] = malloc(C * sizeof *order);
    size_t k = 0;
    for (size_t c = 0; order && c < C; c++) {
        rband *rb = &R->b[c];
        if (!rb->video || !rb->bytes[qp - 1] || rb->raw <= rb->bytes[qp] ||
            cost(rb, qp - 1) <= cost(rb, qp))
            continue;
        double gain = (rb->sse[qp] - rb->sse[qp - 1]) / rb->peak2;
        order[k][0] = gain / (double)(cost(rb, qp - 1) - cost(rb, qp));
        order[k++][1] = (double)c;
    }
    if (order)
        qsort(order, k, sizeof *order, by_gain);
    for (size_t i = 0; i < k; i++) {
        rband *rb = &R->b[(size_t)order[i][1]];
        size_t extra = cost(rb, qp - 1) - cost(rb, qp);
        if (*total + extra <= R->budget) {
            rb->qp = qp - 1;
            *total += extra;
        }
    }
    free(order);
}

/* Re-encode each video channel at its QP, keeping the reconstruction. */
static int keep_trials(rplan *R)
{
    vc_plan *pl = R->pl;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(R->threads, pl->g.C)) reduction(min:rc)
    for (size_t c = 0; c < pl->g.C; c++) {
        rband *rb = &R->b[c];
        if (!rb->video || coded_exactly(rb))
            continue;
        vc_video_cfg cfg = { rb->vb.frames.W, rb->vb.frames.H, rb->vb.frames.T,
                             pl->p->bit_depth, pl->p->preset, VC_MODE_QP, rb->qp, 1 };
        int r = vc_video_trial(&rb->vb, &cfg, &rb->keep, NULL, 0);
        if (r != VC_OK)
            rc = r;
    }
    return rc;
}

/* Stream bytes of the video channels with a residual of relative step s
 * (0: none) over a share `cover` of their values, each channel taking its
 * exact coding instead when that is smaller; res[c] gets each channel's
 * residual bytes. */
static int layered_bytes(rplan *R, double s, double cover, size_t *total, size_t *res)
{
    vc_plan *pl = R->pl;
    size_t sum = 0;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(R->threads, pl->g.C)) reduction(+:sum) reduction(min:rc)
    for (size_t c = 0; c < pl->g.C; c++) {
        rband *rb = &R->b[c];
        res[c] = 0;
        if (!rb->video || coded_exactly(rb))
            continue;
        vc_layer L = rb->vb.layer;
        L.step = s * sqrt(rb->peak2);
        L.cover = cover;
        vc_buf rbuf, ebuf;
        vc_qacc acc;
        vc_buf_init(&rbuf);
        vc_buf_init(&ebuf);
        vc_lband lb = { rb->vb.dtype, rb->vb.v, rb->vb.m, R->pl->n, rb->vb.norm.min, rb->vb.norm.max };
        vc_basesrc bs = { rb->keep.base, NULL, NULL, 0, 0, 0, 0, 0 };
        int r = vc_layer_encode(&lb, &bs, &L, &rbuf, &ebuf, &acc, NULL);
        if (r != VC_OK)
            rc = r;
        /* The trial already counted its exceptions; add what the layer adds. */
        res[c] = (rbuf.n ? VC_SECTION_OVERHEAD + rbuf.n : 0) +
                 (ebuf.n ? VC_SECTION_OVERHEAD + ebuf.n : 0);
        size_t video = rb->bytes[rb->qp] - (rb->keep.exc.n ? VC_SECTION_OVERHEAD + rb->keep.exc.n : 0);
        sum += video + res[c] < rb->raw ? video + res[c] : rb->raw;
        vc_buf_free(&rbuf);
        vc_buf_free(&ebuf);
    }
    *total = sum;
    return rc;
}

/* Step 4: find the finest relative step that fits (bisection on its log);
 * if the next finer step overflows by more than the 5 % slack (integer data
 * jumps from "all zero" to "exact"), cover only part of the values with it. */
static int fill_residual(rplan *R, double *step, double *cover, size_t *res)
{
    size_t others = R->fixed, b;
    for (size_t c = 0; c < R->pl->g.C; c++)
        if (R->b[c].video && coded_exactly(&R->b[c]))
            others += R->b[c].raw;
    if (others >= R->budget)
        return VC_OK;
    size_t room = R->budget - others;
    double lo = log(1e-7), hi = log(1.0), fit = 0, over = 0;
    size_t fit_bytes = 0;
    int rc = VC_OK;
    for (int it = 0; rc == VC_OK && it < 24; it++) {
        double mid = (lo + hi) / 2;
        rc = layered_bytes(R, exp(mid), 1, &b, res);
        if (rc != VC_OK)
            break;
        if (b <= room) {
            fit = exp(mid);
            fit_bytes = b;
            hi = mid;                             /* finer steps cost more */
            if ((double)b >= FILL * (double)room)
                break;
        } else {
            over = exp(mid);
            lo = mid;
        }
    }
    *step = fit;
    *cover = 1;
    if (rc != VC_OK || (double)fit_bytes >= FILL * (double)room || over == 0)
        return rc;
    double clo = 0, chi = 1;
    for (int it = 0; rc == VC_OK && it < 20; it++) {
        double mid = (clo + chi) / 2;
        rc = layered_bytes(R, over, mid, &b, res);
        if (rc != VC_OK)
            break;
        if (b <= room) {
            clo = mid;
            *step = over;
            *cover = mid;
            if ((double)b >= FILL * (double)room)
                break;
        } else {
            chi = mid;
        }
    }
    return rc;
}

static void rplan_free(rplan *R)
{
    for (size_t c = 0; R->b && c < R->pl->g.C; c++) {
        free(R->b[c].v);
        free(R->b[c].m);
        if (R->b[c].video)
            vc_release_video_band(&R->b[c].vb);
        vc_trial_free(&R->b[c].keep);
    }
    free(R->b);
}

int vc_rate_plan(vc_plan *pl, size_t head_bytes, int threads, char *err, size_t errsz)
{
    size_t C = pl->g.C, N = C * pl->n;
    rplan R = { pl, calloc(C, sizeof(rband)), head_bytes, 0, threads,
                vc_qp_max(pl->p->bit_depth), err, errsz };
    pl->rate_qp = calloc(C, sizeof *pl->rate_qp);
    pl->rate_step = calloc(C, sizeof *pl->rate_step);
    pl->rate_cover = calloc(C, sizeof *pl->rate_cover);
    size_t *res = calloc(C, sizeof *res);
    double budget = floor(pl->p->target * (double)N / 8);
    R.budget = budget > (double)SIZE_MAX ? SIZE_MAX : (size_t)budget;
    int rc = R.b && pl->rate_qp && pl->rate_step && pl->rate_cover && res ? VC_OK : VC_ERR_NOMEM;
    if (rc == VC_OK) {                  /* prepare() needs R.b */
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, C)) reduction(min:rc)
        for (size_t c = 0; c < C; c++) {
            int r = prepare(&R, c);
            if (r != VC_OK)
                rc = r;
        }
    }
    if (rc == VC_OK && R.fixed > R.budget) {
        snprintf(err, errsz, "%.4g bpppb is below the %.4g bpppb the stream's header and "
                 "masks alone take", pl->p->target, 8.0 * (double)R.fixed / (double)N);
        rc = VC_ERR_TARGET;
    }
    int any = 0, qp = 0;
    for (size_t c = 0; c < C; c++)
        any |= R.b ? R.b[c].video : 0;
    if (rc == VC_OK && any)
        rc = common_qp(&R, &qp);
    size_t total = 0;
    if (rc == VC_OK && any) {
        for (size_t c = 0; c < C; c++)
            R.b[c].qp = qp;
        rc = measure(&R, qp, &total);
        if (rc == VC_OK && qp > 0 && (double)total < FILL * (double)R.budget) {
            size_t dummy;
            rc = measure(&R, qp - 1, &dummy);
            if (rc == VC_OK)
                upgrade(&R, qp, &total);
        }
    }
    double step = 0, cover = 1;
    if (rc == VC_OK && any && (double)total < FILL * (double)R.budget) {
        rc = keep_trials(&R);
        if (rc == VC_OK)
            rc = fill_residual(&R, &step, &cover, res);
    }
    for (size_t c = 0; rc == VC_OK && c < C; c++) {
        const rband *rb = &R.b[c];
        /* exact when smaller than the video with its residual */
        int exact = rb->video && (coded_exactly(rb) ||
                                  (step > 0 && rb->bytes[rb->qp] + res[c] >= rb->raw));
        pl->rate_qp[c] = exact ? -1 : rb->qp;
        pl->rate_step[c] = rb->video && !exact ? step * sqrt(rb->peak2) : 0;
        pl->rate_cover[c] = cover;
    }
    free(res);
    rplan_free(&R);
    return rc;
}
