/* x264_encode.c: one component as monochrome (4:0:0) H.264 through libx264.
 * Time runs along frames and the whole call is one group of pictures. x264
 * hands back its own reconstruction (b_full_recon), which is exactly what a
 * conforming decoder produces, so quality is measured without decoding. */
#include "vc_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <x264.h>

typedef struct log_sink {
    char  *err;
    size_t errsz;
} log_sink;

/* x264 reports its errors through a callback; keep the first one. */
static void capture_log(void *priv, int level, const char *fmt, va_list ap)
{
    log_sink *s = priv;
    if (level > X264_LOG_ERROR || !s->err || !s->errsz || s->err[0])
        return;
    vsnprintf(s->err, s->errsz, fmt, ap);
    size_t n = strlen(s->err);
    while (n && (s->err[n - 1] == '\n' || s->err[n - 1] == '\r'))
        s->err[--n] = '\0';
}

static int setup(x264_param_t *p, const vc_video_cfg *cfg, int want_recon,
                 log_sink *sink)
{
    if (x264_param_default_preset(p, x264_preset_names[cfg->preset], "psnr") < 0)
        return VC_ERR_CODEC;
    p->i_bitdepth = cfg->bit_depth;
    p->i_csp = X264_CSP_I400;
    p->i_width = (int)cfg->W;
    p->i_height = (int)cfg->H;
    p->i_frame_total = (int)cfg->T;
    p->i_fps_num = 1;
    p->i_fps_den = 1;
    p->b_vfr_input = 0;
    p->vui.b_fullrange = 1;
    /* One thread per encoder: the library parallelises across components,
     * and a single-threaded x264 gives the same bits on every machine. */
    p->i_threads = 1;
    p->i_lookahead_threads = 1;
    p->b_sliced_threads = 0;
    p->b_deterministic = 1;
    p->b_cpu_independent = 0;
    p->i_keyint_max = X264_KEYINT_MAX_INFINITE;
    p->b_repeat_headers = 1;
    p->b_annexb = 1;
    p->b_full_recon = want_recon;
    p->pf_log = capture_log;
    p->p_log_private = sink;
    p->i_log_level = X264_LOG_ERROR;
    if (cfg->rc == VC_MODE_CRF) {
        p->rc.i_rc_method = X264_RC_CRF;
        p->rc.f_rf_constant = (float)cfg->q;
    } else {
        p->rc.i_rc_method = X264_RC_CQP;
        p->rc.i_qp_constant = (int)cfg->q;
    }
    return VC_OK;
}

/* Copy one reconstructed picture (display index from pts) out of x264. */
static int take_recon(const vc_video_cfg *cfg, const x264_picture_t *pic,
                      uint16_t *recon)
{
    if (!recon)
        return VC_OK;
    int64_t t = pic->i_pts;
    if (t < 0 || (uint64_t)t >= cfg->T || !pic->img.plane[0])
        return VC_ERR_CODEC;
    uint16_t *dst = recon + (size_t)t * cfg->W * cfg->H;
    for (size_t y = 0; y < cfg->H; y++) {
        const uint8_t *row = pic->img.plane[0] + y * (size_t)pic->img.i_stride[0];
        if (cfg->bit_depth > 8)
            memcpy(dst + y * cfg->W, row, cfg->W * sizeof *dst);
        else
            for (size_t x = 0; x < cfg->W; x++)
                dst[y * cfg->W + x] = row[x];
    }
    return VC_OK;
}

static int emit(const vc_video_cfg *cfg, x264_nal_t *nal, int nnal, int size,
                const x264_picture_t *out, vc_buf *bits, uint16_t *recon)
{
    if (size < 0)
        return VC_ERR_CODEC;
    if (size == 0)
        return VC_OK;
    /* x264 writes its version and settings as a ~700-byte SEI message in the
     * first picture: nothing a decoder needs, and most of a small stream. */
    for (int i = 0; i < nnal; i++)
        if (nal[i].i_type != NAL_SEI)
            vc_buf_put(bits, nal[i].p_payload, (size_t)nal[i].i_payload);
    if (bits->failed)
        return VC_ERR_NOMEM;
    return take_recon(cfg, out, recon);
}

int vc_x264_encode(const vc_video_cfg *cfg, const uint16_t *frames,
                   vc_buf *bits, uint16_t *recon, char *err, size_t errsz)
{
    x264_param_t p;
    log_sink sink = { err, errsz };
    if (err && errsz)
        err[0] = '\0';
    if (cfg->T > INT32_MAX || cfg->W > VC_VIDEO_MAX_SIDE || cfg->H > VC_VIDEO_MAX_SIDE)
        return VC_ERR_LIMIT;
    int rc = setup(&p, cfg, recon != NULL, &sink);
    if (rc != VC_OK)
        return rc;
    x264_t *h = x264_encoder_open(&p);
    if (!h)
        return VC_ERR_CODEC;

    size_t plane = cfg->W * cfg->H;
    uint8_t *row8 = cfg->bit_depth > 8 ? NULL : malloc(plane);
    if (cfg->bit_depth <= 8 && !row8) {
        x264_encoder_close(h);
        return VC_ERR_NOMEM;
    }
    x264_picture_t in, out;
    x264_picture_init(&in);
    in.img.i_csp = X264_CSP_I400 | (cfg->bit_depth > 8 ? X264_CSP_HIGH_DEPTH : 0);
    in.img.i_plane = 1;
    in.img.i_stride[0] = (int)(cfg->W * (cfg->bit_depth > 8 ? 2 : 1));

    x264_nal_t *nal;
    int nnal;
    for (size_t t = 0; t < cfg->T && rc == VC_OK; t++) {
        const uint16_t *src = frames + t * plane;
        if (row8) {
            for (size_t i = 0; i < plane; i++)
                row8[i] = (uint8_t)src[i];
            in.img.plane[0] = row8;
        } else {
            in.img.plane[0] = (uint8_t *)(uintptr_t)src;   /* x264 only reads */
        }
        in.i_pts = (int64_t)t;
        in.i_type = t == 0 ? X264_TYPE_IDR : X264_TYPE_AUTO;
        int size = x264_encoder_encode(h, &nal, &nnal, &in, &out);
        rc = emit(cfg, nal, nnal, size, &out, bits, recon);
    }
    while (rc == VC_OK && x264_encoder_delayed_frames(h) > 0) {
        int size = x264_encoder_encode(h, &nal, &nnal, NULL, &out);
        rc = emit(cfg, nal, nnal, size, &out, bits, recon);
    }
    x264_encoder_close(h);
    free(row8);
    return rc;
}
