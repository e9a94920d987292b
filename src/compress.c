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

static void plan_free(vc_plan *pl)
{
    free(pl->bits);
    free(pl->n_masked);
    free(pl->ref);
    free(pl->rate_qp);
    free(pl->rate_step);
    free(pl->rate_cover);
}

/* Preamble and HEAD section. */
static void build_head(const vc_plan *pl, const vc_array *a, vc_buf *head)
{
    vc_buf_init(head);
    vc_buf_put(head, VC_MAGIC, 4);
    vc_buf_u8(head, VC_STREAM_FORMAT);
    vc_header h = { *a, pl->p->mode, pl->p->target, pl->p->bit_depth, pl->p->preset,
                    VC_TRANSFORM_NONE, pl->p->has_fill, pl->p->fill_value,
                    VC_VERSION_NUMBER };
    vc_array_check(&h.array);
    vc_buf hp;
    vc_buf_init(&hp);
    vc_header_put(&hp, &h);
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
    if (ctx->params.transform != VC_TRANSFORM_NONE)
        return vc_fail(ctx, VC_ERR_UNSUPPORTED, "band transforms are not supported yet");
    vc_plan pl;
    memset(&pl, 0, sizeof pl);
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

    vc_job *jobs = calloc(pl.g.C, sizeof *jobs);
    vc_band_report *rep = calloc(pl.g.C, sizeof *rep);
    rc = jobs && rep ? find_masks(&pl, threads) : VC_ERR_NOMEM;
    if (rc != VC_OK)
        vc_fail(ctx, rc, "out of memory finding masks");
    if (rc == VC_OK && ctx->params.mode == VC_MODE_RATE) {
        vc_buf head;
        build_head(&pl, a, &head);
        size_t head_bytes = head.n + VC_SECTION_OVERHEAD + 12;
        vc_buf_free(&head);
        rc = vc_rate_plan(&pl, head_bytes, threads, msg, sizeof msg);
        if (rc != VC_OK)
            vc_fail(ctx, rc, "rate %g bpppb: %s", ctx->params.target,
                    msg[0] ? msg : vc_strerror(rc));
    }
    if (rc == VC_OK) {
        /* Threads go to channels first; with fewer channels than threads
         * the spare ones run quantiser trials of a channel side by side. */
        int across = pl.g.C < (size_t)threads ? (int)pl.g.C : threads;
        pl.par = threads / across;
#pragma omp parallel for schedule(dynamic) num_threads(across)
        for (size_t c = 0; c < pl.g.C; c++)
            vc_band_encode(&pl, c, &jobs[c]);
        for (size_t c = 0; c < pl.g.C && rc == VC_OK; c++)
            if (jobs[c].status != VC_OK) {
                rc = vc_fail(ctx, jobs[c].status, "channel %zu: %s", c,
                             jobs[c].err[0] ? jobs[c].err : vc_strerror(jobs[c].status));
            }
    }
    if (rc == VC_OK)
        rc = assemble(ctx, &pl, jobs, a, dst, dst_capacity, dst_size);
    /* The plan is exact, so this never fires; it guards the promise. */
    if (rc == VC_OK && ctx->params.mode == VC_MODE_RATE &&
        8.0 * (double)*dst_size > ctx->params.target * (double)(pl.g.C * pl.n) + 8)
        rc = vc_fail(ctx, VC_ERR_GENERIC, "rate plan overshot: %zu bytes", *dst_size);
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
