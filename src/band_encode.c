/* band_encode.c: one channel -> its sections. Chooses the coder (nothing,
 * constant, video with an optional residual layer, or the exact byte coder),
 * runs the quantiser search the mode asks for, and keeps the channel within
 * vc_band_limit whatever the data. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* The most a channel may take: its BAND section and a verbatim RAW section
 * (every value, masked ones included, through the lossless coder with no
 * mask, whose output is bounded by zstd's bound on the raw bytes). A channel
 * whose sections come out larger is recoded that way, which keeps
 * vc_compress_bound true whatever the data. */
size_t vc_band_limit(size_t n, size_t esize)
{
    return 2 * VC_SECTION_OVERHEAD + BANDHDR_BYTES + 3 + 4 + ZSTD_compressBound(n * esize);
}

/* Encode a channel as video according to the mode; fills the trial. */
static int code_video(const vc_plan *pl, size_t c, const vc_vband *vb, vc_trial *tr,
                      vc_job *job)
{
    const vc_params *p = pl->p;
    vc_video_cfg cfg = { vb->frames.W, vb->frames.H, vb->frames.T,
                         p->bit_depth, p->preset, VC_MODE_QP, 0, 0 };
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
    case VC_MODE_ABS:
    case VC_MODE_REL:
        return vc_search_smallest(vb, cfg, pl->par, tr, job->err, sizeof job->err);
    case VC_MODE_RATE:                      /* planned by rate.c */
        cfg.q = pl->rate_qp[c];
        break;
    default:
        snprintf(job->err, sizeof job->err, "mode %d is not supported yet", (int)p->mode);
        return VC_ERR_UNSUPPORTED;
    }
    return vc_video_trial(vb, &cfg, tr, job->err, sizeof job->err);
}

/* Lossless video only for integers whose valid range fits the samples. */
static int lossless_video_fits(const vc_plan *pl, double min, double max)
{
    return !vc_dtype_is_float(pl->g.dtype) && max - min <= (double)((1u << pl->p->bit_depth) - 1);
}

static void add_section(vc_job *job, unsigned tag, size_t c, const vc_buf *payload)
{
    if (payload->failed)
        job->out.failed = 1;
    vc_section_put(&job->out, tag, (unsigned)c, payload->p, payload->n);
    job->nsec++;
}

static void put_band(vc_job *job, size_t c, const vc_bandhdr *bh)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    vc_bandhdr_put(&tmp, bh);
    add_section(job, VC_SEC_BAND, c, &tmp);
    vc_buf_free(&tmp);
    job->rep.coder = bh->coder;
}

static void put_mask(const vc_plan *pl, vc_job *job, size_t c)
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

static int code_raw(const vc_plan *pl, vc_job *job, size_t c, const uint8_t *m,
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
static size_t raw_size(const vc_plan *pl, size_t c, const uint8_t *m, int level)
{
    vc_buf tmp;
    vc_buf_init(&tmp);
    size_t n = vc_raw_encode(&pl->g, pl->src, c, pl->n_masked[c] ? m : NULL, level, &tmp) == VC_OK
               ? tmp.n : SIZE_MAX;
    vc_buf_free(&tmp);
    return n;
}

/* Plain zstd -1 of the channel's valid values: a cheap lower bound on what
 * the exact coder can do, within a factor well under RAW_SCREEN. */
#define RAW_SCREEN 4
static size_t quick_raw_size(const vc_plan *pl, size_t c, const uint8_t *m)
{
    size_t es = pl->g.esize, k = 0;
    uint8_t *raw = malloc(pl->n ? pl->n * es : 1);
    if (!raw)
        return SIZE_MAX;
    for (size_t i = 0; i < pl->n; i++) {
        if (m[i])
            continue;
        size_t x = i % pl->g.X, y = (i / pl->g.X) % pl->g.Y, t = i / (pl->g.X * pl->g.Y);
        size_t off = vc_geom_frame_offset(&pl->g, t, c) + y * pl->g.sy + x * pl->g.sx;
        memcpy(raw + k++ * es, (const uint8_t *)pl->src + off * es, es);
    }
    size_t cap = ZSTD_compressBound(k * es);
    void *z = malloc(cap);
    size_t n = z ? ZSTD_compress(z, cap, raw, k * es, VC_RAW_LEVEL_FAST) : SIZE_MAX;
    free(z);
    free(raw);
    return ZSTD_isError(n) ? SIZE_MAX : n;
}

/* Would the exact byte coder beat this video (plus its mask)? Categorical
 * data such as cloud masks often compress better exactly than as video.
 * Plain zstd screens first: for measurements even the exact coder is far
 * larger than the video, and the screen costs little next to x264. */
static int raw_beats(const vc_plan *pl, size_t c, const uint8_t *m, size_t video_bytes)
{
    if (video_bytes * 8 < pl->n / 64)       /* under 1/64 bit per value */
        return 0;
    if (quick_raw_size(pl, c, m) >= video_bytes * RAW_SCREEN)
        return 0;
    return raw_size(pl, c, m, VC_RAW_LEVEL) < video_bytes;
}

void vc_band_values(const vc_plan *pl, size_t c, double *v, uint8_t *m, double *min,
                    double *max, size_t *n_valid)
{
    vc_band_load(&pl->g, pl->src, c, v);
    for (size_t i = 0; i < pl->n; i++)
        m[i] = (uint8_t)(pl->bits[c * pl->nbits + (i >> 3)] >> (i & 7) & 1);
    vc_norm_range(v, m, pl->n, min, max, n_valid);
}

/* What the decoded values of a channel must honour, from the mode: an error
 * bound (abs, rel; lossless is a bound of 0), and never the fill value. */
int vc_band_layer(const vc_plan *pl, size_t c, double min, double max, vc_layer *L,
                  char *err, size_t errsz)
{
    const vc_params *p = pl->p;
    vc_dtype d = pl->g.dtype;
    memset(L, 0, sizeof *L);
    L->bound = HUGE_VAL;
    if (pl->ms.has_fill) {
        double f = vc_dtype_cast(d, pl->ms.fill);
        L->has_fill = d == VC_FLOAT32 || f == pl->ms.fill;
        L->fill = f;
    }
    if (p->mode == VC_MODE_LOSSLESS)
        L->bound = 0;
    if (p->mode == VC_MODE_RATE && pl->rate_step) {
        L->step = pl->rate_step[c];
        L->cover = pl->rate_cover[c];
    }
    if (p->mode != VC_MODE_ABS && p->mode != VC_MODE_REL)
        return VC_OK;
    double E = p->mode == VC_MODE_ABS ? p->target : p->target * (max - min);
    /* Floats cannot hold a grid finer than half their spacing at the
     * largest magnitude: such a bound is a request for lossless. */
    double mag = fmax(fabs(min), fabs(max));
    double ulp = d == VC_FLOAT32 ? ldexp(1.0, ilogb(mag) - 23) :
                 d == VC_FLOAT64 ? ldexp(1.0, ilogb(mag) - 52) : 0;
    if (mag > 0 && E < ulp / 2) {
        snprintf(err, errsz,
                 "error bound %g is below %s resolution at |x| = %g (spacing %g); "
                 "use the lossless mode or a bound of at least %g",
                 E, vc_dtype_name(d), mag, ulp, ulp / 2);
        return VC_ERR_PARAM;
    }
    L->bound = E;
    L->step = 2 * E;
    return VC_OK;
}

/* Normalise, in-paint and pad a channel for the codec; vb->frames.s and
 * vb->lut are allocated here (free with release_video_band). */
int vc_prepare_video_band(const vc_plan *pl, double *v, const uint8_t *m, double min,
                          double max, vc_vband *vb)
{
    memset(vb, 0, sizeof *vb);
    vb->dtype = pl->g.dtype;
    vb->v = v;
    vb->m = m;
    vc_norm_fit(&vb->norm, min, max, pl->p->bit_depth);
    int rc = vc_inpaint(v, m, pl->g.T, pl->g.Y, pl->g.X);
    uint16_t *q = malloc(pl->n * sizeof *q);
    double *lut = malloc(((size_t)vb->norm.maxcode + 1) * sizeof *lut);
    vc_frames_geometry(&vb->frames, pl->g.T, pl->g.Y, pl->g.X);
    vb->frames.s = malloc(vb->frames.T * vb->frames.H * vb->frames.W * sizeof *vb->frames.s);
    vb->lut = lut;
    if (rc == VC_OK && (!q || !lut || !vb->frames.s))
        rc = VC_ERR_NOMEM;
    if (rc == VC_OK) {
        for (unsigned k = 0; k <= vb->norm.maxcode; k++)
            lut[k] = vc_norm_value(&vb->norm, vb->dtype, k);
        vc_norm_to_samples(&vb->norm, v, pl->n, q);
        vc_frames_pad(&vb->frames, q);
    }
    free(q);
    return rc;
}

void vc_release_video_band(vc_vband *vb)
{
    free(vb->frames.s);
    free((double *)vb->lut);
}

static int code_band(const vc_plan *pl, size_t c, vc_job *job, double *v, uint8_t *m)
{
    const vc_params *p = pl->p;
    vc_bandhdr bh;
    memset(&bh, 0, sizeof bh);
    bh.qp = -1;
    double min, max;
    size_t n_valid;
    vc_band_values(pl, c, v, m, &min, &max, &n_valid);
    bh.has_mask = pl->n_masked[c] > 0;
    bh.norm.min = min;
    bh.norm.max = max;
    job->rep.qp = -1;

    if (p->mode == VC_MODE_LOSSLESS && !lossless_video_fits(pl, min, max) && n_valid)
        return code_raw(pl, job, c, m, &bh);
    if (p->mode == VC_MODE_RATE && pl->rate_qp[c] < 0 && n_valid && min < max)
        return code_raw(pl, job, c, m, &bh);           /* the rate plan chose it */
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
    vc_trial tr;
    int rc = vc_prepare_video_band(pl, v, m, min, max, &vb);
    if (rc == VC_OK)
        rc = vc_band_layer(pl, c, min, max, &vb.layer, job->err, sizeof job->err);
    if (rc == VC_OK)
        rc = code_video(pl, c, &vb, &tr, job);
    vc_release_video_band(&vb);
    if (rc != VC_OK)
        return rc;
    if (p->mode != VC_MODE_RATE && raw_beats(pl, c, m, vc_trial_bytes(&tr))) {
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
    if (tr.res.n)
        add_section(job, VC_SEC_RES, c, &tr.res);
    if (tr.exc.n)
        add_section(job, VC_SEC_EXC, c, &tr.exc);
    job->rep.qp = bh.qp;
    vc_qacc_finish(&tr.acc, &job->rep.quality);
    vc_trial_free(&tr);
    return VC_OK;
}

int vc_band_sections(const vc_plan *pl, size_t c, vc_job *job, const vc_bandhdr *bh,
                     const vc_buf *res, const vc_buf *exc)
{
    put_band(job, c, bh);
    if (bh->has_mask)
        put_mask(pl, job, c);
    if (res && res->n)
        add_section(job, VC_SEC_RES, c, res);
    if (exc && exc->n)
        add_section(job, VC_SEC_EXC, c, exc);
    job->rep.qp = bh->qp;
    job->rep.bytes = job->out.n;
    return job->out.failed ? VC_ERR_NOMEM : job->status;
}

/* The fallback that keeps vc_compress_bound: every value verbatim through
 * the lossless coder, masked ones included, no mask section. */
static int code_verbatim(const vc_plan *pl, size_t c, vc_job *job)
{
    vc_bandhdr bh;
    memset(&bh, 0, sizeof bh);
    vc_buf_free(&job->out);
    job->nsec = 0;
    vc_buf tmp;
    vc_buf_init(&tmp);
    int rc = vc_raw_encode(&pl->g, pl->src, c, NULL, VC_RAW_LEVEL, &tmp);
    if (rc == VC_OK) {
        bh.coder = VC_CODER_RAW;
        bh.qp = -1;
        put_band(job, c, &bh);
        add_section(job, VC_SEC_RAW, c, &tmp);
    }
    vc_buf_free(&tmp);
    return rc;
}

/* Quality of a channel coded exactly (raw, constant, none). */
static void exact_quality(const vc_plan *pl, const double *v, const uint8_t *m,
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

void vc_band_encode(const vc_plan *pl, size_t c, vc_job *job)
{
    double *v = malloc(pl->n * sizeof *v);
    uint8_t *m = malloc(pl->n);
    vc_buf_init(&job->out);
    memset(&job->rep, 0, sizeof job->rep);
    job->err[0] = '\0';
    job->status = VC_OK;
    /* put_mask reports a failure through job->status: keep it */
    int rc = v && m ? code_band(pl, c, job, v, m) : VC_ERR_NOMEM;
    if (rc != VC_OK)
        job->status = rc;
    if (job->status == VC_OK && job->out.n > vc_band_limit(pl->n, pl->g.esize))
        job->status = code_verbatim(pl, c, job);
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

