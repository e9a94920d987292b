/* vcmpi_read.c: `vidcube-mpi read FILE VAR [--raw OUT]`. Every rank reads
 * its slab of FILE:VAR through the filter (collectively by default; reads
 * of filtered data may also be independent), and with --raw the slabs are
 * saved together as one raw native-order file, written with MPI-IO, for
 * comparison with a serial decode.
 *
 * Slabs are aligned to the dataset's chunks, so each chunk is decoded by
 * one rank; --unaligned cuts the split axis evenly, and a chunk on a cut
 * is then decoded by every rank that touches it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "vcmpi.h"

/* Write this rank's slab of the whole array into OUT, at its place in C
 * order: the file view is the slab as an MPI subarray. Collective. */
static int save_raw(const vcmpi_opts *o, const vcmpi_slab *s, size_t esize, const void *buf)
{
    MPI_File fh;
    MPI_Datatype value, slab = MPI_DATATYPE_NULL;
    int ok = 1, rc;
    /* MPI counts and subarray extents are ints. */
    int fits = s->nvalues <= INT_MAX;
    for (int i = 0; i < s->ndims; i++)
        fits = fits && s->dims[i] <= INT_MAX;
    if (!vcmpi_all_ok(fits))
        return vcmpi_error(o, "--raw: the array or a slab exceeds MPI's int counts");
    rc = MPI_File_open(MPI_COMM_WORLD, o->out, MPI_MODE_CREATE | MPI_MODE_WRONLY,
                       MPI_INFO_NULL, &fh);
    if (rc != MPI_SUCCESS)
        return vcmpi_error(o, "cannot create %s (MPI-IO error %d)", o->out, rc);
    MPI_File_set_size(fh, 0);   /* replace, do not overlay, an older file */
    MPI_Type_contiguous((int)esize, MPI_BYTE, &value);
    MPI_Type_commit(&value);
    if (s->nvalues) {
        int sizes[VC_MAX_RANK], subs[VC_MAX_RANK], starts[VC_MAX_RANK];
        for (int i = 0; i < s->ndims; i++) {
            sizes[i] = (int)s->dims[i];
            subs[i] = (int)s->count[i];
            starts[i] = (int)s->start[i];
        }
        MPI_Type_create_subarray(s->ndims, sizes, subs, starts, MPI_ORDER_C, value, &slab);
        MPI_Type_commit(&slab);
    }
    /* A rank owning nothing still joins the collective calls, writing 0. */
    rc = MPI_File_set_view(fh, 0, value, s->nvalues ? slab : value, "native", MPI_INFO_NULL);
    if (rc == MPI_SUCCESS)
        rc = MPI_File_write_all(fh, buf, (int)s->nvalues, value, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS)
        ok = vcmpi_error(o, "cannot write %s (MPI-IO error %d)", o->out, rc) == 0;
    if (MPI_File_close(&fh) != MPI_SUCCESS)
        ok = vcmpi_error(o, "cannot close %s", o->out) == 0;
    if (slab != MPI_DATATYPE_NULL)
        MPI_Type_free(&slab);
    MPI_Type_free(&value);
    return ok ? 0 : -1;
}

/* The chunk extent along the split axis (the whole axis if not chunked). */
static hsize_t split_chunk(hid_t dset, int split, const hsize_t *dims)
{
    hid_t dcpl = H5Dget_create_plist(dset);
    hsize_t chunk[VC_MAX_RANK], extent = dims[split];
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED &&
        H5Pget_chunk(dcpl, VC_MAX_RANK, chunk) > split)
        extent = chunk[split];
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return extent ? extent : 1;
}

int vcmpi_read(const vcmpi_opts *o)
{
    hid_t fapl = vcmpi_fapl(), dxpl = vcmpi_dxpl(o->independent);
    hid_t file = -1, dset = -1, ftype = -1, mtype = -1, fspace = -1, mspace = -1;
    void *buf = NULL;
    vcmpi_slab s = { 0 };
    int ok = fapl >= 0 && dxpl >= 0;

    if (ok && (file = H5Fopen(o->in, H5F_ACC_RDONLY, fapl)) < 0)
        ok = vcmpi_h5error(o, "cannot open %s", o->in) == 0;
    if (ok && (dset = H5Dopen2(file, o->var, H5P_DEFAULT)) < 0)
        ok = vcmpi_h5error(o, "no variable %s in %s", o->var, o->in) == 0;
    if (ok) {
        ftype = H5Dget_type(dset);
        mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
        fspace = H5Dget_space(dset);
        int ndims = H5Sget_simple_extent_ndims(fspace);
        hsize_t dims[VC_MAX_RANK];
        if (mtype < 0 || ndims < 1 || ndims > VC_MAX_RANK || o->split >= ndims) {
            ok = vcmpi_error(o, "%s:%s: expected a numeric array of rank %d to %d", o->in,
                             o->var, o->split + 1, VC_MAX_RANK) == 0;
        } else {
            H5Sget_simple_extent_dims(fspace, dims, NULL);
            vcmpi_slab_of(ndims, dims, o->split, split_chunk(dset, o->split, dims),
                          !o->unaligned, o->rank, o->nranks, &s);
        }
    }
    size_t esize = ok ? H5Tget_size(mtype) : 1;
    if (ok && !(buf = malloc(s.nvalues ? s.nvalues * esize : 1)))
        ok = vcmpi_error(o, "out of memory for a slab of %zu values", s.nvalues) == 0;
    if (ok) {
        hsize_t one = 1;
        mspace = s.nvalues ? H5Screate_simple(s.ndims, s.count, NULL)
                           : H5Screate_simple(1, &one, NULL);
        if (!s.nvalues)
            H5Sselect_none(mspace);
        if (vcmpi_slab_select(&s, fspace) < 0)
            ok = vcmpi_h5error(o, "cannot select the slab") == 0;
    }
    ok = vcmpi_all_ok(ok);

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    if (ok)
        ok = vcmpi_all_ok(H5Dread(dset, mtype, mspace, fspace, dxpl, buf) >= 0 ||
                          vcmpi_h5error(o, "cannot read %s:%s", o->in, o->var) == 0);
    MPI_Barrier(MPI_COMM_WORLD);
    double t1 = MPI_Wtime();

    if (ok && o->rank == 0) {
        char type[32], dims[96];
        double mb = (double)esize * (double)H5Sget_simple_extent_npoints(fspace) / 1e6;
        printf("read %s %s %s, %d ranks%s%s: %.2f MB in %.3f s (%.2f MB/s)\n", o->var,
               vcmpi_dims_text(s.ndims, s.dims, dims, sizeof dims),
               vcmpi_type_name(mtype, type, sizeof type), o->nranks,
               o->unaligned ? " (unaligned)" : "", o->independent ? " (independent)" : "",
               mb, t1 - t0, mb / (t1 - t0));
    }
    if (ok && o->out)
        ok = vcmpi_all_ok(save_raw(o, &s, esize, buf) == 0);

    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (mtype >= 0) H5Tclose(mtype);
    if (ftype >= 0) H5Tclose(ftype);
    if (dset >= 0) H5Dclose(dset);
    if (file >= 0) H5Fclose(file);
    if (dxpl >= 0) H5Pclose(dxpl);
    if (fapl >= 0) H5Pclose(fapl);
    free(buf);
    return ok ? 0 : -1;
}
