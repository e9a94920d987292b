/*
 * vidcube_writer.h: append time steps to a netCDF-4 or HDF5 variable that
 * the vidcube filter compresses, encoding every chunk exactly once.
 *
 * Why a writer: a model writes one time step at a time, but one vidcube
 * chunk spans many steps (it is one video). Writing each step straight into
 * the file (nc_put_vara, H5Dwrite) only works while HDF5's chunk cache keeps
 * the half-filled chunk; once it is evicted, the next step makes HDF5 decode
 * it, patch it and encode it again: slow, and lossy every time (generation
 * loss). The writer keeps the steps of one run of chunks in memory and hands
 * them to netCDF/HDF5 in one call that covers whole chunks, so each chunk
 * goes through the encoder once, whatever the cache size. A partly filled
 * last chunk is written on close.
 *
 *     vc_writer *w = vc_writer_create();
 *     // define mode: t2m(time, lat, lon), chunks of 24 steps x whole frame
 *     vc_writer_def_nc(w, ncid, varid, 24, &params);
 *     nc_enddef(ncid);
 *     vc_writer_open_nc(w, ncid, varid);
 *     for (t = 0; t < nt; t++)
 *         vc_writer_append(w, VC_FLOAT32, step[t], 1);   // one step: lat x lon
 *     rc = vc_writer_close(w);                            // flushes the last chunk
 *     if (rc < 0) fprintf(stderr, "%s\n", vc_writer_error(w));
 *     vc_writer_free(w);
 *     nc_close(ncid);                                     // check it: see below
 *
 * Memory: one run of chunks along time, i.e. chunk_steps x one whole step of
 * the variable (24 x 721 x 1440 float32 = 100 MB for global 0.25-degree
 * hourly data with day-long chunks).
 *
 * The writer registers the vidcube filter in-process (no HDF5_PLUGIN_PATH
 * needed to write; readers need the plugin). HDF5 runs the filter when it
 * evicts a chunk or closes the file, so a chunk that cannot be coded makes
 * nc_close / H5Dclose / H5Fclose fail: check them.
 *
 * Link with libvidcube_nc (pkg-config vidcube_nc). It needs netCDF-C and
 * serial HDF5; libvidcube itself knows nothing of either.
 *
 * Threads: a writer is used by one thread at a time (as netCDF requires).
 *
 * Copyright (C) 2026 the vidcube authors. GPL-2.0-or-later.
 */
#ifndef VIDCUBE_WRITER_H
#define VIDCUBE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "vidcube.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vc_writer vc_writer;

/* A writer with no variable yet; NULL only when memory runs out. */
VC_API vc_writer *vc_writer_create(void);
/* Free a writer (closing it first if it is open; check vc_writer_close
 * yourself to see errors). Accepts NULL. */
VC_API void vc_writer_free(vc_writer *w);

/* A one-line English explanation of the last failure on w, or "". */
VC_API const char *vc_writer_error(const vc_writer *w);

/* ------------------------------------------------------------------------
 * Defining a variable (optional: any chunked variable whose first axis is
 * time and that carries the vidcube filter will do).
 * ---------------------------------------------------------------------- */
/* In define mode: chunk the netCDF-4 variable (ncid, varid) as chunk_steps
 * steps along its first axis by the whole of every other axis, and request
 * the vidcube filter with params (axis roles: the defaults for its rank). */
VC_API int vc_writer_def_nc(vc_writer *w, int ncid, int varid, size_t chunk_steps,
                            const vc_params *params);
/* The same for an HDF5 dataset creation property list: dcpl gets the chunk
 * (chunk_steps x dims[1] x ...) and the filter. dims are the dataset's
 * extents (dims[0] is not used). dcpl is an hid_t (int64_t since HDF5 1.10). */
VC_API int vc_writer_def_h5(vc_writer *w, int64_t dcpl, int rank, const size_t *dims,
                            size_t chunk_steps, const vc_params *params);

/* ------------------------------------------------------------------------
 * Appending.
 * ---------------------------------------------------------------------- */
/* Start appending to a netCDF-4 variable, or an HDF5 dataset (an hid_t),
 * that is chunked, uses the vidcube filter, and has time as its first axis.
 * Appending starts at the variable's current length when the first axis
 * is unlimited, else at step 0. It must start on a chunk boundary: a
 * variable that ends inside a chunk is refused (continuing it would decode
 * and re-encode that chunk). The file must stay open until close. */
VC_API int vc_writer_open_nc(vc_writer *w, int ncid, int varid);
VC_API int vc_writer_open_h5(vc_writer *w, int64_t dset);

/* Append nsteps time steps: nsteps x (the product of the other extents)
 * values of type dtype, which must be the variable's own type, in C order.
 * Whole runs of chunks are written as soon as they are complete. */
VC_API int vc_writer_append(vc_writer *w, vc_dtype dtype, const void *data, size_t nsteps);

/* Write the buffered steps (a partly filled last chunk) and release the
 * variable; w can then be opened again. Returns the status of that write. */
VC_API int vc_writer_close(vc_writer *w);

typedef struct vc_writer_stats {
    vc_dtype dtype;          /* the variable's type */
    size_t   step_values;    /* values in one time step */
    size_t   chunk_steps;    /* time steps per chunk */
    size_t   first_step;     /* where this writer started appending */
    size_t   steps;          /* steps appended so far */
    size_t   buffered;       /* of which still in memory, waiting for their chunk */
    size_t   writes;         /* netCDF/HDF5 write calls: one per run of chunks */
    size_t   buffer_bytes;   /* memory held for one run */
} vc_writer_stats;

VC_API int vc_writer_stats_get(const vc_writer *w, vc_writer_stats *s);

#ifdef __cplusplus
}
#endif
#endif /* VIDCUBE_WRITER_H */
