/* fuzz_decompress.c: libFuzzer target for the stream decoder. The input is
 * a whole stream, decoded as it is and with its container repaired
 * (fuzz_repair). Promises checked besides memory safety:
 *   - what vc_stream_info_read refuses, vc_decompress refuses too;
 *   - a buffer one byte short is refused;
 *   - a failure always comes with a reason on the context;
 *   - a successful decode writes every byte of the output: two decodes
 *     into buffers prefilled differently give the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vidcube.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("VIDCUBE_THREADS", "1", 1);
    return 0;
}

static int decode(vc_ctx *ctx, const uint8_t *data, size_t size, void *out, size_t cap)
{
    int rc = vc_decompress(ctx, data, size, out, cap);
    FUZZ_CHECK(rc <= 0 && vc_strerror(rc) != NULL);
    FUZZ_CHECK(rc == VC_OK || vc_ctx_error(ctx)[0] != '\0');
    return rc;
}

static void one(const uint8_t *data, size_t size)
{
    vc_ctx *ctx = vc_ctx_create(NULL);
    if (!ctx)
        return;
    vc_stream_info info;
    int rc = vc_stream_info_read(data, size, &info);
    if (rc != VC_OK) {
        uint64_t dummy[8];
        FUZZ_CHECK(decode(ctx, data, size, dummy, sizeof dummy) != VC_OK);
    } else if (info.decoded_size <= FUZZ_MAX_DECODED) {
        size_t n = info.decoded_size;
        uint8_t *a = malloc(n), *b = malloc(n);
        if (a && b) {
            /* exactly one byte short: ASan sees any write past it */
            FUZZ_CHECK(decode(ctx, data, size, a, n - 1) != VC_OK);
            memset(a, 0x00, n);
            memset(b, 0xff, n);
            int ra = decode(ctx, data, size, a, n);
            int rb = ra == VC_OK ? decode(ctx, data, size, b, n) : ra;
            FUZZ_CHECK(ra == rb);
            FUZZ_CHECK(ra != VC_OK || memcmp(a, b, n) == 0);
        }
        free(a);
        free(b);
    }
    vc_ctx_free(ctx);
}

/* The input as it is, then with its container repaired (fuzz.h). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    size_t n;
    uint8_t *fixed = fuzz_repair(data, size, &n);
    if (fixed && (n != size || memcmp(fixed, data, n)))
        one(fixed, n);
    free(fixed);
    return 0;
}
