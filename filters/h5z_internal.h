/*
 * h5z_internal.h: what the filter's files share. One concern per file:
 *   h5z_class.c     the H5Z_class2_t and in-process registration
 *   h5z_plugin.c    the two symbols HDF5's plugin loader looks for
 *   h5z_error.c     messages on HDF5's error stack
 *   h5z_dtype.c     HDF5 datatype -> vc_dtype, refusing what cannot work
 *   h5z_setup.c     read the dataset's creation properties once, for
 *                   can_apply and set_local alike
 *   h5z_can_apply.c / h5z_set_local.c / h5z_filter.c  the three callbacks
 */
#ifndef H5Z_INTERNAL_H
#define H5Z_INTERNAL_H

#include <stddef.h>
#include <hdf5.h>

#include "vidcube.h"
#include "vidcube_filter.h"

/* ---- the callbacks of the filter class ---- */
htri_t vc_h5z_can_apply(hid_t dcpl, hid_t type, hid_t space);
herr_t vc_h5z_set_local(hid_t dcpl, hid_t type, hid_t space);
size_t vc_h5z_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                     size_t nbytes, size_t *buf_size, void **buf);

/* ---- error stack ----
 * Push "vidcube filter: <message>" on HDF5's error stack under the
 * pipeline major class (H5E_PLINE) and the given minor class. HDF5 prints
 * the stack when the API call that ran the filter fails (H5Dcreate,
 * H5Dread, or H5Dclose/H5Fclose for chunks flushed from the cache). */
void vc_h5z_push(const char *file, const char *func, unsigned line, hid_t minor,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define VC_H5Z_PUSH(minor, ...) vc_h5z_push(__FILE__, __func__, __LINE__, (minor), __VA_ARGS__)

/* "24x33x49 float32", for messages; returns out. */
const char *vc_h5z_describe(const vc_array *a, char *out, size_t size);

/* ---- datatypes ----
 * The vc_dtype of an HDF5 datatype. Returns 1 and sets *dtype, or 0 and
 * writes why the type cannot be coded into why[why_size]. */
int vc_h5z_dtype(hid_t type, vc_dtype *dtype, char *why, size_t why_size);

/* ---- dataset setup ----
 * Everything the filter reads from a dataset creation property list. */
typedef struct vc_h5z_setup {
    unsigned int flags;            /* H5Z_FLAG_MANDATORY or _OPTIONAL */
    unsigned int cd[VC_CD_NALL];   /* the user words 0..9, canonical */
    vc_params    params;           /* decoded from cd */
    int          has_local;        /* all 20 words were given (a copy) ... */
    vc_cd_local  local;            /* ... and these are their words 10..19 */
    vc_array     chunk;            /* a chunk as the library will see it */
} vc_h5z_setup;

/* Read and check the filter's cd_values and the chunk layout of dcpl for
 * a dataset of datatype `type`. Returns 1 when the filter can code it,
 * 0 when it cannot (the reason pushed on the error stack), -1 on an HDF5
 * failure (pushed as well). */
int vc_h5z_setup_read(hid_t dcpl, hid_t type, vc_h5z_setup *s);

#endif /* H5Z_INTERNAL_H */
