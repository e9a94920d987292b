/* h5z_setup.c: read the filter's parameters and the chunk layout from a
 * dataset creation property list, once, for can_apply and set_local.
 *
 * The user words are canonicalised (unpacked, then packed again by the
 * library's vc_cd_pack), so a prefix of 4..9 words, the 10 user words and
 * the 20 words of an existing dataset (nccopy, h5repack) all come out the
 * same: that is what makes set_local idempotent. */
#include <stdio.h>
#include <string.h>

#include "h5z_internal.h"

/* Say why vc_cd_unpack refused cd: the library returns a status only. */
static void push_bad_cd(const unsigned int *cd, size_t n, const vc_params *p, int rc)
{
    char why[256];
    if (cd[0] >> 16 != VC_CD_MAGIC)
        VC_H5Z_PUSH(H5E_BADVALUE, "cd_values word 0 is 0x%08x, not the vidcube magic/version "
                    "word 0x%08x (see vidcube_filter.h)", cd[0], VC_CD_WORD0);
    else if ((cd[0] & 0xffffu) != VC_CD_VERSION)
        VC_H5Z_PUSH(H5E_BADVALUE, "cd_values layout version %u: this filter reads version %u",
                    cd[0] & 0xffffu, VC_CD_VERSION);
    else if (vc_params_check(p, why, sizeof why) != VC_OK)
        VC_H5Z_PUSH(H5E_BADVALUE, "cd_values hold invalid parameters: %s", why);
    else
        VC_H5Z_PUSH(H5E_BADVALUE, "cd_values (%zu words) refused: %s (flags word 7 = 0x%08x; "
                    "a fill value needs all 10 user words)",
                    n, vc_strerror(rc), n > 7 ? cd[7] : 0u);
}

static int read_cd(hid_t dcpl, vc_h5z_setup *s, vc_axis roles[VC_MAX_RANK])
{
    unsigned int cd[VC_CD_NALL + 1];
    size_t n = VC_CD_NALL + 1;
    if (H5Pget_filter_by_id2(dcpl, VC_H5Z_FILTER_ID, &s->flags, &n, cd, 0, NULL, NULL) < 0) {
        VC_H5Z_PUSH(H5E_CANTGET, "cannot read the filter's cd_values from the dataset "
                    "creation properties");
        return -1;
    }
    if (n < VC_CD_NMIN || (n > VC_CD_NUSER && n != VC_CD_NALL)) {
        VC_H5Z_PUSH(H5E_BADVALUE, "%zu cd_values words: pass %d to %d (vidcube_filter.h), "
                    "or the %d a vidcube dataset stores", n, VC_CD_NMIN, VC_CD_NUSER,
                    VC_CD_NALL);
        return 0;
    }
    vc_params_init(&s->params);
    int rc = vc_cd_unpack(cd, n, &s->params, roles, &s->local, &s->has_local);
    if (rc != VC_OK) {
        push_bad_cd(cd, n, &s->params, rc);
        return 0;
    }
    memset(s->cd, 0, sizeof s->cd);
    rc = vc_cd_pack(&s->params, roles, VC_MAX_RANK, s->cd, VC_CD_NALL, NULL);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_BADVALUE, "cannot rebuild cd_values: %s", vc_strerror(rc));
        return 0;
    }
    return 1;
}

static int read_chunk(hid_t dcpl, hid_t type, const vc_axis roles[VC_MAX_RANK],
                      vc_array *a)
{
    char why[256], what[128];
    hsize_t chunk[VC_MAX_RANK];
    memset(a, 0, sizeof *a);
    if (!vc_h5z_dtype(type, &a->dtype, why, sizeof why)) {
        VC_H5Z_PUSH(H5E_BADTYPE, "%s", why);
        return 0;
    }
    int rank = H5Pget_chunk(dcpl, VC_MAX_RANK, chunk);
    if (rank < 0) {
        VC_H5Z_PUSH(H5E_CANTGET, "cannot read the chunk dimensions (is the dataset chunked?)");
        return -1;
    }
    if (rank < 1 || rank > VC_MAX_RANK) {
        VC_H5Z_PUSH(H5E_BADRANGE, "rank %d: vidcube codes arrays of rank 1 to %d",
                    rank, VC_MAX_RANK);
        return 0;
    }
    a->rank = rank;
    for (int i = 0; i < rank; i++) {
        a->dims[i] = (size_t)chunk[i];
        a->roles[i] = roles[i];
    }
    for (int i = rank; i < VC_MAX_RANK; i++)
        if (roles[i] != VC_AXIS_DEFAULT) {
            VC_H5Z_PUSH(H5E_BADVALUE, "cd_values give a role to axis %d of a rank-%d chunk",
                        i, rank);
            return 0;
        }
    int rc = vc_array_check(a);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_BADVALUE, "a %s chunk cannot be coded: %s (check the axis roles "
                    "in cd_values word 7)", vc_h5z_describe(a, what, sizeof what),
                    vc_strerror(rc));
        return 0;
    }
    return 1;
}

int vc_h5z_setup_read(hid_t dcpl, hid_t type, vc_h5z_setup *s)
{
    vc_axis roles[VC_MAX_RANK];
    int ok = read_cd(dcpl, s, roles);
    if (ok != 1)
        return ok;
    return read_chunk(dcpl, type, roles, &s->chunk);
}
