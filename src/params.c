/* params.c: parameter defaults, bounds and validation. */
#include "vc_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

void vc_params_init(vc_params *p)
{
    if (!p)
        return;
    p->mode = VC_MODE_PSNR;
    p->target = 50.0;
    p->bit_depth = 10;
    p->preset = 4;
    p->threads = 0;
    p->has_fill = 0;
    p->fill_value = 0.0;
    p->transform = VC_TRANSFORM_NONE;
}

int vc_qp_max(int bit_depth)
{
    /* H.264 extends the QP range by 6 per extra bit of depth. */
    return 51 + 6 * (bit_depth > 8 ? bit_depth - 8 : 0);
}

int vc_target_bounds(vc_mode mode, int bit_depth, double *lo, double *hi)
{
    double l, h;
    switch (mode) {
    case VC_MODE_PSNR:     l = 1.0;   h = 200.0; break;
    case VC_MODE_QP:       l = 0.0;   h = vc_qp_max(bit_depth); break;
    case VC_MODE_CRF:      l = 0.0;   h = 51.0; break;
    case VC_MODE_LOSSLESS: l = 0.0;   h = 0.0; break;
    case VC_MODE_ABS:      l = 0.0;   h = HUGE_VAL; break;
    case VC_MODE_REL:      l = 0.0;   h = 1.0; break;
    case VC_MODE_RATE:     l = 0.0;   h = 64.0; break;
    default:
        return VC_ERR_PARAM;
    }
    if (lo) *lo = l;
    if (hi) *hi = h;
    return VC_OK;
}

static int reject(char *msg, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reject(char *msg, size_t sz, const char *fmt, ...)
{
    if (msg && sz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sz, fmt, ap);
        va_end(ap);
    }
    return VC_ERR_PARAM;
}

int vc_params_check(const vc_params *p, char *msg, size_t msg_size)
{
    double lo, hi;
    if (msg && msg_size)
        msg[0] = '\0';
    if (!p)
        return reject(msg, msg_size, "parameters are NULL");
    if (p->bit_depth != 8 && p->bit_depth != 10)
        return reject(msg, msg_size, "bit_depth %d: use 8 or 10", p->bit_depth);
    if (vc_target_bounds(p->mode, p->bit_depth, &lo, &hi) != VC_OK)
        return reject(msg, msg_size, "unknown mode %d", (int)p->mode);
    if (p->preset < 0 || p->preset > 9)
        return reject(msg, msg_size, "preset %d: use 0 (ultrafast) to 9 (placebo)", p->preset);
    if (p->threads < 0)
        return reject(msg, msg_size, "threads %d: use 0 (automatic) or a positive count", p->threads);
    if ((int)p->transform < 0 || p->transform > VC_TRANSFORM_AUTO)
        return reject(msg, msg_size, "unknown transform %d", (int)p->transform);
    if (p->has_fill && isnan(p->fill_value))
        return reject(msg, msg_size, "fill value NaN: NaN is always masked, set has_fill = 0");
    if (p->mode == VC_MODE_LOSSLESS)
        return VC_OK;
    if (!isfinite(p->target))
        return reject(msg, msg_size, "target must be a finite number");
    /* Error bounds and rates must be strictly positive. */
    if ((p->mode == VC_MODE_ABS || p->mode == VC_MODE_REL || p->mode == VC_MODE_RATE)
        && !(p->target > 0))
        return reject(msg, msg_size, "target %g: an error bound or rate must be > 0", p->target);
    if (p->target < lo || p->target > hi)
        return reject(msg, msg_size, "target %g out of range [%g, %g] for this mode",
                      p->target, lo, hi);
    if ((p->mode == VC_MODE_QP) && p->target != floor(p->target))
        return reject(msg, msg_size, "QP %g: must be an integer", p->target);
    return VC_OK;
}

const char *vc_transform_name(vc_transform t)
{
    static const char *const names[] = { "none", "klt", "wae", "auto" };
    return (unsigned)t <= VC_TRANSFORM_AUTO ? names[t] : "?";
}
