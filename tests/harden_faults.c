/* harden_faults.c: every allocation of a compress and of a decompress
 * fails in turn. Run with libvcshim preloaded (harden_faults.sh); without
 * it the test skips (77).
 *
 * For each case (a small real array, harden_cases.c) and each n from 1 to
 * the number of allocations a whole run makes (context created and freed
 * inside the run), allocation n fails. The run must then
 *   - return VC_ERR_NOMEM with a reason on the context, or succeed with a
 *     correct result (the library may fall back: a lossless palette it
 *     cannot afford is simply not used), and
 *   - leave no block it allocated behind (the shim tracks them).
 * With VC_FAULT_ALIGNED=1 the aligned allocators of x264 and libavcodec
 * fail as well; a codec that cannot open then gives VC_ERR_CODEC.
 *
 * Usage: harden_faults [CASE[:STRIDE]...]   (default: the cases below)
 * A stride k tries every k-th allocation of a compression only (each
 * decompression allocation is always tried): the transform cases run
 * their quantiser and training loops once per allocation, so make check
 * samples them (run `harden_faults psnr-wae-float32` for every n).
 * VC_FAULT_STRIDE=k sets the stride of every case (for valgrind);
 * VC_FAULT_OPS=compress or decompress sweeps one of the two only. x264
 * leaks on its own failure paths inside x264_encoder_open, so the aligned
 * sweep is run on decompression (libavcodec) only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harden_cases.h"
#include "harden_shim.h"

static const char *const default_cases[] = {
    "psnr-float32-nan", "psnr-float32-maskref", "lossless-int16-fill",
    "lossless-float32-special", "abs-int32-fill", "rel-float64-rank5", "rate-float32",
    "psnr-klt-float32:3", "psnr-wae-float32:6", "qp-uint16",
};

static vcshim shim;
static int aligned_too;
static long stride = 1;         /* of the case being swept */
static long forced;             /* VC_FAULT_STRIDE: for both sweeps */

typedef struct subject {
    const hc_case *c;
    vc_array       a;
    void          *data;
    vc_params      p;
    void          *stream;     /* the reference stream */
    size_t         size;
    void          *ref;        /* its decoded array */
    size_t         bytes;
    void          *out;        /* scratch: a stream or an array */
    size_t         out_cap, out_n;
} subject;

typedef int (*op_fn)(subject *s, char *err, size_t errsz);

/* One whole compression, context included. */
static int op_compress(subject *s, char *err, size_t errsz)
{
    vc_ctx *ctx = vc_ctx_create(&s->p);
    if (!ctx) {
        snprintf(err, errsz, "vc_ctx_create returned NULL");
        return VC_ERR_NOMEM;
    }
    int rc = vc_compress(ctx, &s->a, s->data, s->out, s->out_cap, &s->out_n);
    snprintf(err, errsz, "%s", vc_ctx_error(ctx));
    vc_ctx_free(ctx);
    return rc;
}

static int op_decompress(subject *s, char *err, size_t errsz)
{
    vc_ctx *ctx = vc_ctx_create(NULL);
    if (!ctx) {
        snprintf(err, errsz, "vc_ctx_create returned NULL");
        return VC_ERR_NOMEM;
    }
    int rc = vc_decompress(ctx, s->stream, s->size, s->out, s->bytes);
    snprintf(err, errsz, "%s", vc_ctx_error(ctx));
    vc_ctx_free(ctx);
    return rc;
}

/* Is a successful run's result right? A compression may have fallen back
 * to a different stream: it must decode (bit-exactly for lossless). */
static int result_ok(subject *s, op_fn op)
{
    if (op == op_decompress)
        return memcmp(s->out, s->ref, s->bytes) == 0;
    void *dec = malloc(s->bytes);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int ok = dec && ctx && vc_decompress(ctx, s->out, s->out_n, dec, s->bytes) == VC_OK;
    if (ok && s->p.mode == VC_MODE_LOSSLESS)
        ok = memcmp(dec, s->data, s->bytes) == 0;
    vc_ctx_free(ctx);
    free(dec);
    return ok;
}

/* x264 reports its own allocation failures only as a failure to open or
 * to encode: a codec error, when the allocation that failed was x264's. */
static int in_x264(const vcshim_stats *st)
{
    return strstr(st->failed_in, "libx264") != NULL;
}

/* libavcodec's H.264 decoder turns some of its allocation failures into
 * AVERROR_INVALIDDATA (a NAL split that could not grow its buffer), which
 * vidcube can only report as a damaged stream. */
static int in_libav(const vcshim_stats *st)
{
    return strstr(st->failed_in, "libavcodec") || strstr(st->failed_in, "libavutil");
}

static int clean_error(int rc, const vcshim_stats *st)
{
    return rc == VC_ERR_NOMEM || (rc == VC_ERR_CODEC && in_x264(st)) ||
           (rc == VC_ERR_CORRUPT && in_libav(st));
}

/* x264_encoder_open leaks the two strings it copied (an opaque list node
 * and "x264_2pass.log") when an allocation after them fails: x264's defect,
 * tolerated in exactly that shape, whether vidcube then fails with a codec
 * error or recovers (a failed trial encode of a transform sample). */
static int x264_open_leak(const vcshim_stats *st)
{
    return in_x264(st) && st->live == st->live_x264 && st->live_x264 <= 2 &&
           st->live_x264_bytes <= 256;
}

/* Fail each allocation of op in turn (every stride-th of a compression);
 * returns the number of defects. */
static int sweep(subject *s, op_fn op, const char *what)
{
    long step = op == op_compress || forced ? stride : 1;
    char err[256];
    shim.arm(0, aligned_too);
    int rc = op(s, err, sizeof err);
    vcshim_stats st = shim.disarm();
    if (rc != VC_OK || st.live) {
        fprintf(stderr, "%s %s: the run without failures gave %s (%s), %ld blocks left\n",
                s->c->name, what, vc_strerror(rc), err, st.live);
        return 1;
    }
    long total = st.count, refused = 0, recovered = 0, defects = 0, x264_leaks = 0;
    for (long n = 1; n <= total; n += step) {
        shim.arm(n, aligned_too);
        rc = op(s, err, sizeof err);
        st = shim.disarm();
        const char *bad = NULL;
        if (st.live && x264_open_leak(&st))
            x264_leaks++;
        else if (st.live || st.untracked)
            bad = "blocks left behind";
        else if (rc == VC_OK && !result_ok(s, op))
            bad = "a wrong result";
        else if (rc != VC_OK && !st.failed)
            bad = "a failure without a failed allocation";
        else if (rc != VC_OK && !clean_error(rc, &st))
            bad = "an unexpected status";
        else if (rc != VC_OK && !err[0])
            bad = "no reason on the context";
        if (bad) {
            defects++;
            fprintf(stderr, "%s %s: allocation %ld of %ld (in %s) failed: %s (%s: %s; %ld "
                    "blocks, %zu bytes left)\n", s->c->name, what, n, total, st.failed_in, bad,
                    vc_strerror(rc), err, st.live, st.live_bytes);
        }
        refused += rc != VC_OK;
        recovered += rc == VC_OK && st.failed;
    }
    printf("%-22s %-10s %5ld allocations%s: %5ld refused cleanly, %4ld recovered, "
           "%ld defects%s", s->c->name, what, total, step > 1 ? " (sampled)" : "", refused,
           recovered, defects, x264_leaks ? "" : "\n");
    if (x264_leaks)
        printf(" (x264_encoder_open's own leak seen %ld times)\n", x264_leaks);
    return (int)defects;
}

static int prepare(subject *s, const char *name)
{
    memset(s, 0, sizeof *s);
    s->c = hc_find(name);
    if (!s->c) {
        fprintf(stderr, "no case %s\n", name);
        return -1;
    }
    if (hc_load(s->c, &s->a, &s->data) != 0)
        return -1;
    hc_params(s->c, &s->p);
    s->bytes = hc_bytes(&s->a);
    if (hc_compress(&s->a, s->data, &s->p, &s->stream, &s->size) != VC_OK)
        return -1;
    s->ref = malloc(s->bytes);
    s->out_cap = vc_compress_bound(&s->a);
    s->out = malloc(s->out_cap > s->bytes ? s->out_cap : s->bytes);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int rc = s->ref && s->out && ctx ? vc_decompress(ctx, s->stream, s->size, s->ref, s->bytes)
                                     : VC_ERR_NOMEM;
    vc_ctx_free(ctx);
    return rc == VC_OK ? 0 : -1;
}

static void release(subject *s)
{
    free(s->data);
    free(s->stream);
    free(s->ref);
    free(s->out);
}

int main(int argc, char **argv)
{
    if (!vcshim_find(&shim)) {
        printf("SKIP: libvcshim is not preloaded (run harden_faults.sh)\n");
        return 77;
    }
    const char *e = getenv("VC_FAULT_STRIDE");
    forced = e && atol(e) > 0 ? atol(e) : 0;
    e = getenv("VC_FAULT_ALIGNED");
    aligned_too = e && atoi(e);
    const char *ops = getenv("VC_FAULT_OPS");
    int do_compress = !ops || strcmp(ops, "decompress") != 0;
    int do_decompress = !ops || strcmp(ops, "compress") != 0;
    int ncases = argc > 1 ? argc - 1 : (int)(sizeof default_cases / sizeof *default_cases);
    int defects = 0;
    for (int i = 0; i < ncases; i++) {
        subject s;
        char name[128];
        snprintf(name, sizeof name, "%s", argc > 1 ? argv[i + 1] : default_cases[i]);
        char *colon = strchr(name, ':');
        stride = colon ? atol(colon + 1) : 1;
        if (colon)
            *colon = '\0';
        if (forced || stride < 1)
            stride = forced ? forced : 1;
        if (prepare(&s, name) != 0) {
            fprintf(stderr, "%s: cannot prepare the case\n", name);
            return 1;
        }
        /* warm up: libavcodec and x264 build their static tables once */
        char err[256];
        op_compress(&s, err, sizeof err);
        op_decompress(&s, err, sizeof err);
        if (do_compress)
            defects += sweep(&s, op_compress, "compress");
        if (do_decompress)
            defects += sweep(&s, op_decompress, "decompress");
        release(&s);
    }
    return defects ? 1 : 0;
}
