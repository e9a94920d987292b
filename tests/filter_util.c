/* filter_util.c: see filter_util.h. */
#include "filter_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fu_use_build_plugin(void)
{
    const char *build = getenv("VC_BUILDDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/filters/.libs", build ? build : "..");
    setenv("HDF5_PLUGIN_PATH", path, 1);
}

void fu_quiet_errors(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

typedef struct { char *msg; size_t size, used; } stack_text;

static herr_t add_entry(unsigned n, const H5E_error2_t *e, void *data)
{
    stack_text *t = data;
    (void)n;
    if (t->used < t->size)
        t->used += (size_t)snprintf(t->msg + t->used, t->size - t->used, "%s%s",
                                    t->used ? " | " : "", e->desc ? e->desc : "");
    return 0;
}

char *fu_error_stack(char *msg, size_t size)
{
    stack_text t = { msg, size, 0 };
    msg[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, add_entry, &t);
    return msg;
}

hid_t fu_h5type(vc_dtype dtype)
{
    switch (dtype) {
    case VC_UINT8:   return H5T_NATIVE_UINT8;
    case VC_INT8:    return H5T_NATIVE_INT8;
    case VC_UINT16:  return H5T_NATIVE_UINT16;
    case VC_INT16:   return H5T_NATIVE_INT16;
    case VC_UINT32:  return H5T_NATIVE_UINT32;
    case VC_INT32:   return H5T_NATIVE_INT32;
    case VC_FLOAT32: return H5T_NATIVE_FLOAT;
    case VC_FLOAT64: return H5T_NATIVE_DOUBLE;
    default:         return H5I_INVALID_HID;
    }
}

vc_dtype fu_dtype(hid_t type)
{
    for (int d = VC_UINT8; d <= VC_FLOAT64; d++)
        if (H5Tequal(type, fu_h5type((vc_dtype)d)) > 0)
            return (vc_dtype)d;
    return (vc_dtype)0;
}

void fu_cd_psnr(double target, unsigned int cd[VC_CD_NUSER])
{
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_PSNR;
    p.target = target;
    vc_cd_pack(&p, NULL, 0, cd, VC_CD_NUSER, NULL);
}

/* A double as one value of dtype, for H5Pset_fill_value. */
static void put_value(vc_dtype dtype, double v, void *out)
{
    switch (dtype) {
    case VC_UINT8:   *(uint8_t *)out = (uint8_t)v; break;
    case VC_INT8:    *(int8_t *)out = (int8_t)v; break;
    case VC_UINT16:  *(uint16_t *)out = (uint16_t)v; break;
    case VC_INT16:   *(int16_t *)out = (int16_t)v; break;
    case VC_UINT32:  *(uint32_t *)out = (uint32_t)v; break;
    case VC_INT32:   *(int32_t *)out = (int32_t)v; break;
    case VC_FLOAT32: *(float *)out = (float)v; break;
    default:         *(double *)out = v; break;
    }
}

static hid_t make_dcpl(const vc_array *a, const fu_write_opts *o)
{
    hsize_t chunk[VC_MAX_RANK];
    double fill;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    for (int i = 0; i < a->rank; i++)
        chunk[i] = o->chunk ? o->chunk[i] : a->dims[i];
    put_value(a->dtype, o->fill, &fill);
    if (dcpl < 0 || H5Pset_chunk(dcpl, a->rank, chunk) < 0 ||
        (o->has_fill && H5Pset_fill_value(dcpl, fu_h5type(a->dtype), &fill) < 0) ||
        (o->cd && H5Pset_filter(dcpl, VC_H5Z_FILTER_ID, H5Z_FLAG_MANDATORY, o->ncd, o->cd) < 0)) {
        H5Pclose(dcpl);
        return -1;
    }
    return dcpl;
}

/* Record the first failing step and HDF5's error stack at that moment. */
static int failed(const fu_write_opts *o, const char **step, const char *name)
{
    if (!*step) {
        *step = name;
        if (o->errors)
            fu_error_stack(o->errors, o->errors_size);
    }
    return -1;
}

int fu_write(const char *file, const char *var, const vc_array *a, const void *data,
             const fu_write_opts *o, const char **step)
{
    hsize_t dims[VC_MAX_RANK];
    for (int i = 0; i < a->rank; i++)
        dims[i] = a->dims[i];
    *step = NULL;
    hid_t fid = H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (fid < 0)
        return failed(o, step, "H5Fcreate");
    int rc = 0;
    hid_t space = H5Screate_simple(a->rank, dims, NULL), dcpl = make_dcpl(a, o), ds = -1;
    if (space < 0 || dcpl < 0)
        rc = failed(o, step, "H5Pset_filter");
    else if ((ds = H5Dcreate2(fid, var, fu_h5type(a->dtype), space, H5P_DEFAULT, dcpl,
                              H5P_DEFAULT)) < 0)
        rc = failed(o, step, "H5Dcreate2");
    if (ds >= 0) {
        if (H5Dwrite(ds, fu_h5type(a->dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
            rc = failed(o, step, "H5Dwrite");
        if (H5Dclose(ds) < 0)
            rc = failed(o, step, "H5Dclose");
    }
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (H5Fclose(fid) < 0)
        rc = failed(o, step, "H5Fclose");
    return rc;
}

/* Open file/var; fill a's dtype, rank and dims. */
static hid_t open_dataset(const char *file, const char *var, hid_t *fid, vc_array *a)
{
    hsize_t dims[VC_MAX_RANK + 1];
    *fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*fid < 0)
        return -1;
    hid_t ds = H5Dopen2(*fid, var, H5P_DEFAULT);
    if (ds < 0) {
        H5Fclose(*fid);
        return -1;
    }
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(space);
    memset(a, 0, sizeof *a);
    a->dtype = fu_dtype(type);
    a->rank = rank;
    if (rank >= 1 && rank <= VC_MAX_RANK) {
        H5Sget_simple_extent_dims(space, dims, NULL);
        for (int i = 0; i < rank; i++)
            a->dims[i] = (size_t)dims[i];
    }
    H5Tclose(type);
    H5Sclose(space);
    if (!a->dtype || vc_array_check(a) != VC_OK) {
        fprintf(stderr, "%s:%s: not an array vidcube can hold\n", file, var);
        H5Dclose(ds);
        H5Fclose(*fid);
        return -1;
    }
    return ds;
}

static int alloc_values(fu_dataset *d)
{
    d->n = vc_array_nvalues(&d->a);
    d->data = malloc(d->n * vc_dtype_size(d->a.dtype));
    return d->data ? 0 : -1;
}

int fu_read(const char *file, const char *var, fu_dataset *out, char *errors,
            size_t errors_size)
{
    hid_t fid, ds = open_dataset(file, var, &fid, &out->a);
    out->data = NULL;
    if (errors)
        errors[0] = '\0';
    if (ds < 0 || alloc_values(out) != 0)
        return -1;
    herr_t rd = H5Dread(ds, fu_h5type(out->a.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data);
    if (rd < 0 && errors)
        fu_error_stack(errors, errors_size);
    herr_t c1 = H5Dclose(ds), c2 = H5Fclose(fid);
    if (rd < 0 || c1 < 0 || c2 < 0) {
        fu_free(out);
        return -1;
    }
    return 0;
}

/* Copy the in-bounds part of a decoded chunk (origin off, extents chunk)
 * into the whole array. Rows along the last axis are contiguous. */
static void place_chunk(const vc_array *a, const hsize_t *off, const vc_array *chunk,
                        const void *src, void *dst)
{
    size_t es = vc_dtype_size(a->dtype), rank = (size_t)a->rank;
    size_t idx[VC_MAX_RANK] = { 0 }, nrows = 1;
    for (size_t i = 0; i + 1 < rank; i++)
        nrows *= chunk->dims[i];
    size_t row = chunk->dims[rank - 1];
    size_t keep = a->dims[rank - 1] - (size_t)off[rank - 1];
    if (keep > row)
        keep = row;
    for (size_t r = 0; r < nrows; r++) {
        int inside = 1;
        size_t at = 0;
        for (size_t i = 0; i < rank; i++) {
            size_t g = (size_t)off[i] + (i + 1 < rank ? idx[i] : 0);
            inside &= g < a->dims[i];
            at = at * a->dims[i] + g;
        }
        if (inside)
            memcpy((char *)dst + at * es, (const char *)src + r * row * es, keep * es);
        for (size_t i = rank - 1; i-- > 0;)      /* next row: odometer over axes 0..rank-2 */
            if (++idx[i] < chunk->dims[i])
                break;
            else
                idx[i] = 0;
    }
}

static int decode_one(hid_t ds, hid_t space, hsize_t index, const vc_array *a, vc_ctx *ctx,
                      void *dst)
{
    hsize_t off[VC_MAX_RANK], nbytes;
    unsigned mask;
    haddr_t addr;
    if (H5Dget_chunk_info(ds, space, index, off, &mask, &addr, &nbytes) < 0)
        return -1;
    void *stream = malloc(nbytes ? nbytes : 1);
    vc_stream_info info;
    int rc = -1;
    if (stream && H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, stream) >= 0 && mask == 0 &&
        vc_stream_info_read(stream, nbytes, &info) == VC_OK) {
        void *chunk = malloc(info.decoded_size);
        int st = chunk ? vc_decompress(ctx, stream, nbytes, chunk, info.decoded_size) : VC_ERR_NOMEM;
        if (st == VC_OK) {
            place_chunk(a, off, &info.array, chunk, dst);
            rc = 0;
        } else {
            fprintf(stderr, "chunk %llu: %s: %s\n", (unsigned long long)index,
                    vc_strerror(st), vc_ctx_error(ctx));
        }
        free(chunk);
    } else {
        fprintf(stderr, "chunk %llu: cannot read it raw, or not a vidcube stream "
                "(filter mask %u)\n", (unsigned long long)index, mask);
    }
    free(stream);
    return rc;
}

int fu_decode_chunks(const char *file, const char *var, fu_dataset *out)
{
    hid_t fid, ds = open_dataset(file, var, &fid, &out->a);
    out->data = NULL;
    if (ds < 0 || alloc_values(out) != 0)
        return -1;
    hsize_t nchunks = 0;
    vc_ctx *ctx = vc_ctx_create(NULL);
    hid_t space = H5Dget_space(ds);   /* HDF5 1.10.8 refuses H5S_ALL here */
    int rc = ctx && H5Dget_num_chunks(ds, space, &nchunks) >= 0 ? 0 : -1;
    for (hsize_t i = 0; rc == 0 && i < nchunks; i++)
        rc = decode_one(ds, space, i, &out->a, ctx, out->data);
    vc_ctx_free(ctx);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(fid);
    if (rc != 0)
        fu_free(out);
    return rc;
}

void fu_free(fu_dataset *d)
{
    free(d->data);
    d->data = NULL;
}
