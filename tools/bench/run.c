/* run.c: one measurement — a peer at one setting on one dataset. Speeds
 * are wall-clock (the ffmpeg peer runs in a child process, so CPU time of
 * this process would flatter it) and the median of `reps` repetitions,
 * because the machine is shared and single timings are noisy. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 15

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double mbps(size_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / 1e6 / seconds : 0;
}

static int timed_encodes(const bench_peer *p, const bench_env *env,
                         const bench_data *d, double setting, int reps,
                         bench_blob *blob, double *secs, char *err, size_t errsz)
{
    for (int r = 0; r < reps; r++) {
        bench_blob_free(blob);
        double t0 = now_s();
        int rc = p->encode(p, env, d, setting, blob, err, errsz);
        secs[r] = now_s() - t0;
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int timed_decodes(const bench_peer *p, const bench_env *env,
                         const bench_data *d, const bench_blob *blob, int reps,
                         float *out, double *secs, char *err, size_t errsz)
{
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        int rc = p->decode(p, env, d, blob, out, err, errsz);
        secs[r] = now_s() - t0;
        if (rc != 0)
            return rc;
    }
    return 0;
}

int bench_run_one(const bench_peer *p, const bench_env *env,
                  const bench_data *d, double setting, int reps,
                  bench_result *r, char *err, size_t errsz)
{
    double enc[MAX_REPS], dec[MAX_REPS];
    bench_blob blob = { 0 };
    size_t raw = d->n * sizeof(float);
    float *out = malloc(raw);
    if (reps < 1)
        reps = 1;
    if (reps > MAX_REPS)
        reps = MAX_REPS;
    memset(r, 0, sizeof *r);
    r->peer = p;
    r->setting = setting;
    if (!out) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    err[0] = '\0';
    int rc = timed_encodes(p, env, d, setting, reps, &blob, enc, err, errsz);
    if (rc == 0)
        rc = timed_decodes(p, env, d, &blob, reps, out, dec, err, errsz);
    if (rc == 0)
        rc = bench_measure(d, out, &r->q, err, errsz);
    if (rc == 0) {
        r->stored = blob.stored;
        r->bpppb = bench_bpppb(blob.stored, d->n);
        r->ratio = bench_ratio(raw, blob.stored);
        r->enc_mbps = mbps(raw, bench_median(enc, reps));
        r->dec_mbps = mbps(raw, bench_median(dec, reps));
    }
    bench_blob_free(&blob);
    free(out);
    return rc;
}
