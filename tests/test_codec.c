/* test_codec.c: the codec layer against itself. libavcodec's decoded
 * pictures must equal x264's reconstruction sample for sample (the PSNR
 * search trusts the reconstruction), on real data, for 8 and 10 bits, with
 * and without B-frames; plus the small pieces the container relies on. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vc_internal.h"

typedef struct match {
    const uint16_t *recon;
    size_t          plane, frames, differ;
} match;

static int compare_picture(void *opaque, size_t t, const uint16_t *plane)
{
    match *m = opaque;
    for (size_t i = 0; i < m->plane; i++)
        m->differ += plane[i] != m->recon[t * m->plane + i];
    m->frames++;
    return VC_OK;
}

/* Channel 0 of a sample as padded codec frames. */
static void sample_frames(const char *file, const char *var, size_t tmax, int bit_depth,
                          vc_frames *f)
{
    tu_var v;
    vc_geom g;
    CU_ASSERT_FATAL(tu_load(file, var, &v) == 0);
    CU_ASSERT_FATAL(vc_geom_init(&g, &v.a) == VC_OK);
    if (g.T > tmax)
        g.T = tmax;
    size_t n = g.T * g.Y * g.X;
    double *d = malloc(n * sizeof *d), min, max;
    uint8_t *m = malloc(n);
    uint16_t *q = malloc(n * sizeof *q);
    vc_maskspec ms = { v.has_fill, v.fill };
    vc_band_load(&g, v.data, 0, d);
    vc_mask_find(&g, v.data, 0, &ms, m);
    size_t nv;
    vc_norm_range(d, m, n, &min, &max, &nv);
    CU_ASSERT_FATAL(vc_inpaint(d, m, g.T, g.Y, g.X) == VC_OK);
    vc_norm nm;
    vc_norm_fit(&nm, min, max, bit_depth);
    vc_norm_to_samples(&nm, d, n, q);
    vc_frames_geometry(f, g.T, g.Y, g.X);
    f->s = malloc(f->T * f->H * f->W * sizeof *f->s);
    vc_frames_pad(f, q);
    free(d); free(m); free(q);
    tu_free(&v);
}

static void check_match(const char *file, const char *var, size_t tmax, int bit_depth,
                        int preset, int qp)
{
    vc_frames f;
    sample_frames(file, var, tmax, bit_depth, &f);
    vc_video_cfg cfg = { f.W, f.H, f.T, bit_depth, preset, VC_MODE_QP, qp, 0 };
    uint16_t *recon = malloc(f.T * f.W * f.H * sizeof *recon);
    vc_buf bits;
    vc_buf_init(&bits);
    char err[200];
    CU_ASSERT_FATAL(vc_x264_encode(&cfg, f.s, &bits, recon, err, sizeof err) == VC_OK);
    match m = { recon, f.W * f.H, 0, 0 };
    int rc = vc_h264_decode(bits.p, bits.n, f.W, f.H, f.T, bit_depth, compare_picture, &m,
                            err, sizeof err);
    CU_ASSERT(rc == VC_OK);
    CU_ASSERT_EQUAL(m.frames, f.T);
    CU_ASSERT_EQUAL(m.differ, 0);
    size_t changed = 0;           /* a lossy QP must actually change samples */
    for (size_t i = 0; i < f.T * f.W * f.H; i++)
        changed += recon[i] != f.s[i];
    if (qp > 0) {
        CU_ASSERT(changed > 0);
    } else {
        CU_ASSERT_EQUAL(changed, 0);
    }
    printf("\n    %s %s %zux%zux%zu %d-bit preset %d qp %d: %zu bytes, %zu samples changed, "
           "%zu differ from x264's reconstruction", file, var, f.T, f.H, f.W, bit_depth,
           preset, qp, bits.n, changed, m.differ);
    vc_buf_free(&bits);
    free(recon);
    free(f.s);
}

static void test_decoder_matches_recon(void)
{
    check_match("era5_t2m_uk_crop.nc", "t2m", 168, 10, 4, 24);     /* B-frames */
    check_match("era5_t2m_uk_crop.nc", "t2m", 168, 8, 4, 18);
    check_match("era5_t2m_uk_crop.nc", "t2m", 40, 10, 0, 30);      /* no B-frames */
    check_match("s3_olci_crop.nc", "conc_chl", 5, 10, 6, 28);      /* in-painted NaN */
    check_match("s2_l1c_crop.nc", "ndvi", 24, 10, 4, 36);
    check_match("ostia_sst_crop.nc", "analysed_sst", 3, 10, 4, 0); /* lossless */
}

static void test_crc32(void)
{
    /* The standard check value of CRC-32/ISO-HDLC. */
    CU_ASSERT_EQUAL(vc_crc32(0, "123456789", 9), 0xCBF43926u);
    CU_ASSERT_EQUAL(vc_crc32(0, "", 0), 0u);
    /* Incremental equals one-shot. */
    CU_ASSERT_EQUAL(vc_crc32(vc_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void test_inpaint(void)
{
    /* Valid pixels are untouched; holes get values inside the valid range. */
    enum { T = 3, Y = 13, X = 11 };
    double v[T * Y * X];
    uint8_t m[T * Y * X];
    for (size_t i = 0; i < T * Y * X; i++) {
        size_t x = i % X, y = i / X % Y;
        v[i] = 10 + x + 0.5 * y;
        m[i] = (uint8_t)((x + y) % 3 == 0 || i / (Y * X) == 1);   /* frame 1 all masked */
    }
    double keep[T * Y * X];
    memcpy(keep, v, sizeof v);
    CU_ASSERT(vc_inpaint(v, m, T, Y, X) == VC_OK);
    for (size_t i = 0; i < T * Y * X; i++) {
        if (!m[i]) {
            CU_ASSERT_EQUAL(v[i], keep[i]);
        }
        CU_ASSERT(v[i] >= 10 && v[i] <= 10 + X - 1 + 0.5 * (Y - 1));
    }
    /* A fully masked frame repeats the previous one: a free P frame. */
    CU_ASSERT(memcmp(v + Y * X, v, Y * X * sizeof *v) == 0);
}

static void test_mask_pack(void)
{
    uint8_t m[19] = { 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, bits[3];
    vc_mask_pack(m, 19, bits);
    CU_ASSERT_EQUAL(bits[0], 0x19);
    CU_ASSERT_EQUAL(bits[1], 0x02);
    CU_ASSERT_EQUAL(bits[2], 0x04);
}

static void test_norm_roundtrip(void)
{
    /* The sample map is exact at the ends of the range and clamps outside. */
    vc_norm nm;
    vc_norm_fit(&nm, -2.5, 7.5, 10);
    double v[4] = { -2.5, 7.5, 100, -100 };
    uint16_t q[4];
    vc_norm_to_samples(&nm, v, 4, q);
    CU_ASSERT_EQUAL(q[0], 0);
    CU_ASSERT_EQUAL(q[1], 1023);
    CU_ASSERT_EQUAL(q[2], 1023);
    CU_ASSERT_EQUAL(q[3], 0);
    CU_ASSERT_EQUAL(vc_norm_value(&nm, VC_FLOAT64, 0), -2.5);
    CU_ASSERT_EQUAL(vc_norm_value(&nm, VC_FLOAT64, 1023), 7.5);
    CU_ASSERT_EQUAL(vc_norm_value(&nm, VC_INT16, 1023), 8);   /* 7.5 rounds half up */
}

/* Sparse planes: zeros come back where they were, the rest in order; a
 * bitmap with a flag past the end, or a truncated frame, is refused. */
static void test_sparse_planes(void)
{
    enum { N = 1003 };
    uint64_t r[N], back[N];
    for (size_t i = 0; i < N; i++)
        r[i] = i % 3 == 1 ? 0 : (i * 2654435761u) & 0xffffff;   /* the last is not zero */
    vc_buf b;
    vc_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(vc_sparse_planes_put(&b, r, N, 3, 9), VC_OK);
    vc_rd rd;
    vc_rd_init(&rd, b.p, b.n);
    CU_ASSERT_EQUAL(vc_sparse_planes_get(&rd, back, N, 3), VC_OK);
    CU_ASSERT(memcmp(r, back, sizeof r) == 0);
    CU_ASSERT_EQUAL(rd.pos, b.n);
    vc_rd_init(&rd, b.p, b.n - 1);
    CU_ASSERT_EQUAL(vc_sparse_planes_get(&rd, back, N, 3), VC_ERR_CORRUPT);
    /* the same bytes read as one value fewer: the last flag is past the end */
    vc_rd_init(&rd, b.p, b.n);
    CU_ASSERT_EQUAL(vc_sparse_planes_get(&rd, back, N - 1, 3), VC_ERR_CORRUPT);
    vc_buf_free(&b);
}

/* On OLCI conc_tsm (nearest-neighbour resampled: a third of the pixels
 * repeat their left neighbour) the exact coder takes sparse planes, and
 * the channel comes back bit for bit. */
static void test_sparse_on_olci(void)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load("s3_olci_crop.nc", "conc_tsm", &v) == 0);
    vc_geom g;
    CU_ASSERT_FATAL(vc_geom_init(&g, &v.a) == VC_OK);
    size_t n = g.T * g.Y * g.X;
    uint8_t *m = malloc(n);
    for (size_t i = 0; i < n; i++)
        m[i] = isnan(((const float *)v.data)[i]);
    vc_buf b;
    vc_buf_init(&b);
    CU_ASSERT_FATAL(vc_raw_encode(&g, v.data, 0, m, VC_RAW_LEVEL, &b) == VC_OK);
    CU_ASSERT(b.n > 0 && (b.p[0] & 0x10));          /* XF_SPARSE */
    float *out = calloc(n, sizeof *out);
    CU_ASSERT_EQUAL(vc_raw_decode(&g, b.p, b.n, 0, m, out), VC_OK);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += !m[i] && memcmp(out + i, (const float *)v.data + i, 4) != 0;
    CU_ASSERT_EQUAL(differ, 0);
    free(out);
    free(m);
    vc_buf_free(&b);
    tu_free(&v);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("codec", NULL, NULL);
    CU_add_test(s, "libavcodec output equals x264 reconstruction", test_decoder_matches_recon);
    CU_add_test(s, "CRC-32 check value", test_crc32);
    CU_add_test(s, "in-painting keeps valid values", test_inpaint);
    CU_add_test(s, "mask bit packing", test_mask_pack);
    CU_add_test(s, "normalisation ends and clamps", test_norm_roundtrip);
    CU_add_test(s, "sparse planes round trip, damage refused", test_sparse_planes);
    CU_add_test(s, "exact coder takes sparse planes on OLCI", test_sparse_on_olci);
    return tu_run_cunit();
}
