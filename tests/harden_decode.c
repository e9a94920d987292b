/* harden_decode.c: decode one vidcube stream file into its raw bytes, for
 * the golden-stream test (harden_golden.sh compares their SHA-256 with the
 * digest recorded when the stream was made). */
#include <stdio.h>
#include <stdlib.h>

#include "harden_cases.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STREAM OUT\n", argv[0]);
        return 2;
    }
    size_t n;
    void *s = hc_read_file(argv[1], &n);
    if (!s) {
        perror(argv[1]);
        return 1;
    }
    vc_stream_info info;
    int rc = vc_stream_info_read(s, n, &info);
    void *out = rc == VC_OK ? malloc(info.decoded_size ? info.decoded_size : 1) : NULL;
    vc_ctx *ctx = vc_ctx_create(NULL);
    if (rc == VC_OK)
        rc = out && ctx ? vc_decompress(ctx, s, n, out, info.decoded_size) : VC_ERR_NOMEM;
    if (rc != VC_OK) {
        fprintf(stderr, "%s: %s (%s)\n", argv[1], vc_strerror(rc), ctx ? vc_ctx_error(ctx) : "");
    } else if (hc_write_file(argv[2], out, info.decoded_size) != 0) {
        perror(argv[2]);
        rc = VC_ERR_GENERIC;
    } else {
        printf("%s: format %u, %s, %zu bytes\n", argv[1], info.format,
               vc_dtype_name(info.array.dtype), info.decoded_size);
    }
    vc_ctx_free(ctx);
    free(out);
    free(s);
    return rc == VC_OK ? 0 : 1;
}
