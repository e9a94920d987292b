/* embed_link_example.c: the smallest program that embeds vidcube, built
 * outside the source tree against an installed copy:
 *
 *     cc embed_link_example.c $(pkg-config --cflags --libs vidcube) -o example
 *     ./example
 *
 * It compresses a smooth 24 x 64 x 64 float32 field to PSNR >= 45 dB,
 * decodes it, and checks the versions, the size and the quality. Exit
 * status 0 when all is well. */
#include <stdio.h>
#include <stdlib.h>
#include <vidcube.h>
#include <vidcube_filter.h>

int main(void)
{
    enum { NT = 24, NY = 64, NX = 64, N = NT * NY * NX };
    float *field = malloc(N * sizeof *field), *back = malloc(N * sizeof *back);
    if (!field || !back)
        return 1;
    for (int t = 0; t < NT; t++)          /* a warm bowl drifting east */
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++) {
                float dx = (float)(x - 20 - t), dy = (float)(y - 32);
                field[(t * NY + y) * NX + x] = 290.0f - 0.004f * (dx * dx + dy * dy);
            }

    if (vc_version_number() != VC_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", VC_VERSION_STRING, vc_version_string());
        return 1;
    }
    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_PSNR;
    p.target = 45;
    vc_ctx *ctx = vc_ctx_create(&p);
    vc_array a = { .dtype = VC_FLOAT32, .rank = 3, .dims = { NT, NY, NX } };
    size_t cap = vc_compress_bound(&a), n = 0;
    void *stream = malloc(cap);
    int rc = ctx && stream ? vc_compress(ctx, &a, field, stream, cap, &n) : VC_ERR_NOMEM;
    if (rc == VC_OK)
        rc = vc_decompress(ctx, stream, n, back, N * sizeof *back);
    if (rc != VC_OK) {
        fprintf(stderr, "%s: %s\n", vc_strerror(rc), ctx ? vc_ctx_error(ctx) : "");
        return 1;
    }
    vc_quality q;
    vc_measure(&a, field, back, 0, 0, NULL, 0, &q);
    printf("vidcube %s (filter id %d): %zu bytes -> %zu bytes, PSNR %.2f dB\n",
           vc_version_string(), VC_H5Z_FILTER_ID, (size_t)N * sizeof *field, n, q.psnr_db);
    vc_ctx_free(ctx);
    free(stream);
    free(field);
    free(back);
    return q.psnr_db >= 45 && n < N * sizeof *field / 4 ? 0 : 1;
}
