/* filter_throughput.c: read throughput of one variable three ways, for the
 * filter's closing note (not a test: `make check` only builds it; run it
 * with filter_throughput.sh on the shared datasets):
 *   hdf5+vidcube  H5Dread through the plugin
 *   direct        the same stored chunks read raw (H5Dread_chunk) and
 *                 decoded by vc_decompress into the whole array: what the
 *                 filter costs on top is HDF5's pipeline and our glue
 *   decode only   vc_decompress alone on streams already in memory
 *   hdf5+deflate  H5Dread of the same variable stored with shuffle+deflate
 * Each is the best of REPEATS runs, the four interleaved (the machine is
 * shared), the file reopened every run so HDF5's chunk cache starts cold.
 * Times are process CPU time: on a loaded machine, wall time mostly
 * measures how long we wait for a core. Run single-threaded
 * (VIDCUBE_THREADS=1, as filter_throughput.sh does) so CPU time is
 * elapsed working time.
 *   filter_throughput VIDCUBE_FILE DEFLATE_FILE VAR [REPEATS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter_util.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    void  **streams;
    size_t *sizes;
    size_t  n, chunk_bytes;
} chunk_set;

static int load_streams(const char *file, const char *var, chunk_set *c)
{
    hid_t fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, var, H5P_DEFAULT), space = H5Dget_space(ds);
    hsize_t n = 0, off[VC_MAX_RANK], nbytes;
    unsigned mask;
    haddr_t addr;
    int rc = H5Dget_num_chunks(ds, space, &n) < 0 ? -1 : 0;
    c->n = (size_t)n;
    c->streams = calloc(c->n, sizeof *c->streams);
    c->sizes = calloc(c->n, sizeof *c->sizes);
    c->chunk_bytes = 0;
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        vc_stream_info info;
        rc = -1;
        if (H5Dget_chunk_info(ds, space, i, off, &mask, &addr, &nbytes) < 0 ||
            !(c->streams[i] = malloc(nbytes)) ||
            H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, c->streams[i]) < 0 ||
            vc_stream_info_read(c->streams[i], nbytes, &info) != VC_OK)
            break;
        c->sizes[i] = nbytes;
        if (info.decoded_size > c->chunk_bytes)
            c->chunk_bytes = info.decoded_size;
        rc = 0;
    }
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(fid);
    return rc;
}

static double time_decode_only(const chunk_set *c)
{
    vc_ctx *ctx = vc_ctx_create(NULL);
    void *out = malloc(c->chunk_bytes);
    double t0 = now();
    for (size_t i = 0; i < c->n; i++)
        if (vc_decompress(ctx, c->streams[i], c->sizes[i], out, c->chunk_bytes) != VC_OK) {
            fprintf(stderr, "chunk %zu: %s\n", i, vc_ctx_error(ctx));
            t0 = -1e30;
        }
    double t = now() - t0;
    free(out);
    vc_ctx_free(ctx);
    return t < 0 ? -1 : t;
}

typedef int (*reader)(const char *file, const char *var, fu_dataset *d);

static int read_through(const char *file, const char *var, fu_dataset *d)
{
    return fu_read(file, var, d, NULL, 0);
}

/* One timed read; keeps the result in *keep (freeing the previous one). */
static double timed(reader read, const char *file, const char *var, fu_dataset *keep)
{
    fu_dataset d;
    double t0 = now();
    if (read(file, var, &d) != 0)
        return -1;
    double t = now() - t0;
    fu_free(keep);
    *keep = d;
    return t;
}

static double least(double best, double t)
{
    return t < 0 || best < 0 ? -1 : (t < best ? t : best);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s VIDCUBE_FILE DEFLATE_FILE VAR [REPEATS]\n", argv[0]);
        return 2;
    }
    const char *vc_file = argv[1], *gz_file = argv[2], *var = argv[3];
    int repeats = argc == 5 ? atoi(argv[4]) : 5;
    fu_use_build_plugin();
    fu_dataset through = { 0 }, direct = { 0 }, deflate = { 0 };
    chunk_set c;
    if (load_streams(vc_file, var, &c) != 0) {
        fprintf(stderr, "%s: cannot read the chunks of %s in %s\n", argv[0], var, vc_file);
        return 1;
    }
    /* Interleaved, so load from other processes hits every method alike. */
    double t_through = 1e30, t_direct = 1e30, t_deflate = 1e30, t_decode = 1e30;
    for (int r = 0; r < repeats; r++) {
        t_through = least(t_through, timed(read_through, vc_file, var, &through));
        t_direct = least(t_direct, timed(fu_decode_chunks, vc_file, var, &direct));
        t_deflate = least(t_deflate, timed(read_through, gz_file, var, &deflate));
        t_decode = least(t_decode, time_decode_only(&c));
    }
    if (t_through < 0 || t_direct < 0 || t_deflate < 0 || t_decode < 0) {
        fprintf(stderr, "%s: cannot read %s from %s or %s\n", argv[0], var, vc_file, gz_file);
        return 1;
    }
    size_t bytes = through.n * vc_dtype_size(through.a.dtype);
    if (memcmp(through.data, direct.data, bytes) != 0) {
        fprintf(stderr, "%s: HDF5's read differs from the direct decode\n", argv[0]);
        return 1;
    }
    double mb = (double)bytes / 1e6;
    printf("%-16s %7.1f MB %4zu chunks | hdf5+vidcube %7.1f MB/s | direct %7.1f MB/s | "
           "decode only %7.1f MB/s | hdf5+deflate %7.1f MB/s | filter overhead %+5.1f %%\n",
           var, mb, c.n, mb / t_through, mb / t_direct, mb / t_decode, mb / t_deflate,
           100.0 * (t_through - t_direct) / t_direct);
    for (size_t i = 0; i < c.n; i++)
        free(c.streams[i]);
    free(c.streams);
    free(c.sizes);
    fu_free(&through);
    fu_free(&direct);
    fu_free(&deflate);
    return 0;
}
