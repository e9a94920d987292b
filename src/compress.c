/* compress.c: array -> stream. Masks are found for every channel first (so a
 * channel can point at an identical earlier mask), then the channels are
 * coded independently and in parallel, each into its own buffer, and the
 * buffers are joined in channel order, so the bytes never depend on the
 * number of threads. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define BANDHDR_BYTES 43     /* payload of a BAND section */
#define HEAD_MAX_BYTES (4 + 2 + 9 * VC_MAX_RANK + 1 + 8 + 4 + 8)

typedef struct band_job {
    vc_buf         out;          /* this channel's sections */
    size_t         nsec;         /* how many */
    vc_band_report rep;
    int            status;
    char           err[200];
} band_job;

typedef struct plan {
    const vc_params *p;
    vc_geom          g;
    const void      *src;
    vc_maskspec      ms;
    size_t           n, nbits;   /* pixels per channel, bytes of a bitmap */
    uint8_t         *bits;       /* C bitmaps */
    size_t          *n_masked;
    int             *ref;        /* channel with the identical bitmap, or -1 */
    int              par;        /* quantiser trials one channel may run at once */
} plan;

/* The most a channel's data section may take: more than that and the
 * lossless byte coder is used instead, which keeps vc_compress_bound true. */
static size_t raw_limit(size_t n, size_t esize)
{
    return 1 + ZSTD_compressBound(n * esize);
}

size_t vc_compress_bound(const vc_array *a)
{
    vc_geom g;
    if (!a || vc_geom_init(&g, a) != VC_OK)
        return 0;
    size_t n = g.T * g.Y * g.X;
    size_t per_band = 2 * VC_SECTION_OVERHEAD + BANDHDR_BYTES + raw_limit(n, g.esize);
    return VC_PREAMBLE_SIZE + VC_SECTION_OVERHEAD + HEAD_MAX_BYTES +
           VC_SECTION_OVERHEAD + 12 + g.C * per_band;
}

static int find_masks(plan *pl, int threads)
{
    size_t C = pl->g.C;
    pl->bits = calloc(C, pl->nbits ? pl->nbits : 1);
    pl->n_masked = calloc(C, sizeof *pl->n_masked);
    pl->ref = malloc(C * sizeof *pl->ref);
    if (!pl->bits || !pl->n_masked || !pl->ref)
        return VC_ERR_NOMEM;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(threads) reduction(min:rc)
    for (size_t c = 0; c < C; c++) {
        uint8_t *m = malloc(pl->n);
        if (!m) {
            rc = VC_ERR_NOMEM;
            continue;
        }
        pl->n_masked[c] = vc_mask_find(&pl->g, pl->src, c, &pl->ms, m);
        vc_mask_pack(m, pl->n, pl->bits + c * pl->nbits);
        free(m);
    }
    for (size_t c = 0; c < C; c++) {
        pl->ref[c] = -1;
        for (size_t b = 0; b < c && pl->n_masked[c]; b++)
            if (pl->ref[b] < 0 && pl->n_masked[b] == pl->n_masked[c] &&
                !memcmp(pl->bits + b * pl->nbits, pl->bits + c * pl->nbits, pl->nbits)) {
                pl->ref[c] = (int)b;
                break;
            }
    }
    return rc;
}

static void plan_free(plan *pl)
{
    free(pl->bits);
    free(pl->n_masked);
    free(pl->ref);
}

/* Encode a channel as video according to the mode; fills the trial. */
static int code_video(const plan *pl, const vc_vband *vb, vc_trial *tr,
                      band_job *job)
{
    const vc_params *p = pl->p;
    vc_video_cfg cfg = { vb->frames.W, vb->frames.H, vb->frames.T,
                         p->bit_depth, p->preset, VC_MODE_QP, 0 };
    switch (p->mode) {
    case VC_MODE_PSNR:
        return vc_search_psnr(vb, cfg, p->target, pl->par, tr, job->err, sizeof job->err);
    case VC_MODE_QP:
        cfg.q = p->target;
        break;
    case VC_MODE_CRF:
        cfg.rc = VC_MODE_CRF;
        cfg.q = p->target;
        break;
    case VC_MODE_LOSSLESS:
        cfg.q = 0;
        break;
    default:
        snprintf(job->err, sizeof job->err, "mode %d is not supported yet", (int)p->mode);
        return VC_ERR_UNSUPPORTED;
    }
    return vc_video_trial(vb, &cfg, tr, job->err, sizeof job->err);
}

/* Lossless video only for integers whose valid range fits the samples. */
static int lossless_video_fits(const plan *pl, double min, double max)
{
    return !vc_dtype_is_float(pl->g.dtype) && max - min <= (double)((1u << pl->p->bit_depth) - 1);
}

static void add_section(band_job *job, unsigned tag, size_t c, const vc_buf *payload)
{
    if (payload->failed)
        job->out.failed = 1;
    vc_section_put(&job->out, tag, (unsigned)c, payload->p, payload->n);
    job->nsec++;
}

static void put_band(band_job *job, size_t c, const vc_bandhdr *bh)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    vc_bandhdr_put(&tmp, bh);
    add_section(job, VC_SEC_BAND, c, &tmp);
    vc_buf_free(&tmp);
    job->rep.coder = bh->coder;
}

static void put_mask(const plan *pl, band_job *job, size_t c)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    int rc = vc_mask_encode(&pl->g, pl->src, c, pl->bits + c * pl->nbits,
                            pl->n_masked[c], pl->ref[c], &tmp);
    if (rc != VC_OK)
        job->status = rc;
    add_section(job, VC_SEC_MASK, c, &tmp);
    vc_buf_free(&tmp);
}

static int code_raw(const plan *pl, band_job *job, size_t c, const uint8_t *m,
                    vc_bandhdr *bh)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    int rc = vc_raw_encode(&pl->g, pl->src, c, pl->n_masked[c] ? m : NULL, VC_RAW_LEVEL, &tmp);
    if (rc == VC_OK) {
        bh->coder = VC_CODER_RAW;
        bh->qp = -1;
        put_band(job, c, bh);
        if (bh->has_mask)
            put_mask(pl, job, c);
        add_section(job, VC_SEC_RAW, c, &tmp);
    }
    vc_buf_free(&tmp);
    return rc;
}

/* Size of the raw coder's output for this channel (for an honest choice). */
static size_t raw_size(const plan *pl, size_t c, const uint8_t *m, int level)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    size_t n = vc_raw_encode(&pl->g, pl->src, c, pl->n_masked[c] ? m : NULL, level, &tmp) == VC_OK
               ? tmp.n : SIZE_MAX;
    vc_buf_free(&tmp);
    return n;
}

/* Would the exact byte coder beat this video (plus its mask)? Categorical
 * data such as cloud masks often compress better exactly than as video.
 * A fast zstd estimate screens first: for measurements the exact coder is
 * usually many times larger, and the estimate costs little next to x264. */
static int raw_beats(const plan *pl, size_t c, const uint8_t *m, size_t video_bytes)
{
    if (video_bytes * 8 < pl->n / 64)       /* under 1/64 bit per value */
        return 0;
    if (raw_size(pl, c, m, VC_RAW_LEVEL_FAST) >= video_bytes * 2)
        return 0;
    return raw_size(pl, c, m, VC_RAW_LEVEL) < video_bytes;
}

static int code_band(const plan *pl, size_t c, band_job *job, double *v, uint8_t *m)
{
    const vc_params *p = pl->p;
    vc_bandhdr bh;
    memset(&bh, 0, sizeof bh);
    bh.qp = -1;
    double min, max;
    size_t n_valid;
    vc_band_load(&pl->g, pl->src, c, v);
    for (size_t i = 0; i < pl->n; i++)
        m[i] = (uint8_t)(pl->bits[c * pl->nbits + (i >> 3)] >> (i & 7) & 1);
    vc_norm_range(v, m, pl->n, &min, &max, &n_valid);
    bh.has_mask = pl->n_masked[c] > 0;
    bh.norm.min = min;
    bh.norm.max = max;
    job->rep.qp = -1;

    if (p->mode == VC_MODE_LOSSLESS && !lossless_video_fits(pl, min, max) && n_valid)
        return code_raw(pl, job, c, m, &bh);
    if (n_valid == 0 || min == max) {
        /* Nothing to code but the mask, or a constant band stored exactly. */
        bh.coder = n_valid ? VC_CODER_CONSTANT : VC_CODER_NONE;
        bh.constant = n_valid ? min : 0;
        put_band(job, c, &bh);
        if (bh.has_mask)
            put_mask(pl, job, c);
        return VC_OK;
    }

    vc_vband vb;
    memset(&vb, 0, sizeof vb);
    vb.dtype = pl->g.dtype;
    vb.v = v;
    vb.m = m;
    vc_norm_fit(&vb.norm, min, max, p->bit_depth);
    int rc = vc_inpaint(v, m, pl->g.T, pl->g.Y, pl->g.X);
    uint16_t *q = malloc(pl->n * sizeof *q);
    vc_frames_geometry(&vb.frames, pl->g.T, pl->g.Y, pl->g.X);
    vb.frames.s = malloc(vb.frames.T * vb.frames.H * vb.frames.W * sizeof *vb.frames.s);
    if (rc == VC_OK && (!q || !vb.frames.s))
        rc = VC_ERR_NOMEM;
    if (rc == VC_OK) {
        vc_norm_to_samples(&vb.norm, v, pl->n, q);
        vc_frames_pad(&vb.frames, q);
    }
    free(q);
    vc_trial tr;
    if (rc == VC_OK)
        rc = code_video(pl, &vb, &tr, job);
    free(vb.frames.s);
    if (rc != VC_OK)
        return rc;

    size_t limit = raw_limit(pl->n, pl->g.esize);
    int lossless_broken = p->mode == VC_MODE_LOSSLESS && !tr.exact;
    if (tr.bits.n > limit || lossless_broken || raw_beats(pl, c, m, tr.bits.n)) {
        vc_trial_free(&tr);
        return code_raw(pl, job, c, m, &bh);
    }
    bh.coder = VC_CODER_VIDEO;
    bh.norm = vb.norm;
    bh.qp = (int)tr.q;
    put_band(job, c, &bh);
    if (bh.has_mask)
        put_mask(pl, job, c);
    add_section(job, VC_SEC_VIDEO, c, &tr.bits);
    job->rep.qp = bh.qp;
    vc_qacc_finish(&tr.acc, &job->rep.quality);
    vc_trial_free(&tr);
    return VC_OK;
}

/* Quality of a channel coded exactly (raw, constant, none). */
static void exact_quality(const plan *pl, const double *v, const uint8_t *m,
                          vc_quality *q)
{
    vc_qacc acc;
    vc_qacc_init(&acc);
    for (size_t i = 0; i < pl->n; i++) {
        if (m[i])
            acc.n_masked++;
        else
            vc_qacc_add(&acc, v[i], v[i]);
    }
    vc_qacc_finish(&acc, q);
}

static void run_job(const plan *pl, size_t c, band_job *job)
{
    double *v = malloc(pl->n * sizeof *v);
    uint8_t *m = malloc(pl->n);
    vc_buf_init(&job->out);
    memset(&job->rep, 0, sizeof job->rep);
    job->err[0] = '\0';
    job->status = v && m ? code_band(pl, c, job, v, m) : VC_ERR_NOMEM;
    if (job->status == VC_OK && job->out.failed)
        job->status = VC_ERR_NOMEM;
    if (job->status == VC_OK) {
        job->rep.bytes = job->out.n;
        if (job->rep.coder != VC_CODER_VIDEO) {
            vc_band_load(&pl->g, pl->src, c, v);
            exact_quality(pl, v, m, &job->rep.quality);
        }
        job->rep.quality.mask_exact = 1;
    }
    free(v);
    free(m);
}

static int assemble(vc_ctx *ctx, const plan *pl, band_job *jobs, const vc_array *a,
                    void *dst, size_t cap, size_t *dst_size)
{
    vc_buf head;
    vc_buf_init(&head);
    vc_buf_put(&head, VC_MAGIC, 4);
    vc_buf_u8(&head, VC_STREAM_FORMAT);
    vc_header h = { *a, pl->p->mode, pl->p->target, pl->p->bit_depth, pl->p->preset,
                    VC_TRANSFORM_NONE, pl->p->has_fill, pl->p->fill_value,
                    VC_VERSION_NUMBER };
    vc_array_check(&h.array);
    vc_buf hp;
    vc_buf_init(&hp);
    vc_header_put(&hp, &h);
    vc_section_put(&head, VC_SEC_HEAD, 0, hp.p, hp.n);
    vc_buf_free(&hp);
    if (head.failed) {
        vc_buf_free(&head);
        return vc_fail(ctx, VC_ERR_NOMEM, "out of memory writing the header");
    }
    size_t total = head.n + VC_SECTION_OVERHEAD + 12;
    for (size_t c = 0; c < pl->g.C; c++)
        total += jobs[c].out.n;
    if (total > cap) {
        vc_buf_free(&head);
        return vc_fail(ctx, VC_ERR_DST_SIZE, "the stream needs %zu bytes, the buffer has %zu",
                       total, cap);
    }
    uint8_t *o = dst;
    memcpy(o, head.p, head.n);
    size_t pos = head.n;
    vc_buf_free(&head);
    for (size_t c = 0; c < pl->g.C; c++) {
        memcpy(o + pos, jobs[c].out.p, jobs[c].out.n);
        pos += jobs[c].out.n;
    }
    /* END: total size and the number of sections before it. */
    size_t count = 1;
    for (size_t c = 0; c < pl->g.C; c++)
        count += jobs[c].nsec;
    vc_buf end;
    vc_buf_init(&end);
    uint8_t payload[12];
    for (int i = 0; i < 8; i++)
        payload[i] = (uint8_t)((uint64_t)total >> (8 * i));
    vc_put_le32(payload + 8, (uint32_t)count);
    vc_section_put(&end, VC_SEC_END, 0, payload, sizeof payload);
    memcpy(o + pos, end.p, end.n);
    pos += end.n;
    vc_buf_free(&end);
    *dst_size = pos;
    return VC_OK;
}

int vc_compress(vc_ctx *ctx, const vc_array *a, const void *src,
                void *dst, size_t dst_capacity, size_t *dst_size)
{
    if (!ctx)
        return VC_ERR_NULL;
    ctx->err[0] = '\0';
    ctx->nreport = 0;
    if (!a || !src || !dst || !dst_size)
        return vc_fail(ctx, VC_ERR_NULL, "array, source, destination and size must not be NULL");
    char msg[160];
    if (vc_params_check(&ctx->params, msg, sizeof msg) != VC_OK)
        return vc_fail(ctx, VC_ERR_PARAM, "%s", msg);
    if (ctx->params.mode >= VC_MODE_ABS)
        return vc_fail(ctx, VC_ERR_UNSUPPORTED, "error-bound and rate modes are not supported yet");
    if (ctx->params.transform != VC_TRANSFORM_NONE)
        return vc_fail(ctx, VC_ERR_UNSUPPORTED, "band transforms are not supported yet");
    plan pl = { 0 };
    pl.p = &ctx->params;
    int rc = vc_geom_init(&pl.g, a);
    if (rc != VC_OK)
        return vc_fail(ctx, rc, "array description: %s", vc_strerror(rc));
    if (pl.g.C > 65535)
        return vc_fail(ctx, VC_ERR_LIMIT, "%zu channels: at most 65535 per stream", pl.g.C);
    pl.src = src;
    pl.ms.has_fill = ctx->params.has_fill;
    pl.ms.fill = ctx->params.fill_value;
    pl.n = pl.g.T * pl.g.Y * pl.g.X;
    pl.nbits = (pl.n + 7) / 8;
    int threads = vc_ctx_threads(ctx);

    band_job *jobs = calloc(pl.g.C, sizeof *jobs);
    vc_band_report *rep = calloc(pl.g.C, sizeof *rep);
    rc = jobs && rep ? find_masks(&pl, threads) : VC_ERR_NOMEM;
    if (rc == VC_OK) {
        /* Threads go to channels first; with fewer channels than threads
         * the spare ones run quantiser trials of a channel side by side. */
        int across = pl.g.C < (size_t)threads ? (int)pl.g.C : threads;
        pl.par = threads / across;
#pragma omp parallel for schedule(dynamic) num_threads(across)
        for (size_t c = 0; c < pl.g.C; c++)
            run_job(&pl, c, &jobs[c]);
        for (size_t c = 0; c < pl.g.C && rc == VC_OK; c++)
            if (jobs[c].status != VC_OK) {
                rc = vc_fail(ctx, jobs[c].status, "channel %zu: %s", c,
                             jobs[c].err[0] ? jobs[c].err : vc_strerror(jobs[c].status));
            }
    } else {
        vc_fail(ctx, rc, "out of memory finding masks");
    }
    if (rc == VC_OK)
        rc = assemble(ctx, &pl, jobs, a, dst, dst_capacity, dst_size);
    if (rc == VC_OK) {
        for (size_t c = 0; c < pl.g.C; c++)
            rep[c] = jobs[c].rep;
        free(ctx->report);
        ctx->report = rep;
        ctx->nreport = pl.g.C;
        rep = NULL;
    }
    for (size_t c = 0; jobs && c < pl.g.C; c++)
        vc_buf_free(&jobs[c].out);
    free(jobs);
    free(rep);
    plan_free(&pl);
    return rc;
}
