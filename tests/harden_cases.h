/* harden_cases.h: the small real arrays the hardening tests share. Each
 * case is a tiny crop of a sample in data/, converted to one dtype and
 * paired with parameters, so that together they cover every mode (psnr,
 * qp, crf, lossless, abs, rel, rate), both band transforms, every dtype,
 * masks (NaN, fill, a band referring to another's bitmap, all-masked and
 * constant bands) and ranks 1 to 5. The golden streams (tests/golden/), the
 * fuzzers' seeds, the fault-injection sweep and the concurrency test all
 * draw from this one list. */
#ifndef VC_HARDEN_CASES_H
#define VC_HARDEN_CASES_H

#include <stddef.h>
#include "vidcube.h"

typedef enum hc_special {
    HC_PLAIN = 0,
    HC_MASKREF,        /* channel 1 = channel 0 scaled: identical NaN bitmaps */
    HC_SPECIAL_BANDS   /* channel 0 all NaN, channel 1 constant, channel 2 data */
} hc_special;

typedef struct hc_case {
    const char *name;           /* also the golden file's stem */
    const char *file, *var;     /* the sample and its variable */
    size_t      start[VC_MAX_RANK], count[VC_MAX_RANK];   /* crop, per axis */
    vc_axis     roles[VC_MAX_RANK];                       /* 0: defaults */
    vc_dtype    dtype;          /* stored as this type */
    double      scale, offset;  /* value * scale + offset before conversion */
    hc_special  special;
    vc_mode     mode;
    double      target;
    int         bit_depth;      /* 0: default */
    vc_transform transform;
    int         has_fill;       /* mask this fill value (NaN and the sample's */
    double      fill;           /* own _FillValue become it for integers) */
    int         rank;           /* 0: the variable's; else the crop's last axes */
} hc_case;

extern const hc_case hc_cases[];
extern const size_t hc_ncases;

/* The case called name, or NULL. */
const hc_case *hc_find(const char *name);

/* Load a case: its array description and a malloc'd buffer of its values.
 * 0 on success; -1 with a message on stderr. */
int hc_load(const hc_case *c, vc_array *a, void **data);

/* Its parameters (threads: 1, so runs are repeatable and sweepable). */
void hc_params(const hc_case *c, vc_params *p);

/* Bytes of the decoded array. */
size_t hc_bytes(const vc_array *a);

/* Compress (data as from hc_load) with p; 0 and a malloc'd stream, or the
 * library's status with a message on stderr. */
int hc_compress(const vc_array *a, const void *data, const vc_params *p,
                void **stream, size_t *size);

/* Read a whole file; NULL on failure. */
void *hc_read_file(const char *path, size_t *size);
/* Write a whole file; 0 on success. */
int hc_write_file(const char *path, const void *p, size_t n);

#endif
