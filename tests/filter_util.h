/* filter_util.h: what the filter tests share, on top of testutil.h:
 * pointing HDF5 at the build tree's plugin, capturing HDF5's error stack,
 * and reading a dataset two ways: through HDF5 (the filter decodes) and
 * chunk by chunk with H5Dread_chunk + vc_decompress (the library decodes,
 * the filter is bypassed). */
#ifndef VC_FILTER_UTIL_H
#define VC_FILTER_UTIL_H

#include <stddef.h>
#include <hdf5.h>

#include "vidcube.h"
#include "vidcube_filter.h"

/* Set HDF5_PLUGIN_PATH to $VC_BUILDDIR/filters/.libs (../filters/.libs
 * when VC_BUILDDIR is unset). Call before the first HDF5 call. */
void fu_use_build_plugin(void);

/* Stop HDF5 printing its error stack (for failures a test provokes). */
void fu_quiet_errors(void);
/* The current HDF5 error stack as one string, entries separated by " | "
 * (written to msg, at most size bytes); returns msg. Call right after the
 * failing HDF5 call. */
char *fu_error_stack(char *msg, size_t size);

/* The native HDF5 type of a dtype, and back (0 when unknown). */
hid_t    fu_h5type(vc_dtype dtype);
vc_dtype fu_dtype(hid_t type);

/* The user's cd_values words 0..9 for a PSNR target (other parameters at
 * their defaults). */
void fu_cd_psnr(double target, unsigned int cd[VC_CD_NUSER]);

/* How fu_write stores an array. */
typedef struct fu_write_opts {
    const size_t       *chunk;   /* chunk dims; NULL: one chunk for the whole array */
    const unsigned int *cd;      /* vidcube cd_values; NULL: no filter at all */
    size_t              ncd;
    int                 has_fill;/* set the dataset's fill value (H5Pset_fill_value) */
    double              fill;
    char               *errors;  /* if not NULL: HDF5's error stack at the first failure */
    size_t              errors_size;
} fu_write_opts;

/* Create `file` holding dataset /var with the values of a (native order).
 * Returns 0; on failure -1, with *step naming the first HDF5 call that
 * failed ("H5Dcreate2", "H5Dwrite", "H5Dclose", "H5Fclose", ...). Every
 * close is checked: a failing filter may only show there. */
int fu_write(const char *file, const char *var, const vc_array *a, const void *data,
             const fu_write_opts *o, const char **step);

/* A dataset read back: its description (roles default) and its values. */
typedef struct fu_dataset {
    vc_array a;
    void    *data;
    size_t   n;          /* values */
} fu_dataset;

/* Read /var of an HDF5 (or netCDF-4) file through HDF5. 0 on success; -1
 * on failure, with HDF5's error stack at the failing call copied to errors
 * (if not NULL). */
int fu_read(const char *file, const char *var, fu_dataset *out, char *errors,
            size_t errors_size);
/* Decode /var of a vidcube-filtered file without the filter: every stored
 * chunk read raw (H5Dread_chunk) and decoded by vc_decompress, the
 * in-bounds part copied into place. 0 on success, -1 with a message on
 * stderr. */
int fu_decode_chunks(const char *file, const char *var, fu_dataset *out);
void fu_free(fu_dataset *d);

#endif
