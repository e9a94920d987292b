/* writer_nc.c: the time-step writer's netCDF-4 back end. */
#include <netcdf.h>
#include <netcdf_filter.h>
#include <stdio.h>
#include <string.h>

#include "vidcube_filter.h"
#include "writer_internal.h"

/* A netCDF failure: netCDF's words, and the filter's when it left some on
 * HDF5's error stack (a chunk that cannot be coded). */
static int nc_fail(vc_writer *w, int nc, const char *call, const char *name)
{
    char why[512];
    writer_h5_reason(why, sizeof why);
    return writer_fail(w, VC_ERR_IO, "%s on variable '%s' failed: %s%s%s", call, name,
                       nc_strerror(nc), why[0] ? ": " : "", why);
}

static vc_dtype dtype_of(nc_type t)
{
    switch (t) {
    case NC_BYTE:   return VC_INT8;
    case NC_UBYTE:  return VC_UINT8;
    case NC_SHORT:  return VC_INT16;
    case NC_USHORT: return VC_UINT16;
    case NC_INT:    return VC_INT32;
    case NC_UINT:   return VC_UINT32;
    case NC_FLOAT:  return VC_FLOAT32;
    case NC_DOUBLE: return VC_FLOAT64;
    default:        return (vc_dtype)0;
    }
}

/* Is dimension dimid unlimited? netCDF-4 lists unlimited dimensions per
 * group, and a variable may use one of an enclosing group. */
static int is_unlimited(int grp, int dimid)
{
    for (;;) {
        int n = 0, ids[NC_MAX_DIMS];
        if (nc_inq_unlimdims(grp, &n, NULL) == NC_NOERR && n <= NC_MAX_DIMS &&
            nc_inq_unlimdims(grp, &n, ids) == NC_NOERR)
            for (int i = 0; i < n; i++)
                if (ids[i] == dimid)
                    return 1;
        if (nc_inq_grp_parent(grp, &grp) != NC_NOERR)
            return 0;
    }
}

/* Name, rank and extents (0 for an unlimited axis) of a variable. */
static int describe(vc_writer *w, int ncid, int varid, char *name, int *rank, size_t *dims,
                    int *unlimited0, size_t *len0)
{
    int dimids[NC_MAX_VAR_DIMS], nc;
    strcpy(name, "?");
    if ((nc = nc_inq_varname(ncid, varid, name)) != NC_NOERR ||
        (nc = nc_inq_varndims(ncid, varid, rank)) != NC_NOERR)
        return nc_fail(w, nc, "nc_inq_var", name);
    if (*rank < 1 || *rank > VC_MAX_RANK)
        return writer_fail(w, VC_ERR_SHAPE, "variable '%s' has %d dimensions; the vidcube "
                           "filter codes 1 to %d", name, *rank, VC_MAX_RANK);
    if ((nc = nc_inq_vardimid(ncid, varid, dimids)) != NC_NOERR)
        return nc_fail(w, nc, "nc_inq_vardimid", name);
    for (int i = 0; i < *rank; i++) {
        if ((nc = nc_inq_dimlen(ncid, dimids[i], &dims[i])) != NC_NOERR)
            return nc_fail(w, nc, "nc_inq_dimlen", name);
        int unlim = is_unlimited(ncid, dimids[i]);
        if (i == 0) {
            *unlimited0 = unlim;
            *len0 = dims[0];
            if (unlim)
                dims[0] = 0;
        } else if (unlim)
            return writer_fail(w, VC_ERR_SHAPE, "variable '%s': only its first (time) "
                               "dimension may be unlimited", name);
    }
    return VC_OK;
}

int vc_writer_def_nc(vc_writer *w, int ncid, int varid, size_t chunk_steps,
                     const vc_params *params)
{
    if (!w)
        return VC_ERR_NULL;
    char name[NC_MAX_NAME + 1];
    int rank, unlim, nc;
    size_t dims[VC_MAX_RANK], len0, n;
    unsigned int cd[VC_CD_NUSER];
    int rc = describe(w, ncid, varid, name, &rank, dims, &unlim, &len0);
    if (rc == VC_OK)
        rc = writer_cd(w, params, cd, &n);
    if (rc == VC_OK)
        rc = writer_register(w);
    if (rc != VC_OK)
        return rc;
    if (chunk_steps == 0)
        return writer_fail(w, VC_ERR_PARAM, "chunk_steps is 0: give the time steps per chunk "
                           "(24-100 for hourly fields)");
    size_t chunk[VC_MAX_RANK] = { chunk_steps };
    for (int i = 1; i < rank; i++)
        chunk[i] = dims[i] ? dims[i] : 1;
    if ((nc = nc_def_var_chunking(ncid, varid, NC_CHUNKED, chunk)) != NC_NOERR)
        return nc_fail(w, nc, "nc_def_var_chunking", name);
    if ((nc = nc_def_var_filter(ncid, varid, VC_H5Z_FILTER_ID, n, cd)) != NC_NOERR)
        return nc_fail(w, nc, "nc_def_var_filter", name);
    w->err[0] = '\0';
    return VC_OK;
}

static int nc_write(vc_writer *w, size_t first, size_t nsteps, const void *data)
{
    size_t start[VC_MAX_RANK] = { first }, count[VC_MAX_RANK] = { nsteps };
    for (int i = 1; i < w->rank; i++)
        count[i] = w->dims[i];
    int nc = nc_put_vara(w->ncid, w->varid, start, count, data);
    if (nc != NC_NOERR) {
        char name[NC_MAX_NAME + 1] = "?";
        nc_inq_varname(w->ncid, w->varid, name);
        return nc_fail(w, nc, "nc_put_vara", name);
    }
    return VC_OK;
}

static void nc_release(vc_writer *w)
{
    w->ncid = w->varid = -1;
}

static const writer_backend nc_backend = { nc_write, nc_release };

/* The variable must carry the vidcube filter: without it the writer would
 * silently store raw data. */
static int has_vidcube(vc_writer *w, int ncid, int varid, const char *name)
{
    size_t n = 0;
    unsigned int ids[32];
    int nc = nc_inq_var_filter_ids(ncid, varid, &n, NULL);
    if (nc == NC_NOERR && n <= 32)
        nc = nc_inq_var_filter_ids(ncid, varid, &n, ids);
    if (nc != NC_NOERR)
        return nc_fail(w, nc, "nc_inq_var_filter_ids", name);
    for (size_t i = 0; i < n && n <= 32; i++)
        if (ids[i] == VC_H5Z_FILTER_ID)
            return VC_OK;
    return writer_fail(w, VC_ERR_PARAM, "variable '%s' does not use the vidcube filter: "
                       "define it with vc_writer_def_nc (or nc_def_var_filter, id %d)", name,
                       VC_H5Z_FILTER_ID);
}

int vc_writer_open_nc(vc_writer *w, int ncid, int varid)
{
    if (!w)
        return VC_ERR_NULL;
    if (w->be)
        return writer_fail(w, VC_ERR_PARAM, "the writer is already open: close it first");
    char name[NC_MAX_NAME + 1];
    int rank, unlim, nc, storage;
    size_t dims[VC_MAX_RANK], len0, chunk[NC_MAX_VAR_DIMS];
    nc_type type;
    int rc = describe(w, ncid, varid, name, &rank, dims, &unlim, &len0);
    if (rc == VC_OK)
        rc = writer_register(w);
    if (rc == VC_OK)
        rc = has_vidcube(w, ncid, varid, name);
    if (rc != VC_OK)
        return rc;
    if ((nc = nc_inq_var_chunking(ncid, varid, &storage, chunk)) != NC_NOERR ||
        (nc = nc_inq_vartype(ncid, varid, &type)) != NC_NOERR)
        return nc_fail(w, nc, "nc_inq_var", name);
    if (storage != NC_CHUNKED)
        return writer_fail(w, VC_ERR_PARAM, "variable '%s' is not chunked", name);
    vc_dtype dtype = dtype_of(type);
    if (!dtype)
        return writer_fail(w, VC_ERR_DTYPE, "variable '%s' has a type vidcube cannot code",
                           name);
    rc = writer_attach(w, &nc_backend, rank, dims, dtype, chunk[0], unlim ? len0 : 0, name);
    if (rc != VC_OK)
        return rc;
    w->ncid = ncid;
    w->varid = varid;
    return VC_OK;
}
