/* harden_cases.c: see harden_cases.h. The crops are small on purpose: the
 * golden streams made from them are committed, and the fault sweep codes
 * each case once per allocation. */
#include "harden_cases.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define T_ VC_AXIS_TIME
#define C_ VC_AXIS_CHANNEL
#define Y_ VC_AXIS_Y
#define X_ VC_AXIS_X

static const char OLCI[] = "s3_olci_crop.nc", S2[] = "s2_l1c_crop.nc",
                  ERA5[] = "era5_ens_crop.nc", UK[] = "era5_t2m_uk_crop.nc",
                  OSTIA[] = "ostia_sst_crop.nc";

const hc_case hc_cases[] = {
    /* name                    file   var                crop start / count      roles */
    { "psnr-float32-nan", OLCI, "conc_tsm", { 0, 64, 240 }, { 2, 32, 48 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_PSNR, 45, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "psnr-float32-coast", OLCI, "conc_tsm", { 0, 64, 264 }, { 1, 32, 24 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_PSNR, 45, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "psnr-float32-maskref", OLCI, "conc_tsm", { 1, 80, 200 }, { 1, 24, 32 }, { C_, Y_, X_ },
      VC_FLOAT32, 1, 0, HC_MASKREF, VC_MODE_PSNR, 40, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "psnr-uint8-8bit", S2, "cloud_prob", { 0, 8, 8 }, { 3, 16, 16 }, { 0 },
      VC_UINT8, 255, 0, HC_PLAIN, VC_MODE_PSNR, 35, 8, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "qp-uint16", S2, "toa_reflectance", { 0, 0, 0, 0 }, { 2, 2, 16, 16 }, { 0 },
      VC_UINT16, 10000, 0, HC_PLAIN, VC_MODE_QP, 24, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "crf-int16-fill", OSTIA, "analysed_sst", { 0, 60, 100 }, { 2, 24, 32 }, { 0 },
      VC_INT16, 1, 0, HC_PLAIN, VC_MODE_CRF, 18, 0, VC_TRANSFORM_NONE, 1, -32768, 0 },
    { "lossless-uint8", S2, "cloud_mask", { 0, 0, 0 }, { 3, 16, 16 }, { 0 },
      VC_UINT8, 1, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-int8", S2, "ndvi", { 0, 16, 16 }, { 2, 16, 16 }, { 0 },
      VC_INT8, 127, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-uint16", S2, "toa_reflectance", { 1, 3, 8, 8 }, { 1, 2, 16, 16 }, { 0 },
      VC_UINT16, 10000, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-int16-fill", OSTIA, "sst_anomaly", { 0, 60, 100 }, { 2, 24, 32 }, { 0 },
      VC_INT16, 1, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 1, -32768, 0 },
    { "lossless-uint32", ERA5, "z", { 0, 0, 0, 0, 0 }, { 1, 2, 1, 16, 16 }, { 0 },
      VC_UINT32, 100, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-int32-rank2", ERA5, "t", { 0, 0, 1, 20, 30 }, { 1, 1, 1, 16, 24 },
      { 0 }, VC_INT32, 1000, -273150, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0,
      VC_TRANSFORM_NONE, 0, 0, 2 },
    { "lossless-float32-special", OLCI, "conc_tsm", { 0, 64, 240 }, { 3, 16, 16 },
      { C_, Y_, X_ }, VC_FLOAT32, 1, 0, HC_SPECIAL_BANDS, VC_MODE_LOSSLESS, 0, 0,
      VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-float32-sparse", OLCI, "conc_tsm", { 0, 40, 200 }, { 2, 48, 64 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "lossless-float64", UK, "t2m", { 0, 0, 0 }, { 2, 16, 16 }, { 0 },
      VC_FLOAT64, 1, 0, HC_PLAIN, VC_MODE_LOSSLESS, 0, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "abs-float32", UK, "t2m", { 10, 8, 8 }, { 3, 16, 24 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_ABS, 0.05, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "abs-int32-fill", OSTIA, "analysed_sst", { 1, 60, 100 }, { 1, 24, 32 }, { 0 },
      VC_INT32, 1, 0, HC_PLAIN, VC_MODE_ABS, 3, 0, VC_TRANSFORM_NONE, 1, -32768, 0 },
    { "rel-float64-rank5", ERA5, "z", { 0, 0, 0, 8, 8 }, { 2, 2, 2, 16, 16 }, { 0 },
      VC_FLOAT64, 1, 0, HC_PLAIN, VC_MODE_REL, 1e-3, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "rate-float32", UK, "t2m", { 40, 0, 0 }, { 3, 16, 16 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_RATE, 4, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "rate-float32-nan", OLCI, "conc_chl", { 2, 100, 100 }, { 2, 16, 32 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_RATE, 1.5, 0, VC_TRANSFORM_NONE, 0, 0, 0 },
    { "psnr-klt-float32", ERA5, "z", { 0, 0, 0, 8, 8 }, { 3, 2, 1, 16, 16 },
      { C_, T_, C_, Y_, X_ }, VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_PSNR, 45, 0,
      VC_TRANSFORM_KLT, 0, 0, 0 },
    { "rel-klt-float32", S2, "toa_reflectance", { 0, 1, 16, 16 }, { 2, 3, 16, 16 },
      { 0 }, VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_REL, 2e-3, 0, VC_TRANSFORM_KLT, 0, 0, 0 },
    { "psnr-wae-float32", S2, "toa_reflectance", { 0, 1, 0, 0 }, { 2, 3, 16, 16 },
      { 0 }, VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_PSNR, 40, 0, VC_TRANSFORM_WAE, 0, 0, 0 },
    { "psnr-wae-uint16", S2, "toa_reflectance", { 1, 1, 16, 16 }, { 2, 3, 16, 16 },
      { 0 }, VC_UINT16, 10000, 0, HC_PLAIN, VC_MODE_PSNR, 45, 0,
      VC_TRANSFORM_WAE, 0, 0, 0 },
    { "qp-float32-rank1", UK, "t2m", { 0, 5, 0 }, { 1, 1, 40 }, { 0 },
      VC_FLOAT32, 1, 0, HC_PLAIN, VC_MODE_QP, 20, 0, VC_TRANSFORM_NONE, 0, 0, 1 },
};
const size_t hc_ncases = sizeof hc_cases / sizeof hc_cases[0];

const hc_case *hc_find(const char *name)
{
    for (size_t i = 0; i < hc_ncases; i++)
        if (!strcmp(hc_cases[i].name, name))
            return &hc_cases[i];
    return NULL;
}

static double load(vc_dtype d, const void *p, size_t i)
{
    switch (d) {
    case VC_UINT8:   return ((const uint8_t *)p)[i];
    case VC_INT8:    return ((const int8_t *)p)[i];
    case VC_UINT16:  return ((const uint16_t *)p)[i];
    case VC_INT16:   return ((const int16_t *)p)[i];
    case VC_UINT32:  return ((const uint32_t *)p)[i];
    case VC_INT32:   return ((const int32_t *)p)[i];
    case VC_FLOAT32: return ((const float *)p)[i];
    default:         return ((const double *)p)[i];
    }
}

static double clampd(double v, double lo, double hi)
{
    v = floor(v + 0.5);
    return v < lo ? lo : v > hi ? hi : v;
}

static void store(vc_dtype d, void *p, size_t i, double v)
{
    switch (d) {
    case VC_UINT8:   ((uint8_t *)p)[i] = (uint8_t)clampd(v, 0, 255); break;
    case VC_INT8:    ((int8_t *)p)[i] = (int8_t)clampd(v, -128, 127); break;
    case VC_UINT16:  ((uint16_t *)p)[i] = (uint16_t)clampd(v, 0, 65535); break;
    case VC_INT16:   ((int16_t *)p)[i] = (int16_t)clampd(v, -32768, 32767); break;
    case VC_UINT32:  ((uint32_t *)p)[i] = (uint32_t)clampd(v, 0, 4294967295.0); break;
    case VC_INT32:   ((int32_t *)p)[i] = (int32_t)clampd(v, -2147483648.0, 2147483647.0); break;
    case VC_FLOAT32: ((float *)p)[i] = (float)v; break;
    default:         ((double *)p)[i] = v; break;
    }
}

/* Element offset in the full variable of crop element i. */
static size_t source_index(const tu_var *v, const hc_case *c, size_t i)
{
    size_t off = 0, stride = 1;
    for (int k = v->a.rank - 1; k >= 0; k--) {
        size_t idx = c->start[k] + i % c->count[k];
        i /= c->count[k];
        off += idx * stride;
        stride *= v->a.dims[k];
    }
    return off;
}

/* Channel 0 all NaN and channel 1 constant (axis 0 is the channel axis). */
static void special_bands(const vc_array *a, void *data)
{
    size_t per = vc_array_nvalues(a) / a->dims[0];
    for (size_t i = 0; i < per; i++) {
        store(a->dtype, data, i, NAN);
        store(a->dtype, data, per + i, 273.15);
    }
}

int hc_load(const hc_case *c, vc_array *a, void **data)
{
    tu_var v;
    if (tu_load(c->file, c->var, &v) != 0)
        return -1;
    size_t n = 1;
    for (int k = 0; k < v.a.rank; k++) {
        if (c->start[k] + c->count[k] > v.a.dims[k] || !c->count[k]) {
            fprintf(stderr, "%s: crop outside %s:%s\n", c->name, c->file, c->var);
            tu_free(&v);
            return -1;
        }
        n *= c->count[k];
    }
    /* HC_MASKREF appends a second copy along axis 0 (a channel axis). */
    int copies = c->special == HC_MASKREF ? 2 : 1;
    int drop = c->rank ? v.a.rank - c->rank : 0;
    memset(a, 0, sizeof *a);
    a->dtype = c->dtype;
    a->rank = v.a.rank - drop;
    for (int k = 0; k < a->rank; k++) {
        a->dims[k] = c->count[k + drop];
        a->roles[k] = c->roles[k];
    }
    a->dims[0] *= (size_t)copies;
    *data = malloc(n * copies * vc_dtype_size(c->dtype));
    if (!*data) {
        tu_free(&v);
        return -1;
    }
    for (int copy = 0; copy < copies; copy++)
        for (size_t i = 0; i < n; i++) {
            double x = load(v.a.dtype, v.data, source_index(&v, c, i));
            int masked = isnan(x) || (v.has_fill && x == v.fill);
            double y = copy ? 2 * x + 1 : x * c->scale + c->offset;
            if (masked)
                y = c->dtype == VC_FLOAT32 || c->dtype == VC_FLOAT64 ? NAN : c->fill;
            store(c->dtype, *data, copy * n + i, y);
        }
    tu_free(&v);
    if (c->special == HC_SPECIAL_BANDS)
        special_bands(a, *data);
    return 0;
}

void hc_params(const hc_case *c, vc_params *p)
{
    vc_params_init(p);
    p->mode = c->mode;
    p->target = c->target;
    if (c->bit_depth)
        p->bit_depth = c->bit_depth;
    p->transform = c->transform;
    p->has_fill = c->has_fill;
    p->fill_value = c->fill;
    p->threads = 1;
}

size_t hc_bytes(const vc_array *a)
{
    return vc_array_nvalues(a) * vc_dtype_size(a->dtype);
}

int hc_compress(const vc_array *a, const void *data, const vc_params *p,
                void **stream, size_t *size)
{
    vc_ctx *ctx = vc_ctx_create(p);
    size_t cap = vc_compress_bound(a);
    *stream = malloc(cap ? cap : 1);
    int rc = ctx && *stream ? vc_compress(ctx, a, data, *stream, cap, size) : VC_ERR_NOMEM;
    if (rc != VC_OK) {
        fprintf(stderr, "compress: %s: %s\n", vc_strerror(rc), vc_ctx_error(ctx));
        free(*stream);
        *stream = NULL;
    }
    vc_ctx_free(ctx);
    return rc;
}

void *hc_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *p = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *q = realloc(p, cap);
            if (!q) {
                free(p);
                fclose(f);
                return NULL;
            }
            p = q;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        return NULL;
    }
    *size = n;
    return p;
}

int hc_write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(p, 1, n, f) != n;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}
