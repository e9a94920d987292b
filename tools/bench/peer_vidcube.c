/* peer_vidcube.c: vidcube itself, in-process through the public API, one
 * entry per quality mode (and band transform). Whatever the library
 * answers with VC_ERR_UNSUPPORTED is skipped with a note, so the same
 * command measures a mode as soon as it lands. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    if (p->arg2 != VC_TRANSFORM_NONE && d->C < 2) {
        snprintf(err, errsz, "one channel: no band transform to measure");
        return BENCH_SKIP;
    }
    vc_params prm;
    vc_params_init(&prm);
    prm.mode = (vc_mode)p->arg;
    prm.transform = (vc_transform)p->arg2;
    prm.target = setting;
    if (prm.mode == VC_MODE_ABS)    /* same scale as zfp-accuracy's sweep */
        prm.target = (d->max - d->min) * ldexp(1.0, -(int)setting);
    prm.threads = env->threads;
    if (env->vidcube_preset >= 0)
        prm.preset = env->vidcube_preset;
    vc_array a;
    bench_data_array(d, &a);
    size_t cap = vc_compress_bound(&a), n = 0;
    vc_ctx *ctx = vc_ctx_create(&prm);
    out->buf = malloc(cap);
    if (!ctx || !out->buf) {
        vc_ctx_free(ctx);
        snprintf(err, errsz, "out of memory (%zu bytes)", cap);
        return -1;
    }
    int rc = vc_compress(ctx, &a, d->v, out->buf, cap, &n);
    if (rc != VC_OK)
        snprintf(err, errsz, "vc_compress: %s: %s", vc_strerror(rc), vc_ctx_error(ctx));
    vc_transform used = VC_TRANSFORM_NONE;
    if (rc == VC_OK && vc_report_transform(ctx, &used, &out->fit_seconds) == VC_OK)
        out->transform_used = (int)used;
    vc_ctx_free(ctx);
    if (rc == VC_ERR_UNSUPPORTED)
        return BENCH_SKIP;
    if (rc != VC_OK)
        return -1;
    out->len = out->stored = n;
    return 0;
}

static int decode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  const bench_blob *in, float *out, char *err, size_t errsz)
{
    vc_stream_info info;
    int rc = vc_stream_info_read(in->buf, in->len, &info);
    if (rc == VC_OK && info.decoded_size != d->n * sizeof *out) {
        snprintf(err, errsz, "stream decodes to %zu bytes, expected %zu",
                 info.decoded_size, d->n * sizeof *out);
        return -1;
    }
    vc_params prm;
    vc_params_init(&prm);
    prm.threads = env->threads;
    vc_ctx *ctx = vc_ctx_create(&prm);
    if (!ctx) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    if (rc == VC_OK)
        rc = vc_decompress(ctx, in->buf, in->len, out, info.decoded_size);
    if (rc != VC_OK)
        snprintf(err, errsz, "vc_decompress: %s: %s", vc_strerror(rc), vc_ctx_error(ctx));
    vc_ctx_free(ctx);
    (void)p;
    return rc == VC_OK ? 0 : -1;
}

/* Sweeps run from low rate to high; the driver stops a sweep after its
 * first point above the rate ceiling, so they may reach well past 4 bpppb.
 * QP: about 6 steps per doubling of rate, so steps of 4 give three points
 * per two octaves over the 0.05-4 bpppb range; QP 0 is x264's lossless
 * mode, often cheaper than QP 3. */
static const double qp_sweep[] = {
    63, 59, 55, 51, 47, 43, 39, 35, 31, 27, 23, 19, 15, 11, 7, 3, 0
};
static const double crf_sweep[] = {   /* the ffmpeg-x264 peer's, where the API allows */
    51, 47, 43, 39, 35, 31, 27, 23, 19, 15, 11, 7, 3, 0
};
static const double psnr_sweep[] = { 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90 };
static const double rate_sweep[] = { 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6 };
static const double rel_sweep[] = {
    1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6
};
/* E = range * 2^-k: steps of 2 (about 12 dB) keep this slow mode (a QP
 * search per band plus a residual layer) inside the run's time budget. */
static const double abs_sweep[] = { 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22 };
static const double no_sweep[] = { 0 };

#define SWEEP(a) .sweep = (a), .nsweep = (int)(sizeof(a) / sizeof(a)[0])
#define CODEC .encode = encode, .decode = decode

const bench_peer bench_peer_vidcube_qp = {
    .name = "vidcube-qp", .setting_name = "qp",
    .about = "vidcube, constant x264 QP for every band (10-bit)",
    SWEEP(qp_sweep), .arg = VC_MODE_QP, CODEC,
};
const bench_peer bench_peer_vidcube_crf = {
    .name = "vidcube-crf", .setting_name = "crf",
    .about = "vidcube, x264 constant rate factor (to compare with ffmpeg-x264's CRF)",
    SWEEP(crf_sweep), .arg = VC_MODE_CRF, CODEC, .on_request = 1,
};
const bench_peer bench_peer_vidcube_psnr = {
    .name = "vidcube-psnr", .setting_name = "psnr_target_db",
    .about = "vidcube, PSNR target met by every band, no band transform",
    SWEEP(psnr_sweep), .arg = VC_MODE_PSNR, CODEC, .on_request = 1,
};
const bench_peer bench_peer_vidcube_psnr_auto = {
    .name = "vidcube-psnr-auto", .setting_name = "psnr_target_db",
    .about = "vidcube, PSNR target, band transform chosen by the library (multi-band only)",
    SWEEP(psnr_sweep), .arg = VC_MODE_PSNR, .arg2 = VC_TRANSFORM_AUTO, CODEC,
};
const bench_peer bench_peer_vidcube_psnr_klt = {
    .name = "vidcube-psnr-klt", .setting_name = "psnr_target_db",
    .about = "vidcube, PSNR target, KLT across bands (multi-band only)",
    SWEEP(psnr_sweep), .arg = VC_MODE_PSNR, .arg2 = VC_TRANSFORM_KLT, CODEC,
    .on_request = 1,
};
const bench_peer bench_peer_vidcube_psnr_wae = {
    .name = "vidcube-psnr-wae", .setting_name = "psnr_target_db",
    .about = "vidcube, PSNR target, wavelet-packet autoencoder across bands (multi-band only)",
    SWEEP(psnr_sweep), .arg = VC_MODE_PSNR, .arg2 = VC_TRANSFORM_WAE, CODEC,
    .on_request = 1,
};
const bench_peer bench_peer_vidcube_rate = {
    .name = "vidcube-rate", .setting_name = "bpppb_target",
    .about = "vidcube, bit-rate target in bpppb (all bytes counted)",
    SWEEP(rate_sweep), .arg = VC_MODE_RATE, CODEC, .on_request = 1,
};
const bench_peer bench_peer_vidcube_abs = {
    .name = "vidcube-abs", .setting_name = "k (max error = range * 2^-k)",
    .about = "vidcube, guaranteed absolute max error (zfp-accuracy's scale)",
    SWEEP(abs_sweep), .arg = VC_MODE_ABS, CODEC,
};
const bench_peer bench_peer_vidcube_rel = {
    .name = "vidcube-rel", .setting_name = "rel_error_bound",
    .about = "vidcube, guaranteed max error relative to each band's range",
    SWEEP(rel_sweep), .arg = VC_MODE_REL, CODEC, .on_request = 1,
};
const bench_peer bench_peer_vidcube_lossless = {
    .name = "vidcube-lossless", .setting_name = "-", .about = "vidcube lossless mode",
    SWEEP(no_sweep), .lossless = 1, .arg = VC_MODE_LOSSLESS, CODEC,
};
