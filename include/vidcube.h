/*
 * vidcube.h: public API of libvidcube.
 *
 * vidcube compresses multichannel spatiotemporal arrays (Earth-observation
 * image cubes, weather and climate fields) by coding each channel as a
 * monochrome H.264 video with x264, and adds what video lacks for science:
 * exact NaN / Inf / fill values, per-band quality targets in the data's own
 * units, a lossless mode, and self-describing, checksummed streams.
 *
 * Usage, in one breath:
 *
 *     vc_params p;  vc_params_init(&p);  p.mode = VC_MODE_PSNR; p.target = 50;
 *     vc_ctx *ctx = vc_ctx_create(&p);
 *     vc_array a = { VC_FLOAT32, 3, { nt, ny, nx } };     // roles default to T,Y,X
 *     size_t cap = vc_compress_bound(&a), n;  void *buf = malloc(cap);
 *     int rc = vc_compress(ctx, &a, data, buf, cap, &n);
 *     if (rc < 0) fprintf(stderr, "%s: %s\n", vc_strerror(rc), vc_ctx_error(ctx));
 *     ...
 *     vc_stream_info info;  vc_stream_info_read(buf, n, &info);
 *     rc = vc_decompress(ctx, buf, n, out, info.decoded_size);
 *     vc_ctx_free(ctx);
 *
 * Threads: a context may be used by one thread at a time; different contexts
 * may be used concurrently. The library keeps no global mutable state.
 * Within a call, channels (and quantiser trials) run on OpenMP threads. GNU
 * OpenMP is not fork-safe: a child forked after its parent ran vidcube with
 * more than one thread can hang in its first parallel region. Fork before
 * the first call, exec in the child, or give the child params.threads = 1.
 *
 * Copyright (C) 2026 the vidcube authors. GPL-2.0-or-later.
 */
#ifndef VIDCUBE_H
#define VIDCUBE_H

#include <stddef.h>
#include <stdint.h>

#include "vidcube_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define VC_API __attribute__((visibility("default")))
#else
#define VC_API
#endif

/* ------------------------------------------------------------------------
 * Versions. The library version (VC_VERSION_*) and the stream-format version
 * (VC_STREAM_FORMAT) are independent: a new library release that does not
 * change the bytes of a stream keeps the format number. A library decodes
 * every stream format from 1 up to its own VC_STREAM_FORMAT.
 *
 * Stream stability: a change to what a stream's bytes mean, or to the
 * values an existing stream decodes to, must bump VC_STREAM_FORMAT and keep
 * decoding the older formats exactly as before. tests/golden/ holds streams
 * of every mode, dtype and transform with the SHA-256 of their decoded
 * bytes; every later version must decode them bit for bit.
 * ---------------------------------------------------------------------- */
VC_API unsigned vc_version_number(void);       /* VC_VERSION_NUMBER of the linked library */
VC_API const char *vc_version_string(void);    /* "MAJOR.MINOR.PATCH" */
VC_API unsigned vc_stream_format(void);        /* newest format this library writes */

/* ------------------------------------------------------------------------
 * Status codes. Every function that can fail returns VC_OK (0) or one of
 * these negative values. The numbers are stable: they never change meaning.
 * ---------------------------------------------------------------------- */
typedef enum vc_status {
    VC_OK              =   0,
    VC_ERR_GENERIC     =  -1,  /* an unexpected internal failure */
    VC_ERR_PARAM       =  -2,  /* a parameter is out of range or inconsistent */
    VC_ERR_DTYPE       =  -3,  /* unknown or unsupported element type */
    VC_ERR_SHAPE       =  -4,  /* bad rank, extent or axis roles */
    VC_ERR_NOMEM       =  -5,  /* memory allocation failed */
    VC_ERR_DST_SIZE    =  -6,  /* destination buffer is too small */
    VC_ERR_NOT_VIDCUBE =  -7,  /* the buffer is not a vidcube stream */
    VC_ERR_VERSION     =  -8,  /* stream format newer than this library */
    VC_ERR_TRUNCATED   =  -9,  /* the stream ends early */
    VC_ERR_CORRUPT     = -10,  /* checksum mismatch or inconsistent content */
    VC_ERR_CODEC       = -11,  /* x264 or libavcodec reported a failure */
    VC_ERR_TARGET      = -12,  /* the quality target cannot be reached */
    VC_ERR_UNSUPPORTED = -13,  /* a mode or feature this build does not have */
    VC_ERR_LIMIT       = -14,  /* sizes beyond the library's documented limits */
    VC_ERR_NULL        = -15,  /* a required pointer argument is NULL */
    VC_ERR_IO          = -16   /* reading or writing a file failed (the writer
                                  library, vidcube_writer.h) */
} vc_status;

/* A short, static, English description of a status code; never NULL. */
VC_API const char *vc_strerror(int status);

/* ------------------------------------------------------------------------
 * Arrays. A contiguous C-order array of rank 1..VC_MAX_RANK. Each axis has a
 * role; vidcube sees the array as (T, C, Y, X): time along video frames,
 * channels as separate components, Y and X as picture rows and columns.
 * Several axes may share the T or C role (their indices are combined in C
 * order: ERA5 "member, time, level, lat, lon" may be C,T,C,Y,X). Y and X may
 * each appear at most once; an absent role has extent 1.
 * ---------------------------------------------------------------------- */
typedef enum vc_dtype {
    VC_UINT8 = 1, VC_INT8 = 2, VC_UINT16 = 3, VC_INT16 = 4,
    VC_UINT32 = 5, VC_INT32 = 6, VC_FLOAT32 = 7, VC_FLOAT64 = 8
} vc_dtype;

typedef enum vc_axis {
    VC_AXIS_DEFAULT = 0,   /* use the default role for this position */
    VC_AXIS_TIME    = 'T',
    VC_AXIS_CHANNEL = 'C',
    VC_AXIS_Y       = 'Y',
    VC_AXIS_X       = 'X'
} vc_axis;

#define VC_MAX_RANK 5

typedef struct vc_array {
    vc_dtype dtype;
    int      rank;                 /* 1 .. VC_MAX_RANK */
    size_t   dims[VC_MAX_RANK];    /* extents, slowest-varying first; each >= 1 */
    /* Axis roles. When every entry is VC_AXIS_DEFAULT the defaults apply:
     *   rank 1: X      rank 2: Y X      rank 3: T Y X
     *   rank 4: T C Y X                 rank 5: T C C Y X
     * Otherwise every entry of the first `rank` must be set. */
    vc_axis  roles[VC_MAX_RANK];
} vc_array;

VC_API size_t vc_dtype_size(vc_dtype dtype);          /* 0 for an unknown dtype */
VC_API const char *vc_dtype_name(vc_dtype dtype);     /* "float32", ...; "?" if unknown */
/* Number of elements, or 0 when the description is invalid or overflows. */
VC_API size_t vc_array_nvalues(const vc_array *a);
/* Check a description; fills roles with the defaults when they are unset. */
VC_API int vc_array_check(vc_array *a);

/* ------------------------------------------------------------------------
 * Parameters.
 * ---------------------------------------------------------------------- */
typedef enum vc_mode {
    VC_MODE_PSNR     = 1,  /* target = PSNR in dB that EVERY band must reach; the
                              peak is max - min of that band's valid values */
    VC_MODE_QP       = 2,  /* target = x264 constant quantiser, 0 .. vc_qp_max() */
    VC_MODE_CRF      = 3,  /* target = x264 constant rate factor, 0 .. 51 */
    VC_MODE_LOSSLESS = 4,  /* bit-exact for every dtype; target ignored */
    VC_MODE_ABS      = 5,  /* target = max absolute error E, in data units */
    VC_MODE_REL      = 6,  /* target = R; E = R * (max - min) of each band */
    VC_MODE_RATE     = 7   /* target = bits per value (bpppb), all bytes counted */
} vc_mode;

typedef enum vc_transform {
    VC_TRANSFORM_NONE = 0, /* each channel is its own video (the reference) */
    VC_TRANSFORM_KLT  = 1, /* orthonormal transform across channels */
    VC_TRANSFORM_WAE  = 2, /* wavelet packet + learned autoencoder */
    VC_TRANSFORM_AUTO = 3  /* choose by measurement on a sample of the array
                              (PSNR, abs and rel modes; otherwise none) */
} vc_transform;

/* "none", "klt", "wae", "auto" (the CLI's --transform words); "?" if unknown */
VC_API const char *vc_transform_name(vc_transform t);

typedef struct vc_params {
    /* What to guarantee, and how hard. Default: VC_MODE_PSNR, 50 dB. */
    vc_mode mode;
    double  target;
    /* Sample depth of the video: 10 (default) or 8. 10-bit video reaches
     * about 70 dB PSNR; 8-bit about 58 dB. */
    int     bit_depth;
    /* x264 speed preset, 0 (ultrafast), 1 (superfast), 2 (veryfast),
     * 3 (faster), 4 (fast), 5 (medium), 6 (slow), 7 (slower), 8 (veryslow),
     * 9 (placebo). Default 4 (fast): on the shared data "medium" saves 0-3 %
     * and "slow" 1-5 % at 1.3x and 2x the time, and the PSNR search encodes
     * each channel two to four times. */
    int     preset;
    /* Worker threads across components. 0 (default): the VIDCUBE_THREADS
     * environment variable if set, else OpenMP's default. Never stored in
     * the stream; the output is identical for any thread count. */
    int     threads;
    /* An exact fill value that marks missing data, restored bit-exactly like
     * NaN and +-Inf (which are always masked for float dtypes). */
    int     has_fill;      /* 0 (default) or 1 */
    double  fill_value;    /* compared after conversion to the array's dtype */
    /* Band transform. Default VC_TRANSFORM_NONE. */
    vc_transform transform;
} vc_params;

/* Fill *p with the documented defaults. */
VC_API void vc_params_init(vc_params *p);
/* Check parameters; on failure returns VC_ERR_PARAM and, if msg is not NULL,
 * writes a one-line reason of at most msg_size bytes (NUL included). */
VC_API int vc_params_check(const vc_params *p, char *msg, size_t msg_size);
/* The range of `target` accepted for a mode, as [*lo, *hi]. */
VC_API int vc_target_bounds(vc_mode mode, int bit_depth, double *lo, double *hi);
/* The largest x264 QP at a bit depth (51 at 8 bits, 63 at 10). */
VC_API int vc_qp_max(int bit_depth);

/* ------------------------------------------------------------------------
 * Contexts. A context holds parameters, scratch state and the report of the
 * last compression. Create once, reuse for many arrays.
 * ---------------------------------------------------------------------- */
typedef struct vc_ctx vc_ctx;

/* params may be NULL for defaults (enough for decompression). Returns NULL
 * only when memory runs out; parameters are checked by vc_compress. */
VC_API vc_ctx *vc_ctx_create(const vc_params *params);
VC_API void    vc_ctx_free(vc_ctx *ctx);                 /* accepts NULL */
/* Replace the parameters of a context (checked by the next compress). */
VC_API int     vc_ctx_set_params(vc_ctx *ctx, const vc_params *params);
VC_API const vc_params *vc_ctx_params(const vc_ctx *ctx);
/* A one-line English explanation of the last failure on this context, or ""
 * when the last call succeeded. Valid until the next call on ctx. */
VC_API const char *vc_ctx_error(const vc_ctx *ctx);

/* ------------------------------------------------------------------------
 * Compression.
 * ---------------------------------------------------------------------- */
/* An upper bound on the compressed size of any array with this description
 * (0 when the description is invalid). */
VC_API size_t vc_compress_bound(const vc_array *a);

/* Compress the array at src into dst (capacity dst_capacity bytes) and store
 * the stream's size in *dst_size. The array description is copied into the
 * stream, so decompression needs nothing but the stream. */
VC_API int vc_compress(vc_ctx *ctx, const vc_array *a, const void *src,
                       void *dst, size_t dst_capacity, size_t *dst_size);

/* ------------------------------------------------------------------------
 * Reports and measures. Both compress (on the reconstruction it will decode
 * to) and vc_measure (on two arrays) describe quality per channel.
 * ---------------------------------------------------------------------- */
typedef enum vc_coder {
    VC_CODER_NONE     = 0, /* nothing stored: all values masked */
    VC_CODER_CONSTANT = 1, /* every valid value is the same; stored exactly */
    VC_CODER_VIDEO    = 2, /* x264 video */
    VC_CODER_RAW      = 3, /* lossless bytes (prediction + byte planes + zstd) */
    VC_CODER_TRANSFORM = 4 /* part of a band transform's latent videos */
} vc_coder;

typedef struct vc_quality {
    double psnr_db;        /* 10 log10(peak^2 / MSE); +inf when exact */
    double rmse;           /* over valid values */
    double max_abs_error;  /* over valid values, computed in float64 */
    double peak;           /* max - min of the valid original values */
    double min, max;       /* of the valid original values */
    size_t n_valid;        /* values that are not NaN, Inf or fill */
    size_t n_masked;
    int    mask_exact;     /* 1 when masked positions and bits are identical */
} vc_quality;

typedef struct vc_band_report {
    vc_quality quality;    /* of the reconstruction the decoder will produce */
    vc_coder   coder;
    int        qp;         /* video quantiser used, -1 when no video */
    size_t     bytes;      /* stream bytes spent on this channel */
} vc_band_report;

/* After a successful vc_compress: number of channels (C) reported. */
VC_API size_t vc_report_nbands(const vc_ctx *ctx);
/* Report of channel `band` of the last vc_compress on ctx. */
VC_API int vc_report_band(const vc_ctx *ctx, size_t band, vc_band_report *out);

/* The band transform the last vc_compress on ctx used (VC_TRANSFORM_NONE
 * when channels were coded alone; "auto" resolves to what it chose) and the
 * seconds spent choosing and fitting it. */
VC_API int vc_report_transform(const vc_ctx *ctx, vc_transform *used, double *fit_seconds);

/* Compare an original array with a reconstruction of the same description,
 * per channel. bands[] receives C entries (may be NULL); *total (may be
 * NULL) receives the measure over the whole array, with the peak of the
 * whole array. fill is used only when has_fill is set. */
VC_API int vc_measure(const vc_array *a, const void *orig, const void *recon,
                      int has_fill, double fill,
                      vc_quality *bands, size_t nbands, vc_quality *total);

/* ------------------------------------------------------------------------
 * Decompression.
 * ---------------------------------------------------------------------- */
typedef struct vc_stream_info {
    vc_array     array;         /* description of the decoded array */
    size_t       decoded_size;  /* bytes vc_decompress writes */
    size_t       nbands;        /* C: channels */
    unsigned     format;        /* stream-format version of this stream */
    unsigned     writer_version;/* VC_VERSION_NUMBER of the writer */
    vc_mode      mode;
    double       target;
    int          bit_depth;
    vc_transform transform;
    int          has_fill;
    double       fill_value;
} vc_stream_info;

/* Read the description at the head of a stream without decoding it. Only the
 * header section is checked (its checksum included), not the whole stream. */
VC_API int vc_stream_info_read(const void *src, size_t src_size,
                               vc_stream_info *info);

/* Decompress a whole stream into dst (dst_capacity >= info.decoded_size).
 * Every section's checksum is verified before anything is decoded; a
 * truncated or damaged stream is refused and dst is left unspecified. */
VC_API int vc_decompress(vc_ctx *ctx, const void *src, size_t src_size,
                         void *dst, size_t dst_capacity);

/* Limits for untrusted streams: a stream declaring more values than this
 * (or a size that overflows size_t) is refused, with VC_ERR_LIMIT or
 * VC_ERR_CORRUPT, before anything is allocated. vc_stream_info_read
 * allocates nothing, so the decoded size is known before any commitment. */
#define VC_MAX_VALUES ((size_t)1 << 36)

/* Memory a decode may take. Besides dst, vc_decompress holds at most
 *
 *     VC_DECODE_MEM_PER_VALUE * (values the stream declares)
 *   + VC_DECODE_MEM_PER_STREAM_BYTE * src_size
 *   + VC_DECODE_MEM_FIXED * (threads decoding)
 *
 * bytes of heap at once. 32 bytes per value is 32 times the decoded size
 * for 8-bit data, 8 times for 32-bit and 4 times for float64 (the lossless
 * coder's 64-bit work arrays; a band transform's float64 latents, features
 * and reconstructions). The stream term covers the padded copy of a video
 * that libavcodec parses and a transform's float32 weights held as float64.
 * The fixed term is libavcodec's decoder with its reference pictures; it is
 * bounded because pictures larger than the declared frame, or than x264
 * writes, are refused before libavcodec allocates them. Measured on every
 * mode, dtype and transform and on the worst shapes (one value, 1-row
 * frames 16384 wide, 8-bit lossless) by tests/harden_limits. */
#define VC_DECODE_MEM_PER_VALUE       32
#define VC_DECODE_MEM_PER_STREAM_BYTE 4
#define VC_DECODE_MEM_FIXED           ((size_t)64 << 20)

#ifdef __cplusplus
}
#endif
#endif /* VIDCUBE_H */
