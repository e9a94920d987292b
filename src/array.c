/* array.c: the array model. A C-order array of rank 1..5 is seen as
 * (T, C, Y, X) through the roles of its axes; this file maps between the
 * two and converts elements to and from float64. */
#include "vc_internal.h"

#include <math.h>
#include <string.h>

size_t vc_dtype_size(vc_dtype d)
{
    switch (d) {
    case VC_UINT8: case VC_INT8:                    return 1;
    case VC_UINT16: case VC_INT16:                  return 2;
    case VC_UINT32: case VC_INT32: case VC_FLOAT32: return 4;
    case VC_FLOAT64:                                return 8;
    default:                                        return 0;
    }
}

const char *vc_dtype_name(vc_dtype d)
{
    static const char *const names[] = {
        "?", "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"
    };
    return vc_dtype_size(d) ? names[d] : names[0];
}

int vc_dtype_is_float(vc_dtype d)
{
    return d == VC_FLOAT32 || d == VC_FLOAT64;
}

static const vc_axis default_roles[VC_MAX_RANK][VC_MAX_RANK] = {
    { VC_AXIS_X },
    { VC_AXIS_Y, VC_AXIS_X },
    { VC_AXIS_TIME, VC_AXIS_Y, VC_AXIS_X },
    { VC_AXIS_TIME, VC_AXIS_CHANNEL, VC_AXIS_Y, VC_AXIS_X },
    { VC_AXIS_TIME, VC_AXIS_CHANNEL, VC_AXIS_CHANNEL, VC_AXIS_Y, VC_AXIS_X },
};

int vc_array_check(vc_array *a)
{
    if (!a)
        return VC_ERR_NULL;
    if (!vc_dtype_size(a->dtype))
        return VC_ERR_DTYPE;
    if (a->rank < 1 || a->rank > VC_MAX_RANK)
        return VC_ERR_SHAPE;
    int unset = 1;
    for (int i = 0; i < a->rank; i++)
        if (a->roles[i] != VC_AXIS_DEFAULT)
            unset = 0;
    if (unset)
        memcpy(a->roles, default_roles[a->rank - 1], sizeof a->roles);
    int ny = 0, nx = 0;
    size_t n = 1;
    for (int i = 0; i < a->rank; i++) {
        switch (a->roles[i]) {
        case VC_AXIS_Y: ny++; break;
        case VC_AXIS_X: nx++; break;
        case VC_AXIS_TIME: case VC_AXIS_CHANNEL: break;
        default: return VC_ERR_SHAPE;
        }
        if (a->dims[i] == 0 || n > SIZE_MAX / a->dims[i])
            return VC_ERR_SHAPE;
        n *= a->dims[i];
    }
    for (int i = a->rank; i < VC_MAX_RANK; i++) {
        a->dims[i] = 0;
        a->roles[i] = VC_AXIS_DEFAULT;
    }
    if (ny > 1 || nx > 1)
        return VC_ERR_SHAPE;
    if (n > VC_MAX_VALUES || n > SIZE_MAX / vc_dtype_size(a->dtype))
        return VC_ERR_LIMIT;
    return VC_OK;
}

size_t vc_array_nvalues(const vc_array *a)
{
    vc_array tmp;
    if (!a)
        return 0;
    tmp = *a;
    if (vc_array_check(&tmp) != VC_OK)
        return 0;
    size_t n = 1;
    for (int i = 0; i < tmp.rank; i++)
        n *= tmp.dims[i];
    return n;
}

int vc_geom_init(vc_geom *g, const vc_array *in)
{
    vc_array a = *in;
    int rc = vc_array_check(&a);
    if (rc != VC_OK)
        return rc;
    memset(g, 0, sizeof *g);
    g->dtype = a.dtype;
    g->esize = vc_dtype_size(a.dtype);
    g->T = g->C = g->Y = g->X = 1;
    g->sy = g->sx = 0;
    size_t stride = 1;
    /* Walk from the fastest axis so strides accumulate; T and C axes are
     * listed fastest-first and combined in C order by the offset code. */
    for (int i = a.rank - 1; i >= 0; i--) {
        size_t d = a.dims[i];
        switch (a.roles[i]) {
        case VC_AXIS_Y: g->Y = d; g->sy = stride; break;
        case VC_AXIS_X: g->X = d; g->sx = stride; break;
        case VC_AXIS_TIME:
            g->tdim[g->nt] = d; g->tstride[g->nt++] = stride; g->T *= d; break;
        default:
            g->cdim[g->nc] = d; g->cstride[g->nc++] = stride; g->C *= d; break;
        }
        stride *= d;
    }
    return VC_OK;
}

size_t vc_geom_frame_offset(const vc_geom *g, size_t t, size_t c)
{
    size_t off = 0;
    for (int k = 0; k < g->nt; k++) {        /* fastest T axis first */
        off += (t % g->tdim[k]) * g->tstride[k];
        t /= g->tdim[k];
    }
    for (int k = 0; k < g->nc; k++) {
        off += (c % g->cdim[k]) * g->cstride[k];
        c /= g->cdim[k];
    }
    return off;
}

double vc_load(vc_dtype d, const void *base, size_t i)
{
    switch (d) {
    case VC_UINT8:   return ((const uint8_t *)base)[i];
    case VC_INT8:    return ((const int8_t *)base)[i];
    case VC_UINT16:  return ((const uint16_t *)base)[i];
    case VC_INT16:   return ((const int16_t *)base)[i];
    case VC_UINT32:  return ((const uint32_t *)base)[i];
    case VC_INT32:   return ((const int32_t *)base)[i];
    case VC_FLOAT32: return ((const float *)base)[i];
    case VC_FLOAT64: return ((const double *)base)[i];
    default:         return 0.0;
    }
}

/* v must already be representable (see vc_dtype_cast). */
void vc_store(vc_dtype d, void *base, size_t i, double v)
{
    switch (d) {
    case VC_UINT8:   ((uint8_t *)base)[i] = (uint8_t)v; break;
    case VC_INT8:    ((int8_t *)base)[i] = (int8_t)v; break;
    case VC_UINT16:  ((uint16_t *)base)[i] = (uint16_t)v; break;
    case VC_INT16:   ((int16_t *)base)[i] = (int16_t)v; break;
    case VC_UINT32:  ((uint32_t *)base)[i] = (uint32_t)v; break;
    case VC_INT32:   ((int32_t *)base)[i] = (int32_t)v; break;
    case VC_FLOAT32: ((float *)base)[i] = (float)v; break;
    case VC_FLOAT64: ((double *)base)[i] = v; break;
    default: break;
    }
}

static double clamp_round(double v, double lo, double hi)
{
    /* floor(v + 0.5) rather than lrint: independent of the rounding mode. */
    v = floor(v + 0.5);
    return v < lo ? lo : v > hi ? hi : v;
}

double vc_dtype_cast(vc_dtype d, double v)
{
    switch (d) {
    case VC_UINT8:   return clamp_round(v, 0, 255);
    case VC_INT8:    return clamp_round(v, -128, 127);
    case VC_UINT16:  return clamp_round(v, 0, 65535);
    case VC_INT16:   return clamp_round(v, -32768, 32767);
    case VC_UINT32:  return clamp_round(v, 0, 4294967295.0);
    case VC_INT32:   return clamp_round(v, -2147483648.0, 2147483647.0);
    case VC_FLOAT32: return (double)(float)v;
    default:         return v;
    }
}

void vc_band_load(const vc_geom *g, const void *src, size_t c, double *out)
{
    for (size_t t = 0; t < g->T; t++) {
        size_t base = vc_geom_frame_offset(g, t, c);
        for (size_t y = 0; y < g->Y; y++) {
            size_t row = base + y * g->sy;
            double *o = out + (t * g->Y + y) * g->X;
            if (g->dtype == VC_FLOAT32 && g->sx == 1) {
                const float *f = (const float *)src + row;
                for (size_t x = 0; x < g->X; x++)
                    o[x] = f[x];
            } else {
                for (size_t x = 0; x < g->X; x++)
                    o[x] = vc_load(g->dtype, src, row + x * g->sx);
            }
        }
    }
}
