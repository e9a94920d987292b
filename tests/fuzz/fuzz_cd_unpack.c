/* fuzz_cd_unpack.c: libFuzzer target for the filter's cd_values reader,
 * vc_cd_unpack. The input is a sequence of little-endian 32-bit words.
 * Accepted words must give valid parameters, and packing them again
 * (vc_cd_pack, vc_cd_set_local) must give words that read back the same:
 * set_local's idempotence, which nccopy and h5repack rely on, rests on it. */
#include <string.h>

#include "fuzz.h"
#include "vidcube_filter.h"

#define MAX_WORDS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int same_params(const vc_params *x, const vc_params *y)
{
    return x->mode == y->mode && !memcmp(&x->target, &y->target, sizeof x->target) &&
           x->bit_depth == y->bit_depth && x->preset == y->preset &&
           x->transform == y->transform && x->has_fill == y->has_fill &&
           (!x->has_fill || !memcmp(&x->fill_value, &y->fill_value, sizeof x->fill_value));
}

static int same_local(const vc_cd_local *x, const vc_cd_local *y)
{
    if (x->dtype != y->dtype || x->rank != y->rank || x->has_fill != y->has_fill ||
        (x->has_fill && memcmp(&x->fill, &y->fill, sizeof x->fill)))
        return 0;
    for (int i = 0; i < x->rank; i++)
        if (x->chunk[i] != y->chunk[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned int cd[MAX_WORDS], again[VC_CD_NALL];
    size_t n = size / 4 > MAX_WORDS ? MAX_WORDS : size / 4;
    for (size_t i = 0; i < n; i++)
        cd[i] = (unsigned)data[4 * i] | (unsigned)data[4 * i + 1] << 8 |
                (unsigned)data[4 * i + 2] << 16 | (unsigned)data[4 * i + 3] << 24;
    vc_params p, q;
    vc_axis roles[VC_MAX_RANK], roles2[VC_MAX_RANK];
    vc_cd_local local, local2;
    int has_local = -1, has_local2 = -1;
    /* the optional outputs may be left out */
    vc_cd_unpack(cd, n, &p, NULL, NULL, NULL);
    int rc = vc_cd_unpack(cd, n, &p, roles, &local, &has_local);
    FUZZ_CHECK(rc <= 0 && vc_strerror(rc) != NULL);
    if (rc != VC_OK)
        return 0;
    FUZZ_CHECK(vc_params_check(&p, NULL, 0) == VC_OK);
    FUZZ_CHECK(has_local == (n == VC_CD_NALL));
    size_t m = 0;
    FUZZ_CHECK(vc_cd_pack(&p, roles, VC_MAX_RANK, again, VC_CD_NALL, &m) == VC_OK);
    FUZZ_CHECK(m == VC_CD_NUSER);
    if (has_local) {
        FUZZ_CHECK(vc_cd_set_local(again, &local) == VC_OK);
        m = VC_CD_NALL;
    }
    FUZZ_CHECK(vc_cd_unpack(again, m, &q, roles2, &local2, &has_local2) == VC_OK);
    FUZZ_CHECK(same_params(&p, &q));
    FUZZ_CHECK(!memcmp(roles, roles2, sizeof roles));
    FUZZ_CHECK(has_local2 == has_local && (!has_local || same_local(&local, &local2)));
    return 0;
}
