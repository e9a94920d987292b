/* vcmpi_write.c: `vidcube-mpi write IN VAR OUT`. Every rank reads its slab
 * of IN:VAR, then all ranks create OUT:VAR (chunked, vidcube filter) and
 * write their slabs in one collective H5Dwrite.
 *
 * What parallel HDF5 (>= 1.10.2) asks of a filtered dataset, and why:
 *  - the transfer must be collective: a compressed chunk's size is known
 *    only after the filter ran, so the ranks must agree on where every
 *    chunk goes in the file, which happens inside the collective write;
 *  - chunks are better aligned to the slabs: a chunk touched by several
 *    ranks is sent to one of them, which runs the filter on the whole
 *    chunk (correct, but more traffic and less balanced work);
 *  - the ranks' OpenMP threads share the node: VIDCUBE_THREADS per rank
 *    times ranks per node should not exceed its cores. */
#include <stdio.h>
#include <stdlib.h>

#include "vcmpi.h"

/* Everything the write opens, so one function can close it all. */
typedef struct job {
    hid_t in_file, in_dset, ftype, mtype, out_file, out_dset, dcpl, fspace, mspace, fapl, dxpl;
    void *buf;
} job;

static void job_close(job *j)
{
    if (j->out_dset >= 0) H5Dclose(j->out_dset);
    if (j->out_file >= 0) H5Fclose(j->out_file);
    if (j->in_dset >= 0) H5Dclose(j->in_dset);
    if (j->in_file >= 0) H5Fclose(j->in_file);
    if (j->ftype >= 0) H5Tclose(j->ftype);
    if (j->mtype >= 0) H5Tclose(j->mtype);
    if (j->dcpl >= 0) H5Pclose(j->dcpl);
    if (j->fspace >= 0) H5Sclose(j->fspace);
    if (j->mspace >= 0) H5Sclose(j->mspace);
    if (j->fapl >= 0) H5Pclose(j->fapl);
    if (j->dxpl >= 0) H5Pclose(j->dxpl);
    free(j->buf);
}

/* The chunk: --chunk as given (0 = the whole extent); by default the
 * extent of the split axis divided among the ranks, whole elsewhere, so
 * each rank's slab is one chunk. */
static int chunk_dims(const vcmpi_opts *o, int ndims, const hsize_t *dims, hsize_t *chunk)
{
    if (o->nchunk && o->nchunk != ndims)
        return vcmpi_error(o, "--chunk has %d extents; %s has %d dimensions", o->nchunk,
                           o->var, ndims);
    for (int i = 0; i < ndims; i++) {
        chunk[i] = o->nchunk && o->chunk[i] ? o->chunk[i] : dims[i];
        if (!o->nchunk && i == o->split)
            chunk[i] = (dims[i] + (hsize_t)o->nranks - 1) / (hsize_t)o->nranks;
        if (chunk[i] > dims[i])
            chunk[i] = dims[i];
        if (chunk[i] == 0)
            chunk[i] = 1;   /* an empty dimension still needs a positive chunk extent */
    }
    return 0;
}

/* Open IN:VAR and read this rank's slab of it (collectively). */
static int read_input(const vcmpi_opts *o, job *j, vcmpi_slab *s, hsize_t *chunk)
{
    hsize_t dims[VC_MAX_RANK];
    if ((j->in_file = H5Fopen(o->in, H5F_ACC_RDONLY, j->fapl)) < 0)
        return vcmpi_h5error(o, "cannot open %s", o->in);
    if ((j->in_dset = H5Dopen2(j->in_file, o->var, H5P_DEFAULT)) < 0)
        return vcmpi_h5error(o, "no variable %s in %s", o->var, o->in);
    j->ftype = H5Dget_type(j->in_dset);
    j->mtype = H5Tget_native_type(j->ftype, H5T_DIR_ASCEND);
    j->fspace = H5Dget_space(j->in_dset);
    int ndims = H5Sget_simple_extent_ndims(j->fspace);
    if (j->mtype < 0 || ndims < 1 || ndims > VC_MAX_RANK)
        return vcmpi_error(o, "%s:%s must be a numeric array of rank 1 to %d", o->in, o->var,
                           VC_MAX_RANK);
    if (o->split >= ndims)
        return vcmpi_error(o, "--split %d: %s has %d dimensions", o->split, o->var, ndims);
    H5Sget_simple_extent_dims(j->fspace, dims, NULL);
    if (chunk_dims(o, ndims, dims, chunk) < 0)
        return -1;
    vcmpi_slab_of(ndims, dims, o->split, chunk[o->split], !o->unaligned, o->rank, o->nranks, s);

    size_t esize = H5Tget_size(j->mtype);
    if (!(j->buf = malloc(s->nvalues ? s->nvalues * esize : 1)))
        return vcmpi_error(o, "out of memory for a slab of %zu values", s->nvalues);
    hsize_t one = 1;
    j->mspace = s->nvalues ? H5Screate_simple(ndims, s->count, NULL) : H5Screate_simple(1, &one, NULL);
    if (!s->nvalues)
        H5Sselect_none(j->mspace);
    if (vcmpi_slab_select(s, j->fspace) < 0 ||
        H5Dread(j->in_dset, j->mtype, j->mspace, j->fspace, j->dxpl, j->buf) < 0)
        return vcmpi_h5error(o, "cannot read %s:%s", o->in, o->var);
    return 0;
}

/* The output's creation properties: chunks, the filter, and the input's
 * fill value, so the filter masks what a serial copy (h5repack) masks. */
static int output_dcpl(const vcmpi_opts *o, job *j, int ndims, const hsize_t *chunk)
{
    hid_t src = H5Dget_create_plist(j->in_dset);
    H5D_fill_value_t status = H5D_FILL_VALUE_UNDEFINED;
    int rc = 0;
    j->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (src < 0 || j->dcpl < 0 || H5Pfill_value_defined(src, &status) < 0)
        rc = -1;
    if (rc == 0 && status == H5D_FILL_VALUE_USER_DEFINED) {
        unsigned char fill[16];   /* one value of a numeric type */
        if (H5Pget_fill_value(src, j->mtype, fill) < 0 ||
            H5Pset_fill_value(j->dcpl, j->mtype, fill) < 0)
            rc = -1;
    }
    /* Parallel HDF5 allocates every chunk when the dataset is created, as a
     * compressed chunk of fill values (the filter runs once at H5Dcreate,
     * ~200 bytes a chunk): a chunk no rank writes reads back as fill. */
    if (rc == 0 && (H5Pset_chunk(j->dcpl, ndims, chunk) < 0 ||
                    H5Pset_filter(j->dcpl, VC_H5Z_FILTER_ID, H5Z_FLAG_MANDATORY, o->ncd,
                                  o->cd) < 0))
        rc = -1;
    if (src >= 0)
        H5Pclose(src);
    return rc < 0 ? vcmpi_h5error(o, "cannot set up the chunks and filter of %s", o->var) : 0;
}

/* Create OUT:VAR and write every slab in one collective call. Every close
 * is checked: a failing filter may only show there. */
static int write_output(const vcmpi_opts *o, job *j, const vcmpi_slab *s, const hsize_t *chunk,
                        hsize_t *stored)
{
    if (output_dcpl(o, j, s->ndims, chunk) < 0)
        return -1;
    if (H5Zfilter_avail(VC_H5Z_FILTER_ID) <= 0)
        return vcmpi_error(o, "HDF5 cannot load the vidcube filter (id %d): set "
                           "HDF5_PLUGIN_PATH to the directory of libh5z_vidcube_mpi.so "
                           "(and pass it to every rank: mpirun -x HDF5_PLUGIN_PATH)",
                           VC_H5Z_FILTER_ID);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    if ((j->out_file = H5Fcreate(o->out, H5F_ACC_TRUNC, H5P_DEFAULT, j->fapl)) < 0) {
        H5Pclose(lcpl);
        return vcmpi_h5error(o, "cannot create %s", o->out);
    }
    j->out_dset = H5Dcreate2(j->out_file, o->var, j->ftype, j->fspace, lcpl, j->dcpl,
                             H5P_DEFAULT);
    H5Pclose(lcpl);
    if (j->out_dset < 0)
        return vcmpi_h5error(o, "cannot create %s:%s", o->out, o->var);
    if (H5Dwrite(j->out_dset, j->mtype, j->mspace, j->fspace, j->dxpl, j->buf) < 0)
        return vcmpi_h5error(o, "H5Dwrite of %s:%s failed", o->out, o->var);
    *stored = H5Dget_storage_size(j->out_dset);
    herr_t rc = H5Dclose(j->out_dset);
    j->out_dset = H5I_INVALID_HID;
    if (rc < 0)
        return vcmpi_h5error(o, "H5Dclose of %s:%s failed", o->out, o->var);
    rc = H5Fclose(j->out_file);
    j->out_file = H5I_INVALID_HID;
    if (rc < 0)
        return vcmpi_h5error(o, "H5Fclose of %s failed", o->out);
    return 0;
}

int vcmpi_write(const vcmpi_opts *o)
{
    job j = { .in_file = -1, .in_dset = -1, .ftype = -1, .mtype = -1, .out_file = -1,
              .out_dset = -1, .dcpl = -1, .fspace = -1, .mspace = -1, .fapl = -1, .dxpl = -1 };
    vcmpi_slab s;
    hsize_t chunk[VC_MAX_RANK], stored = 0;
    j.fapl = vcmpi_fapl();
    j.dxpl = vcmpi_dxpl(o->independent);   /* HDF5 refuses independent filtered writes */
    int ok = j.fapl >= 0 && j.dxpl >= 0;

    double t0 = MPI_Wtime();
    ok = vcmpi_all_ok(ok && read_input(o, &j, &s, chunk) == 0);
    MPI_Barrier(MPI_COMM_WORLD);
    double t1 = MPI_Wtime();
    ok = ok && vcmpi_all_ok(write_output(o, &j, &s, chunk, &stored) == 0);
    MPI_Barrier(MPI_COMM_WORLD);
    double t2 = MPI_Wtime();

    if (ok && o->rank == 0) {
        char type[32], dims[96], cdims[96];
        double mb = (double)H5Tget_size(j.mtype) * (double)H5Sget_simple_extent_npoints(j.fspace) / 1e6;
        hsize_t nchunks = 1;
        for (int i = 0; i < s.ndims; i++)
            nchunks *= (s.dims[i] + chunk[i] - 1) / chunk[i];
        printf("write %s %s %s, chunk %s (%llu chunks), %d ranks%s: read %.3f s; "
               "wrote %.2f MB in %.3f s (%.2f MB/s); stored %llu bytes (%.2fx)\n",
               o->var, vcmpi_dims_text(s.ndims, s.dims, dims, sizeof dims),
               vcmpi_type_name(j.mtype, type, sizeof type),
               vcmpi_dims_text(s.ndims, chunk, cdims, sizeof cdims),
               (unsigned long long)nchunks, o->nranks, o->unaligned ? " (unaligned)" : "",
               t1 - t0, mb, t2 - t1, mb / (t2 - t1), (unsigned long long)stored,
               stored ? mb * 1e6 / (double)stored : 0.0);
    }
    job_close(&j);
    return ok ? 0 : -1;
}
