/* decompress.c: stream -> array. The whole stream is walked and every
 * section's checksum verified before a single value is written; then the
 * channels are decoded in parallel, each writing only its own elements. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct band_src {
    const uint8_t *hdr, *mask, *data, *res, *exc;
    size_t         hdr_n, mask_n, data_n, res_n, exc_n;
    unsigned       data_tag;
} band_src;

typedef struct layout {
    vc_header  h;
    vc_geom    g;
    unsigned   format;
    band_src  *bands;
    const uint8_t **masks;   /* per band, for mask references */
    size_t         *mask_n;
    vc_section xfrm;         /* the band transform, when there is one */
    vc_section lhdr[VC_MAX_LATENTS], lvid[VC_MAX_LATENTS], lres[VC_MAX_LATENTS];
    double   **xhat;         /* per band: the transform's reconstruction */
} layout;

static int read_head(vc_walk *w, vc_header *h, const void *src, size_t n)
{
    vc_section s;
    int rc = vc_walk_begin(w, src, n);
    if (rc != VC_OK)
        return rc;
    rc = vc_walk_next(w, &s);
    if (rc < 0)
        return rc;
    if (rc == 0 || s.tag != VC_SEC_HEAD || s.band != 0)
        return VC_ERR_CORRUPT;
    return vc_header_get(s.p, s.n, h);
}

int vc_stream_info_read(const void *src, size_t n, vc_stream_info *info)
{
    vc_walk w;
    vc_header h;
    vc_geom g;
    if (!src || !info)
        return VC_ERR_NULL;
    int rc = read_head(&w, &h, src, n);
    if (rc != VC_OK)
        return rc;
    if (vc_geom_init(&g, &h.array) != VC_OK)
        return VC_ERR_CORRUPT;
    memset(info, 0, sizeof *info);
    info->array = h.array;
    info->decoded_size = g.T * g.C * g.Y * g.X * g.esize;
    info->nbands = g.C;
    info->format = w.format;
    info->writer_version = h.writer_version;
    info->mode = h.mode;
    info->target = h.target;
    info->bit_depth = h.bit_depth;
    info->transform = h.transform;
    info->has_fill = h.has_fill;
    info->fill_value = h.fill;
    return VC_OK;
}

/* Walk every section, check it, and index the ones of each channel. */
static int index_latent(layout *L, const vc_section *s, size_t bands_seen)
{
    if (bands_seen || L->h.transform == VC_TRANSFORM_NONE)
        return VC_ERR_CORRUPT;
    if (s->tag == VC_SEC_XFRM) {
        if (s->band != 0 || L->xfrm.p)
            return VC_ERR_CORRUPT;
        L->xfrm = *s;
        return VC_OK;
    }
    if (!L->xfrm.p || s->band >= VC_MAX_LATENTS)
        return VC_ERR_CORRUPT;
    if (s->tag == VC_SEC_CHDR) {
        if (L->lhdr[s->band].p || (s->band && !L->lhdr[s->band - 1].p))
            return VC_ERR_CORRUPT;
        L->lhdr[s->band] = *s;
    } else if (s->tag == VC_SEC_CVID) {
        if (!L->lhdr[s->band].p || L->lvid[s->band].p)
            return VC_ERR_CORRUPT;
        L->lvid[s->band] = *s;
    } else {                       /* CRES follows its latent's video */
        if (!L->lvid[s->band].p || L->lres[s->band].p)
            return VC_ERR_CORRUPT;
        L->lres[s->band] = *s;
    }
    return VC_OK;
}

static int index_stream(layout *L, const void *src, size_t n)
{
    vc_walk w;
    vc_section s;
    int rc = read_head(&w, &L->h, src, n);
    if (rc != VC_OK)
        return rc;
    L->format = w.format;
    if (vc_geom_init(&L->g, &L->h.array) != VC_OK || L->g.C > 65535)
        return VC_ERR_CORRUPT;
    L->bands = calloc(L->g.C, sizeof *L->bands);
    L->masks = calloc(L->g.C, sizeof *L->masks);
    L->mask_n = calloc(L->g.C, sizeof *L->mask_n);
    if (!L->bands || !L->masks || !L->mask_n)
        return VC_ERR_NOMEM;
    size_t next_band = 0;
    while ((rc = vc_walk_next(&w, &s)) == 1) {
        /* The transform and its latents come before the channels. */
        if (s.tag == VC_SEC_XFRM || s.tag == VC_SEC_CHDR || s.tag == VC_SEC_CVID ||
            s.tag == VC_SEC_CRES) {
            rc = index_latent(L, &s, next_band);
            if (rc != VC_OK)
                return rc;
            continue;
        }
        if (s.band >= L->g.C)
            return VC_ERR_CORRUPT;
        band_src *b = &L->bands[s.band];
        switch (s.tag) {
        case VC_SEC_BAND:         /* channels appear in order, once each */
            if (s.band != next_band++)
                return VC_ERR_CORRUPT;
            b->hdr = s.p; b->hdr_n = s.n;
            break;
        case VC_SEC_MASK:
            if (!b->hdr || b->mask || b->data)
                return VC_ERR_CORRUPT;
            b->mask = s.p; b->mask_n = s.n;
            L->masks[s.band] = s.p;
            L->mask_n[s.band] = s.n;
            break;
        case VC_SEC_VIDEO:
        case VC_SEC_RAW:
            if (!b->hdr || b->data)
                return VC_ERR_CORRUPT;
            b->data = s.p; b->data_n = s.n; b->data_tag = s.tag;
            break;
        case VC_SEC_RES:          /* after any video, before exceptions */
            if (!b->hdr || b->data_tag == VC_SEC_RAW || b->res || b->exc)
                return VC_ERR_CORRUPT;
            b->res = s.p; b->res_n = s.n;
            break;
        case VC_SEC_EXC:
            if (!b->hdr || b->data_tag == VC_SEC_RAW || b->exc)
                return VC_ERR_CORRUPT;
            b->exc = s.p; b->exc_n = s.n;
            break;
        default:
            return VC_ERR_CORRUPT;
        }
    }
    if (rc < 0)
        return rc;
    if (L->h.transform != VC_TRANSFORM_NONE && !L->xfrm.p)
        return VC_ERR_CORRUPT;
    return next_band == L->g.C ? VC_OK : VC_ERR_CORRUPT;
}

static void layout_free(layout *L)
{
    for (size_t c = 0; L->xhat && c < L->g.C; c++)
        free(L->xhat[c]);
    free(L->xhat);
    free(L->bands);
    free(L->masks);
    free(L->mask_n);
}

/* Writes one decoded picture's valid pixels into the output array. */
typedef struct video_out {
    const vc_geom  *g;
    const uint8_t  *m;
    const double   *lut;
    unsigned        maxcode;
    size_t          c, W;
    void           *dst;
} video_out;

/* Store one row of decoded samples as the array's type; the float32 case,
 * by far the commonest, gets its own loop. Samples past maxcode cannot come
 * from our encoder: refused. */
static int put_row(const video_out *o, const uint16_t *q, const uint8_t *m, size_t off)
{
    const vc_geom *g = o->g;
    if (g->dtype == VC_FLOAT32) {
        float *d = (float *)o->dst + off;
        for (size_t x = 0; x < g->X; x++) {
            if (q[x] > o->maxcode)
                return VC_ERR_CORRUPT;
            if (!m[x])
                d[x * g->sx] = (float)o->lut[q[x]];
        }
        return VC_OK;
    }
    for (size_t x = 0; x < g->X; x++) {
        if (q[x] > o->maxcode)
            return VC_ERR_CORRUPT;
        if (!m[x])
            vc_store(g->dtype, o->dst, off + x * g->sx, o->lut[q[x]]);
    }
    return VC_OK;
}

static int put_picture(void *opaque, size_t t, const uint16_t *plane)
{
    const video_out *o = opaque;
    const vc_geom *g = o->g;
    size_t base = vc_geom_frame_offset(g, t, o->c);
    const uint8_t *m = o->m + t * g->Y * g->X;
    for (size_t y = 0; y < g->Y; y++) {
        int rc = put_row(o, plane + y * o->W, m + y * g->X, base + y * g->sy);
        if (rc != VC_OK)
            return rc;
    }
    return VC_OK;
}

static int decode_video(const layout *L, const band_src *b, const vc_bandhdr *bh,
                        size_t c, const uint8_t *m, void *dst, char *err, size_t errsz)
{
    vc_frames f;
    vc_frames_geometry(&f, L->g.T, L->g.Y, L->g.X);
    vc_norm nm = bh->norm;
    nm.maxcode = (1u << L->h.bit_depth) - 1;
    double *lut = malloc(((size_t)nm.maxcode + 1) * sizeof *lut);
    if (!lut)
        return VC_ERR_NOMEM;
    for (unsigned q = 0; q <= nm.maxcode; q++)
        lut[q] = vc_norm_value(&nm, L->g.dtype, q);
    video_out o = { &L->g, m, lut, nm.maxcode, c, f.W, dst };
    int rc = vc_h264_decode(b->data, b->data_n, f.W, f.H, f.T, L->h.bit_depth,
                            put_picture, &o, err, errsz);
    free(lut);
    return rc;
}

static int decode_band(const layout *L, size_t c, void *dst, char *err, size_t errsz)
{
    const band_src *b = &L->bands[c];
    vc_bandhdr bh;
    size_t n = L->g.T * L->g.Y * L->g.X;
    int rc = vc_bandhdr_get(b->hdr, b->hdr_n, &bh);
    if (rc != VC_OK)
        return rc;
    /* The sections present must be exactly those the coder needs. */
    int want_data = bh.coder == VC_CODER_VIDEO ? VC_SEC_VIDEO :
                    bh.coder == VC_CODER_RAW ? VC_SEC_RAW : 0;
    int layered = bh.coder == VC_CODER_VIDEO || bh.coder == VC_CODER_TRANSFORM;
    if ((unsigned)want_data != (b->data ? b->data_tag : 0u) ||
        bh.has_mask != (b->mask != NULL) || ((b->res || b->exc) && !layered) ||
        (bh.coder == VC_CODER_TRANSFORM) != (L->xhat && L->xhat[c] != NULL))
        return VC_ERR_CORRUPT;

    uint8_t *m = calloc(n, 1);
    if (!m)
        return VC_ERR_NOMEM;
    if (bh.has_mask)
        rc = vc_mask_decode(&L->g, L->masks, L->mask_n, c, m, dst);
    size_t n_valid = 0;
    for (size_t i = 0; i < n; i++)
        n_valid += !m[i];
    if (rc == VC_OK && (bh.coder == VC_CODER_NONE) != (n_valid == 0))
        rc = VC_ERR_CORRUPT;
    if (rc == VC_OK && bh.coder == VC_CODER_CONSTANT) {
        if (vc_dtype_cast(L->g.dtype, bh.constant) != bh.constant)
            rc = VC_ERR_CORRUPT;
        for (size_t i = 0; rc == VC_OK && i < n; i++)
            if (!m[i]) {
                size_t x = i % L->g.X, y = (i / L->g.X) % L->g.Y, t = i / (L->g.X * L->g.Y);
                vc_store(L->g.dtype, dst, vc_geom_frame_offset(&L->g, t, c) +
                         y * L->g.sy + x * L->g.sx, bh.constant);
            }
    }
    if (rc == VC_OK && bh.coder == VC_CODER_VIDEO)
        rc = decode_video(L, b, &bh, c, m, dst, err, errsz);
    for (size_t i = 0; rc == VC_OK && bh.coder == VC_CODER_TRANSFORM && i < n; i++)
        if (!m[i]) {
            size_t x = i % L->g.X, y = (i / L->g.X) % L->g.Y, t = i / (L->g.X * L->g.Y);
            vc_store(L->g.dtype, dst, vc_geom_frame_offset(&L->g, t, c) + y * L->g.sy + x * L->g.sx,
                     vc_xform_value(L->g.dtype, bh.norm.min, bh.norm.max, L->xhat[c][i]));
        }
    if (rc == VC_OK && b->res)
        rc = vc_layer_apply_residual(&L->g, c, m, &bh.norm, b->res, b->res_n, dst);
    if (rc == VC_OK && b->exc)
        rc = vc_layer_apply_exceptions(&L->g, c, m, b->exc, b->exc_n, dst);
    if (rc == VC_OK && bh.coder == VC_CODER_RAW)
        rc = vc_raw_decode(&L->g, b->data, b->data_n, c, bh.has_mask ? m : NULL, dst);
    free(m);
    return rc;
}

int vc_decompress(vc_ctx *ctx, const void *src, size_t src_size, void *dst,
                  size_t dst_capacity)
{
    if (!ctx)
        return VC_ERR_NULL;
    ctx->err[0] = '\0';
    if (!src || !dst)
        return vc_fail(ctx, VC_ERR_NULL, "source and destination must not be NULL");
    layout L = { 0 };
    int rc = index_stream(&L, src, src_size);
    if (rc != VC_OK) {
        layout_free(&L);
        return vc_fail(ctx, rc, "%s", vc_strerror(rc));
    }
    size_t need = L.g.T * L.g.C * L.g.Y * L.g.X * L.g.esize;
    if (dst_capacity < need) {
        layout_free(&L);
        return vc_fail(ctx, VC_ERR_DST_SIZE, "the array needs %zu bytes, the buffer has %zu",
                       need, dst_capacity);
    }
    int threads = vc_ctx_threads(ctx);
    if (L.xfrm.p) {
        char msg[160] = "";
        rc = vc_xform_decompress(&L.g, L.h.bit_depth, &L.xfrm, L.lhdr, L.lvid, L.lres,
                                 threads, &L.xhat, msg, sizeof msg);
        if (rc != VC_OK) {
            layout_free(&L);
            return vc_fail(ctx, rc, "band transform: %s", msg[0] ? msg : vc_strerror(rc));
        }
    }
    size_t C = L.g.C, bad = C;
    int *status = calloc(C, sizeof *status);
    char (*errs)[160] = calloc(C, sizeof *errs);
    if (!status || !errs) {
        rc = vc_fail(ctx, VC_ERR_NOMEM, "out of memory");
    } else {
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, C))
        for (size_t c = 0; c < C; c++)
            status[c] = decode_band(&L, c, dst, errs[c], sizeof errs[c]);
        for (size_t c = 0; c < C && bad == C; c++)
            if (status[c] != VC_OK)
                bad = c;
        if (bad < C)
            rc = vc_fail(ctx, status[bad], "channel %zu: %s", bad,
                         errs[bad][0] ? errs[bad] : vc_strerror(status[bad]));
    }
    free(status);
    free(errs);
    layout_free(&L);
    return rc;
}
