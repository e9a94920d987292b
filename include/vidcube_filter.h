/*
 * vidcube_filter.h: the HDF5 filter's identity and its cd_values layout.
 *
 * The filter (filters/, an HDF5 dynamic plugin that netCDF-C, h5py and
 * xarray reach through HDF5) is thin glue over vidcube.h: one HDF5 chunk is
 * one vidcube stream. This header is what a program needs to *request* the
 * filter (H5Pset_filter, nc_def_var_filter, h5repack -f UD=...), and the
 * library functions below build and read cd_values so every user of the
 * layout shares one implementation.
 *
 * cd_values, version 1 (all words unsigned 32-bit):
 *
 *   | index | name          | meaning                                          |
 *   |-------|---------------|--------------------------------------------------|
 *   |   0   | magic/version | VC_CD_MAGIC (0x5643) << 16 | layout version (1)   |
 *   |   1   | mode          | vc_mode: 1 psnr, 2 qp, 3 crf, 4 lossless,        |
 *   |       |               |          5 abs, 6 rel, 7 rate                    |
 *   |  2,3  | target        | double, IEEE-754 bits, low word first            |
 *   |   4   | bit_depth     | 8 or 10 (0 = default, 10)                        |
 *   |   5   | preset        | x264 preset 0..9 (0xFFFFFFFF = library default)  |
 *   |   6   | transform     | vc_transform: 0 none, 1 klt, 2 wae, 3 auto       |
 *   |   7   | flags         | bit 0: words 8,9 hold a fill value to mask;      |
 *   |       |               | bits 8..27: axis roles of the chunk, 4 bits per  |
 *   |       |               | axis, axis 0 lowest (0 default, 1 T, 2 C, 3 Y,   |
 *   |       |               | 4 X); all zero = vidcube's defaults by rank      |
 *   |  8,9  | fill          | double, low word first (used if flags bit 0)     |
 *   |-------|---------------|--------------------------------------------------|
 *   |       |               | words 10.. are added by the filter's set_local;  |
 *   |       |               | users pass only words 0..9 (or a prefix of them, |
 *   |       |               | at least 0..3: missing words take defaults)      |
 *   |  10   | dtype         | vc_dtype of the dataset                          |
 *   |  11   | rank          | rank of the chunk, 1..5                          |
 *   | 12-16 | chunk dims    | slowest first; unused trailing entries 0         |
 *   |  17   | has_fill      | 1 when words 18,19 hold the value to mask:       |
 *   |       |               | the user's fill (flag bit 0); else, when all 20  |
 *   |       |               | words come back (nccopy, h5repack), the value    |
 *   |       |               | already stored; else the dataset's user-defined  |
 *   |       |               | fill; else 0 (HDF5 pads partial chunks with 0)   |
 *   | 18,19 | fill          | double, low word first                           |
 *
 * set_local rebuilds words 10..16 from the dataset and keeps a stored word
 * 17..19 when handed all 20 words, so it is idempotent: nccopy may hand it
 * the stored, already-expanded values and a copy keeps what was masked.
 */
#ifndef VIDCUBE_FILTER_H
#define VIDCUBE_FILTER_H

#include "vidcube.h"

#ifdef __cplusplus
extern "C" {
#endif

/* HDF5 filter id. 256..511 is HDF5's range for unregistered filters: this
 * id is provisional, awaiting registration with The HDF Group. Change it
 * only here. */
#define VC_H5Z_FILTER_ID 330

#define VC_CD_MAGIC        0x5643u      /* "VC" */
#define VC_CD_VERSION      1u
#define VC_CD_WORD0        ((VC_CD_MAGIC << 16) | VC_CD_VERSION)
#define VC_CD_NUSER        10           /* words a user passes */
#define VC_CD_NMIN         4            /* the shortest accepted user prefix */
#define VC_CD_NALL         20           /* after set_local */
#define VC_CD_FLAG_FILL    0x1u
#define VC_CD_PRESET_DEFAULT 0xFFFFFFFFu

/* What set_local adds: the chunk as the library will see it. */
typedef struct vc_cd_local {
    vc_dtype dtype;
    int      rank;
    size_t   chunk[VC_MAX_RANK];
    int      has_fill;
    double   fill;
} vc_cd_local;

/* Write the user words (0..9) for these parameters and axis roles (roles may
 * be NULL for the defaults). cd must hold VC_CD_NUSER words. */
VC_API int vc_cd_pack(const vc_params *p, const vc_axis *roles, int rank,
                      unsigned int *cd, size_t cd_capacity, size_t *nelmts);

/* Write words 10..19 after the user words; cd must hold VC_CD_NALL words.
 * Any previous words 10..19 are replaced, so repeated calls agree. */
VC_API int vc_cd_set_local(unsigned int *cd, const vc_cd_local *local);

/* Read cd_values (a user prefix, or all VC_CD_NALL words). params receives
 * the parameters (threads 0); roles (may be NULL) the axis roles; local
 * (may be NULL) words 10..19, and *has_local says whether they were there. */
VC_API int vc_cd_unpack(const unsigned int *cd, size_t nelmts, vc_params *params,
                        vc_axis roles[VC_MAX_RANK], vc_cd_local *local, int *has_local);

#ifdef __cplusplus
}
#endif
#endif /* VIDCUBE_FILTER_H */
