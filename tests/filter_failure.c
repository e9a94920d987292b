/* filter_failure.c: failures must be reported, never turned into data.
 * - A chunk the filter cannot compress (a 150 dB target: 10-bit video
 *   tops out near 70 dB) is reported. H5Dwrite only fills HDF5's chunk
 *   cache, so the failure shows at H5Dclose or H5Fclose: the trap every
 *   writer must know.
 * - Stored chunks damaged in the file (a flipped byte, a truncated stream,
 *   a valid stream of the wrong size, foreign bytes; written with
 *   H5Dwrite_chunk) make H5Dread fail with the reason, while the intact
 *   chunks still read.
 * - With the filter unregistered and plugin loading off (the plugin is
 *   missing), reading fails and says the filter is not available. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter_util.h"
#include "testutil.h"

#define GOOD "filter_failure_good.h5"
#define BAD "filter_failure_bad.h5"

static tu_var t2m;                          /* the sample, loaded once */
static const size_t CHUNK[3] = { 24, 33, 49 };

static int load(void)
{
    return tu_load("era5_t2m_uk_crop.nc", "t2m", &t2m);
}

static int unload(void)
{
    tu_free(&t2m);
    unlink(GOOD);
    unlink(BAD);
    return 0;
}

/* Write the first `hours` hours of t2m. */
static int write_t2m(const char *path, size_t hours, double target, const char **step,
                     char *errors, size_t errors_size)
{
    unsigned cd[VC_CD_NUSER];
    fu_cd_psnr(target, cd);
    fu_write_opts o = { .chunk = CHUNK, .cd = cd, .ncd = VC_CD_NUSER,
                        .errors = errors, .errors_size = errors_size };
    vc_array a = t2m.a;
    a.dims[0] = hours;
    return fu_write(path, "t2m", &a, t2m.data, &o, step);
}

/* Returns the first failing step. */
static const char *expect_write_failure(size_t hours)
{
    char msg[4096] = "";
    const char *step = NULL;
    int rc = write_t2m(BAD, hours, 150, &step, msg, sizeof msg);
    const char *ours = strstr(msg, "vidcube filter:");
    printf("\n    %zu hours at 150 dB: first failure at %s: %.200s", hours,
           step ? step : "nowhere", ours ? ours : msg);
    CU_ASSERT(rc < 0);
    CU_ASSERT(strstr(msg, "vidcube filter: cannot compress") != NULL);
    CU_ASSERT(strstr(msg, "target") != NULL);
    return step ? step : "";
}

/* 48 hours (2 chunks, 310 KB) stay in HDF5's 1 MB chunk cache: H5Dwrite
 * succeeds and only the close reports the failure. */
static void test_write_fails_at_close(void)
{
    const char *step = expect_write_failure(48);
    CU_ASSERT(!strcmp(step, "H5Dclose") || !strcmp(step, "H5Fclose"));
}

/* All 168 hours do not fit: chunks are evicted, and filtered, during
 * H5Dwrite, which then fails. */
static void test_write_fails_in_write(void)
{
    const char *step = expect_write_failure(168);
    CU_ASSERT(strcmp(step, "H5Dwrite") == 0);
}

/* ---- damaged chunks ---- */

/* Read the stored stream of the chunk at `off` (malloc'd). */
static void *read_stream(hid_t ds, const hsize_t *off, hsize_t *size)
{
    unsigned mask = 0;
    if (H5Dget_chunk_storage_size(ds, off, size) < 0)
        return NULL;
    void *buf = malloc(*size);
    if (buf && (H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, buf) < 0 || mask != 0)) {
        free(buf);
        return NULL;
    }
    return buf;
}

typedef void (*damage_fn)(unsigned char **stream, hsize_t *size);

/* Copy GOOD to BAD with chunk 2 (hours 48..71) replaced by a damaged
 * version of itself; 0 on success. */
static int make_damaged(damage_fn damage)
{
    hsize_t off[3] = { 48, 0, 0 }, size = 0;
    hid_t fid = H5Fopen(GOOD, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, "t2m", H5P_DEFAULT);
    unsigned char *stream = read_stream(ds, off, &size);
    H5Dclose(ds);
    H5Fclose(fid);
    if (!stream)
        return -1;
    damage(&stream, &size);

    const char *step = NULL;
    unsigned cd[VC_CD_NUSER];
    fu_cd_psnr(45, cd);
    fu_write_opts o = { .chunk = CHUNK, .cd = cd, .ncd = VC_CD_NUSER };
    int rc = fu_write(BAD, "t2m", &t2m.a, t2m.data, &o, &step);
    fid = H5Fopen(BAD, H5F_ACC_RDWR, H5P_DEFAULT);
    ds = H5Dopen2(fid, "t2m", H5P_DEFAULT);
    if (rc != 0 || H5Dwrite_chunk(ds, H5P_DEFAULT, 0, off, size, stream) < 0)
        rc = -1;
    if (H5Dclose(ds) < 0 || H5Fclose(fid) < 0)
        rc = -1;
    free(stream);
    return rc;
}

/* Read BAD: the whole variable must fail with `expect` in the message;
 * chunk 0 alone must still read, equal to GOOD's. */
static void expect_read_error(const char *what, const char *expect)
{
    char msg[4096];
    fu_dataset d;
    int rc = fu_read(BAD, "t2m", &d, msg, sizeof msg);
    printf("\n    %-22s %s", what, rc < 0 ? "read fails:" : "READ SUCCEEDED");
    if (rc < 0)
        printf(" %.200s", strstr(msg, "vidcube filter:") ? strstr(msg, "vidcube filter:") : msg);
    CU_ASSERT(rc < 0);
    CU_ASSERT(strstr(msg, expect) != NULL);
    if (rc == 0)
        fu_free(&d);

    float intact[24 * 33 * 49], good[24 * 33 * 49];
    hsize_t start[3] = { 0, 0, 0 }, count[3] = { 24, 33, 49 };
    const char *files[2] = { BAD, GOOD };
    float *out[2] = { intact, good };
    for (int k = 0; k < 2; k++) {
        hid_t fid = H5Fopen(files[k], H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t ds = H5Dopen2(fid, "t2m", H5P_DEFAULT), fs = H5Dget_space(ds);
        hid_t ms = H5Screate_simple(3, count, NULL);
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
        CU_ASSERT(H5Dread(ds, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, out[k]) >= 0);
        H5Sclose(ms);
        H5Sclose(fs);
        CU_ASSERT(H5Dclose(ds) >= 0);
        CU_ASSERT(H5Fclose(fid) >= 0);
    }
    CU_ASSERT(memcmp(intact, good, sizeof good) == 0);
}

static void flip_payload(unsigned char **s, hsize_t *n)  { (*s)[*n / 2] ^= 0x10; }
static void flip_header(unsigned char **s, hsize_t *n)   { (void)n; (*s)[12] ^= 0x01; }
static void truncate_half(unsigned char **s, hsize_t *n) { (void)s; *n /= 2; }

/* The raw float values of the chunk instead of a stream. */
static void foreign_bytes(unsigned char **s, hsize_t *n)
{
    free(*s);
    *n = 24 * 33 * 49 * sizeof(float);
    *s = malloc(*n);
    memcpy(*s, (float *)t2m.data + 48 * 33 * 49, *n);
}

/* A valid stream of the chunk's values described as array a. */
static void restream(unsigned char **s, hsize_t *n, const vc_array *a, const float *src)
{
    vc_params p;
    vc_params_init(&p);
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(a), used = 0;
    free(*s);
    *s = malloc(cap);
    CU_ASSERT(vc_compress(ctx, a, src, *s, cap, &used) == VC_OK);
    *n = used;
    vc_ctx_free(ctx);
}

/* A valid stream, but of a 24x33x48 array: one column short. */
static void wrong_size(unsigned char **s, hsize_t *n)
{
    vc_array a = { VC_FLOAT32, 3, { 24, 33, 48 }, { 0 } };
    float *src = malloc(24 * 33 * 48 * sizeof *src);
    for (size_t r = 0; r < 24 * 33; r++)
        memcpy(src + r * 48, (float *)t2m.data + r * 49, 48 * sizeof *src);
    restream(s, n, &a, src);
    free(src);
}

/* A valid stream of exactly the chunk's bytes, but shaped 24x49x33. */
static void wrong_shape(unsigned char **s, hsize_t *n)
{
    vc_array a = { VC_FLOAT32, 3, { 24, 49, 33 }, { 0 } };
    restream(s, n, &a, (float *)t2m.data + 48 * 33 * 49);
}

static void damaged(const char *what, damage_fn damage, const char *expect)
{
    CU_ASSERT_FATAL(make_damaged(damage) == 0);
    expect_read_error(what, expect);
}

static void test_damaged_chunks(void)
{
    const char *step = NULL;
    CU_ASSERT_FATAL(write_t2m(GOOD, 168, 45, &step, NULL, 0) == 0);
    damaged("flipped payload byte", flip_payload, "vidcube filter: cannot decode");
    damaged("flipped header byte", flip_header, "vidcube filter: a stored chunk of");
    damaged("truncated stream", truncate_half, "vidcube filter: ");
    damaged("foreign bytes", foreign_bytes, "is not a readable vidcube stream");
    damaged("stream of wrong size", wrong_size, "but the dataset's chunk holds");
    damaged("same size, other shape", wrong_shape, "(24x49x33 float32), but the dataset's chunk");
}

/* ---- missing plugin ---- */

static void test_missing_plugin(void)
{
    char msg[4096];
    fu_dataset d;
    CU_ASSERT_FATAL(access(GOOD, R_OK) == 0);
    CU_ASSERT_FATAL(H5Zunregister(VC_H5Z_FILTER_ID) >= 0);
    CU_ASSERT_FATAL(H5PLset_loading_state(0) >= 0);
    int rc = fu_read(GOOD, "t2m", &d, msg, sizeof msg);
    printf("\n    no plugin: %s: %.200s", rc < 0 ? "read fails" : "READ SUCCEEDED", msg);
    CU_ASSERT(rc < 0);
    CU_ASSERT(strstr(msg, "vidcube") != NULL);      /* HDF5 names the filter */

    CU_ASSERT(H5PLset_loading_state(H5PL_ALL_PLUGIN) >= 0);
    CU_ASSERT(fu_read(GOOD, "t2m", &d, NULL, 0) == 0);        /* and finds it again */
    fu_free(&d);
}

int main(void)
{
    fu_use_build_plugin();
    fu_quiet_errors();
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("failures are reported", load, unload);
    CU_add_test(s, "compress failure shows at H5Dclose/H5Fclose", test_write_fails_at_close);
    CU_add_test(s, "compress failure of evicted chunks, in H5Dwrite", test_write_fails_in_write);
    CU_add_test(s, "damaged chunks give read errors", test_damaged_chunks);
    CU_add_test(s, "missing plugin gives a read error", test_missing_plugin);
    return tu_run_cunit();
}
