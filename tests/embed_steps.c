/* embed_steps.c: the time-step writer on the ERA5 hourly t2m sample
 * (168 steps of 33 x 49), written one step at a time.
 *   - Each chunk is encoded exactly once: the filter's vc_compress calls
 *     are counted (embed_count.c), and the writer never makes HDF5 decode.
 *   - The stored chunks equal, byte for byte, those of the whole array
 *     written in one nc_put_vara (netCDF) or H5Dwrite (HDF5).
 *   - A partly filled last chunk is written on close.
 *   - Misuse is refused with a status and a message.
 *   - The filter warns, once, when naive per-step nc_put_vara calls with a
 *     chunk cache smaller than a chunk make HDF5 decode and re-encode
 *     chunks; it stays quiet for the writer, for a cache that holds the
 *     chunk, and for a whole decoded array copied into a new variable.
 * The plugin path points nowhere: the writer registers the filter itself. */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed_count.h"
#include "embed_io.h"
#include "testutil.h"

#define PSNR 45.0
static const char WARNING[] = "vidcube filter: warning:";

static tu_var t2m;               /* the sample, float32 (168, 33, 49) */
static eio_field field;
static char dir[] = "/tmp/vc_embed_steps.XXXXXX";

static const char *path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static size_t chunks_for(size_t steps, size_t chunk_steps)
{
    return (steps + chunk_steps - 1) / chunk_steps;
}

/* ---- stderr captured into a file, to see what the filter printed ---- */
static int saved_stderr = -1;

static void capture_begin(void)
{
    fflush(stderr);
    saved_stderr = dup(2);
    int fd = open(path("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CU_ASSERT_FATAL(saved_stderr >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
}

/* Restore stderr, echo what was captured, and count the filter's warnings. */
static int capture_end(void)
{
    char line[4096];
    int warnings = 0;
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    FILE *f = fopen(path("stderr.txt"), "r");
    CU_ASSERT_FATAL(f != NULL);
    while (fgets(line, sizeof line, f)) {
        fputs(line, stderr);
        if (strstr(line, WARNING)) {
            warnings++;
            /* it must say what to do */
            CU_ASSERT(strstr(line, "nc_set_var_chunk_cache") && strstr(line, "H5Pset_chunk_cache"));
        }
    }
    fclose(f);
    return warnings;
}

static double psnr_of(const float *orig, const float *back, size_t n)
{
    vc_array a = { .dtype = VC_FLOAT32, .rank = 1, .dims = { n } };
    vc_quality q;
    CU_ASSERT_FATAL(vc_measure(&a, orig, back, 0, 0, NULL, 0, &q) == VC_OK);
    return q.psnr_db;
}

/* Write with the writer and in one go; check encodes, stats and chunks. */
static void writer_vs_oneshot(size_t chunk_steps, int unlimited)
{
    eio_opts o = { chunk_steps, unlimited, PSNR, 0, 0 };
    size_t nchunks = chunks_for(field.nt, chunk_steps), full = field.nt / chunk_steps;
    vc_writer_stats before, after;

    unsigned long enc = ec_encodes(), dec = ec_decodes();
    CU_ASSERT_FATAL(eio_write_writer(path("writer.nc"), &field, &o, &before, &after) == 0);
    unsigned long writer_enc = ec_encodes() - enc, writer_dec = ec_decodes() - dec;
    printf("\n  chunks of %zu steps (%s time): writer %lu encodes, %lu decodes, %zu writes",
           chunk_steps, unlimited ? "unlimited" : "fixed", writer_enc, writer_dec, after.writes);
    CU_ASSERT_EQUAL(writer_enc, nchunks);      /* each chunk once */
    CU_ASSERT_EQUAL(writer_dec, 0);            /* nothing was read back */
    CU_ASSERT_EQUAL(after.steps, field.nt);
    CU_ASSERT_EQUAL(after.writes, nchunks);
    CU_ASSERT_EQUAL(after.buffered, 0);
    CU_ASSERT_EQUAL(before.step_values, field.ny * field.nx);
    CU_ASSERT_EQUAL(before.chunk_steps, chunk_steps);
    if (unlimited) {       /* the partial last chunk waits for close */
        CU_ASSERT_EQUAL(before.writes, full);
        CU_ASSERT_EQUAL(before.buffered, field.nt - full * chunk_steps);
    } else {               /* the fixed axis ends there: written at once */
        CU_ASSERT_EQUAL(before.writes, nchunks);
        CU_ASSERT_EQUAL(before.buffered, 0);
    }

    enc = ec_encodes();
    CU_ASSERT_FATAL(eio_write_oneshot(path("oneshot.nc"), &field, &o) == 0);
    CU_ASSERT_EQUAL(ec_encodes() - enc, nchunks);
    CU_ASSERT_EQUAL(eio_compare_chunks(path("writer.nc"), path("oneshot.nc")), (long)nchunks);

    /* and the values are what the filter promises */
    float *back = malloc(t2m.n * sizeof *back);
    CU_ASSERT_FATAL(back && eio_read(path("writer.nc"), back, t2m.n) == 0);
    double psnr = psnr_of(t2m.data, back, t2m.n);
    printf(", PSNR %.2f dB", psnr);
    CU_ASSERT(psnr >= PSNR);
    free(back);
}

static void test_nc_day_chunks(void)      { writer_vs_oneshot(24, 1); }
static void test_nc_partial_unlimited(void) { writer_vs_oneshot(40, 1); }
static void test_nc_partial_fixed(void)   { writer_vs_oneshot(40, 0); }

/* HDF5: an unlimited dataset grown by the writer, steps given in uneven
 * batches (a whole chunk at once is written without a copy), against one
 * H5Dwrite of the whole array into a fixed dataset. */
static int h5_file(const char *file, int unlimited, int by_writer)
{
    hsize_t dims[3] = { field.nt, field.ny, field.nx };
    hsize_t max[3] = { unlimited ? H5S_UNLIMITED : field.nt, field.ny, field.nx };
    size_t sdims[3] = { field.nt, field.ny, field.nx }, step = field.ny * field.nx;
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_PSNR;
    p.target = PSNR;
    vc_writer *w = vc_writer_create();
    hid_t f = H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (unlimited)
        dims[0] = 0;
    hid_t space = H5Screate_simple(3, dims, max);
    int rc = vc_writer_def_h5(w, dcpl, 3, sdims, 24, &p);
    hid_t d = H5Dcreate2(f, "t2m", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (rc != VC_OK || d < 0)
        rc = -1;
    else if (by_writer) {
        static const size_t batches[] = { 5, 19, 24, 1, 30, 48, 41 };   /* 168 steps */
        size_t t = 0;
        rc = vc_writer_open_h5(w, d);
        for (size_t i = 0; rc == VC_OK && i < sizeof batches / sizeof *batches; i++) {
            rc = vc_writer_append(w, VC_FLOAT32, (const float *)t2m.data + t * step, batches[i]);
            t += batches[i];
        }
        CU_ASSERT_EQUAL(t, field.nt);
        if (rc == VC_OK)
            rc = vc_writer_close(w);
    } else
        rc = H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t2m.data) < 0 ? -1 : 0;
    if (rc != VC_OK)
        fprintf(stderr, "%s: %s\n", file, vc_writer_error(w));
    vc_writer_free(w);
    if ((d >= 0 && H5Dclose(d) < 0) || H5Fclose(f) < 0)
        rc = -1;
    H5Sclose(space);
    H5Pclose(dcpl);
    return rc;
}

static void test_h5_batches(void)
{
    unsigned long enc = ec_encodes(), dec = ec_decodes();
    CU_ASSERT_FATAL(h5_file(path("writer.h5"), 1, 1) == 0);
    CU_ASSERT_EQUAL(ec_encodes() - enc, 7);
    CU_ASSERT_EQUAL(ec_decodes() - dec, 0);
    CU_ASSERT_FATAL(h5_file(path("oneshot.h5"), 0, 0) == 0);
    CU_ASSERT_EQUAL(eio_compare_chunks(path("writer.h5"), path("oneshot.h5")), 7);
}

/* Misuse: a status and a sentence, nothing written. */
static void test_refusals(void)
{
    vc_writer *w = vc_writer_create();
    int ncid, varid;
    float x[33 * 49] = { 0 };
    CU_ASSERT_FATAL(w != NULL);
    CU_ASSERT_EQUAL(vc_writer_append(w, VC_FLOAT32, x, 1), VC_ERR_PARAM);   /* not open */

    /* writer.nc (last test: chunks of 40, fixed time) is full */
    CU_ASSERT_FATAL(nc_open(path("writer.nc"), NC_WRITE, &ncid) == NC_NOERR);
    CU_ASSERT_FATAL(nc_inq_varid(ncid, "t2m", &varid) == NC_NOERR);
    CU_ASSERT_EQUAL_FATAL(vc_writer_open_nc(w, ncid, varid), VC_OK);
    CU_ASSERT_EQUAL(vc_writer_append(w, VC_FLOAT64, x, 1), VC_ERR_DTYPE);
    printf("\n  %s", vc_writer_error(w));
    CU_ASSERT(strstr(vc_writer_error(w), "float32") != NULL);
    CU_ASSERT_EQUAL(vc_writer_close(w), VC_OK);
    CU_ASSERT_EQUAL(nc_close(ncid), NC_NOERR);

    /* an unlimited variable of 168 steps in chunks of 40 ends inside one */
    eio_opts o = { 40, 1, PSNR, 0, 0 };
    CU_ASSERT_FATAL(eio_write_oneshot(path("partial.nc"), &field, &o) == 0);
    CU_ASSERT_FATAL(nc_open(path("partial.nc"), NC_WRITE, &ncid) == NC_NOERR);
    CU_ASSERT_EQUAL(vc_writer_open_nc(w, ncid, 0), VC_ERR_PARAM);
    printf("\n  %s", vc_writer_error(w));
    CU_ASSERT(strstr(vc_writer_error(w), "inside a chunk") != NULL);
    CU_ASSERT_EQUAL(nc_close(ncid), NC_NOERR);

    /* a variable without the filter */
    int dim;
    CU_ASSERT_FATAL(nc_create(path("plain.nc"), NC_NETCDF4 | NC_CLOBBER, &ncid) == NC_NOERR);
    CU_ASSERT_FATAL(nc_def_dim(ncid, "time", NC_UNLIMITED, &dim) == NC_NOERR);
    CU_ASSERT_FATAL(nc_def_var(ncid, "v", NC_FLOAT, 1, &dim, &varid) == NC_NOERR);
    CU_ASSERT_EQUAL(vc_writer_open_nc(w, ncid, varid), VC_ERR_PARAM);
    printf("\n  %s", vc_writer_error(w));
    CU_ASSERT(strstr(vc_writer_error(w), "vidcube filter") != NULL);
    CU_ASSERT_EQUAL(vc_writer_def_nc(w, ncid, varid, 0, NULL), VC_ERR_NULL);
    CU_ASSERT_EQUAL(nc_close(ncid), NC_NOERR);
    vc_writer_free(w);
}

/* The filter's warning: not for a copy of decoded data, not for per-step
 * writes that the cache absorbs, once for per-step writes it cannot. */
static void test_reencode_warning(void)
{
    float *back = malloc(t2m.n * sizeof *back);
    CU_ASSERT_FATAL(back != NULL);
    field.nt = 48;                               /* two chunks are enough */
    eio_opts o = { 24, 1, PSNR, 0, 0 };

    /* decode a whole file, then write what was decoded into a new one */
    capture_begin();
    CU_ASSERT_FATAL(eio_write_oneshot(path("a.nc"), &field, &o) == 0);
    CU_ASSERT_FATAL(eio_read(path("a.nc"), back, 48 * 33 * 49) == 0);
    eio_field decoded = { back, 48, 33, 49 };
    CU_ASSERT_FATAL(eio_write_oneshot(path("copy.nc"), &decoded, &o) == 0);
    CU_ASSERT_EQUAL(capture_end(), 0);

    /* per-step writes with netCDF's default cache, which holds the chunk */
    unsigned long enc = ec_encodes(), dec = ec_decodes();
    capture_begin();
    CU_ASSERT_FATAL(eio_write_naive(path("naive_cached.nc"), &field, &o) == 0);
    CU_ASSERT_EQUAL(capture_end(), 0);
    CU_ASSERT_EQUAL(ec_encodes() - enc, 2);
    CU_ASSERT_EQUAL(ec_decodes() - dec, 0);

    /* per-step writes with a 64 KiB cache: a 155 kB chunk does not fit, so
     * each step after a chunk's first is a decode, a patch and an encode */
    o.cache_bytes = 64 << 10;
    enc = ec_encodes();
    dec = ec_decodes();
    capture_begin();
    CU_ASSERT_FATAL(eio_write_naive(path("naive.nc"), &field, &o) == 0);
    CU_ASSERT_EQUAL(capture_end(), 1);
    unsigned long naive_enc = ec_encodes() - enc, naive_dec = ec_decodes() - dec;
    printf("\n  naive, 64 KiB cache: %lu encodes and %lu decodes for 2 chunks", naive_enc,
           naive_dec);
    CU_ASSERT_EQUAL(naive_enc, 48);
    CU_ASSERT_EQUAL(naive_dec, 46);

    /* and the generation loss is real: worse than the one-shot file */
    CU_ASSERT_FATAL(eio_read(path("naive.nc"), back, 48 * 33 * 49) == 0);
    double naive = psnr_of(t2m.data, back, 48 * 33 * 49);
    CU_ASSERT_FATAL(eio_read(path("a.nc"), back, 48 * 33 * 49) == 0);
    double once = psnr_of(t2m.data, back, 48 * 33 * 49);
    printf(", PSNR %.2f dB against %.2f dB encoded once", naive, once);
    CU_ASSERT(naive < once);
    field.nt = t2m.a.dims[0];
    free(back);
}

static int setup(void)
{
    if (!mkdtemp(dir) || tu_load("era5_t2m_uk_crop.nc", "t2m", &t2m) != 0 ||
        t2m.a.dtype != VC_FLOAT32 || t2m.a.rank != 3)
        return 1;
    field = (eio_field){ t2m.data, t2m.a.dims[0], t2m.a.dims[1], t2m.a.dims[2] };
    return 0;
}

static int teardown(void)
{
    static const char *files[] = { "writer.nc", "oneshot.nc", "writer.h5", "oneshot.h5",
                                   "partial.nc", "plain.nc", "a.nc", "copy.nc",
                                   "naive_cached.nc", "naive.nc", "stderr.txt" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(path(files[i]));
    rmdir(dir);
    tu_free(&t2m);
    return 0;
}

int main(void)
{
    /* No plugin anywhere: the writer must register the filter itself, and
     * it registers it before the plain netCDF writes run. */
    setenv("HDF5_PLUGIN_PATH", "/nonexistent/vidcube-embed-steps", 1);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("time-step writer", setup, teardown);
    CU_add_test(s, "netCDF, day-long chunks: one encode per chunk, = one-shot", test_nc_day_chunks);
    CU_add_test(s, "netCDF, unlimited time, partial last chunk on close",
                test_nc_partial_unlimited);
    CU_add_test(s, "netCDF, fixed time, partial edge chunk", test_nc_partial_fixed);
    CU_add_test(s, "HDF5, uneven batches, = one H5Dwrite", test_h5_batches);
    CU_add_test(s, "refusals with a reason", test_refusals);
    CU_add_test(s, "re-encode warning: once, and only for patched chunks", test_reencode_warning);
    return tu_run_cunit();
}
