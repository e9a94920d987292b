/* scale_omp.c: encode and decode throughput of the library with 1 and 2
 * OpenMP threads (p.threads), on whole variables of the shared datasets
 * (not a unit test; scale_measure.sh runs it). Wall-clock time, best of
 * REPEATS, thread counts interleaved so both see the same machine load.
 * Also checks what the library promises: the stream and the decoded values
 * do not depend on the thread count.
 *   VC_DATA_DIR=/work/shared/data scale_omp [REPEATS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

static const struct { const char *file, *var, *roles; double psnr; } cases[] = {
    { "era5_t2m_uk_2019-03_hourly.nc", "t2m", NULL, 45 },
    { "ostia_sst_l4_global_2017-06-05_07.nc", "analysed_sst", NULL, 45 },
    { "s2_l1c_eolearn_testeopatch.nc", "toa_reflectance", NULL, 40 },
    { "s3_olci_c2rcc_northsea_xcube.nc", "conc_chl", NULL, 40 },
    { "era5_ens_z_t_2017-01-01_02.nc", "z", "CTCYX", 45 },
};

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void)
{
    return seconds(CLOCK_MONOTONIC);
}

typedef struct run {
    double enc, dec;          /* best seconds */
    double enc_cpu;           /* CPU seconds (all threads) of the best encode */
    void  *stream, *decoded;
    size_t nstream;
} run;

/* One encode and one decode with `threads`; keeps the best times and the
 * last outputs. 0 on success. */
static int once(const tu_var *v, vc_params p, int threads, run *r)
{
    p.threads = threads;
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(&v->a), bytes = v->n * vc_dtype_size(v->a.dtype);
    free(r->stream);
    free(r->decoded);
    r->stream = malloc(cap);
    r->decoded = malloc(bytes);
    if (!ctx || !r->stream || !r->decoded)
        return -1;
    double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = now();
    int rc = vc_compress(ctx, &v->a, v->data, r->stream, cap, &r->nstream);
    double t1 = now(), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (rc == VC_OK)
        rc = vc_decompress(ctx, r->stream, r->nstream, r->decoded, bytes);
    double t2 = now();
    if (rc != VC_OK)
        fprintf(stderr, "%s: %s: %s\n", v->name, vc_strerror(rc), vc_ctx_error(ctx));
    vc_ctx_free(ctx);
    if (r->enc == 0 || t1 - t0 < r->enc) {
        r->enc = t1 - t0;
        r->enc_cpu = c1 - c0;
    }
    if (r->dec == 0 || t2 - t1 < r->dec)
        r->dec = t2 - t1;
    return rc == VC_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3, failed = 0;
    /* x: speed-up of 2 threads; cpu: CPU time of the 2-thread encode over
     * the 1-thread one (above 1: work the second thread adds). */
    printf("%-16s %-16s %5s %6s | %7s %7s %5s %5s | %7s %7s %5s\n", "variable", "shape",
           "chans", "MB", "enc 1t", "enc 2t", "x", "cpu", "dec 1t", "dec 2t", "x");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tu_var v;
        if (tu_load(cases[k].file, cases[k].var, &v) != 0) {
            fprintf(stderr, "cannot load %s:%s (set VC_DATA_DIR)\n", cases[k].file, cases[k].var);
            return 1;
        }
        for (int i = 0; cases[k].roles && i < v.a.rank; i++)
            v.a.roles[i] = (vc_axis)cases[k].roles[i];
        vc_params p;
        vc_params_init(&p);
        p.mode = VC_MODE_PSNR;
        p.target = cases[k].psnr;
        if (v.has_fill) {
            p.has_fill = 1;
            p.fill_value = v.fill;
        }
        run r[2] = { { 0 } };
        for (int rep = 0; rep < repeats && !failed; rep++)
            for (int t = 0; t < 2 && !failed; t++)
                failed = once(&v, p, t + 1, &r[t]) != 0;
        size_t bytes = v.n * vc_dtype_size(v.a.dtype);
        if (!failed && (r[0].nstream != r[1].nstream ||
                        memcmp(r[0].stream, r[1].stream, r[0].nstream) != 0 ||
                        memcmp(r[0].decoded, r[1].decoded, bytes) != 0)) {
            fprintf(stderr, "%s: the output depends on the thread count\n", v.name);
            failed = 1;
        }
        if (!failed) {
            char shape[64];
            size_t used = 0;
            for (int i = 0; i < v.a.rank; i++)
                used += (size_t)snprintf(shape + used, sizeof shape - used, "%s%zu", i ? "x" : "",
                                         v.a.dims[i]);
            double mb = (double)bytes / 1e6;
            printf("%-16s %-16s %5zu %6.2f | %7.1f %7.1f %5.2f %5.2f | %7.1f %7.1f %5.2f  MB/s\n",
                   cases[k].var, shape, tu_nchannels(&v.a), mb, mb / r[0].enc, mb / r[1].enc,
                   r[0].enc / r[1].enc, r[1].enc_cpu / r[0].enc_cpu, mb / r[0].dec,
                   mb / r[1].dec, r[0].dec / r[1].dec);
        }
        for (int t = 0; t < 2; t++) {
            free(r[t].stream);
            free(r[t].decoded);
        }
        tu_free(&v);
        if (failed)
            return 1;
    }
    return 0;
}
