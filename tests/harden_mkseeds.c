/* harden_mkseeds.c: make the committed test inputs from the cases of
 * harden_cases.c (run by `make harden-seeds`, never by `make check`):
 *
 *   DIR/golden/NAME.vcs              the stream of each case (golden: never
 *                                    rewritten once it exists)
 *   DIR/fuzz/corpus/h5filter/NAME    a stored chunk as the filter gets it:
 *                                    u8 word count, cd_values, the stream
 *   DIR/fuzz/corpus/cd_unpack/NAME   cd_values words (user prefixes of 4 and
 *                                    10 words and all 20 after set_local)
 *
 * Each stream is checked before it is written: it decodes, a lossless case
 * gives back its input bit for bit, and a transform case used its
 * transform. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harden_cases.h"
#include "vidcube_filter.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The chunk's cd_values: user words of p, then what set_local adds. */
static size_t cd_words(const vc_array *a, const vc_params *p, unsigned int cd[VC_CD_NALL])
{
    vc_cd_local local;
    size_t n = 0;
    memset(&local, 0, sizeof local);
    local.dtype = a->dtype;
    local.rank = a->rank;
    for (int i = 0; i < a->rank; i++)
        local.chunk[i] = a->dims[i];
    local.has_fill = p->has_fill;
    local.fill = p->fill_value;
    if (vc_cd_pack(p, a->roles, a->rank, cd, VC_CD_NALL, &n) != VC_OK ||
        vc_cd_set_local(cd, &local) != VC_OK)
        return 0;
    return VC_CD_NALL;
}

static void put_words(uint8_t *out, const unsigned int *cd, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            out[4 * i + b] = (uint8_t)(cd[i] >> (8 * b));
}

/* Check a fresh stream against its case: 0 when it is fit to commit. */
static int check(const hc_case *c, const vc_array *a, const void *data, const void *s,
                 size_t size, int want_transform)
{
    vc_stream_info info;
    size_t bytes = hc_bytes(a);
    void *out = malloc(bytes);
    vc_ctx *ctx = vc_ctx_create(NULL);
    int rc = vc_stream_info_read(s, size, &info);
    if (rc == VC_OK)
        rc = vc_decompress(ctx, s, size, out, bytes);
    int bad = rc != VC_OK || info.decoded_size != bytes ||
              (want_transform && info.transform != c->transform);
    if (rc == VC_OK && c->mode == VC_MODE_LOSSLESS && memcmp(out, data, bytes))
        bad = 1;
    if (bad)
        fprintf(stderr, "%s: the stream does not decode as it should (%s)\n", c->name,
                vc_strerror(rc));
    free(out);
    vc_ctx_free(ctx);
    return bad;
}

/* Which transform the encoder really used (the stream says what was asked). */
static int used_transform(const hc_case *c, const vc_array *a, const void *data,
                          vc_transform *used)
{
    vc_params p;
    hc_params(c, &p);
    vc_ctx *ctx = vc_ctx_create(&p);
    size_t cap = vc_compress_bound(a), n;
    void *buf = malloc(cap);
    int rc = vc_compress(ctx, a, data, buf, cap, &n);
    vc_report_transform(ctx, used, NULL);
    free(buf);
    vc_ctx_free(ctx);
    return rc;
}

static int make_case(const hc_case *c, const char *dir)
{
    char path[4096];
    vc_array a;
    void *data, *s = NULL;
    size_t size = 0;
    vc_params p;
    if (hc_load(c, &a, &data) != 0)
        return 1;
    hc_params(c, &p);
    int bad = hc_compress(&a, data, &p, &s, &size) != VC_OK;
    snprintf(path, sizeof path, "%s/golden/%s.vcs", dir, c->name);
    int new_golden = !exists(path);
    /* A new golden stream must show its transform; an existing one keeps
     * it even where today's encoder finds plain coding smaller. */
    vc_transform used = VC_TRANSFORM_NONE;
    if (!bad && new_golden && c->transform != VC_TRANSFORM_NONE &&
        (used_transform(c, &a, data, &used) != VC_OK || used != c->transform)) {
        fprintf(stderr, "%s: the encoder did not use the transform asked for\n", c->name);
        bad = 1;
    }
    bad = bad || check(c, &a, data, s, size, new_golden);

    if (!bad && new_golden) {
        bad = hc_write_file(path, s, size);
        printf("%-28s %6zu values %6zu bytes  golden\n", c->name, vc_array_nvalues(&a), size);
    }
    unsigned int cd[VC_CD_NALL];
    uint8_t *chunk = malloc(1 + 4 * VC_CD_NALL + size);
    if (!bad && chunk && cd_words(&a, &p, cd)) {
        chunk[0] = VC_CD_NALL;
        put_words(chunk + 1, cd, VC_CD_NALL);
        memcpy(chunk + 1 + 4 * VC_CD_NALL, s, size);
        snprintf(path, sizeof path, "%s/fuzz/corpus/h5filter/%s", dir, c->name);
        bad |= hc_write_file(path, chunk, 1 + 4 * VC_CD_NALL + size);
        /* cd_values alone: the whole set, the user words, the shortest prefix */
        static const size_t lens[] = { VC_CD_NALL, VC_CD_NUSER, VC_CD_NMIN };
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "%s/fuzz/corpus/cd_unpack/%s-%zu", dir, c->name,
                     lens[k]);
            put_words(chunk, cd, lens[k]);
            bad |= hc_write_file(path, chunk, 4 * lens[k]);
        }
    }
    free(chunk);
    free(s);
    free(data);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TESTS-SOURCE-DIR\n", argv[0]);
        return 2;
    }
    int bad = 0;
    for (size_t i = 0; i < hc_ncases; i++)
        bad |= make_case(&hc_cases[i], argv[1]);
    return bad;
}
