/* test_api.c: the public API's contract: defaults, validation, status
 * codes, versions, buffer sizing, reports, thread-count independence and
 * the filter's cd_values words. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vidcube.h"
#include "vidcube_filter.h"

static void test_defaults_and_versions(void)
{
    vc_params p;
    vc_params_init(&p);
    CU_ASSERT_EQUAL(p.mode, VC_MODE_PSNR);
    CU_ASSERT_EQUAL(p.target, 50.0);
    CU_ASSERT_EQUAL(p.bit_depth, 10);
    CU_ASSERT_EQUAL(p.threads, 0);
    CU_ASSERT_EQUAL(p.has_fill, 0);
    CU_ASSERT_EQUAL(p.transform, VC_TRANSFORM_NONE);
    CU_ASSERT(p.preset >= 0 && p.preset <= 9);
    CU_ASSERT_EQUAL(vc_params_check(&p, NULL, 0), VC_OK);
    CU_ASSERT_EQUAL(vc_version_number(), VC_VERSION_NUMBER);
    CU_ASSERT_STRING_EQUAL(vc_version_string(), VC_VERSION_STRING);
    CU_ASSERT_EQUAL(vc_stream_format(), VC_STREAM_FORMAT);
    CU_ASSERT_EQUAL(vc_qp_max(8), 51);
    CU_ASSERT_EQUAL(vc_qp_max(10), 63);
    double lo, hi;
    CU_ASSERT_EQUAL(vc_target_bounds(VC_MODE_QP, 10, &lo, &hi), VC_OK);
    CU_ASSERT(lo == 0 && hi == 63);
    CU_ASSERT_EQUAL(vc_target_bounds((vc_mode)42, 10, &lo, &hi), VC_ERR_PARAM);
}

static void test_params_rejected(void)
{
    struct { vc_mode mode; double target; int depth, preset, threads; } bad[] = {
        { VC_MODE_PSNR, 0, 10, 4, 0 },   { VC_MODE_PSNR, 300, 10, 4, 0 },
        { VC_MODE_PSNR, NAN, 10, 4, 0 }, { VC_MODE_QP, 64, 10, 4, 0 },
        { VC_MODE_QP, 52, 8, 4, 0 },     { VC_MODE_QP, 20.5, 10, 4, 0 },
        { VC_MODE_CRF, -1, 10, 4, 0 },   { VC_MODE_ABS, 0, 10, 4, 0 },
        { VC_MODE_ABS, -1e-3, 10, 4, 0 },{ VC_MODE_REL, 2, 10, 4, 0 },
        { VC_MODE_RATE, 0, 10, 4, 0 },   { VC_MODE_PSNR, 50, 12, 4, 0 },
        { VC_MODE_PSNR, 50, 10, 10, 0 }, { VC_MODE_PSNR, 50, 10, 4, -2 },
        { (vc_mode)0, 50, 10, 4, 0 },    { (vc_mode)99, 50, 10, 4, 0 },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        vc_params p;
        vc_params_init(&p);
        p.mode = bad[k].mode;
        p.target = bad[k].target;
        p.bit_depth = bad[k].depth;
        p.preset = bad[k].preset;
        p.threads = bad[k].threads;
        char msg[160] = "";
        CU_ASSERT_EQUAL(vc_params_check(&p, msg, sizeof msg), VC_ERR_PARAM);
        CU_ASSERT(strlen(msg) > 10);
    }
    vc_params p;
    vc_params_init(&p);
    p.has_fill = 1;
    p.fill_value = NAN;
    CU_ASSERT_EQUAL(vc_params_check(&p, NULL, 0), VC_ERR_PARAM);
    /* compress reports the same problem with a message on the context. */
    vc_params_init(&p);
    p.target = -5;
    vc_ctx *ctx = vc_ctx_create(&p);
    vc_array a = { VC_FLOAT32, 2, { 4, 4 }, { 0 } };
    float x[16] = { 0 };
    uint8_t out[4096];
    size_t n;
    CU_ASSERT_EQUAL(vc_compress(ctx, &a, x, out, sizeof out, &n), VC_ERR_PARAM);
    CU_ASSERT(strstr(vc_ctx_error(ctx), "target") != NULL);
    vc_ctx_free(ctx);
}

static void test_status_strings(void)
{
    for (int s = 0; s >= -16; s--) {
        const char *m = vc_strerror(s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT(strlen(m) > 5);
        for (int t = 0; t > s; t--)
            CU_ASSERT(strcmp(m, vc_strerror(t)) != 0);
    }
    CU_ASSERT_STRING_EQUAL(vc_strerror(-999), "unknown status code");
    CU_ASSERT_STRING_EQUAL(vc_strerror(VC_ERR_CORRUPT), vc_strerror(-10));  /* stable numbers */
    CU_ASSERT_EQUAL(VC_ERR_TRUNCATED, -9);
}

static void test_context_lifecycle(void)
{
    vc_ctx_free(NULL);                           /* accepted, like free(NULL) */
    vc_ctx *ctx = vc_ctx_create(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(vc_ctx_params(ctx)->mode, VC_MODE_PSNR);
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_QP;
    p.target = 20;
    CU_ASSERT_EQUAL(vc_ctx_set_params(ctx, &p), VC_OK);
    CU_ASSERT_EQUAL(vc_ctx_params(ctx)->target, 20);
    CU_ASSERT_STRING_EQUAL(vc_ctx_error(ctx), "");
    CU_ASSERT_EQUAL(vc_report_nbands(ctx), 0);
    vc_band_report r;
    CU_ASSERT_EQUAL(vc_report_band(ctx, 0, &r), VC_ERR_PARAM);
    size_t n;
    CU_ASSERT_EQUAL(vc_compress(ctx, NULL, NULL, NULL, 0, &n), VC_ERR_NULL);
    CU_ASSERT_EQUAL(vc_compress(NULL, NULL, NULL, NULL, 0, &n), VC_ERR_NULL);
    CU_ASSERT_EQUAL(vc_decompress(ctx, NULL, 0, NULL, 0), VC_ERR_NULL);
    vc_ctx_free(ctx);
}

static void test_array_check(void)
{
    vc_array a = { VC_FLOAT32, 5, { 2, 3, 4, 5, 6 }, { 0 } };
    CU_ASSERT_EQUAL(vc_array_check(&a), VC_OK);
    CU_ASSERT(a.roles[0] == VC_AXIS_TIME && a.roles[1] == VC_AXIS_CHANNEL &&
              a.roles[2] == VC_AXIS_CHANNEL && a.roles[3] == VC_AXIS_Y && a.roles[4] == VC_AXIS_X);
    CU_ASSERT_EQUAL(vc_array_nvalues(&a), 720);
    vc_array r1 = { VC_UINT8, 1, { 9 }, { 0 } };
    CU_ASSERT_EQUAL(vc_array_check(&r1), VC_OK);
    CU_ASSERT_EQUAL(r1.roles[0], VC_AXIS_X);
    vc_array bad[] = {
        { VC_FLOAT32, 0, { 1 }, { 0 } },
        { VC_FLOAT32, 6, { 1, 1, 1, 1, 1 }, { 0 } },
        { VC_FLOAT32, 2, { 0, 4 }, { 0 } },
        { (vc_dtype)9, 2, { 4, 4 }, { 0 } },
        { VC_FLOAT32, 3, { 2, 4, 4 }, { VC_AXIS_Y, VC_AXIS_Y, VC_AXIS_X } },
        { VC_FLOAT32, 2, { 4, 4 }, { VC_AXIS_Y, (vc_axis)'Q' } },
        { VC_FLOAT32, 3, { 4, 4, 4 }, { VC_AXIS_TIME, VC_AXIS_Y } },   /* partly set */
        { VC_FLOAT64, 4, { (size_t)1 << 20, (size_t)1 << 20, (size_t)1 << 20, 1 << 10 }, { 0 } },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CU_ASSERT(vc_array_check(&bad[k]) < 0);
        CU_ASSERT_EQUAL(vc_compress_bound(&bad[k]), 0);
        CU_ASSERT_EQUAL(vc_array_nvalues(&bad[k]), 0);
    }
    CU_ASSERT_EQUAL(vc_dtype_size(VC_FLOAT64), 8);
    CU_ASSERT_STRING_EQUAL(vc_dtype_name(VC_INT16), "int16");
    CU_ASSERT_STRING_EQUAL(vc_dtype_name((vc_dtype)0), "?");
    CU_ASSERT_STRING_EQUAL(vc_transform_name(VC_TRANSFORM_KLT), "klt");
    CU_ASSERT_STRING_EQUAL(vc_transform_name((vc_transform)9), "?");
}

static void test_buffers_reports_threads(void)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load("s2_l1c_crop.nc", "toa_reflectance", &v) == 0);
    size_t cap = vc_compress_bound(&v.a), n1, n2;
    CU_ASSERT(cap >= v.n * 4);
    uint8_t *s1 = malloc(cap), *s2 = malloc(cap);
    vc_params p;
    vc_params_init(&p);
    p.target = 45;
    p.threads = 1;
    vc_ctx *c1 = vc_ctx_create(&p);
    p.threads = 2;
    vc_ctx *c2 = vc_ctx_create(&p);
    CU_ASSERT_FATAL(vc_compress(c1, &v.a, v.data, s1, cap, &n1) == VC_OK);
    CU_ASSERT_FATAL(vc_compress(c2, &v.a, v.data, s2, cap, &n2) == VC_OK);
    CU_ASSERT_EQUAL(n1, n2);
    CU_ASSERT(memcmp(s1, s2, n1) == 0);          /* no dependence on threads */
    CU_ASSERT(n1 <= cap);
    /* Reports: 13 bands, within target, bytes add up. Most bands are video;
     * B09 and B10 hold so few levels that exact coding is smaller. */
    CU_ASSERT_EQUAL(vc_report_nbands(c1), 13);
    size_t sum = 0, video = 0;
    for (size_t b = 0; b < 13; b++) {
        vc_band_report r;
        CU_ASSERT_FATAL(vc_report_band(c1, b, &r) == VC_OK);
        CU_ASSERT(r.coder == VC_CODER_VIDEO || r.coder == VC_CODER_RAW);
        if (r.coder == VC_CODER_VIDEO) {
            CU_ASSERT(r.qp >= 0 && r.qp <= 63);
            video++;
        } else {
            CU_ASSERT_EQUAL(r.qp, -1);
            CU_ASSERT_EQUAL(r.quality.max_abs_error, 0);
        }
        CU_ASSERT(r.quality.psnr_db >= 45);
        CU_ASSERT_EQUAL(r.quality.n_valid, 5 * 64 * 64);
        sum += r.bytes;
    }
    CU_ASSERT(video >= 10);
    CU_ASSERT(sum < n1 && n1 - sum < 200);      /* only header and end besides */
    /* Decoding with 1 and 2 threads agrees; a buffer one byte short fails. */
    float *d1 = malloc(v.n * 4), *d2 = malloc(v.n * 4);
    CU_ASSERT(vc_decompress(c1, s1, n1, d1, v.n * 4) == VC_OK);
    CU_ASSERT(vc_decompress(c2, s1, n1, d2, v.n * 4) == VC_OK);
    CU_ASSERT(memcmp(d1, d2, v.n * 4) == 0);
    CU_ASSERT_EQUAL(vc_compress(c1, &v.a, v.data, s1, n1 - 1, &n2), VC_ERR_DST_SIZE);
    CU_ASSERT(strstr(vc_ctx_error(c1), "bytes") != NULL);
    CU_ASSERT_EQUAL(vc_decompress(c1, s2, n1, d1, v.n * 4 - 1), VC_ERR_DST_SIZE);
    vc_ctx_free(c1);
    vc_ctx_free(c2);
    free(s1); free(s2); free(d1); free(d2);
    tu_free(&v);
}

static void test_cd_values(void)
{
    vc_params p, q;
    vc_params_init(&p);
    p.mode = VC_MODE_PSNR;
    p.target = 47.25;
    p.bit_depth = 8;
    p.preset = 6;
    p.has_fill = 1;
    p.fill_value = -32768;
    vc_axis roles[VC_MAX_RANK] = { VC_AXIS_CHANNEL, VC_AXIS_TIME, VC_AXIS_CHANNEL,
                                   VC_AXIS_Y, VC_AXIS_X }, back[VC_MAX_RANK];
    unsigned cd[VC_CD_NALL];
    size_t n;
    CU_ASSERT_FATAL(vc_cd_pack(&p, roles, 5, cd, VC_CD_NALL, &n) == VC_OK);
    CU_ASSERT_EQUAL(n, VC_CD_NUSER);
    CU_ASSERT_EQUAL(cd[0], 0x56430001u);
    /* The double travels low word first. */
    double t = 47.25;
    uint64_t bits;
    memcpy(&bits, &t, 8);
    CU_ASSERT_EQUAL(cd[2], (unsigned)(bits & 0xffffffffu));
    CU_ASSERT_EQUAL(cd[3], (unsigned)(bits >> 32));
    int has_local = -1;
    CU_ASSERT_FATAL(vc_cd_unpack(cd, n, &q, back, NULL, &has_local) == VC_OK);
    CU_ASSERT_EQUAL(has_local, 0);
    CU_ASSERT(q.mode == p.mode && q.target == p.target && q.bit_depth == 8 && q.preset == 6);
    CU_ASSERT(q.has_fill == 1 && q.fill_value == -32768);
    CU_ASSERT(memcmp(roles, back, sizeof roles) == 0);
    /* set_local is idempotent. */
    vc_cd_local l = { VC_INT16, 3, { 3, 180, 360 }, 1, -32768 }, l2;
    CU_ASSERT_FATAL(vc_cd_set_local(cd, &l) == VC_OK);
    unsigned once[VC_CD_NALL];
    memcpy(once, cd, sizeof cd);
    CU_ASSERT_FATAL(vc_cd_set_local(cd, &l) == VC_OK);
    CU_ASSERT(memcmp(once, cd, sizeof cd) == 0);
    CU_ASSERT_FATAL(vc_cd_unpack(cd, VC_CD_NALL, &q, NULL, &l2, &has_local) == VC_OK);
    CU_ASSERT(has_local == 1 && l2.dtype == VC_INT16 && l2.rank == 3 && l2.chunk[2] == 360 &&
              l2.has_fill == 1 && l2.fill == -32768);
    /* A short prefix takes defaults; foreign words are refused. */
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, 4, &q, NULL, NULL, NULL), VC_OK);
    CU_ASSERT_EQUAL(q.bit_depth, 10);
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, 3, &q, NULL, NULL, NULL), VC_ERR_PARAM);
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, 15, &q, NULL, NULL, NULL), VC_ERR_PARAM);
    cd[0] = 0x56430002u;
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, VC_CD_NALL, &q, NULL, NULL, NULL), VC_ERR_VERSION);
    cd[0] = 0x12345678u;
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, VC_CD_NALL, &q, NULL, NULL, NULL), VC_ERR_PARAM);
    cd[0] = VC_CD_WORD0;
    cd[1] = 77;                                  /* unknown mode */
    CU_ASSERT_EQUAL(vc_cd_unpack(cd, VC_CD_NALL, &q, NULL, NULL, NULL), VC_ERR_PARAM);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("api", NULL, NULL);
    CU_add_test(s, "defaults and versions", test_defaults_and_versions);
    CU_add_test(s, "bad parameters rejected with a reason", test_params_rejected);
    CU_add_test(s, "status strings stable and distinct", test_status_strings);
    CU_add_test(s, "context lifecycle and NULL arguments", test_context_lifecycle);
    CU_add_test(s, "array descriptions", test_array_check);
    CU_add_test(s, "buffers, reports, thread independence", test_buffers_reports_threads);
    CU_add_test(s, "cd_values pack, set_local, unpack", test_cd_values);
    return tu_run_cunit();
}
