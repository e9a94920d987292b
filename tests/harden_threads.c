/* harden_threads.c: contexts used by many threads at once.
 *
 * Every case of a mixed list (modes, dtypes, masks, transforms) is first
 * compressed and decompressed serially; then THREADS pthreads, each with
 * its own context, compress and decompress different cases at the same
 * time, ROUNDS times over, some with OpenMP inside (threads = 2). Every
 * stream and every decoded array must be bit-identical to the serial run:
 * the library promises no shared mutable state, and output independent of
 * the thread count. */
#include <CUnit/Basic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harden_cases.h"
#include "testutil.h"

#define THREADS 8
#define ROUNDS 2

static const char *const names[] = {
    "psnr-float32-nan", "psnr-float32-coast", "qp-uint16", "crf-int16-fill", "lossless-float32-special",
    "abs-float32", "rel-float64-rank5", "rate-float32", "psnr-klt-float32",
    "psnr-wae-float32", "psnr-uint8-8bit", "lossless-uint32",
};
#define NCASES (sizeof names / sizeof names[0])

typedef struct ref {
    const char *name;
    vc_array  a;
    void     *data, *stream, *decoded;
    size_t    size, bytes;
    vc_params p;
} ref;

static ref refs[NCASES];

typedef struct worker {
    int    id;
    int    mismatched_streams, mismatched_arrays, failures;
    size_t runs;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < ROUNDS; round++)
        for (size_t k = 0; k < NCASES; k++) {
            /* threads start at different cases, so different work overlaps */
            const ref *r = &refs[(k + (size_t)w->id * 3) % NCASES];
            vc_params p = r->p;
            p.threads = (w->id + round) % 2 ? 2 : 1;
            vc_ctx *ctx = vc_ctx_create(&p);
            size_t cap = vc_compress_bound(&r->a), n = 0;
            void *s = malloc(cap), *out = malloc(r->bytes);
            int rc = ctx && s && out ? vc_compress(ctx, &r->a, r->data, s, cap, &n) : VC_ERR_NOMEM;
            if (rc == VC_OK && (n != r->size || memcmp(s, r->stream, n))) {
                w->mismatched_streams++;
                fprintf(stderr, "thread %d: %s with %d threads: %zu bytes, serially %zu\n",
                        w->id, r->name, p.threads, n, r->size);
            }
            if (rc == VC_OK)
                rc = vc_decompress(ctx, r->stream, r->size, out, r->bytes);
            if (rc == VC_OK && memcmp(out, r->decoded, r->bytes))
                w->mismatched_arrays++;
            if (rc != VC_OK) {
                w->failures++;
                fprintf(stderr, "thread %d: %s\n", w->id, vc_ctx_error(ctx));
            }
            w->runs++;
            vc_ctx_free(ctx);
            free(s);
            free(out);
        }
    return NULL;
}

static int setup(void)
{
    for (size_t k = 0; k < NCASES; k++) {
        ref *r = &refs[k];
        const hc_case *c = hc_find(names[k]);
        if (!c || hc_load(c, &r->a, &r->data) != 0)
            return 1;
        r->name = c->name;
        hc_params(c, &r->p);
        r->bytes = hc_bytes(&r->a);
        if (hc_compress(&r->a, r->data, &r->p, &r->stream, &r->size) != VC_OK)
            return 1;
        r->decoded = malloc(r->bytes);
        vc_ctx *ctx = vc_ctx_create(NULL);
        int rc = vc_decompress(ctx, r->stream, r->size, r->decoded, r->bytes);
        vc_ctx_free(ctx);
        if (rc != VC_OK)
            return 1;
    }
    return 0;
}

static int teardown(void)
{
    for (size_t k = 0; k < NCASES; k++) {
        free(refs[k].data);
        free(refs[k].stream);
        free(refs[k].decoded);
    }
    return 0;
}

static void test_concurrent(void)
{
    pthread_t tid[THREADS];
    worker w[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        CU_ASSERT_FATAL(pthread_create(&tid[i], NULL, work, &w[i]) == 0);
    }
    size_t runs = 0;
    int bad_streams = 0, bad_arrays = 0, failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        runs += w[i].runs;
        bad_streams += w[i].mismatched_streams;
        bad_arrays += w[i].mismatched_arrays;
        failures += w[i].failures;
    }
    printf("\n    %d threads, %zu compress+decompress runs of %zu cases: %d streams and %d "
           "arrays differ from the serial run, %d failures", THREADS, runs, NCASES,
           bad_streams, bad_arrays, failures);
    CU_ASSERT_EQUAL(runs, (size_t)THREADS * ROUNDS * NCASES);
    CU_ASSERT_EQUAL(bad_streams, 0);
    CU_ASSERT_EQUAL(bad_arrays, 0);
    CU_ASSERT_EQUAL(failures, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("threads", setup, teardown);
    CU_add_test(s, "contexts on many threads equal serial runs", test_concurrent);
    return tu_run_cunit();
}
