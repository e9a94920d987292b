/* run.c: one measurement — a peer at one setting on one dataset.
 * Speeds are the median of `reps` repetitions and are kept two ways:
 *  - CPU time of this process plus its children (the ffmpeg peer works in
 *    child processes): what the tables use, because the machine is shared
 *    and other people's jobs stretch wall-clock time by different amounts
 *    at different moments of a long run;
 *  - wall-clock time, which is what a user waits (and which is shorter
 *    than CPU time when a codec uses several threads). */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_REPS 15

typedef struct stopwatch {
    double wall, cpu;
} stopwatch;

static double ts_s(const struct timespec *ts)
{
    return (double)ts->tv_sec + 1e-9 * (double)ts->tv_nsec;
}

static stopwatch now(void)
{
    struct timespec w, c;
    struct rusage ch;
    clock_gettime(CLOCK_MONOTONIC, &w);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    getrusage(RUSAGE_CHILDREN, &ch);   /* children that have been waited for */
    stopwatch s = { ts_s(&w), ts_s(&c) };
    s.cpu += (double)(ch.ru_utime.tv_sec + ch.ru_stime.tv_sec) +
             1e-6 * (double)(ch.ru_utime.tv_usec + ch.ru_stime.tv_usec);
    return s;
}

static void lap(const stopwatch *t0, double *wall, double *cpu)
{
    stopwatch t1 = now();
    *wall = t1.wall - t0->wall;
    *cpu = t1.cpu - t0->cpu;
}

static double mbps(size_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / 1e6 / seconds : 0;
}

static int timed_encodes(const bench_peer *p, const bench_env *env,
                         const bench_data *d, double setting, int reps,
                         bench_blob *blob, double *wall, double *cpu,
                         char *err, size_t errsz)
{
    for (int r = 0; r < reps; r++) {
        bench_blob_free(blob);
        blob->fit_seconds = NAN;      /* peers that fit nothing leave these */
        blob->transform_used = -1;
        stopwatch t0 = now();
        int rc = p->encode(p, env, d, setting, blob, err, errsz);
        lap(&t0, &wall[r], &cpu[r]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int timed_decodes(const bench_peer *p, const bench_env *env,
                         const bench_data *d, const bench_blob *blob, int reps,
                         float *out, double *wall, double *cpu, char *err, size_t errsz)
{
    for (int r = 0; r < reps; r++) {
        stopwatch t0 = now();
        int rc = p->decode(p, env, d, blob, out, err, errsz);
        lap(&t0, &wall[r], &cpu[r]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int bench_run_one(const bench_peer *p, const bench_env *env,
                  const bench_data *d, double setting, int reps,
                  bench_result *r, char *err, size_t errsz)
{
    double enc[MAX_REPS], dec[MAX_REPS], enc_wall[MAX_REPS], dec_wall[MAX_REPS];
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
    int rc = timed_encodes(p, env, d, setting, reps, &blob, enc_wall, enc, err, errsz);
    if (rc == 0)
        rc = timed_decodes(p, env, d, &blob, reps, out, dec_wall, dec, err, errsz);
    if (rc == 0)
        rc = bench_measure(d, out, &r->q, err, errsz);
    if (rc == 0) {
        r->stored = blob.stored;
        r->bpppb = bench_bpppb(blob.stored, d->n);
        r->ratio = bench_ratio(raw, blob.stored);
        r->enc_mbps = mbps(raw, bench_median(enc, reps));
        r->dec_mbps = mbps(raw, bench_median(dec, reps));
        r->enc_wall_mbps = mbps(raw, bench_median(enc_wall, reps));
        r->dec_wall_mbps = mbps(raw, bench_median(dec_wall, reps));
        r->fit_seconds = blob.fit_seconds;
        r->transform_used = blob.transform_used;
    }
    bench_blob_free(&blob);
    free(out);
    return rc;
}
