/* h5z_error.c: messages on HDF5's error stack. HDF5's own error class and
 * the pipeline major class are used rather than a class of our own: a
 * registered class is an id that would have to live in mutable global
 * state, and users already know how to read H5E_PLINE traces. */
#include <stdarg.h>
#include <stdio.h>

#include "h5z_internal.h"

void vc_h5z_push(const char *file, const char *func, unsigned line, hid_t minor,
                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    H5Epush2(H5E_DEFAULT, file, func, line, H5E_ERR_CLS, H5E_PLINE, minor,
             "vidcube filter: %s", msg);
}

const char *vc_h5z_describe(const vc_array *a, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < a->rank && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%zu", i ? "x" : "", a->dims[i]);
    if (used < size)
        snprintf(out + used, size - used, " %s", vc_dtype_name(a->dtype));
    return out;
}
