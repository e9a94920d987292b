/* test_shapes.c: every extent works. Tiny and odd frames, single frames,
 * single bands, every rank and unusual axis orders round-trip within the
 * target; constant bands, all-masked frames and all-masked bands are coded
 * exactly. Values are cut from real ERA5 t2m data. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vidcube.h"

static tu_var t2m;                /* (168, 33, 49) */

static int setup(void) { return tu_load("era5_t2m_uk_crop.nc", "t2m", &t2m); }
static int teardown(void) { tu_free(&t2m); return 0; }

/* A (T, Y, X) block of t2m starting at (t0, y0, x0), in C order. */
static float *cut(size_t T, size_t Y, size_t X, size_t t0, size_t y0, size_t x0)
{
    float *f = malloc(T * Y * X * sizeof *f);
    const float *src = t2m.data;
    for (size_t t = 0; t < T; t++)
        for (size_t y = 0; y < Y; y++)
            for (size_t x = 0; x < X; x++)
                f[(t * Y + y) * X + x] = src[((t0 + t) * 33 + y0 + y) * 49 + x0 + x];
    return f;
}

/* Round trip at a PSNR target; every band must meet it, masks exact. */
static void roundtrip(const vc_array *a, const void *data, double target, const char *what)
{
    vc_params p;
    vc_params_init(&p);
    p.target = target;
    void *dec;
    size_t size = tu_roundtrip(a, data, &p, &dec, NULL);
    CU_ASSERT_FATAL(size > 0);
    size_t n = vc_array_nvalues(a);
    vc_quality *q = calloc(n, sizeof *q), all;
    CU_ASSERT_FATAL(vc_measure(a, data, dec, 0, 0, q, n, &all) == VC_OK);
    size_t C = tu_nchannels(a);
    for (size_t c = 0; c < C; c++) {
        if (q[c].n_valid)
            CU_ASSERT(q[c].psnr_db >= target);
        CU_ASSERT(q[c].mask_exact);
    }
    printf("\n    %-34s %zu values -> %zu bytes, %.2f dB", what, n, size, all.psnr_db);
    free(q);
    free(dec);
}

static void test_tiny_and_odd(void)
{
    static const size_t shapes[][3] = {
        { 1, 1, 1 }, { 5, 1, 1 }, { 1, 7, 5 }, { 9, 7, 5 }, { 3, 1, 49 }, { 3, 33, 1 },
        { 1, 33, 49 }, { 2, 17, 31 }, { 24, 16, 16 }, { 30, 15, 17 },
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        size_t T = shapes[k][0], Y = shapes[k][1], X = shapes[k][2];
        float *f = cut(T, Y, X, 3, 2, 1);
        vc_array a = { VC_FLOAT32, 3, { T, Y, X }, { 0 } };
        char what[64];
        snprintf(what, sizeof what, "T Y X = %zu %zu %zu", T, Y, X);
        roundtrip(&a, f, 50, what);
        free(f);
    }
}

static void test_ranks_and_roles(void)
{
    float *f = cut(12, 20, 30, 0, 5, 5);         /* 7200 values */
    struct { int rank; size_t dims[5]; const char *roles; } cases[] = {
        { 1, { 7200 }, NULL },
        { 2, { 240, 30 }, NULL },
        { 4, { 3, 4, 20, 30 }, NULL },           /* T C Y X: 4 bands */
        { 4, { 12, 1, 20, 30 }, NULL },          /* one band */
        { 5, { 2, 3, 2, 20, 30 }, "CTCYX" },     /* 4 channels from 2 axes */
        { 3, { 20, 30, 12 }, "YXT" },            /* time fastest */
        { 3, { 12, 20, 30 }, "TXY" },            /* transposed frames */
        { 2, { 240, 30 }, "YX" },
        { 3, { 12, 20, 30 }, "CYX" },            /* 12 bands of one frame */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vc_array a = { VC_FLOAT32, cases[k].rank, { 0 }, { 0 } };
        memcpy(a.dims, cases[k].dims, sizeof a.dims);
        for (int i = 0; cases[k].roles && i < a.rank; i++)
            a.roles[i] = (vc_axis)cases[k].roles[i];
        char what[64];
        snprintf(what, sizeof what, "rank %d roles %s", a.rank,
                 cases[k].roles ? cases[k].roles : "default");
        roundtrip(&a, f, 48, what);
    }
    free(f);
}

static void test_every_dtype_lossy(void)
{
    float *f = cut(24, 33, 49, 0, 0, 0);
    size_t n = 24 * 33 * 49;
    static const vc_dtype types[] = { VC_UINT8, VC_INT8, VC_UINT16, VC_INT16,
                                      VC_UINT32, VC_INT32, VC_FLOAT32, VC_FLOAT64 };
    for (size_t k = 0; k < 8; k++) {
        /* Map t2m (about 260..285 K) into each type's range with real detail. */
        vc_array a = { types[k], 3, { 24, 33, 49 }, { 0 } };
        void *d = malloc(n * 8);
        for (size_t i = 0; i < n; i++) {
            double x = f[i] - 273.15;
            switch (types[k]) {
            case VC_UINT8:   ((uint8_t *)d)[i] = (uint8_t)(x * 8 + 100); break;
            case VC_INT8:    ((int8_t *)d)[i] = (int8_t)(x * 8); break;
            case VC_UINT16:  ((uint16_t *)d)[i] = (uint16_t)(x * 1000 + 30000); break;
            case VC_INT16:   ((int16_t *)d)[i] = (int16_t)(x * 1000); break;
            case VC_UINT32:  ((uint32_t *)d)[i] = (uint32_t)(x * 1e6 + 3e9); break;
            case VC_INT32:   ((int32_t *)d)[i] = (int32_t)(x * 1e6); break;
            case VC_FLOAT32: ((float *)d)[i] = (float)x; break;
            case VC_FLOAT64: ((double *)d)[i] = x; break;
            }
        }
        roundtrip(&a, d, 45, vc_dtype_name(types[k]));
        free(d);
    }
    free(f);
}

static void test_degenerate_bands(void)
{
    /* Band 0 constant, band 1 all NaN, band 2 with two all-NaN frames and a
     * single valid pixel in another, band 3 ordinary. */
    size_t T = 6, Y = 20, X = 24, F = Y * X;
    float *f = malloc(4 * T * F * sizeof *f), *real = cut(T, Y, X, 10, 0, 0);
    vc_array a = { VC_FLOAT32, 4, { T, 4, Y, X }, { 0 } };
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < F; i++) {
            float *px = f + (t * 4) * F + i;
            px[0] = 280.5f;
            px[F] = NAN;
            px[2 * F] = (t == 1 || t == 2) ? NAN : (t == 4 && i != 77) ? NAN : real[t * F + i];
            px[3 * F] = real[t * F + i];
        }
    vc_params p;
    vc_params_init(&p);
    p.target = 50;
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(&a), size;
    void *s = malloc(cap), *d = malloc(4 * T * F * sizeof(float));
    CU_ASSERT_FATAL(vc_compress(ctx, &a, f, s, cap, &size) == VC_OK);
    vc_band_report r[4];
    for (int b = 0; b < 4; b++)
        vc_report_band(ctx, (size_t)b, &r[b]);
    CU_ASSERT_EQUAL(r[0].coder, VC_CODER_CONSTANT);
    CU_ASSERT_EQUAL(r[1].coder, VC_CODER_NONE);
    CU_ASSERT_EQUAL(r[2].coder, VC_CODER_VIDEO);
    CU_ASSERT_EQUAL(r[3].coder, VC_CODER_VIDEO);
    CU_ASSERT(r[0].bytes < 100 && r[1].bytes < 100);
    CU_ASSERT_FATAL(vc_decompress(ctx, s, size, d, 4 * T * F * sizeof(float)) == VC_OK);
    vc_quality q[4];
    CU_ASSERT(vc_measure(&a, f, d, 0, 0, q, 4, NULL) == VC_OK);
    CU_ASSERT(q[0].max_abs_error == 0 && q[0].mask_exact);
    CU_ASSERT(q[1].n_valid == 0 && q[1].mask_exact);
    CU_ASSERT(q[2].psnr_db >= 50 && q[2].mask_exact);
    CU_ASSERT(q[3].psnr_db >= 50 && q[3].mask_exact);
    printf("\n    constant %zu B, all-NaN %zu B, holes %zu B, plain %zu B",
           r[0].bytes, r[1].bytes, r[2].bytes, r[3].bytes);
    vc_ctx_free(ctx);
    free(f); free(real); free(s); free(d);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("shapes", setup, teardown);
    CU_add_test(s, "tiny, thin and odd frames", test_tiny_and_odd);
    CU_add_test(s, "ranks 1-5 and axis roles", test_ranks_and_roles);
    CU_add_test(s, "every dtype, lossy", test_every_dtype_lossy);
    CU_add_test(s, "constant, all-masked and holey bands", test_degenerate_bands);
    return tu_run_cunit();
}
