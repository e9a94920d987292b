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

#define HEAD_MAX_BYTES (4 + 2 + 9 * VC_MAX_RANK + 1 + 8 + 4 + 8)

size_t vc_compress_bound(const vc_array *a)
{
    vc_geom g;
    if (!a || vc_geom_init(&g, a) != VC_OK)
        return 0;
    return VC_PREAMBLE_SIZE + VC_SECTION_OVERHEAD + HEAD_MAX_BYTES +
           VC_SECTION_OVERHEAD + 12 + g.C * vc_band_limit(g.T * g.Y * g.X, g.esize);
}

static int find_masks(vc_plan *pl, int threads)
{
    size_t C = pl->g.C;
    pl->bits = calloc(C, pl->nbits ? pl->nbits : 1);
    pl->n_masked = calloc(C, sizeof *pl->n_masked);
    pl->ref = malloc(C * sizeof *pl->ref);
    if (!pl->bits || !pl->n_masked || !pl->ref)
        return VC_ERR_NOMEM;
    int rc = VC_OK;
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, C)) reduction(min:rc)
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

static void plan_free(vc_plan *pl)
{
    free(pl->bits);
    free(pl->n_masked);
    free(pl->ref);
    free(pl->rate_qp);
    free(pl->rate_step);
    free(pl->rate_cover);
    free(pl->xactive);
    vc_buf_free(&pl->xsec);
}

/* Preamble and HEAD section. */
static void build_head(const vc_plan *pl, const vc_array *a, vc_buf *head)
{
    vc_buf_init(head);
    vc_buf_put(head, VC_MAGIC, 4);
    vc_buf_u8(head, VC_STREAM_FORMAT);
    vc_header h = { *a, pl->p->mode, pl->p->target, pl->p->bit_depth, pl->p->preset,
                    pl->xused, pl->p->has_fill, pl->p->fill_value,
                    VC_VERSION_NUMBER };
    vc_array_check(&h.array);
    vc_buf hp;
    vc_buf_init(&hp);
    vc_header_put(&hp, &h);
    if (hp.failed)
        head->failed = 1;         /* else an empty HEAD would be written */
    vc_section_put(head, VC_SEC_HEAD, 0, hp.p, hp.n);
    vc_buf_free(&hp);
}

static int assemble(vc_ctx *ctx, const vc_plan *pl, vc_job *jobs, const vc_array *a,
                    void *dst, size_t cap, size_t *dst_size)
{
    vc_buf head;
    build_head(pl, a, &head);
    if (head.failed) {
        vc_buf_free(&head);
        return vc_fail(ctx, VC_ERR_NOMEM, "out of memory writing the header");
    }
    size_t total = head.n + pl->xsec.n + VC_SECTION_OVERHEAD + 12;
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
    if (pl->xsec.n)
        memcpy(o + pos, pl->xsec.p, pl->xsec.n);
    pos += pl->xsec.n;
    for (size_t c = 0; c < pl->g.C; c++) {
        memcpy(o + pos, jobs[c].out.p, jobs[c].out.n);
        pos += jobs[c].out.n;
    }
    /* END: total size and the number of sections before it. */
    size_t count = 1 + pl->xsec_n;
    for (size_t c = 0; c < pl->g.C; c++)
        count += jobs[c].nsec;
    vc_buf end;
    vc_buf_init(&end);
    uint8_t payload[12];
    for (int i = 0; i < 8; i++)
        payload[i] = (uint8_t)((uint64_t)total >> (8 * i));
    vc_put_le32(payload + 8, (uint32_t)count);
    vc_section_put(&end, VC_SEC_END, 0, payload, sizeof payload);
    if (end.failed) {
        vc_buf_free(&end);
        return vc_fail(ctx, VC_ERR_NOMEM, "out of memory writing the end section");
    }
    memcpy(o + pos, end.p, end.n);
    pos += end.n;
    vc_buf_free(&end);
    *dst_size = pos;
    return VC_OK;
}

/* Geometry and masks of the array; the plan's parameters are ctx's. */
static int plan_init(vc_ctx *ctx, vc_plan *pl, const vc_array *a, const void *src, int threads)
{
    memset(pl, 0, sizeof *pl);
    pl->p = &ctx->params;
    int rc = vc_geom_init(&pl->g, a);
    if (rc != VC_OK)
        return vc_fail(ctx, rc, "array description: %s", vc_strerror(rc));
    if (pl->g.C > 65535)
        return vc_fail(ctx, VC_ERR_LIMIT, "%zu channels: at most 65535 per stream", pl->g.C);
    pl->src = src;
    pl->ms.has_fill = ctx->params.has_fill;
    pl->ms.fill = ctx->params.fill_value;
    pl->n = pl->g.T * pl->g.Y * pl->g.X;
    pl->nbits = (pl->n + 7) / 8;
    rc = find_masks(pl, threads);
    return rc == VC_OK ? VC_OK : vc_fail(ctx, rc, "out of memory finding masks");
}

/* The plans that span channels: the rate budget, or the band transform. */
static int plan_across(vc_ctx *ctx, vc_plan *pl, const vc_array *a, vc_job *jobs, int threads)
{
    char msg[200] = "";
    int rc = VC_OK;
    const vc_params *p = pl->p;
    if (p->mode == VC_MODE_RATE && p->transform != VC_TRANSFORM_NONE &&
        p->transform != VC_TRANSFORM_AUTO)
        return vc_fail(ctx, VC_ERR_UNSUPPORTED, "the rate mode cannot be combined with a "
                       "band transform yet; use psnr, abs or rel, or transform none");
    if (p->mode == VC_MODE_RATE) {
        vc_buf head;
        build_head(pl, a, &head);
        size_t head_bytes = head.n + VC_SECTION_OVERHEAD + 12;
        int failed = head.failed;
        vc_buf_free(&head);
        if (failed)                      /* the budget would be planned on a wrong size */
            return vc_fail(ctx, VC_ERR_NOMEM, "out of memory");
        rc = vc_rate_plan(pl, head_bytes, threads, msg, sizeof msg);
        if (rc != VC_OK)
            return vc_fail(ctx, rc, "rate %g bpppb: %s", p->target, msg[0] ? msg : vc_strerror(rc));
    }
    if (p->transform != VC_TRANSFORM_NONE && p->mode != VC_MODE_LOSSLESS) {
        double t0 = vc_seconds();
        vc_params chosen = *p;
        pl->klt_link = ctx->klt_link;
        if (p->transform == VC_TRANSFORM_AUTO || (p->transform == VC_TRANSFORM_KLT && pl->klt_link < 0))
            chosen.transform = vc_xform_choose(pl, threads, &pl->klt_link);
        pl->p = &chosen;
        if (chosen.transform != VC_TRANSFORM_NONE)
            rc = vc_xform_compress(pl, jobs, threads, msg, sizeof msg);
        pl->p = p;
        ctx->xseconds = vc_seconds() - t0;
        if (rc != VC_OK)
            return vc_fail(ctx, rc, "band transform: %s", msg[0] ? msg : vc_strerror(rc));
    }
    return VC_OK;
}

/* Every channel not already coded by a transform, on its own. */
static int code_alone(vc_ctx *ctx, vc_plan *pl, vc_job *jobs, int threads)
{
    /* Threads go to channels first; with fewer channels than threads the
     * spare ones run quantiser trials of a channel side by side. */
    int across = pl->g.C < (size_t)threads ? (int)pl->g.C : threads;
    pl->par = threads / across;
#pragma omp parallel for schedule(dynamic) num_threads(across)
    for (size_t c = 0; c < pl->g.C; c++)
        if (!pl->xactive || pl->xactive[c] < 0)
            vc_band_encode(pl, c, &jobs[c]);
    for (size_t c = 0; c < pl->g.C; c++)
        if (jobs[c].status != VC_OK)
            return vc_fail(ctx, jobs[c].status, "channel %zu: %s", c,
                           jobs[c].err[0] ? jobs[c].err : vc_strerror(jobs[c].status));
    return VC_OK;
}

static size_t stream_bytes(const vc_plan *pl, const vc_job *jobs, const vc_array *a)
{
    vc_buf head;
    build_head(pl, a, &head);
    size_t n = head.n + pl->xsec.n + VC_SECTION_OVERHEAD + 12;
    vc_buf_free(&head);
    for (size_t c = 0; c < pl->g.C; c++)
        n += jobs[c].out.n;
    return n;
}

static void reset_jobs(vc_job *jobs, size_t C)
{
    for (size_t c = 0; c < C; c++) {
        vc_buf_free(&jobs[c].out);
        memset(&jobs[c], 0, sizeof jobs[c]);
    }
}

static void keep_report(vc_ctx *ctx, const vc_job *jobs, vc_band_report *rep, size_t C)
{
    for (size_t c = 0; c < C; c++)
        rep[c] = jobs[c].rep;
    free(ctx->report);
    ctx->report = rep;
    ctx->nreport = C;
}

/* Channels coded alone fall back to exact coding one by one when that is
 * smaller (band_encode.c); a transform's latents are shared, so its stream
 * is compared whole with the lossless one when it is large enough for that
 * to be possible (a 80 dB target on Sentinel-2 gave 6.9 bpppb through the
 * KLT against 4.1 lossless). */
#define LOSSLESS_CHECK_BPPPB 1.0
static int prefer_lossless(vc_ctx *ctx, const vc_array *a, const void *src, void *dst,
                           size_t cap, size_t *size, size_t nvalues)
{
    if (8.0 * (double)*size < LOSSLESS_CHECK_BPPPB * (double)nvalues)
        return VC_OK;
    vc_params p = ctx->params;
    p.mode = VC_MODE_LOSSLESS;
    p.transform = VC_TRANSFORM_NONE;
    vc_ctx *exact = vc_ctx_create(&p);
    void *buf = exact ? malloc(*size) : NULL;
    size_t n;
    if (buf && vc_compress(exact, a, src, buf, *size, &n) == VC_OK && n < *size) {
        memcpy(dst, buf, n);
        *size = n;
        vc_band_report *swap = ctx->report;       /* the reports follow the stream */
        ctx->report = exact->report;
        exact->report = swap;
        ctx->xused = VC_TRANSFORM_NONE;
    }
    (void)cap;
    free(buf);
    vc_ctx_free(exact);
    return VC_OK;
}

int vc_compress(vc_ctx *ctx, const vc_array *a, const void *src,
                void *dst, size_t dst_capacity, size_t *dst_size)
{
    if (!ctx)
        return VC_ERR_NULL;
    ctx->err[0] = '\0';
    ctx->nreport = 0;
    ctx->xused = VC_TRANSFORM_NONE;
    ctx->xseconds = 0;
    if (!a || !src || !dst || !dst_size)
        return vc_fail(ctx, VC_ERR_NULL, "array, source, destination and size must not be NULL");
    char msg[160];
    if (vc_params_check(&ctx->params, msg, sizeof msg) != VC_OK)
        return vc_fail(ctx, VC_ERR_PARAM, "%s", msg);
    int threads = vc_ctx_threads(ctx);
    vc_plan pl;
    int rc = plan_init(ctx, &pl, a, src, threads);
    vc_job *jobs = rc == VC_OK ? calloc(pl.g.C, sizeof *jobs) : NULL;
    vc_band_report *rep = rc == VC_OK ? calloc(pl.g.C, sizeof *rep) : NULL;
    if (rc == VC_OK && (!jobs || !rep))
        rc = vc_fail(ctx, VC_ERR_NOMEM, "out of memory");
    if (rc == VC_OK)
        rc = plan_across(ctx, &pl, a, jobs, threads);
    if (rc == VC_OK)
        rc = code_alone(ctx, &pl, jobs, threads);
    if (rc == VC_OK && pl.xused != VC_TRANSFORM_NONE &&
        stream_bytes(&pl, jobs, a) > vc_compress_bound(a)) {
        /* A transform that does worse than the bound: code channels alone. */
        vc_params alone = ctx->params;
        alone.transform = VC_TRANSFORM_NONE;
        reset_jobs(jobs, pl.g.C);
        vc_buf_free(&pl.xsec);
        pl.xsec_n = 0;
        free(pl.xactive);
        pl.xactive = NULL;
        pl.xused = VC_TRANSFORM_NONE;
        pl.p = &alone;
        rc = code_alone(ctx, &pl, jobs, threads);
        pl.p = &ctx->params;
    }
    if (rc == VC_OK)
        rc = assemble(ctx, &pl, jobs, a, dst, dst_capacity, dst_size);
    /* The plan is exact, so this never fires; it guards the promise. */
    if (rc == VC_OK && ctx->params.mode == VC_MODE_RATE &&
        8.0 * (double)*dst_size > ctx->params.target * (double)(pl.g.C * pl.n) + 8)
        rc = vc_fail(ctx, VC_ERR_GENERIC, "rate plan overshot: %zu bytes", *dst_size);
    if (rc == VC_OK) {
        keep_report(ctx, jobs, rep, pl.g.C);
        ctx->xused = pl.xused;
        rep = NULL;
    }
    if (rc == VC_OK && pl.xused != VC_TRANSFORM_NONE)
        rc = prefer_lossless(ctx, a, src, dst, dst_capacity, dst_size, pl.g.C * pl.n);
    if (jobs)
        reset_jobs(jobs, pl.g.C);
    free(jobs);
    free(rep);
    plan_free(&pl);
    return rc;
}
