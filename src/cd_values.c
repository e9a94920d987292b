/* cd_values.c: the HDF5 filter's parameter words (layout in
 * vidcube_filter.h). Kept in the library so the plugin, the CLI and anyone
 * building an h5repack string share one reading of the layout. */
#include "vc_internal.h"
#include "vidcube_filter.h"

#include <string.h>

static void put_double(unsigned int *cd, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    cd[0] = (unsigned int)(bits & 0xffffffffu);       /* low word first */
    cd[1] = (unsigned int)(bits >> 32);
}

static double get_double(const unsigned int *cd)
{
    uint64_t bits = (uint64_t)cd[0] | (uint64_t)cd[1] << 32;
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static unsigned role_code(vc_axis a)
{
    switch (a) {
    case VC_AXIS_TIME:    return 1;
    case VC_AXIS_CHANNEL: return 2;
    case VC_AXIS_Y:       return 3;
    case VC_AXIS_X:       return 4;
    default:              return 0;
    }
}

static int role_of(unsigned code, vc_axis *a)
{
    static const vc_axis roles[] = { VC_AXIS_DEFAULT, VC_AXIS_TIME, VC_AXIS_CHANNEL,
                                     VC_AXIS_Y, VC_AXIS_X };
    if (code > 4)
        return VC_ERR_PARAM;
    *a = roles[code];
    return VC_OK;
}

int vc_cd_pack(const vc_params *p, const vc_axis *roles, int rank,
               unsigned int *cd, size_t cd_capacity, size_t *nelmts)
{
    if (!p || !cd)
        return VC_ERR_NULL;
    if (cd_capacity < VC_CD_NUSER)
        return VC_ERR_DST_SIZE;
    if (vc_params_check(p, NULL, 0) != VC_OK)
        return VC_ERR_PARAM;
    if (roles && (rank < 1 || rank > VC_MAX_RANK))
        return VC_ERR_SHAPE;
    memset(cd, 0, VC_CD_NUSER * sizeof *cd);
    cd[0] = VC_CD_WORD0;
    cd[1] = (unsigned int)p->mode;
    put_double(cd + 2, p->target);
    cd[4] = (unsigned int)p->bit_depth;
    cd[5] = (unsigned int)p->preset;
    cd[6] = (unsigned int)p->transform;
    unsigned flags = p->has_fill ? VC_CD_FLAG_FILL : 0;
    for (int i = 0; roles && i < rank; i++)
        flags |= role_code(roles[i]) << (8 + 4 * i);
    cd[7] = flags;
    put_double(cd + 8, p->has_fill ? p->fill_value : 0.0);
    if (nelmts)
        *nelmts = VC_CD_NUSER;
    return VC_OK;
}

int vc_cd_set_local(unsigned int *cd, const vc_cd_local *l)
{
    if (!cd || !l)
        return VC_ERR_NULL;
    if (!vc_dtype_size(l->dtype))
        return VC_ERR_DTYPE;
    if (l->rank < 1 || l->rank > VC_MAX_RANK)
        return VC_ERR_SHAPE;
    memset(cd + VC_CD_NUSER, 0, (VC_CD_NALL - VC_CD_NUSER) * sizeof *cd);
    cd[10] = (unsigned int)l->dtype;
    cd[11] = (unsigned int)l->rank;
    for (int i = 0; i < l->rank; i++) {
        if (l->chunk[i] == 0 || l->chunk[i] > 0xffffffffu)
            return VC_ERR_SHAPE;
        cd[12 + i] = (unsigned int)l->chunk[i];
    }
    cd[17] = l->has_fill ? 1u : 0u;
    put_double(cd + 18, l->has_fill ? l->fill : 0.0);
    return VC_OK;
}

int vc_cd_unpack(const unsigned int *cd, size_t n, vc_params *p,
                 vc_axis roles[VC_MAX_RANK], vc_cd_local *local, int *has_local)
{
    if (!cd || !p)
        return VC_ERR_NULL;
    if (n < VC_CD_NMIN || (n > VC_CD_NUSER && n != VC_CD_NALL))
        return VC_ERR_PARAM;
    if (cd[0] >> 16 != VC_CD_MAGIC)
        return VC_ERR_PARAM;
    if ((cd[0] & 0xffffu) != VC_CD_VERSION)
        return VC_ERR_VERSION;
    vc_params_init(p);
    p->mode = (vc_mode)cd[1];
    p->target = get_double(cd + 2);
    if (n > 4 && cd[4] != 0)
        p->bit_depth = (int)cd[4];
    if (n > 5 && cd[5] != VC_CD_PRESET_DEFAULT)
        p->preset = cd[5] > 9 ? -1 : (int)cd[5];
    if (n > 6)
        p->transform = (vc_transform)cd[6];
    unsigned flags = n > 7 ? cd[7] : 0;
    if (flags & ~(VC_CD_FLAG_FILL | 0x0fffff00u))
        return VC_ERR_PARAM;
    if (flags & VC_CD_FLAG_FILL) {
        if (n < 10)
            return VC_ERR_PARAM;
        p->has_fill = 1;
        p->fill_value = get_double(cd + 8);
    }
    if (vc_params_check(p, NULL, 0) != VC_OK)
        return VC_ERR_PARAM;
    if (roles)
        for (int i = 0; i < VC_MAX_RANK; i++)
            if (role_of(flags >> (8 + 4 * i) & 0xfu, &roles[i]) != VC_OK)
                return VC_ERR_PARAM;
    if (has_local)
        *has_local = n == VC_CD_NALL;
    if (local && n == VC_CD_NALL) {
        memset(local, 0, sizeof *local);
        local->dtype = (vc_dtype)cd[10];
        local->rank = (int)cd[11];
        if (!vc_dtype_size(local->dtype) || local->rank < 1 || local->rank > VC_MAX_RANK ||
            cd[17] > 1)
            return VC_ERR_PARAM;
        for (int i = 0; i < local->rank; i++) {
            local->chunk[i] = cd[12 + i];
            if (local->chunk[i] == 0)
                return VC_ERR_PARAM;
        }
        local->has_fill = (int)cd[17];
        local->fill = get_double(cd + 18);
    }
    return VC_OK;
}
