/* test_data.c: the library on real data (the samples in data/): PSNR
 * targets met on every band, NaN and fill values restored exactly, lossless
 * round trips bit-exact for every dtype. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vidcube.h"

/* Every data variable of every sample. ERA5 ensemble: members and levels
 * are channels, time runs along frames. */

static void check_targets(double target)
{
    for (size_t k = 0; k < tu_nsamples; k++) {
        tu_var v;
        CU_ASSERT_FATAL(tu_load_sample(k, &v) == 0);
        vc_params p;
        vc_params_init(&p);
        p.mode = VC_MODE_PSNR;
        p.target = target;
        p.has_fill = v.has_fill;
        p.fill_value = v.fill;
        void *dec;
        size_t size = tu_roundtrip(&v.a, v.data, &p, &dec, NULL);
        CU_ASSERT_FATAL(size > 0);
        size_t nb = vc_array_nvalues(&v.a);   /* upper bound on channels */
        vc_quality *q = calloc(nb, sizeof *q), all;
        CU_ASSERT_FATAL(vc_measure(&v.a, v.data, dec, v.has_fill, v.fill, q, nb, &all) == VC_OK);
        size_t C = tu_nchannels(&v.a);
        double worst = HUGE_VAL;
        for (size_t c = 0; c < C; c++) {
            if (q[c].n_valid == 0)
                continue;
            CU_ASSERT(q[c].psnr_db >= target);
            CU_ASSERT(q[c].mask_exact);
            if (q[c].psnr_db < worst)
                worst = q[c].psnr_db;
        }
        CU_ASSERT(all.mask_exact);
        printf("\n    %-20s %-16s target %2.0f dB: bpppb %.4f, worst band %.2f dB, all %.2f dB, %zu bands",
               tu_samples[k].file, tu_samples[k].var, target, 8.0 * size / v.n, worst, all.psnr_db, C);
        free(q);
        free(dec);
        tu_free(&v);
    }
}

static void test_psnr_40(void) { check_targets(40); }
static void test_psnr_50(void) { check_targets(50); }
static void test_psnr_60(void) { check_targets(60); }

/* NaN of the OLCI cube and the land fill of OSTIA: positions and bits. */
static void check_mask_exact(const char *file, const char *var, double target)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load(file, var, &v) == 0);
    vc_params p;
    vc_params_init(&p);
    p.target = target;
    p.has_fill = v.has_fill;
    p.fill_value = v.fill;
    void *dec;
    CU_ASSERT_FATAL(tu_roundtrip(&v.a, v.data, &p, &dec, NULL) > 0);
    size_t es = vc_dtype_size(v.a.dtype), masked = 0, wrong = 0;
    for (size_t i = 0; i < v.n; i++) {
        const uint8_t *o = (const uint8_t *)v.data + i * es, *d = (const uint8_t *)dec + i * es;
        int om, dm;
        if (v.a.dtype == VC_FLOAT32) {
            float fo, fd;
            memcpy(&fo, o, 4);
            memcpy(&fd, d, 4);
            om = isnan(fo);
            dm = isnan(fd);
        } else {
            int16_t so, sd;
            memcpy(&so, o, 2);
            memcpy(&sd, d, 2);
            om = so == (int16_t)v.fill;
            dm = sd == (int16_t)v.fill;
        }
        masked += (size_t)om;
        if (om != dm || (om && memcmp(o, d, es)))
            wrong++;
    }
    printf("\n    %s %s: %zu of %zu values masked, %zu differ", file, var, masked, v.n, wrong);
    CU_ASSERT(masked > v.n / 10);     /* the samples are heavily masked */
    CU_ASSERT_EQUAL(wrong, 0);
    free(dec);
    tu_free(&v);
}

static void test_mask_olci(void)
{
    check_mask_exact("s3_olci_crop.nc", "conc_chl", 40);
    check_mask_exact("s3_olci_crop.nc", "kd489", 50);
}

static void test_mask_ostia(void)
{
    check_mask_exact("ostia_sst_crop.nc", "analysed_sst", 40);
    check_mask_exact("ostia_sst_crop.nc", "sst_anomaly", 50);
}

/* NaN payloads, signalling NaN and +-Inf planted in real data come back bit
 * for bit through a lossy mode, and the rest still meets its target. */
static void test_special_values(void)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load("era5_t2m_uk_crop.nc", "t2m", &v) == 0);
    static const uint32_t specials[] = { 0x7fc00000u, 0x7fc00001u, 0xffc12345u,
                                         0x7f800001u, 0x7f800000u, 0xff800000u };
    float *f = v.data;
    for (size_t i = 0; i < v.n; i += 997)
        memcpy(&f[i], &specials[(i / 997) % 6], 4);
    vc_params p;
    vc_params_init(&p);
    p.target = 45;
    void *dec;
    CU_ASSERT_FATAL(tu_roundtrip(&v.a, v.data, &p, &dec, NULL) > 0);
    for (size_t i = 0; i < v.n; i += 997)
        CU_ASSERT(memcmp(&f[i], (float *)dec + i, 4) == 0);
    vc_quality q;
    CU_ASSERT(vc_measure(&v.a, v.data, dec, 0, 0, &q, 1, NULL) == VC_OK);
    CU_ASSERT(q.mask_exact);
    CU_ASSERT(q.psnr_db >= 45);
    CU_ASSERT_EQUAL(q.n_masked, (v.n + 996) / 997);
    free(dec);
    tu_free(&v);
}

static void lossless_exact(const vc_array *a, const void *data, const char *what)
{
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_LOSSLESS;
    void *dec;
    size_t size = tu_roundtrip(a, data, &p, &dec, NULL);
    CU_ASSERT_FATAL(size > 0);
    size_t n = vc_array_nvalues(a), bytes = n * vc_dtype_size(a->dtype);
    CU_ASSERT(memcmp(data, dec, bytes) == 0);
    printf("\n    lossless %-28s %-8s ratio %.2f (%.3f bpppb)", what, vc_dtype_name(a->dtype),
           (double)bytes / size, 8.0 * size / n);
    free(dec);
}

/* Convert a loaded variable to another dtype (value-preserving for the
 * ranges used here) to cover every dtype with real values. */
static void *convert(const tu_var *v, vc_dtype to, double scale, double offset)
{
    size_t es = vc_dtype_size(to);
    uint8_t *out = malloc(v->n * es);
    for (size_t i = 0; i < v->n; i++) {
        double x;
        switch (v->a.dtype) {
        case VC_FLOAT32: x = ((float *)v->data)[i]; break;
        case VC_INT16:   x = ((int16_t *)v->data)[i]; break;
        case VC_UINT8:   x = ((uint8_t *)v->data)[i]; break;
        default:         x = 0; break;
        }
        x = x * scale + offset;
        switch (to) {
        case VC_UINT8:   out[i] = (uint8_t)x; break;
        case VC_INT8:    ((int8_t *)out)[i] = (int8_t)x; break;
        case VC_UINT16:  ((uint16_t *)out)[i] = (uint16_t)x; break;
        case VC_INT16:   ((int16_t *)out)[i] = (int16_t)x; break;
        case VC_UINT32:  ((uint32_t *)out)[i] = (uint32_t)x; break;
        case VC_INT32:   ((int32_t *)out)[i] = (int32_t)x; break;
        case VC_FLOAT32: ((float *)out)[i] = (float)x; break;
        case VC_FLOAT64: ((double *)out)[i] = x; break;
        }
    }
    return out;
}

static void test_lossless(void)
{
    tu_var t2m, chl, sst, clm, prob;
    CU_ASSERT_FATAL(tu_load("era5_t2m_uk_crop.nc", "t2m", &t2m) == 0);
    CU_ASSERT_FATAL(tu_load("s3_olci_crop.nc", "conc_chl", &chl) == 0);
    CU_ASSERT_FATAL(tu_load("ostia_sst_crop.nc", "analysed_sst", &sst) == 0);
    CU_ASSERT_FATAL(tu_load("s2_l1c_crop.nc", "cloud_mask", &clm) == 0);
    CU_ASSERT_FATAL(tu_load("s2_l1c_crop.nc", "cloud_prob", &prob) == 0);
    lossless_exact(&t2m.a, t2m.data, "era5 t2m");
    lossless_exact(&chl.a, chl.data, "olci conc_chl (NaN)");
    lossless_exact(&sst.a, sst.data, "ostia analysed_sst (fill)");
    lossless_exact(&clm.a, clm.data, "s2 cloud_mask");

    struct { tu_var *v; vc_dtype to; double scale, offset; const char *what; } conv[] = {
        { &sst, VC_UINT16, 1, 32768, "ostia sst + 32768" },
        { &sst, VC_INT32, 1000, 0, "ostia sst x 1000" },
        { &sst, VC_UINT32, 1, 40000, "ostia sst + 40000" },
        { &prob, VC_INT8, 100, -50, "s2 cloud_prob x100 - 50" },
        { &t2m, VC_FLOAT64, 1, 0, "era5 t2m" },
    };
    for (size_t k = 0; k < sizeof conv / sizeof conv[0]; k++) {
        vc_array a = conv[k].v->a;
        a.dtype = conv[k].to;
        void *data = convert(conv[k].v, conv[k].to, conv[k].scale, conv[k].offset);
        lossless_exact(&a, data, conv[k].what);
        free(data);
    }

    /* -0.0, NaN payloads and denormals in a lossless float stream. */
    float *f = t2m.data;
    static const uint32_t odd[] = { 0x80000000u, 0x7fc00001u, 0xffbfffffu, 0x00000001u };
    for (size_t i = 0; i < t2m.n; i += 101)
        memcpy(&f[i], &odd[(i / 101) % 4], 4);
    lossless_exact(&t2m.a, t2m.data, "t2m with -0.0/NaN payloads");

    tu_free(&t2m); tu_free(&chl); tu_free(&sst); tu_free(&clm); tu_free(&prob);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("real data", NULL, NULL);
    CU_add_test(s, "PSNR target 40 dB on every band", test_psnr_40);
    CU_add_test(s, "PSNR target 50 dB on every band", test_psnr_50);
    CU_add_test(s, "PSNR target 60 dB on every band", test_psnr_60);
    CU_add_test(s, "OLCI NaN positions exact", test_mask_olci);
    CU_add_test(s, "OSTIA fill positions exact", test_mask_ostia);
    CU_add_test(s, "NaN payloads and Inf bit-exact", test_special_values);
    CU_add_test(s, "lossless bit-exact, every dtype", test_lossless);
    return tu_run_cunit();
}
