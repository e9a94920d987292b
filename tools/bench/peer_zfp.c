/* peer_zfp.c: ZFP 1.0 (libzfp, serial), fixed-accuracy and fixed-rate.
 *
 * Each channel is one ZFP field over (T, Y, X) with unit axes dropped, the
 * way H5Z-ZFP sees a per-band chunk and the way vidcube codes channels, so
 * neither side mixes unrelated bands in a block. A full ZFP header precedes
 * every band, so the stream decodes on its own and its bytes are counted.
 * ZFP has no notion of NaN: NaN positions get the band's valid mean (a user
 * must fill them with something) and come back as that value; the mask is
 * not stored, which flatters ZFP's rate by at most the mask's cost. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zfp.h>

/* A field for channel c of `base` laid out as the canonical array, or of a
 * contiguous T*Y*X copy when `contiguous` is set. */
static zfp_field *band_field(const bench_data *d, float *base, size_t c, int contiguous)
{
    size_t n[3] = { d->X, d->Y, d->T };
    ptrdiff_t s[3] = { 1, (ptrdiff_t)d->X,
                       (ptrdiff_t)(d->Y * d->X * (contiguous ? 1 : d->C)) };
    size_t nn[3];
    ptrdiff_t ss[3];
    int dims = 0;
    for (int k = 0; k < 3; k++)
        if (n[k] > 1) {        /* a unit axis would pad every block 4x */
            nn[dims] = n[k];
            ss[dims++] = s[k];
        }
    float *p = contiguous ? base : (float *)bench_frame(d, base, 0, c);
    zfp_field *f = NULL;
    if (dims == 0) {
        f = zfp_field_1d(p, zfp_type_float, 1);
    } else if (dims == 1) {
        f = zfp_field_1d(p, zfp_type_float, nn[0]);
        if (f) zfp_field_set_stride_1d(f, ss[0]);
    } else if (dims == 2) {
        f = zfp_field_2d(p, zfp_type_float, nn[0], nn[1]);
        if (f) zfp_field_set_stride_2d(f, ss[0], ss[1]);
    } else {
        f = zfp_field_3d(p, zfp_type_float, nn[0], nn[1], nn[2]);
        if (f) zfp_field_set_stride_3d(f, ss[0], ss[1], ss[2]);
    }
    return f;
}

/* Channel c with NaN replaced by the valid mean, contiguous. */
static float *filled_band(const bench_data *d, size_t c)
{
    size_t plane = d->Y * d->X;
    float *b = malloc(d->T * plane * sizeof *b);
    if (!b)
        return NULL;
    float mean = (float)bench_band_valid_mean(d, c);
    for (size_t t = 0; t < d->T; t++) {
        const float *f = bench_frame(d, d->v, t, c);
        for (size_t i = 0; i < plane; i++)
            b[t * plane + i] = isnan(f[i]) ? mean : f[i];
    }
    return b;
}

static void set_mode(const bench_peer *p, const bench_data *d, zfp_stream *z,
                     const zfp_field *f, double setting)
{
    if (p->arg == 'a')
        zfp_stream_set_accuracy(z, (d->max - d->min) * ldexp(1.0, -(int)setting));
    else
        zfp_stream_set_rate(z, setting, zfp_type_float, zfp_field_dimensionality(f),
                            zfp_false);
}

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    zfp_stream *z = zfp_stream_open(NULL);
    /* the bound of one band times C, plus headers; fields are alike */
    zfp_field *probe = band_field(d, d->v, 0, 0);
    if (!z || !probe) {
        zfp_stream_close(z);
        zfp_field_free(probe);
        snprintf(err, errsz, "zfp: out of memory");
        return -1;
    }
    set_mode(p, d, z, probe, setting);
    size_t cap = d->C * (zfp_stream_maximum_size(z, probe) + 64);
    zfp_field_free(probe);
    out->buf = malloc(cap);
    bitstream *bs = out->buf ? stream_open(out->buf, cap) : NULL;
    int rc = bs ? 0 : -1;
    if (bs)
        zfp_stream_set_bit_stream(z, bs);
    size_t bytes = 0;
    for (size_t c = 0; c < d->C && rc == 0; c++) {
        float *copy = d->n_masked ? filled_band(d, c) : NULL;
        zfp_field *f = band_field(d, copy ? copy : d->v, c, copy != NULL);
        if (!f || (d->n_masked && !copy)) {
            rc = -1;
        } else {
            set_mode(p, d, z, f, setting);
            if (!zfp_write_header(z, f, ZFP_HEADER_FULL) || !(bytes = zfp_compress(z, f)))
                rc = -1;
        }
        zfp_field_free(f);
        free(copy);
    }
    if (bs)
        stream_close(bs);
    zfp_stream_close(z);
    if (rc != 0) {
        snprintf(err, errsz, "zfp_compress failed (setting %g)", setting);
        return -1;
    }
    out->len = out->stored = bytes;   /* zfp_compress returns the running total */
    (void)env;
    return 0;
}

static int decode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  const bench_blob *in, float *out, char *err, size_t errsz)
{
    zfp_stream *z = zfp_stream_open(NULL);
    bitstream *bs = stream_open(in->buf, in->len);
    int rc = z && bs ? 0 : -1;
    if (rc == 0)
        zfp_stream_set_bit_stream(z, bs);
    for (size_t c = 0; c < d->C && rc == 0; c++) {
        /* The header restores the mode; the field (with our strides into
         * the canonical array) must describe the same values. */
        zfp_field *hdr = zfp_field_alloc(), *f = band_field(d, out, c, 0);
        if (!hdr || !f || !zfp_read_header(z, hdr, ZFP_HEADER_FULL) ||
            zfp_field_size(hdr, NULL) != zfp_field_size(f, NULL) ||
            !zfp_decompress(z, f))
            rc = -1;
        zfp_field_free(hdr);
        zfp_field_free(f);
    }
    if (bs)
        stream_close(bs);
    zfp_stream_close(z);
    if (rc != 0)
        snprintf(err, errsz, "zfp_decompress failed");
    (void)p;
    (void)env;
    return rc;
}

/* Accuracy: tolerance = (max - min) * 2^-k; each step about halves the
 * error. Tolerances above the range are in the sweep because ZFP's floor
 * (exponent and guard bit planes of every 4^3 block, 0.3-0.5 bpppb on the
 * sample data) is only reached there. Rate: bits per value; below 1/8
 * ZFP 1.0 rounds up to the same block size. Both from coarse to fine. */
static const double acc_sweep[] = {
    -8, -6, -4, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 22
};
static const double rate_sweep[] = {
    0.125, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6
};

const bench_peer bench_peer_zfp_accuracy = {
    .name = "zfp-accuracy", .setting_name = "k (tolerance = range * 2^-k)",
    .about = "ZFP " ZFP_VERSION_STRING " fixed-accuracy, per-band (T,Y,X) fields, "
             "NaN -> band mean",
    .sweep = acc_sweep, .nsweep = (int)(sizeof acc_sweep / sizeof acc_sweep[0]),
    .arg = 'a', .encode = encode, .decode = decode,
};
const bench_peer bench_peer_zfp_rate = {
    .name = "zfp-rate", .setting_name = "bits per value",
    .about = "ZFP " ZFP_VERSION_STRING " fixed-rate, per-band (T,Y,X) fields, "
             "NaN -> band mean",
    .sweep = rate_sweep, .nsweep = (int)(sizeof rate_sweep / sizeof rate_sweep[0]),
    .arg = 'r', .encode = encode, .decode = decode,
};
