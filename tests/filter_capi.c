/* filter_capi.c: the filter through HDF5's C API on the sample data.
 * Each variable is written with H5Pset_filter (the plugin loaded from the
 * build tree through HDF5_PLUGIN_PATH), read back with H5Dread, and must
 * meet its PSNR target on every band (measured by vc_measure), restore
 * NaN and fill positions exactly, decode to exactly what the library
 * decodes from the same chunks, and take less room than the raw values.
 * Several chunkings leave partial edge chunks, which HDF5 pads with the
 * fill value: set_local must have told the library to mask it. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter_util.h"
#include "testutil.h"

typedef struct {
    const char *file, *var;
    const char *roles;           /* axis roles for the filter and the measure; NULL default */
    size_t      chunk[VC_MAX_RANK];   /* all 0: one chunk */
    vc_mode     mode;
    double      target;
} capi_case;

static const capi_case CASES[] = {
    /* 7 GOPs of 24 hours */
    { "era5_t2m_uk_crop.nc", "t2m", NULL, { 24, 33, 49 }, VC_MODE_PSNR, 45 },
    /* 33 and 49 are not multiples of 16: partial edge chunks, padded with the fill */
    { "era5_t2m_uk_crop.nc", "t2m", NULL, { 24, 16, 16 }, VC_MODE_PSNR, 45 },
    /* int16 with land = -32768, edge chunks along lat and lon */
    { "ostia_sst_crop.nc", "analysed_sst", NULL, { 3, 64, 128 }, VC_MODE_PSNR, 45 },
    /* 5 dates x 13 bands: the PSNR target holds on each band */
    { "s2_l1c_crop.nc", "toa_reflectance", NULL, { 0 }, VC_MODE_PSNR, 40 },
    /* 88 % NaN, NaN _FillValue */
    { "s3_olci_crop.nc", "conc_chl", NULL, { 5, 128, 256 }, VC_MODE_PSNR, 40 },
    /* rank 5, members and levels as channels */
    { "era5_ens_crop.nc", "z", "CTCYX", { 5, 4, 1, 61, 120 }, VC_MODE_PSNR, 45 },
    /* categories: lossless, bit-exact */
    { "s2_l1c_crop.nc", "cloud_mask", NULL, { 8, 64, 64 }, VC_MODE_LOSSLESS, 0 },
};
#define NCASES (sizeof CASES / sizeof CASES[0])

static void case_roles(const capi_case *c, vc_array *a)
{
    for (int i = 0; c->roles && i < a->rank; i++)
        a->roles[i] = (vc_axis)c->roles[i];
}

/* The user words for a case: its mode, target and axis roles. */
static void case_cd(const capi_case *c, const vc_array *a, unsigned int cd[VC_CD_NUSER])
{
    vc_params p;
    vc_params_init(&p);
    p.mode = c->mode;
    p.target = c->target;
    CU_ASSERT_FATAL(vc_cd_pack(&p, c->roles ? a->roles : NULL, a->rank, cd, VC_CD_NUSER,
                               NULL) == VC_OK);
}

static size_t count_bands(vc_array a)
{
    size_t nb = 1;
    vc_array_check(&a);
    for (int i = 0; i < a.rank; i++)
        if (a.roles[i] == VC_AXIS_CHANNEL)
            nb *= a.dims[i];
    return nb;
}

/* Quality of the decoded values against the original, band by band. */
static void check_quality(const capi_case *c, const tu_var *v, const fu_dataset *d)
{
    vc_array a = v->a;
    case_roles(c, &a);
    size_t nb = count_bands(a), bytes = v->n * vc_dtype_size(a.dtype);
    if (c->mode == VC_MODE_LOSSLESS) {
        CU_ASSERT(memcmp(v->data, d->data, bytes) == 0);
        printf("\n    %-16s lossless: bit-exact %s", c->var, memcmp(v->data, d->data, bytes) ? "NO" : "yes");
        return;
    }
    vc_quality *q = calloc(nb, sizeof *q), all;
    CU_ASSERT_FATAL(q != NULL);
    CU_ASSERT_FATAL(vc_measure(&a, v->data, d->data, v->has_fill, v->fill, q, nb, &all) == VC_OK);
    double worst = HUGE_VAL;
    for (size_t b = 0; b < nb; b++) {
        if (q[b].n_valid == 0)
            continue;
        CU_ASSERT(q[b].psnr_db >= c->target);
        CU_ASSERT(q[b].mask_exact);
        worst = fmin(worst, q[b].psnr_db);
    }
    CU_ASSERT(all.mask_exact);
    CU_ASSERT(all.n_valid > 0);
    printf("\n    %-16s target %.0f dB: worst of %zu bands %.2f dB, masked %zu", c->var,
           c->target, nb, worst, all.n_masked);
    free(q);
}

static void run_case(size_t k)
{
    const capi_case *c = &CASES[k];
    tu_var v;
    CU_ASSERT_FATAL(tu_load(c->file, c->var, &v) == 0);
    case_roles(c, &v.a);

    unsigned int cd[VC_CD_NUSER];
    case_cd(c, &v.a, cd);
    char path[64];
    snprintf(path, sizeof path, "filter_capi_%zu.h5", k);
    fu_write_opts o = { .chunk = c->chunk[0] ? c->chunk : NULL, .cd = cd, .ncd = VC_CD_NUSER,
                        .has_fill = v.has_fill, .fill = v.fill };
    const char *step = NULL;
    int wrote = fu_write(path, c->var, &v.a, v.data, &o, &step);
    if (wrote != 0)
        fprintf(stderr, "%s: %s failed\n", path, step);
    CU_ASSERT_FATAL(wrote == 0);

    fu_dataset through, direct;
    CU_ASSERT_FATAL(fu_read(path, c->var, &through, NULL, 0) == 0);
    CU_ASSERT_FATAL(fu_decode_chunks(path, c->var, &direct) == 0);
    size_t bytes = v.n * vc_dtype_size(v.a.dtype);
    CU_ASSERT(through.n == v.n);
    CU_ASSERT(memcmp(through.data, direct.data, bytes) == 0);   /* the filter adds nothing */
    check_quality(c, &v, &through);

    hid_t fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, c->var, H5P_DEFAULT);
    hsize_t stored = H5Dget_storage_size(ds);
    CU_ASSERT(stored > 0 && stored < bytes);
    printf(", %.3f bits/value", 8.0 * (double)stored / (double)v.n);
    CU_ASSERT(H5Dclose(ds) >= 0);
    CU_ASSERT(H5Fclose(fid) >= 0);

    fu_free(&through);
    fu_free(&direct);
    tu_free(&v);
    unlink(path);
}

static void test_t2m(void)          { run_case(0); }
static void test_t2m_edges(void)    { run_case(1); }
static void test_ostia_edges(void)  { run_case(2); }
static void test_s2_bands(void)     { run_case(3); }
static void test_olci_nan(void)     { run_case(4); }
static void test_era5_rank5(void)   { run_case(5); }
static void test_lossless_u8(void)  { run_case(6); }

int main(void)
{
    fu_use_build_plugin();
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("H5Pset_filter write, H5Dread read", NULL, NULL);
    CU_add_test(s, "t2m, 24-hour chunks", test_t2m);
    CU_add_test(s, "t2m, partial edge chunks masked", test_t2m_edges);
    CU_add_test(s, "OSTIA int16, land fill, edge chunks", test_ostia_edges);
    CU_add_test(s, "Sentinel-2, 13 bands each at target", test_s2_bands);
    CU_add_test(s, "OLCI, 88 % NaN", test_olci_nan);
    CU_add_test(s, "ERA5 ensemble, rank 5, roles CTCYX", test_era5_rank5);
    CU_add_test(s, "cloud mask uint8, lossless", test_lossless_u8);
    return tu_run_cunit();
}
