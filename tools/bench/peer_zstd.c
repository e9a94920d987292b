/* peer_zstd.c: zstd on the float32 bytes as they are (no shuffle, no
 * prediction): the lossless baseline a user gets for free. */
#include "bench.h"

#include <stdlib.h>
#include <zstd.h>

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    size_t raw = d->n * sizeof *d->v, cap = ZSTD_compressBound(raw);
    out->buf = malloc(cap);
    if (!out->buf) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    size_t n = ZSTD_compress(out->buf, cap, d->v, raw, env->zstd_level);
    if (ZSTD_isError(n)) {
        snprintf(err, errsz, "ZSTD_compress: %s", ZSTD_getErrorName(n));
        return -1;
    }
    out->len = out->stored = n;
    (void)p;
    (void)setting;
    return 0;
}

static int decode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  const bench_blob *in, float *out, char *err, size_t errsz)
{
    size_t raw = d->n * sizeof *out;
    size_t n = ZSTD_decompress(out, raw, in->buf, in->len);
    if (ZSTD_isError(n) || n != raw) {
        snprintf(err, errsz, "ZSTD_decompress: %s",
                 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output");
        return -1;
    }
    (void)p;
    (void)env;
    return 0;
}

static const double one_point[] = { 0 };

const bench_peer bench_peer_zstd = {
    .name = "zstd", .setting_name = "-",
    .about = "zstd on raw float32 bytes (lossless; level from --zstd-level)",
    .sweep = one_point, .nsweep = 1, .lossless = 1, .encode = encode, .decode = decode,
};
