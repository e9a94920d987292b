/* harden_h5threads.c: the HDF5 filter with OpenMP inside it.
 *
 * HDF5 (Debian's serial build, not thread-safe) is used from one thread
 * only, as it must be. Inside the filter, vidcube runs its OpenMP team over
 * the channels of each chunk (VIDCUBE_THREADS=2), while another pthread
 * compresses and decompresses with the library on its own. Each case is
 * written with VIDCUBE_THREADS=1 first, then ROUNDS times with 2 threads
 * and the other thread busy: every stored chunk must equal the serial
 * run's byte for byte, every read through the filter must give the same
 * array, and that array must equal what the library decodes from the raw
 * chunks. The busy thread's results must equal its serial ones. */
#include <CUnit/Basic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter_util.h"
#include "harden_cases.h"
#include "testutil.h"

#define ROUNDS 3

/* Cases with several channels per chunk (so OpenMP has work), and the
 * chunk shape each is written with. */
static const struct {
    const char *name;
    size_t chunk[VC_MAX_RANK];
} cases[] = {
    { "psnr-wae-float32", { 1, 3, 16, 16 } },
    { "rel-float64-rank5", { 1, 2, 2, 16, 16 } },
    { "lossless-float32-special", { 3, 16, 16 } },
    { "psnr-float32-nan", { 1, 32, 24 } },
};
#define NCASES (sizeof cases / sizeof cases[0])

static char dir[4096];

/* "1x3x32x32" */
static const char *fmt_chunk(const size_t *chunk, int rank)
{
    static char buf[96];
    size_t at = 0;
    for (int i = 0; i < rank; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, i ? "x%zu" : "%zu", chunk[i]);
    return buf;
}

/* ---- the busy thread: the library alone, on its own data ---- */
typedef struct busy {
    volatile int stop;
    vc_array     a;
    void        *data, *stream, *decoded;
    size_t       size, bytes;
    vc_params    p;
    long         runs, mismatches;
} busy;

static void *keep_busy(void *arg)
{
    busy *b = arg;
    void *s = malloc(vc_compress_bound(&b->a)), *out = malloc(b->bytes);
    while (!b->stop) {
        vc_ctx *ctx = vc_ctx_create(&b->p);
        size_t n = 0;
        int rc = vc_compress(ctx, &b->a, b->data, s, vc_compress_bound(&b->a), &n);
        if (rc == VC_OK && (n != b->size || memcmp(s, b->stream, n)))
            rc = VC_ERR_GENERIC;
        if (rc == VC_OK)
            rc = vc_decompress(ctx, s, n, out, b->bytes);
        if (rc != VC_OK || memcmp(out, b->decoded, b->bytes))
            b->mismatches++;
        b->runs++;
        vc_ctx_free(ctx);
    }
    free(s);
    free(out);
    return NULL;
}

static int busy_init(busy *b)
{
    memset(b, 0, sizeof *b);
    const hc_case *c = hc_find("abs-float32");
    if (!c || hc_load(c, &b->a, &b->data) != 0)
        return -1;
    hc_params(c, &b->p);
    b->bytes = hc_bytes(&b->a);
    if (hc_compress(&b->a, b->data, &b->p, &b->stream, &b->size) != VC_OK)
        return -1;
    b->decoded = malloc(b->bytes);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int rc = vc_decompress(ctx, b->stream, b->size, b->decoded, b->bytes);
    vc_ctx_free(ctx);
    b->p.threads = 2;
    return rc == VC_OK ? 0 : -1;
}

/* ---- HDF5, main thread only ---- */

/* The raw chunks of /v of file, concatenated with their sizes. */
static uint8_t *raw_chunks(const char *file, size_t *total)
{
    hid_t fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, "v", H5P_DEFAULT), space = H5Dget_space(ds);
    hsize_t nchunks = 0;
    uint8_t *all = NULL;
    size_t n = 0;
    int ok = fid >= 0 && ds >= 0 && H5Dget_num_chunks(ds, space, &nchunks) >= 0;
    for (hsize_t i = 0; ok && i < nchunks; i++) {
        hsize_t off[VC_MAX_RANK], nbytes;
        unsigned mask;
        haddr_t addr;
        ok = H5Dget_chunk_info(ds, space, i, off, &mask, &addr, &nbytes) >= 0;
        uint8_t *grown = ok ? realloc(all, n + 8 + nbytes) : NULL;
        ok = grown != NULL;
        if (ok) {
            all = grown;
            memcpy(all + n, &nbytes, 8);
            ok = H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, all + n + 8) >= 0;
            n += 8 + nbytes;
        }
    }
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(fid);
    if (!ok || !nchunks) {
        free(all);
        return NULL;
    }
    *total = n;
    return all;
}

static int write_case(const char *file, const vc_array *a, const void *data,
                      const vc_params *p, const size_t *chunk)
{
    unsigned int cd[VC_CD_NUSER];
    size_t ncd;
    if (vc_cd_pack(p, a->roles, a->rank, cd, VC_CD_NUSER, &ncd) != VC_OK)
        return -1;
    fu_write_opts o;
    memset(&o, 0, sizeof o);
    o.chunk = chunk;
    o.cd = cd;
    o.ncd = ncd;
    const char *step;
    int rc = fu_write(file, "v", a, data, &o, &step);
    if (rc != 0)
        fprintf(stderr, "%s: %s failed\n", file, step);
    return rc;
}

static void test_filter_with_openmp(void)
{
    busy b;
    CU_ASSERT_FATAL(busy_init(&b) == 0);
    int bad_chunks = 0, bad_reads = 0, bad_decodes = 0;
    for (size_t k = 0; k < NCASES; k++) {
        const hc_case *c = hc_find(cases[k].name);
        vc_array a;
        void *data;
        vc_params p;
        char serial[4200], parallel[4200];
        CU_ASSERT_FATAL(c && hc_load(c, &a, &data) == 0);
        hc_params(c, &p);
        p.threads = 0;                       /* the filter's contexts follow the environment */
        snprintf(serial, sizeof serial, "%s/serial.h5", dir);
        snprintf(parallel, sizeof parallel, "%s/parallel.h5", dir);

        setenv("VIDCUBE_THREADS", "1", 1);
        CU_ASSERT_FATAL(write_case(serial, &a, data, &p, cases[k].chunk) == 0);
        size_t ref_n = 0, n = 0;
        uint8_t *ref = raw_chunks(serial, &ref_n);
        fu_dataset want;
        CU_ASSERT_FATAL(ref && fu_read(serial, "v", &want, NULL, 0) == 0);

        setenv("VIDCUBE_THREADS", "2", 1);
        int before = bad_chunks;
        b.stop = 0;
        pthread_t tid;
        CU_ASSERT_FATAL(pthread_create(&tid, NULL, keep_busy, &b) == 0);
        for (int round = 0; round < ROUNDS; round++) {
            fu_dataset got, dec;
            CU_ASSERT_FATAL(write_case(parallel, &a, data, &p, cases[k].chunk) == 0);
            uint8_t *raw = raw_chunks(parallel, &n);
            bad_chunks += !raw || n != ref_n || memcmp(raw, ref, n);
            free(raw);
            if (fu_read(parallel, "v", &got, NULL, 0) == 0) {
                bad_reads += memcmp(got.data, want.data, hc_bytes(&a)) != 0;
                fu_free(&got);
            } else {
                bad_reads++;
            }
            if (fu_decode_chunks(parallel, "v", &dec) == 0) {
                bad_decodes += memcmp(dec.data, want.data, hc_bytes(&a)) != 0;
                fu_free(&dec);
            } else {
                bad_decodes++;
            }
        }
        b.stop = 1;
        pthread_join(tid, NULL);
        printf("\n    %-26s chunks %s, %d rounds with VIDCUBE_THREADS=2: %d differ", c->name,
               fmt_chunk(cases[k].chunk, a.rank), ROUNDS, bad_chunks - before);
        fu_free(&want);
        free(ref);
        free(data);
        unlink(serial);
        unlink(parallel);
    }
    printf("\n    chunks differing from the serial run: %d, reads: %d, library decodes: %d; "
           "busy thread: %ld runs, %ld mismatches", bad_chunks, bad_reads, bad_decodes,
           b.runs, b.mismatches);
    CU_ASSERT_EQUAL(bad_chunks, 0);
    CU_ASSERT_EQUAL(bad_reads, 0);
    CU_ASSERT_EQUAL(bad_decodes, 0);
    CU_ASSERT(b.runs > 0);
    CU_ASSERT_EQUAL(b.mismatches, 0);
    free(b.data);
    free(b.stream);
    free(b.decoded);
}

int main(void)
{
    fu_use_build_plugin();
    snprintf(dir, sizeof dir, "%s/vc_h5threads.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("HDF5 filter and threads", NULL, NULL);
    CU_add_test(s, "filter with OpenMP, library busy on another thread", test_filter_with_openmp);
    int rc = tu_run_cunit();
    rmdir(dir);
    return rc;
}
