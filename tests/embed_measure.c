/* embed_measure.c: what writing time steps costs, for the closing note of
 * issue 10 (not a test: it times things).
 *
 *     ./embed_measure /work/shared/data/era5_t2m_uk_2019-03_hourly.nc [PSNR [CHUNK]]
 *
 * Writes t2m(time, lat, lon) of FILE, one step at a time, into new netCDF-4
 * files coded by vidcube (PSNR target, default 45 dB; chunks of CHUNK steps,
 * default 24, by whole frames):
 *   writer        vc_writer_append per step
 *   naive         nc_put_vara per step, netCDF's default chunk cache
 *   naive-small   nc_put_vara per step, a 64 KiB cache (smaller than a chunk,
 *                 as for any field whose chunk outgrows the default cache)
 *   one-shot      the whole array in one nc_put_vara (the reference)
 * and prints, for each: wall and CPU time, the filter's encodes and decodes (counted
 * by interposing vc_compress/vc_decompress), re-encodes beyond one per
 * chunk, the PSNR of what the file holds, and the dB lost against one-shot.
 * It also checks that the writer's chunks equal one-shot's byte for byte. */
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embed_count.h"
#include "embed_io.h"

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *load(const char *file, eio_field *f)
{
    int ncid, varid, dims[3], nd;
    size_t len[3];
    if (nc_open(file, NC_NOWRITE, &ncid) != NC_NOERR || nc_inq_varid(ncid, "t2m", &varid) ||
        nc_inq_varndims(ncid, varid, &nd) || nd != 3 || nc_inq_vardimid(ncid, varid, dims))
        return NULL;
    for (int i = 0; i < 3; i++)
        if (nc_inq_dimlen(ncid, dims[i], &len[i]))
            return NULL;
    float *data = malloc(len[0] * len[1] * len[2] * sizeof *data);
    if (!data || nc_get_var_float(ncid, varid, data) || nc_close(ncid))
        return NULL;
    *f = (eio_field){ data, len[0], len[1], len[2] };
    return data;
}

typedef int (*write_fn)(const char *, const eio_field *, const eio_opts *);

static int via_writer(const char *path, const eio_field *f, const eio_opts *o)
{
    return eio_write_writer(path, f, o, NULL, NULL);
}

typedef struct result {
    double seconds, cpu, psnr, bytes;
    unsigned long encodes, decodes;
} result;

static int run(const char *path, write_fn fn, const eio_field *f, const eio_opts *o, result *r)
{
    unsigned long enc = ec_encodes(), dec = ec_decodes();
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    if (fn(path, f, o))
        return -1;
    r->seconds = now(CLOCK_MONOTONIC) - t0;
    r->cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    r->encodes = ec_encodes() - enc;
    r->decodes = ec_decodes() - dec;
    size_t n = f->nt * f->ny * f->nx;
    float *back = malloc(n * sizeof *back);
    if (!back || eio_read(path, back, n))
        return -1;
    vc_array a = { .dtype = VC_FLOAT32, .rank = 1, .dims = { n } };
    vc_quality q;
    vc_measure(&a, f->data, back, 0, 0, NULL, 0, &q);
    r->psnr = q.psnr_db;
    free(back);
    struct stat st;
    r->bytes = stat(path, &st) ? -1 : (double)st.st_size;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.nc [PSNR [CHUNK]]  (FILE holds t2m(time, lat, lon))\n",
                argv[0]);
        return 2;
    }
    setenv("HDF5_PLUGIN_PATH", "/nonexistent/vidcube-embed-measure", 1);
    eio_field f;
    if (!load(argv[1], &f)) {
        fprintf(stderr, "%s: cannot read float t2m(time, lat, lon)\n", argv[1]);
        return 1;
    }
    eio_opts o = { argc > 3 ? (size_t)atol(argv[3]) : 24, 1, argc > 2 ? atof(argv[2]) : 45, 0, 0 };
    char dir[] = "/tmp/vc_embed_measure.XXXXXX", path[4][300];
    if (!mkdtemp(dir))
        return 1;
    /* The writer first: it registers the filter in-process for all four. */
    static const char *names[] = { "writer", "one-shot", "naive", "naive-small" };
    write_fn fns[] = { via_writer, eio_write_oneshot, eio_write_naive, eio_write_naive };
    result r[4];
    size_t nchunks = (f.nt + o.chunk_steps - 1) / o.chunk_steps;
    printf("%s: t2m %zu x %zu x %zu float32, chunks of %zu steps (%zu chunks of %.0f kB), "
           "PSNR >= %g dB per chunk\n", argv[1], f.nt, f.ny, f.nx, o.chunk_steps, nchunks,
           (double)(o.chunk_steps * f.ny * f.nx * 4) / 1e3, o.psnr);
    int rc = 0;
    for (int i = 0; i < 4 && !rc; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s.nc", dir, names[i]);
        o.cache_bytes = i == 3 ? 64 << 10 : 0;
        rc = run(path[i], fns[i], &f, &o, &r[i]);
    }
    if (!rc) {
        long same = eio_compare_chunks(path[0], path[1]);
        printf("%-12s %8s %8s %8s %8s %10s %9s %9s %10s\n", "method", "wall s", "cpu s",
               "encodes", "decodes", "re-encodes", "PSNR dB", "dB lost", "file bytes");
        for (int i = 0; i < 4; i++)
            printf("%-12s %8.2f %8.2f %8lu %8lu %10lu %9.3f %9.3f %10.0f\n", names[i],
                   r[i].seconds, r[i].cpu, r[i].encodes, r[i].decodes, r[i].encodes - nchunks, r[i].psnr,
                   r[1].psnr - r[i].psnr, r[i].bytes);
        printf("writer's chunks %s one-shot's, byte for byte (%ld chunks)\n",
               same == (long)nchunks ? "equal" : "DIFFER FROM", same);
        rc = same != (long)nchunks;
    }
    for (int i = 0; i < 4; i++)
        unlink(path[i]);
    rmdir(dir);
    free((void *)f.data);
    return rc ? 1 : 0;
}
