/* peer_vidcube.c: vidcube itself, in-process through the public API, one
 * entry per quality mode. Modes the library does not have yet answer
 * VC_ERR_UNSUPPORTED and are skipped with a note, so the same command
 * measures them as soon as they land. */
#include "bench.h"

#include <stdlib.h>

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    vc_params prm;
    vc_params_init(&prm);
    prm.mode = (vc_mode)p->arg;
    prm.target = setting;
    prm.threads = env->threads;
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
 * QP: about 6 steps per doubling of rate, so steps of 3 give two points
 * per octave over the 0.05-4 bpppb range. */
static const double qp_sweep[] = {
    63, 60, 57, 54, 51, 48, 45, 42, 39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3, 0
};
static const double psnr_sweep[] = { 25, 30, 35, 40, 45, 50, 55, 60, 65, 70 };
static const double rate_sweep[] = { 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6 };
static const double rel_sweep[] = {
    1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6
};
static const double no_sweep[] = { 0 };

#define N(a) ((int)(sizeof(a) / sizeof(a)[0]))

const bench_peer bench_peer_vidcube_qp = {
    "vidcube-qp", "qp", "vidcube, constant x264 QP for every band (10-bit)",
    qp_sweep, N(qp_sweep), 0, VC_MODE_QP, encode, decode
};
const bench_peer bench_peer_vidcube_psnr = {
    "vidcube-psnr", "psnr_target_db", "vidcube, PSNR target met by every band (QP search)",
    psnr_sweep, N(psnr_sweep), 0, VC_MODE_PSNR, encode, decode
};
const bench_peer bench_peer_vidcube_rate = {
    "vidcube-rate", "bpppb_target", "vidcube, bit-rate target in bpppb",
    rate_sweep, N(rate_sweep), 0, VC_MODE_RATE, encode, decode
};
const bench_peer bench_peer_vidcube_rel = {
    "vidcube-rel", "rel_error_bound", "vidcube, max error bound relative to each band's range",
    rel_sweep, N(rel_sweep), 0, VC_MODE_REL, encode, decode
};
const bench_peer bench_peer_vidcube_lossless = {
    "vidcube-lossless", "-", "vidcube lossless mode",
    no_sweep, 1, 1, VC_MODE_LOSSLESS, encode, decode
};
