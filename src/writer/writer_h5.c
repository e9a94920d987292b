/* writer_h5.c: the time-step writer's HDF5 back end, and HDF5's reason for
 * a failure (also used for netCDF-4 files, which are HDF5 underneath). */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "vidcube_filter.h"
#include "writer_internal.h"

/* The public header passes hid_t as int64_t so that netCDF-only programs
 * need no HDF5 headers. */
_Static_assert(sizeof(hid_t) == sizeof(int64_t), "hid_t is not 64 bits (HDF5 < 1.10?)");

typedef struct reason_walk {
    char  *buf;
    size_t size;
    int    found_filter;
} reason_walk;

/* Entries come innermost first: keep the first vidcube filter message, else
 * the first (innermost) message of any kind. */
static herr_t reason_entry(unsigned n, const H5E_error2_t *e, void *ud)
{
    reason_walk *r = ud;
    if (!e->desc || r->found_filter)
        return 0;
    int is_filter = strstr(e->desc, "vidcube filter:") != NULL;
    if (is_filter || (n == 0 && !r->buf[0])) {
        snprintf(r->buf, r->size, "%s", e->desc);
        r->found_filter = is_filter;
    }
    return 0;
}

const char *writer_h5_reason(char *buf, size_t size)
{
    reason_walk r = { buf, size, 0 };
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, reason_entry, &r);
    return buf;
}

static int h5_fail(vc_writer *w, const char *call)
{
    char why[512];
    writer_h5_reason(why, sizeof why);
    return writer_fail(w, VC_ERR_IO, "%s failed%s%s", call, why[0] ? ": " : "", why);
}

int vc_writer_def_h5(vc_writer *w, int64_t dcpl, int rank, const size_t *dims,
                     size_t chunk_steps, const vc_params *params)
{
    if (!w)
        return VC_ERR_NULL;
    if (!dims)
        return writer_fail(w, VC_ERR_NULL, "no dims");
    if (rank < 1 || rank > VC_MAX_RANK)
        return writer_fail(w, VC_ERR_SHAPE, "rank %d: the vidcube filter codes 1 to %d",
                           rank, VC_MAX_RANK);
    if (chunk_steps == 0)
        return writer_fail(w, VC_ERR_PARAM, "chunk_steps is 0: give the time steps per chunk "
                           "(24-100 for hourly fields)");
    unsigned int cd[VC_CD_NUSER];
    size_t n;
    int rc = writer_cd(w, params, cd, &n);
    if (rc == VC_OK)
        rc = writer_register(w);
    if (rc != VC_OK)
        return rc;
    hsize_t chunk[VC_MAX_RANK] = { chunk_steps };
    for (int i = 1; i < rank; i++)
        chunk[i] = dims[i] ? dims[i] : 1;
    if (H5Pset_chunk((hid_t)dcpl, rank, chunk) < 0)
        return h5_fail(w, "H5Pset_chunk");
    if (H5Pset_filter((hid_t)dcpl, VC_H5Z_FILTER_ID, H5Z_FLAG_MANDATORY, n, cd) < 0)
        return h5_fail(w, "H5Pset_filter");
    w->err[0] = '\0';
    return VC_OK;
}

static int h5_write(vc_writer *w, size_t first, size_t nsteps, const void *data)
{
    hid_t dset = (hid_t)w->dset, fspace = -1, mspace = -1, mtype = -1, ftype = -1;
    hsize_t start[VC_MAX_RANK] = { first }, count[VC_MAX_RANK] = { nsteps };
    hsize_t extent[VC_MAX_RANK] = { first + nsteps };
    for (int i = 1; i < w->rank; i++)
        count[i] = extent[i] = w->dims[i];
    int rc = VC_OK;
    if (w->dims[0] == 0) {           /* unlimited: grow to hold the run */
        hsize_t cur[VC_MAX_RANK];
        if ((fspace = H5Dget_space(dset)) < 0 || H5Sget_simple_extent_dims(fspace, cur, NULL) < 0)
            return h5_fail(w, "H5Dget_space");
        H5Sclose(fspace);
        fspace = -1;
        if (cur[0] < extent[0] && H5Dset_extent(dset, extent) < 0)
            return h5_fail(w, "H5Dset_extent");
    }
    if ((fspace = H5Dget_space(dset)) < 0 ||
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        (mspace = H5Screate_simple(w->rank, count, NULL)) < 0 ||
        (ftype = H5Dget_type(dset)) < 0 ||
        (mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND)) < 0)
        rc = h5_fail(w, "selecting the steps to write");
    else if (H5Dwrite(dset, mtype, mspace, fspace, H5P_DEFAULT, data) < 0)
        rc = h5_fail(w, "H5Dwrite");
    if (mtype >= 0) H5Tclose(mtype);
    if (ftype >= 0) H5Tclose(ftype);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

static void h5_release(vc_writer *w)
{
    w->dset = -1;
}

static const writer_backend h5_backend = { h5_write, h5_release };

/* The vc_dtype of a dataset's type (native order only, as the filter). */
static vc_dtype dtype_of(hid_t type)
{
    H5T_class_t cls = H5Tget_class(type);
    size_t size = H5Tget_size(type);
    if (H5Tget_order(type) != (H5Tget_order(H5T_NATIVE_INT)))
        return (vc_dtype)0;
    if (cls == H5T_FLOAT)
        return size == 4 ? VC_FLOAT32 : size == 8 ? VC_FLOAT64 : (vc_dtype)0;
    if (cls != H5T_INTEGER)
        return (vc_dtype)0;
    int sign = H5Tget_sign(type) == H5T_SGN_2;
    switch (size) {
    case 1: return sign ? VC_INT8 : VC_UINT8;
    case 2: return sign ? VC_INT16 : VC_UINT16;
    case 4: return sign ? VC_INT32 : VC_UINT32;
    default: return (vc_dtype)0;
    }
}

/* Asked filter by filter: H5Pget_filter_by_id2 would print an error
 * stack for a dataset without it. */
static int has_vidcube(hid_t dcpl)
{
    int n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n; i++) {
        unsigned flags, cd[VC_CD_NALL];
        size_t ncd = VC_CD_NALL;
        if (H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL) ==
            VC_H5Z_FILTER_ID)
            return 1;
    }
    return 0;
}

/* Read what the writer needs from an open dataset: extents, chunk, type. */
static int inspect(vc_writer *w, hid_t dset, int *rank, size_t *dims, size_t *len0,
                   size_t *chunk_steps, vc_dtype *dtype)
{
    hid_t space = H5Dget_space(dset), dcpl = H5Dget_create_plist(dset), type = H5Dget_type(dset);
    hsize_t cur[VC_MAX_RANK], max[VC_MAX_RANK], chunk[VC_MAX_RANK];
    int rc = VC_OK;
    *rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    if (space < 0 || dcpl < 0 || type < 0 || *rank < 0)
        rc = h5_fail(w, "inspecting the dataset");
    else if (*rank < 1 || *rank > VC_MAX_RANK)
        rc = writer_fail(w, VC_ERR_SHAPE, "the dataset has rank %d; the vidcube filter codes "
                         "1 to %d", *rank, VC_MAX_RANK);
    else if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, *rank, chunk) != *rank)
        rc = writer_fail(w, VC_ERR_PARAM, "the dataset is not chunked");
    else if (!has_vidcube(dcpl))
        rc = writer_fail(w, VC_ERR_PARAM, "the dataset does not use the vidcube filter: "
                         "create it with vc_writer_def_h5 (or H5Pset_filter, id %d)",
                         VC_H5Z_FILTER_ID);
    else if (!(*dtype = dtype_of(type)))
        rc = writer_fail(w, VC_ERR_DTYPE, "the dataset's type is not one vidcube codes");
    else if (H5Sget_simple_extent_dims(space, cur, max) < 0)
        rc = h5_fail(w, "H5Sget_simple_extent_dims");
    else {
        for (int i = 0; i < *rank; i++) {
            if (i > 0 && max[i] != cur[i]) {
                rc = writer_fail(w, VC_ERR_SHAPE, "only the first (time) axis of the "
                                 "dataset may grow");
                break;
            }
            dims[i] = (size_t)cur[i];
        }
        *len0 = dims[0];
        if (max[0] != cur[0])        /* unlimited (or growable): append at the end */
            dims[0] = 0;
        *chunk_steps = (size_t)chunk[0];
    }
    if (type >= 0) H5Tclose(type);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

int vc_writer_open_h5(vc_writer *w, int64_t dset)
{
    if (!w)
        return VC_ERR_NULL;
    if (w->be)
        return writer_fail(w, VC_ERR_PARAM, "the writer is already open: close it first");
    int rank = 0;
    size_t dims[VC_MAX_RANK], len0 = 0, chunk_steps = 0;
    vc_dtype dtype = (vc_dtype)0;
    int rc = writer_register(w);
    if (rc == VC_OK)
        rc = inspect(w, (hid_t)dset, &rank, dims, &len0, &chunk_steps, &dtype);
    if (rc == VC_OK)
        rc = writer_attach(w, &h5_backend, rank, dims, dtype, chunk_steps,
                              dims[0] ? 0 : len0, "the dataset");
    if (rc == VC_OK)
        w->dset = dset;
    return rc;
}
