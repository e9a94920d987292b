/* peer_ffmpeg.c: video the xarrayvideo way — each band scaled by its own
 * min/max to 10-bit codes, piped as gray10le frames into the ffmpeg command
 * line with libx264 (preset medium, CRF sweep; xarrayvideo's defaults),
 * then decoded back through ffmpeg to gray10le. This is the path vidcube
 * replaces by calling libx264/libavcodec directly.
 *
 * Two things a careful user has to do, done here:
 *  - NaN has no code: it is filled with the band minimum (code 0), as
 *    xarrayvideo's nan_fill='min' does, and comes back as that value.
 *  - The stream is flagged full range (-color_range pc). Without it the
 *    decoder assumes limited range and ffmpeg's gray10le conversion
 *    stretches codes 64..940 over 0..1023, clipping the rest.
 * Rate counts the .mkv files plus 16 bytes per band for min/max (which
 * xarrayvideo keeps in the container's metadata). */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define CODE_MAX 1023.0

static void band_path(const bench_env *env, size_t c, char *path, size_t sz)
{
    snprintf(path, sz, "%s/ffmpeg-%04zu.mkv", env->tmpdir, c);
}

static int close_pipe(FILE *f, const char *what, char *err, size_t errsz)
{
    int st = pclose(f);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err, errsz, "ffmpeg %s failed (status %d); rerun the command by hand "
                 "with -loglevel info to see why", what, st);
        return -1;
    }
    return 0;
}

static int encode_band(const bench_env *env, const bench_data *d, size_t c,
                       double crf, const double *range, size_t *bytes,
                       char *err, size_t errsz)
{
    char path[1100], cmd[2600], rate[64];
    band_path(env, c, path, sizeof path);
    /* ffmpeg's -crf stops at 0; x264 takes down to -12 at 10 bits. */
    snprintf(rate, sizeof rate, crf < 0 ? "-x264-params crf=%g" : "-crf %g", crf);
    snprintf(cmd, sizeof cmd,
             "'%s' -hide_banner -loglevel error -y -f rawvideo -pix_fmt gray10le "
             "-s %zux%zu -r 30 -i pipe:0 -c:v libx264 -preset medium %s "
             "-pix_fmt gray10le -color_range pc -threads %d '%s'",
             env->ffmpeg, d->X, d->Y, rate, env->threads, path);
    size_t plane = d->Y * d->X;
    uint8_t *frame = malloc(2 * plane);
    FILE *f = frame ? popen(cmd, "w") : NULL;
    if (!f) {
        free(frame);
        snprintf(err, errsz, "cannot start ffmpeg (%s)", env->ffmpeg);
        return -1;
    }
    double span = range[1] - range[0], k = span > 0 ? CODE_MAX / span : 0;
    int wrote = 1;
    for (size_t t = 0; t < d->T && wrote; t++) {
        const float *v = bench_frame(d, d->v, t, c);
        for (size_t i = 0; i < plane; i++) {
            double q = isnan(v[i]) ? 0 : floor((v[i] - range[0]) * k + 0.5);
            unsigned code = q < 0 ? 0 : q > CODE_MAX ? (unsigned)CODE_MAX : (unsigned)q;
            frame[2 * i] = (uint8_t)(code & 0xff);       /* little endian */
            frame[2 * i + 1] = (uint8_t)(code >> 8);
        }
        wrote = fwrite(frame, 2, plane, f) == plane;
    }
    free(frame);
    if (close_pipe(f, "encode", err, errsz) != 0 || !wrote)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errsz, "ffmpeg wrote no %s", path);
        return -1;
    }
    *bytes = (size_t)st.st_size;
    return 0;
}

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    if (!env->ffmpeg || !*env->ffmpeg) {
        snprintf(err, errsz, "no ffmpeg (configure found none; pass --ffmpeg)");
        return BENCH_SKIP;
    }
    double *range = malloc(2 * d->C * sizeof *range);
    if (!range) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    out->buf = (uint8_t *)range;
    out->len = out->stored = 2 * d->C * sizeof *range;
    for (size_t c = 0; c < d->C; c++) {
        size_t bytes;
        bench_band_range(d, c, &range[2 * c], &range[2 * c + 1]);
        if (encode_band(env, d, c, setting, &range[2 * c], &bytes, err, errsz) != 0)
            return -1;
        out->stored += bytes;
    }
    (void)p;
    return 0;
}

static int decode_band(const bench_env *env, const bench_data *d, size_t c,
                       const double *range, float *out, char *err, size_t errsz)
{
    char path[1100], cmd[2600];
    band_path(env, c, path, sizeof path);
    snprintf(cmd, sizeof cmd,
             "'%s' -hide_banner -loglevel error -threads %d -i '%s' "
             "-f rawvideo -pix_fmt gray10le pipe:1",
             env->ffmpeg, env->threads, path);
    size_t plane = d->Y * d->X;
    uint8_t *frame = malloc(2 * plane);
    FILE *f = frame ? popen(cmd, "r") : NULL;
    if (!f) {
        free(frame);
        snprintf(err, errsz, "cannot start ffmpeg (%s)", env->ffmpeg);
        return -1;
    }
    double step = (range[1] - range[0]) / CODE_MAX;
    int got = 1;
    for (size_t t = 0; t < d->T && got; t++) {
        got = fread(frame, 2, plane, f) == plane;
        float *v = (float *)bench_frame(d, out, t, c);
        for (size_t i = 0; got && i < plane; i++)
            v[i] = (float)(range[0] + step * (frame[2 * i] | frame[2 * i + 1] << 8));
    }
    free(frame);
    if (close_pipe(f, "decode", err, errsz) != 0)
        return -1;
    if (!got) {
        snprintf(err, errsz, "ffmpeg decoded fewer than %zu frames of band %zu", d->T, c);
        return -1;
    }
    return 0;
}

static int decode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  const bench_blob *in, float *out, char *err, size_t errsz)
{
    const double *range = (const double *)in->buf;
    for (size_t c = 0; c < d->C; c++)
        if (decode_band(env, d, c, &range[2 * c], out, err, errsz) != 0)
            return -1;
    (void)p;
    return 0;
}

/* x264's CRF at 10 bits runs from 51 (coarsest) to -12; 6 steps about
 * double the rate, so steps of 4 give three points per two octaves. */
static const double crf_sweep[] = {
    51, 47, 43, 39, 35, 31, 27, 23, 19, 15, 11, 7, 3, -1, -5, -9, -12
};

const bench_peer bench_peer_ffmpeg_x264 = {
    .name = "ffmpeg-x264", .setting_name = "crf",
    .about = "ffmpeg CLI + libx264 (preset medium), per-band min/max -> gray10le, "
             "NaN -> band min",
    .sweep = crf_sweep, .nsweep = (int)(sizeof crf_sweep / sizeof crf_sweep[0]),
    .encode = encode, .decode = decode,
};
