/* test_stream.c: damaged, truncated and foreign streams are refused with a
 * clear status, never decoded into garbage and never read out of bounds
 * (run under valgrind/ASan by the hardening work to prove the last part). */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vidcube.h"

typedef struct sample {
    vc_array a;
    void    *data, *stream;
    size_t   n, size, bytes;
} sample;

/* A small real stream with a mask and video: a crop of the OLCI cube. */
static void make_sample(sample *s, vc_mode mode)
{
    tu_var v;
    CU_ASSERT_FATAL(tu_load("s3_olci_crop.nc", "conc_tsm", &v) == 0);
    /* frames 0 and 3, rows 64..95, columns 240..287: a coast, 36 % valid */
    size_t Y = 32, X = 48, T = 2, W = v.a.dims[2];
    float *f = malloc(T * Y * X * sizeof *f);
    for (size_t t = 0; t < T; t++)
        for (size_t y = 0; y < Y; y++)
            for (size_t x = 0; x < X; x++)
                f[(t * Y + y) * X + x] = ((float *)v.data)[((t ? 3 : 0) * v.a.dims[1] + 64 + y) * W + 240 + x];
    tu_free(&v);
    memset(&s->a, 0, sizeof s->a);
    s->a.dtype = VC_FLOAT32;
    s->a.rank = 3;
    s->a.dims[0] = T; s->a.dims[1] = Y; s->a.dims[2] = X;
    s->data = f;
    s->n = T * Y * X;
    s->bytes = s->n * 4;
    vc_params p;
    vc_params_init(&p);
    p.mode = mode;
    p.target = 45;
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(&s->a);
    s->stream = malloc(cap);
    CU_ASSERT_FATAL(vc_compress(ctx, &s->a, s->data, s->stream, cap, &s->size) == VC_OK);
    /* The stream must hold a mask and the coder under test. */
    vc_band_report r;
    CU_ASSERT_FATAL(vc_report_band(ctx, 0, &r) == VC_OK);
    CU_ASSERT_FATAL(r.quality.n_masked > 0 && r.quality.n_valid > 0);
    CU_ASSERT_FATAL(r.coder == (mode == VC_MODE_LOSSLESS ? VC_CODER_RAW : VC_CODER_VIDEO));
    vc_ctx_free(ctx);
}

static void free_sample(sample *s)
{
    free(s->data);
    free(s->stream);
}

static int decode(const void *stream, size_t size, size_t bytes)
{
    vc_ctx *ctx = vc_ctx_create(NULL);
    void *out = malloc(bytes);
    int rc = vc_decompress(ctx, stream, size, out, bytes);
    if (rc != VC_OK) {
        CU_ASSERT(vc_ctx_error(ctx)[0] != '\0');   /* there is always a reason */
    }
    free(out);
    vc_ctx_free(ctx);
    return rc;
}

static void test_truncated(void)
{
    sample s;
    make_sample(&s, VC_MODE_PSNR);
    CU_ASSERT(decode(s.stream, s.size, s.bytes) == VC_OK);
    size_t refused = 0;
    for (size_t len = 0; len < s.size; len++) {
        void *cut = malloc(len ? len : 1);   /* exact size: overreads are caught */
        memcpy(cut, s.stream, len);
        int rc = decode(cut, len, s.bytes);
        refused += rc != VC_OK;
        CU_ASSERT(rc == VC_ERR_TRUNCATED || rc == VC_ERR_NOT_VIDCUBE);
        vc_stream_info info;
        int irc = vc_stream_info_read(cut, len, &info);
        if (len < 40) {
            CU_ASSERT(irc != VC_OK);   /* the header section is not complete */
        }
        free(cut);
    }
    CU_ASSERT_EQUAL(refused, s.size);
    printf("\n    %zu truncations of a %zu-byte stream all refused", refused, s.size);
    free_sample(&s);
}

static void test_bit_flips(void)
{
    sample s;
    make_sample(&s, VC_MODE_PSNR);
    uint8_t *bad = malloc(s.size);
    size_t refused = 0, tried = 0;
    for (size_t bit = 0; bit < 8 * s.size; bit++) {
        memcpy(bad, s.stream, s.size);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = decode(bad, s.size, s.bytes);
        tried++;
        refused += rc != VC_OK;
        if (rc == VC_OK)
            printf("\n    flip of bit %zu accepted", bit);
    }
    CU_ASSERT_EQUAL(refused, tried);
    printf("\n    %zu single-bit flips all refused", tried);
    free(bad);
    free_sample(&s);
}

static void test_foreign(void)
{
    const char *png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    uint8_t zeros[64] = { 0 }, noise[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (uint8_t)(x >> 16);
    }
    CU_ASSERT_EQUAL(decode(png, 16, 1024), VC_ERR_NOT_VIDCUBE);
    CU_ASSERT_EQUAL(decode(zeros, sizeof zeros, 1024), VC_ERR_NOT_VIDCUBE);
    CU_ASSERT_EQUAL(decode(noise, sizeof noise, 1024), VC_ERR_NOT_VIDCUBE);
    /* The magic alone, then a newer format. */
    uint8_t fake[32] = { 'V', 'C', 'U', 'B', 1 };
    CU_ASSERT_EQUAL(decode(fake, sizeof fake, 1024), VC_ERR_CORRUPT);
    fake[4] = 99;
    CU_ASSERT_EQUAL(decode(fake, sizeof fake, 1024), VC_ERR_VERSION);
    vc_stream_info info;
    CU_ASSERT_EQUAL(vc_stream_info_read(noise, sizeof noise, &info), VC_ERR_NOT_VIDCUBE);
    CU_ASSERT_EQUAL(vc_stream_info_read(NULL, 0, &info), VC_ERR_NULL);
}

static void test_appended_and_small_dst(void)
{
    sample s;
    make_sample(&s, VC_MODE_LOSSLESS);
    uint8_t *longer = malloc(s.size + 1);
    memcpy(longer, s.stream, s.size);
    longer[s.size] = 0;
    CU_ASSERT_EQUAL(decode(longer, s.size + 1, s.bytes), VC_ERR_CORRUPT);
    CU_ASSERT_EQUAL(decode(s.stream, s.size, s.bytes - 1), VC_ERR_DST_SIZE);
    vc_stream_info info;
    CU_ASSERT_EQUAL(vc_stream_info_read(s.stream, s.size, &info), VC_OK);
    CU_ASSERT_EQUAL(info.decoded_size, s.bytes);
    CU_ASSERT_EQUAL(info.format, VC_STREAM_FORMAT);
    CU_ASSERT_EQUAL(info.writer_version, VC_VERSION_NUMBER);
    CU_ASSERT_EQUAL(info.mode, VC_MODE_LOSSLESS);
    CU_ASSERT_EQUAL(info.array.rank, 3);
    CU_ASSERT_EQUAL(info.array.dims[1], 32);
    free(longer);
    free_sample(&s);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("bad streams", NULL, NULL);
    CU_add_test(s, "every truncation refused", test_truncated);
    CU_add_test(s, "every single-bit flip refused", test_bit_flips);
    CU_add_test(s, "foreign buffers refused", test_foreign);
    CU_add_test(s, "appended bytes and small buffers refused", test_appended_and_small_dst);
    return tu_run_cunit();
}
