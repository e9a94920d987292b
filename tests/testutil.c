/* testutil.c: see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <netcdf.h>
#include <CUnit/Basic.h>

char *tu_data_path(const char *file)
{
    const char *dir = getenv("VC_DATA_DIR");
    size_t n = strlen(dir ? dir : "../data") + strlen(file) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir ? dir : "../data", file);
    return p;
}

static vc_dtype dtype_of(nc_type t)
{
    switch (t) {
    case NC_UBYTE:  return VC_UINT8;
    case NC_BYTE:   return VC_INT8;
    case NC_USHORT: return VC_UINT16;
    case NC_SHORT:  return VC_INT16;
    case NC_UINT:   return VC_UINT32;
    case NC_INT:    return VC_INT32;
    case NC_FLOAT:  return VC_FLOAT32;
    case NC_DOUBLE: return VC_FLOAT64;
    default:        return (vc_dtype)0;
    }
}

int tu_load(const char *file, const char *var, tu_var *out)
{
    int nc, id, nd, dimids[NC_MAX_VAR_DIMS];
    nc_type t;
    char *path = tu_data_path(file);
    memset(out, 0, sizeof *out);
    if (!path || nc_open(path, NC_NOWRITE, &nc) != NC_NOERR) {
        fprintf(stderr, "cannot open %s\n", path ? path : file);
        free(path);
        return -1;
    }
    free(path);
    int rc = -1;
    if (nc_inq_varid(nc, var, &id) == NC_NOERR &&
        nc_inq_var(nc, id, NULL, &t, &nd, dimids, NULL) == NC_NOERR &&
        nd >= 1 && nd <= VC_MAX_RANK && dtype_of(t)) {
        out->a.dtype = dtype_of(t);
        out->a.rank = nd;
        out->n = 1;
        for (int i = 0; i < nd; i++) {
            nc_inq_dimlen(nc, dimids[i], &out->a.dims[i]);
            out->n *= out->a.dims[i];
        }
        out->data = malloc(out->n * vc_dtype_size(out->a.dtype));
        if (out->data && nc_get_var(nc, id, out->data) == NC_NOERR)
            rc = 0;
        double f;
        if (nc_get_att_double(nc, id, "_FillValue", &f) == NC_NOERR && !isnan(f)) {
            out->has_fill = 1;
            out->fill = f;
        }
        snprintf(out->name, sizeof out->name, "%s", var);
    }
    nc_close(nc);
    if (rc != 0)
        tu_free(out);
    return rc;
}

void tu_free(tu_var *v)
{
    free(v->data);
    v->data = NULL;
}

int tu_list_vars(const char *file, char names[][64], int max)
{
    int nc, nvars, count = 0;
    char *path = tu_data_path(file);
    if (!path || nc_open(path, NC_NOWRITE, &nc) != NC_NOERR) {
        free(path);
        return -1;
    }
    free(path);
    nc_inq_nvars(nc, &nvars);
    for (int id = 0; id < nvars && count < max; id++) {
        nc_type t;
        int nd;
        nc_inq_var(nc, id, names[count], &t, &nd, NULL, NULL);
        if (nd >= 2 && dtype_of(t))
            count++;
    }
    nc_close(nc);
    return count;
}

size_t tu_roundtrip(const vc_array *a, const void *src, const vc_params *p,
                    void **out, void **stream)
{
    vc_ctx *ctx = vc_ctx_create(p);
    size_t cap = vc_compress_bound(a), size = 0;
    size_t bytes = vc_array_nvalues(a) * vc_dtype_size(a->dtype);
    void *buf = malloc(cap), *dec = malloc(bytes);
    int rc = ctx && buf && dec ? vc_compress(ctx, a, src, buf, cap, &size) : VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = vc_decompress(ctx, buf, size, dec, bytes);
    if (rc != VC_OK) {
        fprintf(stderr, "round trip failed: %s: %s\n", vc_strerror(rc), vc_ctx_error(ctx));
        free(dec);
        dec = NULL;
        size = 0;
    }
    vc_ctx_free(ctx);
    *out = dec;
    if (stream)
        *stream = buf;
    else
        free(buf);
    return size;
}

int tu_run_cunit(void)
{
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failed = (int)(CU_get_number_of_failures() + CU_get_number_of_tests_failed());
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

size_t tu_channel_of(const vc_array *a, size_t i)
{
    size_t idx[VC_MAX_RANK], c = 0;
    for (int k = a->rank - 1; k >= 0; k--) {
        idx[k] = i % a->dims[k];
        i /= a->dims[k];
    }
    for (int k = 0; k < a->rank; k++)
        if (a->roles[k] == VC_AXIS_CHANNEL)
            c = c * a->dims[k] + idx[k];
    return c;
}

size_t tu_nchannels(const vc_array *in)
{
    vc_array a = *in;
    vc_array_check(&a);
    size_t C = 1;
    for (int i = 0; i < a.rank; i++)
        if (a.roles[i] == VC_AXIS_CHANNEL)
            C *= a.dims[i];
    return C;
}

const tu_sample tu_samples[] = {
    { "s2_l1c_crop.nc", "toa_reflectance", NULL },
    { "s2_l1c_crop.nc", "ndvi", NULL },
    { "s2_l1c_crop.nc", "cloud_prob", NULL },
    { "s2_l1c_crop.nc", "cloud_mask", NULL },
    { "s3_olci_crop.nc", "conc_chl", NULL },
    { "s3_olci_crop.nc", "conc_tsm", NULL },
    { "s3_olci_crop.nc", "kd489", NULL },
    { "era5_t2m_uk_crop.nc", "t2m", NULL },
    { "ostia_sst_crop.nc", "analysed_sst", NULL },
    { "ostia_sst_crop.nc", "sst_anomaly", NULL },
    { "era5_ens_crop.nc", "z", "CTCYX" },
    { "era5_ens_crop.nc", "t", "CTCYX" },
};
const size_t tu_nsamples = sizeof tu_samples / sizeof tu_samples[0];

int tu_load_sample(size_t k, tu_var *v)
{
    if (k >= tu_nsamples || tu_load(tu_samples[k].file, tu_samples[k].var, v) != 0)
        return -1;
    for (int i = 0; tu_samples[k].roles && i < v->a.rank; i++)
        v->a.roles[i] = (vc_axis)tu_samples[k].roles[i];
    return 0;
}
