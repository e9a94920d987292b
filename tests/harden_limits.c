/* harden_limits.c: untrusted sizes stay bounded.
 *
 * Suite "untrusted sizes": streams crafted with the library's own section
 * writer declare arrays past VC_MAX_VALUES, products that overflow size_t
 * and absurd extents; each is refused by vc_stream_info_read and
 * vc_decompress, and, when libvcshim is preloaded (harden_limits.sh), the
 * refusal happens before a single allocation. A stream declaring exactly
 * VC_MAX_VALUES is accepted by the size query and refused by vc_decompress
 * for a small buffer, again without allocating the declared size.
 *
 * Suite "decoding memory" (needs the shim): the peak of the bytes a whole
 * decode holds at once (context, library, zstd, libavcodec; the aligned
 * allocators counted) stays within the bound documented in vidcube.h,
 * VC_DECODE_MEM_PER_VALUE per decoded value + VC_DECODE_MEM_PER_STREAM_BYTE
 * per stream byte + VC_DECODE_MEM_FIXED, over every harden case and shapes
 * picked to be worst: one value, thin frames padded to 16 rows, 8-bit
 * lossless (64-bit work arrays), transforms. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harden_cases.h"
#include "harden_shim.h"
#include "testutil.h"
#include "vc_internal.h"


static vcshim shim;
static int have_shim;

/* ---- crafted streams ---- */

/* A stream of C constant bands for header h (dims as given, unchecked). */
static uint8_t *craft(const vc_header *h, size_t C, size_t *size)
{
    vc_buf out, hp;
    vc_buf_init(&out);
    vc_buf_init(&hp);
    vc_buf_put(&out, VC_MAGIC, 4);
    vc_buf_u8(&out, VC_STREAM_FORMAT);
    vc_header_put(&hp, h);
    vc_section_put(&out, VC_SEC_HEAD, 0, hp.p, hp.n);
    vc_buf_free(&hp);
    for (size_t c = 0; c < C; c++) {
        vc_bandhdr b;
        memset(&b, 0, sizeof b);
        b.coder = VC_CODER_CONSTANT;
        b.qp = -1;
        b.norm.min = b.norm.max = b.constant = 7;
        vc_buf bp;
        vc_buf_init(&bp);
        vc_bandhdr_put(&bp, &b);
        vc_section_put(&out, VC_SEC_BAND, (unsigned)c, bp.p, bp.n);
        vc_buf_free(&bp);
    }
    uint8_t end[12];
    uint64_t total = out.n + VC_SECTION_OVERHEAD + sizeof end;
    for (int i = 0; i < 8; i++)
        end[i] = (uint8_t)(total >> (8 * i));
    vc_put_le32(end + 8, (uint32_t)(1 + C));
    vc_section_put(&out, VC_SEC_END, 0, end, sizeof end);
    CU_ASSERT_FATAL(!out.failed);
    *size = out.n;
    return out.p;
}

/* A band-transform stream of one channel, float32 (1, T, Y, X) as T Y X:
 * an XFRM section (kind, J, K latents, no hidden units) with zero weights,
 * K dropped latents, and the channel coded by the transform. Such a stream
 * decodes to a constant; what matters is what the decoder allocates. */
static uint8_t *craft_xform(size_t T, size_t Y, size_t X, vc_transform kind, int J,
                            size_t K, size_t *size)
{
    vc_header h;
    size_t dims[] = { T, Y, X };
    static const vc_axis tyx[] = { VC_AXIS_TIME, VC_AXIS_Y, VC_AXIS_X };
    memset(&h, 0, sizeof h);
    h.array.dtype = VC_FLOAT32;
    h.array.rank = 3;
    for (int i = 0; i < 3; i++) {
        h.array.dims[i] = dims[i];
        h.array.roles[i] = tyx[i];
    }
    h.mode = VC_MODE_PSNR;
    h.target = 40;
    h.bit_depth = 10;
    h.preset = 4;
    h.transform = kind;
    h.writer_version = VC_VERSION_NUMBER;
    vc_buf out, sec;
    vc_buf_init(&out);
    vc_buf_put(&out, VC_MAGIC, 4);
    vc_buf_u8(&out, VC_STREAM_FORMAT);
    vc_buf_init(&sec);
    vc_header_put(&sec, &h);
    vc_section_put(&out, VC_SEC_HEAD, 0, sec.p, sec.n);
    vc_buf_free(&sec);
    size_t d = (size_t)1 << (2 * J), nsec = 1;
    vc_buf_init(&sec);
    vc_buf_u8(&sec, (unsigned)kind);
    vc_buf_u8(&sec, (unsigned)J);
    vc_buf_u16(&sec, 1);                       /* Ca */
    vc_buf_u16(&sec, (unsigned)K);
    vc_buf_u16(&sec, 0);                       /* H */
    vc_buf_u16(&sec, 0);                       /* channel 0 */
    for (size_t i = 0; i < d + d * K; i++)     /* mu, D1 */
        vc_buf_u32(&sec, 0);
    vc_section_put(&out, VC_SEC_XFRM, 0, sec.p, sec.n);
    vc_buf_free(&sec);
    vc_bandhdr b;
    memset(&b, 0, sizeof b);
    b.coder = VC_CODER_NONE;                   /* a dropped latent */
    b.qp = -1;
    for (size_t k = 0; k < K; k++, nsec++) {
        vc_buf_init(&sec);
        vc_bandhdr_put(&sec, &b);
        vc_section_put(&out, VC_SEC_CHDR, (unsigned)k, sec.p, sec.n);
        vc_buf_free(&sec);
    }
    b.coder = VC_CODER_TRANSFORM;
    b.norm.min = 0;
    b.norm.max = b.norm.scale = 1;
    vc_buf_init(&sec);
    vc_bandhdr_put(&sec, &b);
    vc_section_put(&out, VC_SEC_BAND, 0, sec.p, sec.n);
    vc_buf_free(&sec);
    nsec += 2;
    uint8_t end[12];
    uint64_t total = out.n + VC_SECTION_OVERHEAD + sizeof end;
    for (int i = 0; i < 8; i++)
        end[i] = (uint8_t)(total >> (8 * i));
    vc_put_le32(end + 8, (uint32_t)nsec);
    vc_section_put(&out, VC_SEC_END, 0, end, sizeof end);
    CU_ASSERT_FATAL(!out.failed);
    *size = out.n;
    return out.p;
}

static void header(vc_header *h, vc_dtype d, int rank, const size_t *dims, const vc_axis *roles)
{
    memset(h, 0, sizeof *h);
    h->array.dtype = d;
    h->array.rank = rank;
    for (int i = 0; i < rank; i++) {
        h->array.dims[i] = dims[i];
        h->array.roles[i] = roles[i];
    }
    h->mode = VC_MODE_LOSSLESS;
    h->bit_depth = 10;
    h->preset = 4;
    h->writer_version = VC_VERSION_NUMBER;
}

/* Decode with a small buffer, counting allocations; returns the status. */
static int refuse(const uint8_t *s, size_t n, long *allocs, int *info_rc)
{
    vc_ctx *ctx = vc_ctx_create(NULL);
    uint8_t small[64];
    vc_stream_info info;
    if (have_shim)
        shim.arm(0, 1);
    *info_rc = vc_stream_info_read(s, n, &info);
    int rc = vc_decompress(ctx, s, n, small, sizeof small);
    *allocs = have_shim ? shim.disarm().count : -1;
    CU_ASSERT(vc_ctx_error(ctx)[0] != '\0');
    vc_ctx_free(ctx);
    return rc;
}

static void test_past_limit(void)
{
    static const vc_axis tcyx[] = { VC_AXIS_TIME, VC_AXIS_CHANNEL, VC_AXIS_Y, VC_AXIS_X };
    struct { const char *what; size_t dims[4]; int limit; } cases[] = {
        /* 2^36 + 2^12 values: just past the limit */
        { "VC_MAX_VALUES + 4096", { 1, 1, (size_t)1 << 24, ((size_t)1 << 12) + 1 }, 1 },
        { "2^64 values (overflows size_t)", { (size_t)1 << 16, 1, (size_t)1 << 24, (size_t)1 << 24 }, 0 },
        { "2^144 values", { (size_t)1 << 36, 1, (size_t)1 << 36, (size_t)1 << 36 }, 0 },
        { "one extent past the limit", { 1, 1, 1, VC_MAX_VALUES + 1 }, 0 },
        { "one extent of 2^63", { 1, 1, 1, (size_t)1 << 63 }, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vc_header h;
        size_t n;
        header(&h, VC_FLOAT64, 4, cases[k].dims, tcyx);
        uint8_t *s = craft(&h, 1, &n);
        long allocs;
        int irc, rc = refuse(s, n, &allocs, &irc);
        printf("\n    %-32s info: %-28s decompress: %-28s allocations: %ld",
               cases[k].what, vc_strerror(irc), vc_strerror(rc), allocs);
        CU_ASSERT(irc == VC_ERR_LIMIT || (!cases[k].limit && irc == VC_ERR_CORRUPT));
        CU_ASSERT(rc == irc);
        CU_ASSERT(allocs <= 0);
        free(s);
    }
}

static void test_at_limit(void)
{
    /* 2^36 uint8 values, 65535 constant channels of 2^20: a 4 MB stream
     * that would decode to 64 GiB */
    static const vc_axis cyx[] = { VC_AXIS_CHANNEL, VC_AXIS_Y, VC_AXIS_X };
    size_t dims[] = { 1u << 16, 1u << 10, 1u << 10 }, n;
    vc_header h;
    header(&h, VC_UINT8, 3, dims, cyx);
    uint8_t *s = craft(&h, 1, &n);         /* one band: the walk fails late */
    vc_stream_info info;
    CU_ASSERT_EQUAL(vc_stream_info_read(s, n, &info), VC_OK);
    CU_ASSERT_EQUAL(info.decoded_size, VC_MAX_VALUES);
    long allocs;
    int irc, rc = refuse(s, n, &allocs, &irc);
    /* more channels than the library indexes (65535): corrupt, unallocated */
    printf("\n    65536 channels, 2^36 values: %s, %ld allocations", vc_strerror(rc), allocs);
    CU_ASSERT(rc == VC_ERR_CORRUPT);
    CU_ASSERT(allocs <= 0);
    free(s);

    dims[0] = 1u << 8;
    dims[1] = 1u << 14;
    dims[2] = 1u << 14;
    header(&h, VC_UINT8, 3, dims, cyx);
    s = craft(&h, dims[0], &n);
    CU_ASSERT_EQUAL(vc_stream_info_read(s, n, &info), VC_OK);
    CU_ASSERT_EQUAL(info.decoded_size, VC_MAX_VALUES);
    vc_ctx *ctx = vc_ctx_create(NULL);
    uint8_t small[64];
    if (have_shim)
        shim.arm(0, 1);
    rc = vc_decompress(ctx, s, n, small, sizeof small);
    vcshim_stats st = have_shim ? shim.disarm() : (vcshim_stats){ .count = -1 };
    printf("\n    256 channels, 2^36 values, %zu-byte stream, 64-byte buffer: %s, "
           "peak %zu bytes", n, vc_strerror(rc), st.peak_bytes);
    CU_ASSERT_EQUAL(rc, VC_ERR_DST_SIZE);
    CU_ASSERT(st.peak_bytes < 65536);       /* the per-channel index only */
    vc_ctx_free(ctx);
    free(s);
}

/* The transform's decoder holds latents x sites and sites x features
 * float64 arrays: a stream may not ask for more latents than features, nor
 * for more wavelet levels than the frame size gives the encoder (each level
 * pads the frame to a multiple of 2^J: 64 features for a 1x1 frame). */
static void test_xform_shape(void)
{
    struct {
        const char *what;
        size_t T, Y, X, K;
        vc_transform kind;
        int J, ok;
    } cases[] = {
        { "KLT, 1 latent of 1 feature", 64, 16, 16, 1, VC_TRANSFORM_KLT, 0, 1 },
        { "KLT, 64 latents of 1 feature", 64, 16, 16, 64, VC_TRANSFORM_KLT, 0, 0 },
        { "WAE, J=2 on 64x64 frames", 4, 64, 64, 16, VC_TRANSFORM_WAE, 2, 1 },
        { "WAE, J=3 on 32x32 frames", 4, 32, 32, 1, VC_TRANSFORM_WAE, 3, 0 },
        { "WAE, J=3 on 1x1 frames", 4096, 1, 1, 1, VC_TRANSFORM_WAE, 3, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t n, bytes = cases[k].T * cases[k].Y * cases[k].X * 4;
        uint8_t *s = craft_xform(cases[k].T, cases[k].Y, cases[k].X, cases[k].kind,
                                 cases[k].J, cases[k].K, &n);
        void *out = malloc(bytes);
        vc_ctx *ctx = vc_ctx_create(NULL);
        int rc = vc_decompress(ctx, s, n, out, bytes);
        printf("\n    %-30s %s", cases[k].what, vc_strerror(rc));
        CU_ASSERT(cases[k].ok ? rc == VC_OK : rc == VC_ERR_CORRUPT);
        vc_ctx_free(ctx);
        free(out);
        free(s);
    }
}

/* The sections of stream s after a new HEAD declaring array a. */
static uint8_t *reheader(const uint8_t *s, size_t n, const vc_array *a, size_t *size)
{
    vc_walk w;
    vc_section sec;
    vc_header h;
    vc_buf out, hp;
    CU_ASSERT_FATAL(vc_walk_begin(&w, s, n) == VC_OK);
    CU_ASSERT_FATAL(vc_walk_next(&w, &sec) == 1 && sec.tag == VC_SEC_HEAD);
    CU_ASSERT_FATAL(vc_header_get(sec.p, sec.n, &h) == VC_OK);
    h.array = *a;
    CU_ASSERT_FATAL(vc_array_check(&h.array) == VC_OK);    /* roles spelt out */
    vc_buf_init(&out);
    vc_buf_init(&hp);
    vc_buf_put(&out, VC_MAGIC, 4);
    vc_buf_u8(&out, VC_STREAM_FORMAT);
    vc_header_put(&hp, &h);
    vc_section_put(&out, VC_SEC_HEAD, 0, hp.p, hp.n);
    vc_buf_free(&hp);
    size_t count = 1;
    while (vc_walk_next(&w, &sec) == 1) {
        vc_section_put(&out, sec.tag, sec.band, sec.p, sec.n);
        count++;
    }
    uint8_t end[12];
    uint64_t total = out.n + VC_SECTION_OVERHEAD + sizeof end;
    for (int i = 0; i < 8; i++)
        end[i] = (uint8_t)(total >> (8 * i));
    vc_put_le32(end + 8, (uint32_t)count);
    vc_section_put(&out, VC_SEC_END, 0, end, sizeof end);
    CU_ASSERT_FATAL(!out.failed);
    *size = out.n;
    return out.p;
}

/* A video stream of one 2048x2048 uint8 picture: waves and noise, which
 * video codes in fewer bytes than the exact coder. */
#define BIG 2048
static uint8_t *big_picture(size_t *n)
{
    vc_array a = { VC_UINT8, 2, { BIG, BIG }, { VC_AXIS_DEFAULT } };
    uint8_t *v = malloc(BIG * BIG);
    uint32_t r = 7;
    for (size_t i = 0; i < BIG * BIG; i++) {
        r = r * 1103515245u + 12345u;
        v[i] = (uint8_t)(120 + 60 * sin((double)(i % BIG) / 40) * cos((double)(i / BIG) / 70) +
                         (r >> 28));
    }
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_QP;
    p.target = 40;
    p.threads = 1;
    void *s;
    CU_ASSERT_FATAL(hc_compress(&a, v, &p, &s, n) == VC_OK);
    free(v);
    return s;
}

/* Pictures are bounded by the array's declared frame, not by whatever the
 * H.264 sequence header inside says: wider than x264 writes is refused
 * before libavcodec runs; a sequence header larger than the frame is
 * refused by libavcodec before it allocates the pictures. */
static void test_picture_size(void)
{
    size_t n, m;
    uint8_t *s = big_picture(&n);
    vc_array wide = { VC_UINT8, 2, { 1, 20000 }, { VC_AXIS_DEFAULT } };
    uint8_t *t = reheader(s, n, &wide, &m);
    uint8_t *out = malloc(20000);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int rc = vc_decompress(ctx, s, n, out, 1);
    CU_ASSERT_EQUAL(rc, VC_ERR_DST_SIZE);       /* (the original stream is fine) */
    rc = vc_decompress(ctx, t, m, out, 20000);
    printf("\n    1x20000 frame: %s (%s)", vc_strerror(rc), vc_ctx_error(ctx));
    CU_ASSERT_EQUAL(rc, VC_ERR_LIMIT);
    free(t);

    vc_array small = { VC_UINT8, 2, { 16, 16 }, { VC_AXIS_DEFAULT } };
    t = reheader(s, n, &small, &m);
    if (have_shim)
        shim.arm(0, 1);
    rc = vc_decompress(ctx, t, m, out, 256);
    vcshim_stats st = have_shim ? shim.disarm() : (vcshim_stats){ .count = -1 };
    printf("\n    16x16 frame holding a %dx%d picture (%zu-byte stream): %s, peak %zu bytes",
           BIG, BIG, m, vc_strerror(rc), st.peak_bytes);
    CU_ASSERT_EQUAL(rc, VC_ERR_CORRUPT);
    /* the decoder's own state (1.5 MiB), a padded copy of the stream and
     * the parser's copy of the access unit; sized by the picture, the
     * decoder's tables would take 11 MiB more and a picture 12 MiB */
    CU_ASSERT(!have_shim || st.peak_bytes < ((size_t)2 << 20) + 3 * m);
    vc_ctx_free(ctx);
    free(out);
    free(t);
    free(s);
}

/* ---- decoding memory ---- */

typedef struct measured {
    size_t values, bytes, stream, peak;
} measured;

/* Peak bytes held by a whole decode of stream s (context included). */
static size_t decode_peak(const void *s, size_t n, size_t bytes, const void *want)
{
    void *out = malloc(bytes);
    shim.arm(0, 1);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int rc = ctx ? vc_decompress(ctx, s, n, out, bytes) : VC_ERR_NOMEM;
    vc_ctx_free(ctx);
    vcshim_stats st = shim.disarm();
    CU_ASSERT_EQUAL(rc, VC_OK);
    CU_ASSERT(want == NULL || memcmp(out, want, bytes) == 0);
    CU_ASSERT_EQUAL(st.live, 0);
    free(out);
    return st.peak_bytes;
}

static int within_bound(const measured *m)
{
    double bound = (double)VC_DECODE_MEM_PER_VALUE * (double)m->values +
                   (double)VC_DECODE_MEM_PER_STREAM_BYTE * (double)m->stream +
                   (double)VC_DECODE_MEM_FIXED;
    return (double)m->peak <= bound;
}

/* The peak, also as a multiple of the decoded size and with the per-value
 * and per-stream-byte terms of the bound taken out (what is left must fit
 * in VC_DECODE_MEM_FIXED). */
static void report(const char *name, const measured *m)
{
    double rest = (double)m->peak - (double)VC_DECODE_MEM_PER_VALUE * (double)m->values -
                  (double)VC_DECODE_MEM_PER_STREAM_BYTE * (double)m->stream;
    printf("\n    %-27s %8zu values %8zu B stream  peak %9zu B = %7.1fx decoded, "
           "%8.1f B/value; beyond the per-value and stream terms: %5.2f MiB%s",
           name, m->values, m->stream, m->peak, (double)m->peak / (double)m->bytes,
           (double)m->peak / (double)m->values, rest > 0 ? rest / 1048576.0 : 0.0,
           within_bound(m) ? "" : "  OVER THE BOUND");
}

/* Measure the decode of stream s against the documented bound; want, when
 * given, is what it must decode to. */
static void measure_stream(const char *name, const void *s, size_t n, size_t values,
                           size_t bytes, const void *want)
{
    measured m = { .values = values, .bytes = bytes, .stream = n };
    m.peak = decode_peak(s, n, bytes, want);
    report(name, &m);
    CU_ASSERT(within_bound(&m));
}

/* Compress with p, then measure the decode. The encoder may code a stream
 * without the transform asked for when that is smaller (the whole-stream
 * lossless fallback); with want_transform the transform must be kept, so
 * that the shape really measures a transform decode. */
static void measure_array(const char *name, const vc_array *a, const void *data,
                          const vc_params *p, int want_transform)
{
    size_t bytes = hc_bytes(a), n;
    vc_ctx *ctx = vc_ctx_create(p);
    size_t cap = vc_compress_bound(a);
    void *s = malloc(cap), *want = malloc(bytes);
    CU_ASSERT_FATAL(vc_compress(ctx, a, data, s, cap, &n) == VC_OK);
    vc_transform used;
    vc_report_transform(ctx, &used, NULL);
    if (want_transform && used != p->transform)
        printf("\n    %s: transform %d asked, %d used", name, (int)p->transform, (int)used);
    CU_ASSERT(!want_transform || used == p->transform);
    CU_ASSERT_FATAL(vc_decompress(ctx, s, n, want, bytes) == VC_OK);
    vc_ctx_free(ctx);
    measure_stream(name, s, n, vc_array_nvalues(a), bytes, want);
    free(want);
    free(s);
}

/* The committed golden stream of a case: made when the case was added, it
 * keeps the transform the case asks for even where today's encoder would
 * fall back to plain coding. */
static void measure_golden(const hc_case *c)
{
    char path[4096], name[64];
    snprintf(path, sizeof path, "%s/tests/golden/%s.vcs", getenv("VC_SRCDIR"), c->name);
    FILE *f = fopen(path, "rb");
    CU_ASSERT_FATAL(f != NULL);
    size_t cap = (size_t)1 << 20;
    unsigned char *s = malloc(cap);
    CU_ASSERT_FATAL(s != NULL);
    size_t n = fread(s, 1, cap, f);
    fclose(f);
    CU_ASSERT_FATAL(n < cap);                /* golden streams are small */
    vc_stream_info info;
    CU_ASSERT_FATAL(vc_stream_info_read(s, n, &info) == VC_OK);
    CU_ASSERT_EQUAL(info.transform, c->transform);
    snprintf(name, sizeof name, "%.20s golden", c->name);
    measure_stream(name, s, n, vc_array_nvalues(&info.array), info.decoded_size, NULL);
    free(s);
}

static void test_cases_memory(void)
{
    if (!have_shim) {
        printf("\n    skipped: libvcshim is not preloaded");
        return;
    }
    for (size_t i = 0; i < hc_ncases; i++) {
        vc_array a;
        void *data;
        vc_params p;
        CU_ASSERT_FATAL(hc_load(&hc_cases[i], &a, &data) == 0);
        hc_params(&hc_cases[i], &p);
        measure_array(hc_cases[i].name, &a, data, &p, 0);
        free(data);
        measure_golden(&hc_cases[i]);
    }
}

/* Shapes chosen to maximise memory per decoded byte. */
static void test_worst_shapes(void)
{
    if (!have_shim) {
        printf("\n    skipped: libvcshim is not preloaded");
        return;
    }
    static const struct {
        const char *name;
        vc_dtype dtype;
        size_t T, C, Y, X;
        vc_mode mode;
        vc_transform xf;
    } shapes[] = {
        { "one uint8 value, video", VC_UINT8, 1, 1, 1, 1, VC_MODE_QP, 0 },
        { "one uint8 value, lossless", VC_UINT8, 1, 1, 1, 1, VC_MODE_LOSSLESS, 0 },
        { "1x1 frames x 64, video", VC_UINT8, 64, 1, 1, 1, VC_MODE_QP, 0 },
        { "1 row x 4096, video", VC_UINT8, 1, 1, 1, 4096, VC_MODE_QP, 0 },
        { "1 row x 4096, abs", VC_UINT8, 1, 1, 1, 4096, VC_MODE_ABS, 0 },
        { "1 row x 16384 x 24, video", VC_UINT8, 24, 1, 1, 16384, VC_MODE_QP, 0 },
        { "4 rows x 1024 x 8, psnr", VC_UINT8, 8, 1, 4, 1024, VC_MODE_PSNR, 0 },
        { "1 column x 4096, video", VC_UINT8, 1, 1, 4096, 1, VC_MODE_QP, 0 },
        { "uint8 lossless 64x256x256", VC_UINT8, 64, 1, 256, 256, VC_MODE_LOSSLESS, 0 },
        { "float64 lossless 8x128x128", VC_FLOAT64, 8, 1, 128, 128, VC_MODE_LOSSLESS, 0 },
        { "uint8 KLT 4x8x128x128", VC_UINT8, 8, 4, 128, 128, VC_MODE_PSNR, VC_TRANSFORM_KLT },
        { "uint8 WAE 4x4x120x120", VC_UINT8, 4, 4, 120, 120, VC_MODE_PSNR, VC_TRANSFORM_WAE },
        { "uint8 KLT rel 4x8x64x64", VC_UINT8, 8, 4, 64, 64, VC_MODE_REL, VC_TRANSFORM_KLT },
        { "1 row x 16384, video", VC_UINT8, 1, 1, 1, 16384, VC_MODE_QP, 0 },
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        vc_array a = { shapes[k].dtype, 4,
                       { shapes[k].T, shapes[k].C, shapes[k].Y, shapes[k].X },
                       { VC_AXIS_DEFAULT } };
        size_t n = shapes[k].T * shapes[k].C * shapes[k].Y * shapes[k].X;
        size_t es = vc_dtype_size(a.dtype), F = shapes[k].Y * shapes[k].X;
        uint8_t *data = malloc(n * es);
        /* a smooth field with noise, neither constant nor incompressible,
         * channels alike (so transforms have something to decorrelate) */
        uint32_t r = 1;
        for (size_t i = 0; i < n; i++) {
            r = r * 1103515245u + 12345u;
            size_t px = i % F, c = (i / F) % shapes[k].C;
            double v = 100 + 60 * sin((double)(px % 977) / 50.0 + (double)(i / F) / 20) *
                       cos((double)(px / shapes[k].X) / 30.0) + 5 * (double)c + (r >> 29);
            if (es == 1)
                data[i] = (uint8_t)v;
            else
                ((double *)data)[i] = v / 3;
        }
        vc_params p;
        vc_params_init(&p);
        p.mode = shapes[k].mode;
        p.target = p.mode == VC_MODE_QP ? 20 : p.mode == VC_MODE_ABS ? 2 :
                   p.mode == VC_MODE_REL ? 1e-2 : 40; /* E ~ 2: a uint8 bound below 0.5 is lossless */
        p.transform = shapes[k].xf;
        p.threads = 1;
        measure_array(shapes[k].name, &a, data, &p, shapes[k].xf != VC_TRANSFORM_NONE);
        free(data);
    }
}

int main(void)
{
    have_shim = vcshim_find(&shim);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("untrusted sizes", NULL, NULL);
    CU_add_test(s, "declared sizes past the limit refused", test_past_limit);
    CU_add_test(s, "2^36 values: described, not allocated", test_at_limit);
    CU_add_test(s, "transform geometry the encoder never writes refused", test_xform_shape);
    CU_add_test(s, "pictures bounded by the declared frame", test_picture_size);
    s = CU_add_suite("decoding memory", NULL, NULL);
    CU_add_test(s, "harden cases within the documented bound", test_cases_memory);
    CU_add_test(s, "worst shapes within the documented bound", test_worst_shapes);
    return tu_run_cunit();
}
