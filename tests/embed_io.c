/* embed_io.c: see embed_io.h. */
#include <hdf5.h>
#include <netcdf.h>
#include <netcdf_filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidcube_filter.h"
#include "embed_io.h"

#define NC_TRY(call)                                                           \
    do {                                                                       \
        int st_ = (call);                                                      \
        if (st_ != NC_NOERR) {                                                 \
            fprintf(stderr, "%s: %s\n", #call, nc_strerror(st_));              \
            return -1;                                                         \
        }                                                                      \
    } while (0)

#define VC_TRY(w, call)                                                        \
    do {                                                                       \
        int st_ = (call);                                                      \
        if (st_ != VC_OK) {                                                    \
            fprintf(stderr, "%s: %s: %s\n", #call, vc_strerror(st_),           \
                    vc_writer_error(w));                                       \
            return -1;                                                         \
        }                                                                      \
    } while (0)

static size_t steps_of(const eio_field *f, const eio_opts *o)
{
    return o->steps && o->steps < f->nt ? o->steps : f->nt;
}

static void params_of(const eio_opts *o, vc_params *p)
{
    vc_params_init(p);
    p->mode = VC_MODE_PSNR;
    p->target = o->psnr;
}

/* Create path with t2m(time, latitude, longitude), still in define mode. */
static int create(const char *path, const eio_field *f, const eio_opts *o, int *ncid,
                  int *varid)
{
    int dims[3];
    NC_TRY(nc_create(path, NC_NETCDF4 | NC_CLOBBER, ncid));
    NC_TRY(nc_def_dim(*ncid, "time", o->unlimited ? NC_UNLIMITED : steps_of(f, o), &dims[0]));
    NC_TRY(nc_def_dim(*ncid, "latitude", f->ny, &dims[1]));
    NC_TRY(nc_def_dim(*ncid, "longitude", f->nx, &dims[2]));
    NC_TRY(nc_def_var(*ncid, "t2m", NC_FLOAT, 3, dims, varid));
    return 0;
}

/* The definition the reference and the naive writes share: plain netCDF. */
static int define_plain(int ncid, int varid, const eio_field *f, const eio_opts *o)
{
    vc_params p;
    unsigned int cd[VC_CD_NUSER];
    size_t n, chunk[3] = { o->chunk_steps, f->ny, f->nx };
    params_of(o, &p);
    if (vc_cd_pack(&p, NULL, 0, cd, VC_CD_NUSER, &n) != VC_OK)
        return -1;
    NC_TRY(nc_def_var_chunking(ncid, varid, NC_CHUNKED, chunk));
    NC_TRY(nc_def_var_filter(ncid, varid, VC_H5Z_FILTER_ID, n, cd));
    return 0;
}

int eio_write_writer(const char *path, const eio_field *f, const eio_opts *o,
                     vc_writer_stats *before, vc_writer_stats *after)
{
    int ncid, varid, rc = -1;
    vc_params p;
    params_of(o, &p);
    if (create(path, f, o, &ncid, &varid))
        return -1;
    vc_writer *w = vc_writer_create();
    if (!w)
        return -1;
    size_t step = f->ny * f->nx, nt = steps_of(f, o), t;
    if (vc_writer_def_nc(w, ncid, varid, o->chunk_steps, &p) != VC_OK ||
        nc_enddef(ncid) != NC_NOERR || vc_writer_open_nc(w, ncid, varid) != VC_OK)
        goto done;
    for (t = 0; t < nt; t++)
        if (vc_writer_append(w, VC_FLOAT32, f->data + t * step, 1) != VC_OK)
            goto done;
    if (before)
        vc_writer_stats_get(w, before);
    if (vc_writer_close(w) != VC_OK)
        goto done;
    if (after)
        vc_writer_stats_get(w, after);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "time-step writer: %s\n", vc_writer_error(w));
    vc_writer_free(w);
    int nc = nc_close(ncid);
    if (nc != NC_NOERR) {
        fprintf(stderr, "nc_close(%s): %s\n", path, nc_strerror(nc));
        rc = -1;
    }
    return rc;
}

int eio_write_oneshot(const char *path, const eio_field *f, const eio_opts *o)
{
    int ncid, varid;
    size_t start[3] = { 0 }, count[3] = { steps_of(f, o), f->ny, f->nx };
    if (create(path, f, o, &ncid, &varid) || define_plain(ncid, varid, f, o))
        return -1;
    NC_TRY(nc_enddef(ncid));
    NC_TRY(nc_put_vara_float(ncid, varid, start, count, f->data));
    NC_TRY(nc_close(ncid));
    return 0;
}

int eio_write_naive(const char *path, const eio_field *f, const eio_opts *o)
{
    int ncid, varid;
    size_t count[3] = { 1, f->ny, f->nx }, step = f->ny * f->nx;
    if (create(path, f, o, &ncid, &varid) || define_plain(ncid, varid, f, o))
        return -1;
    if (o->cache_bytes)
        NC_TRY(nc_set_var_chunk_cache(ncid, varid, o->cache_bytes, 1009, 0.75f));
    NC_TRY(nc_enddef(ncid));
    for (size_t t = 0; t < steps_of(f, o); t++) {
        size_t start[3] = { t, 0, 0 };
        NC_TRY(nc_put_vara_float(ncid, varid, start, count, f->data + t * step));
    }
    NC_TRY(nc_close(ncid));
    return 0;
}

int eio_read(const char *path, float *out, size_t n)
{
    int ncid, varid;
    size_t len = 1;
    int dims[3];
    NC_TRY(nc_open(path, NC_NOWRITE, &ncid));
    NC_TRY(nc_inq_varid(ncid, "t2m", &varid));
    NC_TRY(nc_inq_vardimid(ncid, varid, dims));
    for (int i = 0; i < 3; i++) {
        size_t d;
        NC_TRY(nc_inq_dimlen(ncid, dims[i], &d));
        len *= d;
    }
    if (len != n) {
        fprintf(stderr, "%s: t2m holds %zu values, expected %zu\n", path, len, n);
        nc_close(ncid);
        return -1;
    }
    NC_TRY(nc_get_var_float(ncid, varid, out));
    NC_TRY(nc_close(ncid));
    return 0;
}

/* ---- stored chunks, read raw with HDF5 (no filter involved) ---- */
typedef struct raw_chunks {
    hid_t   file, dset, space;
    hsize_t n;
} raw_chunks;

static int raw_open(const char *path, raw_chunks *r)
{
    r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    r->dset = r->file < 0 ? -1 : H5Dopen2(r->file, "t2m", H5P_DEFAULT);
    r->space = r->dset < 0 ? -1 : H5Dget_space(r->dset);
    if (r->space < 0 || H5Dget_num_chunks(r->dset, r->space, &r->n) < 0) {
        fprintf(stderr, "%s: cannot open /t2m with HDF5\n", path);
        return -1;
    }
    return 0;
}

static void raw_close(raw_chunks *r)
{
    if (r->space >= 0)
        H5Sclose(r->space);
    if (r->dset >= 0)
        H5Dclose(r->dset);
    if (r->file >= 0)
        H5Fclose(r->file);
}

/* Chunk i of r: its offset, and its stored bytes in *buf (malloc'd). */
static int raw_read(raw_chunks *r, hsize_t i, hsize_t offset[3], void **buf, hsize_t *size)
{
    unsigned mask;
    haddr_t addr;
    uint32_t mask32;
    if (H5Dget_chunk_info(r->dset, r->space, i, offset, &mask, &addr, size) < 0)
        return -1;
    *buf = malloc(*size ? *size : 1);
    if (!*buf || H5Dread_chunk(r->dset, H5P_DEFAULT, offset, &mask32, *buf) < 0)
        return -1;
    return 0;
}

long eio_compare_chunks(const char *path_a, const char *path_b)
{
    raw_chunks a = { -1, -1, -1, 0 }, b = { -1, -1, -1, 0 };
    long rc = -1;
    if (raw_open(path_a, &a) || raw_open(path_b, &b))
        goto done;
    if (a.n != b.n) {
        fprintf(stderr, "%s has %llu chunks, %s has %llu\n", path_a, (unsigned long long)a.n,
                path_b, (unsigned long long)b.n);
        goto done;
    }
    for (hsize_t i = 0; i < a.n; i++) {
        hsize_t off_a[3], off_b[3], size_a = 0, size_b = 0;
        void *buf_a = NULL, *buf_b = NULL;
        int ok = !raw_read(&a, i, off_a, &buf_a, &size_a) &&
                 !raw_read(&b, i, off_b, &buf_b, &size_b);
        int same = ok && !memcmp(off_a, off_b, sizeof off_a) && size_a == size_b &&
                   !memcmp(buf_a, buf_b, size_a);
        if (!ok)
            fprintf(stderr, "chunk %llu: cannot read it raw from %s or %s\n",
                    (unsigned long long)i, path_a, path_b);
        else if (!same)
            fprintf(stderr, "chunk %llu differs: at time %llu, %llu bytes in %s; at time %llu, "
                    "%llu bytes in %s\n", (unsigned long long)i, (unsigned long long)off_a[0],
                    (unsigned long long)size_a, path_a, (unsigned long long)off_b[0],
                    (unsigned long long)size_b, path_b);
        free(buf_a);
        free(buf_b);
        if (!same)
            goto done;
    }
    rc = (long)a.n;
done:
    raw_close(&a);
    raw_close(&b);
    return rc;
}
