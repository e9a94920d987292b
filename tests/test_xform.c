/* test_xform.c: the band transforms' pieces. The wavelet packet and the
 * KLT invert without quantisation (to 1e-6 relative), weights survive the
 * stream bit for bit, the autoencoder's training never does worse than the
 * PCA it starts from and is repeatable, and degenerate inputs (one band,
 * identical bands, an all-NaN band) do not break fitting. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vc_internal.h"

static tu_var s2;            /* toa_reflectance (5, 13, 64, 64) */

static int setup(void) { return tu_load("s2_l1c_crop.nc", "toa_reflectance", &s2); }
static int teardown(void) { tu_free(&s2); return 0; }

/* Band b of scene t, as doubles. */
static double *frame(size_t t, size_t b)
{
    double *f = malloc(64 * 64 * sizeof *f);
    const float *src = (const float *)s2.data + (t * 13 + b) * 64 * 64;
    for (size_t i = 0; i < 64 * 64; i++)
        f[i] = src[i];
    return f;
}

static double rel_err(const double *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num += (a[i] - b[i]) * (a[i] - b[i]);
        den += a[i] * a[i];
    }
    return sqrt(num / (den > 0 ? den : 1));
}

static void test_wavelet_roundtrip(void)
{
    for (int J = 1; J <= 3; J++) {
        double *f = frame(2, 7), *g = malloc(64 * 64 * sizeof *g);
        memcpy(g, f, 64 * 64 * sizeof *g);
        CU_ASSERT(vc_wavelet_forward(g, 64, 64, J) == VC_OK);
        CU_ASSERT(rel_err(f, g, 64 * 64) > 0.1);          /* it did transform */
        CU_ASSERT(vc_wavelet_inverse(g, 64, 64, J) == VC_OK);
        double e = rel_err(f, g, 64 * 64);
        CU_ASSERT(e < 1e-6);
        printf("\n    wavelet packet J=%d: relative error %.2e", J, e);
        free(f); free(g);
    }
}

/* Channels x T frames of the crop, normalised by their range. */
static double **channels(size_t C, size_t T)
{
    double **x = malloc(C * sizeof *x);
    for (size_t b = 0; b < C; b++) {
        x[b] = malloc(T * 64 * 64 * sizeof **x);
        for (size_t t = 0; t < T; t++) {
            double *f = frame(t, b);
            memcpy(x[b] + t * 64 * 64, f, 64 * 64 * sizeof *f);
            free(f);
        }
    }
    return x;
}

/* Full-rank transform, no quantisation: decode(encode(x)) == x. */
static void roundtrip(int J, size_t C)
{
    size_t T = 5, n = T * 64 * 64;
    double **x = channels(C, T);
    vc_xform xf;
    memset(&xf, 0, sizeof xf);
    xf.kind = J ? VC_TRANSFORM_WAE : VC_TRANSFORM_KLT;
    xf.Ca = C;
    vc_xform_geometry(&xf, T, 64, 64, J);
    size_t sites = vc_xform_sites(&xf);
    double *U = malloc(sites * xf.d * sizeof *U), *Uh = malloc(sites * xf.d * sizeof *Uh);
    CU_ASSERT_FATAL(vc_xform_features(&xf, (const double *const *)x, U) == VC_OK);
    CU_ASSERT_FATAL(vc_xform_fit_pca(&xf, U, xf.d, 0) == VC_OK);
    double **z = malloc(xf.K * sizeof *z);
    for (size_t k = 0; k < xf.K; k++)
        z[k] = malloc(sites * sizeof **z);
    vc_xform_encode(&xf, U, z);
    CU_ASSERT(vc_xform_decode(&xf, (const double *const *)z, Uh) == VC_OK);
    double worst = 0;
    double *back = malloc(n * sizeof *back);
    for (size_t b = 0; b < C; b++) {
        CU_ASSERT(vc_xform_unfeatures(&xf, Uh, b, back) == VC_OK);
        double e = rel_err(x[b], back, n);
        if (e > worst)
            worst = e;
    }
    CU_ASSERT(worst < 1e-6);
    printf("\n    %s J=%d, %zu channels, K=%zu of d=%zu: relative error %.2e",
           J ? "packet+PCA" : "KLT", J, C, xf.K, xf.d, worst);
    for (size_t k = 0; k < xf.K; k++)
        free(z[k]);
    free(z); free(U); free(Uh); free(back);
    for (size_t b = 0; b < C; b++)
        free(x[b]);
    free(x);
    vc_xform_free(&xf);
}

static void test_klt_roundtrip(void) { roundtrip(0, 13); roundtrip(0, 1); }
static void test_packet_pca_roundtrip(void) { roundtrip(2, 4); roundtrip(1, 13); }

/* Weights written to a stream come back bit for bit. */
static void test_weights_serialise(void)
{
    size_t T = 5;
    double **x = channels(13, T);
    vc_xform xf;
    memset(&xf, 0, sizeof xf);
    xf.kind = VC_TRANSFORM_WAE;
    xf.Ca = 13;
    xf.band = malloc(13 * sizeof *xf.band);
    for (uint16_t b = 0; b < 13; b++)
        xf.band[b] = b;
    vc_xform_geometry(&xf, T, 64, 64, 1);
    size_t sites = vc_xform_sites(&xf);
    double *U = malloc(sites * xf.d * sizeof *U);
    CU_ASSERT_FATAL(vc_xform_features(&xf, (const double *const *)x, U) == VC_OK);
    CU_ASSERT_FATAL(vc_xform_fit_pca(&xf, U, 12, 0) == VC_OK);
    double **z = malloc(xf.K * sizeof *z);
    for (size_t k = 0; k < xf.K; k++)
        z[k] = malloc(sites * sizeof **z);
    vc_xform_encode(&xf, U, z);
    for (size_t k = 0; k < xf.K; k++)               /* stand-in for coding noise */
        for (size_t s = 0; s < sites; s++)
            z[k][s] = floor(z[k][s] * 64) / 64;
    CU_ASSERT_FATAL(vc_wae_train(&xf, U, (const double *const *)z, 8, 2) == VC_OK);
    vc_xform_round(&xf);
    vc_buf b;
    vc_buf_init(&b);
    vc_xform_put(&b, &xf);
    vc_geom g = { VC_FLOAT32, 4, T, 16, 64, 64, 64, 1, 1, 1, { 0 }, { 0 }, { 0 }, { 0 } };
    vc_xform back;
    CU_ASSERT_FATAL(vc_xform_get(b.p, b.n, &g, &back) == VC_OK);
    CU_ASSERT(back.K == xf.K && back.H == xf.H && back.d == xf.d && back.J == 1);
    CU_ASSERT(memcmp(back.mu, xf.mu, xf.d * sizeof *xf.mu) == 0);
    CU_ASSERT(memcmp(back.D1, xf.D1, xf.d * xf.K * sizeof *xf.D1) == 0);
    CU_ASSERT(memcmp(back.A, xf.A, xf.H * xf.K * sizeof *xf.A) == 0);
    CU_ASSERT(memcmp(back.a0, xf.a0, xf.H * sizeof *xf.a0) == 0);
    CU_ASSERT(memcmp(back.D2, xf.D2, xf.d * xf.H * sizeof *xf.D2) == 0);
    printf("\n    d=%zu K=%zu H=%zu: %zu bytes of weights, bit-exact", xf.d, xf.K, xf.H, b.n);
    /* a damaged weight section is refused */
    b.p[2] ^= 0xff;
    vc_xform bad;
    CU_ASSERT(vc_xform_get(b.p, b.n, &g, &bad) != VC_OK);
    vc_xform_free(&bad);
    vc_buf_free(&b);
    vc_xform_free(&back);
    for (size_t k = 0; k < xf.K; k++)       /* before vc_xform_free zeroes K */
        free(z[k]);
    vc_xform_free(&xf);
    free(z);
    free(U);
    for (size_t c = 0; c < 13; c++)
        free(x[c]);
    free(x);
}

/* Compress with a transform; the report must say it was used. */
static void *coded(const vc_array *a, const void *data, vc_params p, size_t *size,
                   vc_transform *used)
{
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(a);
    void *s = malloc(cap);
    int rc = vc_compress(ctx, a, data, s, cap, size);
    if (rc != VC_OK)
        fprintf(stderr, "\n%s: %s\n", vc_strerror(rc), vc_ctx_error(ctx));
    CU_ASSERT_FATAL(rc == VC_OK);
    vc_report_transform(ctx, used, NULL);
    vc_ctx_free(ctx);
    return s;
}

static void *decoded(const void *s, size_t size, size_t bytes, int threads)
{
    vc_params p;
    vc_params_init(&p);
    p.threads = threads;
    vc_ctx *ctx = vc_ctx_create(&p);
    void *out = malloc(bytes);
    CU_ASSERT_FATAL(vc_decompress(ctx, s, size, out, bytes) == VC_OK);
    vc_ctx_free(ctx);
    return out;
}

/* Training repeats for a given thread count; decoding does not depend on it. */
static void test_determinism(void)
{
    size_t bytes = s2.n * 4;
    for (int kind = VC_TRANSFORM_KLT; kind <= VC_TRANSFORM_WAE; kind++) {
        vc_params p;
        vc_params_init(&p);
        p.target = 40;
        p.transform = (vc_transform)kind;
        p.threads = 2;
        size_t n1, n2;
        vc_transform used;
        void *a = coded(&s2.a, s2.data, p, &n1, &used), *b = coded(&s2.a, s2.data, p, &n2, &used);
        CU_ASSERT_EQUAL(used, kind);
        CU_ASSERT(n1 == n2 && memcmp(a, b, n1) == 0);
        void *d1 = decoded(a, n1, bytes, 1), *d2 = decoded(a, n1, bytes, 2);
        CU_ASSERT(memcmp(d1, d2, bytes) == 0);
        printf("\n    %s: two encodes identical (%zu bytes), decode identical with 1 and 2 threads",
               kind == VC_TRANSFORM_KLT ? "KLT" : "WAE", n1);
        free(a); free(b); free(d1); free(d2);
    }
}

/* Multiband cubes: every band meets PSNR targets and rel bounds. */
static void check_multiband(const char *what, const vc_array *a, const void *data,
                            int has_fill, double fill)
{
    size_t n = vc_array_nvalues(a), es = vc_dtype_size(a->dtype);
    vc_quality q[64], ref[64];
    vc_measure(a, data, data, has_fill, fill, ref, 64, NULL);
    for (int kind = VC_TRANSFORM_KLT; kind <= VC_TRANSFORM_WAE; kind++)
        for (int m = 0; m < 3; m++) {
            vc_params p;
            vc_params_init(&p);
            p.transform = (vc_transform)kind;
            p.has_fill = has_fill;
            p.fill_value = fill;
            p.mode = m < 2 ? VC_MODE_PSNR : VC_MODE_REL;
            p.target = m == 0 ? 40 : m == 1 ? 50 : 1e-3;
            size_t size;
            vc_transform used;
            void *s = coded(a, data, p, &size, &used);
            void *d = decoded(s, size, n * es, 2);
            CU_ASSERT(vc_measure(a, data, d, has_fill, fill, q, 64, NULL) == VC_OK);
            double worst = HUGE_VAL, worst_ratio = 0;
            for (size_t c = 0; c < tu_nchannels(a); c++) {
                if (!q[c].n_valid)
                    continue;
                CU_ASSERT(q[c].mask_exact);
                if (p.mode == VC_MODE_PSNR) {
                    CU_ASSERT(q[c].psnr_db >= p.target);
                } else {
                    CU_ASSERT(q[c].max_abs_error <= p.target * ref[c].peak);
                }
                if (q[c].psnr_db < worst) worst = q[c].psnr_db;
                double r = q[c].max_abs_error / (p.target * ref[c].peak);
                if (r > worst_ratio) worst_ratio = r;
            }
            printf("\n    %-10s %s %s %-6g -> %s, bpppb %.3f, worst band %.2f dB, max err/E %.3f",
                   what, kind == VC_TRANSFORM_KLT ? "klt" : "wae", m < 2 ? "psnr" : "rel ",
                   p.target, used == VC_TRANSFORM_NONE ? "none" : used == VC_TRANSFORM_KLT ? "klt" : "wae",
                   8.0 * size / n, worst, p.mode == VC_MODE_REL ? worst_ratio : 0);
            free(s);
            free(d);
        }
}

static void test_targets_s2(void) { check_multiband("s2 toa", &s2.a, s2.data, 0, 0); }

static void test_targets_era5(void)
{
    tu_var t;
    CU_ASSERT_FATAL(tu_load("era5_ens_crop.nc", "t", &t) == 0);
    const char *roles = "CTCYX";
    for (int i = 0; i < 5; i++)
        t.a.roles[i] = (vc_axis)roles[i];
    check_multiband("era5 t", &t.a, t.data, 0, 0);
    tu_free(&t);
}

/* The OLCI variables as channels of one cube, NaN and all. */
static void test_targets_olci(void)
{
    tu_var v[3];
    static const char *names[] = { "conc_chl", "conc_tsm", "kd489" };
    for (int k = 0; k < 3; k++)
        CU_ASSERT_FATAL(tu_load("s3_olci_crop.nc", names[k], &v[k]) == 0);
    size_t T = v[0].a.dims[0], F = v[0].a.dims[1] * v[0].a.dims[2];
    float *cube = malloc(3 * v[0].n * sizeof *cube);
    for (size_t t = 0; t < T; t++)
        for (int k = 0; k < 3; k++)
            memcpy(cube + (t * 3 + k) * F, (float *)v[k].data + t * F, F * sizeof *cube);
    vc_array a = { VC_FLOAT32, 4, { T, 3, v[0].a.dims[1], v[0].a.dims[2] }, { 0 } };
    check_multiband("olci 3var", &a, cube, 0, 0);
    free(cube);
    for (int k = 0; k < 3; k++)
        tu_free(&v[k]);
}

/* One band, identical bands, an all-NaN band: fitting must not break. */
static void test_degenerate(void)
{
    size_t F = 64 * 64, T = 5;
    float *cube = malloc(T * 4 * F * sizeof *cube);
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < 4; c++)
            for (size_t i = 0; i < F; i++)
                cube[(t * 4 + c) * F + i] = c == 3 ? NAN : ((float *)s2.data)[(t * 13 + 2) * F + i];
    struct { size_t C; const char *what; } cases[] = { { 1, "one band" }, { 3, "identical bands" },
                                                       { 4, "identical + all-NaN band" } };
    for (size_t k = 0; k < 3; k++) {
        /* C channels out of the first cases[k].C of each frame */
        size_t C = cases[k].C;
        float *x = malloc(T * C * F * sizeof *x);
        for (size_t t = 0; t < T; t++)
            memcpy(x + t * C * F, cube + t * 4 * F, C * F * sizeof *x);
        vc_array a = { VC_FLOAT32, 4, { T, C, 64, 64 }, { 0 } };
        for (int kind = VC_TRANSFORM_KLT; kind <= VC_TRANSFORM_WAE; kind++) {
            vc_params p;
            vc_params_init(&p);
            p.target = 45;
            p.transform = (vc_transform)kind;
            size_t size;
            vc_transform used;
            void *s = coded(&a, x, p, &size, &used);
            void *d = decoded(s, size, T * C * F * 4, 2);
            vc_quality q[4];
            CU_ASSERT(vc_measure(&a, x, d, 0, 0, q, 4, NULL) == VC_OK);
            for (size_t c = 0; c < C; c++) {
                CU_ASSERT(q[c].mask_exact);
                if (q[c].n_valid) {
                    CU_ASSERT(q[c].psnr_db >= 45);
                }
            }
            /* one active band: nothing to decorrelate, coded alone */
            if (C == 1 || C == 4) {
                CU_ASSERT(C == 1 ? used == VC_TRANSFORM_NONE : used == (vc_transform)kind);
            }
            printf("\n    %-26s %s: used %d, %zu bytes", cases[k].what,
                   kind == VC_TRANSFORM_KLT ? "klt" : "wae", (int)used, size);
            free(s);
            free(d);
        }
        free(x);
    }
    free(cube);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("transforms", setup, teardown);
    CU_add_test(s, "wavelet packet inverts", test_wavelet_roundtrip);
    CU_add_test(s, "KLT inverts", test_klt_roundtrip);
    CU_add_test(s, "packet + PCA inverts", test_packet_pca_roundtrip);
    CU_add_test(s, "weights survive serialisation", test_weights_serialise);
    CU_add_test(s, "training repeatable, decoding thread-independent", test_determinism);
    CU_add_test(s, "targets and bounds: Sentinel-2 13 bands", test_targets_s2);
    CU_add_test(s, "targets and bounds: ERA5 members x levels", test_targets_era5);
    CU_add_test(s, "targets and bounds: OLCI 3 variables", test_targets_olci);
    CU_add_test(s, "degenerate inputs", test_degenerate);
    return tu_run_cunit();
}
