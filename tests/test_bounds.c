/* test_bounds.c: the guarantees of issue 6 on real data. Absolute and
 * relative error bounds hold on every valid value (checked in float64 against
 * the original), rate targets land at or below the budget and within 5 % of
 * it, and bounds that cannot be honoured are refused with a reason. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vidcube.h"


/* Largest |orig - dec| / E over the valid values of every channel, where E
 * is per channel (rel) or one number (abs). Positions are checked directly,
 * in float64, not through the library's own measure. */
static double worst_ratio(const tu_var *v, const void *dec, vc_mode mode, double target,
                          const vc_quality *q, size_t C)
{
    size_t es = vc_dtype_size(v->a.dtype);
    double worst = 0;
    vc_array a = v->a;
    vc_array_check(&a);
    (void)C;
    for (size_t i = 0; i < v->n; i++) {
        double o, d;
        if (v->a.dtype == VC_FLOAT32) {
            o = ((const float *)v->data)[i];
            d = ((const float *)dec)[i];
        } else if (v->a.dtype == VC_INT16) {
            o = ((const int16_t *)v->data)[i];
            d = ((const int16_t *)dec)[i];
        } else {
            o = ((const uint8_t *)v->data)[i];
            d = ((const uint8_t *)dec)[i];
        }
        if (isnan(o) || (v->has_fill && o == v->fill)) {
            CU_ASSERT(memcmp((const uint8_t *)v->data + i * es, (const uint8_t *)dec + i * es, es) == 0);
            continue;
        }
        size_t c = tu_channel_of(&a, i);
        double E = mode == VC_MODE_REL ? target * q[c].peak : target;
        double r = E > 0 ? fabs(o - d) / E : (o == d ? 0 : HUGE_VAL);
        if (r > worst)
            worst = r;
    }
    return worst;
}

static void check_bounds(vc_mode mode, const double *targets, size_t nt)
{
    for (size_t k = 0; k < tu_nsamples; k++) {
        tu_var v;
        CU_ASSERT_FATAL(tu_load_sample(k, &v) == 0);
        size_t C = tu_nchannels(&v.a);
        vc_quality *q0 = calloc(C, sizeof *q0);
        /* the ranges, from comparing the data with itself */
        vc_measure(&v.a, v.data, v.data, v.has_fill, v.fill, q0, C, NULL);
        double var_range = 0;
        for (size_t c = 0; c < C; c++)
            if (q0[c].n_valid && q0[c].peak > var_range)
                var_range = q0[c].peak;
        for (size_t t = 0; t < nt; t++) {
            vc_params p;
            vc_params_init(&p);
            p.mode = mode;
            p.target = mode == VC_MODE_ABS ? targets[t] * var_range : targets[t];
            p.has_fill = v.has_fill;
            p.fill_value = v.fill;
            void *dec;
            size_t size = tu_roundtrip(&v.a, v.data, &p, &dec, NULL);
            CU_ASSERT_FATAL(size > 0);
            double w = worst_ratio(&v, dec, mode, p.target, q0, C);
            CU_ASSERT(w <= 1.0);
            printf("\n    %-16s %s %-7g bpppb %7.4f  max|err|/E %.3f", tu_samples[k].var,
                   mode == VC_MODE_ABS ? "abs" : "rel", targets[t], 8.0 * size / v.n, w);
            free(dec);
        }
        free(q0);
        tu_free(&v);
    }
}

static void test_rel_bounds(void)
{
    static const double R[] = { 1e-1, 1e-2, 1e-3, 1e-4 };
    check_bounds(VC_MODE_REL, R, 4);
}

static void test_abs_bounds(void)
{
    static const double R[] = { 1e-2, 1e-4 };   /* times the variable's range */
    check_bounds(VC_MODE_ABS, R, 2);
}

/* Rates: one variable per dataset, 0.1 .. 2 bpppb. */
static void test_rates(void)
{
    static const size_t pick[] = { 0, 4, 7, 8, 10 };
    static const double B[] = { 0.1, 0.5, 1, 2 };
    for (size_t i = 0; i < sizeof pick / sizeof pick[0]; i++) {
        tu_var v;
        CU_ASSERT_FATAL(tu_load_sample(pick[i], &v) == 0);
        for (size_t b = 0; b < 4; b++) {
            vc_params p;
            vc_params_init(&p);
            p.mode = VC_MODE_RATE;
            p.target = B[b];
            p.has_fill = v.has_fill;
            p.fill_value = v.fill;
            vc_ctx *ctx = vc_ctx_create(&p);
            size_t cap = vc_compress_bound(&v.a), size = 0;
            void *s = malloc(cap);
            int rc = vc_compress(ctx, &v.a, v.data, s, cap, &size);
            double got = 8.0 * size / v.n;
            if (rc == VC_ERR_TARGET) {
                /* too low for this data: refused with the reachable minimum */
                CU_ASSERT(strstr(vc_ctx_error(ctx), "bpppb") != NULL);
                printf("\n    %-16s rate %-4g refused: %s", tu_samples[pick[i]].var, B[b], vc_ctx_error(ctx));
            } else {
                CU_ASSERT_FATAL(rc == VC_OK);
                CU_ASSERT(got <= B[b]);
                /* within 5 %, unless the whole array went exact for less */
                int exact = 1;
                for (size_t c = 0; c < vc_report_nbands(ctx); c++) {
                    vc_band_report r;
                    vc_report_band(ctx, c, &r);
                    exact &= r.quality.max_abs_error == 0 || r.quality.n_valid == 0;
                }
                CU_ASSERT(got >= 0.95 * B[b] || exact);
                printf("\n    %-16s rate %-4g -> %.4f bpppb%s", tu_samples[pick[i]].var, B[b], got,
                       exact ? " (exact)" : "");
            }
            vc_ctx_free(ctx);
            free(s);
        }
        tu_free(&v);
    }
}

static void test_refused(void)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load("era5_t2m_uk_crop.nc", "t2m", &v) == 0);
    vc_params p;
    vc_params_init(&p);
    size_t cap = vc_compress_bound(&v.a), size;
    void *s = malloc(cap);
    struct { vc_mode mode; double target; int status; const char *word; } bad[] = {
        { VC_MODE_ABS, 0, VC_ERR_PARAM, "> 0" },
        { VC_MODE_ABS, -0.1, VC_ERR_PARAM, "> 0" },
        { VC_MODE_REL, 0, VC_ERR_PARAM, "> 0" },
        { VC_MODE_ABS, 1e-6, VC_ERR_PARAM, "resolution" },   /* float32 spacing at 280 K is 3e-5 */
        { VC_MODE_REL, 1e-9, VC_ERR_PARAM, "resolution" },
        { VC_MODE_RATE, 0.001, VC_ERR_TARGET, "bpppb" },      /* below the header's own cost */
        { VC_MODE_RATE, -1, VC_ERR_PARAM, "> 0" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        p.mode = bad[k].mode;
        p.target = bad[k].target;
        vc_ctx *ctx = vc_ctx_create(&p);
        int rc = vc_compress(ctx, &v.a, v.data, s, cap, &size);
        CU_ASSERT_EQUAL(rc, bad[k].status);
        CU_ASSERT(strstr(vc_ctx_error(ctx), bad[k].word) != NULL);
        printf("\n    refused: %s", vc_ctx_error(ctx));
        vc_ctx_free(ctx);
    }
    /* A bound wider than the data is not an error. */
    p.mode = VC_MODE_ABS;
    p.target = 1e6;
    void *dec;
    CU_ASSERT(tu_roundtrip(&v.a, v.data, &p, &dec, NULL) > 0);
    free(dec);
    free(s);
    tu_free(&v);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("bounds and rates", NULL, NULL);
    CU_add_test(s, "relative bounds 1e-1..1e-4 on every variable", test_rel_bounds);
    CU_add_test(s, "absolute bounds on every variable", test_abs_bounds);
    CU_add_test(s, "rate targets land within 5 %", test_rates);
    CU_add_test(s, "impossible bounds and rates refused", test_refused);
    return tu_run_cunit();
}
