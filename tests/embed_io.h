/* embed_io.h: writing a (time, latitude, longitude) float32 field into a
 * netCDF-4 variable coded by vidcube, three ways, and comparing the stored
 * chunks of two files. Shared by the time-step writer's test
 * (embed_steps.c) and its measurement (embed_measure.c). */
#ifndef EMBED_IO_H
#define EMBED_IO_H

#include <stddef.h>

#include "vidcube_writer.h"

typedef struct eio_field {
    const float *data;        /* nt x ny x nx, C order */
    size_t nt, ny, nx;
} eio_field;

typedef struct eio_opts {
    size_t chunk_steps;       /* time steps per chunk (whole frames) */
    int    unlimited;         /* time is an unlimited dimension */
    double psnr;              /* the filter's PSNR target, dB */
    size_t cache_bytes;       /* naive writes: the variable's chunk cache; 0 = netCDF's default */
    size_t steps;             /* write only the first `steps` steps (0: all) */
} eio_opts;

/* Through the time-step writer, one step per vc_writer_append. The stats
 * just before and after vc_writer_close go to before/after (may be NULL).
 * Every call is checked up to nc_close: 0, or -1 with the reason on stderr. */
int eio_write_writer(const char *path, const eio_field *f, const eio_opts *o,
                     vc_writer_stats *before, vc_writer_stats *after);
/* The reference: the whole field in one nc_put_vara, defined with plain
 * netCDF calls (nc_def_var_chunking, nc_def_var_filter). */
int eio_write_oneshot(const char *path, const eio_field *f, const eio_opts *o);
/* The naive way: defined as the reference, then one nc_put_vara per step,
 * with the chunk cache o->cache_bytes (nc_set_var_chunk_cache). */
int eio_write_naive(const char *path, const eio_field *f, const eio_opts *o);

/* Read t2m back through the filter into out (n values). 0 or -1. */
int eio_read(const char *path, float *out, size_t n);

/* Compare the stored (compressed) chunks of /t2m in two files, byte for
 * byte, with H5Dread_chunk. Returns the number of chunks, all identical, or
 * -1 with the first difference on stderr. */
long eio_compare_chunks(const char *path_a, const char *path_b);

#endif
