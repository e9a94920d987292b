/*
 * writer_internal.h: what the time-step writer's files share.
 *   writer.c      buffering: steps collect until a run of chunks is whole
 *   writer_nc.c   the netCDF-4 back end (define, open, write a run)
 *   writer_h5.c   the HDF5 back end, and HDF5's reason for a failure
 */
#ifndef VC_WRITER_INTERNAL_H
#define VC_WRITER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "vidcube_writer.h"

/* A back end writes `nsteps` whole steps starting at step `first` (a chunk
 * boundary; nsteps is a whole run of chunks, or the last, partial one). */
typedef struct writer_backend {
    int (*write)(vc_writer *w, size_t first, size_t nsteps, const void *data);
    void (*release)(vc_writer *w);
} writer_backend;

struct vc_writer {
    char err[768];
    /* The open variable; be == NULL when none. */
    const writer_backend *be;
    int      ncid, varid;          /* netCDF back end */
    int64_t  dset;                 /* HDF5 back end (an hid_t) */
    int      rank;
    size_t   dims[VC_MAX_RANK];    /* dims[0]: the fixed length, or 0 if unlimited */
    vc_dtype dtype;
    size_t   esize;
    size_t   step_values, step_bytes, chunk_steps;
    size_t   first_step;           /* where appending started */
    size_t   run_start;            /* step of buffer[0]: a chunk boundary */
    size_t   nbuf;                 /* steps in buffer */
    unsigned char *buffer;         /* chunk_steps * step_bytes, allocated on first use */
    size_t   steps, writes;
};

/* Set w->err (printf-style) and return status. */
int writer_fail(vc_writer *w, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Called by the back ends' open once they know the variable: checks the
 * chunking and the starting step, and makes w open. dims[0] is the fixed
 * length (0 when unlimited); first is the step appending starts at. */
int writer_attach(vc_writer *w, const writer_backend *be, int rank, const size_t *dims,
                  vc_dtype dtype, size_t chunk_steps, size_t first, const char *what);

/* The user words of the filter for params (default roles), checked. */
int writer_cd(vc_writer *w, const vc_params *params, unsigned int *cd, size_t *n);
/* Register the vidcube filter with this process's HDF5. */
int writer_register(vc_writer *w);

/* The most useful message on HDF5's current error stack (the vidcube
 * filter's own, else the innermost one), or "" when it is empty. */
const char *writer_h5_reason(char *buf, size_t size);

#endif /* VC_WRITER_INTERNAL_H */
