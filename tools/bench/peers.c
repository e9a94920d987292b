/* peers.c: the list of peers this build has, and small helpers the peers
 * share for reading the canonical (T, C, Y, X) array band by band. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const bench_peer *const all_peers[] = {
    &bench_peer_vidcube_qp,
    &bench_peer_vidcube_crf,
    &bench_peer_vidcube_psnr,
    &bench_peer_vidcube_psnr_auto,
    &bench_peer_vidcube_psnr_klt,
    &bench_peer_vidcube_psnr_wae,
    &bench_peer_vidcube_rate,
    &bench_peer_vidcube_abs,
    &bench_peer_vidcube_rel,
    &bench_peer_vidcube_lossless,
#ifdef BENCH_HAVE_ZFP
    &bench_peer_zfp_accuracy,
    &bench_peer_zfp_rate,
#endif
    &bench_peer_bitround,
    &bench_peer_ffmpeg_x264,
    &bench_peer_zstd,
};

int bench_peers(const bench_peer **out, int max)
{
    int n = (int)(sizeof all_peers / sizeof all_peers[0]);
    for (int i = 0; i < n && i < max; i++)
        out[i] = all_peers[i];
    return n < max ? n : max;
}

const bench_peer *bench_peer_find(const char *name)
{
    for (size_t i = 0; i < sizeof all_peers / sizeof all_peers[0]; i++)
        if (strcmp(all_peers[i]->name, name) == 0)
            return all_peers[i];
    return NULL;
}

void bench_blob_free(bench_blob *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

const float *bench_frame(const bench_data *d, const float *base, size_t t, size_t c)
{
    return base + (t * d->C + c) * d->Y * d->X;
}

double bench_band_valid_mean(const bench_data *d, size_t c)
{
    double sum = 0;
    size_t n = 0, plane = d->Y * d->X;
    for (size_t t = 0; t < d->T; t++) {
        const float *f = bench_frame(d, d->v, t, c);
        for (size_t i = 0; i < plane; i++)
            if (!isnan(f[i])) {
                sum += f[i];
                n++;
            }
    }
    return n ? sum / (double)n : 0.0;
}

void bench_band_range(const bench_data *d, size_t c, double *min, double *max)
{
    size_t plane = d->Y * d->X;
    *min = HUGE_VAL;
    *max = -HUGE_VAL;
    for (size_t t = 0; t < d->T; t++) {
        const float *f = bench_frame(d, d->v, t, c);
        for (size_t i = 0; i < plane; i++)
            if (!isnan(f[i])) {
                if (f[i] < *min) *min = f[i];
                if (f[i] > *max) *max = f[i];
            }
    }
    if (*min > *max)        /* an all-NaN band */
        *min = *max = 0;
}
