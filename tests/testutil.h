/* testutil.h: the small helper shared by the test programs: load a variable
 * of a sample file in data/ as a vc_array, and find test files. */
#ifndef VC_TESTUTIL_H
#define VC_TESTUTIL_H

#include <stddef.h>
#include "vidcube.h"

typedef struct tu_var {
    vc_array a;
    void    *data;          /* nvalues * dtype size bytes */
    size_t   n;             /* values */
    int      has_fill;      /* _FillValue attribute present (not NaN) */
    double   fill;
    char     name[64];
} tu_var;

/* Every data variable of every sample in data/, with the axis roles to use
 * (NULL: the library's defaults; ERA5 ensemble: members and levels are
 * channels, time runs along frames). */
typedef struct tu_sample {
    const char *file, *var, *roles;
} tu_sample;
extern const tu_sample tu_samples[];
extern const size_t tu_nsamples;
/* Load sample k with its roles. 0 on success. */
int tu_load_sample(size_t k, tu_var *out);

/* Path of a file in the sample directory (VC_DATA_DIR, default ../data).
 * Returns a pointer to a static-per-call buffer owned by the caller. */
char *tu_data_path(const char *file);
/* Load variable `var` of `file` (in the sample directory). 0 on success. */
int  tu_load(const char *file, const char *var, tu_var *out);
void tu_free(tu_var *v);
/* Names of the numeric variables of rank >= 2 of a file; returns the count. */
int  tu_list_vars(const char *file, char names[][64], int max);

/* Compress then decompress a with p; returns the stream size (0 on error,
 * with the reason printed). *out receives a malloc'd decoded array. */
size_t tu_roundtrip(const vc_array *a, const void *src, const vc_params *p,
                    void **out, void **stream);

/* Channel (combined index of the C axes, in C order) of element i of a
 * checked array description. */
size_t tu_channel_of(const vc_array *a, size_t i);

/* Number of channels (product of the C axes) of a description; roles
 * default as the library's do. */
size_t tu_nchannels(const vc_array *a);

/* Run every registered CUnit suite; returns the process exit status. */
int tu_run_cunit(void);

#endif
