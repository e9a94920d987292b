/* xform_choose.c: transforms chosen by measurement. A sample of the chunk
 * (the first frames, a centred window of each picture, every channel) is
 * compressed with each candidate at the caller's target, and the smallest
 * stream wins. "auto" tries no transform, the KLT over all channels, the
 * KLT within correlated groups and the wavelet autoencoder; "klt" tries its
 * two groupings. Mixing all channels wins when they share their structure
 * (ERA5 members, OLCI products: 18 % smaller than grouped), grouping wins
 * when some channels differ (Sentinel-2's 60 m and near-infrared bands:
 * 8 % smaller than mixing all, which loses to no transform). The sample is
 * small, so this costs a fraction of the real encode. */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLE_T 4
#define SAMPLE_YX 96

/* Copy a window of the array into a (T', C, Y', X') array of the same dtype. */
static void *cut_sample(const vc_plan *pl, vc_array *s)
{
    const vc_geom *g = &pl->g;
    size_t T = g->T < SAMPLE_T ? g->T : SAMPLE_T;
    size_t Y = g->Y < SAMPLE_YX ? g->Y : SAMPLE_YX, X = g->X < SAMPLE_YX ? g->X : SAMPLE_YX;
    size_t y0 = (g->Y - Y) / 2, x0 = (g->X - X) / 2, es = g->esize;
    uint8_t *out = malloc(T * g->C * Y * X * es);
    if (!out)
        return NULL;
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < g->C; c++) {
            size_t base = vc_geom_frame_offset(g, t, c);
            for (size_t y = 0; y < Y; y++)
                for (size_t x = 0; x < X; x++)
                    memcpy(out + (((t * g->C + c) * Y + y) * X + x) * es,
                           (const uint8_t *)pl->src + (base + (y0 + y) * g->sy + (x0 + x) * g->sx) * es,
                           es);
        }
    memset(s, 0, sizeof *s);
    s->dtype = g->dtype;
    s->rank = 4;
    s->dims[0] = T; s->dims[1] = g->C; s->dims[2] = Y; s->dims[3] = X;
    s->roles[0] = VC_AXIS_TIME; s->roles[1] = VC_AXIS_CHANNEL;
    s->roles[2] = VC_AXIS_Y; s->roles[3] = VC_AXIS_X;
    return out;
}

vc_transform vc_xform_choose(const vc_plan *pl, int threads, double *link)
{
    const vc_params *p = pl->p;
    static const struct { vc_transform kind; double link; } all[] = {
        { VC_TRANSFORM_NONE, 0 }, { VC_TRANSFORM_KLT, 0 },
        { VC_TRANSFORM_KLT, VC_KLT_LINK }, { VC_TRANSFORM_WAE, 0 },
    };
    int auto_ = p->transform == VC_TRANSFORM_AUTO;
    *link = VC_KLT_LINK;
    if (pl->g.C < 2 || (p->mode != VC_MODE_PSNR && p->mode != VC_MODE_ABS && p->mode != VC_MODE_REL))
        return auto_ ? VC_TRANSFORM_NONE : p->transform;
    vc_array s;
    void *sample = cut_sample(pl, &s);
    size_t cap = sample ? vc_compress_bound(&s) : 0;
    void *buf = sample ? malloc(cap) : NULL;
    vc_transform best = auto_ ? VC_TRANSFORM_NONE : p->transform;
    size_t best_bytes = SIZE_MAX;
    for (size_t k = 0; buf && k < sizeof all / sizeof all[0]; k++) {
        if (!auto_ && all[k].kind != p->transform)
            continue;
        vc_params q = *p;
        q.transform = all[k].kind;
        q.threads = threads;
        vc_ctx *ctx = vc_ctx_create(&q);
        size_t n;
        if (ctx)
            ctx->klt_link = all[k].link;
        if (ctx && vc_compress(ctx, &s, sample, buf, cap, &n) == VC_OK && n < best_bytes) {
            best_bytes = n;
            best = all[k].kind;
            *link = all[k].link;
        }
        vc_ctx_free(ctx);
    }
    free(buf);
    free(sample);
    return best;
}
