/*
 * vcmpi.h: vidcube-mpi, the parallel HDF5 example (issue 9). Every rank
 * owns a slab of an array split along one axis; the slabs are written
 * collectively into one chunked dataset through the vidcube filter, or
 * read back collectively.
 *   vcmpi_main.c   arguments, MPI start and end, the two commands
 *   vcmpi_slab.c   which slab each rank owns
 *   vcmpi_util.c   messages, HDF5 error stacks, agreeing on failure
 *   vcmpi_write.c  read the input slab, write the filtered dataset
 *   vcmpi_read.c   read through the filter, optionally save raw (MPI-IO)
 */
#ifndef VCMPI_H
#define VCMPI_H

#include <stddef.h>
#include <mpi.h>
#include <hdf5.h>

#include "vidcube_filter.h"

typedef struct vcmpi_opts {
    const char  *in, *var, *out;   /* write: IN VAR OUT; read: FILE VAR, --raw OUT */
    int          split;            /* the axis divided among ranks */
    hsize_t      chunk[VC_MAX_RANK];
    int          nchunk;           /* entries given with --chunk (0 = extent) */
    int          unaligned;        /* split evenly, across chunk boundaries */
    int          independent;      /* independent transfers (refused for filtered writes) */
    unsigned int cd[VC_CD_NUSER];  /* the filter's user words */
    size_t       ncd;
    int          rank, nranks;     /* this process in MPI_COMM_WORLD */
} vcmpi_opts;

/* This rank's part of an array: start and count per axis. */
typedef struct vcmpi_slab {
    int     ndims;
    hsize_t dims[VC_MAX_RANK];
    hsize_t start[VC_MAX_RANK], count[VC_MAX_RANK];
    size_t  nvalues;               /* 0 when this rank owns nothing */
} vcmpi_slab;

/* Split dims along axis `split` among nranks. Aligned (the default): whole
 * chunks of extent `chunk_extent` are dealt out in contiguous runs, so
 * every chunk has exactly one writer; ranks beyond the number of chunks
 * own nothing. Unaligned: the axis is cut evenly, whatever the chunks. */
void vcmpi_slab_of(int ndims, const hsize_t *dims, int split, hsize_t chunk_extent,
                   int aligned, int rank, int nranks, vcmpi_slab *s);
/* Select the slab in a dataspace of the whole array (none when empty). */
herr_t vcmpi_slab_select(const vcmpi_slab *s, hid_t space);

/* "vidcube-mpi: rank R: <message>" on stderr; returns -1. */
int vcmpi_error(const vcmpi_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As vcmpi_error, with HDF5's error stack after the message. */
int vcmpi_h5error(const vcmpi_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when every rank says ok, else 0: ranks stop together, none waits in a
 * collective call the others have left. */
int vcmpi_all_ok(int ok);

/* "float32", "int16", ... for messages; returns out. */
const char *vcmpi_type_name(hid_t type, char *out, size_t size);
/* "168x33x49"; returns out. */
const char *vcmpi_dims_text(int ndims, const hsize_t *dims, char *out, size_t size);

/* A file access list for MPI-IO on MPI_COMM_WORLD, and a transfer list
 * (collective unless `independent`). */
hid_t vcmpi_fapl(void);
hid_t vcmpi_dxpl(int independent);

int vcmpi_write(const vcmpi_opts *o);
int vcmpi_read(const vcmpi_opts *o);

#endif
