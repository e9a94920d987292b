/* test_metrics.c: the benchmark's numbers against values worked out by
 * hand, so a table in the README can be trusted as far as arithmetic goes:
 * rates of known sizes, the log-rate interpolation, the front, the median,
 * PSNR of a known error through vc_measure, and how a sample file is read
 * (packing, fill, axis roles). */
#include "bench.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEAR(a, b, tol) CU_ASSERT(fabs((a) - (b)) <= (tol))

static void test_rates(void)
{
    NEAR(bench_bpppb(1000, 2000), 4.0, 0);          /* 8000 bits / 2000 values */
    NEAR(bench_bpppb(1, 8), 1.0, 0);
    NEAR(bench_bpppb(3, 1920), 0.0125, 1e-15);       /* 24 bits / 1920 */
    CU_ASSERT(isnan(bench_bpppb(10, 0)));
    NEAR(bench_ratio(4000, 1000), 4.0, 0);
    CU_ASSERT(isnan(bench_ratio(4000, 0)));
}

static void test_median(void)
{
    double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };
    NEAR(bench_median(odd, 3), 2.0, 0);
    NEAR(bench_median(even, 4), 2.5, 0);
    CU_ASSERT(isnan(bench_median(odd, 0)));
}

static void test_interp(void)
{
    const bench_point f[] = { { 0.1, 30 }, { 1, 40 }, { 4, 46 } };
    /* sqrt(0.1 * 1) is halfway in log-rate: halfway in PSNR. */
    NEAR(bench_interp_psnr(f, 3, sqrt(0.1)), 35.0, 1e-12);
    /* 0.5: 30 + 10 * log(0.5/0.1) / log(1/0.1) = 30 + 10 log10(5) */
    NEAR(bench_interp_psnr(f, 3, 0.5), 36.989700043360187, 1e-12);
    /* 2 between 1 and 4: half the log distance, half of 6 dB. */
    NEAR(bench_interp_psnr(f, 3, 2.0), 43.0, 1e-12);
    NEAR(bench_interp_psnr(f, 3, 0.1), 30.0, 0);       /* ends included */
    NEAR(bench_interp_psnr(f, 3, 4.0), 46.0, 0);
    CU_ASSERT(isnan(bench_interp_psnr(f, 3, 0.05)));  /* no extrapolation */
    CU_ASSERT(isnan(bench_interp_psnr(f, 3, 5.0)));
    CU_ASSERT(isnan(bench_interp_psnr(f, 0, 1.0)));
}

static void test_front(void)
{
    const bench_point in[] = {
        { 2.0, 50 }, { 0.5, 38 }, { 1.0, 37 },   /* (1.0, 37) is dominated */
        { 0.2, 30 }, { 3.0, HUGE_VAL }, { 0.3, NAN }, { 0.5, 36 },
    };
    bench_point out[8];
    int n = bench_front(in, 7, out);
    CU_ASSERT_EQUAL(n, 3);
    NEAR(out[0].bpppb, 0.2, 0);
    NEAR(out[1].bpppb, 0.5, 0);
    NEAR(out[1].psnr, 38, 0);      /* the better of the two at 0.5 */
    NEAR(out[2].bpppb, 2.0, 0);
}

/* A sweep that ends exact at 2 bpppb: from there on the tool is exact; a
 * lossless tool (one exact run) is exact from its rate and absent below. */
static void test_exact(void)
{
    const bench_point sweep[] = { { 0.5, 40 }, { 1, 46 }, { 2, HUGE_VAL } };
    const bench_point lossless[] = { { 3, HUGE_VAL } };
    NEAR(bench_exact_rate(sweep, 3), 2.0, 0);
    CU_ASSERT(isinf(bench_exact_rate(sweep, 2)));
    NEAR(bench_psnr_at(sweep, 3, sqrt(0.5)), 43.0, 1e-12);
    CU_ASSERT(isnan(bench_psnr_at(sweep, 3, 1.5)));   /* not measured */
    CU_ASSERT(isinf(bench_psnr_at(sweep, 3, 2.0)));
    CU_ASSERT(isinf(bench_psnr_at(sweep, 3, 4.0)));
    CU_ASSERT(isnan(bench_psnr_at(lossless, 1, 2.0)));
    CU_ASSERT(isinf(bench_psnr_at(lossless, 1, 3.0)));
}

static void make_data(bench_data *d, size_t C, size_t X, float *v)
{
    memset(d, 0, sizeof *d);
    d->T = d->Y = 1;
    d->C = C;
    d->X = X;
    d->n = C * X;
    d->v = v;
}

/* One band: errors 0.5, 0, 0, 0 on valid values 0..3, peak 3:
 * MSE = 0.25 / 4, PSNR = 10 log10(9 / 0.0625) = 10 log10(144). */
static void test_measure_known_error(void)
{
    float orig[] = { 0, 1, 2, 3, NAN }, rec[] = { 0.5f, 1, 2, 3, 7 };
    bench_data d;
    bench_quality q;
    char err[128];
    make_data(&d, 1, 5, orig);
    CU_ASSERT_EQUAL(bench_measure(&d, rec, &q, err, sizeof err), 0);
    NEAR(q.psnr_db, 21.583624920952497, 1e-9);
    NEAR(q.peak, 3.0, 0);
    NEAR(q.rmse, 0.25, 1e-15);
    NEAR(q.max_abs_error, 0.5, 0);
    CU_ASSERT_EQUAL(q.mask_exact, 0);        /* NaN came back as 7 */
    rec[4] = NAN;
    CU_ASSERT_EQUAL(bench_measure(&d, rec, &q, err, sizeof err), 0);
    CU_ASSERT_EQUAL(q.mask_exact, 1);
    NEAR(q.psnr_db, 21.583624920952497, 1e-9);   /* NaN is never measured */
}

/* Two bands: band 0 {0, 10} -> {1, 10}: peak 10, MSE 0.5, 23.0103 dB;
 * band 1 exact. Whole variable: peak 10, MSE 1/4, 10 log10(400). */
static void test_measure_bands(void)
{
    float orig[] = { 0, 10, 0, 1 }, rec[] = { 1, 10, 0, 1 };
    bench_data d;
    bench_quality q;
    char err[128];
    make_data(&d, 2, 2, orig);
    CU_ASSERT_EQUAL(bench_measure(&d, rec, &q, err, sizeof err), 0);
    NEAR(q.psnr_db, 26.020599913279625, 1e-9);
    NEAR(q.min_band_psnr_db, 23.010299956639813, 1e-9);
    NEAR(q.rmse, 0.5, 1e-15);
    CU_ASSERT(isinf(q.mean_band_psnr_db) && q.mean_band_psnr_db > 0);  /* band 1 exact */
    /* band 1 {0, 1} -> {0, 2}: peak 1, MSE 0.5, 3.0103 dB; the mean of
     * 23.0103 and 3.0103 is 13.0103 */
    rec[3] = 2;
    CU_ASSERT_EQUAL(bench_measure(&d, rec, &q, err, sizeof err), 0);
    NEAR(q.mean_band_psnr_db, 13.010299956639813, 1e-9);
    NEAR(q.min_band_psnr_db, 3.0102999566398120, 1e-9);
}

/* The sample OSTIA crop: int16 packed with _FillValue; must come back as
 * kelvin with NaN on land. The ERA5 ensemble crop is rank 5: the library's
 * default roles are T C C Y X. */
static void test_load_samples(void)
{
    const char *dir = getenv("VC_DATA_DIR");
    char path[1024], err[256];
    bench_data d;
    if (!dir)
        dir = "../../data";
    snprintf(path, sizeof path, "%s/ostia_sst_crop.nc", dir);
    CU_ASSERT_EQUAL_FATAL(bench_data_load(path, "analysed_sst", NULL, &d, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(d.roles, "TYX");
    CU_ASSERT(d.T == 3 && d.C == 1 && d.Y == 180 && d.X == 360);
    CU_ASSERT(d.n_masked > d.n / 10 && d.n_masked < d.n / 2);   /* 19.6 % land */
    CU_ASSERT(d.min > 270 && d.max < 310);
    bench_data_free(&d);

    snprintf(path, sizeof path, "%s/era5_ens_crop.nc", dir);
    CU_ASSERT_EQUAL_FATAL(bench_data_load(path, "t", NULL, &d, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(d.roles, "TCCYX");
    CU_ASSERT(d.T == 5 && d.C == 8 && d.Y == 61 && d.X == 120);
    float first = d.v[0], second_member = d.v[8 * 61 * 120];
    bench_data_free(&d);
    /* Explicit roles: members as channels, time along frames. The value of
     * (member 1, time 0, level 0, 0, 0) moves to channel 2 (= member 1 *
     * 2 levels) of frame 0. */
    CU_ASSERT_EQUAL_FATAL(bench_data_load(path, "t", "CTCYX", &d, err, sizeof err), 0);
    CU_ASSERT(d.T == 4 && d.C == 10);
    CU_ASSERT_EQUAL(d.v[0], first);
    CU_ASSERT_EQUAL(d.v[2 * 61 * 120], second_member);
    bench_data_free(&d);
    CU_ASSERT_NOT_EQUAL(bench_data_load(path, "t", "TYX", &d, err, sizeof err), 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("bench metrics", NULL, NULL);
    CU_add_test(s, "bpppb and ratio of known sizes", test_rates);
    CU_add_test(s, "median", test_median);
    CU_add_test(s, "log-rate interpolation", test_interp);
    CU_add_test(s, "rate-distortion front", test_front);
    CU_add_test(s, "exact runs count from their rate up", test_exact);
    CU_add_test(s, "PSNR of a known error (vc_measure)", test_measure_known_error);
    CU_add_test(s, "per-band and whole-variable PSNR", test_measure_bands);
    CU_add_test(s, "loading samples: packing, fill, roles", test_load_samples);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
